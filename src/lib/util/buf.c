/* A growable byte buffer with a hard cap. Secrets pass through it (decrypted
 * identity files, armor bodies), so old storage is wiped when it moves. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "util/buf.h"
#include "veil/error.h"

#define BUF_MIN_CAP 64
#define BUF_HUGE    (4u * 1024 * 1024)

/* A fresh page costs a fault and a clear, and on a VM far more than the
 * copy that fills it: a multi-megabyte buffer (a whole file, a rendered
 * document) asks for transparent huge pages, a 2 MiB clear per fault
 * instead of 512 faults. Advice only: failure changes nothing. */
static void advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);

	if (len >= BUF_HUGE && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/* Wipes what was written; pages never touched stay untouched. */
static void buf_wipe(veil_buf *b)
{
	size_t n = b->dirty + 1 < b->cap ? b->dirty + 1 : b->cap;

	sodium_memzero(b->data, n);
	b->dirty = 0;
}

/* Makes room for len more bytes plus the NUL. Never uses realloc: realloc
 * could leave a copy of the old contents unwiped in freed memory. */
static int buf_reserve(veil_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > SIZE_MAX - 1 - b->len)
		return veil_error_set(VEIL_ELIMIT, "buffer size overflow");
	need = b->len + extra;
	if (b->max && need > b->max)
		return veil_error_set(VEIL_ELIMIT, "input exceeds the limit of %zu bytes", b->max);
	if (need > b->dirty)
		b->dirty = need; /* callers may write up to need after reserving */
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap < need + 1)
		cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
	/* Never allocate far beyond the cap: max + 1 holds every legal content. */
	if (b->max && cap > b->max + 1)
		cap = b->max + 1;
	p = malloc(cap);
	if (!p)
		return veil_error_set(VEIL_ENOMEM, "cannot allocate %zu bytes", cap);
	advise_huge(p, cap);
	if (b->data) {
		size_t dirty = b->dirty;

		memcpy(p, b->data, b->len);
		buf_wipe(b);
		free(b->data);
		b->dirty = dirty;
	}
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return 0;
}

int veil_buf_reserve(veil_buf *b, size_t extra)
{
	return buf_reserve(b, extra);
}

int veil_buf_append(veil_buf *b, const void *data, size_t len)
{
	int error;

	error = buf_reserve(b, len);
	if (error < 0)
		return error;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int veil_buf_putc(veil_buf *b, uint8_t c)
{
	return veil_buf_append(b, &c, 1);
}

int veil_buf_printf(veil_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return veil_error_set(VEIL_EINVAL, "bad format string");
	error = buf_reserve(b, (size_t)n);
	if (error < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void veil_buf_clear(veil_buf *b)
{
	if (b->data) {
		buf_wipe(b);
		b->data[0] = '\0';
	}
	b->len = 0;
}

void veil_buf_dispose(veil_buf *b)
{
	if (b->data) {
		buf_wipe(b);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->dirty = 0;
}

uint8_t *veil_buf_detach(veil_buf *b, size_t *len)
{
	uint8_t *p;

	/* An empty buffer still hands back a valid "" so callers need no NULL case. */
	if (!b->data && buf_reserve(b, 0) < 0)
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->dirty = 0;
	return p;
}

int veil_buf_writer(void *payload, const uint8_t *data, size_t len)
{
	return veil_buf_append(payload, data, len);
}
