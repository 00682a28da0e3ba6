/* ssh-ed25519: OpenSSH key files, authorized_keys lines, and stanzas, with a
 * stanza written by age 1.1.1 as the known answer. */
#include <stdlib.h>
#include <sodium.h>
#include "harness.h"
#include "keys_testutil.h"
#include "veil/keys.h"

/* TEST-ONLY KEY: generated once with `ssh-keygen -t ed25519 -N ''` for these
 * tests. It protects nothing; never use it for anything else. */
static const char test_key[] =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACD+E9KsS1OVfVXrvlL+LVHtwa1qa7yFVuL6hp4a2+eVoAAAAJgUpWkUFKVp\n"
        "FAAAAAtzc2gtZWQyNTUxOQAAACD+E9KsS1OVfVXrvlL+LVHtwa1qa7yFVuL6hp4a2+eVoA\n"
        "AAAEC+xHe/L43pgvY7MOOK8vR6MnNSfy06zoXoeGebEGwGkv4T0qxLU5V9Veu+Uv4tUe3B\n"
        "rWprvIVW4vqGnhrb55WgAAAADnZlaWwtdGVzdC1vbmx5AQIDBAUGBw==\n"
        "-----END OPENSSH PRIVATE KEY-----\n";
#define TEST_KEY_PUB \
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP4T0qxLU5V9Veu+Uv4tUe3BrWprvIVW4vqGnhrb55Wg"
#define TEST_KEY_TAG "F1YqFg"

/* `age -e -R test_key.pub` (Debian age 1.1.1): its stanza and the file key,
 * confirmed by the header MAC of that file. */
#define AGE_SSH_SHARE    "GJL2EzpmsiTd/pNybt9KhfPeIBsogJ1KL//slXMYqRc"
#define AGE_SSH_BODY     "y0O23a4Ft2IqkgZ8UtFQl2Z0BOo2O/KFrv2qI9s6kdY"
#define AGE_SSH_FILE_KEY "c5aff8f41ca866055c81e5ab83de6dd1"

/* TEST-ONLY KEY: `ssh-keygen -t ecdsa -N ''`, for the unsupported-type case. */
static const char test_ecdsa_key[] =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS\n"
        "1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQTbgDStJvbBKs4SDH8F/ToPpP+p2noo\n"
        "1jytPkc1uwgXHpqrf7Ufb+UE5K+WEIYzWj8H4h2L9tUEAr6r/bD1rpSMAAAAoD7hoIA+4a\n"
        "CAAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNuANK0m9sEqzhIM\n"
        "fwX9Og+k/6naeijWPK0+RzW7CBcemqt/tR9v5QTkr5YQhjNaPwfiHYv21QQCvqv9sPWulI\n"
        "wAAAAgFGE+I+v+wzq0NcZwPngBAdSEk5QIygwRE0+Nw84NhYMAAAAHcm9vdEB2bQE=\n"
        "-----END OPENSSH PRIVATE KEY-----\n";

/* Offsets in the decoded test key (openssh-key-v1 layout). */
#define OFF_CIPHER   19 /* "none" */
#define OFF_NKEYS    38 /* low byte of the key count */
#define OFF_CHECKINT 98
#define OFF_SEED     170
#define OFF_SK_PUB   200 /* second half of the 64-byte private key */

static veil_identity *load(const char *pem)
{
	veil_identities *list = NULL;
	veil_identity *id = NULL;

	CHECK_INT(veil_identities_new(&list), 0);
	if (veil_identities_parse(list, pem, strlen(pem), "test key") == 0) {
		CHECK_INT(veil_identities_count(list), 1);
		/* move it out of the list: parse it once more on its own */
		CHECK_INT(veil_sshed25519__parse_identity(&id, pem, strlen(pem), "test key"), 0);
	}
	veil_identities_free(list);
	return id;
}

/* The test key with one decoded byte xor'ed, re-encoded as PEM. */
static int mutated_key_result(size_t off, uint8_t x)
{
	char b64[1024], out[2048];
	uint8_t raw[1024];
	const char *p = test_key + strlen("-----BEGIN OPENSSH PRIVATE KEY-----\n");
	const char *end = strstr(test_key, "-----END");
	size_t n = 0, raw_len = 0;
	veil_identity *id = NULL;
	int error;

	for (; p < end; p++)
		if (*p != '\n')
			b64[n++] = *p;
	if (veil_b64_decode_padded(raw, sizeof(raw), &raw_len, b64, n) < 0 || off >= raw_len)
		return -100;
	raw[off] ^= x;
	veil_b64_encode_padded(b64, raw, raw_len);
	snprintf(out, sizeof(out),
	         "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n"
	         "-----END OPENSSH PRIVATE KEY-----\n",
	         b64);
	error = veil_sshed25519__parse_identity(&id, out, strlen(out), "mutated");
	veil_identity_free(id);
	return error;
}

