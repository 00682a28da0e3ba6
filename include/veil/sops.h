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

VEIL_BEGIN_DECL

typedef enum veil_sops_cipher {
	VEIL_SOPS_AES256_GCM = 1,        /* sops's own, veil's default: what Flux reads */
	VEIL_SOPS_CHACHA20_POLY1305 = 2, /* veil's own; sops and Flux cannot read it */
} veil_sops_cipher;

/* What a file gets when nothing chose a cipher: byte-compatible with sops. */
#define VEIL_SOPS_DEFAULT_CIPHER VEIL_SOPS_AES256_GCM

/* "aes256_gcm"/"aes256-gcm", "chacha20_poly1305"/"chacha20-poly1305" (as
 * .sops.yaml and --cipher spell them); 0 for anything else. */
VEIL_EXTERN veil_sops_cipher veil_sops_cipher_parse(const char *name);
/* "AES256_GCM" or "CHACHA20_POLY1305", as ENC[...] values name them. */
VEIL_EXTERN const char *veil_sops_cipher_name(veil_sops_cipher cipher);
/* The cipher an ENC[...] value (or a MAC) was written with; 0 if s is not
 * one veil knows. */
VEIL_EXTERN veil_sops_cipher veil_sops_cipher_of_value(const char *s, size_t len);

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

/* At most this many key groups (Shamir shares are one byte wide). */
#define VEIL_SOPS_MAX_KEY_GROUPS 255

typedef struct veil_sops_key_group {
	const char *const *age; /* recipient strings (age1..., ssh-ed25519 ...) */
	size_t nage;
} veil_sops_key_group;

typedef struct veil_sops_encrypt_options {
	unsigned int version;    /* VEIL_SOPS_ENCRYPT_OPTIONS_VERSION */
	veil_sops_cipher cipher; /* 0 = VEIL_SOPS_DEFAULT_CIPHER (or reuse's) */
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
	/* Version 3. The reused file's MAC is not checked (--ignore-mac of
	 * edit, set, unset, rotate): the new MAC covers the new values. */
	int reuse_ignore_mac;
	/* Out, may be NULL: what was rewritten beyond the values so that sops
	 * can read an AES256_GCM file (the caller tells the user). */
	struct veil_sops_rewrites *rewrites;
	/* Version 4. Also write veil_sorted_mac, a MAC over the encrypted
	 * values sorted by key path that still verifies after `kustomize
	 * build` re-sorted the keys and rewrote metadata (sops ignores it).
	 * Written only for one-document files without aliases or encrypted
	 * list items; once in a file, every rewrite keeps it. */
	int sorted_mac;
} veil_sops_encrypt_options;

#define VEIL_SOPS_ENCRYPT_OPTIONS_VERSION 4
#define VEIL_SOPS_ENCRYPT_OPTIONS_INIT                                                          \
	{                                                                                       \
		VEIL_SOPS_ENCRYPT_OPTIONS_VERSION, 0, VEIL_SEL_NONE, NULL, 0, NULL, 0, 0, NULL, \
		        NULL, NULL, 0, NULL, 0                                                  \
	}

/* What veil_sops_encrypt rewrote, besides values and metadata, so that
 * sops and the tools built on it (Flux, ksops, helm-secrets) read an
 * AES256_GCM file: sops's YAML library expands aliases before decrypting
 * and reads no %YAML version but 1.1. ChaCha20-Poly1305 files, which only
 * veil reads, keep both. */
typedef struct veil_sops_rewrites {
	/* YAML aliases written out in full: those through which a value is
	 * encrypted, at the anchor's path or the alias's */
	size_t aliases;
	size_t directives; /* %YAML directives removed (not 1.1) */
} veil_sops_rewrites;

/* Is doc a SOPS-encrypted document: a metadata block with a mac, which is
 * what sops needs to decrypt it? (`sops filestatus` also wants a version;
 * veil filestatus checks that itself.) */
VEIL_EXTERN int veil_sops_is_encrypted(const veil_doc *doc);

/*
 * Encrypts doc's values in place and adds the metadata block. Errors:
 * VEIL_EEXISTS if doc is already encrypted (the CLI's exit 203, as sops),
 * VEIL_EFORMAT for a data key named "sops", VEIL_EINVAL for options that
 * conflict or no recipients.
 */
