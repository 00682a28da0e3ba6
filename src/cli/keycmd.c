/* sops's key commands (SOPS_AGE_KEY_CMD, SOPS_AGE_SSH_PRIVATE_KEY_CMD), run
 * the way sops 3.13.2 runs them (age/keysource.go getOutputFromCmd): the
 * value is split into words by google/shlex's rules, with no shell, no
 * variable expansion and no globbing; the program runs with
 * SOPS_AGE_RECIPIENT added to the environment, and its standard output is
 * the key text. veil also closes its standard input (there is no data for
 * it) and lets its standard error through, so its complaints are seen. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "util/buf.h"

#define OUT_MAX  (16u * 1024 * 1024) /* an identity file's limit */
#define MAX_ARGS 256

/* google/shlex: blanks split words; "..." quotes with \ escaping any
 * character; '...' quotes literally; \ escapes the next character; # at the
 * start of a word comments out the rest of the line. Words go into buf
 * (NUL-separated), pointers into argv. */
static int split(char *buf, char **argv, size_t *argc, const char *s)
{
	enum { START, WORD, ESC, DQ, DQ_ESC, SQ, COMMENT } st = START;
	size_t n = 0;
	char *w = buf;

	for (;; s++) {
		char c = *s;
		int blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';

		switch (st) {
		case START:
		case COMMENT:
			if (c == '\0')
				goto end;
			if (st == COMMENT) {
				st = c == '\n' ? START : COMMENT;
				break;
			}
			if (blank)
				break;
			if (c == '#') {
				st = COMMENT;
				break;
			}
			if (n == MAX_ARGS)
				return veil_error_set(VEIL_ELIMIT, "more than %d words", MAX_ARGS);
			argv[n++] = w;
			st = c == '"' ? DQ : c == '\'' ? SQ : c == '\\' ? ESC : WORD;
			if (st == WORD)
				*w++ = c;
			break;
		case WORD:
			if (c == '\0' || blank) {
				*w++ = '\0';
				if (c == '\0')
					goto end;
				st = START;
			} else if (c == '"' || c == '\'' || c == '\\') {
				st = c == '"' ? DQ : c == '\'' ? SQ : ESC;
			} else {
				*w++ = c;
			}
			break;
		case ESC:
		case DQ_ESC:
			if (c == '\0')
				return veil_error_set(VEIL_EINVAL,
				                      "ends after an escape character");
			*w++ = c;
			st = st == ESC ? WORD : DQ;
			break;
		case DQ:
		case SQ:
			if (c == '\0')
				return veil_error_set(VEIL_EINVAL, "a quote is not closed");
			if ((st == DQ && c == '"') || (st == SQ && c == '\''))
				st = WORD;
			else if (st == DQ && c == '\\')
				st = DQ_ESC;
			else
				*w++ = c;
			break;
		}
	}
end:
	argv[n] = NULL;
	*argc = n;
	return 0;
}

/* Reads the child's output whole (up to max) into a buffer that wipes
 * what it outgrows: the output is key material (or decrypted manifests). */
#define CHUNK 4096

static int read_all(int fd, uint8_t **out, size_t *len, size_t max)
{
	veil_buf b = VEIL_BUF_INIT(max + CHUNK);
	ssize_t got;
	int error;

	for (;;) {
		if (b.len > max) {
			veil_buf_dispose(&b);
			return veil_error_set(VEIL_ELIMIT, "its output is larger than %zu MiB",
			                      max / (1024 * 1024));
		}
		if ((error = veil_buf_reserve(&b, CHUNK)) < 0) {
			veil_buf_dispose(&b);
			return error;
		}
		got = read(fd, b.data + b.len, b.cap - 1 - b.len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		b.len += (size_t)got;
	}
	*out = veil_buf_detach(&b, len);
	return *out ? 0 : veil_error_oom();
}

static void child(int out_fd, char **argv, const char *recipient)
{
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(126);
	if (recipient != NULL && setenv("SOPS_AGE_RECIPIENT", recipient, 1) != 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "veil: error: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int wait_child(pid_t pid, const char *prog)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return veil_error_set(VEIL_EIO, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return veil_error_set(VEIL_ERROR, "%s exited with status %d", prog,
		                      WEXITSTATUS(status));
	return veil_error_set(VEIL_ERROR, "%s was killed by signal %d", prog,
	                      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int veil_cli__run_capture(uint8_t **out, size_t *len, char *const *argv, size_t max,
                          const char *recipient)
{
	int fds[2] = { -1, -1 }, error;
	pid_t pid;

	*out = NULL;
	*len = 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return veil_error_set(VEIL_EIO, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		error = veil_error_set(VEIL_EIO, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		child(fds[1], (char **)argv, recipient);
	close(fds[1]);
	fds[1] = -1;
	error = read_all(fds[0], out, len, max);
	close(fds[0]);
	fds[0] = -1;
	if (wait_child(pid, argv[0]) < 0 && error == 0) {
		error = VEIL_ERROR;
		sodium_memzero(*out, *len);
		free(*out);
		*out = NULL;
		*len = 0;
	}
done:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return error;
}

int veil_cli__keycmd_run(uint8_t **out, size_t *len, const char *cmd, const char *recipient)
{
	char *buf = malloc(strlen(cmd) + 1), *argv[MAX_ARGS + 1];
	size_t argc = 0;
	int error;

	*out = NULL;
	*len = 0;
	if (buf == NULL)
		return veil_error_oom();
	if ((error = split(buf, argv, &argc, cmd)) < 0)
		goto done;
	if (argc == 0) {
		error = veil_error_set(VEIL_EINVAL, "the command is empty");
		goto done;
	}
	error = veil_cli__run_capture(out, len, argv, OUT_MAX, recipient);
done:
	free(buf);
	return error;
}
