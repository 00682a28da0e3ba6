/*
 * veil check PATH...: files on disk. The walk lists the files first (sorted
 * per directory, as the user reads them), then threads scan them: each
 * takes the next chunk of the list by an atomic counter and scans it into
 * its own check context (a context is not thread-safe), whose findings are
 * moved into a holder per chunk. The holders are merged in list order, and
 * the messages of the walk and the scan printed in list order too, so the
 * output is the same for any number of threads.
 */
#include "check_paths.h"
#include "util/cpu.h"
#include "util/fsutil.h"
#include "veil/doc.h"
#include "util/array.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH    64
#define MAX_JOBS     8
/* Small files are read into one reused buffer per thread (a mapping per
 * file costs more in page faults and munmap than the copy); big ones are
 * mapped. */
#define READ_MAX     (1u << 20)
/* Below this many files one thread does it all (a thread and its context
 * cost more than they save). */
#define PARALLEL_MIN 32

enum {
	ITEM_FILE = 1, /* a file to scan */
	ITEM_ERRNO,    /* a failure of the walk: "name: strerror(err)" */
	ITEM_FAILED,   /* a failure without a message (out of memory) */
};

enum {
	RES_OK = 0,
	RES_ERRNO, /* open, fstat, mmap failed: err */
	RES_LIB,   /* veil_check_blob failed: code, msg */
};

struct item {
	char *name; /* absolute path of a file; the name a walk message shows */
	int kind;
	int err;
	int res; /* ITEM_FILE: RES_* once scanned */
	int code;
	char *msg;
};

struct list {
	struct item *v;
	size_t n, cap;
	int failed; /* out of memory while listing */
};

struct scan {
	struct list *l;
	const char *root;
	size_t rootlen;
	const veil_check_options *o;
	size_t chunk, nchunks;
	veil_check **holders; /* one per chunk */
	atomic_size_t next;
};

struct worker {
	struct scan *s;
	veil_check *ctx; /* the main context (one thread) or the worker's own */
	char *buf;       /* READ_MAX bytes */
	pthread_t tid;
	int started;
	int error; /* a merge that failed: out of memory */
};

static int list_add(struct list *l, char *name, int kind, int err)
{
	if (l->n == l->cap) {
		void *p = veil_array_grow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		if (!p) {
			free(name);
			l->failed = 1;
			return -1;
		}
		l->v = p;
	}
	memset(&l->v[l->n], 0, sizeof(*l->v));
	l->v[l->n].name = name;
	l->v[l->n].kind = name ? kind : ITEM_FAILED;
	l->v[l->n].err = err;
	l->n++;
	return 0;
}

static void list_errno(struct list *l, const char *name, int err)
{
	list_add(l, strdup(name), ITEM_ERRNO, err);
}

static void walk(struct list *l, char *abs, int depth, int type);

/* The entries of directory abs, sorted by name; d_type spares an lstat
 * per file where the file system fills it in. */
static void walk_dir(struct list *l, const char *abs, int depth)
{
	struct dirent **ents = NULL;
	int n = scandir(abs, &ents, NULL, alphasort);

	if (n < 0) {
		list_errno(l, abs, errno);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		int type = ents[i]->d_type;

		if (strcmp(name, ".") && strcmp(name, "..") && strcmp(name, ".git") &&
		    type != DT_LNK) {
			char *child = veil_path_join(abs, name);
			if (child)
				walk(l, child, depth + 1, type);
			else
				list_add(l, NULL, ITEM_FAILED, 0);
		}
		free(ents[i]);
	}
	free(ents);
}

/* Takes abs (malloc'd). type: a dirent d_type, DT_UNKNOWN to lstat. */
static void walk(struct list *l, char *abs, int depth, int type)
{
	struct stat st;

	if (type == DT_UNKNOWN) {
		if (lstat(abs, &st) != 0) {
			list_add(l, abs, ITEM_ERRNO, errno);
			return;
		}
		type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_LNK;
	}
	if (type == DT_REG) {
		list_add(l, abs, ITEM_FILE, 0);
		return;
	}
	/* symlinks, devices: not followed */
	if (type == DT_DIR && depth <= MAX_DEPTH)
		walk_dir(l, abs, depth);
	free(abs);
}

