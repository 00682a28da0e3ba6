/*
 * YAML: libyaml's event parser builds the tree; spans come from the event
 * marks. libyaml counts marks in characters, not bytes, and drops comments,
 * so two forward walkers turn character indexes into byte offsets and byte
 * offsets into lines and columns, and comments are recovered from the bytes
 * between consecutive events (the only place they can be). Every pass is
 * linear in the size of the source.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "doc/internal.h"
#include "doc/alias_budget.h"
#include "doc/yaml.h"
#include "util/array.h"
#include "util/sopsenc.h"
#include "util/utf8.h"

/* libyaml's line breaks: \n, \r, \r\n, NEL, LS, PS. Returns the width of the
 * break at s[i] (0 if none); for \r\n the break is counted at the \n. */
static size_t break_at(const char *s, size_t len, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == '\n')
		return 1;
	if (c == '\r')
		return (i + 1 < len && s[i + 1] == '\n') ? 0 : 1;
	if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
		return 2;
	if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
		return 3;
	return 0;
}

/* Byte offset -> 1-based line and byte column. */
typedef struct line_walker {
	const char *s;
	size_t len;
	size_t pos;
	size_t line; /* 0-based */
	size_t line_start;
	int lf_only; /* no \r, NEL, LS or PS: breaks are found with memchr */
} line_walker;

static void line_walk(line_walker *w, size_t target, veil_span *sp)
{
	if (target < w->pos) {
		/* Rare (an error mark behind the cursor): count back. */
		size_t i;

		for (i = target; i < w->pos; i++)
			if (break_at(w->s, w->len, i))
				w->line--;
		w->pos = target;
		w->line_start = target;
		while (w->line_start > 0) {
			size_t j = w->line_start - 1;

			if (w->s[j] == '\n' || w->s[j] == '\r' ||
			    ((unsigned char)w->s[j] == 0x85 && j > 0 &&
			     (unsigned char)w->s[j - 1] == 0xC2) ||
			    (((unsigned char)w->s[j] == 0xA8 || (unsigned char)w->s[j] == 0xA9) &&
			     j > 1 && (unsigned char)w->s[j - 1] == 0x80 &&
			     (unsigned char)w->s[j - 2] == 0xE2))
				break;
			w->line_start--;
		}
	}
	while (w->lf_only && w->pos < target) {
		const char *nl = memchr(w->s + w->pos, '\n', target - w->pos);

		if (!nl) {
			w->pos = target;
			break;
		}
		w->line++;
		w->pos = (size_t)(nl - w->s) + 1;
		w->line_start = w->pos;
	}
	while (w->pos < target) {
		size_t b = break_at(w->s, w->len, w->pos);

		if (b) {
			w->line++;
			w->line_start = w->pos + b;
			w->pos += b;
		} else {
			w->pos++;
		}
	}
	if (sp) {
		sp->start = target;
		sp->line = (unsigned int)(w->line + 1);
		sp->col = (unsigned int)(target - w->line_start + 1);
	}
}

typedef struct frame {
	veil_node *node;
	size_t col;     /* byte column of the items (block collections) */
	int expect_key; /* maps: the next node is a key */
	char *key;      /* maps: the key waiting for its value */
	size_t key_len;
	veil_span key_span;
	uint64_t nodes, bytes; /* inside, aliases expanded (alias_budget.h) */
} frame;

typedef struct anchor_slot {
	const char *name;
	veil_node *node;
	uint64_t nodes, bytes; /* what an alias of it expands to, once done */
	int done;
} anchor_slot;

typedef struct pstate {
	veil_doc *doc;
	veil_yaml_state *st;
	veil_utf8_walker cw; /* character index -> byte offset (libyaml checked the UTF-8) */
	line_walker lw;
	frame stack[VEIL_DOC_MAX_DEPTH + 1];
	size_t depth;
	veil_node **pending; /* comments before the document's root */
	size_t npending, cap_pending;
	size_t prev_end; /* byte end of the previous event */
	anchor_slot *anchors;
	size_t nanchors, cap_anchors; /* cap is a power of two */
	size_t bom;
	veil_alias_budget budget;
} pstate;

static size_t hash_name(const char *s)
{
	size_t h = 1469598103934665603ull & (size_t)-1;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * ((size_t)1099511628211ull);
	return h;
}

