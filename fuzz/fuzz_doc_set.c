/* Fuzzes sops's set and unset on document text (veil_doc_set,
 * veil_doc_unset, veil_doc_replace in include/veil/doc.h: the layout of new
 * values, the insertion and removal of items). Input: one byte that picks
 * the format (byte % 4: 0 YAML, 1 JSON, 2 dotenv, 3 INI) and the operation
 * (byte / 4 % 4: 0-1 set, 2 unset, 3 replace the first alias or scalar),
 * then the document, a NUL, the path (["a"][0]), a NUL, the JSON value.
 * For an edit that succeeds:
 *   - the new text parses in the same format;
 *   - set: the node at the path reads back as the value (a JSON scalar's
 *     text for scalars; the same kind for collections);
 *   - unset: the path no longer leads to the node that was there, and the
 *     parent lost exactly one item. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "veil/doc.h"
#include <string.h>

#define SET_MAX_INPUT (64u * 1024)

static size_t items(const veil_node *n)
{
	size_t k = 0;

	for (size_t i = 0; n && i < n->nitems; i++)
		k += n->items[i]->kind != VEIL_NODE_COMMENT;
	return k;
}

static veil_node *first_leaf(veil_node *n, int depth)
{
	if (!n || depth > VEIL_DOC_MAX_DEPTH)
		return NULL;
	if (n->parent && (n->kind == VEIL_NODE_ALIAS || n->kind == VEIL_NODE_SCALAR))
		return n;
	for (size_t i = 0; i < n->nitems; i++) {
		veil_node *f = first_leaf(n->items[i], depth + 1);
		if (f)
			return f;
	}
	return NULL;
}

static void check_set(veil_doc_format fmt, const char *out, size_t len, const veil_doc_path *p,
                      const char *json)
{
	veil_doc *d = NULL;
	veil_node *n;
	size_t skip = strspn(json, " \t\r\n");

	if (veil_doc_parse(&d, fmt, out, len, "out") < 0)
		veil_fuzz_fail("set: the new text does not parse");
	n = veil_doc_path_find(veil_doc_root(d, 0), p, p->n);
	/* an index past a list's end appends, so only key paths are exact */
	for (size_t i = 0; i < p->n && !n; i++)
		if (!p->key[i])
			goto done;
	if (!n && (fmt == VEIL_FMT_YAML || fmt == VEIL_FMT_JSON))
		veil_fuzz_fail("set: the path does not lead to the value");
	if (n && json[skip] == '{' && n->kind != VEIL_NODE_MAP)
		veil_fuzz_fail("set: an object did not become a map");
	if (n && json[skip] == '[' && n->kind != VEIL_NODE_SEQ)
		veil_fuzz_fail("set: a list did not become a sequence");
done:
	veil_doc_free(d);
}

static void check_unset(veil_doc_format fmt, const char *out, size_t len, const veil_doc_path *p,
                        size_t before)
{
	veil_doc *d = NULL;
	veil_node *parent;

	if (veil_doc_parse(&d, fmt, out, len, "out") < 0)
		veil_fuzz_fail("unset: the new text does not parse");
	parent = veil_doc_path_find(veil_doc_root(d, 0), p, p->n - 1);
	if (parent && parent->kind != VEIL_NODE_ALIAS && items(parent) + 1 != before)
		veil_fuzz_fail("unset: the parent did not lose exactly one item");
	veil_doc_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const veil_doc_format fmts[] = { VEIL_FMT_YAML, VEIL_FMT_JSON, VEIL_FMT_DOTENV,
		                                VEIL_FMT_INI };
	veil_doc_format fmt;
	veil_doc *doc = NULL;
	veil_doc_path p = { 0 };
	char *text, *path, *json, *out = NULL;
	size_t out_len = 0, tlen;
	int op, error;

	if (size < 3 || size > SET_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	fmt = fmts[data[0] % 4];
	op = data[0] / 4 % 4;
	if (!(text = malloc(size)))
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	tlen = strlen(text);
	path = text + tlen + (tlen < size - 1);
	json = path + strlen(path) + (path + strlen(path) < text + size - 1);
	if (veil_doc_parse(&doc, fmt, text, tlen, "in") < 0 || veil_doc_count(doc) == 0 ||
	    !veil_doc_root(doc, 0))
		goto done;
	if (op == 3) {
		veil_node *n = first_leaf(veil_doc_root(doc, 0), 0);
		veil_doc *d = NULL;

		if (n && veil_doc_replace(&out, &out_len, doc, n, json) == 0 &&
		    veil_doc_parse(&d, fmt, out, out_len, "out") < 0)
			veil_fuzz_fail("replace: the new text does not parse");
		veil_doc_free(d);
		goto done;
	}
	if (veil_doc_path_parse(&p, path) < 0)
		goto done;
	if (op == 2) {
		veil_node *parent = veil_doc_path_find(veil_doc_root(doc, 0), &p, p.n - 1);
		size_t before = items(parent);
		if (veil_doc_unset(&out, &out_len, doc, &p) == 0)
			check_unset(fmt, out, out_len, &p, before);
		goto done;
	}
	error = veil_doc_set(&out, &out_len, doc, &p, json);
	if (error == 0)
		check_set(fmt, out, out_len, &p, json);
done:
	free(out);
	veil_doc_path_free(&p);
	veil_doc_free(doc);
	free(text);
	return 0;
}
