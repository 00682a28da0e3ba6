/*
 * A comment on a block scalar's header line ("key: | # note") is a node of
 * its own inside the scalar's text. Rewriting the scalar keeps it in place:
 * encryption gives "key: ENC[...] #ENC[...]", and decryption (or set) puts
 * the block back around it, "key: | # note" then the body, so the round
 * trip is byte-identical.
 */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "harness.h"
#include "veil/doc.h"

static const char enc[] = "ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]";

/* Scalars (non-null) and comments in document order. */
static size_t leaves(veil_node *n, veil_node **v, size_t cap, size_t k)
{
	if (!n || n->kind == VEIL_NODE_ALIAS)
		return k;
	if (n->kind == VEIL_NODE_COMMENT ||
	    (n->kind == VEIL_NODE_SCALAR && n->type != VEIL_SCALAR_NULL)) {
		if (k < cap)
			v[k] = n;
		return k + 1;
	}
	for (size_t i = 0; i < n->nitems; i++)
		k = leaves(n->items[i], v, cap, k);
	return k;
}

static size_t all_leaves(veil_doc *doc, veil_node **v, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < veil_doc_count(doc); i++)
		k = leaves(veil_doc_root(doc, i), v, cap, k);
	return k;
}

/* Every scalar and comment to ENC[...], render, parse, each back to its
 * original value, render: the original bytes, and the encrypted text keeps
 * each header comment on its value's line. */
static int exact_roundtrip(const char *src)
{
	veil_doc *a = NULL, *b = NULL;
	veil_node *la[64], *lb[64];
	char *mid = NULL, *out = NULL;
	size_t n, len = 0, i;
	int ok = 0;

	if (veil_doc_parse(&a, VEIL_FMT_YAML, src, strlen(src), "h.yaml") < 0)
		goto done;
	n = all_leaves(a, la, 64);
	if (n > 64)
		goto done;
	for (i = 0; i < n; i++)
		if (veil_doc_set_value(a, la[i], enc, strlen(enc), VEIL_SCALAR_STR) < 0)
			goto done;
	if (veil_doc_render(&mid, &len, a) < 0)
		goto done;
	if (strstr(mid, "|") || veil_doc_parse(&b, VEIL_FMT_YAML, mid, len, "h.yaml") < 0 ||
	    all_leaves(b, lb, 64) != n)
		goto done;
	for (i = 0; i < n; i++)
		if (veil_doc_set_value(b, lb[i], la[i]->value, la[i]->value_len, la[i]->type) < 0)
			goto done;
	if (veil_doc_render(&out, &len, b) < 0)
		goto done;
	ok = len == strlen(src) && memcmp(out, src, len) == 0;
done:
	if (!ok)
		fprintf(stderr, "  source <%s>\n  encrypted <%s>\n  back <%s> (%s)\n", src,
		        mid ? mid : "", out ? out : "", veil_error_last());
	free(mid);
	free(out);
	veil_doc_free(a);
	veil_doc_free(b);
	return ok;
}

TEST(test_doc_yaml_header_comment__roundtrip_is_byte_exact)
{
	/* 2- and 4-space indents, nested maps */
	CHECK(exact_roundtrip("key: | # note\n  line1\n  line2\nother: |\n  l\n"));
	CHECK(exact_roundtrip("a:\n    b: | # four\n        x\n        y\n    c: 1\n"));
	CHECK(exact_roundtrip("a:\n  b:\n    c: | # deep\n      x\n      y\nd: e\n"));
	/* list items, a map in a list */
	CHECK(exact_roundtrip("l:\n  - | # c\n    x\n    y\n  - z\n"));
	CHECK(exact_roundtrip("l:\n- | # unindented list\n  x\n  y\n"));
	CHECK(exact_roundtrip("l:\n    - k: | # in a map\n          x\n          y\n"));
	/* strip and keep chomping; keep takes the blank lines after it */
	CHECK(exact_roundtrip("s: |- # strip\n  x\n  y\nt: 1\n"));
	CHECK(exact_roundtrip("k: |+ # keep\n  x\n\n\nt: 1\n"));
	CHECK(exact_roundtrip("k: |+ # keep at the end\n  x\n\n"));
	CHECK(exact_roundtrip("l:\n  - |+ # keep in a list\n    x\n\n  - w\n"));
	/* indentation indicator, tab and several blanks before the comment */
	CHECK(exact_roundtrip("i: |2 # indicator\n    lead\n  x\n"));
	CHECK(exact_roundtrip("t: |\t# tab\n  x\n  y\nu: |-    # blanks\n  x\n  y\n"));
	/* CRLF line breaks, an anchor before the header, a second document */
	CHECK(exact_roundtrip("c: | # crlf\r\n  x\r\n  y\r\nd: 1\r\n"));
	CHECK(exact_roundtrip("a: &x | # anchored\n  x\n  y\nb: *x\n"));
	CHECK(exact_roundtrip("a: 1\n---\nb: | # doc 2\n  x\n  y\n"));
}

