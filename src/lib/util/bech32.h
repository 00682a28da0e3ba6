#ifndef VEIL_UTIL_BECH32_H
#define VEIL_UTIL_BECH32_H
/* BIP-173 Bech32 (checksum constant 1, not Bech32m) without the 90
 * character limit, as age uses it for keys. Strings are capped at
 * VEIL_BECH32_MAX_LEN to bound work on hostile input. */
#include <stddef.h>
#include <stdint.h>

#define VEIL_BECH32_MAX_LEN 8192

/* Encodes data (8-bit) under hrp (lowercase); upper != 0 gives the
 * all-uppercase form. *out is malloc'd and NUL-terminated; callers encoding
 * secrets wipe it (veil_wipe_free_str). */
int veil_bech32_encode(char **out, const char *hrp, const uint8_t *data, size_t len, int upper);

/* Decodes str (len bytes): rejects mixed case, bad checksum, non-zero or
 * over-long padding. The separator is the last '1'. *hrp is lowercased and
 * malloc'd; *data is malloc'd (wipe it if secret). VEIL_EFORMAT on error. */
int veil_bech32_decode(char **hrp, uint8_t **data, size_t *data_len, const char *str, size_t len);

#endif
