/* dotenv codec: sops's line rules, spans, errors, round trips, metadata. */
#include "doc_testutil.h"

#define PARSE(s, n) doc_test_parse(&veil_codec__dotenv, VEIL_FMT_DOTENV, (s), (n), "t.env")

static int parse_fails(const char *src, const char *msg)
{
	veil_doc *doc = NULL;
	int rc = veil_doc__parse_with(&doc, VEIL_FMT_DOTENV, &veil_codec__dotenv, src, strlen(src),
	                              "t.env");

	veil_doc_free(doc);
	if (rc != VEIL_EFORMAT || !strstr(veil_error_last(), msg)) {
		fprintf(stderr, "  got %d '%s', want '%s'\n", rc, veil_error_last(), msg);
		return 0;
	}
	return 1;
}

TEST(test_doc_dotenv__lines_spans_and_values)
{
	const char *src = "A=1\n#c=d\n\nB=x=y\\nz\n =\nC\xc3\xa9=\xc3\xa9 \r\n";
	veil_doc *doc = PARSE(src, strlen(src));
	const veil_node *root, *b, *c;

	CHECK(doc != NULL);
	if (!doc)
		return;
	root = veil_doc_root(doc, 0);
	CHECK_INT(root->nitems, 5);
	CHECK(doc_test_is(veil_node_get(root, "A"), "1"));
	CHECK_INT(veil_node_get(root, "A")->span.start, 2);
	CHECK_INT(veil_node_get(root, "A")->span.end, 3);
	CHECK_INT(veil_node_get(root, "A")->span.col, 3);
	c = root->items[1];
	CHECK_INT(c->kind, VEIL_NODE_COMMENT);
	CHECK(doc_test_is(c, "c=d"));
	CHECK_INT(c->span.start, 4);
	CHECK_INT(c->span.end, 8);
	CHECK_INT(c->span.line, 2);
	b = veil_node_get(root, "B");
	CHECK(doc_test_is(b, "x=y\nz")); /* first '=' splits; "\n" is a line break */
	CHECK_INT(b->type, VEIL_SCALAR_STR);
	CHECK_INT(b->span.line, 4);
	CHECK_INT(b->span.col, 3);
	CHECK_INT(b->key_span.start, 10);
	CHECK_INT(b->key_span.end, 11);
	CHECK(doc_test_is(veil_node_get(root, " "), "")); /* nothing trimmed */
	CHECK(doc_test_is(veil_node_get(root, "C\xc3\xa9"), "\xc3\xa9 \r"));
	veil_doc_free(doc);
}

TEST(test_doc_dotenv__errors_name_the_line_without_echoing_it)
{
	CHECK(parse_fails("A=1\nhunter2 secret\n", "t.env:2:1: line 2 is not KEY=VALUE"));
	CHECK(strstr(veil_error_last(), "hunter2") == NULL);
	CHECK(parse_fails("A=1\n   \n", "t.env:2:1: line 2 is not KEY=VALUE"));
	CHECK(parse_fails("A=1\n#x\nA=2\n", "t.env:3:1: duplicate key 'A' (first on line 1)"));
	CHECK(parse_fails("sops_a=1\nsops_a=2", "t.env:2:1: duplicate key 'sops_a'"));
	CHECK(parse_fails("A=1\nB=\xff\n", "t.env:2:3: invalid UTF-8"));
}

TEST(test_doc_dotenv__quote_escapes_line_breaks_and_refuses_literal_escapes)
{
	const char *src = "A=1\n#c\n";
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *root = doc ? veil_doc_root(doc, 0) : NULL;
	char *out;
	size_t len;

	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(veil_doc_set_value(doc, root->items[0], "x\\n", 3, VEIL_SCALAR_STR) == VEIL_EINVAL);
	CHECK(veil_doc_set_value(doc, root->items[1], "a\nb", 3, VEIL_SCALAR_STR) == VEIL_EINVAL);
	CHECK(veil_doc_set_value(doc, root->items[0], "two\nlines\\", 10, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_value(doc, root->items[1], "ENC[c]", 6, VEIL_SCALAR_STR) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, "A=two\\nlines\\\n#ENC[c]\n"));
	free(out);
	veil_doc_free(doc);
}

static void round_trip(const char *rel)
{
	size_t len, out_len, n;
	char *src = doc_test_data(rel, &len);
	char *out = src ? doc_test_round_trip(&veil_codec__dotenv, VEIL_FMT_DOTENV, src, len,
	                                      &out_len, &n)
	                : NULL;

	CHECK(out != NULL);
	CHECK(n >= 2);
	CHECK(out && out_len == len && !memcmp(out, src, len));
	free(out);
	free(src);
}

