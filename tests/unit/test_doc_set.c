/* sops's set/unset on the text of a document, paths, replace and reset
 * (include/veil/doc.h, src/lib/doc/set*.c). */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "veil/doc.h"
#include "veil/error.h"

/* text after set (or unset when json is NULL) at path; NULL on failure,
 * with *code the error. */
static char *edit(veil_doc_format fmt, const char *text, const char *path, const char *json,
                  int *code)
{
	veil_doc *doc = NULL;
	veil_doc_path p;
	char *out = NULL;
	size_t len = 0;

	*code = veil_doc_path_parse(&p, path);
	if (*code == 0)
		*code = veil_doc_parse(&doc, fmt, text, strlen(text), "t");
	if (*code == 0)
		*code = json ? veil_doc_set(&out, &len, doc, &p, json)
		             : veil_doc_unset(&out, &len, doc, &p);
	veil_doc_path_free(&p);
	veil_doc_free(doc);
	if (*code < 0) {
		free(out);
		return NULL;
	}
	return out;
}

#define EXPECT_EDIT(fmt, text, path, json, want)                  \
	do {                                                      \
		int code_;                                        \
		char *got_ = edit(fmt, text, path, json, &code_); \
		CHECK_INT(code_, 0);                              \
		CHECK(got_ && !strcmp(got_, want));               \
		if (got_ && strcmp(got_, want))                   \
			fprintf(stderr, "got:\n%s\n", got_);      \
		free(got_);                                       \
	} while (0)

TEST(test_doc_set__paths_parse_keys_and_indexes)
{
	veil_doc_path p;

	CHECK_INT(veil_doc_path_parse(&p, "[\"a\"][0][\"b c\"]"), 0);
	CHECK_INT(p.n, 3);
	CHECK(p.key[0] && !strcmp(p.key[0], "a"));
	CHECK(!p.key[1] && p.index[1] == 0);
	CHECK(p.key[2] && !strcmp(p.key[2], "b c"));
	veil_doc_path_free(&p);
	static const char *const bad[] = { "", "a", "[\"a\"", "[-1]", "[x]", "[\"a\"]x", "[1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK_INT(veil_doc_path_parse(&p, bad[i]), VEIL_EINVAL);
		veil_doc_path_free(&p);
	}
}

TEST(test_doc_set__path_find_follows_aliases)
{
	const char *y = "a: &x {b: [1, {c: 2}]}\nd: *x\n";
	veil_doc *doc = NULL;
	veil_doc_path p;
	veil_node *n;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, y, strlen(y), "t"), 0);
	CHECK_INT(veil_doc_path_parse(&p, "[\"d\"][\"b\"][1][\"c\"]"), 0);
	n = doc ? veil_doc_path_find(veil_doc_root(doc, 0), &p, p.n) : NULL;
	CHECK(n && n->kind == VEIL_NODE_SCALAR && !strcmp(n->value, "2"));
	CHECK(doc && veil_doc_path_find(veil_doc_root(doc, 0), &p, 0) == veil_doc_root(doc, 0));
	veil_doc_path_free(&p);
	veil_doc_free(doc);
}

TEST(test_doc_set__scalar_replaced_in_place_every_format)
{
	EXPECT_EDIT(VEIL_FMT_YAML, "a: 1 # c\nb: x\n", "[\"a\"]", "\"two\"", "a: two # c\nb: x\n");
	EXPECT_EDIT(VEIL_FMT_YAML, "a: 1\n", "[\"a\"]", "\"yes\"", "a: \"yes\"\n");
	EXPECT_EDIT(VEIL_FMT_JSON, "{\n  \"a\": 1\n}\n", "[\"a\"]", "1.0", "{\n  \"a\": 1.0\n}\n");
	EXPECT_EDIT(VEIL_FMT_DOTENV, "A=1\nB=2\n", "[\"B\"]", "\"x y\"", "A=1\nB=x y\n");
	EXPECT_EDIT(VEIL_FMT_INI, "[db]\npw = a\n", "[\"db\"][\"pw\"]", "\"b\"", "[db]\npw = b\n");
}

TEST(test_doc_set__collections_laid_out_in_block_style)
{
	EXPECT_EDIT(VEIL_FMT_YAML, "a:\n  b: 1\nc: 2\n", "[\"a\"][\"b\"]", "{\"x\": [1, \"y\"]}",
	            "a:\n  b:\n    x:\n      - 1\n      - \"y\"\nc: 2\n"); /* YAML 1.1 bool */
	EXPECT_EDIT(VEIL_FMT_YAML, "a: {b: 1}\n", "[\"a\"][\"b\"]", "[1, 2]", "a: {b: [1, 2]}\n");
	EXPECT_EDIT(VEIL_FMT_JSON, "{\n  \"a\": 1\n}\n", "[\"a\"]", "{\"b\": true}",
	            "{\n  \"a\": {\n    \"b\": true\n  }\n}\n");
}