static int anchor_put(pstate *ps, const char *name, veil_node *node)
{
	size_t i;

	if ((ps->nanchors + 1) * 2 > ps->cap_anchors) {
		size_t cap = ps->cap_anchors ? ps->cap_anchors * 2 : 64, j;
		anchor_slot *t = calloc(cap, sizeof(*t));

		if (!t)
			return veil_error_oom();
		for (j = 0; j < ps->cap_anchors; j++) {
			if (!ps->anchors[j].name)
				continue;
			for (i = hash_name(ps->anchors[j].name) & (cap - 1); t[i].name;
			     i = (i + 1) & (cap - 1))
				;
			t[i] = ps->anchors[j];
		}
		free(ps->anchors);
		ps->anchors = t;
		ps->cap_anchors = cap;
	}
	for (i = hash_name(name) & (ps->cap_anchors - 1); ps->anchors[i].name;
	     i = (i + 1) & (ps->cap_anchors - 1)) {
		if (strcmp(ps->anchors[i].name, name) == 0)
			break; /* a later anchor wins */
	}
	if (!ps->anchors[i].name)
		ps->nanchors++;
	ps->anchors[i] = (anchor_slot){ name, node, 0, 0, 0 };
	return 0;
}

static anchor_slot *anchor_get(const pstate *ps, const char *name)
{
	size_t i;

	if (!ps->cap_anchors)
		return NULL;
	for (i = hash_name(name) & (ps->cap_anchors - 1); ps->anchors[i].name;
	     i = (i + 1) & (ps->cap_anchors - 1))
		if (strcmp(ps->anchors[i].name, name) == 0)
			return &ps->anchors[i];
	return NULL;
}

/* An anchored node is complete: what its aliases will expand to. */
static void anchor_done(const pstate *ps, const veil_node *node, uint64_t nodes, uint64_t bytes)
{
	anchor_slot *slot = node->anchor ? anchor_get(ps, node->anchor) : NULL;

	if (slot && slot->node == node) {
		slot->nodes = nodes;
		slot->bytes = bytes;
		slot->done = 1;
	}
}

/* A new node where the parser stands, as go-yaml counts it: the node, its
 * key (if in a map) and an alias's whole expansion (alias_budget.h). */
