#ifndef VEIL_CHECK_INT_H
#define VEIL_CHECK_INT_H
/*
 * Internals of the scanner (include/veil/check.h): the context, the
 * finding store, and the entry points of each check, one file each:
 * detect*.c content detectors, k8s*.c Kubernetes manifests, check_sops.c
 * .sops.yaml rules / filters / Flux, allow.c allowlists, report.c output.
 */
#include "veil/check.h"
#include "veil/doc.h"
#include "sops/rules.h"
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct veil_check__finding {
	char *path;
	unsigned int line, col;
	const char *rule; /* static string */
	char *message;
	char *fix; /* the command that fixes it, or NULL */
	char masked[48];
	char sha256[65];
	char commit[65]; /* the blob's commit (hex), or "" */
	veil_check_severity severity;
};

struct veil_check__ignore {
	char *path;
	char *rule;
	char sha256[65];
};

/* A blob seen, remembered for checks that need the whole tree (kustomize
 * file references, Flux coverage). */
struct veil_check__seen {
	char *path;
	unsigned char encrypted; /* any ciphertext form */
	unsigned char chacha;    /* sops values with CHACHA20_POLY1305 */
	char *commit;            /* the blob's commit (--history), or NULL */
};

struct veil_check__ref {
	char *path;   /* the referenced file, relative to root */
	char *from;   /* who references it */
	char *commit; /* the commit of from (--history), or NULL */
	unsigned int line, col;
	int flux; /* 1: a Flux Kustomization spec.path (a directory) */
};

struct veil_check {
	veil_check_options o;
	char *root;
	veil_sops_config *sops;
	struct veil_check__ignore *ign;
	size_t nign, capign;
	struct veil_check__finding *f;
	size_t nf, capf;
	struct veil_check__seen *seen;
	size_t nseen, capseen;
	struct veil_check__ref *refs;
	size_t nrefs, caprefs;
	char commit[65]; /* veil_check_set_commit(): findings get it; "" = none */
	int finished;    /* the whole-tree checks ran since the last blob */
	size_t nfinal;   /* findings before the whole-tree checks */
	struct {
		unsigned int line;
		char sha256[65];
	} recent[16]; /* secrets of this blob accepted by .veilignore */
	size_t nrecent;
	struct veil_check__span {
		size_t start, end;
	} * cipher; /* byte ranges of this blob that are ciphertext */
	size_t ncipher, capcipher;
};

/* Where findings of a scan go: the blob (for line:col and veil:allow), and,
 * for a decoded value scanned on its own, the offset to report instead. */
typedef struct veil_check__src {
	const char *path;
	const char *text;
	size_t len;
	int fixed;
	size_t fixed_off;
	unsigned int fixed_line, fixed_col; /* when fixed: if line is 0, computed */
} veil_check__src;

/* Adds a finding at byte offset off of src (or src's fixed position), for
 * secret[0..slen) (hashed, masked; NULL for whole-file findings with off
 * ignored when line is wanted 0). Drops it when allowlisted. fix may be
 * NULL for the default ("veil encrypt -i PATH"). */
