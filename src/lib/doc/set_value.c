/*
 * The JSON value of `veil set` as a tree (see sops_set.h): a strict parser
 * that keeps every leaf as veil_doc__json_scalar decodes it (so 1.0 stays a
 * float and 12345678901234567890 an exact int, which a double would not),
 * and the walk that puts the leaves into a document or checks them there.
 */
#include "doc/set.h"
#include <stdlib.h>
#include <string.h>
#include "util/secret.h"
#include "util/utf8.h"

typedef struct jparse {
	veil_doc_jvalue *jv;
	const char *text, *c;
	int max_depth;
} jparse;

static int bad(const jparse *ps, const char *what)
{
	return veil_error_set(VEIL_EINVAL, "value: not valid JSON (%s at byte %zu)", what,
	                      (size_t)(ps->c - ps->text) + 1);
}

static void ws(jparse *ps)
{
	ps->c += strspn(ps->c, " \t\r\n");
}

static int push(jparse *ps, veil_node_kind kind, size_t *at)
{
	veil_doc_jvalue *jv = ps->jv;

	if (jv->n == jv->cap) {
		size_t cap = jv->cap ? jv->cap * 2 : 16;
		veil_doc_jv *v = realloc(jv->v, cap * sizeof(*v));

		if (!v)
			return veil_error_set(VEIL_ENOMEM, "out of memory");
		jv->v = v;
		jv->cap = cap;
	}
	memset(&jv->v[jv->n], 0, sizeof(jv->v[0]));
	jv->v[jv->n].kind = kind;
	*at = jv->n++;
	return 0;
}

