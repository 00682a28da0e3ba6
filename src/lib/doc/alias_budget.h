#ifndef VEIL_DOC_ALIAS_BUDGET_H
#define VEIL_DOC_ALIAS_BUDGET_H
/*
 * What a YAML document's aliases expand to, counted while it is parsed, so
 * a "billion laughs" (a1: &a1 [*a0, *a0, ...] nested ten deep, 2 KB) is
 * refused at once instead of being walked, hashed or emitted in full by
 * every command after it. Every reader of a YAML file parses it first, so
 * decrypt, k8s decrypt, git smudge, check and encrypt all stop here.
 *
 * The rule is go-yaml's (v2 and v3 decode.go, which Kubernetes, Helm, Flux
 * and sops's metadata reading use): per document, nodes decoded (map keys,
 * values and items, an alias's whole expansion counted again) and the
 * share of them that came from alias expansion; more than 100 from
 * aliases, more than 1000 in all, and a share above 99% (falling to 10%
 * between 400,000 and 4,000,000 nodes) is "excessive aliasing". sops
 * itself expands aliases without a limit, so everything accepted here it
 * reads. On top, everything aliases add to a stream stays within what a
 * written-out document may hold (VEIL_DOC_MAX_NODES nodes,
 * VEIL_DOC_MAX_SIZE bytes of keys and values), which bounds the MAC bytes
 * a walk replays and the text an emitter writes.
 */
#include <stdint.h>
#include "veil/doc.h"

typedef struct veil_alias_budget {
	uint64_t decoded; /* this document, as go-yaml counts */
	uint64_t aliased;
	uint64_t stream_nodes; /* added by aliases, whole stream */
	uint64_t stream_bytes;
} veil_alias_budget;

/* A new document: go-yaml counts each on its own. */
void veil_doc__budget_document(veil_alias_budget *b);
/* nodes decoded, of which aliased came from an alias expansion that adds
 * alias_bytes bytes; VEIL_ELIMIT (message at line:col) past the rule. */
int veil_doc__budget_add(veil_alias_budget *b, uint64_t nodes, uint64_t aliased,
                         uint64_t alias_bytes, const veil_doc *doc, const veil_span *at);

#endif
