#ifndef VEIL_DOC_H
#define VEIL_DOC_H

/*
 * Documents: one tree model for YAML, JSON, dotenv and INI, and the codecs
 * that read them and write them back.
 *
 * veil changes files by editing text, not by re-emitting it: each codec
 * records the byte span of every scalar and comment it parsed, the caller
 * (the SOPS layer) asks for new values on some of them, and rendering
 * splices the new text into the original bytes. Indentation, blank lines,
 * key order and untouched quoting stay byte-identical. A fresh emitter
 * exists too, for --output-type conversions and for documents built from
 * scratch.
 *
 * The tree is read-only for callers except through the functions below.
 * Nodes are owned by their veil_doc and live until veil_doc_free().
 */

#include <stddef.h>
#include <stdint.h>
#include "veil/error.h"

VEIL_BEGIN_DECL

typedef enum veil_doc_format {
	VEIL_FMT_YAML = 1,
	VEIL_FMT_JSON = 2,
	VEIL_FMT_DOTENV = 3,
	VEIL_FMT_INI = 4,
	VEIL_FMT_BINARY = 5, /* whole file as one string under "data" (a JSON envelope) */
} veil_doc_format;

typedef enum veil_node_kind {
	VEIL_NODE_MAP = 1,
	VEIL_NODE_SEQ = 2,
	VEIL_NODE_SCALAR = 3,
	VEIL_NODE_COMMENT = 4, /* a comment line, as an item of its map or sequence */
	VEIL_NODE_ALIAS = 5,   /* YAML *alias; target is the anchored node */
} veil_node_kind;

/* Scalar types as go-yaml v3 resolves them (YAML 1.2 core schema plus
 * timestamps), which decides sops's type: tag and MAC bytes. */
typedef enum veil_scalar_type {
	VEIL_SCALAR_NULL = 1,
	VEIL_SCALAR_STR = 2,
	VEIL_SCALAR_INT = 3,
	VEIL_SCALAR_FLOAT = 4,
	VEIL_SCALAR_BOOL = 5,
	VEIL_SCALAR_TIME = 6,
} veil_scalar_type;

typedef enum veil_scalar_style {
	VEIL_STYLE_PLAIN = 1,
	VEIL_STYLE_SINGLE = 2,  /* 'x' */
	VEIL_STYLE_DOUBLE = 3,  /* "x" (also every JSON string) */
	VEIL_STYLE_LITERAL = 4, /* | */
	VEIL_STYLE_FOLDED = 5,  /* > */
} veil_scalar_style;

/* A byte range [start, end) of the source, with the 1-based line and column
 * of start (columns count bytes). */
typedef struct veil_span {
	size_t start;
	size_t end;
	unsigned int line;
	unsigned int col;
} veil_span;

typedef struct veil_node veil_node;
struct veil_node {
	veil_node_kind kind;
	veil_node *parent; /* NULL for a document root */

	/* As an item of a map: the key (decoded) and its span; NULL otherwise.
	 * Comments inside a map have no key. */
	char *key;
	size_t key_len;
	veil_span key_span;

	/* Scalars: decoded value (NUL-terminated; len excludes the NUL).
	 * Comments: the text after the '#' (or ';' in INI), without the newline. */
	char *value;
	size_t value_len;
	veil_scalar_type type;
	veil_scalar_style style;
	int inline_comment; /* comment at the end of a line that holds a value */

	/* The node's own bytes: scalar token with quotes or block indicator;
	 * comment from its marker to the end of the line; map/seq: all of it. */
	veil_span span;

	/* Maps and sequences: items in document order, comments included. */
	veil_node **items;
	size_t nitems;
	int flow; /* written in flow style ({...} / [...]) */

	char *anchor;      /* YAML &anchor on this node, or NULL */
	veil_node *target; /* VEIL_NODE_ALIAS: the anchored node */
};

typedef struct veil_doc veil_doc;

/* Caps on untrusted documents. */
#define VEIL_DOC_MAX_SIZE  (256u * 1024 * 1024) /* bytes of source */
#define VEIL_DOC_MAX_DEPTH 256                  /* nesting of maps/sequences */
#define VEIL_DOC_MAX_NODES (16u * 1024 * 1024)

/* Picks a format from a file name: .yaml/.yml, .json, .env, .ini, else binary
 * (as sops does). */
VEIL_EXTERN veil_doc_format veil_doc_format_from_path(const char *path);
/* "yaml", "json", "dotenv", "ini", "binary" <-> the enum; 0 if unknown. */
VEIL_EXTERN veil_doc_format veil_doc_format_parse(const char *name);
VEIL_EXTERN const char *veil_doc_format_name(veil_doc_format fmt);

