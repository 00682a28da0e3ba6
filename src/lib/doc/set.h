#ifndef VEIL_DOC_SET_H
#define VEIL_DOC_SET_H
/*
 * `veil set` with a value that is, or replaces, a map or list (sops's
 * `set FILE PATH JSON` replaces whatever is at PATH with the JSON value).
 *
 * The value is parsed into a small tree (sops_setvalue.c). The bytes of the
 * old value are replaced by a layout of the new one with a placeholder null
 * for every leaf (sops_setyaml.c, sops_setjsonl.c): YAML block style at the
 * indentation of what it replaces, flow style inside flow collections, JSON
 * in the file's indentation. The result is parsed again, every leaf is set
 * through the codec (which quotes it for its place and checks it reads back),
 * and the rendered text is parsed once more and compared with the value
 * (sops_setnode.c). Every byte outside the old value stays as it was.
 */
#include "veil/doc.h"

#define VEIL_DOC_SETJSON_MAX (1u << 20) /* a value bigger than 1 MiB is refused */

/* One node of a JSON value, in preorder: a node's children follow it, and
 * end is the index just past its subtree. */
typedef struct veil_doc_jv {
	veil_node_kind kind; /* VEIL_NODE_MAP, _SEQ or _SCALAR */
	size_t end;
	size_t nchild;
	char *key; /* a map member's key, decoded (NULL otherwise) */
	size_t key_len;
	char *key_tok; /* ... and as a JSON string token */
	size_t key_tok_len;
	char *value; /* a scalar, decoded as veil_doc__json_scalar does */
	size_t len;
	veil_scalar_type type;
} veil_doc_jv;

typedef struct veil_doc_jvalue {
	veil_doc_jv *v;
	size_t n, cap;
	int depth; /* nesting of maps and lists: 0 for a scalar */
} veil_doc_jvalue;

/* Parses JSON text (strict RFC 8259, UTF-8, no duplicate keys, at most
 * max_depth levels, at most VEIL_DOC_SETJSON_MAX bytes). VEIL_EINVAL or
 * VEIL_ELIMIT with a message that never quotes the value. */
int veil_doc__jvalue_parse(veil_doc_jvalue *jv, const char *json, int max_depth);
/* Wipes and frees. */
void veil_doc__jvalue_free(veil_doc_jvalue *jv);

/* Walks value node i against m: with check == 0 sets every leaf of m (a
 * placeholder) to the value's leaf through veil_doc_set_value; with check
 * == 1 compares. VEIL_ERROR when the shapes, keys or leaves differ. */
int veil_doc__jvalue_apply(const veil_doc_jvalue *jv, size_t i, veil_doc *doc, veil_node *m,
                           int check);

/* Items of a map or sequence, comments not counted. */
size_t veil_doc__count_items(const veil_node *n);

/* Non-empty map or list: one that has a block layout. */
static inline int veil_doc__jv_block(const veil_doc_jv *v)
{
	return v->kind != VEIL_NODE_SCALAR && v->nchild > 0;
}

/*
 * The plaintext src with node n (of doc, parsed from src) replaced by a
 * layout of value jv whose leaves are placeholders (null). *out malloc'd
 * and NUL-terminated; wipe it. VEIL_EUNSUPPORTED for a layout not handled.
 */
int veil_doc__set_layout_yaml(char **out, size_t *out_len, const veil_doc *doc, const char *src,
                              size_t len, const veil_node *n, const veil_doc_jvalue *jv);
int veil_doc__set_layout_json(char **out, size_t *out_len, const veil_doc *doc, const char *src,
                              size_t len, const veil_node *n, const veil_doc_jvalue *jv);

/* src with [a1, b1) replaced by t1 and [a2, b2) by t2 (a1 <= b1 <= a2 <= b2;
 * t2 may be NULL). *out malloc'd, NUL-terminated. */
int veil_doc__splice2(char **out, size_t *out_len, const char *src, size_t len, size_t a1,
                      size_t b1, const char *t1, size_t l1, size_t a2, size_t b2, const char *t2,
                      size_t l2);

/*
 * A path that does not exist yet, as sops set handles it: the deepest node
 * that exists decides. A map missing the next key gets it (*steps = the
 * steps to that key; an empty {} is replaced by a map with it); a list shorter than the next index gets an item at
 * its end (*append set; *steps = the steps to the index); a scalar in the
 * way is replaced (*steps = the steps to it). *wrapped is then json inside a map for each further key and a
 * list for each further index ({"b": [json]} for ["a"]["b"][0] below a
 * missing "a"), or NULL when json goes there as it is. VEIL_ENOTFOUND
 * otherwise (a key in a list, an index in a map).
 */
int veil_doc__set_missing(veil_node *root, const veil_doc_path *p, const char *json, size_t *steps,
                          char **wrapped, int *append);

/* Just past the last byte of n's last leaf: the end of n's text (a block
 * collection's own span runs on over what follows it). */
size_t veil_doc__last_leaf_end(const char *src, const veil_node *n);
/* The start of the line holding byte i, and the end (before its line
 * break) of the line holding byte i; either break, LF or CR, ends a line. */
size_t veil_doc__line_start(const char *src, size_t i);
size_t veil_doc__line_end(const char *src, size_t len, size_t i);

/* src with a null item appended to seq, laid out like its last item
 * (sops_setappend.c); *out malloc'd (wipe it). */
int veil_doc__seq_append(char **out, size_t *out_len, const char *src, size_t len,
                         const veil_node *seq, veil_doc_format fmt);
/* src with ", "key": null" after the last item of a non-empty YAML flow map. */
int veil_doc__flow_map_add(char **out, size_t *out_len, const char *src, size_t len,
                           const veil_node *map, const char *key);

/* The value at p (n, of doc parsed from src; an existing node or the null of
 * a just-added key) replaced by json: the new plaintext in *out (wipe it).
 * n may be a map, list, alias or scalar; json any JSON value. */
int veil_doc__set_node(char **out, size_t *out_len, veil_doc *doc, const char *src, size_t len,
                       const veil_doc_path *p, veil_node *n, const char *json);

/* A JSON scalar (string, number, true/false, null) as the decoded text and
 * the scalar type it must read back as. *out malloc'd (wipe it: it may be a
 * secret). VEIL_EINVAL for anything else (objects and arrays included). */
int veil_doc__json_scalar(char **out, size_t *len, veil_scalar_type *type, const char *json);

/*
 * Text edits the doc API has no call for, done on the plaintext with the
 * spans the codec recorded, so every other byte stays as it was (the
 * caller re-parses the result, which validates it):
 * remove deletes a map or sequence item: its whole lines when it has lines
 * of its own (and, in JSON, the comma that separated it), else its bytes
 * and one neighbouring comma (flow style).
 * insert adds "key: null" (YAML), "\"key\": null" (JSON), "key = x" (INI) or
 * "KEY=" (dotenv) after the last item of a non-empty block map or section,
 * indented like it; the
 * caller then sets the value. key must be [A-Za-z0-9_.-]+.
 * *out malloc'd (wipe it). VEIL_EUNSUPPORTED for the layouts not handled.
 */
int veil_doc__text_remove(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *item, veil_doc_format fmt);
int veil_doc__text_insert(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *map, const char *key, veil_doc_format fmt);

#endif
