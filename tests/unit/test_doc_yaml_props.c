/*
 * YAML properties (anchor, tag) on lines of their own above a value, with
 * comments between them: the value's span starts at its content, and each
 * comment is a node (so encryption sees it; it once stayed in plaintext).
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "veil/doc.h"

static const char enc[] = "ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]";

static size_t count_comments(const veil_node *n)
{
	size_t k = n->kind == VEIL_NODE_COMMENT;

	for (size_t i = 0; i < n->nitems; i++)
		k += count_comments(n->items[i]);
	return k;
}

/* Sets key's value to ENC[...] and back; the result must be src again. */
static int enc_and_back(const char *src, const char *key, const char *value)
{
	veil_doc *a = NULL, *b = NULL;
	char *mid = NULL, *out = NULL;
	size_t len = 0;
	int ok = 0;

	if (veil_doc_parse(&a, VEIL_FMT_YAML, src, strlen(src), "p.yaml") < 0 ||
	    veil_doc_set_value(a, veil_node_get(veil_doc_root(a, 0), key), enc, strlen(enc),
	                       VEIL_SCALAR_STR) < 0 ||
	    veil_doc_render(&mid, &len, a) < 0 ||
	    veil_doc_parse(&b, VEIL_FMT_YAML, mid, len, "p.yaml") < 0 ||
	    veil_doc_set_value(b, veil_node_get(veil_doc_root(b, 0), key), value, strlen(value),
	                       VEIL_SCALAR_STR) < 0 ||
	    veil_doc_render(&out, &len, b) < 0)
		goto done;
	ok = strcmp(out, src) == 0;
done:
	if (!ok)
		fprintf(stderr, "  <%s> -> <%s> -> <%s> (%s)\n", src, mid ? mid : "",
		        out ? out : "", veil_error_last());
	free(mid);
	free(out);
	veil_doc_free(a);
	veil_doc_free(b);
	return ok;
}

TEST(test_doc_yaml_props__properties_on_lines_above_the_value)
{
	const char *src = "a: &x\n  # c\n  b\nt: !t\n  # d\n  &y\n  v\nm: !m\n  &z\n  k: w\n"
	                  "r: *x\ns: *y\n";
	veil_doc *doc = NULL;
	veil_node *t, *m;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "p.yaml"), 0);
	if (!doc)
		return;
	/* both comments are nodes of the root map */
	CHECK_INT(count_comments(veil_doc_root(doc, 0)), 2);
	t = veil_node_get(veil_doc_root(doc, 0), "t");
	CHECK(t && t->span.end - t->span.start == 1 && src[t->span.start] == 'v');
	CHECK(t && t->anchor && !strcmp(t->anchor, "y"));
	m = veil_node_get(veil_doc_root(doc, 0), "m");
	CHECK(m && m->kind == VEIL_NODE_MAP && veil_node_get(m, "k") != NULL);
	veil_doc_free(doc);
	CHECK(enc_and_back(src, "a", "b"));
	CHECK(enc_and_back(src, "t", "v"));
	CHECK(enc_and_back("u: !t\n  &x\n  v\nc: *x\n", "u", "v"));
}

/* A block scalar's header alone on a line at its parent's column: a
 * one-line value there must go deeper (fuzz_doc found it at column 1,
 * after a lone CR); the way back reads the same value. */
static int header_alone(const char *src, const char *outer, const char *key)
{
	veil_doc *a = NULL, *b = NULL;
	veil_node *n;
	char *mid = NULL, *out = NULL, *want = NULL;
	size_t len = 0;
	int ok = 0;

	if (veil_doc_parse(&a, VEIL_FMT_YAML, src, strlen(src), "p.yaml") < 0)
		goto done;
	n = veil_node_get(veil_doc_root(a, 0), outer);
	n = key ? veil_node_get(n, key) : n;
	if (!n || n->kind != VEIL_NODE_SCALAR || !(want = strdup(n->value)) ||
	    veil_doc_set_value(a, n, enc, strlen(enc), VEIL_SCALAR_STR) < 0 ||
	    veil_doc_render(&mid, &len, a) < 0 ||
	    veil_doc_parse(&b, VEIL_FMT_YAML, mid, len, "p.yaml") < 0)
		goto done;
	n = veil_node_get(veil_doc_root(b, 0), outer);
	n = key ? veil_node_get(n, key) : n;
	ok = n && veil_doc_set_value(b, n, want, strlen(want), VEIL_SCALAR_STR) == 0 &&
	     veil_doc_render(&out, &len, b) == 0;
done:
	if (!ok)
		fprintf(stderr, "  <%s> -> <%s> -> <%s> (%s)\n", src, mid ? mid : "",
		        out ? out : "", veil_error_last());
	free(want);
	free(mid);
	free(out);
	veil_doc_free(a);
	veil_doc_free(b);
	return ok;
}

TEST(test_doc_yaml_props__header_alone_at_the_parent_column)
{
	CHECK(header_alone("a:\n k:\n |\n  x\n", "a", "k"));
	CHECK(header_alone("a: !t\n .9l:\n \r |\n  x\n", "a", ".9l"));
	CHECK(header_alone("k:\n|\n  x\n  y\n", "k", NULL));
	CHECK(header_alone("k:\n  |\n  x\n", "k", NULL));
}

/* End-of-line comments before a sequence item that opens a collection are
 * the sequence's however the previous item ended (a block scalar's end is
 * on the next line), so an edited text reads back with the same tree. */
TEST(test_doc_yaml_props__eol_comments_before_a_nested_item_are_the_sequence_s)
{
	static const char *const srcs[] = {
		"l:\n  - x #c\n  - k: v\n  - #d\n    - y\n",
		"l:\n  - |\n    x\n  - #d\n    - y\n",
		"l:\n  - x\n  - #d\n    k: v\n",
	};

	for (size_t i = 0; i < sizeof(srcs) / sizeof(*srcs); i++) {
		veil_doc *doc = NULL;
		const veil_node *l;
		size_t comments = 0;

		CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, srcs[i], strlen(srcs[i]), "s.yaml"),
		          0);
		if (!doc)
			continue;
		l = veil_node_get(veil_doc_root(doc, 0), "l");
		for (size_t j = 0; l && j < l->nitems; j++)
			comments += l->items[j]->kind == VEIL_NODE_COMMENT;
		CHECK_INT(comments, count_comments(veil_doc_root(doc, 0)));
		CHECK(comments > 0);
		veil_doc_free(doc);
	}
}
