/*
 * dotenv codec, with sops's rules exactly (stores/dotenv): lines split on
 * '\n', empty lines skipped, '#' starts a comment line, else KEY=VALUE split
 * at the first '=' with no trimming, no quotes, no "export"; the two bytes
 * "\n" in a value mean a line break. Metadata is flattened into top-level
 * "sops_" keys.
 */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/flat.h"
#include "veil/error.h"

#define PREFIX     "sops_"
#define PREFIX_LEN 5

static int is_meta(const veil_node *n)
{
	return n->kind == VEIL_NODE_SCALAR && n->key_len >= PREFIX_LEN &&
	       !memcmp(n->key, PREFIX, PREFIX_LEN);
}

/* The sops_ lines, kept out of the root map (sops splits them off on load,
 * so the tree the SOPS layer walks holds data only). */
typedef struct dotenv_state {
	veil_node *meta; /* a detached map of the sops_ lines, in file order */
} dotenv_state;

static veil_node *meta_holder(const veil_doc *doc)
{
	const dotenv_state *st = doc->codec_state;

	return st ? st->meta : NULL;
}

static int line_node(veil_doc *doc, veil_node *root, veil_node *meta, size_t pos, size_t eol,
                     unsigned int line)
{
	const char *s = doc->src;
	const char *eq;
	veil_node *n;
	char *v = NULL;
	size_t vlen, bad;
	int rc;

	bad = veil_doc__utf8_prefix(s + pos, eol - pos);
	if (bad != eol - pos)
		return veil_doc__error_at(doc, VEIL_EFORMAT, line, (unsigned int)(bad + 1),
		                          "invalid UTF-8");
	if (s[pos] == '#') {
		n = veil_doc__node_new(doc, VEIL_NODE_COMMENT);
		if (!n)
			return VEIL_ENOMEM;
		n->span = (veil_span){ pos, eol, line, 1 };
		rc = veil_doc__node_set_value(n, s + pos + 1, eol - pos - 1);
		return rc < 0 ? rc : veil_doc__node_append(root, n);
	}
	eq = memchr(s + pos, '=', eol - pos);
	if (!eq) /* never echo the line: it may be a secret */
		return veil_doc__error_at(doc, VEIL_EFORMAT, line, 1,
		                          "line %u is not KEY=VALUE (no '=')", line);
	n = veil_doc__node_new(doc, VEIL_NODE_SCALAR);
	if (!n)
		return VEIL_ENOMEM;
	n->type = VEIL_SCALAR_STR;
	n->style = VEIL_STYLE_PLAIN;
	n->key_span = (veil_span){ pos, (size_t)(eq - s), line, 1 };
	n->span = (veil_span){ (size_t)(eq - s) + 1, eol, line, (unsigned int)(eq - s - pos) + 2 };
	rc = veil_doc__node_set_key(n, s + pos, (size_t)(eq - s) - pos);
	if (rc == 0)
		rc = veil_doc__decode_newlines(&v, &vlen, eq + 1, (size_t)(s + eol - eq - 1));
	if (rc == 0)
		rc = veil_doc__node_set_value(n, v, vlen);
	if (v)
		free(v);
	return rc < 0 ? rc : veil_doc__node_append(is_meta(n) ? meta : root, n);
}

static int key_cmp(const void *a, const void *b)
{
	const veil_node *x = *(veil_node *const *)a, *y = *(veil_node *const *)b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->key_span.start < y->key_span.start ? -1 : 1;
}

/* sops keeps both lines of a repeated key; veil refuses the file, since
 * one name with two values cannot be edited or looked up safely. */
static int check_dups(veil_doc *doc, const veil_node *root, const veil_node *meta)
{
	veil_node **v;
	size_t i, n = 0;
	int rc = 0;

	v = malloc((root->nitems + meta->nitems + 1) * sizeof(*v));
	if (!v)
		return veil_error_oom();
	for (i = 0; i < root->nitems; i++)
		if (root->items[i]->kind == VEIL_NODE_SCALAR)
			v[n++] = root->items[i];
	for (i = 0; i < meta->nitems; i++)
		v[n++] = meta->items[i];
	qsort(v, n, sizeof(*v), key_cmp);
	for (i = 1; i < n && rc == 0; i++)
		if (!strcmp(v[i]->key, v[i - 1]->key))
			rc = veil_doc__error_at(doc, VEIL_EFORMAT, v[i]->key_span.line, 1,
			                        "duplicate key '%.64s' (first on line %u)",
			                        v[i]->key, v[i - 1]->key_span.line);
	free(v);
	return rc;
}