VEIL_EXTERN int veil_sops_encrypt(veil_doc *doc, const veil_sops_encrypt_options *opts);

/*
 * Renders an encrypted doc (as veil_doc_render) and proves that veil reads
 * the result back: it is within VEIL_DOC_MAX_SIZE, parses under every limit
 * decrypt applies (nesting, nodes, alias expansion) and its sops block
 * reads. Every command that writes an encrypted file renders it with this,
 * so none writes what decrypt would refuse. VEIL_ELIMIT (the CLI's exit
 * 11) for a limit, VEIL_ERROR otherwise; *out is malloc'd.
 */
VEIL_EXTERN int veil_sops_render(char **out, size_t *out_len, const veil_doc *doc);

typedef struct veil_sops_decrypt_options {
	unsigned int version; /* VEIL_SOPS_DECRYPT_OPTIONS_VERSION */
	const veil_identities *identities;
	int ignore_mac;
	/* Version 2. When the sops MAC does not verify, accept the file's
	 * veil_sorted_mac instead (see veil_sops_encrypt_options.sorted_mac):
	 * for manifests that went through kustomize, which re-sorts keys and
	 * rewrites metadata. Off, a file is held to the sops MAC, as sops does. */
	int sorted_mac_ok;
} veil_sops_decrypt_options;

