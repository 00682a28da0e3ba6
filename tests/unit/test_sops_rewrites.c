/* What an AES256_GCM file gets so that sops reads it: YAML aliases written
 * out (src/lib/sops/aliases.c; which ones, what the file then holds, that it
 * decrypts to the same tree), %YAML directives dropped, integers sops cannot
 * hold refused. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops_fixture.h"

static char *enc_with(const char *text, struct keys *k, veil_sops_cipher c, const char *unenc_re,
                      size_t *expanded)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_sops_rewrites r = { 99, 99 };
	char *enc;

	o.cipher = c;
	o.rewrites = &r;
	if (unenc_re) {
		o.selection = VEIL_SEL_UNENCRYPTED_REGEX;
		o.selection_value = unenc_re;
	}
	enc = encrypt_text(text, k, &o);
	*expanded = r.aliases;
	return enc;
}

TEST(test_sops_rewrites__aes_files_have_no_alias_of_encrypted_values)
{
	const char *y = "base: &b\n  user: admin\n  pw: s3cret\nprod:\n  <<: *b\n  host: db\n"
	                "list:\n  - &i one\n  - *i\n";
	struct keys k;
	size_t n = 99;
	char *enc, *dec = NULL;

	make_keys(&k);
	enc = enc_with(y, &k, VEIL_SOPS_AES256_GCM, NULL, &n);
	CHECK(enc != NULL);
	CHECK_INT(n, 2);
	CHECK(enc && !strstr(enc, "*b") && !strstr(enc, "*i"));
	CHECK(enc && strstr(enc, "base: &b\n") && strstr(enc, "  <<:\n    user: ENC[AES256_GCM,"));
	CHECK_INT(enc ? decrypt_text(enc, k.ids, &dec, 0) : -1, 0);
	CHECK(dec && strstr(dec, "  <<:\n    user: admin\n    pw: s3cret\n  host: db\n"));
	CHECK(dec && strstr(dec, "  - &i one\n  - one\n"));
	free(enc);
	free(dec);
	free_keys(&k);
}

TEST(test_sops_rewrites__kept_where_sops_reads_them)
{
	/* c and d stay plaintext: the alias of c is fine for sops as it is */
	const char *y = "a: secret\nc: &y open\nd: *y\n";
	struct keys k;
	size_t n = 99;
	char *enc;

	make_keys(&k);
	enc = enc_with(y, &k, VEIL_SOPS_AES256_GCM, "^(c|d)$", &n);
	CHECK_INT(n, 0);
	CHECK(enc && strstr(enc, "d: *y\n"));
	free(enc);
	/* ... but not where the rules encrypt the alias's own path */
	enc = enc_with(y, &k, VEIL_SOPS_AES256_GCM, "^c$", &n);
	CHECK_INT(n, 1);
	CHECK(enc && !strstr(enc, "*y") && strstr(enc, "d: ENC[AES256_GCM,"));
	free(enc);
	/* ChaCha files are veil's alone: aliases stay */
	enc = enc_with(y, &k, VEIL_SOPS_CHACHA20_POLY1305, "^c$", &n);
	CHECK_INT(n, 0);
	CHECK(enc && strstr(enc, "d: *y\n"));
	free(enc);
	free_keys(&k);
}

TEST(test_sops_rewrites__an_alias_bomb_stops_at_the_cap)
{
	/* every level doubles: written out in full, 2^20 copies */
	char y[4096] = "a0: &a0 [x, y]\n";
	struct keys k;
	size_t n = 0;
	char *enc;

	for (int i = 1; i <= 20; i++) {
		size_t len = strlen(y);
		snprintf(y + len, sizeof(y) - len, "a%d: &a%d [*a%d, *a%d]\n", i, i, i - 1, i - 1);
	}
	make_keys(&k);
	enc = enc_with(y, &k, VEIL_SOPS_AES256_GCM, NULL, &n);
	CHECK(enc == NULL);
	CHECK(strstr(veil_error_last(), "excessive aliasing") != NULL);
	free(enc);
	free_keys(&k);
}

TEST(test_sops_rewrites__yaml_versions_but_1_1_are_dropped)
{
	static const char *const in[] = {
		"%YAML 1.2\n---\na: 1\n",
		"a: 1\n...\n%YAML 1.2\n---\nb: 2\n",
		"%YAML 1.1\n---\na: 1\n",
	};
	static const size_t want[] = { 1, 1, 0 };
	struct keys k;

	make_keys(&k);
	for (size_t i = 0; i < sizeof(in) / sizeof(*in); i++) {
		veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
		veil_sops_rewrites r = { 0, 99 };
		char *enc, *dec = NULL;

		o.rewrites = &r;
		enc = encrypt_text(in[i], &k, &o);
		CHECK(enc != NULL);
		CHECK_INT(r.directives, want[i]);
		CHECK(enc && (strstr(enc, "%YAML 1.2") == NULL));
		CHECK(enc && (want[i] || strstr(enc, "%YAML 1.1\n---\n") != NULL));
		CHECK_INT(enc ? decrypt_text(enc, k.ids, &dec, 0) : -1, 0);
		free(enc);
		free(dec);
	}
	/* ChaCha files are veil's alone: the directive stays */
	{
		veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
		char *enc;

		o.cipher = VEIL_SOPS_CHACHA20_POLY1305;
		enc = encrypt_text(in[0], &k, &o);
		CHECK(enc && strstr(enc, "%YAML 1.2\n---\n") != NULL);
		free(enc);
	}
	free_keys(&k);
}

TEST(test_sops_rewrites__integers_sops_cannot_hold_are_refused)
{
	struct keys k;
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	char *enc;

	make_keys(&k);
	enc = encrypt_text("a: 9223372036854775807\nb: -9223372036854775808\n", &k, &o);
	CHECK(enc != NULL); /* int64's own ends are fine */
	free(enc);
	enc = encrypt_text("a: 1\nb: 9223372036854775808\n", &k, &o);
	CHECK(enc == NULL);
	CHECK(strstr(veil_error_last(), "outside int64") && strstr(veil_error_last(), "2:4"));
	enc = encrypt_text("a: 0x8000000000000000\n", &k, &o);
	CHECK(enc == NULL);
	enc = encrypt_text("b: \"9223372036854775808\"\n", &k, &o);
	CHECK(enc != NULL); /* quoted: a string */
	free(enc);
	o.cipher = VEIL_SOPS_CHACHA20_POLY1305;
	enc = encrypt_text("b: 9223372036854775808\n", &k, &o);
	CHECK(enc != NULL); /* veil reads it back; only sops cannot */
	free(enc);
	free_keys(&k);
}
