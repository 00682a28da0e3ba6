/* What replaces a YAML scalar: plain, double-quoted or a literal block, by
 * context and content; typed values in YAML spelling; comments. */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "harness.h"
#include "veil/doc.h"

static const char enc[] = "ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]";

/* Sets the item with key in the root map (or item idx of that sequence)
 * and returns the rendered text (malloc'd) or NULL. */
static char *set1(const char *src, const char *key, int idx, const char *value,
                  veil_scalar_type type)
{
	veil_doc *doc = NULL;
	veil_node *n;
	char *out = NULL;
	size_t len;

	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "q.yaml") < 0)
		return NULL;
	n = veil_node_get(veil_doc_root(doc, 0), key);
	if (n && idx >= 0)
		n = (size_t)idx < n->nitems ? n->items[idx] : NULL;
	if (n && veil_doc_set_value(doc, n, value, strlen(value), type) == 0)
		veil_doc_render(&out, &len, doc);
	veil_doc_free(doc);
	return out;
}

static int renders(const char *src, const char *key, int idx, const char *value,
                   veil_scalar_type type, const char *want)
{
	char *out = set1(src, key, idx, value, type);
	int ok = out && strcmp(out, want) == 0;

	if (!ok)
		fprintf(stderr, "  got <%s> want <%s> (%s)\n", out ? out : "(null)", want,
		        out ? "" : veil_error_last());
	free(out);
	return ok;
}

TEST(test_doc_yaml_quote__enc_plain_in_block_quoted_in_flow)
{
	CHECK(renders("a: 1\nb: x\n", "a", -1, enc, VEIL_SCALAR_STR,
	              "a: ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\nb: x\n"));
	CHECK(renders("a: {x: 1}\n", "a", 0, enc, VEIL_SCALAR_STR,
	              "a: {x: \"ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\"}\n"));
	CHECK(renders("a: [1, 2]\n", "a", 1, enc, VEIL_SCALAR_STR,
	              "a: [1, \"ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\"]\n"));
	CHECK(renders("a:\n- 1\n", "a", 0, enc, VEIL_SCALAR_STR,
	              "a:\n- ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\n"));
	/* implicit null: a space goes in front */
	CHECK(renders("a:\nb: 1\n", "a", -1, enc, VEIL_SCALAR_STR,
	              "a: ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\nb: 1\n"));
	/* anchors and tags stay */
	CHECK(renders("a: &x !!str 1\nb: *x\n", "a", -1, "v", VEIL_SCALAR_STR,
	              "a: &x !!str v\nb: *x\n"));
}

