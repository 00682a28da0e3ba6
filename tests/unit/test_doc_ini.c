/* INI codec: ini.v1's reading, spans, errors, round trips, [sops] metadata. */
#include "doc_testutil.h"

#define PARSE(s, n) doc_test_parse(&veil_codec__ini, VEIL_FMT_INI, (s), (n), "t.ini")

static int parse_fails(const char *src, const char *msg)
{
	veil_doc *doc = NULL;
	int rc = veil_doc__parse_with(&doc, VEIL_FMT_INI, &veil_codec__ini, src, strlen(src),
	                              "t.ini");

	veil_doc_free(doc);
	if (rc != VEIL_EFORMAT || !strstr(veil_error_last(), msg)) {
		fprintf(stderr, "  got %d '%s', want '%s'\n", rc, veil_error_last(), msg);
		return 0;
	}
	return 1;
}

TEST(test_doc_ini__sections_keys_comments_and_spans)
{
	size_t len;
	char *src = doc_test_data("ini/app.ini", &len);
	veil_doc *doc = src ? PARSE(src, len) : NULL;
	const veil_node *root, *def, *api, *paths, *v;

	CHECK(doc != NULL);
	if (!doc) {
		free(src);
		return;
	}
	root = veil_doc_root(doc, 0);
	CHECK_INT(root->nitems, 4);
	def = root->items[0];
	CHECK(def->key && !strcmp(def->key, "DEFAULT"));
	CHECK_INT(def->items[0]->kind, VEIL_NODE_COMMENT);
	CHECK(doc_test_is(def->items[0], "top comment before any section"));
	CHECK(doc_test_is(veil_node_get(def, "global_key"), "global value"));
	CHECK(doc_test_is(veil_node_get(def, "name"), "no spaces"));
	CHECK(doc_test_is(doc_test_at(root, "database/url"), "postgres://db:5432/app"));
	CHECK(doc_test_is(doc_test_at(root, "database/port"), "5432"));
	CHECK_INT(doc_test_at(root, "database/port")->type, VEIL_SCALAR_STR);
	CHECK(doc_test_is(doc_test_at(root, "database")->items[2], "the password"));
	api = veil_node_get(root, "api");
	CHECK_INT(api->key_span.line, 12);
	CHECK_INT(api->key_span.col, 2);
	v = veil_node_get(api, "key");
	CHECK(doc_test_is(v, "aligned value"));
	CHECK_INT(v->span.line, 14);
	CHECK_INT(v->span.col, 11);
	CHECK_INT(v->span.end - v->span.start, 13);
	CHECK_INT(v->key_span.end - v->key_span.start, 3);
	v = veil_node_get(api, "token");
	CHECK(doc_test_is(v, "abc")); /* ini.v1 cuts at the first ';' or '#' */
	CHECK(!memcmp(src + v->span.start, "abc ;", 5) && v->span.end - v->span.start == 3);
	CHECK_INT(api->items[3]->kind, VEIL_NODE_COMMENT);
	CHECK(api->items[3]->inline_comment);
	CHECK(doc_test_is(api->items[3], "inline comment"));
	v = veil_node_get(api, "empty");
	CHECK(doc_test_is(v, ""));
	CHECK_INT(v->span.end, v->span.start);
	v = veil_node_get(api, "quoted");
	CHECK(doc_test_is(v, "quoted value"));
	CHECK_INT(v->style, VEIL_STYLE_DOUBLE);
	CHECK_INT(v->span.end - v->span.start, 14);
	CHECK(doc_test_is(veil_node_get(api, "single"), "single"));
	/* ini.v1 gives a comment before a header to that section */
	paths = veil_node_get(root, "paths");
	CHECK_INT(paths->items[0]->kind, VEIL_NODE_COMMENT);
	CHECK(doc_test_is(paths->items[0], "comment before a section header"));
	CHECK(doc_test_is(veil_node_get(paths, "home"), "/home/user"));
	veil_doc_free(doc);
	free(src);
}