/* path relative to root, or path itself when outside it */
static const char *relative(const struct scan *s, const char *abs)
{
	if (!strncmp(abs, s->root, s->rootlen) && abs[s->rootlen] == '/')
		return abs + s->rootlen + 1;
	if (s->rootlen == 1 && abs[0] == '/')
		return abs + 1;
	return abs;
}

static void scan_file(struct worker *w, struct item *it)
{
	int fd = open(it->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	void *map = NULL;
	const void *data = NULL;
	size_t len = 0;
	int error;

	if (fd < 0 || fstat(fd, &st) != 0) {
		it->res = RES_ERRNO;
		it->err = errno;
		goto done;
	}
	if (!S_ISREG(st.st_mode))
		goto done;
	if (st.st_size > 0 && st.st_size <= (off_t)READ_MAX) {
		ssize_t n;
		while (len < (size_t)st.st_size &&
		       (n = read(fd, w->buf + len, (size_t)st.st_size - len)) > 0)
			len += (size_t)n;
		data = w->buf;
	} else if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			it->res = RES_ERRNO;
			it->err = errno;
			goto done;
		}
		data = map;
		len = (size_t)st.st_size;
	}
	error = veil_cli__check_feed(w->ctx, relative(w->s, it->name), data, len, 0);
	if (error < 0) {
		it->res = RES_LIB;
		it->code = error;
		it->msg = strdup(veil_error_last());
	}
done:
	if (map)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
}

static void scan_range(struct worker *w, size_t from, size_t to)
{
	for (size_t i = from; i < to && i < w->s->l->n; i++)
		if (w->s->l->v[i].kind == ITEM_FILE)
			scan_file(w, &w->s->l->v[i]);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;

	for (;;) {
		size_t k = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
		if (k >= s->nchunks)
			break;
		scan_range(w, k * s->chunk, (k + 1) * s->chunk);
		w->error = veil_check_merge(s->holders[k], w->ctx);
		if (w->error)
			break;
	}
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The same file twice (overlapping operands) is deduplicated against its
 * earlier findings by the context: that needs the one context. */
static int has_duplicates(const struct list *l)
{
	const char **names = malloc((l->n ? l->n : 1) * sizeof(*names));
	size_t n = 0;
	int dup = 0;

	if (!names)
		return 1;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == ITEM_FILE)
			names[n++] = l->v[i].name;
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 1; i < n && !dup; i++)
		dup = !strcmp(names[i - 1], names[i]);
	free(names);
	return dup;
}

/* Prints what the walk or the scan of it has to say; 1 if it failed. */
static int report_item(const struct scan *s, const struct item *it)
{
	const char *shown;

	if (it->kind == ITEM_ERRNO) {
		veil_cli__error("%s: %s", it->name, strerror(it->err));
		return 1;
	}
	if (it->kind != ITEM_FILE)
		return 1;
	shown = relative(s, it->name);
	switch (it->res) {
	case RES_ERRNO:
		veil_cli__error("%s: %s", shown, strerror(it->err));
		return 1;
	case RES_LIB:
		if (it->msg)
			veil_error_set(it->code, "%s", it->msg);
		else
			veil_error_clear();
		veil_cli__lib_error(shown, it->code);
		return 1;
	default:
		return 0;
	}
}

static unsigned int online_jobs(void)
{
	unsigned int n = veil_cpu_count();

	return n > MAX_JOBS ? MAX_JOBS : n;
}

/* Scans the list on jobs threads (the caller's one of them) into ctx;
 * 0, 1 when the threads could not be set up (nothing scanned), or a
 * negative code when a merge ran out of memory. */
