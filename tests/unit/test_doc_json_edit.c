/* JSON codec: encrypt-like round trips, metadata set/remove, sops fixtures. */
#include "doc_testutil.h"

/* Every leaf to ENC[...] and back: same skeleton, same values and types;
 * exact when the file's strings were written the way Go writes them. */
static void round_trip(const char *rel, int exact)
{
	size_t len, out_len, n;
	char *src = doc_test_data(rel, &len);
	char *out =
	        src ? doc_test_round_trip(&veil_codec__json, VEIL_FMT_JSON, src, len, &out_len, &n)
	            : NULL;
	veil_doc *a = NULL, *b = NULL;
	veil_node *la[DOC_TEST_MAX_LEAVES], *lb[DOC_TEST_MAX_LEAVES];
	size_t i, na, nb;

	CHECK(out != NULL);
	if (!out)
		goto done;
	CHECK(n > 3);
	if (exact)
		CHECK(out_len == len && !memcmp(out, src, len));
	a = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, len, "a");
	b = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, out, out_len, "b");
	CHECK(a && b);
	if (!a || !b)
		goto done;
	CHECK(doc_test_same_skeleton(a, b));
	na = doc_test_leaves(a->roots[0], la, DOC_TEST_MAX_LEAVES, 0);
	nb = doc_test_leaves(b->roots[0], lb, DOC_TEST_MAX_LEAVES, 0);
	CHECK_INT(na, nb);
	for (i = 0; i < na && i < nb; i++) {
		CHECK_INT(la[i]->type, lb[i]->type);
		CHECK(la[i]->value_len == lb[i]->value_len &&
		      !memcmp(la[i]->value, lb[i]->value, la[i]->value_len));
	}
done:
	veil_doc_free(a);
	veil_doc_free(b);
	free(out);
	free(src);
}

TEST(test_doc_json__round_trip_nested_two_spaces)
{
	round_trip("json/nested-2space.json", 0);
}

TEST(test_doc_json__round_trip_tabs_exact)
{
	round_trip("json/tabs.json", 1);
}

TEST(test_doc_json__round_trip_compact_exact)
{
	round_trip("json/compact.json", 1);
}

TEST(test_doc_json__encrypted_values_are_json_strings)
{
	size_t len, out_len;
	char *src = doc_test_data("json/tabs.json", &len);
	veil_doc *doc =
	        src ? doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, len, "t") : NULL;
	veil_node *n;
	char *out;

	CHECK(doc != NULL);
	if (!doc) {
		free(src);
		return;
	}
	n = veil_node_get(veil_doc_root(doc, 0), "n");
	CHECK(veil_doc_set_value(doc, n, "ENC[AES256_GCM,data:MQ==,type:int]", 34,
	                         VEIL_SCALAR_STR) == 0);
	out = doc_test_render(doc, &out_len);
	CHECK(out && strstr(out, "\n\t\"n\": \"ENC[AES256_GCM,data:MQ==,type:int]\"\n}\n"));
	free(out);
	veil_doc_free(doc);
	free(src);
}

static void meta_round_trip(const char *src, const char *expect)
{
	size_t with_len;
	char *with = doc_test_meta_round_trip(&veil_codec__json, VEIL_FMT_JSON, src, strlen(src),
	                                      &with_len);

	CHECK(with != NULL);
	if (with && expect && strcmp(with, expect)) {
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", with, expect);
		CHECK(0);
	}
	free(with);
}

#define META_TAB(i)                                                                        \
	i "\"sops\": {\n" i i "\"age\": [\n" i i i "{\n" i i i i                           \
	  "\"enc\": \"-----BEGIN AGE ENCRYPTED FILE-----\\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg" \
	  "==\\n-----END AGE ENCRYPTED FILE-----\\n\",\n" i i i i                          \
	  "\"recipient\": \"" DOC_TEST_RECIPIENT "\"\n" i i i "}\n" i i "],\n" i i         \
	  "\"lastmodified\": \"2026-01-02T03:04:05Z\",\n" i i "\"mac\": \"" DOC_TEST_MAC   \
	  "\",\n" i i "\"mac_only_encrypted\": true,\n" i i                                \
	  "\"unencrypted_suffix\": \"_unencrypted\",\n" i i "\"version\": \"3.13.2\"\n" i "}"

