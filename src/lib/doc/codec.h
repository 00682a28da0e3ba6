#ifndef VEIL_DOC_CODEC_H
#define VEIL_DOC_CODEC_H
/*
 * What each format implements (yaml.c, json.c, dotenv.c, ini.c, binary.c)
 * and the shared document core (doc.c: node allocation, the edit list,
 * rendering by splicing, builders) they use.
 */
#include "util/buf.h"
#include "veil/doc.h"

/* One pending replacement of source bytes [start, end) by text. node is the
 * edited node (NULL for structural edits such as the metadata block); it is
 * used to verify the rendered output. An edit with a node but no want is the
 * second part of a node's text (see veil_quote_keep), not checked itself. */
typedef struct veil_doc_edit {
	size_t start;
	size_t end;
	char *text;
	size_t text_len;
	veil_node *node;
	char *want; /* the value node must read back as */
	size_t want_len;
	veil_scalar_type want_type;
	size_t seq; /* order of creation, for veil_doc_edits_rollback */
} veil_doc_edit;

struct veil_render_check;

/* Source bytes a quote leaves in place inside the range it replaces: [start,
 * end) stay as they are, the first cut bytes of the text go before them and
 * the rest after, as two edits of the node (a YAML block scalar written
 * around the comment on its header line, which is a node of its own).
 * end == 0: nothing is kept. */
typedef struct veil_quote_keep {
	size_t start;
	size_t end;
	size_t cut;
} veil_quote_keep;

typedef struct veil_codec {
	/* Fills doc->roots from doc->src; errors carry doc->name:line:col. */
	int (*parse)(veil_doc *doc);
	/* Appends to out the text that replaces node's span so that it reads
	 * back as value of type; may widen [*start, *end) (e.g. a YAML block
	 * scalar's trailing line breaks), both preset to node->span. */
	int (*quote)(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
	             const veil_node *node, const char *value, size_t len, veil_scalar_type type);
	/* Metadata: find it (as a tree built in doc), write it (as edits), remove it. */
	veil_node *(*metadata)(const veil_doc *doc);
	int (*set_metadata)(veil_doc *doc, const veil_node *meta);
	int (*remove_metadata)(veil_doc *doc);
	/* Fresh emission of whole documents. */
	int (*emit)(veil_buf *out, veil_node *const *roots, size_t nroots, int indent);
	/* Optional fast render check (see veil_render_check): 1 when out reads
	 * back right, 0 when unsure, and edit.c re-parses out in full. */
	int (*check_render)(const veil_doc *doc, const char *out, size_t len,
	                    const struct veil_render_check *chk);
	/* Optional; veil_doc_set_value calls it instead of quote when set: as
	 * quote, and may keep source bytes inside the range (see above). */
	int (*quote_keep)(veil_buf *out, size_t *start, size_t *end, veil_quote_keep *keep,
	                  const veil_doc *doc, const veil_node *node, const char *value, size_t len,
	                  veil_scalar_type type);
	/* Optional: the whole rendered text when it is not the source with the
	 * edits spliced in (a decrypted binary file is its data value itself,
	 * as sops writes it). 1 with *out malloc'd, 0 to splice as usual, or
	 * an error. */
	int (*render_whole)(char **out, size_t *out_len, const veil_doc *doc);
} veil_codec;

/* What a render check needs from edit.c: the edit of a node (NULL if none),
 * how many edits have a node, and whether metadata edits changed the root
 * "sops" entry (then it is ignored on both sides). */
typedef struct veil_render_check {
	const veil_doc_edit *(*edit_of)(void *ctx, const veil_node *node);
	void *ctx;
	size_t nedited;
	int skip_sops;
} veil_render_check;

struct veil_doc {
	veil_doc_format format;
	const veil_codec *codec;
	char *name; /* for messages */
	char *src;  /* NUL-terminated copy of the source */
	size_t src_len;
	int src_taken;     /* src is the caller's malloc'd buffer: wipe, free */
	veil_node **roots; /* one per document; an entry may be NULL (empty YAML doc) */
	size_t nroots;
	veil_doc_edit *edits;
	size_t nedits;
	size_t cap_edits;
	size_t edit_seq; /* sequence number of the next edit */
	/* node arena */
	veil_node **nodes;
	size_t nnodes;
	size_t cap_nodes;
	void *codec_state; /* per-codec data (e.g. detected YAML indent) */
	void (*codec_state_free)(void *state);
	void *arena; /* doc.c: big zeroed chunks holding the nodes and src */
};

extern const veil_codec veil_codec__yaml;
extern const veil_codec veil_codec__json;
extern const veil_codec veil_codec__dotenv;
extern const veil_codec veil_codec__ini;
extern const veil_codec veil_codec__binary;

/* A new zeroed node owned by doc (NULL + message on failure or past the cap). */
veil_node *veil_doc__node_new(veil_doc *doc, veil_node_kind kind);
/* Sets node->value / ->key to a copy of s. */
int veil_doc__node_set_value(veil_node *node, const char *s, size_t len);
int veil_doc__node_set_key(veil_node *node, const char *s, size_t len);
/* Appends child to parent's items (sets child->parent). */
int veil_doc__node_append(veil_node *parent, veil_node *child);
/* Queues a raw edit (text copied); overlapping edits are an error. */
int veil_doc__edit_add(veil_doc *doc, size_t start, size_t end, const char *text, size_t len,
                       veil_node *node, const char *want, size_t want_len,
                       veil_scalar_type want_type);
/* An error "name:line:col: message" (VEIL_EFORMAT unless code given). */
int veil_doc__error_at(const veil_doc *doc, int code, unsigned int line, unsigned int col,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* go-yaml v3's resolution of a plain scalar's type (also used for JSON
 * numbers and literals and when deciding whether a value may stay plain). */
veil_scalar_type veil_doc__resolve_plain(const char *s, size_t len);

#endif
