/* Files: bounded whole-file reads, and outputs that appear whole or not at all.
 * Regular files are written to a 0600 temp file in the target's directory,
 * fsync'd and renamed over the target; devices and FIFOs (/dev/null,
 * /dev/stdout, a pipe made with mkfifo) cannot be renamed over, so they are
 * opened and written directly. */
/* sync_file_range (Linux) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sodium.h>
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/io.h"
#include "veil/error.h"

#ifndef NAME_MAX
#define NAME_MAX 255
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

#define READ_CHUNK 16384

/* A regular file's size is known: one allocation of that size instead of a
 * doubling series, which for a 20 MiB file peaked at 48 MiB. A file that
 * grows while being read still works (the buffer grows). */
static int reserve_file_size(veil_buf *b, int fd, size_t max)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	if (max && (uint64_t)st.st_size > max)
		return 0; /* the read loop reports the limit with the file's name */
	return veil_buf_reserve(b, (size_t)st.st_size);
}

int veil_file_read(uint8_t **out, size_t *len, const char *path, size_t max)
{
	veil_buf b = VEIL_BUF_INIT(max);
	uint8_t chunk[READ_CHUNK];
	char why[256];
	int fd = STDIN_FILENO, error = 0;
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "standard input" : path;
	long n, used = 0; /* the most of chunk ever filled: what is wiped */

	*out = NULL;
	*len = 0;
	if (!is_stdin) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			error = veil_error_set(errno == ENOENT ? VEIL_ENOTFOUND : VEIL_EIO,
			                       "cannot open %s: %s", path, strerror(errno));
			goto done;
		}
	}
	error = reserve_file_size(&b, fd, max);
	if (error < 0)
		goto done;
	for (;;) {
		n = veil_fd_read(&fd, chunk, sizeof(chunk));
		if (n < 0) {
			snprintf(why, sizeof(why), "%s", veil_error_last());
			error = veil_error_set(VEIL_EIO, "cannot read %s: %s", name, why);
			goto done;
		}
		if (n == 0)
			break;
		if (n > used)
			used = n;
		error = veil_buf_append(&b, chunk, (size_t)n);
		if (error == VEIL_ELIMIT) {
			veil_error_set(error, "%s is larger than the limit of %zu bytes", name,
			               max);
			goto done;
		}
		if (error < 0)
			goto done;
	}
	*out = veil_buf_detach(&b, len);
	if (!*out)
		error = VEIL_ENOMEM;
done:
	sodium_memzero(chunk, (size_t)used); /* not the untouched rest: fresh stack pages */
	veil_buf_dispose(&b);
	if (!is_stdin && fd >= 0)
		close(fd);
	return error;
}

char *veil_path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (!p)
		return NULL;
	if (a == 1 && dir[0] == '/')
		a = 0; /* the root: no doubled slash */
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* ---- registry of live temp files, for signal handlers ---- */

#define OUT_SLOTS 16

enum { SLOT_FREE = 0, SLOT_CLAIMED = 1, SLOT_LIVE = 2 };

static struct {
	atomic_int state;
	int dirfd;
	char name[NAME_MAX + 1];
} slots[OUT_SLOTS];

/* Records (dirfd, name) so cleanup_all can unlink it; -1 if the table is full
 * (the file is then only removed by commit/abort, not on a signal). */
static int registry_add(int dirfd, const char *name)
{
	int i, expected;

	for (i = 0; i < OUT_SLOTS; i++) {
		expected = SLOT_FREE;
		if (atomic_compare_exchange_strong(&slots[i].state, &expected, SLOT_CLAIMED)) {
			slots[i].dirfd = dirfd;
			snprintf(slots[i].name, sizeof(slots[i].name), "%s", name);
			atomic_store(&slots[i].state, SLOT_LIVE);
			return i;
		}
	}
	return -1;
}

static void registry_remove(int slot)
{
	if (slot >= 0)
		atomic_store(&slots[slot].state, SLOT_FREE);
}

void veil_outfile__cleanup_all(void)
{
	int i;

	for (i = 0; i < OUT_SLOTS; i++)
		if (atomic_load(&slots[i].state) == SLOT_LIVE)
			unlinkat(slots[i].dirfd, slots[i].name, 0);
}

/* ---- output files ---- */

enum out_kind { OUT_STDOUT, OUT_DIRECT, OUT_TEMP };

/* Writeback is started every this many bytes of a temp output file. */
#define WRITEBACK_STEP (8u * 1024 * 1024)

