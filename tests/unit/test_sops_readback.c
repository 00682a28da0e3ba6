/* veil_sops_render: what a command writes encrypted, veil reads back; a
 * result over a limit is refused before anything is written (issue 11). */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops/readback.h"
#include "sops/value.h"
#include "util/secret.h"
#include "veil/sops.h"
#include "sops_fixture.h"

static veil_doc *encrypted(const char *text, struct keys *k, veil_sops_cipher cipher)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	const char *age[1] = { k->recipient };
	veil_sops_key_group g = { age, 1 };
	veil_doc *doc = NULL;

	o.cipher = cipher;
	o.groups = &g;
	o.ngroups = 1;
	if (veil_doc_parse(&doc, VEIL_FMT_YAML, text, strlen(text), "t.yaml") < 0 ||
	    veil_sops_encrypt(doc, &o) < 0) {
		veil_doc_free(doc);
		return NULL;
	}
	return doc;
}

TEST(test_sops_readback__a_result_over_the_size_cap_is_refused)
{
	static const veil_sops_cipher ciphers[] = { VEIL_SOPS_AES256_GCM,
		                                    VEIL_SOPS_CHACHA20_POLY1305 };
	struct keys k;

	make_keys(&k);
	for (size_t c = 0; c < 2; c++) {
		veil_doc *doc = encrypted("a: 1\nb: secret\n", &k, ciphers[c]);
		char *out = NULL, *dec = NULL;
		size_t len = 0;

		CHECK(doc != NULL);
		if (!doc)
			continue;
		CHECK_INT(veil_sops__render_max(&out, &len, doc, 200), VEIL_ELIMIT);
		CHECK(out == NULL && len == 0);
		CHECK(strstr(veil_error_last(), "veil reads files of at most 200 bytes") != NULL);
		CHECK_INT(veil_sops_render(&out, &len, doc), 0);
		CHECK(out && len > 200);
		CHECK_INT(decrypt_text(out, k.ids, &dec, 0), 0);
		CHECK(dec && !strcmp(dec, "a: 1\nb: secret\n"));
		free(dec);
		free(out);
		veil_doc_free(doc);
	}
	free_keys(&k);
}

/* One ENC[...] value is bounded by the document cap alone: the separate
 * 64 MiB cap refused on decrypt what encrypt wrote. */
TEST(test_sops_readback__the_value_cap_is_the_document_cap)
{
	CHECK(VEIL_SOPS_MAX_ENC == VEIL_DOC_MAX_SIZE);
}
