/* The sops: metadata entry of a YAML file: read from document 0, replaced in
 * place or appended at the end of every document, removed line-exactly. */
#include <string.h>
#include "doc/yaml.h"

veil_node *veil_yaml__metadata(const veil_doc *doc)
{
	veil_node *m;

	if (!doc->nroots || !doc->roots[0])
		return NULL;
	m = veil_node_get(doc->roots[0], "sops");
	return m && m->kind == VEIL_NODE_MAP ? m : NULL;
}

static size_t subtree_end(const veil_node *node, int depth)
{
	size_t end = node->span.end, i;

	if (node->kind == VEIL_NODE_ALIAS || depth > VEIL_DOC_MAX_DEPTH)
		return end;
	for (i = 0; i < node->nitems; i++) {
		size_t e = subtree_end(node->items[i], depth + 1);

		if (e > end)
			end = e;
	}
	return end;
}

/* The whole lines of a root entry: from the start of its key's line to the
 * end of the line (break included) where its value ends. */
static void entry_lines(const veil_doc *doc, const veil_node *item, size_t *start, size_t *end)
{
	const char *s = doc->src;
	size_t a = item->key_span.start, b = subtree_end(item, 0);

	while (a > 0 && s[a - 1] != '\n' && s[a - 1] != '\r')
		a--;
	while (b < doc->src_len && s[b] != '\n' && s[b] != '\r')
		b++;
	if (b < doc->src_len && s[b] == '\r')
		b++;
	if (b < doc->src_len && s[b] == '\n' && (b == 0 || s[b - 1] != '\n'))
		b++;
	*start = a;
	*end = b;
}

int veil_yaml__set_metadata(veil_doc *doc, const veil_node *meta)
{
	const veil_yaml_state *st = doc->codec_state;
	veil_yaml_style style = { 4, 1, "\n" };
	veil_buf text = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	size_t i, ndocs = doc->nroots ? doc->nroots : 1;
	int error = 0;

	for (i = 0; i < doc->nroots && !doc->roots[i]; i++)
		;
	if (i == doc->nroots) /* also no document at all */
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "%s: no YAML document with content to "
		                      "hold the sops block (the file is empty or only comments)",
		                      doc->name);
	if (st) {
		/* an existing sops: block keeps its layout, else the file's */
		style.indent = st->sops_indent > 0 ? st->sops_indent
		               : st->indent > 0    ? st->indent
		                                   : 4;
		style.seq_indented =
		        st->sops_seq_indented >= 0 ? st->sops_seq_indented : st->seq_indented != 0;
		style.eol = st->crlf ? "\r\n" : "\n";
	}
	for (i = 0; !error && i < ndocs; i++) {
		const veil_node *root = doc->nroots ? doc->roots[i] : NULL;
		const veil_node *old = root ? veil_node_get(root, "sops") : NULL;
		size_t col = st && doc->nroots ? st->root_col[i] : 0, start, end;

		if (doc->nroots && !root)
			continue; /* an empty document stays empty */
		if (root && root->flow) {
			error = veil_error_set(VEIL_EUNSUPPORTED,
			                       "%s: cannot add metadata to a "
			                       "flow-style document root",
			                       doc->name);
			break;
		}
		veil_buf_clear(&text);
		if (old) {
			entry_lines(doc, old, &start, &end);
		} else {
			start = end = st && doc->nroots ? st->doc_end[i] : doc->src_len;
			if (start > 0 && doc->src[start - 1] != '\n' && doc->src[start - 1] != '\r')
				error = veil_buf_append(&text, style.eol, strlen(style.eol));
		}
		if (!error)
			error = veil_yaml__emit_entry(&text, "sops", meta, col, &style);
		if (!error)
			error = veil_doc__edit_add(doc, start, end, (const char *)text.data,
			                           text.len, NULL, NULL, 0, 0);
	}
	veil_buf_dispose(&text);
	return error;
}

int veil_yaml__metadata_range(const veil_doc *doc, size_t *start, size_t *end)
{
	const veil_node *old =
	        doc->nroots && doc->roots[0] ? veil_node_get(doc->roots[0], "sops") : NULL;

	if (!old)
		return veil_error_set(VEIL_ENOTFOUND, "%s: no sops entry", doc->name);
	entry_lines(doc, old, start, end);
	return 0;
}

int veil_yaml__remove_metadata(veil_doc *doc)
{
	size_t i, start, end;
	int error = 0;

	for (i = 0; !error && i < doc->nroots; i++) {
		const veil_node *old = doc->roots[i] ? veil_node_get(doc->roots[i], "sops") : NULL;

		if (!old)
			continue;
		entry_lines(doc, old, &start, &end);
		error = veil_doc__edit_add(doc, start, end, "", 0, NULL, NULL, 0, 0);
	}
	return error;
}
