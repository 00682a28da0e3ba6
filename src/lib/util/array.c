/* Growing arrays (array.h). */
#include "util/array.h"
#include "veil/error.h"
#include <stdint.h>
#include <stdlib.h>

void *veil_array_grow(void *items, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *grown;

	if (need <= *cap)
		return items;
	while (n < need) {
		if (n > SIZE_MAX / 2) {
			n = need;
			break;
		}
		n *= 2;
	}
	if (elem && n > SIZE_MAX / elem) {
		veil_error_set(VEIL_ENOMEM, "out of memory (an array of %zu items)", need);
		return NULL;
	}
	if (!(grown = realloc(items, n * elem))) {
		veil_error_oom();
		return NULL;
	}
	*cap = n;
	return grown;
}
