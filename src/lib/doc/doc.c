/* The document core: lifetime, the node arena, accessors, builders and the
 * dispatch from a format to its codec. Edits and rendering live in edit.c. */
#include <sodium.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doc/internal.h"
#include "doc/yaml.h"
#include "util/secret.h"
#include "util/array.h"

static const veil_codec *codec_for(veil_doc_format fmt)
{
	switch (fmt) {
	case VEIL_FMT_YAML:
		return &veil_codec__yaml;
	case VEIL_FMT_JSON:
		return &veil_codec__json;
	case VEIL_FMT_DOTENV:
		return &veil_codec__dotenv;
	case VEIL_FMT_INI:
		return &veil_codec__ini;
	case VEIL_FMT_BINARY:
		return &veil_codec__binary;
	default:
		return NULL;
	}
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

veil_doc_format veil_doc_format_from_path(const char *path)
{
	size_t len = path ? strlen(path) : 0;

	/* sops compares suffixes case-sensitively (cmd/sops/formats). */
	if (ends_with(path, len, ".yaml") || ends_with(path, len, ".yml"))
		return VEIL_FMT_YAML;
	if (ends_with(path, len, ".json"))
		return VEIL_FMT_JSON;
	if (ends_with(path, len, ".env"))
		return VEIL_FMT_DOTENV;
	if (ends_with(path, len, ".ini"))
		return VEIL_FMT_INI;
	return VEIL_FMT_BINARY;
}

static const char *const format_names[] = {
	[VEIL_FMT_YAML] = "yaml", [VEIL_FMT_JSON] = "json",     [VEIL_FMT_DOTENV] = "dotenv",
	[VEIL_FMT_INI] = "ini",   [VEIL_FMT_BINARY] = "binary",
};

veil_doc_format veil_doc_format_parse(const char *name)
{
	size_t i;

	if (!name)
		return 0;
	for (i = VEIL_FMT_YAML; i <= VEIL_FMT_BINARY; i++)
		if (strcmp(name, format_names[i]) == 0)
			return (veil_doc_format)i;
	return 0;
}

const char *veil_doc_format_name(veil_doc_format fmt)
{
	if (fmt < VEIL_FMT_YAML || fmt > VEIL_FMT_BINARY)
		return "unknown";
	return format_names[fmt];
}

int veil_doc__error_at(const veil_doc *doc, int code, unsigned int line, unsigned int col,
                       const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return veil_error_set(code ? code : VEIL_EFORMAT, "%s:%u:%u: %s",
	                      doc && doc->name ? doc->name : "<input>", line, col, msg);
}

/*
 * The node arena: nodes (about 160 bytes each) and the source copy live in
 * large zeroed mappings instead of one malloc each. On a 10 MiB file with
 * 100k values, first-touch page faults on fresh heap memory cost more than
 * libyaml's whole parse; big chunks advised for transparent huge pages take
 * a fraction of the faults. Everything is wiped before it is unmapped.
 */
typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* of the mapping, header included */
	size_t used;
} arena_chunk;

#define ARENA_FIRST (64u * 1024)
#define ARENA_HUGE  (2u * 1024 * 1024)
#define ARENA_MAX   (64u * 1024 * 1024)
#define ARENA_HDR   ((sizeof(arena_chunk) + 15) & ~(size_t)15)

/*
 * A file decrypted in pieces (veil_sops_decrypt_chunked) parses hundreds of
 * small documents one after another. Fresh pages cost a fault and a clear
 * each, so the chunks of a freed document are kept, wiped (hence zeroed
 * again), for the next one on this thread.
 */
#define CACHE_SLOTS     8
#define CACHE_MAX_CHUNK (4u * 1024 * 1024)
static _Thread_local arena_chunk *cache[CACHE_SLOTS];

static void *cache_take(size_t size)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		arena_chunk *c = cache[i];

		if (c && c->size == size) {
			cache[i] = NULL;
			return c;
		}
	}
	return NULL;
}

static int cache_put(arena_chunk *c)
{
	if (c->size > CACHE_MAX_CHUNK)
		return 0;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (!cache[i]) {
			cache[i] = c;
			return 1;
		}
	}
	return 0;
}

void veil_doc_thread_cleanup(void)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i])
			munmap(cache[i], cache[i]->size);
		cache[i] = NULL;
	}
}

static void *chunk_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		veil_error_set(VEIL_ENOMEM, "cannot map %zu bytes", size);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	if (size >= ARENA_HUGE)
		madvise(p, size, MADV_HUGEPAGE);
