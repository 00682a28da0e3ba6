#ifndef VEIL_SOPS_MERGE_H
#define VEIL_SOPS_MERGE_H
/* The state of veil_sops_merge (merge.c), shared with the plan that
 * decides each value's ciphertext (merge_plan.c). */
#include "sops/value.h"
#include "veil/sops.h"
#include <sodium.h>

enum { VEIL_SOPS__OURS = 0, VEIL_SOPS__THEIRS = 1, VEIL_SOPS__BASE = 2, VEIL_SOPS__NSIDES = 3 };

/* One decrypted value or comment of a side. */
typedef struct veil_sops__merge_leaf {
	veil_node *node;
	char *aad;
	size_t aad_len;
	size_t order; /* in the side's walk */
	size_t occ;   /* earlier values of the side under the same AAD (list items) */
	veil_sops_type type;
	uint8_t *pt; /* wiped */
	size_t pt_len;
	int side;
	const char *token; /* the ENC[...] string the side's text gets here */
} veil_sops__merge_leaf;

typedef struct veil_sops__merge_side {
	int index;
	veil_doc *doc;
	veil_sops_meta meta;
	uint8_t *key; /* data key, secure memory */
	veil_sops__merge_leaf *leaves;
	size_t n, cap;
	int open; /* decrypted: meta and key valid */
	uint8_t sig[crypto_hash_sha256_BYTES];
} veil_sops__merge_side;

typedef struct veil_sops__merge {
	veil_sops__merge_side s[VEIL_SOPS__NSIDES];
	veil_doc_format fmt;
	const char *name;
	int has_base;
	int chosen;                      /* whose metadata and data key the result has */
	int same_key[VEIL_SOPS__NSIDES]; /* that side's values open with the chosen key */
	veil_sops_cipher cipher;         /* for values encrypted anew */
	char **fresh;                    /* tokens encrypted anew (freed at the end) */
	size_t nfresh, fresh_cap;
	veil_sops_merge_result *out;
	const veil_sops_merge_options *o;
	size_t nvalue; /* VALUE conflicts met so far (index into o->choices) */
} veil_sops__merge;

/* Matches the sides' values and comments and sets each leaf's token. */
int veil_sops__merge_plan(veil_sops__merge *m);

/* Records a conflict (path is taken, even on failure). */
int veil_sops__merge_conflict(veil_sops__merge *m, veil_sops_merge_kind kind, char *path,
                              unsigned int line);

#endif