TEST(test_doc_yaml_quote__strings_quoted_only_when_needed)
{
	const char *src = "k: old # c\n";

	CHECK(renders(src, "k", -1, "plain text", VEIL_SCALAR_STR, "k: plain text # c\n"));
	/* YAML 1.1 booleans and base-60 numbers are quoted, as go-yaml v3
	 * quotes them: Kubernetes reads YAML 1.1, where plain yes is true */
	CHECK(renders(src, "k", -1, "yes", VEIL_SCALAR_STR, "k: \"yes\" # c\n"));
	CHECK(renders(src, "k", -1, "Off", VEIL_SCALAR_STR, "k: \"Off\" # c\n"));
	CHECK(renders(src, "k", -1, "y", VEIL_SCALAR_STR, "k: \"y\" # c\n"));
	CHECK(renders(src, "k", -1, "1:20", VEIL_SCALAR_STR, "k: \"1:20\" # c\n"));
	CHECK(renders(src, "k", -1, "-190:20:30.15", VEIL_SCALAR_STR,
	              "k: \"-190:20:30.15\" # c\n"));
	CHECK(renders(src, "k", -1, "yess", VEIL_SCALAR_STR, "k: yess # c\n"));
	CHECK(renders(src, "k", -1, "1:60", VEIL_SCALAR_STR, "k: 1:60 # c\n"));
	CHECK(renders(src, "k", -1, "12:30:", VEIL_SCALAR_STR, "k: \"12:30:\" # c\n"));
	CHECK(renders(src, "k", -1, "<<", VEIL_SCALAR_STR, "k: \"<<\" # c\n"));
	CHECK(renders(src, "k", -1, "=", VEIL_SCALAR_STR, "k: \"=\" # c\n"));
	CHECK(renders(src, "k", -1, "==", VEIL_SCALAR_STR, "k: == # c\n"));
	CHECK(renders(src, "k", -1, "true", VEIL_SCALAR_STR, "k: \"true\" # c\n"));
	CHECK(renders(src, "k", -1, "0x1F", VEIL_SCALAR_STR, "k: \"0x1F\" # c\n"));
	CHECK(renders(src, "k", -1, "2024-01-01", VEIL_SCALAR_STR, "k: \"2024-01-01\" # c\n"));
	CHECK(renders(src, "k", -1, "", VEIL_SCALAR_STR, "k: \"\" # c\n"));
	CHECK(renders(src, "k", -1, "~", VEIL_SCALAR_STR, "k: \"~\" # c\n"));
	CHECK(renders(src, "k", -1, "a: b", VEIL_SCALAR_STR, "k: \"a: b\" # c\n"));
	CHECK(renders(src, "k", -1, "a #b", VEIL_SCALAR_STR, "k: \"a #b\" # c\n"));
	CHECK(renders(src, "k", -1, "a#b", VEIL_SCALAR_STR, "k: a#b # c\n"));
	CHECK(renders(src, "k", -1, "- x", VEIL_SCALAR_STR, "k: \"- x\" # c\n"));
	CHECK(renders(src, "k", -1, "-x", VEIL_SCALAR_STR, "k: -x # c\n"));
	CHECK(renders(src, "k", -1, " lead", VEIL_SCALAR_STR, "k: \" lead\" # c\n"));
	CHECK(renders(src, "k", -1, "trail ", VEIL_SCALAR_STR, "k: \"trail \" # c\n"));
	CHECK(renders(src, "k", -1, "*star", VEIL_SCALAR_STR, "k: \"*star\" # c\n"));
	CHECK(renders(src, "k", -1, "q\"\\\x01\t", VEIL_SCALAR_STR,
	              "k: \"q\\\"\\\\\\x01\\t\" # c\n"));
	CHECK(renders(src, "k", -1, "caf\xc3\xa9 \xc2\x85", VEIL_SCALAR_STR,
	              "k: \"caf\xc3\xa9 \\u0085\" # c\n"));
	/* a line break with a comment after the value: a block goes around
	 * it, the comment staying on the header line */
	CHECK(renders(src, "k", -1, "a\nb", VEIL_SCALAR_STR, "k: |- # c\n  a\n  b\n"));
	/* not UTF-8: base64 as !!binary, as go-yaml writes it */
	CHECK(renders(src, "k", -1,
	              "\xff\x01"
	              "a",
	              VEIL_SCALAR_STR, "k: !!binary /wFh # c\n"));
	CHECK(renders("k: !!int 5\n", "k", -1, "\xff", VEIL_SCALAR_STR, "k: !!binary /w==\n"));
	CHECK(renders("k: &a !!str x\n", "k", -1, "\xff", VEIL_SCALAR_STR,
	              "k: &a !!binary /w==\n"));
	/* a standard tag other than !!str goes before a string (sops cannot
	 * read "!!int ENC[...]"); the anchor stays; other tags stay */
	CHECK(renders("k: !!int 5\n", "k", -1, "ENC[x]", VEIL_SCALAR_STR, "k: ENC[x]\n"));
	CHECK(renders("k: !!int &a 5\n", "k", -1, "ENC[x]", VEIL_SCALAR_STR, "k: &a ENC[x]\n"));
	CHECK(renders("k: [!!float 1, 2]\n", "k", 0, "ENC[x]", VEIL_SCALAR_STR,
	              "k: [\"ENC[x]\", 2]\n"));
	CHECK(renders("k: !!int 5\n", "k", -1, "6", VEIL_SCALAR_INT, "k: !!int 6\n"));
	CHECK(renders("k: !x 5\n", "k", -1, "ENC[x]", VEIL_SCALAR_STR, "k: !x ENC[x]\n"));
	/* ... but not from a line above its value */
	CHECK(set1("k: !!int\n  5\n", "k", -1, "ENC[x]", VEIL_SCALAR_STR) == NULL);
}

