#ifndef VEIL_CHECK_H
#define VEIL_CHECK_H

/*
 * The secret scanner behind `veil check`: callers feed it blobs (a file on
 * disk, a staged index blob, a blob of a past commit), it collects findings
 * and writes them as text, JSON or SARIF.
 *
 * For every blob it checks, in this order:
 *  - attrs says an encrypting git filter applies: the blob must be
 *    ciphertext (a veil/sops document, an age file, git-crypt's magic);
 *    nothing else is scanned in it.
 *  - a .sops.yaml creation rule matches the path: the document must carry a
 *    sops block with mac and version, every value the rule selects must be
 *    ENC[...], and with identities the MAC must verify.
 *  - Kubernetes Secrets (YAML and JSON streams, List items, the
 *    last-applied-configuration annotation, kustomize secretGenerator and
 *    inline patches, .dockerconfigjson, kubeconfig credentials), read as
 *    Kubernetes loads them (aliases, merge keys, escapes, !!binary, each
 *    document on its own): non-null values must be ENC[...] (one sops can
 *    decrypt) or templates that cannot hold a literal; base64 data values
 *    are decoded and scanned. A SealedSecret's (and an ExternalSecret's)
 *    template literals count as plaintext; a SealedSecret's encryptedData
 *    is ciphertext that no content detector reports.
 *  - content detectors (private keys, provider tokens, passwords in URLs,
 *    high-entropy values under secret-like keys); binary data gets those
 *    of exact formats only. UTF-16 text is decoded first.
 * What could not be checked is a finding too (a warning when it cannot
 * hide a Secret from the other checks): check-skipped, yaml-unparsed,
 * yaml-too-large, yaml-alias-bomb.
 * Findings are allowlisted by an inline "veil:allow" on the line, or by a
 * .veilignore entry "path rule-id sha256-of-secret" (no line numbers).
 *
 * A context is not thread-safe; use one per thread. Findings never hold the
 * secret itself: only a masked form and its SHA-256.
 */

#include <stddef.h>
#include <stdint.h>
#include "veil/common.h"
#include "veil/error.h"
#include "veil/keys.h"

VEIL_BEGIN_DECL

typedef struct veil_check veil_check;

/* Flags of veil_check_options. */
#define VEIL_CHECK_NO_IGNORE     0x1u /* ignore .veilignore and veil:allow */
#define VEIL_CHECK_NO_SOPS_RULES 0x2u /* do not load .sops.yaml from root */

typedef struct veil_check_options {
	unsigned int version; /* VEIL_CHECK_OPTIONS_VERSION */
	/* Directory whose .sops.yaml and .veilignore apply (the repository
	 * root); paths given to veil_check_blob are relative to it. NULL: no
	 * rules and no ignore file unless set with veil_check_set_*(). */
	const char *root;
	/* Identities to verify sops MACs with; NULL = check structure only.
	 * Borrowed: must outlive the context. */
	const veil_identities *identities;
	unsigned int flags;
	/* Blobs larger than this get only the filter/rule/Kubernetes checks,
	 * and a warning (rule "check-skipped") says the content detectors did
	 * not run (0 = VEIL_CHECK_DEFAULT_MAX_SIZE). Blobs above 256 MiB get
	 * the filter/rule checks and the detectors only, with a warning. */
	size_t max_scan_size;
} veil_check_options;

#define VEIL_CHECK_OPTIONS_VERSION 1
#define VEIL_CHECK_OPTIONS_INIT                              \
	{                                                    \
		VEIL_CHECK_OPTIONS_VERSION, NULL, NULL, 0, 0 \
	}
#define VEIL_CHECK_DEFAULT_MAX_SIZE ((size_t)-1) /* no limit */

/* Git attributes of a blob, computed by the caller (e.g. from the index). */
#define VEIL_CHECK_ATTR_FILTER_VEIL     0x1u /* filter=veil */
#define VEIL_CHECK_ATTR_FILTER_GITCRYPT 0x2u /* filter=git-crypt */
#define VEIL_CHECK_ATTR_FILTER_OTHER    0x4u /* another encrypting filter */