static int count(pstate *ps, uint64_t nodes, uint64_t bytes, uint64_t aliased, uint64_t alias_bytes,
                 const veil_span *at)
{
	frame *top = ps->depth ? &ps->stack[ps->depth - 1] : NULL;

	if (top && top->node->kind == VEIL_NODE_MAP) {
		nodes++; /* the key */
		bytes += top->key_len;
	}
	if (top) {
		top->nodes += nodes;
		top->bytes += bytes;
	}
	return veil_doc__budget_add(&ps->budget, nodes, aliased, alias_bytes, ps->doc, at);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Skips a node's properties (&anchor, !tag) starting at p; returns where
 * they end. */
static size_t skip_props(const char *s, size_t len, size_t p)
{
	while (p < len && (s[p] == '&' || s[p] == '!')) {
		if (s[p] == '!' && p + 1 < len && s[p + 1] == '<') {
			while (p < len && s[p] != '>')
				p++;
			p++;
		} else if (s[p] == '&') {
			/* libyaml's anchor names: letters, digits, '-', '_' */
			for (p++; p < len &&
			          (isalnum((unsigned char)s[p]) || s[p] == '-' || s[p] == '_');
			     p++)
				;
		} else {
			while (p < len && !is_blank(s[p]) && s[p] != '\n' && s[p] != '\r' &&
			       !strchr(",[]{}", s[p]))
				p++;
		}
		while (p < len && is_blank(s[p]))
			p++;
	}
	return p > len ? len : p;
}

/* Skips blanks, line breaks and comments up to the node's content. */
static size_t skip_to_content(const char *s, size_t len, size_t p)
{
	while (p < len) {
		if (is_blank(s[p]) || s[p] == '\n' || s[p] == '\r') {
			p++;
		} else if (s[p] == '#') {
			while (p < len && s[p] != '\n' && s[p] != '\r')
				p++;
		} else {
			break;
		}
	}
	return p;
}

static int add_pending(pstate *ps, veil_node *c)
{
	if (ps->npending == ps->cap_pending) {
		veil_node **p = veil_array_grow(ps->pending, &ps->cap_pending, ps->npending + 1,
		                                sizeof(*p));

		if (!p)
			return VEIL_ENOMEM;
		ps->pending = p;
	}
	ps->pending[ps->npending++] = c;
	return 0;
}

/* The container a comment belongs to: the innermost open collection whose
 * items start at or left of the comment (flow collections take everything
 * inside them); an end-of-line comment goes with the line's collection. */
static veil_node *comment_home(const pstate *ps, size_t col, int inline_comment)
{
	size_t i;

	if (!ps->depth)
		return NULL;
	if (inline_comment)
		return ps->stack[ps->depth - 1].node;
	for (i = ps->depth; i-- > 0;) {
		const frame *f = &ps->stack[i];

		if (f->node->flow || f->col <= col)
			return f->node;
	}
	return ps->stack[0].node;
}

static int add_comment(pstate *ps, size_t hash, size_t eol)
{
	const char *s = ps->doc->src;
	veil_node *c, *home;
	size_t i, text_end = eol;
	int inl = 0;

	for (i = hash; i > 0 && s[i - 1] != '\n' && s[i - 1] != '\r'; i--)
		if (!is_blank(s[i - 1]))
			inl = 1;
	if (text_end > hash && s[text_end - 1] == '\r')
		text_end--;
	c = veil_doc__node_new(ps->doc, VEIL_NODE_COMMENT);
	if (!c)
		return VEIL_ELIMIT;
	line_walk(&ps->lw, hash, &c->span);
	c->span.end = text_end;
	c->type = VEIL_SCALAR_STR;
	c->style = VEIL_STYLE_PLAIN;
	c->inline_comment = inl;
	c->value = veil_doc__arena_dup(ps->doc, s + hash + 1, text_end - hash - 1);
	if (!c->value)
		return VEIL_ENOMEM;
	c->value_len = text_end - hash - 1;
	home = comment_home(ps, c->span.col - 1, inl);
	if (!home)
		return add_pending(ps, c);
	return veil_doc__node_append(home, c);
}

static int in_directive(const char *s, size_t i)
{
	while (i > 0 && s[i - 1] != '\n' && s[i - 1] != '\r')
		i--;
	return s[i] == '%';
}

static int ends_a_line(const char *src, size_t from, size_t eol);

/* Comments in the bytes [from, to) between two events; only those with
 * text before them on their line (only > 0) or only the others (< 0). */
static int scan_gap_some(pstate *ps, size_t from, size_t to, int only)
{
	const char *s = ps->doc->src;
	int error;

	while (from < to) {
		const char *h = memchr(s + from, '#', to - from);
		size_t i, eol;

		if (!h)
			break;
		i = (size_t)(h - s);
		/* Between events libyaml reads any '#' as a comment (even right
		 * after a closing quote), except inside a %directive line. */
		if (in_directive(s, i)) {
			from = i + 1;
			continue;
		}
		for (eol = i; eol < ps->doc->src_len && s[eol] != '\n' && s[eol] != '\r'; eol++)
			;
		if (!only || (ends_a_line(s, i, eol) ? only > 0 : only < 0)) {
			error = add_comment(ps, i, eol);
			if (error < 0)
				return error;
		}
		from = eol;
	}
	return 0;
}

static int scan_gap(pstate *ps, size_t from, size_t to)
{
	return scan_gap_some(ps, from, to, 0);
}

veil_scalar_type veil_yaml__event_type(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (tag) {
		static const char *const typed[] = {
			"tag:yaml.org,2002:int",       "tag:yaml.org,2002:float",
			"tag:yaml.org,2002:bool",      "tag:yaml.org,2002:null",
			"tag:yaml.org,2002:timestamp", NULL
		};
		size_t i;

		for (i = 0; typed[i]; i++)
			if (strcmp(tag, typed[i]) == 0)
				return veil_doc__resolve_plain(v, len);
		return VEIL_SCALAR_STR;
	}
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return VEIL_SCALAR_STR;
	return veil_doc__resolve_plain(v, len);
}

static veil_scalar_style scalar_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return VEIL_STYLE_SINGLE;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return VEIL_STYLE_DOUBLE;
	case YAML_LITERAL_SCALAR_STYLE:
		return VEIL_STYLE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return VEIL_STYLE_FOLDED;
	default:
		return VEIL_STYLE_PLAIN;
	}
}

/* A block scalar's span ends with its last content line: the line breaks
 * and blank lines libyaml includes belong to what follows, so replacing it
 * by a one-line value keeps the lines below where they were. */
static size_t block_scalar_end(const char *s, size_t start, size_t end)
{
	size_t cur = end;

	for (;;) {
		size_t ls;

		while (cur > start && (s[cur - 1] == '\n' || s[cur - 1] == '\r'))
			cur--;
		for (ls = cur; ls > start && s[ls - 1] != '\n' && s[ls - 1] != '\r'; ls--)
			;
		if (ls == start)
			return cur; /* the header line */
		{
			/* only lines of spaces: a tab after the indentation is
			 * content, and left behind it would not parse */
			size_t k = ls;

			while (k < cur && s[k] == ' ')
				k++;
			if (k < cur)
				return cur;
		}
		cur = ls;
	}
}

