#ifndef VEIL_DOC_YAML_H
#define VEIL_DOC_YAML_H
/* Internal to the YAML codec (yaml.c parse, yaml_quote.c scalar text,
 * yaml_emit.c emitter and metadata). */
#include <yaml.h>

#include "doc/codec.h"

/* A scalar written with a tag: where its properties
 * (anchor and tag) are, so an edit can drop a tag the new value cannot
 * carry (yaml_tags.c). */
typedef struct veil_yaml_tagged {
	const veil_node *node;
	size_t props_start, props_end;
	int core; /* a tag:yaml.org,2002: tag other than !!str (!!int, !!binary...) */
} veil_yaml_tagged;

/* What the parser learned about the file's layout (doc->codec_state). */
typedef struct veil_yaml_state {
	int indent;       /* detected indent step; 0 if none seen */
	int seq_indented; /* -1 unknown, 0 "key:\n- a", 1 "key:\n  - a" */
	/* The same two inside the root's sops: entry, learned apart: that block
	 * keeps its own layout when rewritten, and does not set the content's. */
	int sops_indent;
	int sops_seq_indented;
	int crlf;                 /* line breaks are \r\n */
	size_t *doc_end;          /* per document: where its text ends (DOC_END mark) */
	size_t *root_col;         /* per document: column of the root map's keys */
	veil_yaml_tagged *tagged; /* in document order */
	size_t ntagged, cap_tagged;
	/* %YAML lines naming a version other than 1.1: [start, end) with the
	 * line break (yaml_directive.c) */
	size_t (*version_lines)[2];
	size_t nversion_lines, cap_version_lines;
} veil_yaml_state;

/* Can s be written as a plain scalar here (block or flow context) and read
 * back as the same string? Type resolution is checked separately. */
int veil_yaml__plain_ok(const char *s, size_t len, int flow);
/* Appends s as a double-quoted scalar with YAML escapes; VEIL_EFORMAT if s
 * is not valid UTF-8. */
int veil_yaml__double_quote(veil_buf *out, const char *s, size_t len);
/* Can s go in a literal block scalar (has a line break, nothing a block
 * cannot hold)? */
int veil_yaml__block_ok(const char *s, size_t len);
/* Appends a literal block scalar: header ("|", "|-", "|+", with an
 * indentation indicator when needed), then each line on its own line at
 * column indent, with no line break after the last content line; the
 * caller adds the breaks that follow (count returned in *trailing). */
int veil_yaml__literal_block(veil_buf *out, const char *s, size_t len, size_t base, size_t indent,
                             const char *eol, size_t *trailing);
/* The text for a scalar of type in a fresh document: plain when that reads
 * back the same, else double-quoted (multi-line strings are the caller's). */
int veil_yaml__scalar_text(veil_buf *out, const char *s, size_t len, veil_scalar_type type,
                           int flow);

/* yaml_tags.c. Is tag (as libyaml reports it) !!binary? */
int veil_yaml__tag_is_binary(const char *tag);
/* The bytes of a !!binary scalar's base64 text (line breaks skipped, as
 * go-yaml does), in doc's arena; VEIL_EFORMAT if it is not base64. */
int veil_yaml__binary_decode(veil_doc *doc, const char *text, size_t len, char **out,
                             size_t *out_len);
/* Can s only be written as !!binary (it is not UTF-8)? */
int veil_yaml__needs_binary(const char *s, size_t len);
/* Appends "!!binary " and the base64 of s, as go-yaml writes such strings. */
int veil_yaml__binary_text(veil_buf *out, const char *s, size_t len);
/* The parser notes a scalar's tag and where its properties are. */
int veil_yaml__tag_note(veil_yaml_state *st, const veil_node *node, size_t props_start,
                        size_t props_end, const char *tag);
/* Before new text for node: when its tag cannot stay (the value needs
 * !!binary, or a standard non-string tag before a string), widens *start
 * over the properties and appends them without the tag. */
int veil_yaml__drop_tag(veil_buf *out, size_t *start, const veil_doc *doc, const veil_node *node,
                        const char *value, size_t len, veil_scalar_type type);

/* Emits "key: value" in block style with the key at column col, ending
 * with a line break (yaml_emit.c); used by emit and set_metadata. */
typedef struct veil_yaml_style {
	int indent;
	int seq_indented;
	const char *eol;
} veil_yaml_style;
int veil_yaml__emit_entry(veil_buf *out, const char *key, const veil_node *value, size_t col,
                          const veil_yaml_style *st);

/* The codec's quote, and quote_keep: a block scalar's header-line comment
 * ("key: | # note", or "key: ENC[...] #c" once encrypted) keeps its place
 * when the scalar is rewritten, as a block around it or one line before it. */
int veil_yaml__quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                     const veil_node *node, const char *value, size_t len, veil_scalar_type type);
int veil_yaml__quote_keep(veil_buf *out, size_t *start, size_t *end, veil_quote_keep *keep,
                          const veil_doc *doc, const veil_node *node, const char *value, size_t len,
                          veil_scalar_type type);
/* The type a scalar event reads as (tags, then YAML 1.2 core schema for
 * plain scalars; quoted and block scalars are strings). */
veil_scalar_type veil_yaml__event_type(const yaml_event_t *ev);
/* The codec's render check (yaml_verify.c): walks libyaml's events of out
 * beside doc's tree; 1 verified, 0 not sure. */
int veil_yaml__check_render(const veil_doc *doc, const char *out, size_t len,
                            const veil_render_check *chk);
veil_node *veil_yaml__metadata(const veil_doc *doc);
int veil_yaml__set_metadata(veil_doc *doc, const veil_node *meta);
int veil_yaml__remove_metadata(veil_doc *doc);
/* The whole lines of document 0's sops: entry, as remove deletes them. */
int veil_yaml__metadata_range(const veil_doc *doc, size_t *start, size_t *end);
int veil_yaml__emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent);

#endif
