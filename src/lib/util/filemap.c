/* Read-only mappings of large input files: the page cache's own pages, no
 * copy and no fresh memory. A 24 MB file read into the heap costs 24 MB of
 * cleared pages, which on this kind of VM is more than parsing it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/filemap.h"
#include "veil/error.h"

int veil_file_map(const char **map, size_t *len, const char *path, size_t min, size_t max)
{
	struct stat st;
	void *p = MAP_FAILED;
	int fd, error = 0;

	*map = NULL;
	*len = 0;
	if (!strcmp(path, "-"))
		return veil_error_set(VEIL_EUNSUPPORTED, "standard input is not mapped");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return veil_error_set(errno == ENOENT ? VEIL_ENOTFOUND : VEIL_EIO,
		                      "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size < min || (uint64_t)st.st_size > max) {
		error = veil_error_set(VEIL_EUNSUPPORTED, "%s: not mapped", path);
		goto done;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		error = veil_error_set(VEIL_EUNSUPPORTED, "%s: cannot map: %s", path,
		                       strerror(errno));
		goto done;
	}
	*map = p;
	*len = (size_t)st.st_size;
done:
	close(fd);
	return error;
}

void veil_file_unmap(const char *map, size_t len)
{
	if (map)
		munmap((void *)map, len);
}