static int parse_error(pstate *ps, const yaml_parser_t *p)
{
	veil_span sp = { 0 };
	size_t pos;

	if (p->error == YAML_MEMORY_ERROR)
		return veil_error_set(VEIL_ENOMEM, "%s: out of memory", ps->doc->name);
	if (p->error == YAML_READER_ERROR)
		pos = p->problem_offset;
	else
		pos = ps->bom + veil_utf8_walk(&ps->cw, p->problem_mark.index);
	if (pos > ps->doc->src_len)
		pos = ps->doc->src_len;
	line_walk(&ps->lw, pos, &sp);
	if (p->context)
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col, "%s %s",
		                          p->problem ? p->problem : "invalid YAML", p->context);
	return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col, "%s",
	                          p->problem ? p->problem : "invalid YAML");
}

static int key_cmp(const void *a, const void *b)
{
	const veil_node *x = *(veil_node *const *)a, *y = *(veil_node *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x->key_span.start < y->key_span.start ? -1 : x->key_span.start > y->key_span.start;
}

/* Sorting the keys keeps the check O(n log n) on maps with 100k entries. */
static int check_duplicates(pstate *ps, const veil_node *map)
{
	veil_node **keys;
	size_t n = 0, i;
	int error = 0;

	if (map->nitems < 2)
		return 0;
	keys = malloc(map->nitems * sizeof(*keys));
	if (!keys)
		return veil_error_oom();
	for (i = 0; i < map->nitems; i++)
		if (map->items[i]->key)
			keys[n++] = map->items[i];
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i < n; i++) {
		if (keys[i]->key_len == keys[i - 1]->key_len &&
		    memcmp(keys[i]->key, keys[i - 1]->key, keys[i]->key_len) == 0) {
			error = veil_doc__error_at(
			        ps->doc, VEIL_EFORMAT, keys[i]->key_span.line,
			        keys[i]->key_span.col, "duplicate key '%.*s'",
			        (int)(keys[i]->key_len > 80 ? 80 : keys[i]->key_len), keys[i]->key);
			break;
		}
	}
	free(keys);
	return error;
}

static int root_slot(pstate *ps)
{
	veil_doc *doc = ps->doc;
	veil_node **r = realloc(doc->roots, (doc->nroots + 1) * sizeof(*r));
	size_t *e, *c;

	if (!r)
		return veil_error_oom();
	doc->roots = r;
	e = realloc(ps->st->doc_end, (doc->nroots + 1) * sizeof(*e));
	if (e)
		ps->st->doc_end = e;
	c = e ? realloc(ps->st->root_col, (doc->nroots + 1) * sizeof(*c)) : NULL;
	if (c)
		ps->st->root_col = c;
	if (!e || !c)
		return veil_error_oom();
	doc->roots[doc->nroots] = NULL;
	e[doc->nroots] = doc->src_len;
	c[doc->nroots] = 0;
	doc->nroots++;
	return 0;
}

/* A new node where the parser stands: a document root, a map value or a
 * sequence item. Keys never come here. */
static int place_node(pstate *ps, veil_node *node, const veil_span *at)
{
	frame *top;
	size_t i;
	int error;

	if (!ps->depth) {
		if (node->kind != VEIL_NODE_MAP)
			return veil_doc__error_at(
			        ps->doc, VEIL_EFORMAT, at->line, at->col,
			        "the document root is a %s; sops documents must be mappings",
			        node->kind == VEIL_NODE_SEQ ? "sequence" : "scalar");
		ps->doc->roots[ps->doc->nroots - 1] = node;
		ps->st->root_col[ps->doc->nroots - 1] = at->col - 1;
		for (i = 0; i < ps->npending; i++) {
			error = veil_doc__node_append(node, ps->pending[i]);
			if (error < 0)
				return error;
		}
		ps->npending = 0;
		return 0;
	}
	top = &ps->stack[ps->depth - 1];
	if (top->node->kind == VEIL_NODE_MAP) {
		node->key = top->key;
		node->key_len = top->key_len;
		node->key_span = top->key_span;
		top->key = NULL;
		top->expect_key = 1;
	}
	return veil_doc__node_append(top->node, node);
}

static int is_sops(const char *key, size_t len)
{
	return key && len == 4 && !memcmp(key, "sops", 4);
}

/* Is the collection about to start inside the root's "sops" entry? Its
 * key still waits in the root frame, or is already on the root's child. */
static int in_sops_block(const pstate *ps)
{
	if (ps->stack[0].node->kind != VEIL_NODE_MAP)
		return 0;
	if (ps->depth == 1)
		return is_sops(ps->stack[0].key, ps->stack[0].key_len);
	return is_sops(ps->stack[1].node->key, ps->stack[1].node->key_len);
}

