#ifndef VEIL_SOPS_IVCACHE_H
#define VEIL_SOPS_IVCACHE_H
/*
 * What keeps diffs minimal: when a file is decrypted, each value's ENC[...]
 * string is remembered under (key path, type, plaintext); re-encrypting the
 * same plaintext at the same path with the same data key reuses that exact
 * string, as sops's edit does by reusing the IV. Keys are SHA-256 digests,
 * so the cache holds no plaintext.
 */
#include "sops/value.h"
#include <stddef.h>
#include <stdint.h>

typedef struct veil_sops_ivcache veil_sops_ivcache;

int veil_sops__ivcache_new(veil_sops_ivcache **out);
void veil_sops__ivcache_free(veil_sops_ivcache *c);
/* Remembers enc for (aad, type, pt), after any earlier ones for it. */
int veil_sops__ivcache_put(veil_sops_ivcache *c, const char *aad, size_t aad_len,
                           veil_sops_type type, const uint8_t *pt, size_t pt_len, const char *enc,
                           size_t enc_len);
/* The next remembered ENC[...] string for the key, in the order they were
 * put (equal list items keep their own), or NULL. Owned by the cache. */
const char *veil_sops__ivcache_take(veil_sops_ivcache *c, const char *aad, size_t aad_len,
                                    veil_sops_type type, const uint8_t *pt, size_t pt_len);

#endif
