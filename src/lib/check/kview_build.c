/*
 * The Kubernetes view (kview.h), its tree: libyaml's events into nodes per
 * document, in an arena wiped and freed when the document was given;
 * anchors registered when their node ends (an alias inside its own anchor
 * is refused, as go-yaml does: no cycles); !!binary decoded; a document
 * cut short by a syntax error or a limit given as far as it was read.
 */
#include "check/kview_int.h"
#include "util/b64.h"
#include "veil/error.h"
#include "util/array.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void *alloc(veil_check__kview *v, size_t n)
{
	struct veil_check__kv_block *b = v->blocks;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = v->blocks;
		v->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

/* A document's memory goes when the next starts: wiped (values are
 * secrets) and freed. */
void veil_check__kv_reset(veil_check__kview *v)
{
	while (v->blocks) {
		struct veil_check__kv_block *b = v->blocks;
		v->blocks = b->next;
		sodium_memzero(b->data, b->used);
		free(b);
	}
	if (v->anchors)
		memset(v->anchors, 0, v->capanchors * sizeof(*v->anchors));
	v->nanchors = 0;
	v->depth = 0;
	v->nkids = 0;
	v->root = NULL;
	v->in_doc = 0;
	v->nnodes = 0;
	v->error = NULL;
	v->limit = 0;
	v->skip = 0;
}

static char *dup(veil_check__kview *v, const char *s, size_t n)
{
	char *p = alloc(v, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static size_t hash(const char *s)
{
	size_t h = (size_t)1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
	return h;
}

static int anchor_put(veil_check__kview *v, const char *name, veil_check__kn *node)
{
	size_t i, mask;

	if ((v->nanchors + 1) * 2 > v->capanchors) {
		size_t cap = v->capanchors ? v->capanchors * 2 : ANCHORS_MIN;
		struct veil_check__kv_anchor *t = calloc(cap, sizeof(*t));
		if (!t)
			return veil_error_oom();
		for (size_t j = 0; j < v->capanchors; j++) {
			if (!v->anchors[j].name)
				continue;
			for (i = hash(v->anchors[j].name) & (cap - 1); t[i].name;
			     i = (i + 1) & (cap - 1))
				;
			t[i] = v->anchors[j];
		}
		free(v->anchors);
		v->anchors = t;
		v->capanchors = cap;
	}
	mask = v->capanchors - 1;
	for (i = hash(name) & mask; v->anchors[i].name; i = (i + 1) & mask) {
		if (!strcmp(v->anchors[i].name, name)) {
			v->anchors[i].node = node; /* a later anchor of that name wins */
			return 0;
		}
	}
	v->anchors[i].name = name;
	v->anchors[i].node = node;
	v->nanchors++;
	return 0;
}

static veil_check__kn *anchor_get(const veil_check__kview *v, const char *name)
{
	size_t mask = v->capanchors - 1;

	if (!v->capanchors)
		return NULL;
	for (size_t i = hash(name) & mask; v->anchors[i].name; i = (i + 1) & mask)
		if (!strcmp(v->anchors[i].name, name))
			return v->anchors[i].node;
	return NULL;
}

static size_t byte_at(veil_check__kview *v, size_t char_index)
{
	size_t off = veil_utf8_walk(&v->w, char_index), lo = 0, hi = v->nrm;

	/* the last removal at or before off */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->rm[mid].at <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return v->base + off + (lo ? v->rm[lo - 1].total : 0);
}

static veil_check__kn *node_new(veil_check__kview *v, int kind, const yaml_event_t *ev)
{
	veil_check__kn *n;

	if (v->nnodes >= MAX_NODES) {
		v->error = ERR_TOO_LARGE;
		v->limit = 1;
		return NULL;
	}
	n = alloc(v, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->start = byte_at(v, ev->start_mark.index);
	n->end = byte_at(v, ev->end_mark.index);
	v->nnodes++;
	return n;
}

static int push_kid(veil_check__kview *v, veil_check__kn *n)
{
	if (!v->depth) {
		if (!v->root)
			v->root = n;
		return 0;
	}
	if (v->nkids == v->capkids) {
		veil_check__kn **k =
		        veil_array_grow(v->kids, &v->capkids, v->nkids + 1, sizeof(*k));
		if (!k)
			return VEIL_ENOMEM;
		v->kids = k;
	}
	v->kids[v->nkids++] = n;
	return 0;
}

/* What go-yaml v2 reads a plain scalar or a !!null as null. */
static int is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value,
	           *tag = (const char *)ev->data.scalar.tag;
	size_t n = ev->data.scalar.length;

	if (tag)
		return !strcmp(tag, TAG_NULL);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n == 0 || (n == 1 && s[0] == '~') ||
	       (n == 4 &&
	        (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

/* !!binary: the bytes the base64 stands for (line breaks and blanks, which
 * a block scalar brings, are dropped first); as written if it is no base64. */
static int binary_value(veil_check__kview *v, veil_check__kn *n, const char *s, size_t len)
{
	char *clean = alloc(v, len + 1);
	uint8_t *out = alloc(v, len + 1);
	size_t k = 0, olen = 0;

	if (!clean || !out)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] > ' ')
			clean[k++] = s[i];
	if (veil_b64_decode_padded(out, len, &olen, clean, k) != 0) {
		veil_error_clear();
		return 1;
	}
	out[olen] = '\0';
	n->v = (const char *)out;
	n->vlen = olen;
	return 0;
}

static int on_scalar(veil_check__kview *v, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	veil_check__kn *n = node_new(v, KV_SCALAR, ev);
	int r = 1;

	if (!n)
		return v->error ? 1 : veil_error_oom();
	n->null = (uint8_t)is_null(ev);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag;
	if (tag && !strcmp(tag, TAG_BINARY))
		r = binary_value(v, n, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (r < 0)
		return veil_error_oom();
	if (r > 0) {
		n->v = dup(v, (const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->vlen = ev->data.scalar.length;
		if (!n->v)
			return veil_error_oom();
	}
	if (ev->data.scalar.anchor) {
		const char *name = dup(v, (const char *)ev->data.scalar.anchor,
		                       strlen((const char *)ev->data.scalar.anchor));
		if (!name || anchor_put(v, name, n) < 0)
			return veil_error_oom();
	}
	return push_kid(v, n);
}

static int on_alias(veil_check__kview *v, const yaml_event_t *ev)
{
	veil_check__kn *t = anchor_get(v, (const char *)ev->data.alias.anchor), *n;

	if (!t) {
		/* go-yaml refuses it too ("unknown anchor"): the document ends */
		v->error = "an alias of an unknown anchor";
		return 1;
	}
	n = node_new(v, KV_ALIAS, ev);
	if (!n)
		return v->error ? 1 : veil_error_oom();
	n->target = t;
	return push_kid(v, n);
}

static int on_start(veil_check__kview *v, const yaml_event_t *ev)
{
	int map = ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *anchor =
	        map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	veil_check__kn *n;
	struct veil_check__kv_frame *f;
	int error;

	if (v->depth == MAX_DEPTH) {
		/* deeper than the tree goes: a null stands for the subtree, read
		 * on without building it (a Secret's values are never that
		 * deep, and an unknown field that deep must not hide them) */
		n = node_new(v, KV_SCALAR, ev);
		if (!n)
			return v->error ? 1 : veil_error_oom();
		n->null = 1;
		n->v = "";
		if (anchor) {
			const char *name =
			        dup(v, (const char *)anchor, strlen((const char *)anchor));
			if (!name || anchor_put(v, name, n) < 0)
				return veil_error_oom();
		}
		v->skip = 1;
		return push_kid(v, n);
	}
	n = node_new(v, map ? KV_MAP : KV_SEQ, ev);
	if (!n)
		return v->error ? 1 : veil_error_oom();
	n->flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
	              : ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	if ((error = push_kid(v, n)) < 0)
		return error;
	f = &v->stack[v->depth++];
	f->node = n;
	f->base = v->nkids;
	f->anchor = NULL;
	if (anchor && !(f->anchor = dup(v, (const char *)anchor, strlen((const char *)anchor))))
		return veil_error_oom();
	return 0;
}

/* Closes the innermost collection (at end, a byte offset). */
static int close_top(veil_check__kview *v, size_t end)
{
	struct veil_check__kv_frame *f = &v->stack[--v->depth];
	veil_check__kn *n = f->node;
	size_t k = v->nkids - f->base;

	if (n->kind == KV_MAP && k % 2)
		k--; /* a key whose value never came (a document cut short) */
	if (k) {
		n->kids = alloc(v, k * sizeof(*n->kids));
		if (!n->kids)
			return veil_error_oom();
		memcpy(n->kids, v->kids + f->base, k * sizeof(*n->kids));
	}
	n->nkids = k;
	n->end = end > n->start ? end : n->start;
	v->nkids = f->base;
	if (f->anchor && anchor_put(v, f->anchor, n) < 0)
		return veil_error_oom();
	return 0;
}

static int give(veil_check__kview *v, const char *error, size_t error_off)
{
	veil_check__kdoc d;
	int rc;

	d.root = v->root;
	d.index = v->ndocs++;
	d.partial = error != NULL;
	d.error = error;
	d.error_off = error_off;
	d.limit = v->limit;
	d.start = v->doc_start;
	v->budget = 16 * v->nnodes > MIN_BUDGET ? 16 * v->nnodes : MIN_BUDGET;
	v->exhausted = 0;
	rc = v->fn(v->arg, v, &d);
	veil_check__kv_reset(v);
	return rc;
}

/* Ends a document cut short at byte off: what was read of it is given. */
int veil_check__kv_cut_short(veil_check__kview *v, const char *why, size_t off)
{
	int error;

	while (v->depth)
		if ((error = close_top(v, off)) < 0)
			return error;
	return give(v, why, off);
}

/* Inside a subtree past the depth cap: only its anchored scalars are
 * kept (an alias elsewhere may use them), detached. */
static int skipping(veil_check__kview *v, const yaml_event_t *ev)
{
	veil_check__kn *n;
	const char *name;

	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		v->skip++;
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		v->skip--;
		return 0;
	case YAML_SCALAR_EVENT:
		if (!ev->data.scalar.anchor)
			return 0;
		n = node_new(v, KV_SCALAR, ev);
		name = n ? dup(v, (const char *)ev->data.scalar.anchor,
		               strlen((const char *)ev->data.scalar.anchor))
		         : NULL;
		if (n && (n->v = dup(v, (const char *)ev->data.scalar.value,
		                     ev->data.scalar.length)) != NULL)
			n->vlen = ev->data.scalar.length;
		if (!n || !name || !n->v)
			return v->error ? 1 : veil_error_oom();
		return anchor_put(v, name, n);
	default:
		return 0;
	}
}

static int on_event(veil_check__kview *v, const yaml_event_t *ev)
{
	if (v->skip)
		return skipping(v, ev);
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		veil_check__kv_reset(v);
		v->in_doc = 1;
		v->doc_start = byte_at(v, ev->start_mark.index);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		v->in_doc = 0;
		return give(v, NULL, 0);
	case YAML_SCALAR_EVENT:
		return on_scalar(v, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(v, ev);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		return on_start(v, ev);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return v->depth ? close_top(v, byte_at(v, ev->end_mark.index)) : 0;
	default:
		return 0;
	}
}

int veil_check__kv_read_chunk(veil_check__kview *v, size_t base, size_t len, const char *text,
                              size_t *stop)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	*stop = SIZE_MAX;
	v->base = base;
	/* v->rm, v->nrm: set by the caller for this chunk */
	veil_utf8_walker_init(&v->w, text, len);
	if (!yaml_parser_initialize(&p))
		return veil_error_oom();
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			size_t off;
			if (p.error == YAML_MEMORY_ERROR) {
				rc = veil_error_oom();
				break;
			}
			off = byte_at(v, p.problem_mark.index);
			*stop = off;
			v->syntax = p.problem ? p.problem : "invalid YAML";
			if (!v->defer && (v->in_doc || v->depth || v->root))
				rc = veil_check__kv_cut_short(v, v->syntax, off);
			break;
		}
		rc = on_event(v, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		if (rc > 0 && v->error) {
			/* the document's own limit: it ends here, reading goes on */
			*stop = byte_at(v, ev.start_mark.index);
			rc = veil_check__kv_cut_short(v, v->error, *stop);
			v->cut = 1;
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}