TEST(test_doc_ini__quoted_and_multi_line_values)
{
	const char *src = "[s]\na = \"\"\"x ; y\"\"\" ; c\nb = `p#q`\nm = \"\"\"line 1\nline 2\n"
	                  "end\"\"\"\nn = after\n";
	veil_doc *doc = PARSE(src, strlen(src));
	const veil_node *s;

	CHECK(doc != NULL);
	if (!doc)
		return;
	s = veil_node_get(veil_doc_root(doc, 0), "s");
	CHECK(doc_test_is(veil_node_get(s, "a"), "x ; y"));
	CHECK(doc_test_is(veil_node_get(s, "b"), "p#q"));
	CHECK(doc_test_is(veil_node_get(s, "m"), "line 1\nline 2\nend"));
	CHECK_INT(veil_node_get(s, "m")->span.line, 4);
	CHECK_INT(veil_node_get(s, "n")->span.line, 7);
	CHECK(doc_test_is(veil_node_get(s, "n"), "after"));
	veil_doc_free(doc);
}

TEST(test_doc_ini__errors_with_line_and_column)
{
	CHECK(parse_fails("[a]\nk = 1\n  k = 2\n", "t.ini:3:3: duplicate key 'k' in section [a] "
	                                           "(first on line 2)"));
	CHECK(parse_fails("[a]\nk = 1\n[b]\n[a]\n", "t.ini:4:1: section [a] appears twice"));
	CHECK(parse_fails("k = 1\n[DEFAULT]\n", "section [DEFAULT] appears twice"));
	CHECK(parse_fails("[a]\nhunter2 secret\n", "t.ini:2:1: expected 'key = value'"));
	CHECK(strstr(veil_error_last(), "hunter2") == NULL);
	CHECK(parse_fails("[a\n", "t.ini:1:1: section header without ']'"));
	CHECK(parse_fails("[ ]\n", "t.ini:1:1: empty section name"));
	CHECK(parse_fails("[a] x\n", "t.ini:1:5: unexpected text"));
	CHECK(parse_fails("[a]\n = v\n", "t.ini:2:2: empty key"));
	CHECK(parse_fails("[a]\nk = \"\"\"open\nmore\n", "t.ini:2:5: \"\"\" value without"));
	CHECK(parse_fails("[a]\nk = one \\\n", "t.ini:2:9: continuation lines"));
	CHECK(parse_fails("[a]\n\"q\" = v\n", "t.ini:2:1: quoted keys"));
	CHECK(parse_fails("[a]\nk = \xc3\n", "t.ini:2:5: invalid UTF-8"));
	{
		/* a NUL byte: values with one did not round-trip (found by fuzz_doc) */
		static const char nul[] = "[a]\nk = a\0b\n";
		veil_doc *d = NULL;

		CHECK_INT(veil_doc_parse(&d, VEIL_FMT_INI, nul, sizeof(nul) - 1, "t.ini"),
		          VEIL_EFORMAT);
		CHECK(strstr(veil_error_last(), "t.ini:2:6: a NUL byte") != NULL);
		veil_doc_free(d);
	}
	CHECK(parse_fails("[a]\nk = n\r*;x\n", "t.ini:2:6: a carriage return inside a line"));
	/* the later lines of a triple-quoted value are checked too */
	CHECK(parse_fails("[a]\nk = \"\"\"one\ntw\xe6o\"\"\"\n", "t.ini:3:3: invalid UTF-8"));
	{
		veil_doc *d = NULL; /* CRLF files are fine */

		CHECK_INT(veil_doc_parse(&d, VEIL_FMT_INI, "[a]\r\nk = v\r\n", 12, "t.ini"), 0);
		veil_doc_free(d);
	}
}

TEST(test_doc_ini__round_trip_keeps_layout)
{
	size_t len, out_len, n;
	char *src = doc_test_data("ini/app.ini", &len);
	char *out =
	        src ? doc_test_round_trip(&veil_codec__ini, VEIL_FMT_INI, src, len, &out_len, &n)
	            : NULL;
	veil_doc *a = NULL, *b = NULL;

	CHECK(out != NULL);
	CHECK(n >= 15);
	if (!out)
		goto done;
	a = PARSE(src, len);
	b = PARSE(out, out_len);
	CHECK(a && b && doc_test_same_skeleton(a, b));
	/* only the surrounding quotes of the two quoted values went away */
	CHECK(out_len == len - 4);
	CHECK(strstr(out, "\nquoted = quoted value\nsingle = single\n") != NULL);
	CHECK(strstr(out, "\nkey   =   aligned value\ntoken = abc ; inline comment\n") != NULL);
done:
	veil_doc_free(a);
	veil_doc_free(b);
	free(out);
	free(src);
}

