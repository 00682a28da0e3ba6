#ifndef VEIL_UTIL_FILEMAP_H
#define VEIL_UTIL_FILEMAP_H
/* Read-only mappings of regular input files (see filemap.c). */
#include <stddef.h>

/* Maps path read-only if it is a regular file of min..max bytes; otherwise
 * VEIL_EUNSUPPORTED (the caller reads it instead), VEIL_ENOTFOUND or
 * VEIL_EIO. The text is not NUL-terminated. A file truncated while mapped
 * raises SIGBUS on access: callers install a handler that ends the process
 * cleanly (see the CLI's decrypt). */
int veil_file_map(const char **map, size_t *len, const char *path, size_t min, size_t max);
void veil_file_unmap(const char *map, size_t len);

#endif
