/*
 * Binary codec (sops's binary store): the whole file is one string under
 * "data". Encrypted, it is a JSON envelope {"data": "ENC[...]", "sops":
 * {...}} laid out with a tab, as sops writes it.
 *
 * A source that is a JSON object with a "sops" member is read as such an
 * envelope (sops decides the same way: it refuses to encrypt a file whose
 * binary load finds metadata); anything else is raw bytes, in which case
 * the data node spans the whole file and setting metadata wraps it:
 * "{\n\t\"data\": " goes in front, the node's new value is written as a JSON
 * string, and ",\n\t\"sops\": {...}\n}\n" goes after.
 *
 * A decrypted binary file is the data node's value itself, any bytes at all
 * (sops's binary store: a Go string is not checked for UTF-8 on the way in,
 * through AES-GCM and the MAC, or out): once the metadata is removed, the
 * render is that value, never JSON. Bytes JSON cannot hold only matter if an
 * envelope is rendered with its metadata still there; they are then written
 * as U+FFFD, as Go's encoding/json would, and the render check refuses it.
 */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/flat.h"
#include "doc/json.h"
#include "util/jsonstr.h"
#include "util/utf8.h"
#include "veil/error.h"

typedef struct binary_state {
	int envelope;  /* parsed as a JSON envelope */
	int decrypted; /* an envelope whose metadata was removed: renders raw */
} binary_state;

static int is_envelope(const veil_doc *doc)
{
	const binary_state *st = doc->codec_state;

	return st && st->envelope;
}

/* A JSON object with "sops" and a string "data" is an envelope. */
static int try_envelope(veil_doc *doc, veil_node **root)
{
	const veil_node *data;
	size_t i;

	*root = NULL;
	for (i = 0; i < doc->src_len && (doc->src[i] == ' ' || doc->src[i] == '\t' ||
	                                 doc->src[i] == '\n' || doc->src[i] == '\r');
	     i++)
		;
	if (i == doc->src_len || doc->src[i] != '{')
		return 0;
	if (veil_json__parse_into(doc, root) < 0) {
		veil_error_clear();
		*root = NULL;
		return 0; /* the orphaned nodes stay in the arena until free */
	}
	data = veil_node_get(*root, "data");
	if (veil_node_get(*root, "sops") && data && data->kind == VEIL_NODE_SCALAR &&
	    data->type == VEIL_SCALAR_STR)
		return 1;
	*root = NULL;
	return 0;
}

static int binary_parse(veil_doc *doc)
{
	binary_state *st = calloc(1, sizeof(*st));
	veil_node *root = NULL, *data;
	int rc;

	if (!st)
		return veil_error_oom();
	doc->codec_state = st;
	doc->codec_state_free = free;
	if (try_envelope(doc, &root)) {
		st->envelope = 1;
		return veil_doc__single_root(doc, root);
	}
	root = veil_doc__node_new(doc, VEIL_NODE_MAP);
	data = veil_doc__node_new(doc, VEIL_NODE_SCALAR);
	if (!root || !data)
		return VEIL_ENOMEM;
	root->span = (veil_span){ 0, doc->src_len, 1, 1 };
	data->span = root->span;
	data->type = VEIL_SCALAR_STR;
	data->style = VEIL_STYLE_PLAIN;
	rc = veil_doc__node_set_key(data, "data", 4);
	if (rc == 0)
		rc = veil_doc__node_set_value(data, doc->src, doc->src_len);
	if (rc == 0)
		rc = veil_doc__node_append(root, data);
	return rc < 0 ? rc : veil_doc__single_root(doc, root);
}

/* A JSON string of value, each byte that is not UTF-8 as U+FFFD. */
static int put_string_lossy(veil_buf *out, const char *value, size_t len)
{
	return veil_json_string(out, value, len, VEIL_JSON_HTML | VEIL_JSON_LOSSY);
}

