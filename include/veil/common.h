#ifndef VEIL_COMMON_H
#define VEIL_COMMON_H
/*
 * What every public header shares: the export marker, C++ linkage, and the
 * read/write callbacks streaming calls take (age payloads, reports).
 */
#include <stddef.h>
#include <stdint.h>

#define VEIL_EXTERN __attribute__((visibility("default")))

#ifdef __cplusplus
#define VEIL_BEGIN_DECL extern "C" {
#define VEIL_END_DECL   }
#else
#define VEIL_BEGIN_DECL
#define VEIL_END_DECL
#endif

VEIL_BEGIN_DECL

/* Reads up to len bytes: returns the count (may be short), 0 at end of
 * input, or a negative veil_error_code. */
typedef long (*veil_read_fn)(void *payload, uint8_t *buf, size_t len);

/* Writes all len bytes: returns 0 or a negative veil_error_code. */
typedef int (*veil_write_fn)(void *payload, const uint8_t *buf, size_t len);

VEIL_END_DECL

#endif