static int dotenv_parse(veil_doc *doc)
{
	veil_node *root = veil_doc__node_new(doc, VEIL_NODE_MAP);
	veil_node *meta = veil_doc__node_new(doc, VEIL_NODE_MAP);
	dotenv_state *st = calloc(1, sizeof(*st));
	size_t pos = 0, len = doc->src_len;
	unsigned int line = 1;
	int rc = 0;

	if (!st)
		return veil_error_oom();
	st->meta = meta;
	doc->codec_state = st;
	doc->codec_state_free = free;
	if (!root || !meta)
		return VEIL_ENOMEM;
	if (len > VEIL_DOC_MAX_SIZE)
		return veil_error_set(VEIL_ELIMIT, "%s: larger than %u bytes", doc->name,
		                      VEIL_DOC_MAX_SIZE);
	root->span = (veil_span){ 0, len, 1, 1 };
	while (pos < len && rc == 0) {
		const char *nl = memchr(doc->src + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - doc->src) : len;

		if (eol > pos)
			rc = line_node(doc, root, meta, pos, eol, line);
		pos = eol + 1;
		line++;
	}
	if (rc == 0)
		rc = check_dups(doc, root, meta);
	return rc < 0 ? rc : veil_doc__single_root(doc, root);
}

/* The parser reads dotenv files as UTF-8: write nothing it would refuse. */
static int utf8_only(const char *value, size_t len)
{
	if (veil_doc__utf8_prefix(value, len) != len)
		return veil_error_set(VEIL_EFORMAT,
		                      "a value is not valid UTF-8, which veil's dotenv "
		                      "files cannot hold (YAML writes it as !!binary)");
	return 0;
}

static int dotenv_quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                        const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	int error;

	(void)start;
	(void)end;
	(void)doc;
	(void)type; /* every dotenv value is a string */
	if ((error = utf8_only(value, len)) < 0)
		return error;
	if (node->kind == VEIL_NODE_COMMENT) {
		if (memchr(value, '\n', len))
			return veil_error_set(VEIL_EINVAL, "a dotenv comment cannot span lines");
		return veil_buf_putc(out, '#') < 0 ? VEIL_ENOMEM : veil_buf_append(out, value, len);
	}
	return veil_doc__encode_newlines(out, value, len);
}

/* ---- metadata ---- */

static veil_node *dotenv_metadata(const veil_doc *doc)
{
	const veil_node *root = meta_holder(doc);
	veil_flat_entry *e = NULL;
	veil_node *tree = NULL;
	size_t i, n = 0;

	if (!root || root->nitems == 0)
		return NULL;
	n = root->nitems;
	e = calloc(n, sizeof(*e));
	if (!e) {
		veil_error_oom();
		return NULL;
	}
	n = 0;
	for (i = 0; i < root->nitems; i++) {
		const veil_node *it = root->items[i];

		if (!is_meta(it))
			continue;
		/* borrowed, not owned: freed below with free(e) only */
		e[n].key = it->key + PREFIX_LEN;
		e[n].value = it->value;
		e[n].value_len = it->value_len;
		n++;
	}
	if (veil_doc__unflatten(&tree, (veil_doc *)doc, e, n) < 0)
		tree = NULL;
	free(e);
	return tree;
}

/* Where the metadata lines are: the run of sops_ lines that ends the file
 * (which a set replaces in place; *tail is its start, or -1) and any others
 * (deleted, each with its newline). */
static int meta_ranges(const veil_doc *doc, veil_doc_range **out, size_t *n, size_t *tail)
{
	const veil_node *root = doc->roots[0], *meta = meta_holder(doc);
	veil_doc_range *r;
	size_t i, k = 0, data_end = 0, nmeta = meta ? meta->nitems : 0;

	*tail = (size_t)-1;
	for (i = 0; i < root->nitems; i++)
		if (root->items[i]->span.end > data_end)
			data_end = root->items[i]->span.end;
	r = malloc((nmeta + 1) * sizeof(*r));
	if (!r)
		return veil_error_oom();
	/* only a run that reaches the end of the file is a tail */
	if (nmeta && meta->items[nmeta - 1]->span.end + 1 >= doc->src_len) {
		for (i = 0; i < nmeta; i++) {
			if (meta->items[i]->key_span.start > data_end) {
				*tail = meta->items[i]->key_span.start;
				break;
			}
		}
	}
	for (i = 0; i < nmeta; i++) {
		const veil_node *it = meta->items[i];

		if (*tail != (size_t)-1 && it->key_span.start >= *tail)
			break;
		r[k].start = it->key_span.start;
		r[k].end = it->span.end < doc->src_len ? it->span.end + 1 : it->span.end;
		k++;
	}
	*out = r;
	*n = k;
	return 0;
}