static int binary_quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                        const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	(void)start;
	(void)end;
	(void)doc;
	(void)type;
	if (node->kind != VEIL_NODE_SCALAR)
		return veil_error_set(VEIL_EINVAL,
		                      "only the data value can be set in a binary file");
	return put_string_lossy(out, value, len);
}

static veil_node *binary_metadata(const veil_doc *doc)
{
	if (!is_envelope(doc))
		return NULL;
	return veil_node_get(doc->roots[0], "sops");
}

static int has_edit(const veil_doc *doc, const veil_node *node)
{
	size_t i;

	for (i = 0; i < doc->nedits; i++)
		if (doc->edits[i].node == node)
			return 1;
	return 0;
}

static int binary_set_metadata(veil_doc *doc, const veil_node *meta)
{
	veil_buf t = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_node *data;
	int rc;

	if (doc->nroots < 1 || !doc->roots[0])
		return veil_error_set(VEIL_EINVAL, "no binary document to add metadata to");
	if (is_envelope(doc))
		return veil_json__set_metadata_at(doc, doc->roots[0], meta);
	data = veil_node_get(doc->roots[0], "data");
	rc = veil_doc__edit_add(doc, 0, 0, "{\n\t\"data\": ", 11, NULL, NULL, 0, 0);
	/* the data value must become a JSON string even when nobody set it
	 * (sops leaves an empty file's "" unencrypted) */
	if (rc == 0 && !has_edit(doc, data)) {
		rc = veil_json__put_string(&t, data->value, data->value_len);
		if (rc == 0)
			rc = veil_doc__edit_add(doc, 0, doc->src_len, (const char *)t.data, t.len,
			                        data, data->value, data->value_len,
			                        VEIL_SCALAR_STR);
		veil_buf_clear(&t);
	}
	if (rc == 0)
		rc = veil_buf_append(&t, ",\n\t\"sops\": ", 11);
	if (rc == 0)
		rc = veil_json__put_value(&t, meta, "\t", 1, 1);
	if (rc == 0)
		rc = veil_buf_append(&t, "\n}\n", 3);
	if (rc == 0)
		rc = veil_doc__edit_add(doc, doc->src_len, doc->src_len, (const char *)t.data,
		                        t.len, NULL, NULL, 0, 0);
	veil_buf_dispose(&t);
	return rc;
}

static int binary_remove_metadata(veil_doc *doc)
{
	binary_state *st = doc->codec_state;
	int error;

	if (!is_envelope(doc) || doc->nroots < 1)
		return 0;
	error = veil_json__remove_metadata_at(doc, doc->roots[0]);
	if (error == 0)
		st->decrypted = 1;
	return error;
}

/* A decrypted envelope is its data value, as sops's binary store emits it. */
static int binary_render_whole(char **out, size_t *out_len, const veil_doc *doc)
{
	const binary_state *st = doc->codec_state;
	const veil_node *data;
	const char *v = NULL;
	size_t len = 0;
	int error;

	if (!st || !st->envelope || !st->decrypted)
		return 0;
	data = veil_node_get(doc->roots[0], "data");
	if (!data || (error = veil_doc_pending_value(doc, data, &v, &len)) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: binary file without a data value",
		                      doc->name);
	if (!(*out = malloc(len + 1)))
		return veil_error_oom();
	memcpy(*out, v, len);
	(*out)[len] = '\0';
	*out_len = len;
	return 1;
}

/* sops's binary output of a plain tree is the bytes of "data". */
static int binary_emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent)
{
	const veil_node *data;

	(void)indent;
	data = nroots == 1 ? veil_node_get(roots[0], "data") : NULL;
	if (!data || data->kind != VEIL_NODE_SCALAR)
		return veil_error_set(VEIL_EINVAL, "binary output needs a document with a "
		                                   "string \"data\"");
	return veil_buf_append(out, data->value ? data->value : "", data->value_len);
}

const veil_codec veil_codec__binary = {
	binary_parse,
	binary_quote,
	binary_metadata,
	binary_set_metadata,
	binary_remove_metadata,
	binary_emit,
	NULL,
	NULL,
	binary_render_whole,
};