TEST(test_doc_yaml_quote__multiline_as_literal_blocks)
{
	const char *src = "a:\n  k: old\n  n: 1\n";

	CHECK(renders(src, "a", 0, "l1\nl2\n", VEIL_SCALAR_STR,
	              "a:\n  k: |\n    l1\n    l2\n  n: 1\n"));
	CHECK(renders(src, "a", 0, "l1\nl2", VEIL_SCALAR_STR,
	              "a:\n  k: |-\n    l1\n    l2\n  n: 1\n"));
	CHECK(renders(src, "a", 0, "l1\n\nl2\n\n\n", VEIL_SCALAR_STR,
	              "a:\n  k: |+\n    l1\n\n    l2\n\n\n  n: 1\n"));
	CHECK(renders(src, "a", 0, "  sp\nx\n", VEIL_SCALAR_STR,
	              "a:\n  k: |2\n      sp\n    x\n  n: 1\n"));
	/* a whitespace-only line would be ambiguous: double quotes */
	CHECK(renders(src, "a", 0, "x\n  \ny", VEIL_SCALAR_STR,
	              "a:\n  k: \"x\\n  \\ny\"\n  n: 1\n"));
	/* in a sequence, under the dash */
	CHECK(renders("s:\n  - old\n", "s", 0, "a\nb\n", VEIL_SCALAR_STR,
	              "s:\n  - |\n    a\n    b\n"));
	/* at the end of a file without a final line break */
	CHECK(renders("k: old", "k", -1, "a\nb\n", VEIL_SCALAR_STR, "k: |\n  a\n  b\n"));
	/* CRLF files get CRLF blocks */
	CHECK(renders("k: old\r\nn: 1\r\n", "k", -1, "a\nb\n", VEIL_SCALAR_STR,
	              "k: |\r\n  a\r\n  b\r\nn: 1\r\n"));
}

TEST(test_doc_yaml_quote__block_scalars_replaced_keep_following_lines)
{
	const char *src = "k: |\n  one\n  two\n\n# after\nn: 1\n";

	CHECK(renders(src, "k", -1, enc, VEIL_SCALAR_STR,
	              "k: ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\n\n# after\nn: 1\n"));
	CHECK(renders(src, "k", -1, "x\ny\n", VEIL_SCALAR_STR,
	              "k: |\n  x\n  y\n\n# after\nn: 1\n"));
	/* keep chomping owns the blank lines after it */
	CHECK(renders("k: |+\n    one\n\n\nn: 1\n", "k", -1, "two\n", VEIL_SCALAR_STR,
	              "k: |\n    two\n\n\nn: 1\n"));
	CHECK(renders("k: |+\n    one\n\n\nn: 1\n", "k", -1, "two\n\n", VEIL_SCALAR_STR,
	              "k: |+\n    two\n\nn: 1\n"));
	CHECK(renders("k: >-\n  a\n  b\nn: 1\n", "k", -1, "a b", VEIL_SCALAR_STR,
	              "k: a b\nn: 1\n"));
}

