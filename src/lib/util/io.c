/* Adapters from file descriptors and memory to veil_read_fn / veil_write_fn. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "util/io.h"
#include "veil/error.h"

/* read(2) and write(2) may return at most SSIZE_MAX; ask for less. */
#define IO_MAX_CHUNK ((size_t)1 << 30)

long veil_fd_read(void *payload, uint8_t *buf, size_t len)
{
	int fd = *(const int *)payload;
	ssize_t n;

	if (len > IO_MAX_CHUNK)
		len = IO_MAX_CHUNK;
	for (;;) {
		n = read(fd, buf, len);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR)
			return veil_error_set(VEIL_EIO, "read failed: %s", strerror(errno));
	}
}

int veil_fd_write(void *payload, const uint8_t *buf, size_t len)
{
	int fd = *(const int *)payload;
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len > IO_MAX_CHUNK ? IO_MAX_CHUNK : len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EPIPE needs SIGPIPE ignored (the CLI does); say it plainly so
			 * `veil decrypt f | head` fails with a readable reason. */
			if (errno == EPIPE)
				return veil_error_set(VEIL_EIO,
				                      "write failed: the reader closed the pipe");
			return veil_error_set(VEIL_EIO, "write failed: %s", strerror(errno));
		}
		if (n == 0)
			return veil_error_set(VEIL_EIO, "write failed: no progress");
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

long veil_mem_read(void *payload, uint8_t *buf, size_t len)
{
	veil_memreader *m = payload;
	size_t left = m->pos < m->len ? m->len - m->pos : 0;

	if (len > left)
		len = left;
	if (len > IO_MAX_CHUNK)
		len = IO_MAX_CHUNK;
	if (len)
		memcpy(buf, m->data + m->pos, len);
	m->pos += len;
	return (long)len;
}

long veil_read_full(veil_read_fn rd, void *payload, uint8_t *buf, size_t len)
{
	size_t got = 0;
	long n;

	if (len > IO_MAX_CHUNK)
		return veil_error_set(VEIL_EINVAL, "read of %zu bytes is too large", len);
	while (got < len) {
		n = rd(payload, buf + got, len - got);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		if ((size_t)n > len - got)
			return veil_error_set(VEIL_EIO, "reader returned more than asked");
		got += (size_t)n;
	}
	return (long)got;
}