static char *set_text(const char *src, const char *key, const char *value, int comment_too)
{
	veil_doc *doc = NULL;
	veil_node *n, *root;
	char *out = NULL;
	size_t len;
	int error;

	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "s.yaml") < 0)
		return NULL;
	root = veil_doc_root(doc, 0);
	n = veil_node_get(root, key);
	error = n ? veil_doc_set_value(doc, n, value, strlen(value), VEIL_SCALAR_STR) : -1;
	if (!error && comment_too) {
		for (size_t i = 0; i < root->nitems; i++)
			if (root->items[i]->kind == VEIL_NODE_COMMENT && !error)
				error = veil_doc_set_value(doc, root->items[i], " new", 4,
				                           VEIL_SCALAR_STR);
	}
	if (!error)
		veil_doc_render(&out, &len, doc);
	veil_doc_free(doc);
	return out;
}

static int sets_to(const char *src, const char *key, const char *value, int comment_too,
                   const char *want)
{
	char *out = set_text(src, key, value, comment_too);
	int ok = out && strcmp(out, want) == 0;

	if (!ok)
		fprintf(stderr, "  got <%s> want <%s> (%s)\n", out ? out : "(null)", want,
		        out ? "" : veil_error_last());
	free(out);
	return ok;
}

TEST(test_doc_yaml_header_comment__set_keeps_the_comment)
{
	const char *src = "key: | # note\n  line1\n  line2\nz: 1\n";

	/* a new block goes around the comment, at the old body's depth */
	CHECK(sets_to(src, "key", "a\nb\n", 0, "key: | # note\n  a\n  b\nz: 1\n"));
	CHECK(sets_to(src, "key", "a\nb", 0, "key: |- # note\n  a\n  b\nz: 1\n"));
	CHECK(sets_to(src, "key", "a\n\n", 0, "key: |+ # note\n  a\n\nz: 1\n"));
	CHECK(sets_to("key: | # note\n      deep\nz: 1\n", "key", " a\nb\n", 0,
	              "key: |6 # note\n       a\n      b\nz: 1\n"));
	/* one line: the comment follows it and the old body goes */
	CHECK(sets_to(src, "key", "short", 0, "key: short # note\nz: 1\n"));
	CHECK(sets_to(src, "key", "", 0, "key: \"\" # note\nz: 1\n"));
	/* no block can hold a blank-only line: double-quoted, comment kept */
	CHECK(sets_to(src, "key", "a\n  \nb", 0, "key: \"a\\n  \\nb\" # note\nz: 1\n"));
	/* the comment edited too stays on the header line */
	CHECK(sets_to(src, "key", "a\nb\n", 1, "key: | # new\n  a\n  b\nz: 1\n"));
	CHECK(sets_to(src, "key", "one", 1, "key: one # new\nz: 1\n"));
	/* a comment after a one-line value becomes the new block's header's */
	CHECK(sets_to("key: old # note\nz: 1\n", "key", "a\nb\n", 0,
	              "key: | # note\n  a\n  b\nz: 1\n"));
	CHECK(sets_to("key: \"old\"   # note\nz: 1\n", "key", "a\nb\n", 1,
	              "key: |   # new\n  a\n  b\nz: 1\n"));
	/* a comment touching a quoted value ("x"#c) leaves no room for a
	 * header: quoted, with the blank a comment needs */
	CHECK(sets_to("key: \"old\"#note\nz: 1\n", "key", "a\nb\n", 0,
	              "key: \"a\\nb\\n\" #note\nz: 1\n"));
}