TEST(test_doc_set__missing_keys_are_made_and_lists_grow)
{
	EXPECT_EDIT(VEIL_FMT_YAML, "a:\n  b: 1\n", "[\"a\"][\"c\"]", "2", "a:\n  b: 1\n  c: 2\n");
	EXPECT_EDIT(VEIL_FMT_YAML, "a:\n  - 1\n", "[\"a\"][5]", "2", "a:\n  - 1\n  - 2\n");
	EXPECT_EDIT(VEIL_FMT_YAML, "a: 1\n", "[\"n\"][\"m\"]", "\"v\"", "a: 1\nn:\n  m: v\n");
	EXPECT_EDIT(VEIL_FMT_DOTENV, "A=1\n", "[\"B\"]", "\"2\"", "A=1\nB=2\n");
}

TEST(test_doc_set__unset_removes_the_lines)
{
	EXPECT_EDIT(VEIL_FMT_YAML, "a: 1\nb:\n  c: 2\nd: 3\n", "[\"b\"]", NULL, "a: 1\nd: 3\n");
	EXPECT_EDIT(VEIL_FMT_YAML, "a:\n  - 1\n  - 2\n", "[\"a\"][0]", NULL, "a:\n  - 2\n");
	EXPECT_EDIT(VEIL_FMT_JSON, "{\n  \"a\": 1,\n  \"b\": 2\n}\n", "[\"a\"]", NULL,
	            "{\n  \"b\": 2\n}\n");
	/* the comma on the next line (found by fuzz_doc_set) */
	EXPECT_EDIT(VEIL_FMT_JSON, "{\n  \"a\":1\n ,  \"b\": 2\n}\n", "[\"a\"]", NULL,
	            "{\n   \"b\": 2\n}\n");
}

TEST(test_doc_set__errors_name_the_problem_and_change_nothing)
{
	int code;

	CHECK(!edit(VEIL_FMT_YAML, "a: 1\n", "[\"a\"]", "{\"x\": ", &code));
	CHECK_INT(code, VEIL_EINVAL);
	CHECK(strstr(veil_error_last(), "not valid JSON") != NULL);
	CHECK(!edit(VEIL_FMT_YAML, "a: 1\n", "[\"a\"]", "{\"x\": 1, \"x\": 2}", &code));
	CHECK_INT(code, VEIL_EINVAL);
	CHECK(!edit(VEIL_FMT_YAML, "a: [1]\n", "[\"a\"][\"k\"]", "1", &code));
	CHECK_INT(code, VEIL_ENOTFOUND);
	CHECK(!edit(VEIL_FMT_YAML, "a: 1\n", "[\"zz\"]", NULL, &code));
	CHECK_INT(code, VEIL_ENOTFOUND);
	CHECK(!edit(VEIL_FMT_DOTENV, "A=1\n", "[\"A\"]", "{\"x\": 1}", &code));
	CHECK_INT(code, VEIL_EUNSUPPORTED);
	/* the message never quotes the value, which may be a secret */
	CHECK(!edit(VEIL_FMT_YAML, "a: 1\n", "[\"a\"]", "hunter2-secret", &code));
	CHECK(strstr(veil_error_last(), "hunter2") == NULL);
}

TEST(test_doc_set__replace_writes_an_alias_out_and_reset_reparses)
{
	const char *y = "base: &b\n  u: admin\nuse: *b\n";
	veil_doc *doc = NULL;
	veil_node *alias;
	char *out = NULL;
	size_t len = 0;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, y, strlen(y), "t"), 0);
	if (!doc)
		return;
	alias = veil_node_get(veil_doc_root(doc, 0), "use");
	CHECK(alias && alias->kind == VEIL_NODE_ALIAS);
	CHECK_INT(veil_doc_replace(&out, &len, doc, alias, "{\"u\": \"admin\"}"), 0);
	CHECK(out && !strcmp(out, "base: &b\n  u: admin\nuse:\n  u: admin\n"));
	CHECK_INT(veil_doc_reset(doc, out, len), 0);
	alias = veil_node_get(veil_doc_root(doc, 0), "use");
	CHECK(alias && alias->kind == VEIL_NODE_MAP);
	/* a failed reset leaves the document as it was */
	CHECK(veil_doc_reset(doc, "a: [", 4) < 0);
	CHECK(veil_node_get(veil_doc_root(doc, 0), "use") != NULL);
	free(out);
	CHECK(veil_doc_replace(&out, &len, doc, veil_doc_root(doc, 0), "1") == VEIL_EINVAL);
	free(out);
	veil_doc_free(doc);
}
