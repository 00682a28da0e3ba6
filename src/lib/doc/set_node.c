/*
 * `veil set` of a map or list, or over one (see sops_set.h): lay the value
 * out with placeholder leaves, parse that, set the leaves through the codec,
 * render, and parse the render once more to check the path holds the value
 * and nothing around it moved.
 */
#include "doc/set.h"
#include "doc/codec.h"
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/jsonstr.h"
#include "util/secret.h"

int veil_doc__splice2(char **out, size_t *out_len, const char *src, size_t len, size_t a1,
                      size_t b1, const char *t1, size_t l1, size_t a2, size_t b2, const char *t2,
                      size_t l2)
{
	char *o;

	if (a1 > b1 || b1 > a2 || a2 > b2 || b2 > len)
		return veil_error_set(VEIL_ERROR, "set: edits out of order");
	*out_len = len - (b1 - a1) - (b2 - a2) + l1 + l2;
	if (!(o = *out = malloc(*out_len + 1)))
		return veil_error_oom();
	memcpy(o, src, a1);
	o += a1;
	memcpy(o, t1, l1);
	o += l1;
	memcpy(o, src + b1, a2 - b1);
	o += a2 - b1;
	if (l2)
		memcpy(o, t2, l2);
	o += l2;
	memcpy(o, src + b2, len - b2);
	(*out)[*out_len] = '\0';
	return 0;
}

/* What dotenv and INI files cannot hold (sops's stores cannot either). */
static int refuse_flat(veil_doc_format fmt, const veil_node *n, const veil_doc_jvalue *jv)
{
	if (fmt == VEIL_FMT_YAML || fmt == VEIL_FMT_JSON)
		return 0;
	if (jv->v[0].kind != VEIL_NODE_SCALAR)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: dotenv and INI values are strings; "
		                                         "an object or list cannot be set there");
	if (n->kind == VEIL_NODE_MAP)
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "set: the path names an INI section; set a key in it, "
		                      "e.g. '[\"section\"][\"key\"]'");
	return veil_error_set(VEIL_EUNSUPPORTED, "set: only values can be set in %s files",
	                      veil_doc_format_name(fmt));
}

/* A step through a YAML alias would edit the anchored value, which every
 * other alias of it shares. */
static int through_alias(veil_node *root, const veil_doc_path *p)
{
	for (size_t i = 0; i + 1 < p->n; i++) {
		const veil_node *at = veil_doc_path_find(root, p, i + 1);

		if (at && at->kind == VEIL_NODE_ALIAS)
			return veil_error_set(
			        VEIL_EUNSUPPORTED,
			        "set: the path goes through a YAML alias (*%s); set the "
			        "value under its anchor instead",
			        at->target && at->target->anchor ? at->target->anchor : "?");
	}
	return 0;
}

/* The document of a multi-document YAML stream that n is in (a path
 * starts at a document's root; veil set addresses the first). */
static size_t doc_of(const veil_doc *doc, const veil_node *n)
{
	while (n->parent)
		n = n->parent;
	for (size_t d = 0; d < veil_doc_count(doc); d++)
		if (veil_doc_root(doc, d) == n)
			return d;
	return 0;
}

/* The render must hold the value at p, and every collection around it as
 * many items as before (a wrong indentation would move some). */
static int check_render(const char *text, size_t len, const veil_doc *orig, const veil_doc_path *p,
                        const veil_node *n, const veil_doc_jvalue *jv)
{
	veil_doc *d = NULL;
	veil_node *m;
	int error;

	if ((error = veil_doc_parse(&d, orig->format, text, len, orig->name)) < 0)
		return error;
	m = veil_doc_path_find(veil_doc_root(d, doc_of(orig, n)), p, p->n);
	if ((error = veil_doc__jvalue_apply(jv, 0, d, m, 1)) == 0) {
		for (m = m->parent, n = n->parent; m && n && !error; m = m->parent, n = n->parent)
			if (veil_doc__count_items(m) != veil_doc__count_items(n))
				error = veil_error_set(
				        VEIL_ERROR, "set: the value did not read back as written");
	}
	veil_doc_free(d);
	return error;
}