static int scan_parallel(struct scan *s, veil_check *ctx, struct worker *w, unsigned int jobs)
{
	veil_check_options bare = VEIL_CHECK_OPTIONS_INIT;
	int error = 0;

	s->holders = calloc(s->nchunks, sizeof(*s->holders));
	if (!s->holders)
		return veil_error_oom();
	for (size_t k = 0; k < s->nchunks && !error; k++)
		error = veil_check_new(&s->holders[k], &bare);
	for (unsigned int i = 0; i < jobs && !error; i++) {
		w[i].s = s;
		w[i].buf = malloc(READ_MAX);
		error = w[i].buf ? veil_check_new(&w[i].ctx, s->o) : veil_error_oom();
	}
	if (error) {
		/* nothing scanned yet: the caller does it on one thread */
		veil_error_clear();
		error = 1;
		goto done;
	}
	for (unsigned int i = 1; i < jobs; i++)
		w[i].started = pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0;
	worker_main(&w[0]);
	for (unsigned int i = 1; i < jobs; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	for (unsigned int i = 0; i < jobs && !error; i++)
		error = w[i].error;
	for (size_t k = 0; k < s->nchunks && !error; k++)
		error = veil_check_merge(ctx, s->holders[k]);
done:
	for (size_t k = 0; k < s->nchunks; k++)
		veil_check_free(s->holders[k]);
	free(s->holders);
	s->holders = NULL;
	for (unsigned int i = 0; i < jobs; i++) {
		if (w[i].buf) {
			/* it held file contents: secrets, maybe */
			sodium_memzero(w[i].buf, READ_MAX);
			free(w[i].buf);
		}
		veil_check_free(w[i].ctx);
		memset(&w[i], 0, sizeof(w[i]));
	}
	return error;
}

static int scan_serial(struct scan *s, veil_check *ctx)
{
	struct worker w = { 0 };

	w.s = s;
	w.ctx = ctx;
	w.buf = malloc(READ_MAX);
	if (!w.buf)
		return veil_error_oom();
	scan_range(&w, 0, s->l->n);
	sodium_memzero(w.buf, READ_MAX);
	free(w.buf);
	return 0;
}

int veil_cli__check_paths(veil_check *ctx, const veil_check_options *o, char *const *paths,
                          int npaths, unsigned int jobs)
{
	struct worker w[MAX_JOBS];
	struct list l = { 0 };
	struct scan s;
	size_t nfiles = 0;
	int failed = 0, error;

	memset(&s, 0, sizeof(s));
	memset(w, 0, sizeof(w));
	for (int i = 0; i < npaths; i++) {
		char *abs = realpath(paths[i], NULL);
		if (abs)
			walk(&l, abs, 0, DT_UNKNOWN);
		else
			list_errno(&l, paths[i], errno);
	}
	for (size_t i = 0; i < l.n; i++)
		nfiles += l.v[i].kind == ITEM_FILE;
	s.l = &l;
	s.root = o->root;
	s.rootlen = strlen(o->root);
	s.o = o;
	if (!jobs)
		jobs = online_jobs();
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (nfiles < PARALLEL_MIN || (npaths > 1 && has_duplicates(&l)))
		jobs = 1;
	/* chunks small enough to balance the threads at the end, big enough
	 * that a holder per chunk costs nothing */
	s.chunk = l.n / (jobs * 16u);
	s.chunk = s.chunk < 1 ? 1 : s.chunk > 64 ? 64 : s.chunk;
	s.nchunks = (l.n + s.chunk - 1) / s.chunk;
	error = jobs > 1 ? scan_parallel(&s, ctx, w, jobs) : 1;
	if (error > 0)
		error = scan_serial(&s, ctx);
	if (error < 0)
		failed = veil_cli__lib_error("check", error) != 0;
	for (size_t i = 0; i < l.n; i++) {
		failed |= report_item(&s, &l.v[i]);
		free(l.v[i].name);
		free(l.v[i].msg);
	}
	free(l.v);
	return failed || l.failed;
}
