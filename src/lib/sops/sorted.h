#ifndef VEIL_SOPS_SORTED_H
#define VEIL_SOPS_SORTED_H
/*
 * veil's order-independent MAC, `veil_sorted_mac` in the metadata (a veil
 * extension: sops, Flux and ksops ignore the key). `kustomize build` re-sorts
 * the keys of every map and rewrites metadata (labels, namespace, a name
 * prefix), so the sops MAC (the values in document order) cannot verify
 * afterwards. This one is SHA-512 over the encrypted values of a document
 * as (key path, plaintext) pairs sorted by path, and so covers exactly what
 * survives kustomize: every encrypted value, the path it sits at, and that
 * none was added or removed. It is sealed with the data key like the sops
 * MAC, under its own AAD.
 *
 * Only where the order can be rebuilt: one document, no alias, no encrypted
 * value inside a list (a list keeps its order, but its items have no key).
 * Elsewhere the collector is marked unusable and no such MAC is written.
 */
#include "sops/mac.h"
#include "util/buf.h"
#include <stddef.h>
#include <stdint.h>

typedef struct veil_sops_sorted {
	veil_buf bytes;  /* entries back to back: path, then value, each length-prefixed */
	size_t *offsets; /* where each entry starts in bytes */
	size_t n, cap;
	int unusable;
} veil_sops_sorted;

void veil_sops__sorted_init(veil_sops_sorted *s);
/* Wipes the plaintext it holds. */
void veil_sops__sorted_dispose(veil_sops_sorted *s);
/* One encrypted value at keys[0..nkeys) (its MAC bytes). */
int veil_sops__sorted_add(veil_sops_sorted *s, const char *const *keys, size_t nkeys,
                          const uint8_t *value, size_t len);
/* The digest as upper-case hex. VEIL_EUNSUPPORTED when s is unusable. */
int veil_sops__sorted_final(veil_sops_sorted *s, char hex[VEIL_SOPS_MAC_HEX + 1]);

/* Encrypts hex with the data key, AAD "veil_sorted_mac:" + lastmodified
 * (canonical, as the sops MAC's). */
int veil_sops__sorted_seal(char **out, veil_sops_cipher cipher,
                           const uint8_t key[VEIL_SOPS_KEY_LEN],
                           const char hex[VEIL_SOPS_MAC_HEX + 1], const char *lastmodified);
/* VEIL_EMAC unless stored opens and equals hex. */
int veil_sops__sorted_check(const uint8_t key[VEIL_SOPS_KEY_LEN], const char *stored,
                            const char *lastmodified, const char hex[VEIL_SOPS_MAC_HEX + 1]);

#endif
