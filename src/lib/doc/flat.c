/* Shared helpers of the flat codecs: roots, sops's metadata
 * flattening (stores/flatten.go) and newline escapes. */
#include <stdlib.h>
#include <string.h>
#include "doc/flat.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "veil/error.h"
#include "util/array.h"

#define MAP_SEP      "__map_"
#define LIST_SEP     "__list_"
#define MAX_LIST_POS 4096 /* a flattened list index beyond this is hostile */

size_t veil_doc__utf8_prefix(const char *s, size_t len)
{
	return veil_utf8_valid_prefix(s, len);
}

int veil_doc__single_root(veil_doc *doc, veil_node *root)
{
	veil_node **roots = malloc(sizeof(*roots));

	if (!roots)
		return veil_error_oom();
	roots[0] = root;
	doc->roots = roots;
	doc->nroots = 1;
	return 0;
}

/* ---- flattening ---- */

typedef struct flat_list {
	veil_flat_entry *e;
	size_t n;
	size_t cap;
} flat_list;

static int flat_push(flat_list *l, const veil_buf *key, const char *v, size_t vlen)
{
	veil_flat_entry *e;

	if (l->n == l->cap) {
		veil_flat_entry *ne = veil_array_grow(l->e, &l->cap, l->n + 1, sizeof(*ne));

		if (!ne)
			return VEIL_ENOMEM;
		l->e = ne;
	}
	e = &l->e[l->n];
	e->key = strndup(key->data ? (const char *)key->data : "", key->len);
	e->value = malloc(vlen + 1);
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return veil_error_oom();
	}
	memcpy(e->value, v, vlen);
	e->value[vlen] = '\0';
	e->value_len = vlen;
	l->n++;
	return 0;
}

static int flat_scalar(flat_list *l, const veil_buf *key, const veil_node *node)
{
	if (node->type == VEIL_SCALAR_NULL)
		return 0; /* sops drops nil values when writing flat stores */
	if (node->type == VEIL_SCALAR_BOOL) {
		int t = node->value_len > 0 &&
		        (node->value[0] == 't' || node->value[0] == 'T' || node->value[0] == '1');

		return flat_push(l, key, t ? "true" : "false", t ? 4 : 5);
	}
	return flat_push(l, key, node->value ? node->value : "", node->value_len);
}

static int flat_walk(flat_list *l, veil_buf *key, const veil_node *node, unsigned int depth)
{
	size_t mark = key->len, i, seqpos = 0;
	int rc = 0;

	while (node->kind == VEIL_NODE_ALIAS && node->target)
		node = node->target;
	if (depth > VEIL_DOC_MAX_DEPTH)
		return veil_error_set(VEIL_ELIMIT, "metadata nested too deeply");
	if (node->kind == VEIL_NODE_SCALAR)
		return flat_scalar(l, key, node);
	if (node->kind != VEIL_NODE_MAP && node->kind != VEIL_NODE_SEQ)
		return 0;
	for (i = 0; i < node->nitems && rc == 0; i++) {
		const veil_node *it = node->items[i];

		if (it->kind == VEIL_NODE_COMMENT)
			continue;
		key->len = mark;
		if (node->kind == VEIL_NODE_MAP) {
			if (depth > 0)
				rc = veil_buf_append(key, MAP_SEP, strlen(MAP_SEP));
			if (rc == 0)
				rc = veil_buf_append(key, it->key ? it->key : "", it->key_len);
		} else {
			rc = veil_buf_printf(key, LIST_SEP "%zu", seqpos++);
		}
		if (rc == 0)
			rc = flat_walk(l, key, it, depth + 1);
	}
	key->len = mark;
	return rc;
}

static int flat_cmp(const void *a, const void *b)
{
	return strcmp(((const veil_flat_entry *)a)->key, ((const veil_flat_entry *)b)->key);
}

int veil_doc__flatten(veil_flat_entry **out, size_t *n, const veil_node *meta)
{
	flat_list l = { NULL, 0, 0 };
	veil_buf key = VEIL_BUF_INIT(1u << 20);
	int rc;

	*out = NULL;
	*n = 0;
	if (!meta || meta->kind != VEIL_NODE_MAP)
		return veil_error_set(VEIL_EINVAL, "metadata must be a map");
	rc = flat_walk(&l, &key, meta, 0);
	veil_buf_dispose(&key);
	if (rc < 0) {
		veil_doc__flat_free(l.e, l.n);
		return rc;
	}
	if (l.n > 1)
		qsort(l.e, l.n, sizeof(*l.e), flat_cmp);
	*out = l.e;
	*n = l.n;
	return 0;
}