static void learn_layout(pstate *ps, const veil_node *node, size_t col)
{
	const frame *parent;
	int *indent = &ps->st->indent, *seq_indented = &ps->st->seq_indented;

	if (!ps->depth || node->flow)
		return;
	/* The sops: block has sops's own 4-space layout: learning from it made
	 * a decrypted block scalar of a 2-space file come back at 4. */
	if (in_sops_block(ps)) {
		indent = &ps->st->sops_indent;
		seq_indented = &ps->st->sops_seq_indented;
	}
	parent = &ps->stack[ps->depth - 1];
	if (parent->node->kind != VEIL_NODE_MAP || parent->node->flow)
		return;
	if (col > parent->col && !*indent && col - parent->col <= 16)
		*indent = (int)(col - parent->col);
	if (node->kind == VEIL_NODE_SEQ && *seq_indented < 0)
		*seq_indented = col > parent->col;
}

static int on_key(pstate *ps, const yaml_event_t *ev, const veil_span *sp, size_t end)
{
	frame *top = &ps->stack[ps->depth - 1];
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (veil_yaml__tag_is_binary((const char *)ev->data.scalar.tag))
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp->line, sp->col,
		                          "a !!binary key is not supported");
	if (veil_yaml__event_type(ev) != VEIL_SCALAR_STR && !(len == 2 && memcmp(v, "<<", 2) == 0))
		return veil_doc__error_at(
		        ps->doc, VEIL_EFORMAT, sp->line, sp->col,
		        "the key is not a string (sops supports string keys only)");
	top->key = veil_doc__arena_dup(ps->doc, v, len);
	if (!top->key)
		return VEIL_ENOMEM;
	top->key_len = len;
	top->key_span = *sp;
	top->key_span.end = end;
	top->expect_key = 0;
	return 0;
}

/* A comment on a block scalar's header line ("key: | # note") lies inside
 * the scalar's token, where no gap scan sees it: it becomes a comment item
 * after the scalar, marked 2 in inline_comment. A rewrite of the scalar
 * leaves it in place (yaml_quote.c writes around it: a one-line value
 * before it, or a block's header before it and its body after). */
static int header_comment(pstate *ps, size_t p)
{
	const char *s = ps->doc->src;
	size_t i, eol;
	int error;

	for (i = p; i < ps->doc->src_len && s[i] != '\n' && s[i] != '\r'; i++)
		if (s[i] == '#' && i > p && is_blank(s[i - 1]))
			break;
	if (i >= ps->doc->src_len || s[i] != '#')
		return 0;
	for (eol = i; eol < ps->doc->src_len && s[eol] != '\n' && s[eol] != '\r'; eol++)
		;
	if ((error = add_comment(ps, i, eol)) < 0)
		return error;
	ps->doc->nodes[ps->doc->nnodes - 1]->inline_comment = 2;
	return 0;
}

/* A node's properties, which may stand on lines of their own ("!t\n  &x\n
 * v"): *end is where the last one ends. The comments between them are
 * the node's container's, like any between two events. */
static int skip_all_props(pstate *ps, size_t s, size_t lim, size_t *end)
{
	const char *src = ps->doc->src;
	size_t p = skip_props(src, lim, s), q;
	int error;

	while (p > s && (q = skip_to_content(src, lim, p)) < lim && q > p &&
	       (src[q] == '&' || src[q] == '!')) {
		if ((error = scan_gap(ps, p, q)) < 0)
			return error;
		p = skip_props(src, lim, q);
	}
	*end = p;
	return 0;
}

/* A scalar's value: its text, or the bytes of a !!binary (an ENC[...]
 * string there, which older veil wrote, stays text: go-yaml cannot read
 * it, but veil still decrypts what it wrote). */
static int scalar_value(pstate *ps, veil_node *node, const yaml_event_t *ev, const veil_span *sp)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	int error;

	if (veil_yaml__tag_is_binary((const char *)ev->data.scalar.tag) &&
	    !veil_sopsenc_marked(v, len)) {
		if ((error = veil_yaml__binary_decode(ps->doc, v, len, &node->value,
		                                      &node->value_len)) < 0)
			return error == VEIL_EFORMAT
			               ? veil_doc__error_at(ps->doc, error, sp->line, sp->col, "%s",
			                                    veil_error_last())
			               : error;
		return 0;
	}
	node->value = veil_doc__arena_dup(ps->doc, v, len);
	if (!node->value)
		return VEIL_ENOMEM;
	node->value_len = len;
	return 0;
}