TEST(test_doc_yaml_header_comment__set_twice_pending_and_rollback)
{
	const char *src = "key: | # note\n  line1\nz: 1\n";
	veil_doc *doc = NULL;
	veil_node *n;
	const char *v = NULL;
	char *out = NULL;
	size_t len = 0, mark;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "s.yaml"), 0);
	if (!doc)
		return;
	n = veil_node_get(veil_doc_root(doc, 0), "key");
	CHECK(n != NULL);
	if (!n)
		goto done;
	/* set twice: the second text replaces both parts of the first */
	CHECK_INT(veil_doc_set_value(doc, n, "a\nb\n", 4, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, n, "c\nd\n", 4, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_pending_value(doc, n, &v, &len), 0);
	CHECK(v && len == 4 && memcmp(v, "c\nd\n", 4) == 0);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && strcmp(out, "key: | # note\n  c\n  d\nz: 1\n") == 0);
	free(out);
	out = NULL;
	/* a rollback (a failed command) takes both parts of a text away */
	veil_doc_edits_rollback(doc, 0);
	mark = veil_doc_edits_mark(doc);
	CHECK_INT(veil_doc_set_value(doc, n, "e\nf\n", 4, VEIL_SCALAR_STR), 0);
	veil_doc_edits_rollback(doc, mark);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && strcmp(out, src) == 0);
done:
	free(out);
	veil_doc_free(doc);
}

/* Blanks after a one-line value that becomes a block would end its last
 * content line: they go (decrypting "k: ENC[...]   " failed its check). */
TEST(test_doc_yaml_header_comment__blanks_after_a_value_becoming_a_block)
{
	CHECK(sets_to("key: old   \nz: 1\n", "key", "a\nb\n", 0, "key: |\n  a\n  b\nz: 1\n"));
	CHECK(sets_to("key: old \t", "key", "a\nb", 0, "key: |-\n  a\n  b"));
	CHECK(sets_to("key: old # c  \nz: 1\n", "key", "a\nb\n", 0,
	              "key: | # c  \n  a\n  b\nz: 1\n"));
}

/* Lines of blanks only after it: deeper than the block's indentation they
 * would be its content, and keep chomping would take their breaks. */
TEST(test_doc_yaml_header_comment__blank_lines_after_a_new_block)
{
	CHECK(sets_to("key: old\n   ", "key", "x\nx", 0, "key: |-\n  x\n  x\n"));
	CHECK(sets_to("key: old\n  \nz: 1\n", "key", "a\nb\n", 0, "key: |\n  a\n  b\n  \nz: 1\n"));
	CHECK(sets_to("key: old\n     \n\nz: 1\n", "key", "a\n", 0, "key: |\n  a\n\n\nz: 1\n"));
	CHECK(sets_to("key: old\n   \n\nz: 1\n", "key", "a\n\n", 0, "key: |+\n  a\n\nz: 1\n"));
	CHECK(sets_to("key: old\n   ", "key", "a\n\n", 0, "key: |+\n  a\n\n"));
	CHECK(sets_to("key: old", "key", "a\n", 0, "key: |\n  a\n"));
	/* comment lines after it at the body's column would be body text:
	 * the body goes deeper (fuzz_doc found it) */
	CHECK(sets_to("key: old\n  # c\n\n   # d\nz: 1\n", "key", "a\nb\n", 0,
	              "key: |\n    a\n    b\n  # c\n\n   # d\nz: 1\n"));
	CHECK(sets_to("key: old\n# c\nz: 1\n", "key", "a\n", 0, "key: |\n  a\n# c\nz: 1\n"));
}
