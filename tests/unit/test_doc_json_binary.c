/* Binary codec: raw bytes under "data", the JSON envelope when encrypted. */
#include "doc_testutil.h"

#define PARSE(s, n) doc_test_parse(&veil_codec__binary, VEIL_FMT_BINARY, (s), (n), "f.bin")
#define ENCV        "ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]"

TEST(test_doc_binary__raw_bytes_are_one_string)
{
	static const char src[] = "line\n\x00\xff{\"sops\": 1}";
	veil_doc *doc = PARSE(src, sizeof(src) - 1);
	const veil_node *data;

	CHECK(doc != NULL);
	if (!doc)
		return;
	data = veil_node_get(veil_doc_root(doc, 0), "data");
	CHECK(data && data->value_len == sizeof(src) - 1 &&
	      !memcmp(data->value, src, sizeof(src) - 1));
	CHECK_INT(data->type, VEIL_SCALAR_STR);
	CHECK_INT(data->span.start, 0);
	CHECK_INT(data->span.end, sizeof(src) - 1);
	CHECK(veil_doc_metadata(doc) == NULL);
	veil_doc_free(doc);
}

static char *encrypt(const char *src, size_t len, int set_data, size_t *out_len)
{
	veil_doc *doc = PARSE(src, len), *again = NULL;
	char *out = NULL;

	if (!doc)
		return NULL;
	if (set_data)
		CHECK(veil_doc_set_value(doc, veil_node_get(veil_doc_root(doc, 0), "data"), ENCV,
		                         strlen(ENCV), VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_metadata(doc, doc_test_meta(doc, "3.13.2")) == 0);
	out = doc_test_render(doc, out_len);
	again = out ? PARSE(out, *out_len) : NULL;
	doc_test_check_meta(again ? veil_doc_metadata(again) : NULL, "3.13.2");
	veil_doc_free(again);
	veil_doc_free(doc);
	return out;
}

#define ENVELOPE(data)                                                                            \
	"{\n\t\"data\": \"" data "\",\n\t\"sops\": {\n\t\t\"age\": [\n\t\t\t{\n\t\t\t\t\"enc\": " \
	"\"-----BEGIN AGE ENCRYPTED FILE-----\\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\\n-----END "     \
	"AGE ENCRYPTED FILE-----\\n\",\n\t\t\t\t\"recipient\": \"" DOC_TEST_RECIPIENT "\"\n"      \
	"\t\t\t}\n\t\t],\n\t\t\"lastmodified\": \"2026-01-02T03:04:05Z\",\n\t\t\"mac\": "         \
	"\"" DOC_TEST_MAC "\",\n\t\t\"mac_only_encrypted\": true,\n\t\t\"unencrypted_suffix\": "  \
	"\"_unencrypted\",\n\t\t\"version\": \"3.13.2\"\n\t}\n}\n"

TEST(test_doc_binary__encrypted_render_is_the_json_envelope)
{
	size_t len;
	char *out = encrypt("\x01\x02 any bytes\n", 14, 1, &len);

	CHECK(out && !strcmp(out, ENVELOPE(ENCV)));
	free(out);
	/* sops leaves an empty file's "" as is: the envelope holds "" */
	out = encrypt("", 0, 0, &len);
	CHECK(out && !strcmp(out, ENVELOPE("")));
	free(out);
}

TEST(test_doc_binary__envelope_edits_and_decrypted_value)
{
	const char *src = ENVELOPE(ENCV);
	veil_doc *doc = PARSE(src, strlen(src));
	veil_node *data;
	char *out;
	size_t len;

	CHECK(doc != NULL);
	if (!doc)
		return;
	data = veil_node_get(veil_doc_root(doc, 0), "data");
	CHECK(doc_test_is(data, ENCV));
	CHECK_INT(data->span.line, 2);
	/* re-encryption replaces the value and the metadata in place */
	CHECK(veil_doc_set_value(doc, data, "ENC[new]", 8, VEIL_SCALAR_STR) == 0);
	CHECK(veil_doc_set_metadata(doc, doc_test_meta(doc, "3.13.2")) == 0);
	out = doc_test_render(doc, &len);
	CHECK(out && !strcmp(out, ENVELOPE("ENC[new]")));
	free(out);
	veil_doc_free(doc);
	/* a JSON file without "sops" is plain bytes */
	doc = PARSE("{\"data\": \"x\"}", 13);
	CHECK(doc &&
	      doc_test_is(veil_node_get(veil_doc_root(doc, 0), "data"), "{\"data\": \"x\"}"));
	veil_doc_free(doc);
}

TEST(test_doc_binary__emit_is_the_raw_data)
{
	veil_doc *doc = PARSE("raw\n", 4);
	veil_node *roots[1];
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK(doc != NULL);
	if (!doc)
		return;
	roots[0] = veil_doc_root(doc, 0);
	CHECK(veil_codec__binary.emit(&b, roots, 1, 0) == 0);
	CHECK(b.len == 4 && !memcmp(b.data, "raw\n", 4));
	veil_buf_dispose(&b);
	veil_doc_free(doc);
}

TEST(test_doc_binary__sops_fixture_envelope)
{
	size_t len;
	char *src = doc_test_fixture(
	        "kustomize-controller/internal/controller/testdata/sops/files/file.txt", &len);
	veil_doc *doc;
	const veil_node *m;

	if (!src)
		return;
	doc = PARSE(src, len);
	m = doc ? veil_doc_metadata(doc) : NULL;
	CHECK(m != NULL);
	CHECK(doc_test_is(doc_test_at(m, "age/0/recipient"),
	                  "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29"));
	CHECK(doc_test_is(doc_test_at(m, "version"), "3.9.0"));
	CHECK(doc && !strncmp(veil_node_get(veil_doc_root(doc, 0), "data")->value,
	                      "ENC[AES256_GCM,data:QNbPAYY=,", 29));
	veil_doc_free(doc);
	free(src);
}
