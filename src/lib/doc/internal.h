#ifndef VEIL_DOC_INTERNAL_H
#define VEIL_DOC_INTERNAL_H
/* Internal to src/lib/doc (beyond the codec contract in codec.h). */
#include "doc/codec.h"

/* veil_doc_parse with an explicit codec: rendering re-parses its output
 * with the document's own codec, and tests plug in a fake one. */
int veil_doc__parse_with(veil_doc **out, veil_doc_format fmt, const veil_codec *codec,
                         const char *src, size_t len, const char *name);
/* The same, reading src in place (NUL-terminated at len) instead of copying
 * it: src must outlive the document. For re-parsing a rendered buffer. */
int veil_doc__parse_borrowed(veil_doc **out, veil_doc_format fmt, const veil_codec *codec,
                             const char *src, size_t len, const char *name);

/* veil_doc_render, always with the full check (a parse of the output under
 * every document limit, never the codec's fast check), handing back that
 * parse in *again so a caller can look further into what a reader will see
 * (it reads *out in place: free it before *out). A limit the output breaks
 * is VEIL_ELIMIT. */
int veil_doc__render_again(char **out, size_t *out_len, const veil_doc *doc, veil_doc **again);

/* A NUL-terminated copy of s in doc's arena, freed (wiped) with doc; NULL
 * on failure. Parsers use it for node values, keys and anchors: a node whose
 * strings came from here must not get veil_doc__node_set_value/_key. */
char *veil_doc__arena_dup(veil_doc *doc, const char *s, size_t len);

/* Do a and b spell the same value of type? Bytes for strings; the number
 * or truth value for ints ("0x1F" = "31"), floats ("1" = "1.0", "+Inf" =
 * ".inf") and bools ("True" = "true"), as sops's plaintext forms differ from
 * YAML's. */
int veil_doc__same_scalar(const char *a, size_t alen, const char *b, size_t blen,
                          veil_scalar_type type);

/* Has node a queued edit? */
int veil_doc__has_edit(const veil_doc *doc, const veil_node *node);

#endif