/* The token at ps->c (a string with its quotes, or a literal), decoded. */
static int token(jparse *ps, char **val, size_t *len, veil_scalar_type *type, size_t *tok_len)
{
	const char *e = ps->c;
	char *tmp;
	int error;

	if (*e == '"') {
		for (e++; *e && *e != '"'; e++)
			if (*e == '\\' && e[1])
				e++;
		if (*e != '"')
			return bad(ps, "unterminated string");
		e++;
	} else {
		e += strcspn(e, " \t\r\n,:]}[{\"");
		if (e == ps->c)
			return bad(ps, "unexpected character");
	}
	*tok_len = (size_t)(e - ps->c);
	if (!(tmp = malloc(*tok_len + 1)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	memcpy(tmp, ps->c, *tok_len);
	tmp[*tok_len] = '\0';
	error = veil_doc__json_scalar(val, len, type, tmp);
	veil_wipe_free(tmp, *tok_len);
	ps->c = e;
	return error;
}

static int parse_value(jparse *ps, int depth);

/* A map member's key, stored on the node the value parse pushes next. */
static int member(jparse *ps, int depth)
{
	const char *tok = ps->c;
	char *key = NULL;
	size_t key_len = 0, tok_len = 0, at;
	veil_scalar_type type;
	int error;

	if (*ps->c != '"')
		return bad(ps, "expected a key");
	if ((error = token(ps, &key, &key_len, &type, &tok_len)) < 0)
		return error;
	if (memchr(key, '\0', key_len)) {
		veil_wipe_free(key, key_len);
		return veil_error_set(VEIL_EINVAL, "value: a key contains a NUL character");
	}
	ws(ps);
	if (*ps->c != ':') {
		veil_wipe_free(key, key_len);
		return bad(ps, "expected ':'");
	}
	ps->c++;
	ws(ps);
	at = ps->jv->n;
	if ((error = parse_value(ps, depth)) < 0) {
		veil_wipe_free(key, key_len);
		return error;
	}
	ps->jv->v[at].key = key;
	ps->jv->v[at].key_len = key_len;
	ps->jv->v[at].key_tok = tok;
	ps->jv->v[at].key_tok_len = tok_len;
	return 0;
}

static int parse_collection(jparse *ps, int depth)
{
	int is_map = *ps->c == '{';
	char close = is_map ? '}' : ']';
	size_t at, n = 0;
	int error;

	if (depth >= ps->max_depth)
		return veil_error_set(VEIL_ELIMIT,
		                      "value: nested deeper than %d levels at this path",
		                      ps->max_depth);
	if ((error = push(ps, is_map ? VEIL_NODE_MAP : VEIL_NODE_SEQ, &at)) < 0)
		return error;
	if (depth + 1 > ps->jv->depth)
		ps->jv->depth = depth + 1;
	ps->c++;
	ws(ps);
	while (*ps->c != close) {
		if (n && *ps->c != ',')
			return bad(ps, is_map ? "expected ',' or '}'" : "expected ',' or ']'");
		if (n) {
			ps->c++;
			ws(ps);
		}
		error = is_map ? member(ps, depth + 1) : parse_value(ps, depth + 1);
		if (error < 0)
			return error;
		ws(ps);
		n++;
	}
	ps->c++;
	ps->jv->v[at].nchild = n;
	ps->jv->v[at].end = ps->jv->n;
	return 0;
}

static int parse_value(jparse *ps, int depth)
{
	veil_doc_jv *v;
	size_t at, tok_len;
	int error;

	if (*ps->c == '{' || *ps->c == '[')
		return parse_collection(ps, depth);
	if (!*ps->c)
		return bad(ps, "unexpected end");
	if ((error = push(ps, VEIL_NODE_SCALAR, &at)) < 0)
		return error;
	v = &ps->jv->v[at];
	v->end = at + 1;
	return token(ps, &v->value, &v->len, &v->type, &tok_len);
}

static int key_cmp(const void *a, const void *b)
{
	const veil_doc_jv *x = *(veil_doc_jv *const *)a, *y = *(veil_doc_jv *const *)b;
	int c = memcmp(x->key, y->key, x->key_len < y->key_len ? x->key_len : y->key_len);

	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Duplicate keys: go's JSON decoder would keep the last, a YAML or JSON file
 * cannot hold both, so the value is refused. */
static int check_duplicates(const veil_doc_jvalue *jv)
{
	const veil_doc_jv **keys = NULL;
	int error = 0;

	for (size_t i = 0; i < jv->n && !error; i++) {
		size_t k = 0;

		if (jv->v[i].kind != VEIL_NODE_MAP || jv->v[i].nchild < 2)
			continue;
		free(keys);
		if (!(keys = malloc(jv->v[i].nchild * sizeof(*keys))))
			return veil_error_set(VEIL_ENOMEM, "out of memory");
		for (size_t j = i + 1; j < jv->v[i].end; j = jv->v[j].end)
			keys[k++] = &jv->v[j];
		qsort(keys, k, sizeof(*keys), key_cmp);
		for (size_t j = 1; j < k && !error; j++)
			if (!key_cmp(&keys[j - 1], &keys[j]))
				error = veil_error_set(
				        VEIL_EINVAL, "value: duplicate key '%.*s'",
				        (int)(keys[j]->key_len > 60 ? 60 : keys[j]->key_len),
				        keys[j]->key);
	}
	free(keys);
	return error;
}

int veil_doc__jvalue_parse(veil_doc_jvalue *jv, const char *json, int max_depth)
{
	jparse ps = { .jv = jv, .text = json, .c = json, .max_depth = max_depth };
	size_t len = strlen(json);
	int error;

	memset(jv, 0, sizeof(*jv));
	if (len > VEIL_DOC_SETJSON_MAX)
		return veil_error_set(VEIL_ELIMIT, "value: larger than %u bytes",
		                      VEIL_DOC_SETJSON_MAX);
	if (veil_utf8_valid_prefix(json, len) != len)
		return veil_error_set(VEIL_EINVAL, "value: not valid UTF-8");
	ws(&ps);
	if ((error = parse_value(&ps, 0)) < 0)
		goto done;
	ws(&ps);
	if (*ps.c) {
		error = bad(&ps, "text after the value");
		goto done;
	}
	error = check_duplicates(jv);
done:
	if (error < 0)
		veil_doc__jvalue_free(jv);
	return error;
}

void veil_doc__jvalue_free(veil_doc_jvalue *jv)
{
	for (size_t i = 0; i < jv->n; i++) {
		veil_wipe_free(jv->v[i].key, jv->v[i].key_len);
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