TEST(test_doc_dotenv__round_trip_exact)
{
	round_trip("dotenv/app.env");
	round_trip("dotenv/no-final-newline.env");
}

TEST(test_doc_dotenv__metadata_flattened_sorted_at_the_end)
{
	size_t len, with_len;
	char *src = doc_test_data("dotenv/app.env", &len), *with;
	const char *tail =
	        "UNICODE=h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93\n"
	        "sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n"
	        "YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\\n-----END AGE ENCRYPTED FILE-----\\n\n"
	        "sops_age__list_0__map_recipient=" DOC_TEST_RECIPIENT "\n"
	        "sops_lastmodified=2026-01-02T03:04:05Z\n"
	        "sops_mac=" DOC_TEST_MAC "\n"
	        "sops_mac_only_encrypted=true\n"
	        "sops_unencrypted_suffix=_unencrypted\n"
	        "sops_version=3.13.2\n";

	if (!src) {
		CHECK(0);
		return;
	}
	with = doc_test_meta_round_trip(&veil_codec__dotenv, VEIL_FMT_DOTENV, src, len, &with_len);
	CHECK(with && with_len > strlen(tail) && !strcmp(with + with_len - strlen(tail), tail));
	free(with);
	free(src);
}

TEST(test_doc_dotenv__metadata_without_final_newline_and_empty_file)
{
	size_t with_len;
	char *with =
	        doc_test_meta_round_trip(&veil_codec__dotenv, VEIL_FMT_DOTENV, "A=1", 3, &with_len);

	CHECK(with && !strncmp(with, "A=1\nsops_age__list_0__map_enc=", 30));
	CHECK(with && with[with_len - 1] != '\n');
	free(with);
	with = doc_test_meta_round_trip(&veil_codec__dotenv, VEIL_FMT_DOTENV, "", 0, &with_len);
	CHECK(with && !strncmp(with, "sops_age__list_0__map_enc=", 26));
	free(with);
	with = doc_test_meta_round_trip(&veil_codec__dotenv, VEIL_FMT_DOTENV, "#only\n\n", 7,
	                                &with_len);
	CHECK(with && !strncmp(with, "#only\n\nsops_", 12));
	free(with);
}

TEST(test_doc_dotenv__metadata_kept_out_of_the_data_tree_and_replaced_in_place)
{
	const char *src = "A=1\nsops_version=old\n#between\nB=2\nsops_mac=m\nsops_x__list_1=y\n";
	veil_doc *doc = PARSE(src, strlen(src));
	const veil_node *meta, *root;
	char *out;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	root = veil_doc_root(doc, 0);
	CHECK_INT(root->nitems, 3); /* A, the comment, B */
	meta = veil_doc_metadata(doc);
	CHECK(doc_test_is(doc_test_at(meta, "version"), "old"));
	CHECK(doc_test_is(doc_test_at(meta, "mac"), "m"));
	CHECK_INT(doc_test_at(meta, "x")->kind, VEIL_NODE_SEQ);
	CHECK_INT(doc_test_at(meta, "x")->nitems, 2); /* a hole at 0, as sops's unflatten */
	CHECK(doc_test_is(doc_test_at(meta, "x/1"), "y"));
	CHECK(veil_doc_set_metadata(doc, doc_test_meta(doc, "new")) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strncmp(out, "A=1\n#between\nB=2\nsops_age__list_0__map_enc=", 43));
	CHECK(out && strstr(out, "\nsops_version=new\n") && !strstr(out, "old") &&
	      !strstr(out, "sops_x"));
	free(out);
	veil_doc_free(doc);
}

/* Real sops-written files: the flattened keys read back as a tree, and the
 * block written back from that tree is byte-identical. */
