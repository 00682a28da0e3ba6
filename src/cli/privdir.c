/* Private plaintext directories and child commands (see privdir.h). */
#include "privdir.h"
#include "cli.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int usable_base(const char *base)
{
	struct stat st;

	return base && *base == '/' && strlen(base) < VEIL_CLI_PRIVDIR_MAX - 32 &&
	       stat(base, &st) == 0 && S_ISDIR(st.st_mode) && access(base, W_OK | X_OK) == 0;
}

int veil_cli__privdir_make(char dir[VEIL_CLI_PRIVDIR_MAX])
{
	const char *bases[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm", getenv("TMPDIR"), "/tmp" };

	dir[0] = '\0';
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!usable_base(bases[i]))
			continue;
		snprintf(dir, VEIL_CLI_PRIVDIR_MAX, "%s/veil-XXXXXX", bases[i]);
		if (mkdtemp(dir)) /* mode 0700 */
			return 0;
	}
	dir[0] = '\0';
	return veil_error_set(VEIL_EIO, "cannot make a private directory: %s", strerror(errno));
}

/* Overwrites the file with zeros and syncs it, so the plaintext does not
 * linger in freed blocks of a disk-backed TMPDIR. */
static void wipe_file(int dirfd, const char *name)
{
	static const char zeros[4096];
	struct stat st;
	int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		for (off_t done = 0; done < st.st_size;) {
			size_t n = (size_t)(st.st_size - done) < sizeof(zeros)
			                   ? (size_t)(st.st_size - done)
			                   : sizeof(zeros);
			ssize_t w = write(fd, zeros, n);
			if (w <= 0)
				break;
			done += w;
		}
		fsync(fd);
	}
	if (fd >= 0)
		close(fd);
}

void veil_cli__privdir_remove(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir || !*dir)
		return;
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			wipe_file(dirfd(d), e->d_name);
			if (unlinkat(dirfd(d), e->d_name, 0) != 0)
				unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		}
		closedir(d);
	}
	if (rmdir(dir) != 0)
		veil_cli__warning("could not remove %s: %s", dir, strerror(errno));
}

static void child(const char *script, const char *arg, const char *const *env, size_t nenv)
{
	signal(SIGINT, SIG_DFL);
	for (size_t i = 0; i + 1 < 2 * nenv; i += 2)
		if (setenv(env[i], env[i + 1], 1) != 0)
			_exit(127);
	if (arg) {
		execl("/bin/sh", "sh", "-c", script, "sh", arg, (char *)NULL);
	} else {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
	}
	_exit(127);
}

int veil_cli__run_shell(const char *script, const char *arg, const char *const *env, size_t nenv)
{
	struct sigaction ign, old;
	int status = 0, forwarded = 0;
	pid_t pid, w;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	fflush(NULL);
	sigaction(SIGINT, &ign, &old);
	pid = fork();
	if (pid < 0) {
		sigaction(SIGINT, &old, NULL);
		return veil_error_set(VEIL_EIO, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		child(script, arg, env, nenv);
	for (;;) {
		w = waitpid(pid, &status, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (veil_cli__interrupted() && !forwarded) {
			kill(pid, SIGTERM);
			forwarded = 1;
		}
	}
	sigaction(SIGINT, &old, NULL);
	if (w != pid)
		return veil_error_set(VEIL_EIO, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
