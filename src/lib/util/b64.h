#ifndef VEIL_UTIL_B64_H
#define VEIL_UTIL_B64_H
/* Strict base64 (standard alphabet). "raw" = no padding, as in age headers;
 * "padded" = with '=', as in armor and SOPS values. Decoders accept only the
 * canonical encoding: no whitespace, no stray '=', zero unused bits. */
#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, excluding the NUL. */
size_t veil_b64_raw_len(size_t n);
size_t veil_b64_padded_len(size_t n);
/* Writes the encoding plus a NUL; out must hold *_len(n) + 1 bytes. */
void veil_b64_encode_raw(char *out, const uint8_t *in, size_t n);
void veil_b64_encode_padded(char *out, const uint8_t *in, size_t n);
/* Decodes into out (cap bytes); VEIL_EFORMAT if not canonical or too long. */
int veil_b64_decode_raw(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t n);
int veil_b64_decode_padded(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t n);
/* The same strict padded decoding with a lookup table: about ten times faster,
 * but its memory accesses depend on the input, so use it only for public
 * bytes (ciphertext, IVs and tags of SOPS values), never for keys. */
int veil_b64_decode_padded_public(uint8_t *out, size_t cap, size_t *out_len, const char *in,
                                  size_t n);

#endif