void veil_doc__flat_free(veil_flat_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].value);
	}
	free(e);
}

/* ---- unflattening ---- */

typedef struct flat_token {
	int is_list;
	const char *key;
	size_t key_len;
	size_t pos;
} flat_token;

/* Splits a flat key at every "__map_" and "__list_" as sops's tokenize. */
static int tokenize(flat_token *t, size_t *nt, size_t cap, const char *k)
{
	size_t len = strlen(k), i = 0, last = 0, n = 0;
	int state = 0; /* 0 first key, 1 map key, 2 list position */

	for (;;) {
		size_t seplen = 0;
		int next = 0;

		if (i < len && !strncmp(k + i, MAP_SEP, strlen(MAP_SEP))) {
			seplen = strlen(MAP_SEP);
			next = 1;
		} else if (i < len && !strncmp(k + i, LIST_SEP, strlen(LIST_SEP))) {
			seplen = strlen(LIST_SEP);
			next = 2;
		} else if (i < len) {
			i++;
			continue;
		}
		if (n == cap)
			return veil_error_set(VEIL_ELIMIT, "metadata key nested too deeply");
		if (state == 2) {
			const char *d = k + last + strlen(LIST_SEP);
			size_t pos = 0;

			if (d == k + i)
				return veil_error_set(VEIL_EFORMAT,
				                      "metadata key '%s': bad list index", k);
			for (; d < k + i; d++) {
				if (*d < '0' || *d > '9' || pos > MAX_LIST_POS)
					return veil_error_set(VEIL_EFORMAT,
					                      "metadata key '%s': bad list index",
					                      k);
				pos = pos * 10 + (size_t)(*d - '0');
			}
			if (pos > MAX_LIST_POS)
				return veil_error_set(VEIL_ELIMIT,
				                      "metadata key '%s': list index too large", k);
			t[n] = (flat_token){ 1, NULL, 0, pos };
		} else {
			size_t off = state == 1 ? strlen(MAP_SEP) : 0;

			t[n] = (flat_token){ 0, k + last + off, i - last - off, 0 };
		}
		n++;
		if (i >= len)
			break;
		last = i;
		state = next;
		i += seplen;
	}
	*nt = n;
	return 0;
}

static veil_node *map_find(const veil_node *map, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < map->nitems; i++) {
		const veil_node *it = map->items[i];

		if (it->key && it->key_len == len && !memcmp(it->key, key, len))
			return map->items[i];
	}
	return NULL;
}

static veil_node *new_leaf(veil_doc *doc, const flat_token *t, size_t nt, const char *v,
                           size_t vlen)
{
	veil_node *s = veil_doc__node_new(doc, VEIL_NODE_SCALAR);
	veil_scalar_type type = VEIL_SCALAR_STR;

	if (!s)
		return NULL;
	/* sops's DecodeNonStrings, by top-level name */
	if (nt == 1 && t[0].key_len == 18 && !memcmp(t[0].key, "mac_only_encrypted", 18)) {
		type = VEIL_SCALAR_BOOL;
		if (vlen != 4 || memcmp(v, "true", 4)) {
			v = "false";
			vlen = 5;
		}
	} else if (nt == 1 && t[0].key_len == 16 && !memcmp(t[0].key, "shamir_threshold", 16) &&
	           veil_doc__resolve_plain(v, vlen) == VEIL_SCALAR_INT) {
		type = VEIL_SCALAR_INT;
	}
	s->type = type;
	s->style = VEIL_STYLE_PLAIN;
	if (veil_doc__node_set_value(s, v, vlen) < 0)
		return NULL;
	return s;
}

/* The child for token i under cur (a map for key tokens, a seq for list
 * tokens), created with the kind the next token needs. */
