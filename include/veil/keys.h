#ifndef VEIL_KEYS_H
#define VEIL_KEYS_H

/*
 * age identities (what decrypts) and recipients (what encryption targets):
 * X25519 (age1... / AGE-SECRET-KEY-1...), ssh-ed25519 (authorized_keys
 * lines / unencrypted OpenSSH private keys) and scrypt passphrases.
 * Key material lives in sodium_malloc memory and is wiped on free.
 */

#include <stddef.h>
#include <stdint.h>
#include "veil/error.h"

VEIL_BEGIN_DECL

typedef struct veil_identity veil_identity;
typedef struct veil_recipient veil_recipient;
typedef struct veil_identities veil_identities;
typedef struct veil_recipients veil_recipients;

typedef enum veil_key_type {
	VEIL_KEY_X25519 = 1,
	VEIL_KEY_SSH_ED25519 = 2,
	VEIL_KEY_SCRYPT = 3,
} veil_key_type;

/* The scrypt work factor (log2 N) veil writes, and the largest it accepts by
 * default: the reference implementation's values. typage refuses above 20. */
#define VEIL_SCRYPT_WORK_FACTOR     18
#define VEIL_SCRYPT_MAX_WORK_FACTOR 22

/* Generates a fresh X25519 identity. *out: free with veil_identity_free(). */
VEIL_EXTERN int veil_identity_generate(veil_identity **out);

/* Parses one "AGE-SECRET-KEY-1..." string (exact case, no whitespace).
 * VEIL_EFORMAT if it is not one. */
VEIL_EXTERN int veil_identity_parse(veil_identity **out, const char *str, size_t len);

/* A passphrase identity for scrypt stanzas. max_work_factor 0 means
 * VEIL_SCRYPT_MAX_WORK_FACTOR. The passphrase is copied into secret memory. */
VEIL_EXTERN int veil_identity_from_passphrase(veil_identity **out, const char *pass, size_t len,
                                              int max_work_factor);

/* The canonical Bech32 string of an X25519 identity, NUL-terminated, in
 * secret memory: free with veil_secret_string_free(). VEIL_EINVAL for other types. */
VEIL_EXTERN int veil_identity_encode(char **out, const veil_identity *id);

/* The recipient of an X25519 or ssh-ed25519 identity. VEIL_EINVAL for scrypt. */
VEIL_EXTERN int veil_identity_to_recipient(veil_recipient **out, const veil_identity *id);

VEIL_EXTERN veil_key_type veil_identity_type(const veil_identity *id);
VEIL_EXTERN void veil_identity_free(veil_identity *id);

/* Parses "age1..." or an authorized_keys line "ssh-ed25519 AAAA... [comment]". */
VEIL_EXTERN int veil_recipient_parse(veil_recipient **out, const char *str, size_t len);

/* A passphrase recipient; work_factor 0 means VEIL_SCRYPT_WORK_FACTOR. */
VEIL_EXTERN int veil_recipient_from_passphrase(veil_recipient **out, const char *pass, size_t len,
                                               int work_factor);

/* Canonical text of a recipient ("age1...", or the ssh line without comment);
 * *out is malloc'd, free with free(). VEIL_EINVAL for scrypt. */
VEIL_EXTERN int veil_recipient_encode(char **out, const veil_recipient *r);

VEIL_EXTERN veil_key_type veil_recipient_type(const veil_recipient *r);
VEIL_EXTERN void veil_recipient_free(veil_recipient *r);

/* Frees a string returned in secret memory (wipes it first). NULL is fine. */
VEIL_EXTERN void veil_secret_string_free(char *s);

/* Identity lists. add takes ownership of id, also on failure. */
VEIL_EXTERN int veil_identities_new(veil_identities **out);
VEIL_EXTERN int veil_identities_add(veil_identities *list, veil_identity *id);
VEIL_EXTERN size_t veil_identities_count(const veil_identities *list);
VEIL_EXTERN const veil_identity *veil_identities_get(const veil_identities *list, size_t i);
VEIL_EXTERN void veil_identities_free(veil_identities *list);

/* Parses an identity file and appends its identities: the age-keygen format
 * (one AGE-SECRET-KEY-1 per line, '#' comments, blank lines, LF or CRLF) or
 * an unencrypted OpenSSH ed25519 private key ("-----BEGIN OPENSSH PRIVATE
 * KEY-----"). name is used in messages only. At least one identity is
 * required. Lines are never echoed into messages (they may be secret). */
VEIL_EXTERN int veil_identities_parse(veil_identities *list, const char *data, size_t len,
                                      const char *name);

/* Supplies a passphrase identity on demand (the same signature as
 * veil_passphrase_fn in age.h): set *out and return 0, or return a negative code. */
typedef int (*veil_identity_passphrase_fn)(veil_identity **out, void *payload);

/* veil_identities_parse, plus passphrase-encrypted identity files (an age
 * file, binary or armored, whose plaintext is an identity file, as
 * `age-keygen | age -p` writes): passphrase is called only for those. With
 * passphrase NULL this is veil_identities_parse, which returns
 * VEIL_EUNSUPPORTED for such files. Decryption failures keep their codes
 * (VEIL_ENOMATCH for a wrong passphrase). */
VEIL_EXTERN int veil_identities_parse_ext(veil_identities *list, const char *data, size_t len,
                                          const char *name, veil_identity_passphrase_fn passphrase,
                                          void *payload);

/* Recipient lists, same ownership rules. */
VEIL_EXTERN int veil_recipients_new(veil_recipients **out);
VEIL_EXTERN int veil_recipients_add(veil_recipients *list, veil_recipient *r);
VEIL_EXTERN size_t veil_recipients_count(const veil_recipients *list);
VEIL_EXTERN const veil_recipient *veil_recipients_get(const veil_recipients *list, size_t i);
VEIL_EXTERN void veil_recipients_free(veil_recipients *list);

/* Parses a recipients file (-R): one recipient per line, '#' comments, blank
 * lines; unsupported ssh key types are skipped with *skipped counted (may be
 * NULL). An "AGE-SECRET-KEY" line is an error that does not echo it. */
VEIL_EXTERN int veil_recipients_parse(veil_recipients *list, const char *data, size_t len,
                                      const char *name, size_t *skipped);

VEIL_END_DECL

#endif
