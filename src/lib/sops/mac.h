#ifndef VEIL_SOPS_MAC_H
#define VEIL_SOPS_MAC_H
/*
 * The SOPS file MAC: SHA-512 over the plaintext bytes of the leaf values in
 * document order (nulls and comments skipped), optionally prefixed by
 * SHA-256("sops") when only encrypted values count, written as upper-case
 * hex and stored encrypted with the data key under lastmodified as AAD.
 */
#include "sops/value.h"
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define VEIL_SOPS_MAC_HEX  128
/* Longest RFC 3339 timestamp we accept (with nanoseconds and an offset). */
#define VEIL_SOPS_TIME_MAX 40

typedef struct veil_sops_mac {
	crypto_hash_sha512_state state;
} veil_sops_mac;

void veil_sops__mac_init(veil_sops_mac *m, int mac_only_encrypted);
void veil_sops__mac_update(veil_sops_mac *m, const uint8_t *value, size_t len);
/* Finishes into hex (VEIL_SOPS_MAC_HEX upper-case digits + NUL); wipes state. */
void veil_sops__mac_final(veil_sops_mac *m, char hex[VEIL_SOPS_MAC_HEX + 1]);

/* lastmodified as Go re-formats it for the MAC's AAD: parse RFC 3339, drop
 * fractional seconds, "Z" for a zero offset. VEIL_EFORMAT if unparsable. */
int veil_sops__time_canonical(char out[VEIL_SOPS_TIME_MAX], const char *s, size_t len);
/* The current UTC time as sops writes lastmodified ("2026-11-22T21:05:51Z"). */
void veil_sops__time_now(char out[VEIL_SOPS_TIME_MAX]);

/* Encrypts hex under key with AAD = canonical lastmodified: *out is ENC[...]. */
int veil_sops__mac_seal(char **out, veil_sops_cipher cipher, const uint8_t key[VEIL_SOPS_KEY_LEN],
                        const char hex[VEIL_SOPS_MAC_HEX + 1], const char *lastmodified);

/* Decrypts the stored MAC and compares it with hex in constant time.
 * VEIL_EMAC (message says which) if it cannot be decrypted or differs. */
int veil_sops__mac_check(const uint8_t key[VEIL_SOPS_KEY_LEN], const char *stored, size_t len,
                         const char *lastmodified, const char hex[VEIL_SOPS_MAC_HEX + 1]);

#endif
