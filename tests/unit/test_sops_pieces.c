/* Decrypting in pieces gives the whole-document path's bytes, or declines. */
#include <sodium.h>
#include <stdlib.h>
#include "harness.h"
#include "util/secret.h"
#include "veil/sops.h"
#include "veil/veil.h"
#include "sops_fixture.h"

/* Pieces of every size from one root entry each up to the whole file: each
 * either declines or gives exactly want. Returns a bit per size that took
 * the file (bit 0: one root entry per piece). */
static int pieces_agree(const char *enc, const veil_identities *ids, const char *want,
                        int ignore_mac)
{
	static const size_t sizes[] = { 1, 40, 200, 0 };
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	int took = 0;

	o.identities = ids;
	o.ignore_mac = ignore_mac;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *out = NULL;
		size_t len = 0;
		/* one thread, then two: the same bytes either way */
		int error = veil_sops_decrypt_pieces(&out, &len, enc, strlen(enc), "t.enc.yaml", &o,
		                                     sizes[i], 1 + (i & 1));

		if (error == 0) {
			took |= 1 << i;
			CHECK(len == strlen(want) && !memcmp(out, want, len));
			if (len != strlen(want) || memcmp(out, want, len))
				fprintf(stderr, "--- pieces of %zu gave\n%.*s--- want\n%s",
				        sizes[i], (int)len, out, want);
		} else {
			CHECK(out == NULL && len == 0);
			if (getenv("VEIL_TEST_VERBOSE"))
				fprintf(stderr, "  size %zu declined: %s\n", sizes[i],
				        veil_error_last());
		}
		free(out);
	}
	return took;
}

static const struct {
	const char *text;
	int sizes; /* the piece sizes that must take it (bits of pieces_agree) */
} taken[] = {
	/* comments everywhere, block scalars, sequences at column 0 under a key */
	{ "# head comment\n"
	  "apiVersion: v1\n"
	  "kind: Secret # inline\n"
	  "metadata:\n"
	  "  name: db\n"
	  "  labels: {app: db, tier: \"x\"}\n"
	  "# between root entries\n"
	  "stringData:\n"
	  "  password: hunter2\n" /* veil:allow: test value */
	  "  config.yaml: |\n"
	  "    a: 1\n"
	  "    b: two\n"
	  "  folded: >-\n"
	  "    one\n"
	  "    two\n"
	  "list:\n"
	  "- a\n"
	  "- {k: v}\n"
	  "- - nested\n"
	  "    # deep comment\n"
	  "  - 3.5\n"
	  "empty: ''\n"
	  "nothing:\n"
	  "'quoted key': \"quoted value\"\n"
	  "types: [1, true, 2.0, null, ~]\n"
	  "\n"
	  "# trailing comment\n",
	  15 },
	/* four-space indent; an alias across root entries: only a piece that
     * holds both can take it */
	{ "defaults: &d\n"
	  "    user: admin\n"
	  "    pass: s3cret\n"
	  "prod:\n"
	  "    <<: *d\n"
	  "    host: db.prod\n"
	  "dev:\n"
	  "    host: db.dev\n",
	  8 },
	/* multi-line value after the indent step is known */
	{ "a:\n"
	  "   b: |\n"
	  "      line one\n"
	  "      line two\n"
	  "c: \"x\\ny\"\n",
	  15 },
	/* a multi-line value before a later entry shows the indent step (4):
     * the whole file lays the block out at 4, a lone first piece cannot */
	{ "c: \"x\\ny\"\n"
	  "a:\n"
	  "    b: 1\n",
	  8 },
};

TEST(test_sops_pieces__same_bytes_as_the_whole_path)
{
	struct keys k;

	make_keys(&k);
	for (size_t i = 0; i < sizeof(taken) / sizeof(*taken); i++) {
		veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
		char *enc = encrypt_text(taken[i].text, &k, &o), *dec = NULL;

		CHECK(enc != NULL);
		if (!enc)
			continue;
		/* the whole path may re-quote decrypted scalars ("x" -> x) */
		CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
		CHECK(dec != NULL);
		/* every size must take these */
		if (dec)
			CHECK_INT(pieces_agree(enc, k.ids, dec, 0) & taken[i].sizes,
			          taken[i].sizes);
		free(enc);
		free(dec);
	}
	free_keys(&k);
}

TEST(test_sops_pieces__selection_rules_and_aes)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *dec = NULL;

	make_keys(&k);
	o.cipher = VEIL_SOPS_AES256_GCM;
	o.selection = VEIL_SEL_ENCRYPTED_REGEX;
	o.selection_value = "^(data|stringData)$";
	o.mac_only_encrypted = 1;
	enc = encrypt_text(taken[0].text, &k, &o);
	CHECK(enc != NULL);
	if (enc) {
		CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
		if (dec)
			CHECK_INT(pieces_agree(enc, k.ids, dec, 0), 15);
	}
	free(enc);
	free(dec);
	free_keys(&k);
}

/* What pieces cannot see alone sends the file to the whole path. */
TEST(test_sops_pieces__declines_what_crosses_root_entries)
{
	static const char *const declined[] = {
		"a: &x 1\nb: *x\n",  /* an alias across root entries */
		"a: 1\n---\nb: 2\n", /* two documents */
	};
	struct keys k;

	make_keys(&k);
	for (size_t i = 0; i < sizeof(declined) / sizeof(*declined); i++) {
		veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
		char *enc, *dec = NULL;

		/* ChaCha: AES files have their aliases of encrypted values
		 * written out for sops, and then nothing crosses root entries */
		o.cipher = VEIL_SOPS_CHACHA20_POLY1305;
		enc = encrypt_text(declined[i], &k, &o);

		if (!enc) /* a duplicate key does not even encrypt */
			continue;
		CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
		/* one root entry per piece must decline; larger pieces may hold
		 * both entries, and then must agree */
		CHECK_INT(pieces_agree(enc, k.ids, dec ? dec : "", 0) & 1, 0);
		free(enc);
		free(dec);
	}
	free_keys(&k);
}

/* One byte changed in a value: no output, and the whole path fails too. */
TEST(test_sops_pieces__tampering_fails_with_nothing_out)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_sops_decrypt_options d = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *out = NULL, *p;
	size_t len = 7;

	make_keys(&k);
	d.identities = k.ids;
	enc = encrypt_text(taken[1].text, &k, &o);
	CHECK(enc != NULL);
	if (!enc)
		goto done;
	p = strstr(enc, "data:");
	CHECK(p != NULL);
	if (p) {
		p[6] = p[6] == 'A' ? 'B' : 'A';
		CHECK(veil_sops_decrypt_pieces(&out, &len, enc, strlen(enc), "t", &d, 1, 2) < 0);
		CHECK(out == NULL && len == 0);
		CHECK(decrypt_text(enc, k.ids, &out, 0) < 0);
	}
	free(out);
	out = NULL;
	/* a root key written twice: both paths refuse */
	free(enc);
	enc = encrypt_text("a: 1\nb: 2\n", &k, &o);
	p = enc ? strstr(enc, "\nb: ") : NULL;
	CHECK(p != NULL);
	if (p) {
		p[1] = 'a';
		CHECK(veil_sops_decrypt_pieces(&out, &len, enc, strlen(enc), "t", &d, 1, 2) < 0);
		CHECK(out == NULL);
		CHECK(decrypt_text(enc, k.ids, &out, 0) < 0);
		free(out);
	}
done:
	free(enc);
	free_keys(&k);
}
