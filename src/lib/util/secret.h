#ifndef VEIL_UTIL_SECRET_H
#define VEIL_UTIL_SECRET_H
/* Secret memory: keys, file keys, passphrases live in sodium_malloc memory
 * (guard pages, mlock, excluded from core dumps, wiped on free). Bulk
 * plaintext uses ordinary buffers wiped with veil_wipe_free(). */
#include <stddef.h>

/* sodium_malloc'd, zero-filled memory; NULL on failure (message set).
 * Up to 64 bytes come from a pool inside one sodium_malloc region (see
 * secret.c). Free only with veil_secure_free. */
void *veil_secure_alloc(size_t len);
/* Wipes and frees (sodium_free, or back to the pool); NULL is fine. */
void veil_secure_free(void *p);
/* Wipes len bytes then free()s; NULL is fine. */
void veil_wipe_free(void *p, size_t len);
/* strlen + wipe + free for NUL-terminated malloc'd secrets. */
void veil_wipe_free_str(char *s);

#endif
