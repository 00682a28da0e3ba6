#ifndef VEIL_UTIL_IO_H
#define VEIL_UTIL_IO_H
/* Adapters between file descriptors / memory and the veil_read_fn /
 * veil_write_fn callbacks of the public API. */
#include <stddef.h>
#include <stdint.h>
#include "veil/common.h"

/* payload: pointer to an int fd. Retries EINTR; write writes everything. */
long veil_fd_read(void *payload, uint8_t *buf, size_t len);
int veil_fd_write(void *payload, const uint8_t *buf, size_t len);

typedef struct veil_memreader {
	const uint8_t *data;
	size_t len;
	size_t pos;
} veil_memreader;
long veil_mem_read(void *payload, uint8_t *buf, size_t len);

/* Calls rd until len bytes or end of input; returns the count or < 0. */
long veil_read_full(veil_read_fn rd, void *payload, uint8_t *buf, size_t len);

#endif
