/* The YAML parser: spans, lines, columns, types, styles, comments, anchors,
 * streams, and the errors (with line:col) for what sops cannot hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/yaml.h"
#include "harness.h"
#include "veil/doc.h"

static veil_doc *parse(const char *src)
{
	veil_doc *doc = NULL;

	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "t.yaml") < 0)
		return NULL;
	return doc;
}

static int parse_err(const char *src, const char *want_msg)
{
	veil_doc *doc = NULL;
	int error = veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "t.yaml");

	veil_doc_free(doc);
	if (want_msg && strstr(veil_error_last(), want_msg) == NULL) {
		fprintf(stderr, "  got message: %s\n", veil_error_last());
		return 0;
	}
	return error;
}

#define SPAN_IS(doc, n, text)                                           \
	CHECK((n) && (n)->span.end - (n)->span.start == strlen(text) && \
	      memcmp((doc)->src + (n)->span.start, text, strlen(text)) == 0)

TEST(test_doc_yaml__spans_lines_columns_types)
{
	const char *src = "# head\n"
	                  "a: 1\n"
	                  "b: \"two\"   # inline\n"
	                  "c:\n"
	                  "  - 0x1F\n"
	                  "  - 'x'\n"
	                  "  - 2024-01-02\n"
	                  "d: |-\n"
	                  "  text\n"
	                  "\n"
	                  "e: &anc 1.5\n"
	                  "f: *anc\n"
	                  "g:\n"
	                  "\xc3\xa9: \"\xc3\xa9t\xc3\xa9\" # caf\xc3\xa9\n";
	veil_doc *doc = parse(src);
	veil_node *r, *n, *c;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(veil_doc_count(doc), 1);
	r = veil_doc_root(doc, 0);
	CHECK_INT(r->items[0]->kind, VEIL_NODE_COMMENT);
	CHECK_STR(r->items[0]->value, " head");
	n = veil_node_get(r, "a");
	CHECK(n && n->type == VEIL_SCALAR_INT && n->span.line == 2 && n->span.col == 4);
	SPAN_IS(doc, n, "1");
	CHECK(n && n->key_span.line == 2 && n->key_span.col == 1);
	n = veil_node_get(r, "b");
	CHECK(n && n->type == VEIL_SCALAR_STR && n->style == VEIL_STYLE_DOUBLE);
	SPAN_IS(doc, n, "\"two\"");
	CHECK_INT(r->items[3]->kind, VEIL_NODE_COMMENT);
	CHECK(r->items[3]->inline_comment && r->items[3]->span.line == 3 &&
	      r->items[3]->span.col == 12);
	SPAN_IS(doc, r->items[3], "# inline");
	c = veil_node_get(r, "c");
	CHECK(c && c->kind == VEIL_NODE_SEQ && c->nitems == 3 && !c->flow);
	if (c && c->nitems == 3) {
		CHECK_INT(c->items[0]->type, VEIL_SCALAR_INT);
		CHECK(c->items[0]->span.line == 5 && c->items[0]->span.col == 5);
		CHECK_INT(c->items[1]->type, VEIL_SCALAR_STR);
		CHECK_INT(c->items[1]->style, VEIL_STYLE_SINGLE);
		CHECK_INT(c->items[2]->type, VEIL_SCALAR_TIME);
		CHECK(c->items[0]->parent == c && c->parent == r);
	}
	n = veil_node_get(r, "d");
	CHECK(n && n->style == VEIL_STYLE_LITERAL && strcmp(n->value, "text") == 0);
	/* a block scalar's span stops at its last content line */
	SPAN_IS(doc, n, "|-\n  text");
	n = veil_node_get(r, "e");
	CHECK(n && n->anchor && strcmp(n->anchor, "anc") == 0 && n->type == VEIL_SCALAR_FLOAT);
	SPAN_IS(doc, n, "1.5");
	c = veil_node_get(r, "f");
	CHECK(c && c->kind == VEIL_NODE_ALIAS && c->target == n);
	n = veil_node_get(r, "g");
	CHECK(n && n->type == VEIL_SCALAR_NULL && n->span.start == n->span.end);
	/* columns count bytes, after a two-byte character */
	n = veil_node_get(r, "\xc3\xa9");
	CHECK(n && n->span.line == 14 && n->span.col == 5);
	SPAN_IS(doc, n, "\"\xc3\xa9t\xc3\xa9\"");
	n = r->items[r->nitems - 1];
	CHECK(n->kind == VEIL_NODE_COMMENT && n->span.col == 13 && n->inline_comment);
	veil_doc_free(doc);
}