static int step(veil_node **next, veil_doc *doc, veil_node *cur, const flat_token *t, size_t i,
                size_t nt, const veil_flat_entry *e)
{
	veil_node_kind want = i + 1 == nt        ? VEIL_NODE_SCALAR
	                      : t[i + 1].is_list ? VEIL_NODE_SEQ
	                                         : VEIL_NODE_MAP;
	veil_node *child = NULL, *made;

	if (cur->kind != (t[i].is_list ? VEIL_NODE_SEQ : VEIL_NODE_MAP))
		return veil_error_set(VEIL_EFORMAT, "metadata key '%s' conflicts with another",
		                      e->key);
	if (t[i].is_list) {
		while (cur->nitems <= t[i].pos) {
			veil_node *hole = veil_doc__node_new(doc, VEIL_NODE_SCALAR);

			if (!hole)
				return VEIL_ENOMEM;
			hole->type = VEIL_SCALAR_NULL;
			if (veil_doc__node_set_value(hole, "", 0) < 0 ||
			    veil_doc__node_append(cur, hole) < 0)
				return VEIL_ENOMEM;
		}
		child = cur->items[t[i].pos];
		if (child->kind == VEIL_NODE_SCALAR && child->type == VEIL_SCALAR_NULL)
			child = NULL;
	} else {
		child = map_find(cur, t[i].key, t[i].key_len);
	}
	if (child) {
		if (child->kind != want || want == VEIL_NODE_SCALAR)
			return veil_error_set(VEIL_EFORMAT,
			                      "metadata key '%s' conflicts with another", e->key);
		*next = child;
		return 0;
	}
	made = want == VEIL_NODE_SCALAR ? new_leaf(doc, t, nt, e->value, e->value_len)
	                                : veil_doc__node_new(doc, want);
	if (!made)
		return VEIL_ENOMEM;
	if (t[i].is_list) {
		cur->items[t[i].pos] = made;
		made->parent = cur;
	} else if (veil_doc__node_set_key(made, t[i].key, t[i].key_len) < 0 ||
	           veil_doc__node_append(cur, made) < 0) {
		return VEIL_ENOMEM;
	}
	*next = made;
	return 0;
}

int veil_doc__unflatten(veil_node **out, veil_doc *doc, const veil_flat_entry *e, size_t n)
{
	flat_token t[64];
	veil_node *root = veil_doc__node_new(doc, VEIL_NODE_MAP);
	size_t i, j, nt = 0;
	int rc;

	*out = NULL;
	if (!root)
		return VEIL_ENOMEM;
	for (i = 0; i < n; i++) {
		veil_node *cur = root;

		rc = tokenize(t, &nt, sizeof(t) / sizeof(t[0]), e[i].key);
		if (rc < 0)
			return rc;
		if (t[0].key_len == 0 && nt > 1)
			return veil_error_set(VEIL_EFORMAT, "metadata key '%s' has no name",
			                      e[i].key);
		for (j = 0; j < nt; j++) {
			rc = step(&cur, doc, cur, t, j, nt, &e[i]);
			if (rc < 0)
				return rc;
		}
	}
	*out = root;
	return 0;
}

/* ---- newline escapes ---- */

int veil_doc__decode_newlines(char **out, size_t *out_len, const char *s, size_t len)
{
	char *d = malloc(len + 1);
	size_t i, o = 0;

	if (!d)
		return veil_error_oom();
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && s[i + 1] == 'n') {
			d[o++] = '\n';
			i++;
		} else {
			d[o++] = s[i];
		}
	}
	d[o] = '\0';
	*out = d;
	*out_len = o;
	return 0;
}

int veil_doc__encode_newlines(veil_buf *out, const char *s, size_t len)
{
	size_t i;
	int rc = 0;

	/* The escape is not itself escapable: "\n" typed literally would read
	 * back as a line break. Scan the way the decoder does. */
	for (i = 0; i + 1 < len; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n')
			return veil_error_set(
			        VEIL_EINVAL,
			        "a value holds a backslash followed by 'n', which this format "
			        "cannot represent");
	}
	for (i = 0; i < len && rc == 0; i++)
		rc = s[i] == '\n' ? veil_buf_append(out, "\\n", 2)
		                  : veil_buf_putc(out, (uint8_t)s[i]);
	return rc;
}

static int range_cmp(const void *a, const void *b)
{
	const veil_doc_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int veil_doc__delete_ranges(veil_doc *doc, veil_doc_range *r, size_t n)
{
	size_t i, o = 0;
	int rc;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1; i < n; i++) {
		if (r[i].start <= r[o].end) {
			if (r[i].end > r[o].end)
				r[o].end = r[i].end;
		} else {
			r[++o] = r[i];
		}
	}
	for (i = 0; i <= o; i++) {
		if (r[i].start == r[i].end)
			continue;
		rc = veil_doc__edit_add(doc, r[i].start, r[i].end, "", 0, NULL, NULL, 0, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}