/*
 * Parses src (copied) in the given format. name is for messages, which
 * carry line:column ("secret.yaml:3:7: duplicate key 'a'"). Rejected with
 * VEIL_EFORMAT: syntax errors, duplicate keys, a root that is not a map
 * (YAML allows empty documents), invalid UTF-8, non-string keys; with
 * VEIL_ELIMIT: the caps above. Never echoes a value into a message.
 */
VEIL_EXTERN int veil_doc_parse(veil_doc **out, veil_doc_format fmt, const char *src, size_t len,
                               const char *name);
/* As veil_doc_parse, but the document takes src instead of copying it:
 * src is malloc'd and NUL-terminated at src[len] (veil_file_read's buffer),
 * and is wiped and freed with the document, or here on failure. A large
 * file is then held once, not twice. */
VEIL_EXTERN int veil_doc_parse_take(veil_doc **out, veil_doc_format fmt, char *src, size_t len,
                                    const char *name);
VEIL_EXTERN void veil_doc_free(veil_doc *doc);
/* Replaces doc's source by src (copied), parsed again in doc's format under
 * its name: every node and edit of the old parse is gone (node pointers into
 * doc become invalid). On failure doc is unchanged. For rewrites that change
 * the structure (veil_doc_set, veil_doc_replace) of a document held by a
 * caller. */
VEIL_EXTERN int veil_doc_reset(veil_doc *doc, const char *src, size_t len);
/* YAML: removes the %YAML directives that name a version other than 1.1
 * (go-yaml, and so sops, Flux and helm-secrets, refuse any other; veil reads
 * the documents the same without them). doc is parsed again when one went
 * (veil_doc_reset); *count says how many. Other formats: nothing to do. */
VEIL_EXTERN int veil_doc_yaml_drop_versions(veil_doc *doc, size_t *count);
/* Freed documents leave their memory to the next one on the same thread;
 * a thread that parsed documents calls this before it ends. */
VEIL_EXTERN void veil_doc_thread_cleanup(void);
/* An empty document of fmt, to build a tree in (metadata, conversions). */
VEIL_EXTERN int veil_doc_new(veil_doc **out, veil_doc_format fmt);

/* YAML: the indent step the document's text shows (its first nested block
 * map; 0 when none). A file processed in pieces gives each piece the step
 * the whole file shows, so multi-line values render as they would in the
 * whole file. Other formats: 0, and setting does nothing. */
VEIL_EXTERN int veil_doc_indent_step(const veil_doc *doc);
VEIL_EXTERN void veil_doc_set_indent_step(veil_doc *doc, int step);

VEIL_EXTERN veil_doc_format veil_doc_format_of(const veil_doc *doc);
/* Documents in the stream (YAML "---"; always 1 for the other formats). */
VEIL_EXTERN size_t veil_doc_count(const veil_doc *doc);
/* The root map of document i; NULL for an empty YAML document. */
VEIL_EXTERN veil_node *veil_doc_root(const veil_doc *doc, size_t i);
/* The item with key in map, or NULL. */
VEIL_EXTERN veil_node *veil_node_get(const veil_node *map, const char *key);

/*
 * Sets the value of a scalar or comment node, to be spliced in on render.
 * The codec quotes it for its context: an "ENC[...]" string goes in plain
 * where the format allows (as sops writes it), a decrypted value goes plain
 * when that reads back as the same string of the same type, else quoted,
 * or as a YAML "|" block when it has line breaks. type says how it must
 * read back (VEIL_SCALAR_STR for ENC[...] strings). A comment's new text
 * replaces what follows its marker. Setting a node twice keeps the last.
 */
VEIL_EXTERN int veil_doc_set_value(veil_doc *doc, veil_node *node, const char *value, size_t len,
                                   veil_scalar_type type);

/* Undoing: mark returns a point in the edit history; rollback drops (and
 * wipes) every edit made since, e.g. when a decryption fails halfway. */
VEIL_EXTERN size_t veil_doc_edits_mark(const veil_doc *doc);
VEIL_EXTERN void veil_doc_edits_rollback(veil_doc *doc, size_t mark);

/* The value node will have once rendered: its pending veil_doc_set_value,
 * or its own. *value is owned by doc. (A decrypted binary file is this
 * value of its "data" node, not a render.) */
VEIL_EXTERN int veil_doc_pending_value(const veil_doc *doc, const veil_node *node,
                                       const char **value, size_t *len);