TEST(test_keys_ssh__mutation_helper_keeps_an_intact_key_valid)
{
	CHECK_INT(mutated_key_result(OFF_CHECKINT, 0), 0);
}

TEST(test_keys_ssh__private_key_gives_the_public_line_and_tag)
{
	veil_identity *id = load(test_key);
	veil_recipient *r = NULL;
	char *enc = NULL;

	CHECK(id != NULL);
	if (id == NULL)
		return;
	CHECK_INT(veil_identity_type(id), VEIL_KEY_SSH_ED25519);
	CHECK_STR(id->ssh.tag, TEST_KEY_TAG);
	CHECK_INT(veil_identity_to_recipient(&r, id), 0);
	CHECK_INT(veil_recipient_encode(&enc, r), 0);
	CHECK(enc != NULL && strcmp(enc, TEST_KEY_PUB) == 0);
	/* only X25519 identities have an AGE-SECRET-KEY form */
	free(enc);
	CHECK_INT(veil_identity_encode(&enc, id), VEIL_EINVAL);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_ssh__authorized_keys_line_parses_without_its_comment)
{
	veil_recipient *r = NULL;
	char *enc = NULL;
	const char *line = TEST_KEY_PUB " veil-test-only";

	CHECK_INT(veil_recipient_parse(&r, line, strlen(line)), 0);
	if (r == NULL)
		return;
	CHECK_INT(veil_recipient_type(r), VEIL_KEY_SSH_ED25519);
	CHECK_STR(r->ssh.tag, TEST_KEY_TAG);
	CHECK_INT(veil_recipient_encode(&enc, r), 0);
	CHECK(enc != NULL && strcmp(enc, TEST_KEY_PUB) == 0);
	free(enc);
	veil_recipient_free(r);
}

TEST(test_keys_ssh__age_stanza_unwraps_to_its_file_key)
{
	veil_identity *id = load(test_key);
	veil_stanza s;
	uint8_t fk[16] = { 0 }, want[16];

	CHECK(id != NULL);
	if (id == NULL)
		return;
	CHECK_INT(veil_test_unhex(want, sizeof(want), AGE_SSH_FILE_KEY), 16);
	CHECK_INT(keys_test_stanza(&s, "ssh-ed25519 " TEST_KEY_TAG " " AGE_SSH_SHARE, AGE_SSH_BODY),
	          0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), 0);
	CHECK_MEM(fk, want, 16);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
}

TEST(test_keys_ssh__wrap_unwrap_round_trip)
{
	veil_identity *id = load(test_key);
	veil_recipient *r = NULL;
	veil_stanza s = { 0 };
	uint8_t fk[16], out[16] = { 0 };

	CHECK(id != NULL);
	if (id == NULL)
		return;
	randombytes_buf(fk, sizeof(fk));
	CHECK_INT(veil_recipient_parse(&r, TEST_KEY_PUB, strlen(TEST_KEY_PUB)), 0);
	CHECK_INT(veil_recipient__wrap(&s, r, fk), 0);
	CHECK_INT(s.nargs, 3);
	CHECK_STR(s.args[0], "ssh-ed25519");
	CHECK_STR(s.args[1], TEST_KEY_TAG);
	CHECK_INT(strlen(s.args[2]), 43);
	CHECK_INT(veil_identity__unwrap(out, id, &s), 0);
	CHECK_MEM(out, fk, 16);
	veil_keys__stanza_clear(&s);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_ssh__other_keys_and_types_are_no_match)
{
	veil_identity *id = load(test_key), *x = NULL;
	veil_stanza s;
	uint8_t fk[16];

	CHECK(id != NULL);
	if (id == NULL)
		return;
	/* another key's tag */
	CHECK_INT(keys_test_stanza(&s, "ssh-ed25519 AAAAAA " AGE_SSH_SHARE, AGE_SSH_BODY), 0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_ENOMATCH);
	veil_keys__stanza_clear(&s);
	/* our tag, a body that does not authenticate */
	CHECK_INT(keys_test_stanza(&s, "ssh-ed25519 " TEST_KEY_TAG " " AGE_SSH_SHARE,
	                           "y0O23a4Ft2IqkgZ8UtFQl2Z0BOo2O/KFrv2qI9s6kdA"),
	          0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_ENOMATCH);
	/* an X25519 identity ignores ssh stanzas, and the ssh identity X25519 ones */
	CHECK_INT(veil_identity_generate(&x), 0);
	CHECK_INT(veil_identity__unwrap(fk, x, &s), VEIL_ENOMATCH);
	veil_keys__stanza_clear(&s);
	CHECK_INT(keys_test_stanza(&s, "X25519 " CCTV_X25519_SHARE, CCTV_X25519_BODY), 0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_ENOMATCH);
	veil_keys__stanza_clear(&s);
	veil_identity_free(x);
	veil_identity_free(id);
}

