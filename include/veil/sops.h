#ifndef VEIL_SOPS_H
#define VEIL_SOPS_H

/*
 * Per-field encryption in the SOPS file format: every selected value of a
 * document is encrypted on its own (AAD = its key path), a "sops" block
 * holds the data key wrapped for age recipients, the MAC and the rules.
 * Files veil writes with VEIL_SOPS_AES256_GCM are read by sops, Flux,
 * ksops and helm-secrets; veil reads any sops 3.x age file.
 *
 * The functions edit a parsed veil_doc in place (only the bytes of values
 * and the metadata block change); render it with veil_doc_render().
 */

#include <stddef.h>
#include <stdint.h>
#include "veil/doc.h"
#include "veil/error.h"
#include "veil/keys.h"

typedef enum veil_sops_cipher {
	VEIL_SOPS_AES256_GCM = 1,        /* sops's own; what Flux reads */
	VEIL_SOPS_CHACHA20_POLY1305 = 2, /* veil's default */
} veil_sops_cipher;

/* The six selection rules; at most one applies to a file. */
typedef enum veil_sops_sel_kind {
	VEIL_SEL_NONE = 0, /* encrypt: the default "_unencrypted" suffix */
	VEIL_SEL_UNENCRYPTED_SUFFIX,
	VEIL_SEL_ENCRYPTED_SUFFIX,
	VEIL_SEL_UNENCRYPTED_REGEX,
	VEIL_SEL_ENCRYPTED_REGEX,
	VEIL_SEL_UNENCRYPTED_COMMENT_REGEX,
	VEIL_SEL_ENCRYPTED_COMMENT_REGEX,
} veil_sops_sel_kind;

typedef struct veil_sops_key_group {
	const char *const *age; /* recipient strings (age1..., ssh-ed25519 ...) */
	size_t nage;
} veil_sops_key_group;

typedef struct veil_sops_encrypt_options {
	unsigned int version;    /* VEIL_SOPS_ENCRYPT_OPTIONS_VERSION */
	veil_sops_cipher cipher; /* 0 = VEIL_SOPS_CHACHA20_POLY1305 */
	veil_sops_sel_kind selection;
	const char *selection_value; /* the suffix or regex */
	int mac_only_encrypted;
	const veil_sops_key_group *groups; /* one group: every key wraps the data key */
	size_t ngroups;
	int shamir_threshold; /* several groups: 0 = all of them */
	/* An encrypted version of the same file (e.g. what `edit` started from,
	 * or `encrypt --reuse`): its data key, wrapped keys and rules are kept,
	 * and every value whose path and plaintext are unchanged keeps its
	 * ciphertext, so a diff shows only what changed. Needs identities. */
	const veil_doc *reuse;
	const veil_identities *identities;
	/* Version 2. Scope binding (veil only; sops and Flux cannot read such
	 * files): "strict" binds every value of a document to its
	 * metadata.namespace and metadata.name, "namespace" to the namespace
	 * alone, through the AAD; NULL or "none" for none. Kept from reuse. */
	const char *scope;
} veil_sops_encrypt_options;

#define VEIL_SOPS_ENCRYPT_OPTIONS_VERSION 2
#define VEIL_SOPS_ENCRYPT_OPTIONS_INIT                                                          \
	{                                                                                       \
		VEIL_SOPS_ENCRYPT_OPTIONS_VERSION, 0, VEIL_SEL_NONE, NULL, 0, NULL, 0, 0, NULL, \
		        NULL, NULL                                                              \
	}

/* Is doc a SOPS-encrypted document (a metadata block with mac and version,
 * like `sops filestatus`)? */
VEIL_EXTERN int veil_sops_is_encrypted(const veil_doc *doc);

/*
 * Encrypts doc's values in place and adds the metadata block. Errors:
 * VEIL_EEXISTS if doc is already encrypted (the CLI's exit 203, as sops),
 * VEIL_EFORMAT for a data key named "sops", VEIL_EINVAL for options that
 * conflict or no recipients.
 */
VEIL_EXTERN int veil_sops_encrypt(veil_doc *doc, const veil_sops_encrypt_options *opts);

typedef struct veil_sops_decrypt_options {
	unsigned int version; /* VEIL_SOPS_DECRYPT_OPTIONS_VERSION */
	const veil_identities *identities;
	int ignore_mac;
} veil_sops_decrypt_options;

#define VEIL_SOPS_DECRYPT_OPTIONS_VERSION 1
#define VEIL_SOPS_DECRYPT_OPTIONS_INIT                     \
	{                                                  \
		VEIL_SOPS_DECRYPT_OPTIONS_VERSION, NULL, 0 \
	}

/*
 * Decrypts doc's values in place, verifies the MAC and removes the metadata
 * block. Nothing is changed unless everything succeeded. Errors:
 * VEIL_ENOMATCH (no identity opens the data key; message names the
 * recipients), VEIL_EAUTH (a value failed authentication, also a scope-bound
 * value moved to another namespace or name), VEIL_EMAC,
 * VEIL_EPLAINTEXT (a plaintext value where the file's rules say encrypted:
 * pasted in by hand), VEIL_EFORMAT (no or foreign metadata, a malformed
 * ENC[...]).
 */
VEIL_EXTERN int veil_sops_decrypt(veil_doc *doc, const veil_sops_decrypt_options *opts);

/*
 * Decrypts the text of a whole YAML file to the text veil_sops_decrypt +
 * veil_doc_render would give, byte for byte, but a group of root entries
 * at a time (piece_size bytes of source, 0 = 256 KiB): a large file never
 * becomes one tree, so memory and time stay near a plain parse. Pieces are
 * decrypted on up to threads threads (0 = the CPUs this process may use,
 * at most 4) and joined in file order.
 * Any error, including VEIL_EUNSUPPORTED for what it does not split (several
 * documents, directives, CRLF, comment-regex or scope rules...), means:
 * take the whole-document path, which gives the exact message and position
 * (positions here are relative to a piece). *out is malloc'd; wipe it.
 */
VEIL_EXTERN int veil_sops_decrypt_pieces(char **out, size_t *out_len, const char *src, size_t len,
                                         const char *name, const veil_sops_decrypt_options *opts,
                                         size_t piece_size, size_t threads);

#endif
