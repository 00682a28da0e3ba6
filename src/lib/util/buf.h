#ifndef VEIL_UTIL_BUF_H
#define VEIL_UTIL_BUF_H
/* A growable byte buffer with a hard cap (like curl's dynbuf): parsers of
 * untrusted input set max so a hostile file cannot exhaust memory. The
 * contents are always followed by a NUL (not counted in len). */
#include <stddef.h>
#include <stdint.h>

typedef struct veil_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;   /* VEIL_ELIMIT beyond this many bytes; 0 = no cap */
	size_t dirty; /* bytes that may have been written: what a wipe covers */
} veil_buf;

#define VEIL_BUF_INIT(max_)           \
	{                             \
		NULL, 0, 0, (max_), 0 \
	}

int veil_buf_append(veil_buf *b, const void *data, size_t len);
/* Makes room for extra more bytes at once (a known file size), so a large
 * read is not copied through every doubling. */
int veil_buf_reserve(veil_buf *b, size_t extra);
int veil_buf_putc(veil_buf *b, uint8_t c);
int veil_buf_printf(veil_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties without freeing (wipes the old bytes). */
void veil_buf_clear(veil_buf *b);
/* Wipes and frees; the buffer is reusable afterwards. */
void veil_buf_dispose(veil_buf *b);
/* Hands the storage to the caller (malloc'd, NUL-terminated); b is emptied. */
uint8_t *veil_buf_detach(veil_buf *b, size_t *len);
/* veil_write_fn that appends to the veil_buf given as payload. */
int veil_buf_writer(void *payload, const uint8_t *data, size_t len);

#endif
