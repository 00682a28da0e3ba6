#ifndef VEIL_KEYS_H
#define VEIL_KEYS_H

/*
 * age identities (what decrypts) and recipients (what encryption targets):
 * X25519 (age1... / AGE-SECRET-KEY-1...), ssh-ed25519 and ssh-rsa
 * (authorized_keys lines / OpenSSH private keys), scrypt passphrases, and
 * age plugins (age1NAME1... / AGE-PLUGIN-NAME-1..., run as age-plugin-NAME).
 * Post-quantum keys (age1pq1... / AGE-SECRET-KEY-PQ-1...) are refused: they
 * need ML-KEM-768, which no library veil builds on offers.
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
	VEIL_KEY_SSH_RSA = 4, /* ssh-rsa authorized_keys lines / OpenSSH or PEM RSA keys */
	VEIL_KEY_PLUGIN =
	        5, /* age1NAME1... / AGE-PLUGIN-NAME-1...: age-plugin-NAME does the work */
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

/* The data-less identity of plugin NAME (AGE-PLUGIN-NAME-1...), as age's
 * -j NAME: the plugin decides what it opens or encrypts to. */
VEIL_EXTERN int veil_identity_for_plugin(veil_identity **out, const char *name);

VEIL_EXTERN veil_key_type veil_identity_type(const veil_identity *id);
VEIL_EXTERN void veil_identity_free(veil_identity *id);

/* Parses "age1...", a plugin recipient "age1NAME1...", or an authorized_keys
 * line "ssh-ed25519 AAAA... [comment]" / "ssh-rsa AAAA... [comment]" (2048
 * bits or more). VEIL_EUNSUPPORTED, with the reason, for post-quantum
 * (age1pq1...), tag (age1tag1...) and other SSH key types. */
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

/* Told about one line of an identity file that was skipped because veil
 * cannot use its key type (a post-quantum identity, for one); message names
 * the file and line, never the key. */
typedef void (*veil_identity_warn_fn)(const char *message, void *payload);

/* veil_identities_parse, plus passphrase-encrypted identity files (an age
 * file, binary or armored, whose plaintext is an identity file, as
 * `age-keygen | age -p` writes): passphrase is called only for those. With
 * passphrase NULL this is veil_identities_parse, which returns
 * VEIL_EUNSUPPORTED for such files. Decryption failures keep their codes
 * (VEIL_ENOMATCH for a wrong passphrase). */
VEIL_EXTERN int veil_identities_parse_ext(veil_identities *list, const char *data, size_t len,
                                          const char *name, veil_identity_passphrase_fn passphrase,
                                          void *payload);

typedef struct veil_identity_file_options {
	unsigned int version;                   /* VEIL_IDENTITY_FILE_OPTIONS_VERSION */
	veil_identity_passphrase_fn passphrase; /* for passphrase-encrypted files; may be NULL */
	void *passphrase_payload;
	veil_identity_warn_fn warn; /* skipped lines; NULL: skipped quietly */
	void *warn_payload;
	/* Several identities on one line, separated by blanks, as sops reads
	 * its SOPS_AGE_KEY variable. */
	int words;
} veil_identity_file_options;

#define VEIL_IDENTITY_FILE_OPTIONS_VERSION 1
#define VEIL_IDENTITY_FILE_OPTIONS_INIT                                       \
	{                                                                     \
		VEIL_IDENTITY_FILE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0 \
	}

/* veil_identities_parse_ext with options. Lines of a key type veil cannot
 * use (post-quantum AGE-SECRET-KEY-PQ-1..., or an unknown
 * AGE-SECRET-KEY-<TYPE>-1...) are skipped and reported to opts->warn; they
 * never disable the other lines. A malformed line of a supported type is an
 * error, and so is a file with no usable identity. opts NULL: defaults. */
VEIL_EXTERN int veil_identities_parse_opts(veil_identities *list, const char *data, size_t len,
                                           const char *name,
                                           const veil_identity_file_options *opts);

/* Identities that come on demand (sops's SOPS_AGE_KEY_CMD runs once for the
 * recipient it is asked about): a caller about to open something wrapped
 * for a known recipient calls veil_identities_prepare(list, recipient), and
 * the hook may append identities to the list. The hook reports its own
 * failures (a returned error is ignored: the identities already in the list
 * are still tried). */
typedef int (*veil_identities_hook_fn)(veil_identities *list, const char *recipient, void *payload);
VEIL_EXTERN void veil_identities_set_hook(veil_identities *list, veil_identities_hook_fn hook,
                                          void *payload);
VEIL_EXTERN void veil_identities_prepare(const veil_identities *list, const char *recipient);

/* Recipient lists, same ownership rules. */
VEIL_EXTERN int veil_recipients_new(veil_recipients **out);
VEIL_EXTERN int veil_recipients_add(veil_recipients *list, veil_recipient *r);
VEIL_EXTERN size_t veil_recipients_count(const veil_recipients *list);
VEIL_EXTERN const veil_recipient *veil_recipients_get(const veil_recipients *list, size_t i);
VEIL_EXTERN void veil_recipients_free(veil_recipients *list);

/* Parses a recipients file (-R): one recipient per line, '#' comments, blank
 * lines. A recipient veil cannot encrypt to (an ecdsa or sk- SSH key, a
 * post-quantum key) is an error naming its line: a file is never encrypted
 * without one of the listed recipients. *skipped (may be NULL) is always 0,
 * kept for callers. An "AGE-SECRET-KEY" line is an error that does not echo it. */
VEIL_EXTERN int veil_recipients_parse(veil_recipients *list, const char *data, size_t len,
                                      const char *name, size_t *skipped);

VEIL_END_DECL

#endif