/* json inside a map or list for each step of p from `from` on. */
static int wrap(char **out, const veil_doc_path *p, size_t from, const char *json)
{
	veil_buf b = VEIL_BUF_INIT(2 * VEIL_DOC_SETJSON_MAX);
	int error = 0;

	for (size_t i = from; i < p->n && !error; i++) {
		if (!p->key[i]) {
			error = veil_buf_putc(&b, '[');
			continue;
		}
		error = veil_buf_putc(&b, '{');
		if (!error)
			error = veil_json_string(&b, p->key[i], strlen(p->key[i]), 0);
		if (!error)
			error = veil_buf_append(&b, ": ", 2);
	}
	if (!error)
		error = veil_buf_append(&b, json, strlen(json));
	for (size_t i = p->n; i-- > from && !error;)
		error = veil_buf_putc(&b, p->key[i] ? '}' : ']');
	if (error < 0) {
		veil_buf_dispose(&b);
		return error;
	}
	*out = (char *)veil_buf_detach(&b, NULL);
	return *out ? 0 : veil_error_oom();
}

int veil_doc__set_missing(veil_node *root, const veil_doc_path *p, const char *json, size_t *steps,
                          char **wrapped, int *append)
{
	size_t k = p->n - 1;
	veil_node *at;

	*wrapped = NULL;
	*append = 0;
	while (k > 0 && !veil_doc_path_find(root, p, k))
		k--;
	at = veil_doc_path_find(root, p, k);
	if (at && at->kind == VEIL_NODE_MAP && p->key[k] && k > 0 && !veil_doc__count_items(at)) {
		*steps = k; /* an empty {}: a map with the key instead */
	} else if (at && at->kind == VEIL_NODE_MAP && p->key[k]) {
		*steps = k + 1; /* a new key there */
	} else if (at && at->kind == VEIL_NODE_SEQ && !p->key[k]) {
		*steps = k + 1; /* an item at its end */
		*append = 1;
	} else if (at && k > 0 && (at->kind == VEIL_NODE_SCALAR || at->kind == VEIL_NODE_ALIAS)) {
		*steps = k; /* a scalar in the way */
	} else {
		return veil_error_set(VEIL_ENOTFOUND, "%s does not exist", "path");
	}
	return *steps == p->n ? 0 : wrap(wrapped, p, *steps, json);
}

int veil_doc__set_node(char **out, size_t *out_len, veil_doc *doc, const char *src, size_t len,
                       const veil_doc_path *p, veil_node *n, const char *json)
{
	veil_doc_jvalue jv = { 0 };
	veil_doc *laid = NULL;
	char *text = NULL;
	size_t tlen = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = veil_doc__jvalue_parse(&jv, json, VEIL_DOC_MAX_DEPTH - (int)p->n)) < 0 ||
	    (error = refuse_flat(doc->format, n, &jv)) < 0 ||
	    (error = through_alias(veil_doc_root(doc, doc_of(doc, n)), p)) < 0)
		goto done;
	error = doc->format == VEIL_FMT_JSON
	                ? veil_doc__set_layout_json(&text, &tlen, doc, src, len, n, &jv)
	                : veil_doc__set_layout_yaml(&text, &tlen, doc, src, len, n, &jv);
	if (error < 0 || (error = veil_doc_parse(&laid, doc->format, text, tlen, doc->name)) < 0)
		goto done;
	if ((error = veil_doc__jvalue_apply(
	             &jv, 0, laid, veil_doc_path_find(veil_doc_root(laid, doc_of(doc, n)), p, p->n),
	             0)) < 0 ||
	    (error = veil_doc_render(out, out_len, laid)) < 0)
		goto done;
	error = check_render(*out, *out_len, doc, p, n, &jv);
done:
	if (error < 0 && *out) {
		veil_wipe_free(*out, *out_len);
		*out = NULL;
		*out_len = 0;
	}
	veil_doc_free(laid);
	veil_wipe_free(text, tlen);
	veil_doc__jvalue_free(&jv);
	return error;
}
