#ifndef VEIL_UTIL_ARRAY_H
#define VEIL_UTIL_ARRAY_H
/* Growing arrays: one overflow-checked capacity rule for every list the
 * library builds. */
#include <stddef.h>

/*
 * Returns items reallocated to hold at least need elements of elem bytes
 * (capacity doubles from 16 and is stored in *cap), or NULL with the
 * message set (out of memory, or need * elem overflowing size_t); items is
 * then untouched and still owned by the caller.
 */
void *veil_array_grow(void *items, size_t *cap, size_t need, size_t elem);

#endif