TEST(test_doc_ini__quote_values_ini_v1_reads_back)
{
	static const char *const values[] = {
		"a#b",
		"a;b",
		" lead",
		"trail ",
		" \"in\" ",
		"\"both\"",
		"'both'",
		"`tick",
		"ends\\",
		"two\nlines",
		"x\"\"\"y",
		"\"\"\"",
		"plain = with equals",
		"",
	};
	const char *src = "[s]\nk = v ; note\n";
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		veil_doc *doc = PARSE(src, strlen(src));
		veil_node *k = doc ? (veil_node *)doc_test_at(veil_doc_root(doc, 0), "s/k") : NULL;
		char *out = NULL;
		size_t len;

		CHECK(k != NULL);
		if (!k) {
			veil_doc_free(doc);
			continue;
		}
		/* the render re-parses and checks the value came back as set */
		CHECK(veil_doc_set_value(doc, k, values[i], strlen(values[i]), VEIL_SCALAR_STR) ==
		      0);
		out = doc_test_render(doc, &len);
		CHECK(out != NULL);
		if (!out)
			fprintf(stderr, "  value %zu\n", i);
		free(out);
		veil_doc_free(doc);
	}
}

TEST(test_doc_ini__metadata_section_appended_aligned_and_removed_exactly)
{
	size_t len, with_len;
	char *src = doc_test_data("ini/app.ini", &len), *with;
	const char *tail =
	        "home = /home/user\n\n[sops]\n"
	        "age__list_0__map_enc       = -----BEGIN AGE ENCRYPTED FILE-----\\n"
	        "YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\\n-----END AGE ENCRYPTED FILE-----\\n\n"
	        "age__list_0__map_recipient = " DOC_TEST_RECIPIENT "\n"
	        "lastmodified               = 2026-01-02T03:04:05Z\n"
	        "mac                        = " DOC_TEST_MAC "\n"
	        "mac_only_encrypted         = true\n"
	        "unencrypted_suffix         = _unencrypted\n"
	        "version                    = 3.13.2\n";

	if (!src) {
		CHECK(0);
		return;
	}
	with = doc_test_meta_round_trip(&veil_codec__ini, VEIL_FMT_INI, src, len, &with_len);
	CHECK(with && with_len > strlen(tail) && !strcmp(with + with_len - strlen(tail), tail));
	free(with);
	free(src);
	with = doc_test_meta_round_trip(&veil_codec__ini, VEIL_FMT_INI, "[a]\nk = v", 9, &with_len);
	CHECK(with && !strncmp(with, "[a]\nk = v\n\n[sops]\nage__", 23));
	CHECK(with && with[with_len - 1] != '\n');
	free(with);
	with = doc_test_meta_round_trip(&veil_codec__ini, VEIL_FMT_INI, "", 0, &with_len);
	CHECK(with && !strncmp(with, "[sops]\nage__", 12));
	free(with);
	with = doc_test_meta_round_trip(&veil_codec__ini, VEIL_FMT_INI, "[a]\r\nk = v\r\n\r\n", 13,
	                                &with_len);
	CHECK(with && !strncmp(with, "[a]\r\nk = v\r\n\n[sops]\n", 20));
	free(with);
}

static void check_sops_file(const char *rel, const char *version, int n_age)
{
	size_t len;
	char *src = doc_test_data(rel, &len);
	veil_doc *doc = src ? PARSE(src, len) : NULL;
	const veil_node *m = doc ? veil_doc_metadata(doc) : NULL;

	CHECK(m != NULL);
	if (m) {
		CHECK(doc_test_is(doc_test_at(m, "age/0/enc"), DOC_TEST_ARMOR));
		CHECK(doc_test_is(doc_test_at(m, "age/0/recipient"), DOC_TEST_RECIPIENT));
		CHECK(doc_test_is(doc_test_at(m, "version"), version));
		CHECK_INT(doc_test_at(m, "age")->nitems, n_age);
		CHECK(doc_test_is(doc_test_at(veil_doc_root(doc, 0), "app/secret"),
		                  "ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]"));
	}
	veil_doc_free(doc);
	free(src);
}