TEST(test_doc_json__metadata_appended_with_file_indent_and_removed_exactly)
{
	meta_round_trip("{\n\t\"a\": \"x\"\n}\n", "{\n\t\"a\": \"x\",\n" META_TAB("\t") "\n}\n");
	meta_round_trip("{\n  \"a\": [1, 2],\n  \"b\": {}\n}",
	                "{\n  \"a\": [1, 2],\n  \"b\": {},\n" META_TAB("  ") "\n}");
	meta_round_trip("{}\n", "{\n" META_TAB("\t") "\n}\n");
	meta_round_trip("{\"a\":1}", "{\"a\":1,\n" META_TAB("\t") "}");
	meta_round_trip("  {\n    \"deep\": {\"x\": 1}\n  }\n", NULL);
}

TEST(test_doc_json__metadata_set_replaces_and_remove_handles_any_position)
{
	const char *src = "{\n  \"sops\": {\"version\": \"old\"},\n  \"a\": 1\n}\n";
	veil_doc *doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, strlen(src), "t");
	veil_doc *again = NULL;
	char *out = NULL;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK(doc_test_is(doc_test_at(veil_doc_metadata(doc), "version"), "old"));
	CHECK(veil_doc_set_metadata(doc, doc_test_meta(doc, "3.13.2")) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strncmp(out, "{\n  \"sops\": {\n    \"age\": [\n", 27));
	CHECK(out && strstr(out, "\n    \"version\": \"3.13.2\"\n  },\n  \"a\": 1\n}\n"));
	again = out ? doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, out, len, "t") : NULL;
	doc_test_check_meta(again ? veil_doc_metadata(again) : NULL, "3.13.2");
	veil_doc_free(again);
	free(out);
	veil_doc_free(doc);

	/* first of several, and the only member */
	doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, strlen(src), "t");
	CHECK(doc && veil_doc_remove_metadata(doc) == 0);
	out = doc ? doc_test_render(doc, &len) : NULL;
	CHECK(out && !strcmp(out, "{\n  \"a\": 1\n}\n"));
	free(out);
	veil_doc_free(doc);
	doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, "{\"sops\": {}}", 12, "t");
	CHECK(doc && veil_doc_remove_metadata(doc) == 0);
	out = doc ? doc_test_render(doc, &len) : NULL;
	CHECK(out && !strcmp(out, "{}"));
	free(out);
	veil_doc_free(doc);
}

static void fixture_rewrite(const char *rel, const char *r1)
{
	size_t len, mid_len, out_len;
	char *src = doc_test_fixture(rel, &len), *mid = NULL, *out = NULL;
	veil_doc *doc, *bare = NULL;
	const veil_node *meta;

	if (!src)
		return;
	doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, len, rel);
	meta = doc ? veil_doc_metadata(doc) : NULL;
	CHECK(meta != NULL);
	if (!meta)
		goto done;
	CHECK(doc_test_is(doc_test_at(meta, "age/0/recipient"), r1));
	CHECK(doc_test_at(meta, "kms") && doc_test_at(meta, "kms")->type == VEIL_SCALAR_NULL);
	CHECK(!strncmp(doc_test_at(meta, "age/0/enc")->value,
	               "-----BEGIN AGE ENCRYPTED FILE-----\n", 35));
	/* removed, then written back from its own tree: the same bytes as sops */
	CHECK(veil_doc_remove_metadata(doc) == 0);
	mid = doc_test_render(doc, &mid_len);
	CHECK(mid && !strstr(mid, "\"sops\""));
	bare = mid ? doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, mid, mid_len, "bare") : NULL;
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

TEST(test_doc_json__sops_fixture_metadata_rewritten_byte_identical)
{
	fixture_rewrite("sops-age/tests/data/secret.enc.json",
	                "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr");
}

TEST(test_doc_json__sops_fixture_values_and_types)
{
	size_t len;
	char *src = doc_test_fixture("sops-age/tests/data/secret.enc.json", &len);
	veil_doc *doc;
	const veil_node *root;

	if (!src)
		return;
	doc = doc_test_parse(&veil_codec__json, VEIL_FMT_JSON, src, len, "secret.enc.json");
	root = doc ? veil_doc_root(doc, 0) : NULL;
	CHECK(root != NULL);
	if (root) {
		CHECK_INT(doc_test_at(root, "complex/array")->nitems, 3);
		CHECK(!strncmp(doc_test_at(root, "complex/array/2")->value,
		               "ENC[AES256_GCM,data:AGT1qHw=,", 29));
		CHECK(doc_test_is(
		        doc_test_at(root, "sops/age/2/recipient"),
		        "age13runq29jhy9kfpaegczrzttykerswh0qprq59msgd754yermtfmsa3hwg2"));
		CHECK_INT(doc_test_at(root, "sops/age/2/recipient")->span.line, 31);
	}
	veil_doc_free(doc);
	free(src);
}
