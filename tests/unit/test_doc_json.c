/* JSON codec: spans, types, strictness, errors with line:col. */
#include "doc_testutil.h"

#define PARSE(s) doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, (s), strlen(s), "t.json")

static int parse_fails(const char *src, size_t len, int code, const char *msg)
{
	veil_doc *doc = NULL;
	int rc = veil_doc__parse_with(&doc, VEIL_FMT_JSON, &veil_codec__json, src, len, "t.json");

	veil_doc_free(doc);
	if (rc != code || !strstr(veil_error_last(), msg)) {
		fprintf(stderr, "  got %d '%s', want %d '%s'\n", rc, veil_error_last(), code, msg);
		return 0;
	}
	return 1;
}

#define FAILS(s, msg) parse_fails((s), sizeof(s) - 1, VEIL_EFORMAT, (msg))

TEST(test_doc_json__spans_and_types)
{
	const char *src = "{\n  \"a\": \"x\\ny\",\n  \"n\": 12,\n  \"f\": 1.5,\n  \"b\": true,\n"
	                  "  \"z\": null,\n  \"arr\": [1, \"s\", {}]\n}\n";
	veil_doc *doc = PARSE(src);
	const veil_node *root, *a, *arr;

	CHECK(doc != NULL);
	if (!doc)
		return;
	root = veil_doc_root(doc, 0);
	CHECK_INT(root->kind, VEIL_NODE_MAP);
	CHECK_INT(root->span.start, 0);
	CHECK_INT(root->span.end, strlen(src) - 1);
	CHECK_INT(root->nitems, 6);
	a = veil_node_get(root, "a");
	CHECK(doc_test_is(a, "x\ny"));
	CHECK_INT(a->type, VEIL_SCALAR_STR);
	CHECK_INT(a->style, VEIL_STYLE_DOUBLE);
	CHECK_INT(a->span.start, 9);
	CHECK_INT(a->span.end, 15); /* "x\ny" with its quotes */
	CHECK_INT(a->span.line, 2);
	CHECK_INT(a->span.col, 8);
	CHECK_INT(a->key_span.start, 4);
	CHECK_INT(a->key_span.end, 7);
	CHECK_INT(a->key_span.col, 3);
	CHECK_INT(veil_node_get(root, "n")->type, VEIL_SCALAR_INT);
	CHECK(doc_test_is(veil_node_get(root, "n"), "12"));
	CHECK_INT(veil_node_get(root, "f")->type, VEIL_SCALAR_FLOAT);
	CHECK_INT(veil_node_get(root, "b")->type, VEIL_SCALAR_BOOL);
	CHECK(doc_test_is(veil_node_get(root, "b"), "true"));
	CHECK_INT(veil_node_get(root, "z")->type, VEIL_SCALAR_NULL);
	arr = veil_node_get(root, "arr");
	CHECK_INT(arr->kind, VEIL_NODE_SEQ);
	CHECK_INT(arr->nitems, 3);
	CHECK(arr->items[0]->key == NULL);
	CHECK_INT(arr->items[1]->span.line, 7);
	CHECK_INT(arr->items[1]->span.col, 14);
	CHECK_INT(arr->items[2]->kind, VEIL_NODE_MAP);
	CHECK_INT(arr->items[2]->span.end - arr->items[2]->span.start, 2);
	CHECK(!memcmp(src + arr->span.start, "[1, \"s\", {}]", arr->span.end - arr->span.start));
	veil_doc_free(doc);
}

TEST(test_doc_json__numbers_int_when_int64_as_sops_3_13_2)
{
	static const struct {
		const char *num;
		veil_scalar_type type;
	} cases[] = {
		{ "0", VEIL_SCALAR_INT },
		{ "-0", VEIL_SCALAR_INT },
		{ "9223372036854775807", VEIL_SCALAR_INT },
		{ "-9223372036854775808", VEIL_SCALAR_INT },
		{ "9223372036854775808", VEIL_SCALAR_FLOAT },
		{ "-9223372036854775809", VEIL_SCALAR_FLOAT },
		{ "100000000000000000000", VEIL_SCALAR_FLOAT },
		{ "1.0", VEIL_SCALAR_FLOAT },
		{ "1e2", VEIL_SCALAR_FLOAT },
		{ "-2.5E-3", VEIL_SCALAR_FLOAT },
		{ "0.1", VEIL_SCALAR_FLOAT },
	};
	char src[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		veil_doc *doc;
		const veil_node *v;

		snprintf(src, sizeof(src), "{\"v\": %s}", cases[i].num);
		doc = PARSE(src);
		v = doc ? veil_node_get(veil_doc_root(doc, 0), "v") : NULL;
		CHECK(v != NULL);
		if (v) {
			CHECK_INT(v->type, cases[i].type);
			CHECK(doc_test_is(v, cases[i].num)); /* the token as written */
		}
		veil_doc_free(doc);
	}
}

