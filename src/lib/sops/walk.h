#ifndef VEIL_SOPS_WALK_H
#define VEIL_SOPS_WALK_H
/*
 * The walk over a document that encrypts or decrypts each selected value
 * with its key-path AAD and feeds the MAC, in sops's order: documents in
 * order, map entries and list items in order, depth first.
 */
#include "sops/ivcache.h"
#include "sops/mac.h"
#include "sops/rules.h"
#include "sops/sorted.h"
#include "util/buf.h"
#include "veil/doc.h"
#include <stdint.h>

typedef struct veil_sops_walk_opts {
	int decrypt;             /* 0 = encrypt */
	const uint8_t *key;      /* 32-byte data key */
	veil_sops_cipher cipher; /* encrypt only */
	veil_sops_sel_kind sel;
	const char *sel_value;
	int mac_only_encrypted;
	veil_sops_ivcache *reuse;  /* encrypt: ciphertexts to keep; may be NULL */
	veil_sops_ivcache *record; /* decrypt: where to remember them; may be NULL */
	int dry_run;               /* decrypt without queuing edits (reuse/verify only) */
	const char *scope;         /* "strict", "namespace" or NULL: see veil_sops__scope_prefix */
	/* Go on feeding this MAC, already initialised, and leave it unfinished
	 * (a file walked in pieces); NULL: the walk's own MAC, finished into hex. */
	veil_sops_mac *mac;
	/* Append the MAC bytes here instead of hashing them (a piece walked on
	 * another thread: the caller hashes the pieces' bytes in order). */
	veil_buf *mac_bytes;
	/* Also collect the encrypted values here, for veil_sorted_mac; NULL:
	 * not wanted. Marked unusable where the order cannot be rebuilt. */
	veil_sops_sorted *sorted;
	/* Decrypt: called with each value and comment as it is decrypted: the
	 * node, the AAD it opened under, its type and plaintext (the merge reads
	 * them so); a negative return stops the walk. NULL: none. */
	int (*visit)(void *payload, veil_node *n, const char *aad, size_t aad_len,
	             veil_sops_type type, const uint8_t *pt, size_t pt_len);
	void *visit_payload;
} veil_sops_walk_opts;

/*
 * Scope binding (veil's extension, recorded as veil_scope in the metadata):
 * every AAD of a document is prefixed with "veil-scope:strict:NS/NAME:" or
 * "veil-scope:namespace:NS:", NS and NAME being the document's plaintext
 * metadata.namespace and metadata.name. A value copied into another Secret
 * or namespace then fails authentication; changing or dropping veil_scope
 * changes the prefix too. Only a v1 Secret can be bound (in anything else a
 * value could be read by whoever may read that kind), checked on both sides,
 * so editing kind or apiVersion is refused. Writes the prefix into out
 * (cleared first). VEIL_EFORMAT if root is not a v1 Secret or lacks the
 * fields, VEIL_EINVAL for an unknown scope.
 */
int veil_sops__scope_prefix(veil_buf *out, const char *scope, const veil_node *root);
/* "strict" / "namespace" are scopes; NULL and "none" are not. */
int veil_sops__scope_valid(const char *scope);

/* Walks every document of doc, queuing value edits, and finishes the MAC
 * into hex (unless opts->mac). The "sops" key of a root map is skipped. */
int veil_sops__walk(veil_doc *doc, const veil_sops_walk_opts *opts,
                    char hex[VEIL_SOPS_MAC_HEX + 1]);

/* envelope.c: reads doc's metadata into meta, recovers the data key into
 * key and walks doc without changing it, MAC checked, handing each
 * decrypted value to visit->visit (the only field of visit read).
 * meta is disposed of on failure. */
int veil_sops__open_visit(veil_doc *doc, const veil_identities *ids, veil_sops_meta *meta,
                          uint8_t key[32], const veil_sops_walk_opts *visit);

#endif