static int on_scalar(pstate *ps, const yaml_event_t *ev, size_t s, size_t e)
{
	veil_doc *doc = ps->doc;
	size_t p, q, props_end;
	veil_span sp;
	veil_node *node;
	int error;

	if ((error = skip_all_props(ps, s, e, &p)) < 0)
		return error;
	props_end = p;
	if (p > s) {
		/* properties may stand on a line above the scalar, with
		 * comments between (encrypted like any other) */
		q = skip_to_content(doc->src, e, p);
		if ((error = scan_gap(ps, p, q)) < 0)
			return error;
		p = q;
	}
	line_walk(&ps->lw, p, &sp);
	if (ps->depth && ps->stack[ps->depth - 1].node->kind == VEIL_NODE_MAP &&
	    ps->stack[ps->depth - 1].expect_key)
		return on_key(ps, ev, &sp, e);
	if (!ps->depth && ev->data.scalar.length == 0 && !ev->data.scalar.anchor &&
	    !ev->data.scalar.tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0; /* an empty document */
	node = veil_doc__node_new(doc, VEIL_NODE_SCALAR);
	if (!node)
		return VEIL_ELIMIT;
	node->span = sp;
	node->style = scalar_style(ev->data.scalar.style);
	if ((node->style == VEIL_STYLE_LITERAL || node->style == VEIL_STYLE_FOLDED) &&
	    doc->src[p] != '|' && doc->src[p] != '>')
		/* libyaml marks "key:>" (no space) after its header line */
		return veil_doc__error_at(
		        doc, VEIL_EFORMAT, sp.line, sp.col,
		        "a block scalar without a space after ':' is not supported");
	node->span.end = (node->style == VEIL_STYLE_LITERAL || node->style == VEIL_STYLE_FOLDED)
	                         ? block_scalar_end(doc->src, p, e)
	                         : e;
	node->type = veil_yaml__event_type(ev);
	if ((error = scalar_value(ps, node, ev, &sp)) < 0 ||
	    (error = veil_yaml__tag_note(ps->st, node, s, props_end,
	                                 (const char *)ev->data.scalar.tag)) < 0 ||
	    (error = count(ps, 1, node->value_len, 0, 0, &sp)) < 0)
		return error;
	if (ev->data.scalar.anchor) {
		node->anchor = veil_doc__arena_dup(doc, (const char *)ev->data.scalar.anchor,
		                                   strlen((const char *)ev->data.scalar.anchor));
		if (!node->anchor || anchor_put(ps, node->anchor, node) < 0)
			return veil_error_oom();
		anchor_done(ps, node, 1, node->value_len);
	}
	if ((error = place_node(ps, node, &sp)) < 0 ||
	    (node->style != VEIL_STYLE_LITERAL && node->style != VEIL_STYLE_FOLDED))
		return error;
	return header_comment(ps, p);
}

static int on_alias(pstate *ps, const yaml_event_t *ev, size_t s, size_t e)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const anchor_slot *slot;
	veil_node *node;
	veil_span sp;
	int error;

	line_walk(&ps->lw, s, &sp);
	if (ps->depth && ps->stack[ps->depth - 1].node->kind == VEIL_NODE_MAP &&
	    ps->stack[ps->depth - 1].expect_key)
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col,
		                          "an alias as a key is not supported");
	slot = anchor_get(ps, name);
	if (!slot)
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col,
		                          "unknown anchor '%.*s'", (int)strnlen(name, 80), name);
	if (!slot->done) /* go-yaml's words */
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col,
		                          "anchor '%.*s' value contains itself",
		                          (int)strnlen(name, 80), name);
	if ((error = count(ps, 1 + slot->nodes, slot->bytes, slot->nodes, slot->bytes, &sp)) < 0)
		return error;
	node = veil_doc__node_new(ps->doc, VEIL_NODE_ALIAS);
	if (!node)
		return VEIL_ELIMIT;
	node->span = sp;
	node->span.end = e;
	node->target = slot->node;
	return place_node(ps, node, &sp);
}

