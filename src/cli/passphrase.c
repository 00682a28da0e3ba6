/* Passphrases: from the terminal with echo off (never from argv, never from
 * an environment variable), or the first line of a file for scripts. They
 * live in secret memory from the first byte read. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "util/fsutil.h"
#include "util/secret.h"

#define PASS_MAX      1024
#define PASS_FILE_MAX (1024 * 1024)

/* The first line of file, without its LF or CRLF. */
static int from_file(char *buf, size_t *len, const char *file)
{
	uint8_t *data = NULL;
	size_t dlen = 0, n = 0;
	int error;

	error = veil_file_read(&data, &dlen, file, PASS_FILE_MAX);
	if (error < 0)
		return error;
	while (n < dlen && data[n] != '\n')
		n++;
	if (n > 0 && data[n - 1] == '\r')
		n--;
	if (n > PASS_MAX) {
		error = veil_error_set(VEIL_ELIMIT, "passphrase in %s is longer than %d bytes",
		                       file, PASS_MAX);
		goto done;
	}
	memcpy(buf, data, n);
	*len = n;
done:
	veil_wipe_free(data, dlen);
	return error;
}

/* One line from the terminal with echo off; ECHONL still shows the newline. */
static int prompt_line(int fd, const char *prompt, char *buf, size_t *len)
{
	struct termios old, quiet;
	size_t n = 0;
	int error = 0;

	if (tcgetattr(fd, &old) < 0)
		return veil_error_set(VEIL_EIO, "cannot use the terminal: %s", strerror(errno));
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	/* TCSANOW, not TCSAFLUSH: input typed (or piped through a pty) before
	 * the prompt must not be thrown away. A signal meanwhile ends veil
	 * with the echo back on (signals.c). */
	veil_cli__signals_tty(fd, &old);
	if (tcsetattr(fd, TCSANOW, &quiet) < 0) {
		veil_cli__signals_tty(-1, NULL);
		return veil_error_set(VEIL_EIO, "cannot turn off echo: %s", strerror(errno));
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		error = veil_error_set(VEIL_EIO, "cannot write to the terminal: %s",
		                       strerror(errno));
		goto done;
	}
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error = veil_error_set(VEIL_EIO, "reading the passphrase: %s",
			                       strerror(errno));
			goto done;
		}
		if (r == 0 || c == '\n')
			break;
		if (n == PASS_MAX) {
			error = veil_error_set(VEIL_ELIMIT, "passphrase longer than %d bytes",
			                       PASS_MAX);
			goto done;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*len = n;
done:
	tcsetattr(fd, TCSANOW, &old);
	veil_cli__signals_tty(-1, NULL);
	return error;
}

static int from_tty(char *buf, size_t *len, const char *prompt, int confirm)
{
	char *again = NULL;
	size_t again_len = 0;
	int fd, error;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return veil_error_set(
		        VEIL_ENOTFOUND,
		        "no terminal to ask for the passphrase (use --passphrase-file FILE)");
	error = prompt_line(fd, prompt, buf, len);
	if (error < 0 || !confirm || *len == 0)
		goto done;
	again = veil_secure_alloc(PASS_MAX + 1);
	if (!again) {
		error = VEIL_ENOMEM;
		goto done;
	}
	error = prompt_line(fd, "Confirm passphrase: ", again, &again_len);
	if (error < 0)
		goto done;
	if (again_len != *len || sodium_memcmp(again, buf, *len) != 0)
		error = veil_error_set(VEIL_EINVAL, "the two passphrases do not match");
done:
	veil_secure_free(again);
	close(fd);
	return error;
}

int veil_cli__passphrase_read(char **out, size_t *len, const char *file, const char *prompt,
                              int confirm)
{
	char *buf = veil_secure_alloc(PASS_MAX + 1);
	size_t n = 0;
	int error;

	if (!buf)
		return VEIL_ENOMEM;
	if (file)
		error = from_file(buf, &n, file);
	else
		error = from_tty(buf, &n, prompt, confirm);
	if (error < 0)
		goto done;
	if (n == 0) {
		error = veil_error_set(VEIL_EINVAL, "the passphrase is empty");
		goto done;
	}
	*out = buf;
	*len = n;
	buf = NULL;
done:
	veil_secure_free(buf);
	return error;
}