TEST(test_doc_ini__metadata_read_in_both_sops_forms)
{
	check_sops_file("ini/sops-3.13.2.ini", "3.13.2", 1); /* backslash-n */
	check_sops_file("ini/sops-3.13.0.ini", "3.13.0", 2); /* """...""" */
}

TEST(test_doc_ini__metadata_replaced_and_removed)
{
	size_t len, out_len, l2;
	char *src = doc_test_data("ini/sops-3.13.0.ini", &len), *out = NULL, *bare = NULL;
	veil_doc *doc = src ? PARSE(src, len) : NULL, *again = NULL;

	CHECK(doc != NULL);
	if (!doc)
		goto done;
	/* 3.13.0's """ block is rewritten the way 3.13.2 writes it */
	CHECK(veil_doc_set_metadata(doc, doc_test_meta(doc, "3.13.2")) == 0);
	out = doc_test_render(doc, &out_len);
	CHECK(out && !strncmp(out, "[app]\nsecret = ENC[", 19));
	CHECK(out &&
	      strstr(out, "\n\n[sops]\nage__list_0__map_enc       = -----BEGIN AGE "
	                  "ENCRYPTED FILE-----\\nYWdl") &&
	      !strstr(out, "\"\"\"") && !strstr(out, "second"));
	again = out ? PARSE(out, out_len) : NULL;
	doc_test_check_meta(again ? veil_doc_metadata(again) : NULL, "3.13.2");
	CHECK(again && veil_doc_remove_metadata(again) == 0);
	bare = again ? doc_test_render(again, &l2) : NULL;
	CHECK(bare && !strcmp(bare, "[app]\nsecret = ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,"
	                            "type:str]\n"));
done:
	free(bare);
	free(out);
	veil_doc_free(again);
	veil_doc_free(doc);
	free(src);
}

TEST(test_doc_ini__emit)
{
	const char *src = "k = 1\n[b]\nlonger = x\ny = a;b\n";
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *roots[1];
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK(doc != NULL);
	if (!doc)
		return;
	roots[0] = veil_doc_root(doc, 0);
	CHECK(veil_codec__ini.emit(&b, roots, 1, 0) == 0);
	CHECK(b.data && !strcmp((char *)b.data, "k = 1\n\n[b]\nlonger = x\ny      = a\n; b\n"));
	veil_buf_dispose(&b);
	veil_doc_free(doc);
}

TEST(test_doc_ini__quoting_follows_ini_v1_writer)
{
	const char *src = "[s]\na = 1\nb = 2\nc = 3\nd = 4\ne = 5\n";
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *s;
	char *out;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	s = veil_node_get(veil_doc_root(doc, 0), "s");
	CHECK(veil_doc_set_value(doc, veil_node_get(s, "a"), "x#y", 3, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(s, "b"), " pad ", 5, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(s, "c"), "l1\nl2", 5, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(s, "d"), "ENC[AES256_GCM,data:YQ==]", 25,
	                         VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, veil_node_get(s, "e"), "\"q\"", 3, VEIL_SCALAR_STR) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, "[s]\na = `x#y`\nb = \" pad \"\nc = \"\"\"l1\nl2\"\"\"\n"
	                          "d = ENC[AES256_GCM,data:YQ==]\ne = \"\"\"\"q\"\"\"\"\n"));
	free(out);
	veil_doc_free(doc);
}

/* ini.v1 ends a header at its line's last ']': a comment after it that
 * takes one (ENC[...]) moves to its own line above the header, where
 * ini.v1 writes section comments. */
TEST(test_doc_ini__comment_after_header_taking_a_bracket_moves_above_it)
{
	const char *src = "[a] ; note\nk = v ; other\n";
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *a;
	char *out;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	a = veil_node_get(veil_doc_root(doc, 0), "a");
	CHECK(a->items[0]->inline_comment && doc_test_is(a->items[0], "note"));
	CHECK(veil_doc_set_value(doc, a->items[0], "ENC[x]", 6, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, a->items[2], "ENC[y]", 6, VEIL_SCALAR_STR) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, "; ENC[x]\n[a]\nk = v ; ENC[y]\n"));
	free(out);
	veil_doc_free(doc);
}
