#ifndef VEIL_AGE_H
#define VEIL_AGE_H

/*
 * age v1 file encryption (https://age-encryption.org/v1): streaming encrypt
 * and decrypt over read/write callbacks, optional ASCII armor, STREAM payload
 * processed on several cores. Memory use is constant in the file size.
 */

#include <stddef.h>
#include <stdint.h>
#include "veil/common.h"
#include "veil/error.h"
#include "veil/keys.h"

VEIL_BEGIN_DECL

/* Called during decryption when the file is passphrase-encrypted (an scrypt
 * stanza) and no passphrase identity was given: set *out to one (for
 * example from a prompt) and return 0, or return a negative code. */
typedef int (*veil_passphrase_fn)(veil_identity **out, void *payload);

typedef struct veil_age_options {
	unsigned int version;          /* VEIL_AGE_OPTIONS_VERSION */
	int armor;                     /* encrypt: write ASCII armor */
	unsigned int threads;          /* STREAM worker threads; 0 = one per online core (max 8) */
	veil_passphrase_fn passphrase; /* decrypt: lazy passphrase source, may be NULL */
	void *passphrase_payload;
} veil_age_options;

#define VEIL_AGE_OPTIONS_VERSION 1
#define VEIL_AGE_OPTIONS_INIT                              \
	{                                                  \
		VEIL_AGE_OPTIONS_VERSION, 0, 0, NULL, NULL \
	}

/* Encrypts everything rd yields to the recipients and writes the age file
 * to wr. scrypt recipients must be alone (VEIL_EINVAL otherwise). */
VEIL_EXTERN int veil_age_encrypt(veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                                 void *wr_payload, const veil_recipients *recipients,
                                 const veil_age_options *opts);

/*
 * Decrypts an age file (binary or armored, detected) with the identities and
 * writes the plaintext to wr. Only authenticated chunks are ever written;
 * after a payload failure the chunks that authenticated before it have been.
 * Returns:
 *   VEIL_EFORMAT   header failure (syntax, invalid recognised stanza, bad
 *                  version, scrypt not alone, excessive work, no nonce)
 *   VEIL_ENOMATCH  no identity unwrapped the file key (the message lists
 *                  the stanza types present)
 *   VEIL_EMAC      header MAC did not verify
 *   VEIL_EAUTH     a payload chunk failed authentication
 *   VEIL_EPAYLOAD  payload truncated, empty final chunk, trailing data
 *   VEIL_EARMOR    ASCII armor invalid
 *   VEIL_EIO       rd or wr failed
 */
VEIL_EXTERN int veil_age_decrypt(veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                                 void *wr_payload, const veil_identities *identities,
                                 const veil_age_options *opts);

/* In-memory conveniences for small inputs (e.g. SOPS data keys). *out is
 * malloc'd; for decrypt the caller wipes it (sodium_memzero) before free. */
VEIL_EXTERN int veil_age_encrypt_mem(uint8_t **out, size_t *out_len, const uint8_t *in,
                                     size_t in_len, const veil_recipients *recipients,
                                     const veil_age_options *opts);
VEIL_EXTERN int veil_age_decrypt_mem(uint8_t **out, size_t *out_len, const uint8_t *in,
                                     size_t in_len, const veil_identities *identities,
                                     const veil_age_options *opts);

VEIL_END_DECL

#endif
