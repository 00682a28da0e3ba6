/*
 * sops's set and unset on a document's plaintext (include/veil/doc.h): the
 * value is laid out in the text where the path points (set_yaml.c,
 * set_json.c, set_append.c, text_edit.c), the result parsed again, and the
 * new leaves set through the codec (set_node.c).
 */
#include "doc/set.h"
#include "doc/codec.h"
#include "util/secret.h"
#include <stdlib.h>
#include <string.h>

size_t veil_doc__count_items(const veil_node *n)
{
	size_t k = 0;

	for (size_t i = 0; n && i < n->nitems; i++)
		k += n->items[i]->kind != VEIL_NODE_COMMENT;
	return k;
}

int veil_doc_set(char **out, size_t *out_len, veil_doc *doc, const veil_doc_path *p,
                 const char *json)
{
	veil_node *n = veil_doc_path_find(veil_doc_root(doc, 0), p, p->n), *parent;
	veil_doc *grown = NULL;
	veil_doc_path shorter = *p;
	char *value = NULL, *text = NULL, *wrapped = NULL;
	size_t vlen = 0, tlen = 0;
	veil_scalar_type type = VEIL_SCALAR_STR;
	int collection, append = 0, error;

	json += strspn(json, " \t\r\n");
	if (!n && (doc->format == VEIL_FMT_YAML || doc->format == VEIL_FMT_JSON)) {
		/* as sops: missing keys are made, a list grows by one item, a
		 * scalar in the way is replaced */
		error = veil_doc__set_missing(veil_doc_root(doc, 0), p, json, &shorter.n, &wrapped,
		                              &append);
		if (error < 0)
			return error;
		p = &shorter;
		json = wrapped ? wrapped : json;
		n = veil_doc_path_find(veil_doc_root(doc, 0), p, p->n);
	}
	collection = *json == '{' || *json == '[';
	if (!collection && (error = veil_doc__json_scalar(&value, &vlen, &type, json)) < 0)
		goto done;
	if (!n) {
		/* a new key or item: add "key: null" or "- null" as text,
		 * re-parse, then set it */
		parent = veil_doc_path_find(veil_doc_root(doc, 0), p, p->n - 1);
		if (!parent || !(append ? parent->kind == VEIL_NODE_SEQ
		                        : parent->kind == VEIL_NODE_MAP && p->key[p->n - 1])) {
			error = veil_error_set(VEIL_ENOTFOUND, "%s does not exist", "path");
			goto done;
		}
		if (append) {
			shorter.index[p->n - 1] = (long)veil_doc__count_items(parent);
			error = veil_doc__seq_append(&text, &tlen, doc->src, doc->src_len, parent,
			                             doc->format);
		} else if (parent->flow && doc->format == VEIL_FMT_YAML) {
			error = veil_doc__flow_map_add(&text, &tlen, doc->src, doc->src_len, parent,
			                               p->key[p->n - 1]);
		} else {
			error = veil_doc__text_insert(&text, &tlen, doc->src, doc->src_len, parent,
			                              p->key[p->n - 1], doc->format);
		}
		if (error < 0 ||
		    (error = veil_doc_parse(&grown, doc->format, text, tlen, doc->name)) < 0)
			goto done;
		doc = grown;
		n = veil_doc_path_find(veil_doc_root(doc, 0), p, p->n);
		if (!n) {
			error = veil_error_set(VEIL_ERROR, "set: the added key did not read back");
			goto done;
		}
	}
	if (collection || n->kind != VEIL_NODE_SCALAR) {
		/* a map or list, or a value over one (or over an alias) */
		error = veil_doc__set_node(out, out_len, doc, doc->src, doc->src_len, p, n, json);
		goto done;
	}
	/* dotenv and INI values are all strings (sops reads them so too) */
	if (doc->format == VEIL_FMT_DOTENV || doc->format == VEIL_FMT_INI)
		type = VEIL_SCALAR_STR;
	if ((error = veil_doc_set_value(doc, n, value, vlen, type)) == 0)
		error = veil_doc_render(out, out_len, doc);
done:
	veil_doc_free(grown);
	veil_wipe_free(text, tlen);
	veil_wipe_free(value, vlen);
	if (wrapped)
		veil_wipe_free(wrapped, strlen(wrapped));
	return error;
}

int veil_doc_unset(char **out, size_t *out_len, const veil_doc *doc, const veil_doc_path *p)
{
	veil_node *n = veil_doc_path_find(veil_doc_root(doc, 0), p, p->n);
	veil_doc *check = NULL;
	int error;

	if (!n)
		return veil_error_set(VEIL_ENOTFOUND, "%s does not exist", "path");
	error = veil_doc__text_remove(out, out_len, doc->src, doc->src_len, n, doc->format);
	/* a layout the removal does not know must not become a broken file */
	if (error == 0 && veil_doc_parse(&check, doc->format, *out, *out_len, doc->name) < 0) {
		veil_wipe_free(*out, *out_len);
		*out = NULL;
		*out_len = 0;
		error = veil_error_set(VEIL_EUNSUPPORTED, "unset: this layout around the item is "
		                                          "not handled; edit the file with veil "
		                                          "edit instead");
	}
	veil_doc_free(check);
	return error;
}


/* The path from n's document root to n (keys borrowed from the nodes).
 * VEIL_ELIMIT past VEIL_DOC_PATH_MAX steps. */
static int path_of(veil_doc_path *p, const veil_node *n)
{
	const veil_node *at[VEIL_DOC_PATH_MAX];
	size_t depth = 0;

	memset(p, 0, sizeof(*p));
	for (; n->parent; n = n->parent) {
		if (depth == VEIL_DOC_PATH_MAX)
			return veil_error_set(VEIL_ELIMIT,
			                      "replace: the value is nested more than "
			                      "%d levels deep",
			                      VEIL_DOC_PATH_MAX);
		at[depth++] = n;
	}
	for (size_t i = 0; i < depth; i++) {
		const veil_node *c = at[depth - 1 - i], *parent = c->parent;
		long k = -1;

		p->key[i] = parent->kind == VEIL_NODE_MAP ? c->key : NULL;
		for (size_t j = 0; !p->key[i] && j < parent->nitems; j++) {
			k += parent->items[j]->kind != VEIL_NODE_COMMENT;
			if (parent->items[j] == c)
				break;
		}
		p->index[i] = k;
	}
	p->n = depth;
	return 0;
}

int veil_doc_replace(char **out, size_t *out_len, veil_doc *doc, veil_node *n, const char *json)
{
	veil_doc_path p;
	int error;

	*out = NULL;
	*out_len = 0;
	if (!n->parent)
		return veil_error_set(VEIL_EINVAL, "replace: a document's root cannot be replaced");
	if ((error = path_of(&p, n)) < 0)
		return error;
	return veil_doc__set_node(out, out_len, doc, doc->src, doc->src_len, &p, n, json);
}