TEST(test_keys_ssh__malformed_stanzas_are_format_errors)
{
	veil_identity *id = load(test_key);
	static const char *args[] = {
		"ssh-ed25519 " TEST_KEY_TAG,
		"ssh-ed25519 " TEST_KEY_TAG " " AGE_SSH_SHARE " extra",
		"ssh-ed25519 " TEST_KEY_TAG " " AGE_SSH_SHARE "A",
		"ssh-ed25519 " TEST_KEY_TAG " GJL2EzpmsiTd/pNybt9KhfPeIBsogJ1KL//slXMYqRd",
	};
	veil_stanza s;
	uint8_t fk[16];

	CHECK(id != NULL);
	if (id == NULL)
		return;
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		CHECK_INT(keys_test_stanza(&s, args[i], AGE_SSH_BODY), 0);
		CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_EFORMAT);
		veil_keys__stanza_clear(&s);
	}
	CHECK_INT(keys_test_stanza(&s, "ssh-ed25519 " TEST_KEY_TAG " " AGE_SSH_SHARE,
	                           "y0O23a4Ft2IqkgZ8UtFQl2Z0BOo2O/KFrv2qI9s6kdYA"),
	          0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_EFORMAT);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
}

TEST(test_keys_ssh__corrupted_private_keys_are_refused)
{
	CHECK_INT(mutated_key_result(OFF_CHECKINT, 1), VEIL_EFORMAT);
	CHECK_INT(mutated_key_result(OFF_SK_PUB, 1), VEIL_EFORMAT);
	CHECK_INT(mutated_key_result(OFF_SEED, 1), VEIL_EFORMAT);
	CHECK_INT(mutated_key_result(OFF_NKEYS, 3), VEIL_EFORMAT);
	CHECK_INT(mutated_key_result(0, 1), VEIL_EFORMAT);
}

TEST(test_keys_ssh__encrypted_and_other_type_keys_are_unsupported)
{
	veil_identity *id = NULL;

	/* "none" -> "nonf": any cipher but none is a passphrase-protected key,
	 * loaded locked (its public half names its stanzas; test_keys_rsa) */
	CHECK_INT(mutated_key_result(OFF_CIPHER + 3, 'e' ^ 'f'), 0);
	CHECK_INT(
	        veil_sshed25519__parse_identity(&id, test_ecdsa_key, strlen(test_ecdsa_key), "ec"),
	        VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "ecdsa-sha2-nistp256") != NULL);
	CHECK(id == NULL);
}

TEST(test_keys_ssh__recipient_line_rejections)
{
	veil_recipient *r = NULL;
	const char *rsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= x";
	const char *trunc = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP4T0qxLU5V9Veu+Uv4t";
	const char *mismatch = "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ==";

	CHECK_INT(veil_recipient_parse(&r, rsa, strlen(rsa)), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "ecdsa-sha2-nistp256") != NULL);
	CHECK_INT(veil_recipient_parse(&r, trunc, strlen(trunc)), VEIL_EFORMAT);
	CHECK_INT(veil_recipient_parse(&r, mismatch, strlen(mismatch)), VEIL_EFORMAT);
	CHECK_INT(veil_recipient_parse(&r, "ssh-ed25519", 11), VEIL_EFORMAT);
	/* a damaged key of another type is malformed, not merely unsupported */
	CHECK_INT(veil_recipient_parse(&r, "ssh-rsa AAAA!", 13), VEIL_EFORMAT);
	CHECK_INT(veil_recipient_parse(&r, "ssh-rsa", 7), VEIL_EFORMAT);
	CHECK_INT(veil_recipient_parse(&r, "ssh-rsa " TEST_KEY_PUB + 12,
	                               strlen("ssh-rsa " TEST_KEY_PUB + 12)),
	          VEIL_EFORMAT);
	CHECK(r == NULL);
}