#define VEIL_SOPS_DECRYPT_OPTIONS_VERSION 2
#define VEIL_SOPS_DECRYPT_OPTIONS_INIT                        \
	{                                                     \
		VEIL_SOPS_DECRYPT_OPTIONS_VERSION, NULL, 0, 0 \
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

/* ---- Creation rules (.sops.yaml) ------------------------------------- */

/*
 * .sops.yaml creation rules: which recipients, key groups, selection rule
 * and cipher a new file gets. Found by walking up from the file's own
 * directory (sops starts at the working directory, a long-standing
 * complaint), matched on the path relative to the config's directory.
 * The structs are read-only for callers.
 */
#define VEIL_SOPS_CONFIG_NAME       ".sops.yaml"
#define VEIL_SOPS_CONFIG_ALT_NAME   ".sops.yml" /* found too, after .sops.yaml */
#define VEIL_SOPS_CONFIG_MAX        (1024u * 1024)
#define VEIL_SOPS_CONFIG_MAX_LEVELS 100

typedef struct veil_sops_selection {
	veil_sops_sel_kind kind;
	char *value; /* suffix or regex source; NULL for NONE */
} veil_sops_selection;

typedef struct veil_sops_group {
	char **age; /* recipient strings as written (trimmed) */
	size_t nage;
} veil_sops_group;

typedef struct veil_sops_rule {
	char *path_regex;           /* source text, NULL = matches every file */
	struct veil_regex *path_re; /* compiled path_regex */
	veil_sops_group *groups;    /* flat age list = one group */
	size_t ngroups;
	int shamir_threshold; /* 0 = number of groups */
	veil_sops_selection sel;
	int mac_only_encrypted;
	veil_sops_cipher cipher; /* 0 = not set (VEIL_SOPS_DEFAULT_CIPHER) */
	char *scope;             /* veil extension: "strict" / "namespace", or NULL */
	/* The keys of other types (pgp, kms, ...) the rule names, as
	 * "pgp FP, kms ARN", or NULL. Matching such a rule gives
	 * VEIL_EUNSUPPORTED naming them (with *out set). */
	char *foreign;
} veil_sops_rule;

typedef struct veil_sops_config {
	char *path; /* the .sops.yaml read */
	char *dir;  /* its directory, absolute */
	veil_sops_rule *rules;
	size_t nrules;
	/* stores: the indent of text written anew, as sops reads it:
	 * YAML 0 = the default (4); JSON -1 = a tab (the default), else spaces */
	int yaml_indent, json_indent, json_binary_indent;
} veil_sops_config;

/* Walks up from the directory of file_path (absolute or relative to the
 * working directory) to find .sops.yaml (or .sops.yml, in a directory
 * without .sops.yaml). *out malloc'd; VEIL_ENOTFOUND if none within
 * VEIL_SOPS_CONFIG_MAX_LEVELS. */
VEIL_EXTERN int veil_sops_config_find(char **out, const char *file_path);

/* Parses config text (name for messages); dir is the config's directory. */
VEIL_EXTERN int veil_sops_config_parse(veil_sops_config **out, const char *text, size_t len,
                                       const char *name, const char *dir);
VEIL_EXTERN int veil_sops_config_load(veil_sops_config **out, const char *path);
VEIL_EXTERN void veil_sops_config_free(veil_sops_config *cfg);

/* The first rule whose path_regex matches file_path made relative to the
 * config's directory. VEIL_ENOTFOUND "no matching creation rule" if none;
 * VEIL_EUNSUPPORTED (and *out set) when that rule also names keys veil
 * cannot use (rule->foreign). */
VEIL_EXTERN int veil_sops_config_match(const veil_sops_rule **out, const veil_sops_config *cfg,
                                       const char *file_path);


/* ---- Metadata of an encrypted file ----------------------------------- */

/* The sops version veil's files declare: the layout it writes is 3.13's. */
#define VEIL_SOPS_FORMAT_VERSION "3.13.2"

typedef struct veil_sops_agekey {
	char *recipient;
	char *enc; /* armored age file wrapping the key or the group's share */
} veil_sops_agekey;

typedef struct veil_sops_keygroup {
	veil_sops_agekey *age;
	size_t nage;
	size_t nforeign; /* pgp/kms/... entries present (kept, never usable here) */
	char *foreign;   /* them, named: "pgp FP, kms ARN", or NULL */
	/* The group's mapping in the document it was read from (valid while
	 * that document is): edit/set/unset copy its other key types into the
	 * new block unchanged, since the data key stays the same. */
	const veil_node *node;
} veil_sops_keygroup;

typedef struct veil_sops_meta {
	veil_sops_keygroup *groups;
	size_t ngroups;
	int grouped; /* written as key_groups (more than one group) */
	int shamir_threshold;
	char *lastmodified;
	char *mac;
	veil_sops_selection sel;
	int mac_only_encrypted;
	char *version;
	char *scope;      /* veil extension (scope binding), or NULL */
	char *sorted_mac; /* veil extension (veil_sorted_mac), or NULL */
} veil_sops_meta;

/* Reads doc's metadata block. VEIL_EFORMAT when it has none, a required
 * field is missing or two selection rules are present. Dispose with
 * veil_sops_meta_dispose. */
VEIL_EXTERN int veil_sops_meta_of(veil_sops_meta *out, const veil_doc *doc, const char *name);
VEIL_EXTERN void veil_sops_meta_dispose(veil_sops_meta *m);

/* ---- Re-keying -------------------------------------------------------- */

/*
 * Key changes of an existing encrypted file: `rotate` (a new data key for
 * the same recipients and rules) and `updatekeys` (the same data key
 * wrapped for the recipients of the current creation rule, values, mac and
 * lastmodified untouched).
 */
/* Encrypt options that give a new file the recipients, key groups, Shamir
 * threshold, selection rule, mac_only_encrypted and cipher of an encrypted
 * doc's metadata. opts points into the struct: keep it until encrypting
 * is done. */
typedef struct veil_sops_rekey {
	veil_sops_meta meta;
	veil_sops_key_group *groups;
	const char **recipients; /* every group's list, back to back */
	veil_sops_encrypt_options opts;
} veil_sops_rekey;

/* VEIL_EFORMAT without metadata, VEIL_EUNSUPPORTED when the file also has
 * pgp/kms keys (they would be dropped). */
VEIL_EXTERN int veil_sops_rekey_options(veil_sops_rekey *r, const veil_doc *doc);
VEIL_EXTERN void veil_sops_rekey_dispose(veil_sops_rekey *r);

/*
 * Replaces doc's wrapped keys by ones for groups (the data key is
 * recovered with ids and wrapped again; with several groups, fresh Shamir
 * shares). Everything else in the block is kept as it was, values too.
 */
VEIL_EXTERN int veil_sops_rekey_update(veil_doc *doc, const veil_sops_group *groups, size_t ngroups,
                                       int shamir_threshold, const veil_identities *ids);


/* ---- Merging (the git merge driver) ---------------------------------- */

/*
 * A three-way merge of an encrypted file at the level of values (`veil git
 * merge`, git's merge driver). Each side is decrypted in memory, MAC
 * checked. A value changed on one side takes that side's ciphertext; one
 * changed identically on both sides merges; keys added or removed on one
 * side follow (keys both sides added at one place are all kept, ours
 * first, when the result reads back), and the rest of the text (structure,
 * comments, unencrypted values) merges as git's line merge would, except
 * that changes to adjacent lines merge. The result gets a fresh MAC and lastmodified and
 * keeps every unchanged ciphertext byte for byte. When one side re-keyed
 * (rotate, updatekeys) and the other did not, the result has that side's
 * keys, the other side's new values encrypted under them.
 */
typedef enum veil_sops_merge_kind {
	VEIL_SOPS_MERGE_VALUE = 1,    /* changed (or added) differently on both sides */
	VEIL_SOPS_MERGE_TEXT = 2,     /* lines around it changed on both sides */
	VEIL_SOPS_MERGE_METADATA = 3, /* both sides changed recipients, rules or data key */
} veil_sops_merge_kind;

typedef struct veil_sops_merge_conflict {
	veil_sops_merge_kind kind;
	char *path;        /* VALUE: the value's path, ["a"][0]["b"] (as set writes it) */
	unsigned int line; /* where in ours (1-based), 0 if nowhere */
} veil_sops_merge_conflict;

/* One side of a conflicting value: its plaintext (NULL when the side does
 * not have the value) and sops's name for its type ("str", "int", "float",
 * "bool", "time", "bytes"). */
typedef struct veil_sops_merge_value {
	const uint8_t *pt;
	size_t len;
	const char *type;
} veil_sops_merge_value;

/* Called for each VALUE conflict, in order: sides[0] base, [1] ours, [2]
 * theirs. pt is valid during the call only; a negative return stops. */
typedef int (*veil_sops_merge_show_fn)(void *payload, const veil_sops_merge_conflict *c,
                                       const veil_sops_merge_value sides[3]);

typedef struct veil_sops_merge_options {
	unsigned int version; /* VEIL_SOPS_MERGE_OPTIONS_VERSION */
	const veil_identities *identities;
	veil_sops_merge_show_fn show;
	void *show_payload;
	/* A merge tool's answers: the value each VALUE conflict gets, in the
	 * order they are reported (nchoices must be their number). */
	const veil_sops_merge_value *choices;
	size_t nchoices;
} veil_sops_merge_options;

#define VEIL_SOPS_MERGE_OPTIONS_VERSION 1
#define VEIL_SOPS_MERGE_OPTIONS_INIT                                       \
	{                                                                  \
		VEIL_SOPS_MERGE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0 \
	}

typedef struct veil_sops_merge_result {
	char *text; /* the merged file (malloc'd), or NULL when there are conflicts */
	size_t len;
	veil_sops_merge_conflict *conflicts;
	size_t nconflicts;
} veil_sops_merge_result;

/*
 * Merges ours and theirs, two versions of the encrypted file name (in fmt)
 * that descend from base (base_len 0: none, both added the file). 0 with
 * out->text set, or with out->nconflicts > 0 and no text; a side git
 * itself could resolve (two sides equal) needs no identity. Errors:
 * VEIL_ENOMATCH (no identity opens a side's data key: nothing can be merged
 * with a valid MAC), VEIL_EMAC, VEIL_EAUTH, VEIL_EFORMAT (a side does not
 * parse or is not encrypted), VEIL_EINVAL (choices that do not fit).
 * Plaintext never leaves memory; dispose of out either way.
 */
VEIL_EXTERN int veil_sops_merge(veil_sops_merge_result *out, veil_doc_format fmt, const char *name,
                                const char *base, size_t base_len, const char *ours,
                                size_t ours_len, const char *theirs, size_t theirs_len,
                                const veil_sops_merge_options *opts);
VEIL_EXTERN void veil_sops_merge_result_dispose(veil_sops_merge_result *r);


/* ---- Values and ciphers ---------------------------------------------- */

/* Does s look like an encrypted value (starts with "ENC[")? */
VEIL_EXTERN int veil_sops_value_is_encrypted(const char *s, size_t len);

/* The AES-GCM implementation in use: "aesni", "vpaes" or "evp". */
VEIL_EXTERN const char *veil_sops_gcm_backend(void);

VEIL_END_DECL

#endif
