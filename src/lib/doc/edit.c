/* Edits and rendering: new text is spliced into the original bytes, then the
 * result is parsed again and every edited node must read back as the value it
 * was given, so a quoting bug can never silently change a secret. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/internal.h"
#include "util/secret.h"
#include "util/array.h"

/* Edits stay sorted by start (an insertion before a replacement at the same
 * offset, equal insertions in the order they were added) and never overlap,
 * so rendering is one pass. Callers add them in document order, which makes
 * the insertion an append. */
static int edit_before(size_t start, size_t end, const veil_doc_edit *e)
{
	if (start != e->start)
		return start < e->start;
	return start == end && e->start != e->end;
}

static int edits_overlap(size_t s1, size_t e1, size_t s2, size_t e2)
{
	if (s1 == e1)
		return s2 < s1 && s1 < e2;
	if (s2 == e2)
		return s1 < s2 && s2 < e1;
	return s1 < e2 && s2 < e1;
}

static size_t edit_insert_pos(const veil_doc *doc, size_t start, size_t end)
{
	size_t lo = 0, hi = doc->nedits;

	if (hi && !edit_before(start, end, &doc->edits[hi - 1]))
		return hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (edit_before(start, end, &doc->edits[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int veil_doc__edit_add(veil_doc *doc, size_t start, size_t end, const char *text, size_t len,
                       veil_node *node, const char *want, size_t want_len,
                       veil_scalar_type want_type)
{
	veil_doc_edit e = { 0 };
	size_t pos;

	if (start > end || end > doc->src_len)
		return veil_error_set(VEIL_EINVAL, "%s: edit [%zu, %zu) outside the document",
		                      doc->name, start, end);
	pos = edit_insert_pos(doc, start, end);
	if ((pos > 0 &&
	     edits_overlap(start, end, doc->edits[pos - 1].start, doc->edits[pos - 1].end)) ||
	    (pos < doc->nedits &&
	     edits_overlap(start, end, doc->edits[pos].start, doc->edits[pos].end)))
		return veil_error_set(VEIL_EINVAL, "%s: overlapping edits at byte %zu", doc->name,
		                      start);
	if (doc->nedits == doc->cap_edits) {
		veil_doc_edit *p =
		        veil_array_grow(doc->edits, &doc->cap_edits, doc->nedits + 1, sizeof(*p));

		if (!p)
			return VEIL_ENOMEM;
		doc->edits = p;
	}
	e.start = start;
	e.end = end;
	/* The strings go to the arena: 100k edits would otherwise be 200k
	 * mallocs; a replaced edit is wiped in place, the rest with the doc. */
	e.text = veil_doc__arena_dup(doc, text ? text : "", text ? len : 0);
	e.text_len = text ? len : 0;
	e.node = node;
	e.want_type = want_type;
	if (want) {
		/* Most values are written as they read (plain): one copy serves
		 * both, which is 10 MB of a large decryption. */
		e.want = e.text && want_len == e.text_len && !memcmp(want, e.text, want_len)
		                 ? e.text
		                 : veil_doc__arena_dup(doc, want, want_len);
		e.want_len = want_len;
	}
	if (!e.text || (want && !e.want))
		return VEIL_ENOMEM;
	memmove(doc->edits + pos + 1, doc->edits + pos, (doc->nedits - pos) * sizeof(e));
	e.seq = doc->edit_seq++;
	doc->edits[pos] = e;
	doc->nedits++;
	return 0;
}

static void edit_remove(veil_doc *doc, size_t i)
{
	sodium_memzero(doc->edits[i].text, doc->edits[i].text_len);
	if (doc->edits[i].want)
		sodium_memzero(doc->edits[i].want, doc->edits[i].want_len);
	memmove(doc->edits + i, doc->edits + i + 1, (doc->nedits - i - 1) * sizeof(*doc->edits));
	doc->nedits--;
}

/* Drops earlier edits of node (set twice keeps the last). Their ranges
 * overlap [start, end), so they are found next to the insertion point (two
 * when the text was written around kept bytes, see veil_quote_keep). */
static void edit_forget_node(veil_doc *doc, const veil_node *node, size_t start, size_t end)
{
	size_t pos = edit_insert_pos(doc, start, end);
	size_t i = pos > 3 ? pos - 3 : 0;

	while (i < doc->nedits && i < pos + 3) {
		if (doc->edits[i].node == node)
			edit_remove(doc, i);
		else
			i++;
	}
}

int veil_doc__has_edit(const veil_doc *doc, const veil_node *node)
{
	size_t pos = edit_insert_pos(doc, node->span.start, node->span.end);

	for (size_t i = pos > 2 ? pos - 2 : 0; i < doc->nedits && i < pos + 2; i++)
		if (doc->edits[i].node == node)
			return 1;
	return 0;
}

int veil_doc_set_value(veil_doc *doc, veil_node *node, const char *value, size_t len,
                       veil_scalar_type type)
{
	veil_buf text = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_quote_keep keep = { 0, 0, 0 };
	size_t start, end;
	int error;

	if (!doc || !node || (!value && len))
		return veil_error_set(VEIL_EINVAL, "set_value: missing argument");
	if (node->kind != VEIL_NODE_SCALAR && node->kind != VEIL_NODE_COMMENT)
		return veil_error_set(VEIL_EINVAL, "set_value: not a scalar or comment");
	if (node->span.end <= node->span.start && node->kind == VEIL_NODE_COMMENT)
		return veil_error_set(VEIL_EINVAL, "set_value: node has no source bytes");
	if (!value)
		value = "";
	start = node->span.start;
	end = node->span.end;
	if (doc->codec->quote_keep)
		error = doc->codec->quote_keep(&text, &start, &end, &keep, doc, node, value, len,
		                               type);
	else
		error = doc->codec->quote(&text, &start, &end, doc, node, value, len, type);
	if (error < 0)
		goto done;
	edit_forget_node(doc, node, start, end);
	if (keep.end > keep.start &&
	    (keep.start < start || keep.end > end || keep.cut > text.len)) {
		error = veil_error_set(VEIL_EINVAL, "set_value: kept bytes outside the edit");
		goto done;
	}
	if (keep.end <= keep.start) {
		error = veil_doc__edit_add(doc, start, end, text.data ? (char *)text.data : "",
		                           text.len, node, value, len, type);
		goto done;
	}
	/* the text around the kept bytes: the first part carries the value */
	error = veil_doc__edit_add(doc, start, keep.start, (char *)text.data, keep.cut, node, value,
	                           len, type);
	if (error == 0 &&
	    (error = veil_doc__edit_add(doc, keep.end, end, (char *)text.data + keep.cut,
	                                text.len - keep.cut, node, NULL, 0, type)) < 0)
		edit_forget_node(doc, node, start, end);
done:
	veil_buf_dispose(&text);
	return error;
}

/* Old edited node -> its edit, looked up by pointer while walking. */
typedef struct edit_ref {
	const veil_node *node;
	const veil_doc_edit *edit;
} edit_ref;

static int ref_cmp(const void *a, const void *b)
{
	const veil_node *x = ((const edit_ref *)a)->node, *y = ((const edit_ref *)b)->node;

	return x < y ? -1 : x > y;
}

typedef struct verify_ctx {
	const veil_doc *doc;
	edit_ref *refs;
	size_t nrefs;
	size_t found;
	int skip_sops; /* metadata edits changed the root "sops" entry */
} verify_ctx;

/* "a:b:[2]" for messages: keys and sequence positions, never values. */
static void node_path(char *out, size_t cap, const veil_node *node)
{
	const veil_node *chain[VEIL_DOC_MAX_DEPTH + 2];
	size_t n = 0, len = 0, i;

	out[0] = '\0';
	for (; node && n < VEIL_DOC_MAX_DEPTH + 2; node = node->parent)
		chain[n++] = node;
	while (n-- > 0) {
		const veil_node *it = chain[n];
		int w = 0;

		if (it->key) {
			w = snprintf(out + len, cap - len,
			             "%.*s:", (int)(it->key_len > 64 ? 64 : it->key_len), it->key);
		} else if (it->parent && it->parent->kind == VEIL_NODE_SEQ) {
			for (i = 0; i < it->parent->nitems && it->parent->items[i] != it; i++)
				;
			w = snprintf(out + len, cap - len, "[%zu]:", i);
		}
		if (w < 0 || (size_t)w >= cap - len)
			return;
		len += (size_t)w;
	}
}

static int verify_fail(const verify_ctx *c, const veil_node *old, const char *what)
{
	char path[512];

	node_path(path, sizeof(path), old);
	return veil_error_set(VEIL_ERROR,
	                      "%s: rendering %s at line %u (path '%s'); nothing "
	                      "was written",
	                      c->doc->name, what, old->span.line, path);
}

static int verify_leaf(verify_ctx *c, const veil_node *old, const veil_node *now)
{
	edit_ref key = { old, NULL };
	const edit_ref *r;

	if (!c->nrefs)
		return 0;
	r = bsearch(&key, c->refs, c->nrefs, sizeof(*c->refs), ref_cmp);
	if (!r)
		return 0;
	c->found++;
	if (old->kind == VEIL_NODE_SCALAR && now->type != r->edit->want_type)
		return verify_fail(c, old, "changed a value's type");
	if (!veil_doc__same_scalar(now->value, now->value_len, r->edit->want, r->edit->want_len,
	                           old->kind == VEIL_NODE_SCALAR ? now->type : VEIL_SCALAR_STR))
		return verify_fail(c, old, "changed a value");
	return 0;
}

static int is_sops_item(const verify_ctx *c, const veil_node *it, int depth)
{
	return c->skip_sops && depth == 0 && it->key && it->key_len == 4 &&
	       memcmp(it->key, "sops", 4) == 0;
}

static int verify_node(verify_ctx *c, const veil_node *old, const veil_node *now, int depth);

/* Items match one to one in order, except the root "sops" entry that
 * metadata edits add, replace or remove. */
static int verify_items(verify_ctx *c, const veil_node *old, const veil_node *now, int depth)
{
	size_t i = 0, j = 0;
	int error;

	for (;;) {
		while (i < old->nitems && is_sops_item(c, old->items[i], depth))
			i++;
		while (j < now->nitems && is_sops_item(c, now->items[j], depth))
			j++;
		if (i == old->nitems || j == now->nitems)
			break;
		error = verify_node(c, old->items[i], now->items[j], depth + 1);
		if (error < 0)
			return error;
		i++;
		j++;
	}
	if (i != old->nitems || j != now->nitems)
		return verify_fail(c, old, "changed the structure");
	return 0;
}

static int verify_node(verify_ctx *c, const veil_node *old, const veil_node *now, int depth)
{
	if (old->kind != now->kind)
		return verify_fail(c, old, "changed the structure");
	if ((old->key == NULL) != (now->key == NULL) ||
	    (old->key &&
	     (old->key_len != now->key_len || memcmp(old->key, now->key, old->key_len) != 0)))
		return verify_fail(c, old, "changed a key");
	switch (old->kind) {
	case VEIL_NODE_MAP:
	case VEIL_NODE_SEQ:
		return verify_items(c, old, now, depth);
	case VEIL_NODE_SCALAR:
	case VEIL_NODE_COMMENT:
		return verify_leaf(c, old, now);
	default:
		return 0;
	}
}

static const veil_doc_edit *edit_of(void *ctx, const veil_node *node)
{
	const verify_ctx *c = ctx;
	edit_ref key = { node, NULL };
	const edit_ref *r;

	if (!c->nrefs)
		return NULL;
	r = bsearch(&key, c->refs, c->nrefs, sizeof(*c->refs), ref_cmp);
	return r ? r->edit : NULL;
}

/* full: skip the codec's fast check and hand the re-parsed document back
 * in *kept (veil_doc__render_again). */
static int verify_render(const veil_doc *doc, const char *out, size_t len, int full,
                         veil_doc **kept)
{
	verify_ctx c = { doc, NULL, 0, 0, 0 };
	veil_doc *again = NULL;
	size_t i;
	int error;

	c.refs = malloc((doc->nedits ? doc->nedits : 1) * sizeof(*c.refs));
	if (!c.refs)
		return veil_error_oom();
	for (i = 0; i < doc->nedits; i++) {
		if (!doc->edits[i].node) {
			c.skip_sops = 1;
		} else if (doc->edits[i].want) {
			c.refs[c.nrefs].node = doc->edits[i].node;
			c.refs[c.nrefs++].edit = &doc->edits[i];
		}
	}
	qsort(c.refs, c.nrefs, sizeof(*c.refs), ref_cmp);
	if (doc->codec->check_render && !full) {
		veil_render_check chk = { edit_of, &c, c.nrefs, c.skip_sops };

		if (doc->codec->check_render(doc, out, len, &chk) == 1) {
			error = 0;
#ifndef VEIL_RENDER_CHECK_TWICE
			goto done;
#endif
		}
	}
	error = veil_doc__parse_borrowed(&again, doc->format, doc->codec, out, len, doc->name);
	if (error < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", veil_error_last());
		/* a limit is what veil's reader would refuse: say so, keep the code */
		error = veil_error_set(
		        error == VEIL_ELIMIT || error == VEIL_ENOMEM ? error : VEIL_ERROR,
		        "%s: the rendered document does not %s (%s); nothing was "
		        "written",
		        doc->name, error == VEIL_ELIMIT ? "stay within veil's limits" : "parse",
		        why);
		goto done;
	}
	if (again->nroots != doc->nroots) {
		error = veil_error_set(VEIL_ERROR,
		                       "%s: rendering changed the number of "
		                       "documents",
		                       doc->name);
		goto done;
	}
	for (i = 0; i < doc->nroots; i++) {
		const veil_node *a = doc->roots[i], *b = again->roots[i];

		if (!a && !b)
			continue;
		if (!a || !b) {
			error = veil_error_set(VEIL_ERROR,
			                       "%s: rendering emptied or filled "
			                       "document %zu",
			                       doc->name, i + 1);
			goto done;
		}
		error = verify_node(&c, a, b, 0);
		if (error < 0)
			goto done;
	}
	if (c.found != c.nrefs)
		error = veil_error_set(VEIL_ERROR,
		                       "%s: %zu edited nodes are not in the rendered "
		                       "document",
		                       doc->name, c.nrefs - c.found);
#ifdef VEIL_RENDER_CHECK_TWICE
	/* Sanitizer and fuzz builds run both checks: the fast one may never
	 * pass a text the full one refuses. */
	if (error < 0 && doc->codec->check_render) {
		veil_render_check chk = { edit_of, &c, c.nrefs, c.skip_sops };

		if (doc->codec->check_render(doc, out, len, &chk) == 1)
			abort();
	}
#endif
done:
	if (kept && error == 0)
		*kept = again;
	else
		veil_doc_free(again);
	free(c.refs);
	return error;
}

static int render(char **out, size_t *out_len, const veil_doc *doc, int full, veil_doc **again)
{
	size_t total = doc->src_len, pos = 0, w = 0, i;
	char *buf;
	int error;

	*out = NULL;
	*out_len = 0;
	if (doc->codec->render_whole && (error = doc->codec->render_whole(out, out_len, doc)) != 0)
		return error < 0 ? error : 0;
	for (i = 0; i < doc->nedits; i++) {
		total -= doc->edits[i].end - doc->edits[i].start;
		if (doc->edits[i].text_len > 4 * (size_t)VEIL_DOC_MAX_SIZE - total)
			return veil_error_set(VEIL_ELIMIT, "%s: rendered document too large",
			                      doc->name);
		total += doc->edits[i].text_len;
	}
	buf = malloc(total + 1);
	if (!buf)
		return veil_error_oom();
	for (i = 0; i < doc->nedits; i++) {
		const veil_doc_edit *e = &doc->edits[i];

		memcpy(buf + w, doc->src + pos, e->start - pos);
		w += e->start - pos;
		memcpy(buf + w, e->text, e->text_len);
		w += e->text_len;
		pos = e->end;
	}
	memcpy(buf + w, doc->src + pos, doc->src_len - pos);
	w += doc->src_len - pos;
	buf[w] = '\0';
	if (doc->nedits || again) {
		error = verify_render(doc, buf, w, full, again);
		if (error < 0) {
			veil_wipe_free(buf, total + 1);
			return error;
		}
	}
	*out = buf;
	*out_len = w;
	return 0;
}

int veil_doc_render(char **out, size_t *out_len, const veil_doc *doc)
{
	return render(out, out_len, doc, 0, NULL);
}

int veil_doc__render_again(char **out, size_t *out_len, const veil_doc *doc, veil_doc **again)
{
	*again = NULL;
	return render(out, out_len, doc, 1, again);
}

int veil_doc_pending_value(const veil_doc *doc, const veil_node *node, const char **value,
                           size_t *len)
{
	/* edits are few per node and sorted by position, so a scan is fine here */
	for (size_t i = 0; i < doc->nedits; i++) {
		if (doc->edits[i].node == node && doc->edits[i].want) {
			*value = doc->edits[i].want;
			*len = doc->edits[i].want_len;
			return 0;
		}
	}
	if (!node || (node->kind != VEIL_NODE_SCALAR && node->kind != VEIL_NODE_COMMENT))
		return veil_error_set(VEIL_EINVAL, "not a scalar or comment");
	*value = node->value;
	*len = node->value_len;
	return 0;
}

size_t veil_doc_edits_mark(const veil_doc *doc)
{
	return doc->edit_seq;
}

void veil_doc_edits_rollback(veil_doc *doc, size_t mark)
{
	size_t i = 0;

	while (i < doc->nedits) {
		if (doc->edits[i].seq >= mark)
			edit_remove(doc, i); /* wipes the text and the wanted value */
		else
			i++;
	}
}