VEIL_EXTERN int veil_check_new(veil_check **out, const veil_check_options *opts);
VEIL_EXTERN void veil_check_free(veil_check *c);

/* Replace the .sops.yaml creation rules / the .veilignore entries with this
 * text (e.g. the index version of those files); len 0 clears them. */
VEIL_EXTERN int veil_check_set_sops_config(veil_check *c, const char *text, size_t len);
VEIL_EXTERN int veil_check_set_ignore(veil_check *c, const char *text, size_t len);

/* The commit (hex id, up to 64 digits: SHA-1 or SHA-256 repositories) the
 * blobs scanned from now on come from; their findings name it. NULL clears
 * it (index, working tree). VEIL_EINVAL for anything but 4..64 hex digits. */
VEIL_EXTERN int veil_check_set_commit(veil_check *c, const char *hex);

/*
 * Scans one blob. path is relative to root with '/' separators (it picks
 * the format, the .sops.yaml rule and the .veilignore entries); data is not
 * kept. Returns 0 (findings are collected, not returned as errors) or a
 * negative code for a failure of the scanner itself (VEIL_ENOMEM).
 */
VEIL_EXTERN int veil_check_blob(veil_check *c, const char *path, const uint8_t *data, size_t len,
                                unsigned int attrs);

/*
 * Moves what src collected (findings, the blobs it saw, kustomize and Flux
 * references) to the end of dst; src keeps its options and is left empty.
 * For a scan on several threads: one context per thread, each merged in
 * blob order, gives the findings of a scan on one context in that order
 * (the whole-tree checks run over the union when dst is read). A path
 * checked in both is not deduplicated across the two. Returns 0 or
 * VEIL_ENOMEM (then nothing moved).
 */
VEIL_EXTERN int veil_check_merge(veil_check *dst, veil_check *src);

typedef enum veil_check_severity {
	VEIL_CHECK_ERROR = 1, /* refuses a commit: exit 1 */
	VEIL_CHECK_WARNING = 2,
} veil_check_severity;

typedef struct veil_check_finding {
	const char *path;
	unsigned int line, col; /* 1-based; 1:1 when the finding is about the whole file */
	const char *rule;       /* e.g. "aws-access-key-id", "k8s-secret-plaintext" */
	const char *message;    /* one line, no secret */
	const char *masked;     /* the secret masked ("AKIA************MPLE"), or "" */
	const char *sha256;     /* hex SHA-256 of the secret (the .veilignore key) */
	const char *fix;        /* the command or step that fixes it */
	veil_check_severity severity;
	/* Added after version 1 (at the end, so older fields keep their
	 * offsets): the commit the blob came from, as set with
	 * veil_check_set_commit() (--history), or NULL. */
	const char *commit;
} veil_check_finding;

/* Findings so far (after allowlisting), in the order found; pointers stay
 * valid until the next veil_check_blob or veil_check_free. count() with
 * severity 0 counts all. */
VEIL_EXTERN size_t veil_check_count(veil_check *c, veil_check_severity severity);
VEIL_EXTERN int veil_check_get(veil_check *c, size_t i, veil_check_finding *out);

typedef enum veil_check_format {
	VEIL_CHECK_FORMAT_TEXT = 1,   /* path:line:col: rule: message + fix hint */
	VEIL_CHECK_FORMAT_JSON = 2,   /* {"findings":[...]} */
	VEIL_CHECK_FORMAT_SARIF = 3,  /* SARIF 2.1.0 */
	VEIL_CHECK_FORMAT_IGNORE = 4, /* .veilignore lines for every finding */
} veil_check_format;

/* Writes every finding in fmt through wr. */
VEIL_EXTERN int veil_check_report(veil_check *c, veil_check_format fmt, veil_write_fn wr,
                                  void *payload);

VEIL_END_DECL

#endif