TEST(test_doc_json__string_escapes_decode)
{
	veil_doc *doc = PARSE("{\"u\": \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\t\\\"\\\\\", "
	                      "\"raw\": \"\xc3\xa9\xf0\x9f\x98\x80\", \"nul\": \"a\\u0000b\"}");
	const veil_node *root = doc ? veil_doc_root(doc, 0) : NULL;

	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(doc_test_is(veil_node_get(root, "u"), "\xc3\xa9\xf0\x9f\x98\x80/\b\f\t\"\\"));
	CHECK(doc_test_is(veil_node_get(root, "raw"), "\xc3\xa9\xf0\x9f\x98\x80"));
	CHECK_INT(veil_node_get(root, "nul")->value_len, 3);
	CHECK(!memcmp(veil_node_get(root, "nul")->value, "a\0b", 3));
	veil_doc_free(doc);
}

TEST(test_doc_json__errors_name_line_and_column)
{
	CHECK(FAILS("{\n  \"a\": 1,\n  \"a\": 2\n}", "t.json:3:3: duplicate key 'a'"));
	CHECK(FAILS("[1, 2]", "t.json:1:1: the top level must be a JSON object"));
	CHECK(FAILS("", "t.json:1:1:"));
	CHECK(FAILS("{\"a\": tru}", "t.json:1:7: unexpected character"));
	CHECK(FAILS("{\"a\": 1,}", "t.json:1:9: expected a string key"));
	CHECK(FAILS("{\"a\": 1}\n x", "t.json:2:2: unexpected data after"));
	CHECK(FAILS("{\"a\": 01}", "t.json:1:8: invalid number"));
	CHECK(FAILS("{\"a\": 1.}", "t.json:1:8: invalid number"));
	CHECK(FAILS("{\"a\": -}", "t.json:1:7: invalid number"));
	CHECK(FAILS("{\"a\": 1e}", "t.json:1:9: invalid number"));
	CHECK(FAILS("{\"a\": \"\\ud800\"}", "t.json:1:8: high surrogate without"));
	CHECK(FAILS("{\"a\": \"\\udc00\"}", "t.json:1:8: lone low surrogate"));
	CHECK(FAILS("{\"a\": \"\\u12g4\"}", "t.json:1:12: bad hex digit"));
	CHECK(FAILS("{\"a\": \"x\x01\"}", "t.json:1:9: control character"));
	CHECK(FAILS("{\"a\": \"x\ny\"}", "t.json:1:9: control character"));
	CHECK(FAILS("{\"a\": \"\xc3\x28\"}", "t.json:1:8: invalid UTF-8"));
	CHECK(FAILS("{\"a\": \"\xed\xa0\x80\"}", "invalid UTF-8")); /* encoded surrogate */
	CHECK(FAILS("{\"a\": \"\xc0\xaf\"}", "invalid UTF-8"));     /* overlong */
	CHECK(FAILS("{\"a\": \"open", "t.json:1:7: unterminated string"));
	CHECK(FAILS("{\"a\" 1}", "t.json:1:6: expected ':'"));
	CHECK(FAILS("{\"a\": [1 2]}", "t.json:1:10: expected ',' or ']'"));
	CHECK(FAILS("\xef\xbb\xbf{}", "t.json:1:1: the top level must be"));
	CHECK(FAILS("{\"\\u0000\": 1}", "key contains a NUL"));
}

TEST(test_doc_json__errors_never_echo_values)
{
	CHECK(FAILS("{\"k\": \"hunter2-secret\\q\"}", "invalid escape"));
	CHECK(strstr(veil_error_last(), "hunter2") == NULL);
	CHECK(FAILS("{\"k\": hunter2}", "unexpected character"));
	CHECK(strstr(veil_error_last(), "hunter2") == NULL);
}

TEST(test_doc_json__duplicates_in_large_objects)
{
	char src[4096];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(src + n, sizeof(src) - n, "{");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n, "\"k%d\": %d,\n", i, i);
	n += (size_t)snprintf(src + n, sizeof(src) - n, "\"k77\": 0}");
	CHECK(parse_fails(src, n, VEIL_EFORMAT, "t.json:101:1: duplicate key 'k77'"));
	src[n - 7] = '9'; /* "k98", taken too */
	src[n - 6] = '8';
	CHECK(parse_fails(src, n, VEIL_EFORMAT, "duplicate key 'k98'"));
}

TEST(test_doc_json__depth_and_nodes_capped)
{
	char *src = malloc(2 * 300 + 16);
	size_t n = 0;
	int i;

	CHECK(src != NULL);
	if (!src)
		return;
	n += (size_t)snprintf(src, 16, "{\"a\": ");
	for (i = 0; i < 300; i++)
		src[n++] = '[';
	for (i = 0; i < 300; i++)
		src[n++] = ']';
	src[n++] = '}';
	CHECK(parse_fails(src, n, VEIL_ELIMIT, "nesting deeper than 256"));
	/* 255 levels inside the root is fine */
	n = 6;
	for (i = 0; i < 255; i++)
		src[n++] = '[';
	for (i = 0; i < 255; i++)
		src[n++] = ']';
	src[n++] = '}';
	{
		veil_doc *doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, n, "t");

		CHECK(doc != NULL);
		veil_doc_free(doc);
	}
	free(src);
}

