#ifndef VEIL_SOPS_SHAMIR_H
#define VEIL_SOPS_SHAMIR_H
/*
 * Shamir secret sharing over GF(2^8) with the AES polynomial, byte-wise, in
 * the encoding sops inherited from HashiCorp Vault: each share is the
 * secret's length of y values followed by one x byte (1..255). This is what
 * the key_groups of a SOPS file wrap, one share per group.
 */
#include <stddef.h>
#include <stdint.h>
#include "veil/sops.h"

#define VEIL_SHAMIR_MAX_PARTS VEIL_SOPS_MAX_KEY_GROUPS

/* Splits secret (len >= 1) into parts shares of len + 1 bytes each, any
 * threshold of which (2 <= threshold <= parts <= 255) recover it. shares[i]
 * must each hold len + 1 bytes. x coordinates are distinct and random. */
int veil_shamir__split(uint8_t *const *shares, size_t parts, size_t threshold,
                       const uint8_t *secret, size_t len);

/* Recovers the secret (share_len - 1 bytes) from n >= 2 shares of equal
 * length with distinct x bytes. Wrong or too few shares give a wrong secret,
 * not an error: the caller detects that with the MAC. */
int veil_shamir__combine(uint8_t *secret, const uint8_t *const *shares, size_t n, size_t share_len);

#endif