struct veil_outfile {
	enum out_kind kind;
	unsigned int flags;
	int fd;
	int dirfd;              /* OUT_TEMP: the directory holding target and temp */
	int slot;               /* registry slot or -1 */
	char *path;             /* for messages: the path as given */
	char *base;             /* OUT_TEMP: target name inside dirfd */
	char tmp[NAME_MAX + 1]; /* OUT_TEMP: temp name inside dirfd */
	uint64_t written;       /* OUT_TEMP: bytes written so far */
	uint64_t flushed;       /* OUT_TEMP: bytes whose writeback was started */
};

static void outfile_free(veil_outfile *f)
{
	if (!f)
		return;
	registry_remove(f->slot);
	if (f->kind != OUT_STDOUT && f->fd >= 0)
		close(f->fd);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(f->path);
	free(f->base);
	free(f);
}

/* Splits target into an open directory and a base name. */
static int open_parent(veil_outfile *f, const char *target)
{
	const char *slash = strrchr(target, '/');
	char *dir;
	int error = 0;

	if (slash && slash[1] == '\0')
		return veil_error_set(VEIL_EINVAL, "cannot write %s: is a directory", f->path);
	if (!slash)
		dir = strdup(".");
	else if (slash == target)
		dir = strdup("/");
	else
		dir = strndup(target, (size_t)(slash - target));
	f->base = strdup(slash ? slash + 1 : target);
	if (!dir || !f->base) {
		free(dir);
		return veil_error_oom();
	}
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0)
		error = veil_error_set(errno == ENOENT ? VEIL_ENOTFOUND : VEIL_EIO,
		                       "cannot write %s: directory %s: %s", f->path, dir,
		                       strerror(errno));
	free(dir);
	return error;
}

/* Creates ".<base>.<random>.veil-tmp" next to the target, 0600, never
 * following or reusing an existing name. */
static int create_temp(veil_outfile *f)
{
	uint8_t rnd[8];
	char hex[sizeof(rnd) * 2 + 1];
	int attempt;

	for (attempt = 0; attempt < 16; attempt++) {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		/* Keep within NAME_MAX whatever the target's name length. */
		snprintf(f->tmp, sizeof(f->tmp), ".%.64s.%s.veil-tmp", f->base, hex);
		f->fd = openat(f->dirfd, f->tmp,
		               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		               0600);
		if (f->fd >= 0) {
			f->slot = registry_add(f->dirfd, f->tmp);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return veil_error_set(VEIL_EIO, "cannot create a temporary file next to %s: %s", f->path,
	                      strerror(errno));
}

/* /dev/stdout or /proc/self/fd/1 may point at a regular file (a shell
 * redirection): renaming a temp over that file would leave the shell's
 * descriptor on an unlinked inode, so such names are always written directly. */
static int is_special_path(const char *path)
{
	return strncmp(path, "/dev/std", 8) == 0 || strncmp(path, "/dev/fd/", 8) == 0 ||
	       strncmp(path, "/proc/", 6) == 0;
}

/* Classifies the target: devices and FIFOs are written in place (stat follows
 * symlinks, so /dev/stdout -> /proc/self/fd/1 counts as one); a symlink to a
 * regular file is resolved so the link itself survives the rename. */
static int open_target(veil_outfile *f)
{
	struct stat st, lst;
	char *real = NULL;
	int error, have;

	have = stat(f->path, &st) == 0;
	if (is_special_path(f->path) || (have && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))) {
		f->kind = OUT_DIRECT;
		/* Append, so a `>>` redirection behind /dev/stdout is honoured. */
		f->fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NOCTTY |
		                              (have && S_ISREG(st.st_mode) ? O_APPEND : 0));
		if (f->fd < 0)
			return veil_error_set(VEIL_EIO, "cannot open %s: %s", f->path,
			                      strerror(errno));
		return 0;
	}
	if (lstat(f->path, &lst) == 0) {
		if (f->flags & VEIL_OUT_EXCL)
			return veil_error_set(VEIL_EINVAL,
			                      "%s already exists; refusing to overwrite it",
			                      f->path);
		if (have && S_ISDIR(st.st_mode))
			return veil_error_set(VEIL_EINVAL, "cannot write %s: is a directory",
			                      f->path);
		if (S_ISLNK(lst.st_mode) && have && S_ISREG(st.st_mode))
			real = realpath(f->path, NULL);
	}
	f->kind = OUT_TEMP;
	error = open_parent(f, real ? real : f->path);
	free(real);
	if (error < 0)
		return error;
	return create_temp(f);
}

