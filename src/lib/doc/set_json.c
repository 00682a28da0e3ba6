/*
 * Where and how a new value goes into a JSON file in place of an old one
 * (see sops_set.h): in the old value's bytes, one item a line in the file's
 * indentation when the old value (or, for a scalar or an empty {} or [],
 * the object or list holding it) spans lines, else on one line with ", " and ": " as the file's
 * one-line collections read. Keys keep the value's own JSON text.
 */
#include "doc/set.h"
#include <string.h>
#include "util/buf.h"

typedef struct jlay {
	const char *eol;
	const char *base, *unit; /* the old value's line indentation, one step */
	size_t base_len, unit_len;
	int multi;
	veil_buf b;
} jlay;

static size_t indent_len(const char *src, size_t ls)
{
	return strspn(src + ls, " \t");
}

static size_t item_start(const veil_node *it)
{
	return it->key ? it->key_span.start : it->span.start;
}

static int spans_lines(const char *src, const veil_node *n)
{
	return memchr(src + n->span.start, '\n', n->span.end - n->span.start) != NULL;
}

/* One indentation step: what an item of the nearest object or list that
 * has items on lines of their own adds to that collection's line. */
static void find_unit(jlay *j, const char *src, const veil_node *n)
{
	for (; n; n = n->parent) {
		size_t ls = veil_doc__line_start(src, n->span.start), il, cl = indent_len(src, ls);

		if ((n->kind != VEIL_NODE_MAP && n->kind != VEIL_NODE_SEQ) || !n->nitems)
			continue;
		il = veil_doc__line_start(src, item_start(n->items[0]));
		if (il == ls || indent_len(src, il) <= cl || memcmp(src + il, src + ls, cl))
			continue;
		j->unit = src + il + cl;
		j->unit_len = indent_len(src, il) - cl;
		return;
	}
	j->unit = "  ";
	j->unit_len = 2;
}

static int put(jlay *j, const char *s, size_t n)
{
	return veil_buf_append(&j->b, s, n);
}

static int put_line(jlay *j, size_t level)
{
	int error = put(j, j->eol, strlen(j->eol));

	if (!error)
		error = put(j, j->base, j->base_len);
	for (size_t k = 0; k < level && !error; k++)
		error = put(j, j->unit, j->unit_len);
	return error;
}

static int emit(jlay *j, const veil_doc_jvalue *jv, size_t i, size_t level)
{
	const veil_doc_jv *v = &jv->v[i];
	int map = v->kind == VEIL_NODE_MAP, error;

	if (v->kind == VEIL_NODE_SCALAR)
		return put(j, "null", 4);
	if ((error = put(j, map ? "{" : "[", 1)) < 0)
		return error;
	for (size_t k = i + 1; k < v->end && !error; k = jv->v[k].end) {
		if (k > i + 1 && (error = put(j, ",", 1)) < 0)
			break;
		if (j->multi)
			error = put_line(j, level + 1);
		else if (k > i + 1)
			error = put(j, " ", 1);
		if (!error && map &&
		    ((error = put(j, jv->v[k].key_tok, jv->v[k].key_tok_len)) < 0 ||
		     (error = put(j, ": ", 2)) < 0))
			break;
		if (!error)
			error = emit(j, jv, k, level + 1);
	}
	if (!error && j->multi && v->nchild)
		error = put_line(j, level);
	return error ? error : put(j, map ? "}" : "]", 1);
}

int veil_doc__set_layout_json(char **out, size_t *out_len, const veil_doc *doc, const char *src,
                              size_t len, const veil_node *n, const veil_doc_jvalue *jv)
{
	jlay j = { .eol = "\n", .b = VEIL_BUF_INIT(8 * VEIL_DOC_SETJSON_MAX) };
	const char *nl = memchr(src, '\n', len);
	size_t ls;
	int error;

	(void)doc;
	*out = NULL;
	*out_len = 0;
	if (!n->parent || n->span.end > len || n->span.start > n->span.end)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: the value's place is unknown");
	if (nl && nl > src && nl[-1] == '\r')
		j.eol = "\r\n";
	/* an empty {} or [] says nothing about the layout: its parent does */
	j.multi = n->kind == VEIL_NODE_SCALAR || !n->nitems ? spans_lines(src, n->parent)
	                                                    : spans_lines(src, n);
	ls = veil_doc__line_start(src, n->span.start);
	j.base = src + ls;
	j.base_len = indent_len(src, ls);
	find_unit(&j, src, n);
	if ((error = emit(&j, jv, 0, 0)) == 0)
		error = veil_doc__splice2(out, out_len, src, len, n->span.start, n->span.end,
		                          (const char *)j.b.data, j.b.len, n->span.end, n->span.end,
		                          NULL, 0);
	else if (error == VEIL_ELIMIT)
		error = veil_error_set(VEIL_ELIMIT,
		                       "value: over %u bytes once laid out in the file",
		                       8 * VEIL_DOC_SETJSON_MAX);
	veil_buf_dispose(&j.b);
	return error;
}