static int on_collection_start(pstate *ps, const yaml_event_t *ev, size_t s, size_t *prev_end)
{
	int is_map = ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *anchor =
	        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	size_t props_end, p;
	veil_node *node;
	veil_span sp;
	frame *f;
	int error;

	if ((error = skip_all_props(ps, s, ps->doc->src_len, &props_end)) < 0)
		return error;
	p = skip_to_content(ps->doc->src, ps->doc->src_len, props_end);

	line_walk(&ps->lw, s, &sp);
	if (ps->depth && ps->stack[ps->depth - 1].node->kind == VEIL_NODE_MAP &&
	    ps->stack[ps->depth - 1].expect_key)
		return veil_doc__error_at(ps->doc, VEIL_EFORMAT, sp.line, sp.col,
		                          "a complex (non-scalar) key is not supported");
	if (ps->depth >= VEIL_DOC_MAX_DEPTH)
		return veil_doc__error_at(ps->doc, VEIL_ELIMIT, sp.line, sp.col,
		                          "nesting deeper than %d levels", VEIL_DOC_MAX_DEPTH);
	node = veil_doc__node_new(ps->doc, is_map ? VEIL_NODE_MAP : VEIL_NODE_SEQ);
	if (!node)
		return VEIL_ELIMIT;
	node->flow = is_map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
	                    : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	node->span = sp;
	if (anchor) {
		node->anchor = veil_doc__arena_dup(ps->doc, (const char *)anchor,
		                                   strlen((const char *)anchor));
		if (!node->anchor || anchor_put(ps, node->anchor, node) < 0)
			return veil_error_oom();
	}
	{
		/* The items' column: where the first key or "-" is. */
		veil_span first = sp;
		size_t save_pos = ps->lw.pos, save_line = ps->lw.line, save_ls = ps->lw.line_start;

		line_walk(&ps->lw, p, &first);
		ps->lw.pos = save_pos;
		ps->lw.line = save_line;
		ps->lw.line_start = save_ls;
		if (node->flow) {
			first.col = sp.col;
		} else if (anchor ||
		           (is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag)) {
			node->span.start = p;
			node->span.line = first.line;
		}
		learn_layout(ps, node, first.col - 1);
		if ((error = count(ps, 1, 0, 0, 0, &first)) < 0 ||
		    (error = place_node(ps, node, &first)) < 0)
			return error;
		f = &ps->stack[ps->depth++];
		memset(f, 0, sizeof(*f));
		f->node = node;
		f->col = first.col - 1;
		f->expect_key = is_map;
	}
	/* Comments between the properties and the first item are scanned as
	 * the next gap. */
	*prev_end = props_end;
	return 0;
}

static int on_collection_end(pstate *ps, size_t e)
{
	frame *f = &ps->stack[--ps->depth];
	veil_node *node = f->node;

	f->key = NULL;
	/* what it holds counts in its parent; an alias of it expands to it all */
	if (ps->depth) {
		ps->stack[ps->depth - 1].nodes += f->nodes;
		ps->stack[ps->depth - 1].bytes += f->bytes;
	}
	anchor_done(ps, node, 1 + f->nodes, f->bytes);
	node->span.end = node->flow ? e : ps->prev_end;
	if (node->span.end < node->span.start)
		node->span.end = node->span.start;
	if (node->kind == VEIL_NODE_MAP)
		return check_duplicates(ps, node);
	return 0;
}

/* Is the comment in [from, eol) (if any) at the end of a line with text
 * before it? */
static int ends_a_line(const char *src, size_t from, size_t eol)
{
	const char *h = memchr(src + from, '#', eol - from);
	size_t i;

	if (!h)
		return 0;
	for (i = (size_t)(h - src); i > 0 && src[i - 1] != '\n' && src[i - 1] != '\r'; i--)
		if (!is_blank(src[i - 1]))
			return 1;
	return 0;
}

/* A %YAML directive other than 1.1 (go-yaml, and so sops, reads no other):
 * its line, found in the gap before the document's start, is recorded for
 * veil_doc_yaml_drop_versions. */
static int note_version(pstate *ps, const yaml_event_t *ev, size_t from, size_t to)
{
	const yaml_version_directive_t *v = ev->data.document_start.version_directive;
	const char *src = ps->doc->src;
	veil_yaml_state *st = ps->st;
	size_t i = from, eol;
	void *grown;

	if (v->major == 1 && v->minor == 1)
		return 0;
	for (; i < to; i = eol + 1) {
		for (eol = i; eol < to && src[eol] != '\n'; eol++)
			;
		if (to - i >= 5 && !memcmp(src + i, "%YAML", 5) && (i == 0 || src[i - 1] == '\n'))
			break;
	}
	if (i >= to)
		return 0; /* not found where it must be: leave the text alone */
	grown = veil_array_grow(st->version_lines, &st->cap_version_lines, st->nversion_lines + 1,
	                        sizeof(*st->version_lines));
	if (!grown)
		return VEIL_ENOMEM;
	st->version_lines = grown;
	st->version_lines[st->nversion_lines][0] = i;
	st->version_lines[st->nversion_lines][1] = eol < to ? eol + 1 : eol;
	st->nversion_lines++;
	return 0;
}

