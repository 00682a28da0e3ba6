#ifndef VEIL_UTIL_FSUTIL_H
#define VEIL_UTIL_FSUTIL_H
/* Files: bounded whole-file reads, and output files that appear whole or
 * not at all (temp file in the same directory, 0600, O_EXCL|O_NOFOLLOW,
 * fsync, rename), except devices and FIFOs, which are written directly. */
#include <stddef.h>
#include <stdint.h>

/* Reads path ("-" = stdin) into a malloc'd, NUL-terminated buffer; at most
 * max bytes (VEIL_ELIMIT beyond). VEIL_ENOTFOUND / VEIL_EIO with a message
 * naming the path. The caller wipes it if it may be secret. */
int veil_file_read(uint8_t **out, size_t *len, const char *path, size_t max);

typedef struct veil_outfile veil_outfile;

enum {
	VEIL_OUT_EXCL = 1, /* fail if the final path exists (age-keygen -o) */
};

/* Opens an output: NULL or "-" = stdout; a character device or FIFO is
 * opened directly; anything else becomes a temp file renamed on commit. */
int veil_outfile_open(veil_outfile **out, const char *path, unsigned int flags);
int veil_outfile_write(veil_outfile *f, const uint8_t *data, size_t len);
/* veil_write_fn adapter: payload is the veil_outfile. */
int veil_outfile_writer(void *payload, const uint8_t *data, size_t len);
/* Flushes, fsyncs and renames into place; frees f in every case. */
int veil_outfile_commit(veil_outfile *f);
/* Removes the temp file (if any) and frees f; NULL is fine. */
void veil_outfile_abort(veil_outfile *f);

/* Unlinks the temp files of every output still open. Async-signal-safe (only
 * unlinkat on pre-recorded names), so the CLI can call it from a SIGINT or
 * SIGTERM handler before re-raising. */
void veil_outfile__cleanup_all(void);

/* dir + "/" + name, malloc'd ("/" + "x" is "/x"); NULL when out of memory. */
char *veil_path_join(const char *dir, const char *name);

/* One-shot atomic write of a whole buffer with mode 0600. */
int veil_file_write_atomic(const char *path, const uint8_t *data, size_t len, unsigned int flags);

#endif