TEST(test_doc_yaml__stream_of_documents_and_empty_ones)
{
	veil_doc *doc = parse("a: 1\n---\n---\n# only a comment\n...\n---\nb: {x: [1, 2]}\n");

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(veil_doc_count(doc), 4);
	CHECK(veil_doc_root(doc, 0) && veil_node_get(veil_doc_root(doc, 0), "a"));
	CHECK(veil_doc_root(doc, 1) == NULL);
	CHECK(veil_doc_root(doc, 2) == NULL);
	CHECK(veil_doc_root(doc, 3) && veil_node_get(veil_doc_root(doc, 3), "b")->flow);
	veil_doc_free(doc);
	doc = parse("");
	CHECK(doc && veil_doc_count(doc) == 0);
	veil_doc_free(doc);
	doc = parse("# nothing but a comment\n");
	CHECK(doc && veil_doc_count(doc) == 0);
	veil_doc_free(doc);
}

TEST(test_doc_yaml__comments_go_to_their_collection)
{
	veil_doc *doc = parse("a:\n"
	                      "  # head of x\n"
	                      "  x: 1\n"
	                      "  # foot of a\n"
	                      "# head of l\n"
	                      "l:\n"
	                      "  - 1 # on 1\n"
	                      "  # between\n"
	                      "  - 2\n"
	                      "# end\n");
	veil_node *r, *a, *l;

	CHECK(doc != NULL);
	if (!doc)
		return;
	r = veil_doc_root(doc, 0);
	a = veil_node_get(r, "a");
	l = veil_node_get(r, "l");
	CHECK(a && a->nitems == 3 && a->items[0]->kind == VEIL_NODE_COMMENT &&
	      a->items[2]->kind == VEIL_NODE_COMMENT);
	CHECK(r->nitems == 4 && r->items[1]->kind == VEIL_NODE_COMMENT &&
	      strcmp(r->items[1]->value, " head of l") == 0);
	CHECK(r->nitems == 4 && strcmp(r->items[3]->value, " end") == 0);
	CHECK(l && l->nitems == 4 && l->items[1]->inline_comment &&
	      strcmp(l->items[2]->value, " between") == 0 && !l->items[2]->inline_comment);
	veil_doc_free(doc);
}