int veil_check__add(veil_check *c, const veil_check__src *src, size_t off, const char *rule,
                    veil_check_severity sev, const char *secret, size_t slen, const char *fix,
                    const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* A finding about the file (or a document of it) at byte offset off: its
 * hash is the whole text's (what a .veilignore entry accepts), no masked
 * secret. */
int veil_check__add_file(veil_check *c, const veil_check__src *src, size_t off, const char *rule,
                         veil_check_severity sev, const char *fix, const char *fmt, ...)
        __attribute__((format(printf, 7, 8)));
/* The same at an explicit position (line 0: the whole file, reported at
 * 1:1 without a masked secret). */
int veil_check__add_at(veil_check *c, const veil_check__src *src, unsigned int line,
                       unsigned int col, const char *rule, veil_check_severity sev,
                       const char *secret, size_t slen, const char *fix, const char *fmt, ...)
        __attribute__((format(printf, 10, 11)));

/* Marks blob bytes [start, end) as ciphertext (a SealedSecret's
 * encryptedData): findings that start there are dropped when their secret
 * is made of base64 characters (could be part of the ciphertext). Cleared
 * by the next veil_check_blob. */
int veil_check__cipher_span(veil_check *c, size_t start, size_t end);

/* detect.c: runs every content detector over buf (one keyword pass);
 * strong: only those whose matches are exact formats (keys, provider
 * tokens), for binary data, where the heuristic ones (passwords in URLs,
 * secret-like assignments) would read noise. */
int veil_check__detect(veil_check *c, const veil_check__src *src, const char *buf, size_t len);
int veil_check__detect_strong(veil_check *c, const veil_check__src *src, const char *buf,
                              size_t len);
/* detect_util.c */
double veil_check__entropy(const char *s, size_t n);
int veil_check__classes(const char *v, size_t n);
int veil_check__placeholder(const char *s, size_t n);
int veil_check__is_enc(const char *s, size_t n);
const char *veil_check__memmem(const char *h, size_t hn, const char *n, size_t nn);

/* detect.c: the tables of the SIMD prefilter (see there). */
typedef struct veil_check__prefilter {
	uint8_t lo[3][16], hi[3][16];
} veil_check__prefilter;

/* A static set of words looked for together; tables built on first use. */
typedef struct veil_check__words {
	const char *const *words;
	size_t n;
	atomic_int built;
	int simd;
	veil_check__prefilter filter;
} veil_check__words;
#define VEIL_CHECK__WORDS(array)                                 \
	{                                                        \
		(array), sizeof(array) / sizeof(*(array)), 0, 0, \
		{                                                \
			{ { 0 } },                               \
			{                                        \
				{                                \
					0                        \
				}                                \
			}                                        \
		}                                                \
	}

/* Whether text holds one of set's words (case-sensitive): one pass for
 * all of them (SIMD, up to 8 words), where memmem would take one each. */
int veil_check__any_word(veil_check__words *set, const char *text, size_t len);

/* k8s.c: Kubernetes Secrets, kubeconfig, kustomize, docker config, Flux
 * Kustomizations in src's text, read as Kubernetes reads it (kview.h). */
int veil_check__k8s(veil_check *c, const veil_check__src *src);
/* Whether path's text may hold anything veil_check__k8s looks at (not
 * code or prose, and a word of a manifest, or an escape or tag that could
 * spell one). */
int veil_check__k8s_wanted(const char *path, const char *text, size_t len);

/* template.c: whether a value holds a plaintext literal once a template
 * engine ran over it (not empty, not ENC[...], not only references like
 * {{ .Values.x }} or ${VAR}); and whether it has template syntax. */
int veil_check__holds_literal(const char *v, size_t n);
int veil_check__templated(const char *v, size_t n);

/* check_sops.c */
int veil_check__filter(veil_check *c, const veil_check__src *src, unsigned int attrs, int *handled);
int veil_check__sops_rule(veil_check *c, const veil_check__src *src, veil_doc_format fmt,
                          const veil_doc *doc, int parse_error);
int veil_check__sops_values(veil_check *c, const veil_check__src *src, const veil_doc *doc);
int veil_check__is_ciphertext(const char *path, const char *text, size_t len);
/* check_recipients.c: the file's age recipients against its creation
 * rule's (sops-recipient-removed, sops-recipient-missing). */
int veil_check__sops_recipients(veil_check *c, const veil_check__src *src, const veil_doc *doc);
/* The fix of a plaintext value in a file already encrypted (where
 * veil encrypt -i refuses, exit 203): take it out, set it back encrypted
 * with veil set at json_path ('["a"]["b"]'). Returns buf. */
const char *veil_check__fix_set(char *buf, size_t cap, const char *json_path);
/* The rule that gives path its keys: the first whose path_regex matches,
 * a catch-all included, as updatekeys picks it. */
const veil_sops_rule *veil_check__keys_rule(const veil_check *c, const char *path);
/* The rule that makes path a file that must be encrypted (no catch-all). */
const veil_sops_rule *veil_check__rule_for(const veil_check *c, const char *path);
int veil_check__finish(veil_check *c);
int veil_check__ref_add(veil_check *c, const char *path, const char *from, unsigned int line,
                        unsigned int col, int flux);

/* allow.c */
int veil_check__ignore_parse(veil_check *c, const char *text, size_t len);
void veil_check__ignore_clear(veil_check *c);
int veil_check__ignored(const veil_check *c, const char *path, const char *rule,
                        const char *sha256);
int veil_check__inline_allowed(const char *text, size_t len, size_t off);

#endif
