#ifndef VEIL_DOC_FLAT_H
#define VEIL_DOC_FLAT_H
/*
 * Helpers shared by the flat codecs (JSON, dotenv, INI, binary): UTF-8
 * checks, the single-root setup, and sops's flattening of the metadata tree
 * into "a__list_0__map_b" keys for dotenv and INI (stores/flatten.go).
 */
#include <stddef.h>
#include "doc/codec.h"

/* One flattened metadata entry: key without any prefix, value as text (real
 * newlines; the codec encodes them). */
typedef struct veil_flat_entry {
	char *key;
	char *value;
	size_t value_len;
} veil_flat_entry;

/* Length of the longest valid UTF-8 prefix of s (== len when all valid). */
size_t veil_doc__utf8_prefix(const char *s, size_t len);

/* Makes node the one root of doc. */
int veil_doc__single_root(veil_doc *doc, veil_node *root);

/* Flattens meta (a map) as sops does: nested maps joined with "__map_",
 * list positions with "__list_<n>", nulls and empty containers dropped,
 * bools as true/false; sorted by key (bytewise, as sops 3.13). */
int veil_doc__flatten(veil_flat_entry **out, size_t *n, const veil_node *meta);
void veil_doc__flat_free(veil_flat_entry *e, size_t n);

/* Builds the tree for flattened entries (keys without prefix) in doc; the
 * scalars are strings except mac_only_encrypted (bool) and shamir_threshold
 * (int), which sops decodes by name. */
int veil_doc__unflatten(veil_node **out, veil_doc *doc, const veil_flat_entry *e, size_t n);

/* Replaces every two-byte "\n" escape by a newline (sops's DecodeNewLines);
 * *out is malloc'd and NUL-terminated. */
int veil_doc__decode_newlines(char **out, size_t *out_len, const char *s, size_t len);
/* Appends s with each newline written as the two bytes "\n"; VEIL_EINVAL
 * when s holds a literal backslash-n, which could not be read back. */
int veil_doc__encode_newlines(veil_buf *out, const char *s, size_t len);

/* Merges sorted-or-not [start, end) deletions so that no two touch, then
 * queues them as structural edits. */
typedef struct veil_doc_range {
	size_t start;
	size_t end;
} veil_doc_range;
int veil_doc__delete_ranges(veil_doc *doc, veil_doc_range *r, size_t n);

#endif