/*
 * The SOPS metadata block. get finds it in document 0 (YAML/JSON: the root
 * key "sops"; dotenv: keys starting "sops_", unflattened; INI: section
 * [sops], unflattened) and returns it as a tree, or NULL. set replaces it, or
 * appends it at the end of every document, from meta (a map built with
 * veil_doc_build_*; flattened for dotenv/INI). remove deletes it from every
 * document, leaving the bytes around it as they were.
 */
VEIL_EXTERN veil_node *veil_doc_metadata(const veil_doc *doc);
VEIL_EXTERN int veil_doc_set_metadata(veil_doc *doc, const veil_node *meta);
VEIL_EXTERN int veil_doc_remove_metadata(veil_doc *doc);
/* YAML: the source bytes [start, end) remove would delete from document 0
 * (the sops: entry's whole lines). VEIL_ENOTFOUND without one. */
VEIL_EXTERN int veil_doc_metadata_range(const veil_doc *doc, size_t *start, size_t *end);

/* The source with every edit applied; *out is malloc'd (wipe it if it holds
 * plaintext). The codec re-parses its own output and checks that every
 * edited node reads back as the value it was given (VEIL_ERROR if not), so a
 * quoting bug can never silently change a secret. */
VEIL_EXTERN int veil_doc_render(char **out, size_t *out_len, const veil_doc *doc);

/*
 * Trees built from scratch (metadata blocks, conversions). The builder
 * nodes belong to doc. add_item appends child under map (with key) or seq
 * (key NULL); key and value are copied.
 */
VEIL_EXTERN veil_node *veil_doc_build_map(veil_doc *doc);
VEIL_EXTERN veil_node *veil_doc_build_seq(veil_doc *doc);
VEIL_EXTERN veil_node *veil_doc_build_scalar(veil_doc *doc, const char *value, size_t len,
                                             veil_scalar_type type);
VEIL_EXTERN int veil_doc_add_item(veil_node *parent, const char *key, veil_node *child);

/* Emits whole documents afresh in fmt (sops's layout: YAML block style with
 * indent, JSON with indent spaces or a tab when indent is 0, dotenv
 * KEY=VALUE lines, INI sections). Used for --output-type and new files. */
VEIL_EXTERN int veil_doc_emit(char **out, size_t *out_len, veil_doc_format fmt,
                              veil_node *const *roots, size_t nroots, int indent);

/* ---- Paths and structural edits (sops's set, unset and --extract) ---- */

/* A parsed path like ["a"]["b"][0] (the syntax of sops's --extract, set
 * and unset): up to VEIL_DOC_PATH_MAX steps, keys pointing into a copy
 * owned by the path. */
#define VEIL_DOC_PATH_MAX 64

typedef struct veil_doc_path {
	char *buf;
	const char *key[VEIL_DOC_PATH_MAX]; /* NULL for an index step */
	long index[VEIL_DOC_PATH_MAX];
	size_t n;
} veil_doc_path;

/* 0, or VEIL_EINVAL with the message set (free the path either way). */
VEIL_EXTERN int veil_doc_path_parse(veil_doc_path *p, const char *text);
VEIL_EXTERN void veil_doc_path_free(veil_doc_path *p);
/* The node at steps [0, n) of p below root (aliases followed), or NULL. */
VEIL_EXTERN veil_node *veil_doc_path_find(veil_node *root, const veil_doc_path *p, size_t n);

/*
 * Structural edits of a plaintext document, as sops's set and unset do
 * them, but on the text: every byte outside what changes stays as it was.
 * Each returns the new text in *out (malloc'd and NUL-terminated; wipe it,
 * it is plaintext); doc is not changed. VEIL_ENOTFOUND when the path does
 * not exist (unset) or cannot be made (set), VEIL_EINVAL for a bad JSON
 * value, VEIL_EUNSUPPORTED for an edit a format cannot hold.
 *
 * set: the JSON value (any: scalar, object, list) replaces what is at p,
 * or fills a new key; in YAML and JSON, missing keys on the way are made,
 * an index past a list's end appends, a scalar in the way is replaced.
 * YAML gets block style at the indentation of what it replaces (flow
 * style inside flow collections), JSON the file's indentation.
 * unset: removes the map key or list item at p (its lines).
 * replace: node n (a scalar, map, list or alias of doc) replaced by json.
 */
VEIL_EXTERN int veil_doc_set(char **out, size_t *out_len, veil_doc *doc, const veil_doc_path *p,
                             const char *json);
VEIL_EXTERN int veil_doc_unset(char **out, size_t *out_len, const veil_doc *doc,
                               const veil_doc_path *p);
VEIL_EXTERN int veil_doc_replace(char **out, size_t *out_len, veil_doc *doc, veil_node *n,
                                 const char *json);

VEIL_END_DECL

#endif
