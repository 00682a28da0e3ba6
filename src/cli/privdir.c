/* Private plaintext directories and child commands (see privdir.h). */
#define _GNU_SOURCE /* getdents64 */
#include "privdir.h"
#include "cli.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
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

/* The directories in use, for the signal handler: fixed slots, written
 * with signals blocked, read with plain loads (async-signal-safe). */
#define DIR_SLOTS 4
static struct {
	atomic_int live;
	char path[VEIL_CLI_PRIVDIR_MAX];
} dirs[DIR_SLOTS];

int veil_cli__privdir_make_for(char dir[VEIL_CLI_PRIVDIR_MAX], int other_user)
{
	const char *bases[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm", getenv("TMPDIR"), "/tmp" };
	sigset_t mask;
	int made = 0, slot = -1;

	dir[0] = '\0';
	for (int i = 0; i < DIR_SLOTS && slot < 0; i++)
		if (!atomic_load(&dirs[i].live))
			slot = i;
	if (slot < 0)
		return veil_error_set(VEIL_ELIMIT, "too many private directories at once");
	/* made and recorded with no signal in between: the handler removes
	 * whatever it finds recorded */
	veil_cli__signals_block(&mask);
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]) && !made; i++) {
		if (!usable_base(bases[i], other_user))
			continue;
		snprintf(dir, VEIL_CLI_PRIVDIR_MAX, "%s/veil-XXXXXX", bases[i]);
		made = mkdtemp(dir) != NULL; /* mode 0700 */
	}
	if (made) {
		memcpy(dirs[slot].path, dir, VEIL_CLI_PRIVDIR_MAX);
		atomic_store(&dirs[slot].live, 1);
	}
	veil_cli__signals_unblock(&mask);
	if (made)
		return 0;
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
 * linger in freed blocks of a disk-backed TMPDIR. Async-signal-safe. */
static void wipe_file(int dirfd, const char *name)
{
	static const char zeros[4096];
	struct stat st;
	int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

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

/* Wipes and unlinks every entry (the editor's swap and backup files too;
 * empty subdirectories are removed), then the directory. Only system calls
 * (getdents64, not readdir's malloc), so the signal handler runs it too.
 * 0, or -1 with errno when the directory itself could not be removed. */
static int wipe_dir(const char *dir)
{
	char buf[4096];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), removed = 1;

	/* unlinking while reading may skip entries: read again until a pass
	 * removes nothing */
	for (int pass = 0; fd >= 0 && removed && pass < 64; pass++) {
		ssize_t n;
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
				off += e->d_reclen;
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				wipe_file(fd, e->d_name);
				if (unlinkat(fd, e->d_name, 0) == 0 ||
				    unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0)
					removed = 1;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	return rmdir(dir);
}

void veil_cli__privdir_cleanup_all(void)
{
	for (int i = 0; i < DIR_SLOTS; i++)
		if (atomic_load(&dirs[i].live))
			wipe_dir(dirs[i].path);
}

void veil_cli__privdir_remove(const char *dir)
{
	if (!dir || !*dir)
		return;
	if (wipe_dir(dir) != 0 && errno != ENOENT)
		veil_cli__warning("could not remove %s: %s", dir, strerror(errno));
	for (int i = 0; i < DIR_SLOTS; i++)
		if (atomic_load(&dirs[i].live) && !strcmp(dirs[i].path, dir))
			atomic_store(&dirs[i].live, 0);
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
	struct passwd *pw = NULL;
	int status = 0;
	pid_t pid, w;

	if (o && o->user && !(pw = getpwnam(o->user)))
		return veil_error_set(VEIL_ENOTFOUND, "no user '%s'", o->user);
	if (o && o->same_process) {
		fflush(NULL);
		exec_shell(script, arg, env, nenv, o, pw);
		return veil_error_set(VEIL_EIO, "cannot run /bin/sh: %s", strerror(errno));
	}
	fflush(NULL);
	/* from here a signal is recorded and passed on, not acted upon: the
	 * child may be using the plaintext, and it ends first */
	veil_cli__signals_watch(0);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		veil_cli__signals_unwatch(-1);
		return veil_error_set(VEIL_EIO, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		exec_shell(script, arg, env, nenv, o, pw);
		_exit(127);
	}
	veil_cli__signals_watch(pid);
	do {
		w = waitpid(pid, &status, 0);
	} while (w < 0 && errno == EINTR);
	if (w != pid) {
		int e = errno;
		veil_cli__signals_unwatch(-1);
		return veil_error_set(VEIL_EIO, "waitpid: %s", strerror(e));
	}
	/* ends veil by the signal, the plaintext removed, if one came */
	veil_cli__signals_unwatch(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
