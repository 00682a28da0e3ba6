/*
 * The JSON value of `veil set` as a tree (see set.h), parsed by the JSON
 * codec, which keeps every number's token (so 1.0 stays a float, which a
 * double would not), and the walk that puts the leaves into a document or
 * checks them there.
 */
#include "doc/set.h"
#include "doc/internal.h"
#include "doc/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/array.h"
#include "util/buf.h"
#include "util/secret.h"

/* The value as the JSON codec parsed it, flattened in preorder. */
typedef struct flatten {
	veil_doc_jvalue *jv;
	int max_depth;
	veil_buf tok; /* a key's JSON token */
} flatten;

static int push(veil_doc_jvalue *jv, veil_node_kind kind, size_t *at)
{
	veil_doc_jv *v = veil_array_grow(jv->v, &jv->cap, jv->n + 1, sizeof(*jv->v));

	if (!v)
		return veil_error_oom();
	jv->v = v;
	memset(&jv->v[jv->n], 0, sizeof(jv->v[0]));
	jv->v[jv->n].kind = kind;
	*at = jv->n++;
	return 0;
}

static int copy(char **out, const char *s, size_t len)
{
	if (!(*out = malloc(len + 1)))
		return veil_error_oom();
	memcpy(*out, s, len);
	(*out)[len] = '\0';
	return 0;
}

/* A member's key, decoded and as the JSON token set_json.c writes. */
static int take_key(flatten *f, veil_doc_jv *v, const veil_node *n)
{
	int error;

	veil_buf_clear(&f->tok);
	if ((error = copy(&v->key, n->key, n->key_len)) < 0 ||
	    (error = veil_json__put_string(&f->tok, n->key, n->key_len)) < 0 ||
	    (error = copy(&v->key_tok, (const char *)f->tok.data, f->tok.len)) < 0)
		return error;
	v->key_len = n->key_len;
	v->key_tok_len = f->tok.len;
	return 0;
}

static int flatten_node(flatten *f, const veil_node *n, int depth)
{
	veil_doc_jvalue *jv = f->jv;
	size_t at = 0;
	int error;

	if (n->kind != VEIL_NODE_SCALAR && depth >= f->max_depth)
		return veil_error_set(VEIL_ELIMIT, "value: nested deeper than %d levels",
		                      f->max_depth);
	if ((error = push(jv, n->kind, &at)) < 0 ||
	    (n->key && (error = take_key(f, &jv->v[at], n)) < 0))
		return error;
	if (n->kind == VEIL_NODE_SCALAR) {
		/* an integer past int64 stays an exact int, as it was written */
		jv->v[at].type = n->type == VEIL_SCALAR_FLOAT && !strpbrk(n->value, ".eE")
		                         ? VEIL_SCALAR_INT
		                         : n->type;
		jv->v[at].len = n->value_len;
		jv->v[at].end = at + 1;
		return copy(&jv->v[at].value, n->value, n->value_len);
	}
	if (depth + 1 > jv->depth)
		jv->depth = depth + 1;
	for (size_t i = 0; i < n->nitems; i++)
		if ((error = flatten_node(f, n->items[i], depth + 1)) < 0)
			return error;
	jv->v[at].nchild = n->nitems;
	jv->v[at].end = jv->n;
	return 0;
}

int veil_doc__jvalue_parse(veil_doc_jvalue *jv, const char *json, int max_depth)
{
	flatten f = { .jv = jv, .max_depth = max_depth, .tok = VEIL_BUF_INIT(0) };
	veil_doc *d = NULL;
	size_t len = strlen(json);
	int error;

	memset(jv, 0, sizeof(*jv));
	if (len > VEIL_DOC_SETJSON_MAX)
		return veil_error_set(VEIL_ELIMIT, "value: larger than %u bytes",
		                      VEIL_DOC_SETJSON_MAX);
	/* strict RFC 8259 with the document codec's checks: UTF-8, duplicate
	 * keys, depth; messages name "value" and never quote it */
	error = veil_doc__parse_with(&d, VEIL_FMT_JSON, &veil_codec__json_value, json, len,
	                             "value");
	if (error == VEIL_EFORMAT) {
		char why[256];

		snprintf(why, sizeof(why), "%s", veil_error_last());
		error = veil_error_set(VEIL_EINVAL, "not valid JSON (%s)", why);
	}
	if (error == 0)
		error = flatten_node(&f, veil_doc_root(d, 0), 0);
	if (error < 0)
		veil_doc__jvalue_free(jv);
	veil_buf_dispose(&f.tok);
	veil_doc_free(d);
	return error;
}

int veil_doc__json_scalar(char **out, size_t *len, veil_scalar_type *type, const char *json)
{
	veil_doc_jvalue jv;
	int error = veil_doc__jvalue_parse(&jv, json, 1);

	*out = NULL;
	if (error == 0 && jv.v[0].kind != VEIL_NODE_SCALAR)
		error = veil_error_set(VEIL_EINVAL, "value: a JSON scalar was expected");
	if (error == 0) {
		*out = jv.v[0].value; /* taken from the tree */
		*len = jv.v[0].len;
		*type = jv.v[0].type;
		jv.v[0].value = NULL;
		jv.v[0].len = 0;
	}
	veil_doc__jvalue_free(&jv);
	return error;
}

void veil_doc__jvalue_free(veil_doc_jvalue *jv)
{
	for (size_t i = 0; i < jv->n; i++) {
		veil_wipe_free(jv->v[i].key, jv->v[i].key_len);
		free(jv->v[i].key_tok);
		veil_wipe_free(jv->v[i].value, jv->v[i].len);
	}
	free(jv->v);
	memset(jv, 0, sizeof(*jv));
}

static int mismatch(void)
{
	return veil_error_set(VEIL_ERROR, "set: the value did not read back as written");
}

static int apply_leaf(const veil_doc_jv *v, veil_doc *doc, veil_node *m, int check)
{
	if (m->kind != VEIL_NODE_SCALAR)
		return mismatch();
	if (!check)
		return veil_doc_set_value(doc, m, v->value, v->len, v->type);
	if (m->type != v->type || m->value_len != v->len || memcmp(m->value, v->value, v->len))
		return mismatch();
	return 0;
}

int veil_doc__jvalue_apply(const veil_doc_jvalue *jv, size_t i, veil_doc *doc, veil_node *m,
                           int check)
{
	const veil_doc_jv *v = &jv->v[i];
	size_t j = i + 1, k = 0;
	int error;

	if (!m)
		return mismatch();
	if (v->kind == VEIL_NODE_SCALAR)
		return apply_leaf(v, doc, m, check);
	if (m->kind != v->kind)
		return mismatch();
	for (size_t t = 0; t < m->nitems; t++) {
		veil_node *item = m->items[t];

		if (item->kind == VEIL_NODE_COMMENT)
			continue;
		if (j >= v->end)
			return mismatch();
		if (v->kind == VEIL_NODE_MAP && (!item->key || item->key_len != jv->v[j].key_len ||
		                                 memcmp(item->key, jv->v[j].key, item->key_len)))
			return mismatch();
		if ((error = veil_doc__jvalue_apply(jv, j, doc, item, check)) < 0)
			return error;
		j = jv->v[j].end;
		k++;
	}
	return k == v->nchild ? 0 : mismatch();
}
