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
	unsigned int version; /* VEIL_AGE_OPTIONS_VERSION */
	int armor;            /* encrypt: write ASCII armor */
	unsigned int
	        threads; /* STREAM worker threads; 0 = one per CPU the process may use (max 8) */
	veil_passphrase_fn passphrase; /* decrypt: lazy passphrase source, may be NULL */
	void *passphrase_payload;
} veil_age_options;

#define VEIL_AGE_OPTIONS_VERSION 1
#define VEIL_AGE_OPTIONS_INIT                              \
	{                                                  \
		VEIL_AGE_OPTIONS_VERSION, 0, 0, NULL, NULL \
	}

/*
 * How the library talks to the user, for age plugins (C2SP age-plugin.md:
 * msg, confirm, request-public, request-secret) and for notices such as a
 * long passphrase derivation. Set once by the program (veil's CLI uses the
 * terminal); without it plugins get "fail" to every request and notices
 * are dropped. Texts from a plugin are untrusted: show them with care.
 */
typedef struct veil_age_ui {
	unsigned int version; /* VEIL_AGE_UI_VERSION */
	/* msg: 0 shown, < 0 cannot be shown. */
	int (*message)(const char *plugin, const char *text, void *payload);
	/* confirm: 1 yes, 0 no, < 0 cannot ask. no may be NULL (one choice). */
	int (*confirm)(const char *plugin, const char *text, const char *yes, const char *no,
	               void *payload);
	/* request-public (secret 0) / request-secret (secret 1): 0 with *out a
	 * NUL-terminated string the library frees with veil_secret_string_free
	 * (so allocate it as the CLI's passphrase reader does), or < 0. */
	int (*request)(char **out, const char *plugin, const char *text, int secret, void *payload);
	/* Something slow has started (for example an scrypt work factor of 2^18
	 * or more); may be NULL. */
	void (*notice)(const char *text, void *payload);
	void *payload;
	/* How long to wait for a plugin's next word, in milliseconds; 0 means
	 * 5 minutes (a hardware key may wait for a touch). */
	unsigned int plugin_timeout_ms;
} veil_age_ui;

#define VEIL_AGE_UI_VERSION 1

/* Sets the process's UI (copied); NULL removes it. Not thread-safe: call it
 * before any encryption or decryption starts. */
VEIL_EXTERN void veil_age_set_ui(const veil_age_ui *ui);

/* Encrypts everything rd yields to the recipients and writes the age file
 * to wr. scrypt recipients must be alone (VEIL_EINVAL otherwise). Plugin
 * recipients run age-plugin-NAME from PATH (one process per plugin); a
 * plugin that is missing or fails fails the encryption: nobody is dropped. */
VEIL_EXTERN int veil_age_encrypt(veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                                 void *wr_payload, const veil_recipients *recipients,
                                 const veil_age_options *opts);

/*
 * Decrypts an age file (binary or armored, detected) with the identities and
 * writes the plaintext to wr. Native identities are tried first; plugin
 * identities then run age-plugin-NAME with the whole header. Only authenticated chunks are ever written;
 * after a payload failure the chunks that authenticated before it have been.
 * Returns:
 *   VEIL_EFORMAT   header failure (syntax, invalid recognised stanza, bad
 *                  version, scrypt not alone, excessive work, no nonce)
 *   VEIL_ENOMATCH  no identity unwrapped the file key (the message lists
 *                  the stanza types present, and why a plugin could not help)
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
