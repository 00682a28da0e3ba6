#ifndef VEIL_DOC_JSON_H
#define VEIL_DOC_JSON_H
/* The JSON codec's pieces that the binary codec reuses (json.c). */
#include "doc/codec.h"

/* A codec that only parses: doc->src holds any one JSON value (an object,
 * a list or a scalar), the document's single root. */
extern const veil_codec veil_codec__json_value;

/* Scans doc->src as one JSON object into *root (nodes owned by doc). */
int veil_json__parse_into(veil_doc *doc, veil_node **root);
/* A JSON string as Go's json.Marshal writes it (VEIL_EINVAL if not UTF-8). */
int veil_json__put_string(veil_buf *out, const char *s, size_t len);
/* A scalar as JSON of its type. */
int veil_json__put_scalar(veil_buf *out, const char *v, size_t len, veil_scalar_type type);
/* node laid out as json.Indent does, members at level + 1 indents of unit. */
int veil_json__put_value(veil_buf *out, const veil_node *node, const char *unit, size_t unit_len,
                         unsigned int level);
/* The "sops" member of root: set (replace or append) / remove, as edits. */
int veil_json__set_metadata_at(veil_doc *doc, veil_node *root, const veil_node *meta);
int veil_json__remove_metadata_at(veil_doc *doc, veil_node *root);

#endif