int veil_outfile_open(veil_outfile **out, const char *path, unsigned int flags)
{
	veil_outfile *f;
	int error = 0;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return veil_error_oom();
	f->flags = flags;
	f->fd = -1;
	f->dirfd = -1;
	f->slot = -1;
	if (!path || strcmp(path, "-") == 0) {
		f->kind = OUT_STDOUT;
		f->fd = STDOUT_FILENO;
		f->path = strdup("standard output");
	} else {
		f->path = strdup(path);
		if (f->path)
			error = open_target(f);
	}
	if (!error && !f->path)
		error = veil_error_oom();
	if (error < 0) {
		veil_outfile_abort(f);
		return error;
	}
	*out = f;
	return 0;
}

int veil_outfile_write(veil_outfile *f, const uint8_t *data, size_t len)
{
	char why[256];
	int error;

	error = veil_fd_write(&f->fd, data, len);
	if (error < 0) {
		/* The message is rebuilt from a copy: it is its own format argument. */
		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(error, "cannot write %s: %s", f->path, why);
	}
	f->written += len;
	/* Start writeback as we go, so the fsync at commit waits for the tail
	 * only instead of the whole file (advisory: errors surface at fsync). */
	if (f->kind == OUT_TEMP && f->written - f->flushed >= WRITEBACK_STEP) {
		(void)sync_file_range(f->fd, (off_t)f->flushed, (off_t)(f->written - f->flushed),
		                      SYNC_FILE_RANGE_WRITE);
		f->flushed = f->written;
	}
	return 0;
}

int veil_outfile_writer(void *payload, const uint8_t *data, size_t len)
{
	return veil_outfile_write(payload, data, len);
}

/* Moves tmp to base without ever replacing an existing file. */
static int rename_noreplace(veil_outfile *f)
{
#ifdef SYS_renameat2
	if (syscall(SYS_renameat2, f->dirfd, f->tmp, f->dirfd, f->base, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	/* link() fails with EEXIST instead of clobbering; then drop the temp name. */
	if (linkat(f->dirfd, f->tmp, f->dirfd, f->base, 0) != 0)
		return -1;
	unlinkat(f->dirfd, f->tmp, 0);
	return 0;
}

static int commit_temp(veil_outfile *f)
{
	int rc, err = 0;

	/* close() reports delayed write errors (NFS), so its result counts too. */
	if (fsync(f->fd) != 0)
		err = errno;
	if (close(f->fd) != 0 && !err)
		err = errno;
	f->fd = -1;
	if (err)
		return veil_error_set(VEIL_EIO, "cannot write %s: %s", f->path, strerror(err));
	if (f->flags & VEIL_OUT_EXCL)
		rc = rename_noreplace(f);
	else
		rc = renameat(f->dirfd, f->tmp, f->dirfd, f->base);
	if (rc != 0) {
		if (errno == EEXIST)
			return veil_error_set(VEIL_EINVAL,
			                      "%s already exists; refusing to overwrite it",
			                      f->path);
		return veil_error_set(VEIL_EIO, "cannot move the new %s into place: %s", f->path,
		                      strerror(errno));
	}
	/* The temp name is gone: stop a late signal from unlinking the target's
	 * new contents' old name (harmless) and make abort a no-op. */
	registry_remove(f->slot);
	f->slot = -1;
	f->tmp[0] = '\0';
	/* Persist the rename itself; some filesystems refuse fsync on a directory. */
	if (fsync(f->dirfd) != 0 && errno != EINVAL && errno != EROFS)
		return veil_error_set(VEIL_EIO, "cannot sync the directory of %s: %s", f->path,
		                      strerror(errno));
	return 0;
}

int veil_outfile_commit(veil_outfile *f)
{
	int error = 0;

	if (!f)
		return veil_error_set(VEIL_EINVAL, "no output file");
	if (f->kind == OUT_TEMP) {
		error = commit_temp(f);
		if (error < 0) {
			veil_outfile_abort(f);
			return error;
		}
	} else if (f->kind == OUT_DIRECT) {
		if (close(f->fd) != 0 && errno != EINTR)
			error = veil_error_set(VEIL_EIO, "cannot write %s: %s", f->path,
			                       strerror(errno));
		f->fd = -1;
	}
	outfile_free(f);
	return error;
}

void veil_outfile_abort(veil_outfile *f)
{
	if (!f)
		return;
	if (f->kind == OUT_TEMP && f->tmp[0] && f->dirfd >= 0)
		unlinkat(f->dirfd, f->tmp, 0);
	outfile_free(f);
}

int veil_file_write_atomic(const char *path, const uint8_t *data, size_t len, unsigned int flags)
{
	veil_outfile *f = NULL;
	int error;

	error = veil_outfile_open(&f, path, flags);
	if (error < 0)
		return error;
	error = veil_outfile_write(f, data, len);
	if (error < 0) {
		veil_outfile_abort(f);
		return error;
	}
	return veil_outfile_commit(f);
}