static int on_event(pstate *ps, const yaml_event_t *ev)
{
	/* Marks count characters from after the BOM. */
	size_t s = ps->bom + veil_utf8_walk(&ps->cw, ev->start_mark.index);
	size_t e = ps->bom + veil_utf8_walk(&ps->cw, ev->end_mark.index);
	size_t next_end = e, gap_start = ps->prev_end;
	int opens = ev->type == YAML_MAPPING_START_EVENT || ev->type == YAML_SEQUENCE_START_EVENT;
	int error, split = 0;

	/* Comments just before a collection's first item are its own (a head
	 * comment of that item), so for collection starts the gap is read
	 * after the collection is open. */
	if (s >= gap_start && !opens) {
		error = scan_gap(ps, gap_start, s);
		if (error < 0)
			return error;
	} else if (s >= gap_start && ps->depth &&
	           ps->stack[ps->depth - 1].node->kind == VEIL_NODE_SEQ) {
		/* ... but end-of-line comments ("- x #c" before "- k: v", "-
		 * #c" before a nested item) are the sequence's, as before any
		 * other item, wherever the previous event ended: the text
		 * reads back the same after an edit */
		if ((error = scan_gap_some(ps, gap_start, s, 1)) < 0)
			return error;
		split = 1;
	}
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		veil_doc__budget_document(&ps->budget);
		error = root_slot(ps);
		if (!error && ev->data.document_start.version_directive)
			error = note_version(ps, ev, gap_start < s ? gap_start : s, e);
		break;
	case YAML_DOCUMENT_END_EVENT:
		ps->st->doc_end[ps->doc->nroots - 1] = s;
		ps->npending = 0;
		error = 0;
		break;
	case YAML_SCALAR_EVENT:
		error = on_scalar(ps, ev, s, e);
		break;
	case YAML_ALIAS_EVENT:
		error = on_alias(ps, ev, s, e);
		break;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		error = on_collection_start(ps, ev, s, &next_end);
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		error = on_collection_end(ps, e);
		break;
	default:
		error = 0;
		break;
	}
	if (!error && opens && s >= gap_start)
		error = scan_gap_some(ps, gap_start, s, split ? -1 : 0);
	if (next_end > ps->prev_end)
		ps->prev_end = next_end;
	return error;
}

static void state_free(void *p)
{
	veil_yaml_state *st = p;

	if (!st)
		return;
	free(st->doc_end);
	free(st->root_col);
	free(st->tagged);
	free(st->version_lines);
	free(st);
}

static int yaml_parse(veil_doc *doc)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	pstate *ps = NULL;
	size_t bom = 0, i;
	int error = 0, done = 0, inited = 0;

	if (doc->src_len >= 2 &&
	    ((unsigned char)doc->src[0] == 0xFF || (unsigned char)doc->src[0] == 0xFE ||
	     doc->src[0] == 0 || doc->src[1] == 0))
		return veil_doc__error_at(doc, VEIL_EFORMAT, 1, 1,
		                          "not UTF-8 (UTF-16 input is "
		                          "not supported)");
	if (doc->src_len >= 3 && memcmp(doc->src, "\xEF\xBB\xBF", 3) == 0)
		bom = 3;
	ps = calloc(1, sizeof(*ps));
	doc->codec_state = calloc(1, sizeof(veil_yaml_state));
	doc->codec_state_free = state_free;
	if (!ps || !doc->codec_state) {
		error = veil_error_oom();
		goto done;
	}
	ps->doc = doc;
	ps->st = doc->codec_state;
	ps->st->seq_indented = -1;
	ps->st->sops_seq_indented = -1;
	for (i = 0; i < doc->src_len; i++) {
		if (doc->src[i] == '\n') {
			ps->st->crlf = i > 0 && doc->src[i - 1] == '\r';
			break;
		}
	}
	veil_utf8_walker_init(&ps->cw, doc->src + bom, doc->src_len - bom);
	ps->lw = (line_walker){ doc->src, doc->src_len, bom, 0, bom, 1 };
	for (i = bom; i < doc->src_len; i++) {
		unsigned char c = (unsigned char)doc->src[i];

		if (c == '\r' || c == 0xC2 || c == 0xE2)
			ps->lw.lf_only = 0;
	}
	ps->prev_end = bom;
	ps->bom = bom;
	if (!yaml_parser_initialize(&parser)) {
		error = veil_error_oom();
		goto done;
	}
	inited = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc->src, doc->src_len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			error = parse_error(ps, &parser);
			goto done;
		}
		error = on_event(ps, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (error < 0)
			goto done;
	}
done:
	if (ps) {
		free(ps->pending);
		free(ps->anchors);
	}
	free(ps);
	if (inited)
		yaml_parser_delete(&parser);
	return error;
}

int veil_doc_indent_step(const veil_doc *doc)
{
	const veil_yaml_state *st = doc->format == VEIL_FMT_YAML ? doc->codec_state : NULL;

	return st ? st->indent : 0;
}

void veil_doc_set_indent_step(veil_doc *doc, int step)
{
	veil_yaml_state *st = doc->format == VEIL_FMT_YAML ? doc->codec_state : NULL;

	if (st && step > 0)
		st->indent = step;
}

const veil_codec veil_codec__yaml = {
	yaml_parse,
	veil_yaml__quote,
	veil_yaml__metadata,
	veil_yaml__set_metadata,
	veil_yaml__remove_metadata,
	veil_yaml__emit,
	veil_yaml__check_render,
	veil_yaml__quote_keep,
	NULL,
};