TEST(test_doc_yaml__errors_carry_line_and_column)
{
	CHECK_INT(parse_err("a: 1\nb: [1, 2\n", "t.yaml:3:1: "), VEIL_EFORMAT);
	CHECK_INT(parse_err("a: 1\n  b: 2\n", "t.yaml:2:4: mapping values are not allowed"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: duplicate key 'a'"), VEIL_EFORMAT);
	CHECK_INT(parse_err("x:\n  k: 1\n  \"k\": 2\n", "t.yaml:3:3: duplicate key 'k'"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("- a\n- b\n", "t.yaml:1:1: the document root is a sequence"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("a: 1\n---\njust a scalar\n", "t.yaml:3:1: the document root is a "
	                                                  "scalar"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("1: one\n", "t.yaml:1:1: the key is not a string"), VEIL_EFORMAT);
	CHECK_INT(parse_err("? [a, b]\n: v\n", "t.yaml:1:3: a complex (non-scalar) key"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("a: *nope\n", "unknown anchor 'nope'"), VEIL_EFORMAT);
	CHECK_INT(parse_err("a: \"\xff\"\n", "t.yaml:1:5: "), VEIL_EFORMAT);
	CHECK_INT(parse_err("a: \"x\n", "t.yaml:2:1: found unexpected end of stream"),
	          VEIL_EFORMAT);
	/* never echo a value */
	CHECK_INT(parse_err("k: [sup3rs3cret\n", NULL), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "sup3rs3cret") == NULL);
}

TEST(test_doc_yaml__nesting_cap)
{
	size_t depth = VEIL_DOC_MAX_DEPTH + 10, i, n = 0;
	char *src = malloc(depth * 2 + 16);

	if (!src)
		return;
	n += (size_t)sprintf(src, "a: ");
	for (i = 0; i < depth; i++)
		src[n++] = '[';
	for (i = 0; i < depth; i++)
		src[n++] = ']';
	src[n++] = '\n';
	src[n] = '\0';
	CHECK_INT(parse_err(src, "t.yaml:1:"), VEIL_ELIMIT);
	CHECK(strstr(veil_error_last(), "nesting deeper than") != NULL);
	/* just under the cap is fine */
	n = (size_t)sprintf(src, "a: ");
	for (i = 0; i < VEIL_DOC_MAX_DEPTH - 1; i++)
		src[n++] = '[';
	for (i = 0; i < VEIL_DOC_MAX_DEPTH - 1; i++)
		src[n++] = ']';
	src[n] = '\0';
	CHECK_INT(parse_err(src, NULL), 0);
	free(src);
}

TEST(test_doc_yaml__layout_detection)
{
	veil_doc *doc = parse("a:\n    b:\n        - 1\n");
	const veil_yaml_state *st;

	CHECK(doc != NULL);
	if (!doc)
		return;
	st = doc->codec_state;
	CHECK_INT(st->indent, 4);
	CHECK_INT(st->seq_indented, 1);
	CHECK_INT(st->crlf, 0);
	veil_doc_free(doc);
	doc = parse("a:\r\n  b:\r\n  - 1\r\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	st = doc->codec_state;
	CHECK_INT(st->indent, 2);
	CHECK_INT(st->seq_indented, 0);
	CHECK_INT(st->crlf, 1);
	veil_doc_free(doc);
}

/* !!binary is base64 of any bytes (go-yaml decodes it; sops encrypts and
 * MACs the bytes): the value is the bytes, line breaks in the base64 do not
 * count, and what is not base64 is an error. */
TEST(test_doc_yaml__binary_values_are_their_bytes)
{
	veil_doc *doc = parse("a: !!binary /wBh\nb: &x !!binary |\n  aGVs\n  bG8=\nc: *x\n"
	                      "d: !<tag:yaml.org,2002:binary> \"\"\ne: !!binary ENC[old]\n");
	const veil_node *root = doc ? veil_doc_root(doc, 0) : NULL;
	const veil_node *a = veil_node_get(root, "a"), *b = veil_node_get(root, "b");

	CHECK(a && a->value_len == 3 &&
	      !memcmp(a->value,
	              "\xff\x00"
	              "a",
	              3) &&
	      a->type == VEIL_SCALAR_STR);
	CHECK(b && b->value_len == 5 && !memcmp(b->value, "hello", 5));
	CHECK(veil_node_get(root, "d") && veil_node_get(root, "d")->value_len == 0);
	/* older veil wrote "!!binary ENC[...]": still read, as text */
	CHECK(veil_node_get(root, "e") && !strcmp(veil_node_get(root, "e")->value, "ENC[old]"));
	veil_doc_free(doc);
	CHECK_INT(parse_err("a: !!binary not-base64\n", "t.yaml:1:13: !!binary value contains "
	                                                "invalid base64 data"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_err("a: !!binary aGk\n", "invalid base64"), VEIL_EFORMAT);
	CHECK_INT(parse_err("!!binary aGk=: 1\n", "a !!binary key is not supported"), VEIL_EFORMAT);
}
