#ifndef VEIL_SOPS_VALUE_H
#define VEIL_SOPS_VALUE_H
/*
 * One encrypted SOPS value: "ENC[<CIPHER>,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]".
 * AES256_GCM is sops's own and veil's default (32-byte IV; OpenSSL's libcrypto,
 * sops/aesgcm.h, because libsodium's GCM takes 12-byte IVs only);
 * CHACHA20_POLY1305 is veil's option (12-byte IV, libsodium). The AAD is the value's key path
 * ("a:b:"), supplied by the caller.
 */
#include "sops/aesgcm.h" /* veil_sops__gcm_release, called after each walk */
#include "veil/sops.h"
#include <stddef.h>
#include <stdint.h>

#define VEIL_SOPS_KEY_LEN 32
#define VEIL_SOPS_TAG_LEN 16
#define VEIL_SOPS_MAX_IV  64
/* Cap on one ENC[...] string: the document's own. A separate, smaller cap
 * refused on decrypt what encrypt had written (issue 11); what veil writes
 * is checked against the document cap (veil_sops_render). */
#define VEIL_SOPS_MAX_ENC VEIL_DOC_MAX_SIZE

typedef enum veil_sops_type {
	VEIL_SOPS_STR = 1,
	VEIL_SOPS_INT,
	VEIL_SOPS_FLOAT,
	VEIL_SOPS_BOOL,
	VEIL_SOPS_TIME,
	VEIL_SOPS_COMMENT,
	VEIL_SOPS_BYTES,
} veil_sops_type;

/* A parsed ENC[...] string; pointers into the parsed text are not kept. */
typedef struct veil_sops_enc {
	veil_sops_cipher cipher;
	uint8_t *data; /* ciphertext, malloc'd */
	size_t data_len;
	uint8_t iv[VEIL_SOPS_MAX_IV];
	size_t iv_len;
	uint8_t tag[VEIL_SOPS_TAG_LEN];
	veil_sops_type type;
} veil_sops_enc;

/* Does s look like an encrypted value (starts with "ENC[")? */
int veil_sops_value_is_encrypted(const char *s, size_t len);

/* Strict parse; VEIL_EFORMAT with a message naming the bad field. */
int veil_sops__enc_parse(veil_sops_enc *out, const char *s, size_t len);
void veil_sops__enc_dispose(veil_sops_enc *e);

const char *veil_sops__type_name(veil_sops_type t);
int veil_sops__type_parse(veil_sops_type *out, const char *s, size_t len);

/*
 * Encrypts pt under key with aad. iv: NULL for a fresh random IV, else
 * iv_len bytes to reuse (keeps a value's ciphertext stable across edits, as
 * sops does). *out is a malloc'd NUL-terminated ENC[...] string.
 */
int veil_sops__encrypt(char **out, veil_sops_cipher cipher, const uint8_t key[VEIL_SOPS_KEY_LEN],
                       const uint8_t *pt, size_t pt_len, const char *aad, size_t aad_len,
                       veil_sops_type type, const uint8_t *iv, size_t iv_len);

/* Decrypts an ENC[...] string: *pt malloc'd (NUL-terminated, wipe it), its
 * type in *type (may be NULL). VEIL_EAUTH if the tag does not verify. */
int veil_sops__decrypt(uint8_t **pt, size_t *pt_len, veil_sops_type *type,
                       const uint8_t key[VEIL_SOPS_KEY_LEN], const char *s, size_t len,
                       const char *aad, size_t aad_len);

/* As veil_sops__decrypt on an already parsed value. */
int veil_sops__decrypt_parsed(uint8_t **pt, size_t *pt_len, const uint8_t key[VEIL_SOPS_KEY_LEN],
                              const veil_sops_enc *e, const char *aad, size_t aad_len);

#endif
