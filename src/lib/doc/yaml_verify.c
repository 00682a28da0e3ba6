/*
 * The render check for YAML without a second tree. After an edit, the
 * rendered text must read back as the same structure with each edited value
 * in place (edit.c). Building a second document for that doubled the memory
 * of decrypting a large file and cost a quarter of its time; here libyaml's
 * events of the rendered text are walked beside the original tree instead.
 *
 * The answer is one-sided: 1 means the text verifies; 0 means "not sure"
 * (anything unusual, or a mismatch) and the caller runs the full check,
 * which also words the error. So every path that returns 1 must imply what
 * the full check tests: same kinds and keys in the same order, each edited
 * scalar of the same type and value, and every edited node reached.
 */
#include <string.h>
#include <yaml.h>

#include "doc/internal.h"
#include "doc/yaml.h"

typedef struct walk {
	yaml_parser_t parser;
	yaml_event_t ev;
	int have; /* ev holds an event to delete */
	const veil_render_check *chk;
	size_t found;
} walk;

static int next(walk *w)
{
	if (w->have)
		yaml_event_delete(&w->ev);
	w->have = yaml_parser_parse(&w->parser, &w->ev) != 0;
	return w->have;
}

static int is_sops_key(const walk *w, int depth, const char *k, size_t len)
{
	return w->chk->skip_sops && depth == 0 && len == 4 && memcmp(k, "sops", 4) == 0;
}

static int is_sops_item(const walk *w, int depth, const veil_node *it)
{
	return it->key && is_sops_key(w, depth, it->key, it->key_len);
}

/* Consumes the events of one node (the current event starts it). */
static int skip_node(walk *w)
{
	int open = 0;

	do {
		if (w->ev.type == YAML_MAPPING_START_EVENT ||
		    w->ev.type == YAML_SEQUENCE_START_EVENT)
			open++;
		else if (w->ev.type == YAML_MAPPING_END_EVENT ||
		         w->ev.type == YAML_SEQUENCE_END_EVENT)
			open--;
		if (open == 0)
			return 1;
	} while (next(w) && open <= VEIL_DOC_MAX_DEPTH);
	return 0;
}

/* Items a rendering cannot have touched: comments are rewritten only as
 * '#' plus text without a line break (veil_yaml__quote), so they stay
 * comments; an edited one still counts as reached. */
static const veil_node *next_item(walk *w, const veil_node *n, size_t *i, int depth)
{
	while (*i < n->nitems) {
		const veil_node *it = n->items[(*i)++];

		if (it->kind == VEIL_NODE_COMMENT) {
			w->found += w->chk->edit_of(w->chk->ctx, it) != NULL;
			continue;
		}
		if (!is_sops_item(w, depth, it))
			return it;
	}
	return NULL;
}

static int match_node(walk *w, const veil_node *n, int depth);

static int match_items(walk *w, const veil_node *n, int depth)
{
	int is_map = n->kind == VEIL_NODE_MAP;
	yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	size_t i = 0;

	for (;;) {
		const veil_node *it;

		if (!next(w))
			return 0;
		if (w->ev.type == end)
			break;
		if (is_map) {
			const char *k;
			size_t klen;

			if (w->ev.type != YAML_SCALAR_EVENT)
				return 0;
			k = (const char *)w->ev.data.scalar.value;
			klen = w->ev.data.scalar.length;
			if (is_sops_key(w, depth, k, klen)) {
				if (!next(w) || !skip_node(w))
					return 0;
				continue;
			}
			it = next_item(w, n, &i, depth);
			if (!it || !it->key || it->key_len != klen || memcmp(it->key, k, klen))
				return 0;
			if (!next(w))
				return 0;
		} else {
			it = next_item(w, n, &i, depth);
			if (!it)
				return 0;
		}
		if (!match_node(w, it, depth + 1))
			return 0;
	}
	return next_item(w, n, &i, depth) == NULL;
}

static int match_scalar(walk *w, const veil_node *n)
{
	const veil_doc_edit *e;
	veil_scalar_type type;

	if (w->ev.type != YAML_SCALAR_EVENT)
		return 0;
	e = w->chk->edit_of(w->chk->ctx, n);
	if (!e)
		return 1;
	/* the event holds the base64 text of a !!binary, not its bytes */
	if (veil_yaml__tag_is_binary((const char *)w->ev.data.scalar.tag))
		return 0;
	w->found++;
	type = veil_yaml__event_type(&w->ev);
	return type == e->want_type &&
	       veil_doc__same_scalar((const char *)w->ev.data.scalar.value,
	                             w->ev.data.scalar.length, e->want, e->want_len, type);
}

/* The current event starts the rendering of n. */
static int match_node(walk *w, const veil_node *n, int depth)
{
	if (depth > VEIL_DOC_MAX_DEPTH)
		return 0;
	switch (n->kind) {
	case VEIL_NODE_MAP:
		return w->ev.type == YAML_MAPPING_START_EVENT && match_items(w, n, depth);
	case VEIL_NODE_SEQ:
		return w->ev.type == YAML_SEQUENCE_START_EVENT && match_items(w, n, depth);
	case VEIL_NODE_SCALAR:
		return match_scalar(w, n);
	case VEIL_NODE_ALIAS:
		return w->ev.type == YAML_ALIAS_EVENT;
	default:
		return 0;
	}
}

static int match_stream(walk *w, const veil_doc *doc)
{
	size_t i;

	if (!next(w) || w->ev.type != YAML_STREAM_START_EVENT)
		return 0;
	for (i = 0; i < doc->nroots; i++) {
		/* an empty document is rare: the full check handles it */
		if (!doc->roots[i] || !next(w) || w->ev.type != YAML_DOCUMENT_START_EVENT ||
		    !next(w) || !match_node(w, doc->roots[i], 0) || !next(w) ||
		    w->ev.type != YAML_DOCUMENT_END_EVENT)
			return 0;
	}
	return next(w) && w->ev.type == YAML_STREAM_END_EVENT;
}

int veil_yaml__check_render(const veil_doc *doc, const char *out, size_t len,
                            const veil_render_check *chk)
{
	walk w;
	int ok;

	memset(&w, 0, sizeof(w));
	w.chk = chk;
	if (!yaml_parser_initialize(&w.parser))
		return 0;
	yaml_parser_set_input_string(&w.parser, (const unsigned char *)out, len);
	ok = match_stream(&w, doc) && w.found == chk->nedited;
	if (w.have)
		yaml_event_delete(&w.ev);
	yaml_parser_delete(&w.parser);
	return ok;
}