TEST(test_doc_yaml_quote__typed_values_in_yaml_spelling)
{
	const char *src = "k: x\n";

	CHECK(renders(src, "k", -1, "42", VEIL_SCALAR_INT, "k: 42\n"));
	CHECK(renders(src, "k", -1, "0x2A", VEIL_SCALAR_INT, "k: 0x2A\n"));
	CHECK(renders(src, "k", -1, "1.5", VEIL_SCALAR_FLOAT, "k: 1.5\n"));
	CHECK(renders(src, "k", -1, "3", VEIL_SCALAR_FLOAT, "k: 3.0\n"));
	CHECK(renders(src, "k", -1, "-0", VEIL_SCALAR_FLOAT, "k: -0.0\n"));
	CHECK(renders(src, "k", -1, "+Inf", VEIL_SCALAR_FLOAT, "k: .inf\n"));
	CHECK(renders(src, "k", -1, "NaN", VEIL_SCALAR_FLOAT, "k: .nan\n"));
	CHECK(renders(src, "k", -1, "1000000000000000000000", VEIL_SCALAR_FLOAT,
	              "k: 1000000000000000000000\n"));
	CHECK(renders(src, "k", -1, "True", VEIL_SCALAR_BOOL, "k: True\n"));
	CHECK(renders(src, "k", -1, "1", VEIL_SCALAR_BOOL, "k: true\n"));
	CHECK(renders(src, "k", -1, "2024-01-01T00:00:00Z", VEIL_SCALAR_TIME,
	              "k: 2024-01-01T00:00:00Z\n"));
	CHECK(renders(src, "k", -1, "", VEIL_SCALAR_NULL, "k: null\n"));
	CHECK(set1(src, "k", -1, "abc", VEIL_SCALAR_INT) == NULL);
	CHECK(renders("a: [x]\n", "a", 0, "3", VEIL_SCALAR_FLOAT, "a: [3.0]\n"));
}

TEST(test_doc_yaml_quote__comments)
{
	veil_doc *doc = NULL;
	const char *src = "# head\nk: v # tail\n";
	char *out = NULL;
	size_t len;
	veil_node *r;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "c.yaml"), 0);
	if (!doc)
		return;
	r = veil_doc_root(doc, 0);
	CHECK_INT(veil_doc_set_value(doc, r->items[0], enc, strlen(enc), VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, r->items[2], " new", 4, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, r->items[2], "a\nb", 3, VEIL_SCALAR_STR), VEIL_EINVAL);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && strcmp(out, "#ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\n"
	                         "k: v # new\n") == 0);
	free(out);
	veil_doc_free(doc);
}

/* Inputs found by mutating the test data: libyaml accepts them, and a naive
 * splice would not read back. */
TEST(test_doc_yaml_quote__odd_layouts_libyaml_accepts)
{
	CHECK(renders("a: &x:y\n", "a", -1, "v", VEIL_SCALAR_STR, "a: &x v\n"));
	CHECK(renders("k: \"\"#c\n", "k", -1, "v", VEIL_SCALAR_STR, "k: v #c\n"));
	CHECK(renders("k: !\nn: 1\n", "k", -1, "v", VEIL_SCALAR_STR, "k: ! v\nn: 1\n"));
	CHECK(renders("b:\n>\n  x\nn: 1\n", "b", -1, "v", VEIL_SCALAR_STR, "b:\n  v\nn: 1\n"));
	CHECK(renders("k: |\n  a\n  \t\nn: 1\n", "k", -1, "v", VEIL_SCALAR_STR, "k: v\nn: 1\n"));
	CHECK(renders("k: \"x\"#c\n", "k", -1, "a\nb\n", VEIL_SCALAR_STR, "k: \"a\\nb\\n\" #c\n"));
}

/* A decrypted block takes the file's own indent step, not the 4 spaces of
 * the sops: block that an encrypted file ends with. */
TEST(test_doc_yaml_quote__indent_step_ignores_the_sops_block)
{
	CHECK(renders(
	        "a: x\nsops:\n    age:\n        - recipient: r\n    version: 3.9.0\n", "a", -1,
	        "l1\nl2\n", VEIL_SCALAR_STR,
	        "a: |\n  l1\n  l2\nsops:\n    age:\n        - recipient: r\n    version: 3.9.0\n"));
	CHECK(renders("m:\n   k: v\na: x\nsops:\n    version: 3.9.0\n", "a", -1, "l1\nl2\n",
	              VEIL_SCALAR_STR,
	              "m:\n   k: v\na: |\n   l1\n   l2\nsops:\n    version: 3.9.0\n"));
}