TEST(test_doc_json__quote_by_type)
{
	veil_doc *doc = PARSE("{\"s\": 1, \"i\": \"x\", \"b\": null, \"f\": 2, \"z\": true, "
	                      "\"h\": \"\"}");
	veil_node *root = doc ? veil_doc_root(doc, 0) : NULL;
	char *out = NULL;
	size_t len = 0;

	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "s"), "ENC[x]", 6, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "i"), "-42", 3, VEIL_SCALAR_INT) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "b"), "false", 5, VEIL_SCALAR_BOOL) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "f"), "1.5e300", 7, VEIL_SCALAR_FLOAT) ==
	      0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "z"), "null", 4, VEIL_SCALAR_NULL) == 0);
	/* in place, < > & stay as written (Go's HTML escaping is for fresh output) */
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "h"), "<a&b>\n\xe2\x80\xa8\x7f", 10,
	                         VEIL_SCALAR_STR) == 0);
	/* no NaN, Inf, hex in JSON; no invalid UTF-8 in a string */
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "f"), "+Inf", 4, VEIL_SCALAR_FLOAT) ==
	      VEIL_EINVAL);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "f"), "0x1F", 4, VEIL_SCALAR_INT) ==
	      VEIL_EINVAL);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "h"), "\xff", 1, VEIL_SCALAR_STR) ==
	      VEIL_EFORMAT);
	CHECK(veil_doc_render(&out, &len, doc) == 0);
	CHECK(out && !strcmp(out, "{\"s\": \"ENC[x]\", \"i\": -42, \"b\": false, \"f\": 1.5e300, "
	                          "\"z\": null, \"h\": \"<a&b>\\n\\u2028\x7f\"}"));
	free(out);
	veil_doc_free(doc);
}

TEST(test_doc_json__integral_float_stays_a_float)
{
	veil_doc *doc = PARSE("{\"f\": \"ENC\", \"g\": \"ENC\", \"b\": \"ENC\"}");
	veil_node *root = doc ? veil_doc_root(doc, 0) : NULL;
	char *out = NULL;
	size_t len;

	CHECK(root != NULL);
	if (!root)
		return;
	/* sops's plaintext for float 7 is "7", which JSON would read as an int */
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "f"), "7", 1, VEIL_SCALAR_FLOAT) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "g"), "1000000000000000000000", 22,
	                         VEIL_SCALAR_FLOAT) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(root, "b"), "True", 4, VEIL_SCALAR_BOOL) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, "{\"f\": 7.0, \"g\": 1000000000000000000000, \"b\": true}"));
	free(out);
	veil_doc_free(doc);
}

TEST(test_doc_json__emit_like_go_json_indent)
{
	veil_doc *doc = PARSE("{}");
	veil_node *m, *inner, *seq, *roots[1];
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK(doc != NULL);
	if (!doc)
		return;
	m = veil_doc_build_map(doc);
	inner = veil_doc_build_map(doc);
	seq = veil_doc_build_seq(doc);
	veil_doc_add_item(m, "s", doc_test_scalar(doc, "v\"<", VEIL_SCALAR_STR));
	veil_doc_add_item(inner, "n", doc_test_scalar(doc, "1", VEIL_SCALAR_INT));
	veil_doc_add_item(m, "m", inner);
	veil_doc_add_item(seq, NULL, doc_test_scalar(doc, "true", VEIL_SCALAR_BOOL));
	veil_doc_add_item(seq, NULL, veil_doc_build_seq(doc));
	veil_doc_add_item(seq, NULL, veil_doc_build_map(doc));
	veil_doc_add_item(seq, NULL, doc_test_scalar(doc, "", VEIL_SCALAR_NULL));
	veil_doc_add_item(m, "l", seq);
	roots[0] = m;
	CHECK(veil_codec__json.emit(&b, roots, 1, 0) == 0);
	CHECK(b.data &&
	      !strcmp((char *)b.data, "{\n\t\"s\": \"v\\\"\\u003c\",\n\t\"m\": {\n"
	                              "\t\t\"n\": 1\n\t},\n\t\"l\": "
	                              "[\n\t\ttrue,\n\t\t[],\n\t\t{},\n\t\tnull\n\t]\n}\n"));
	veil_buf_clear(&b);
	CHECK(veil_codec__json.emit(&b, roots, 1, 2) == 0);
	CHECK(b.data && !strcmp((char *)b.data, "{\n  \"s\": \"v\\\"\\u003c\",\n  \"m\": {\n"
	                                        "    \"n\": 1\n  },\n  \"l\": [\n    true,\n    "
	                                        "[],\n    {},\n    null\n  ]\n}\n"));
	veil_buf_dispose(&b);
	veil_doc_free(doc);
}