#endif
#ifdef MADV_DONTDUMP
	madvise(p, size, MADV_DONTDUMP); /* decrypted values live here */
#endif
	return p;
}

static void *arena_alloc(veil_doc *doc, size_t n)
{
	arena_chunk *c = doc->arena;
	size_t size;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n) {
		/* Small documents (a Secret) start with 64 KiB: a first huge page
		 * costs a 2 MiB clear, more than the whole decryption. */
		size = c ? c->size * 2 : ARENA_FIRST;
		if (size > ARENA_MAX)
			size = ARENA_MAX;
		if (size < n + ARENA_HDR)
			size = (n + ARENA_HDR + ARENA_HUGE - 1) & ~((size_t)ARENA_HUGE - 1);
		if (!(p = cache_take(size)) && !(p = chunk_map(size)))
			return NULL;
		c = p;
		c->next = doc->arena;
		c->size = size;
		c->used = ARENA_HDR;
		doc->arena = c;
	}
	p = (char *)c + c->used;
	c->used += n;
	return p;
}

char *veil_doc__arena_dup(veil_doc *doc, const char *s, size_t len)
{
	char *p = len < SIZE_MAX - 16 ? arena_alloc(doc, len + 1) : NULL;

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static int arena_owns(const veil_doc *doc, const void *p)
{
	const arena_chunk *c;

	for (c = doc->arena; c; c = c->next)
		if ((const char *)p >= (const char *)c &&
		    (const char *)p < (const char *)c + c->size)
			return 1;
	return 0;
}

static void arena_free(veil_doc *doc)
{
	arena_chunk *c = doc->arena;

	while (c) {
		arena_chunk *next = c->next;
		size_t size = c->size;

		sodium_memzero(c, c->used);
		c->size = size;
		if (!cache_put(c))
			munmap(c, size);
		c = next;
	}
	doc->arena = NULL;
}

static int doc_alloc(veil_doc **out, veil_doc_format fmt, const veil_codec *codec, const char *name)
{
	veil_doc *doc;

	*out = NULL;
	if (fmt < VEIL_FMT_YAML || fmt > VEIL_FMT_BINARY)
		return veil_error_set(VEIL_EINVAL, "unknown document format %d", (int)fmt);
	if (!codec)
		return veil_error_set(VEIL_EUNSUPPORTED, "format %s not available",
		                      veil_doc_format_name(fmt));
	doc = calloc(1, sizeof(*doc));
	if (!doc)
		return veil_error_oom();
	doc->format = fmt;
	doc->codec = codec;
	doc->name = strdup(name ? name : "<input>");
	doc->src = arena_alloc(doc, 1);
	if (!doc->name || !doc->src) {
		veil_doc_free(doc);
		return veil_error_oom();
	}
	*out = doc;
	return 0;
}

int veil_doc_new(veil_doc **out, veil_doc_format fmt)
{
	return doc_alloc(out, fmt, codec_for(fmt), "<new>");
}

enum { SRC_COPY, SRC_BORROW, SRC_TAKE };

/* A taken source not handed to a document is still ours to release. */
static void release_taken(char *src, size_t len, int mode)
{
	if (mode == SRC_TAKE && src) {
		sodium_memzero(src, len);
		free(src);
	}
}

static int parse_source(veil_doc **out, veil_doc_format fmt, const veil_codec *codec,
                        const char *src, size_t len, const char *name, int mode)
{
	veil_doc *doc = NULL;
	int error;

	*out = NULL;
	if (!src && len)
		error = veil_error_set(VEIL_EINVAL, "no source");
	else if (len > VEIL_DOC_MAX_SIZE)
		error = veil_error_set(VEIL_ELIMIT, "%s: document larger than %u bytes",
		                       name ? name : "<input>", VEIL_DOC_MAX_SIZE);
	else if (mode == SRC_TAKE && (!src || src[len] != '\0'))
		error = veil_error_set(VEIL_EINVAL, "source is not NUL-terminated");
	else
		error = doc_alloc(&doc, fmt, codec, name);
	if (error < 0) {
		release_taken((char *)src, len, mode);
		return error;
	}
	if (mode != SRC_COPY) {
		/* the codecs only read src */
		doc->src = (char *)src;
		doc->src_taken = mode == SRC_TAKE;
	} else {
		doc->src = arena_alloc(doc, len + 1);
		if (!doc->src) {
			error = VEIL_ENOMEM;
			goto done;
		}
		if (len)
			memcpy(doc->src, src, len);
		doc->src[len] = '\0';
	}
	doc->src_len = len;
	error = doc->codec->parse(doc);
	if (error < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	veil_doc_free(doc);
	return error;
}

int veil_doc__parse_with(veil_doc **out, veil_doc_format fmt, const veil_codec *codec,
                         const char *src, size_t len, const char *name)
{
	return parse_source(out, fmt, codec, src, len, name, SRC_COPY);
}

int veil_doc__parse_borrowed(veil_doc **out, veil_doc_format fmt, const veil_codec *codec,
                             const char *src, size_t len, const char *name)
{
	return parse_source(out, fmt, codec, src, len, name, SRC_BORROW);
}

int veil_doc_parse(veil_doc **out, veil_doc_format fmt, const char *src, size_t len,
                   const char *name)
{
	return veil_doc__parse_with(out, fmt, codec_for(fmt), src, len, name);
}

int veil_doc_parse_take(veil_doc **out, veil_doc_format fmt, char *src, size_t len,
                        const char *name)
{
	return parse_source(out, fmt, codec_for(fmt), src, len, name, SRC_TAKE);
}

int veil_doc_reset(veil_doc *doc, const char *src, size_t len)
{
	veil_doc *fresh = NULL, old;
	int error = parse_source(&fresh, doc->format, doc->codec, src, len, doc->name, SRC_COPY);

	if (error < 0)
		return error;
	/* the caller's handle now holds the new parse; the old one is freed */
	old = *doc;
	*doc = *fresh;
	*fresh = old;
	veil_doc_free(fresh);
	return 0;
}

/* Strings come from the arena (parsers) or from malloc (builders). */
static void node_free(const veil_doc *doc, veil_node *node)
{
	if (node->value && !arena_owns(doc, node->value))
		veil_wipe_free(node->value, node->value_len + 1);
	if (node->key && !arena_owns(doc, node->key))
		free(node->key);
	if (node->anchor && !arena_owns(doc, node->anchor))
		free(node->anchor);
	free(node->items);
}

void veil_doc_free(veil_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nnodes; i++)
		node_free(doc, doc->nodes[i]);
	free(doc->nodes);
	free(doc->edits); /* their strings are in the arena, wiped with it */
	if (doc->codec_state && doc->codec_state_free)
		doc->codec_state_free(doc->codec_state);
	free(doc->roots);
	if (doc->src_taken) {
		sodium_memzero(doc->src, doc->src_len);
		free(doc->src);
	}
	arena_free(doc);
	free(doc->name);
	free(doc);
}

veil_doc_format veil_doc_format_of(const veil_doc *doc)
{
	return doc->format;
}

size_t veil_doc_count(const veil_doc *doc)
{
	return doc->nroots;
}

veil_node *veil_doc_root(const veil_doc *doc, size_t i)
{
	return i < doc->nroots ? doc->roots[i] : NULL;
}

veil_node *veil_node_get(const veil_node *map, const char *key)
{
	size_t i, len;

	if (!map || map->kind != VEIL_NODE_MAP || !key)
		return NULL;
	len = strlen(key);
	for (i = 0; i < map->nitems; i++) {
		veil_node *it = map->items[i];

		if (it->key && it->key_len == len && memcmp(it->key, key, len) == 0)
			return it;
	}
	return NULL;
}

veil_node *veil_doc__node_new(veil_doc *doc, veil_node_kind kind)
{
	veil_node *node;

	if (doc->nnodes == doc->cap_nodes) {
		veil_node **p;

		if (doc->nnodes >= VEIL_DOC_MAX_NODES) {
			veil_error_set(VEIL_ELIMIT, "%s: more than %u nodes", doc->name,
			               VEIL_DOC_MAX_NODES);
			return NULL;
		}
		p = veil_array_grow(doc->nodes, &doc->cap_nodes, doc->nnodes + 1, sizeof(*p));
		if (!p)
			return NULL;
		doc->nodes = p;
	}
	node = arena_alloc(doc, sizeof(*node)); /* zeroed: fresh mapping */
	if (!node)
		return NULL;
	node->kind = kind;
	doc->nodes[doc->nnodes++] = node;
	return node;
}

static char *dup_bytes(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int veil_doc__node_set_value(veil_node *node, const char *s, size_t len)
{
	char *p = dup_bytes(s, len);

	if (!p)
		return veil_error_oom();
	if (node->value)
		veil_wipe_free(node->value, node->value_len + 1);
	node->value = p;
	node->value_len = len;
	return 0;
}

int veil_doc__node_set_key(veil_node *node, const char *s, size_t len)
{
	char *p = dup_bytes(s, len);

	if (!p)
		return veil_error_oom();
	free(node->key);
	node->key = p;
	node->key_len = len;
	return 0;
}

/* Item arrays grow in powers of two; the capacity is implied by nitems. */
int veil_doc__node_append(veil_node *parent, veil_node *child)
{
	size_t n = parent->nitems;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n ? n * 2 : 4;
		veil_node **p = realloc(parent->items, cap * sizeof(*p));

		if (!p)
			return veil_error_oom();
		parent->items = p;
	}
	parent->items[n] = child;
	parent->nitems = n + 1;
	child->parent = parent;
	return 0;
}

veil_node *veil_doc_build_map(veil_doc *doc)
{
	return veil_doc__node_new(doc, VEIL_NODE_MAP);
}

veil_node *veil_doc_build_seq(veil_doc *doc)
{
	return veil_doc__node_new(doc, VEIL_NODE_SEQ);
}

veil_node *veil_doc_build_scalar(veil_doc *doc, const char *value, size_t len,
                                 veil_scalar_type type)
{
	veil_node *node = veil_doc__node_new(doc, VEIL_NODE_SCALAR);

	if (!node)
		return NULL;
	if (veil_doc__node_set_value(node, value ? value : "", value ? len : 0) < 0)
		return NULL; /* the node stays in the arena and is freed with doc */
	node->type = type;
	node->style = VEIL_STYLE_PLAIN;
	return node;
}

int veil_doc_add_item(veil_node *parent, const char *key, veil_node *child)
{
	int error;

	if (!parent || !child)
		return veil_error_set(VEIL_EINVAL, "add_item: no parent or child");
	if (parent->kind == VEIL_NODE_MAP) {
		if (!key && child->kind != VEIL_NODE_COMMENT)
			return veil_error_set(VEIL_EINVAL, "add_item: a map item needs a key");
		if (key) {
			error = veil_doc__node_set_key(child, key, strlen(key));
			if (error < 0)
				return error;
		}
	} else if (parent->kind == VEIL_NODE_SEQ) {
		if (key)
			return veil_error_set(VEIL_EINVAL, "add_item: a sequence item has no key");
	} else {
		return veil_error_set(VEIL_EINVAL, "add_item: parent is not a map or sequence");
	}
	return veil_doc__node_append(parent, child);
}

veil_node *veil_doc_metadata(const veil_doc *doc)
{
	if (!doc || !doc->codec->metadata)
		return NULL;
	return doc->codec->metadata(doc);
}

int veil_doc_set_metadata(veil_doc *doc, const veil_node *meta)
{
	if (!doc || !meta || meta->kind != VEIL_NODE_MAP)
		return veil_error_set(VEIL_EINVAL, "set_metadata: metadata must be a map");
	if (!doc->codec->set_metadata)
		return veil_error_set(VEIL_EUNSUPPORTED, "%s: cannot write metadata",
		                      veil_doc_format_name(doc->format));
	return doc->codec->set_metadata(doc, meta);
}

int veil_doc_remove_metadata(veil_doc *doc)
{
	if (!doc || !doc->codec->remove_metadata)
		return veil_error_set(VEIL_EUNSUPPORTED, "cannot remove metadata");
	return doc->codec->remove_metadata(doc);
}

int veil_doc_metadata_range(const veil_doc *doc, size_t *start, size_t *end)
{
	if (!doc || doc->format != VEIL_FMT_YAML)
		return veil_error_set(VEIL_EUNSUPPORTED, "metadata range: YAML only");
	return veil_yaml__metadata_range(doc, start, end);
}

int veil_doc_emit(char **out, size_t *out_len, veil_doc_format fmt, veil_node *const *roots,
                  size_t nroots, int indent)
{
	const veil_codec *codec = codec_for(fmt);
	veil_buf b = VEIL_BUF_INIT(4 * (size_t)VEIL_DOC_MAX_SIZE);
	int error;

	*out = NULL;
	*out_len = 0;
	if (!codec || !codec->emit)
		return veil_error_set(VEIL_EUNSUPPORTED, "format %s not available",
		                      veil_doc_format_name(fmt));
	if (indent < 0 || indent > 16)
		return veil_error_set(VEIL_EINVAL, "indent %d out of range", indent);
	error = codec->emit(&b, roots, nroots, indent);
	if (error < 0) {
		veil_buf_dispose(&b);
		return error;
	}
	if (!b.data && veil_buf_append(&b, "", 0) < 0)
		return VEIL_ENOMEM;
	*out = (char *)veil_buf_detach(&b, out_len);
	return 0;
}