static void fixture(const char *rel, size_t ndata, const char *last_recipient, size_t nage,
                    const char *version)
{
	size_t len, mid_len, out_len;
	static const char armor_start[] = "-----BEGIN AGE ENCRYPTED FILE-----\n"
	                                  "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOS";
	char *src = doc_test_fixture(rel, &len), *mid = NULL, *out = NULL, path[64];
	veil_doc *doc, *bare = NULL;
	const veil_node *meta;

	if (!src)
		return;
	doc = PARSE(src, len);
	meta = doc ? veil_doc_metadata(doc) : NULL;
	CHECK(meta != NULL);
	if (!meta)
		goto done;
	CHECK_INT(veil_doc_root(doc, 0)->nitems, ndata);
	CHECK_INT(doc_test_at(meta, "age")->nitems, nage);
	snprintf(path, sizeof(path), "age/%zu/recipient", nage - 1);
	CHECK(doc_test_is(doc_test_at(meta, path), last_recipient));
	CHECK(!strncmp(doc_test_at(meta, "age/0/enc")->value, armor_start, strlen(armor_start)));
	CHECK(strstr(doc_test_at(meta, "age/0/enc")->value,
	             "\n-----END AGE ENCRYPTED FILE-----\n"));
	CHECK(doc_test_is(doc_test_at(meta, "version"), version));
	CHECK(doc_test_is(doc_test_at(meta, "unencrypted_suffix"), "_unencrypted"));
	CHECK(!strncmp(doc_test_at(meta, "mac")->value, "ENC[AES256_GCM,data:", 20));
	CHECK(veil_doc_remove_metadata(doc) == 0);
	mid = doc_test_render(doc, &mid_len);
	CHECK(mid && !strstr(mid, "sops_"));
	bare = mid ? PARSE(mid, mid_len) : NULL;
	CHECK(bare && veil_doc_metadata(bare) == NULL);
	CHECK(bare && veil_doc_set_metadata(bare, meta) == 0);
	out = bare ? doc_test_render(bare, &out_len) : NULL;
	CHECK(out && out_len == len && !memcmp(out, src, len));
done:
	free(out);
	free(mid);
	veil_doc_free(bare);
	veil_doc_free(doc);
	free(src);
}

TEST(test_doc_dotenv__sops_fixtures_unflatten)
{
	fixture("kustomize-controller/internal/controller/testdata/sops/envs/env.env", 1,
	        "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29", 1, "3.9.0");
	fixture("kustomize-controller/internal/controller/testdata/sops/component/env.env", 1,
	        "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29", 1, "3.9.0");
	fixture("sops-age/tests/data/secret.enc.env", 2,
	        "age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2", 3, "3.8.1");
}

TEST(test_doc_dotenv__emit)
{
	const char *src = "#c\nA=1\n";
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *roots[1], *m;
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK(doc != NULL);
	if (!doc)
		return;
	roots[0] = veil_doc_root(doc, 0);
	CHECK(veil_codec__dotenv.emit(&b, roots, 1, 0) == 0);
	CHECK(b.data && !strcmp((char *)b.data, src));
	m = veil_doc_build_map(doc);
	veil_doc_add_item(m, "K", doc_test_scalar(doc, "a\nb", VEIL_SCALAR_STR));
	veil_doc_add_item(m, "N", veil_doc_build_map(doc));
	roots[0] = m;
	veil_buf_clear(&b);
	CHECK(veil_codec__dotenv.emit(&b, roots, 1, 0) == VEIL_EINVAL); /* nested */
	veil_buf_dispose(&b);
	veil_doc_free(doc);
}

TEST(test_doc_dotenv__metadata_keys_sorted_whatever_the_tree_order)
{
	veil_doc *doc = PARSE("A=1\n", 4);
	veil_node *m, *age, *e;
	char *out;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	m = veil_doc_build_map(doc);
	age = veil_doc_build_seq(doc);
	e = veil_doc_build_map(doc);
	veil_doc_add_item(m, "version", doc_test_scalar(doc, "3.13.2", VEIL_SCALAR_STR));
	veil_doc_add_item(e, "recipient", doc_test_scalar(doc, "r", VEIL_SCALAR_STR));
	veil_doc_add_item(e, "enc", doc_test_scalar(doc, "e", VEIL_SCALAR_STR));
	veil_doc_add_item(age, NULL, e);
	veil_doc_add_item(m, "age", age);
	veil_doc_add_item(m, "shamir_threshold", doc_test_scalar(doc, "2", VEIL_SCALAR_INT));
	veil_doc_add_item(m, "empty", veil_doc_build_map(doc));
	veil_doc_add_item(m, "nothing", doc_test_scalar(doc, "", VEIL_SCALAR_NULL));
	CHECK(veil_doc_set_metadata(doc, m) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, "A=1\nsops_age__list_0__map_enc=e\n"
	                          "sops_age__list_0__map_recipient=r\n"
	                          "sops_shamir_threshold=2\nsops_version=3.13.2\n"));
	free(out);
	veil_doc_free(doc);
}
