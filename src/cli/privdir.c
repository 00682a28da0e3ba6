/* Private plaintext directories and child commands (see privdir.h). */
#include "privdir.h"
#include "cli.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int usable_base(const char *base, int other_user)
{
	struct stat st;

	return base && *base == '/' && strlen(base) < VEIL_CLI_PRIVDIR_MAX - 32 &&
	       stat(base, &st) == 0 && S_ISDIR(st.st_mode) && access(base, W_OK | X_OK) == 0 &&
	       (!other_user || (st.st_mode & S_IXOTH));
}

int veil_cli__privdir_make(char dir[VEIL_CLI_PRIVDIR_MAX])
{
	return veil_cli__privdir_make_for(dir, 0);
}

int veil_cli__privdir_make_for(char dir[VEIL_CLI_PRIVDIR_MAX], int other_user)
{
	const char *bases[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm", getenv("TMPDIR"), "/tmp" };

	dir[0] = '\0';
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!usable_base(bases[i], other_user))
			continue;
		snprintf(dir, VEIL_CLI_PRIVDIR_MAX, "%s/veil-XXXXXX", bases[i]);
		if (mkdtemp(dir)) /* mode 0700 */
			return 0;
	}
	dir[0] = '\0';
	return veil_error_set(VEIL_EIO, "cannot make a private directory: %s", strerror(errno));
}

int veil_cli__privdir_write(char *path, size_t cap, const char *dir, const char *name,
                            const char *data, size_t len)
{
	int fd, error = 0;

	if ((size_t)snprintf(path, cap, "%s/%s", dir, name) >= cap)
		return veil_error_set(VEIL_EINVAL, "path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
	for (size_t done = 0; done < len && error == 0;) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			error = veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
		else
			done += (size_t)w;
	}
	if (close(fd) != 0 && error == 0)
		error = veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
	return error;
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

/* --user: the target's groups and ids, then HOME, USER and LOGNAME as sops
 * sets them. 0 or -1 (errno set). */
static int switch_user(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -1;
	if (setenv("HOME", pw->pw_dir, 1) != 0 || setenv("USER", pw->pw_name, 1) != 0 ||
	    setenv("LOGNAME", pw->pw_name, 1) != 0)
		return -1;
	return 0;
}

/* Sets up the environment and user, then execs the shell; returns only on
 * failure (errno set). */
static void exec_shell(const char *script, const char *arg, const char *const *env, size_t nenv,
                       const veil_cli_run_opts *o, const struct passwd *pw)
{
	if (o && o->pristine && clearenv() != 0)
		return;
	if (pw && switch_user(pw) != 0)
		return;
	for (size_t i = 0; i + 1 < 2 * nenv; i += 2)
		if (setenv(env[i], env[i + 1], 1) != 0)
			return;
	if (arg)
		execl("/bin/sh", "sh", "-c", script, "sh", arg, (char *)NULL);
	else
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
}

int veil_cli__run_shell(const char *script, const char *arg, const char *const *env, size_t nenv)
{
	return veil_cli__run_shell_ex(script, arg, env, nenv, NULL);
}

int veil_cli__run_shell_ex(const char *script, const char *arg, const char *const *env, size_t nenv,
                           const veil_cli_run_opts *o)
{
	struct sigaction ign, old;
	struct passwd *pw = NULL;
	int status = 0, forwarded = 0;
	pid_t pid, w;

	if (o && o->user && !(pw = getpwnam(o->user)))
		return veil_error_set(VEIL_ENOTFOUND, "no user '%s'", o->user);
	if (o && o->same_process) {
		fflush(NULL);
		exec_shell(script, arg, env, nenv, o, pw);
		return veil_error_set(VEIL_EIO, "cannot run /bin/sh: %s", strerror(errno));
	}
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
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		exec_shell(script, arg, env, nenv, o, pw);
		_exit(127);
	}
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
