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
} veil_sops_walk_opts;

/* Walks every document of doc, queuing value edits, and finishes the MAC
 * into hex. The "sops" key of a root map is skipped. */
int veil_sops__walk(veil_doc *doc, const veil_sops_walk_opts *opts,
                    char hex[VEIL_SOPS_MAC_HEX + 1]);

#endif