static int dotenv_remove_metadata(veil_doc *doc)
{
	veil_doc_range *r = NULL;
	size_t n, tail;
	int rc;

	if (doc->nroots < 1 || !doc->roots[0])
		return 0;
	rc = meta_ranges(doc, &r, &n, &tail);
	if (rc < 0)
		return rc;
	if (tail != (size_t)-1) {
		/* a tail without a final newline took the one before it */
		int ends_nl = doc->src[doc->src_len - 1] == '\n';

		r[n].start = !ends_nl && tail > 0 ? tail - 1 : tail;
		r[n].end = doc->src_len;
		n++;
	}
	rc = veil_doc__delete_ranges(doc, r, n);
	free(r);
	return rc;
}

static int dotenv_set_metadata(veil_doc *doc, const veil_node *meta)
{
	veil_buf t = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_flat_entry *e = NULL;
	veil_doc_range *r = NULL;
	size_t i, n = 0, nr = 0, tail, at;
	int rc, ends_nl;

	if (doc->nroots < 1 || !doc->roots[0])
		return veil_error_set(VEIL_EINVAL, "no dotenv document to add metadata to");
	rc = veil_doc__flatten(&e, &n, meta);
	if (rc < 0)
		goto done;
	rc = meta_ranges(doc, &r, &nr, &tail);
	if (rc < 0)
		goto done;
	ends_nl = doc->src_len == 0 || doc->src[doc->src_len - 1] == '\n';
	at = tail != (size_t)-1 ? tail : doc->src_len;
	/* lines end with '\n' when the file did; else the block is joined to
	 * the last line with one, so a remove restores the file exactly */
	for (i = 0; i < n && rc == 0; i++) {
		if (!ends_nl && (i > 0 || at == doc->src_len))
			rc = veil_buf_putc(&t, '\n');
		if (rc == 0)
			rc = veil_buf_printf(&t, PREFIX "%s=", e[i].key);
		if (rc == 0)
			rc = veil_doc__encode_newlines(&t, e[i].value, e[i].value_len);
		if (rc == 0 && ends_nl)
			rc = veil_buf_putc(&t, '\n');
	}
	if (rc == 0)
		rc = veil_doc__delete_ranges(doc, r, nr);
	if (rc == 0 && (t.len > 0 || at < doc->src_len))
		rc = veil_doc__edit_add(doc, at, doc->src_len, t.data ? (const char *)t.data : "",
		                        t.len, NULL, NULL, 0, 0);
done:
	veil_doc__flat_free(e, n);
	free(r);
	veil_buf_dispose(&t);
	return rc;
}

static int dotenv_emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent)
{
	const veil_node *root;
	size_t i;
	int rc = 0;

	(void)indent;
	if (nroots != 1 || !roots[0] || roots[0]->kind != VEIL_NODE_MAP)
		return veil_error_set(VEIL_EINVAL, "dotenv output needs exactly one map");
	root = roots[0];
	for (i = 0; i < root->nitems && rc == 0; i++) {
		const veil_node *it = root->items[i];

		while (it->kind == VEIL_NODE_ALIAS && it->target)
			it = it->target;
		if (it->kind == VEIL_NODE_COMMENT) {
			rc = veil_buf_printf(out, "#%s\n", it->value ? it->value : "");
			continue;
		}
		if (it->kind != VEIL_NODE_SCALAR)
			return veil_error_set(
			        VEIL_EINVAL,
			        "cannot write '%.64s' to dotenv: nested values are not supported",
			        root->items[i]->key ? root->items[i]->key : "");
		rc = utf8_only(it->value ? it->value : "", it->value_len);
		if (rc == 0)
			rc = veil_buf_append(out, root->items[i]->key, root->items[i]->key_len);
		if (rc == 0)
			rc = veil_buf_putc(out, '=');
		if (rc == 0)
			rc = veil_doc__encode_newlines(out, it->value ? it->value : "",
			                               it->value_len);
		if (rc == 0)
			rc = veil_buf_putc(out, '\n');
	}
	return rc;
}

const veil_codec veil_codec__dotenv = {
	dotenv_parse,
	dotenv_quote,
	dotenv_metadata,
	dotenv_set_metadata,
	dotenv_remove_metadata,
	dotenv_emit,
	NULL,
	NULL,
	NULL,
};
