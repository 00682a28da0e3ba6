#ifndef VEIL_UTIL_HKDF_H
#define VEIL_UTIL_HKDF_H
/* HKDF-SHA256 (RFC 5869) built on libsodium's HMAC-SHA256, which 1.0.18
 * lacks. An empty salt means HashLen zero bytes, as the RFC says. */
#include <stddef.h>
#include <stdint.h>

void veil_hmac_sha256(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *msg,
                      size_t msg_len);

/* out_len at most 255*32; VEIL_EINVAL otherwise. Wipes its intermediates. */
int veil_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                     const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len);

#endif
