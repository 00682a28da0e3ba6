/* Identity files and recipients files: the age CLI's line rules, secrets
 * never echoed, lists untouched on failure. */
#include <stdlib.h>
#include "harness.h"
#include "keys_testutil.h"
#include "veil/age.h"
#include "veil/keys.h"

#define CCTV_RECIPIENT "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"
/* The identity of the CCTV x25519_no_match vector: a second public test key. */
#define OTHER_IDENTITY "AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG"
#define ED_PUB         "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP4T0qxLU5V9Veu+Uv4tUe3BrWprvIVW4vqGnhrb55Wg"

static int ids_result(const char *text, size_t *count)
{
	veil_identities *list = NULL;
	int error;

	if (veil_identities_new(&list) < 0)
		return -100;
	error = veil_identities_parse(list, text, strlen(text), "keys.txt");
	*count = veil_identities_count(list);
	veil_identities_free(list);
	return error;
}

static int rcpts_result(const char *text, size_t *count, size_t *skipped)
{
	veil_recipients *list = NULL;
	int error;

	if (veil_recipients_new(&list) < 0)
		return -100;
	error = veil_recipients_parse(list, text, strlen(text), "recipients.txt", skipped);
	*count = veil_recipients_count(list);
	veil_recipients_free(list);
	return error;
}

/* The message must not contain any part of a secret key line. */
static int echoes_secret(void)
{
	return strstr(veil_error_last(), "EGTZVFFV") != NULL ||
	       strstr(veil_error_last(), "143WN7DC") != NULL;
}

TEST(test_keys_files__age_keygen_file_with_comments_blank_lines_and_crlf)
{
	size_t n = 0;

	CHECK_INT(ids_result("# created: 2026-11-22T21:05:51Z\r\n"
	                     "# public key: " CCTV_RECIPIENT "\r\n" CCTV_IDENTITY "\r\n"
	                     "\r\n"
	                     "\n"
	                     "#" CCTV_IDENTITY "\n" OTHER_IDENTITY,
	                     &n),
	          0);
	CHECK_INT(n, 2);
}

TEST(test_keys_files__identity_file_rejections_never_echo_the_line)
{
	size_t n = 99;

	CHECK_INT(ids_result(CCTV_IDENTITY " \n", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line 1") != NULL && !echoes_secret());
	CHECK_INT(ids_result("# x\n\t" CCTV_IDENTITY "\n", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line 2") != NULL && !echoes_secret());
	/* a broken key on line 3 after a good one */
	CHECK_INT(ids_result(CCTV_IDENTITY "\n\nAGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPY\n", &n),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line 3") != NULL && !echoes_secret());
	/* lowercase identity: not the canonical form */
	CHECK_INT(ids_result("age-secret-key-1egtzvffv20835nwyv6270lxyvk2vknx2mmdkwyklmgr48"
	                     "uawx40q2p2lm0",
	                     &n),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "egtzvffv") == NULL);
	CHECK_INT(n, 0);
}

TEST(test_keys_files__recipient_in_identity_file_is_named)
{
	size_t n = 0;

	CHECK_INT(ids_result(CCTV_IDENTITY "\n" CCTV_RECIPIENT "\n", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "recipient found in identity file") != NULL);
	CHECK(strstr(veil_error_last(), "line 2") != NULL);
	/* the list is left as it was: the good first line is not kept */
	CHECK_INT(n, 0);
}

TEST(test_keys_files__identity_file_needs_an_identity_and_utf8)
{
	size_t n;

	CHECK_INT(ids_result("", &n), VEIL_EFORMAT);
	CHECK_INT(ids_result("# only a comment\n\n", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "no identities") != NULL);
	CHECK_INT(ids_result("# caf\xc3\xa9\n" CCTV_IDENTITY "\n", &n), 0);
	CHECK_INT(ids_result("# caf\xe9\n" CCTV_IDENTITY "\n", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "UTF-8") != NULL);
	/* overlong encoding of '/' */
	CHECK_INT(ids_result("# \xc0\xaf\n" CCTV_IDENTITY "\n", &n), VEIL_EFORMAT);
}

TEST(test_keys_files__unsupported_identity_formats)
{
	size_t n;

	CHECK_INT(ids_result("age-encryption.org/v1\n-> scrypt x 10\n", &n), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "passphrase-encrypted identity files") != NULL);
	CHECK(strstr(veil_error_last(), "-> scrypt") == NULL);
	CHECK_INT(ids_result("-----BEGIN AGE ENCRYPTED FILE-----\n", &n), VEIL_EUNSUPPORTED);
	CHECK_INT(ids_result("-----BEGIN EC PRIVATE KEY-----\nAAAA\n", &n), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "EC PRIVATE KEY") != NULL);
	/* a damaged PEM RSA key is malformed */
	CHECK_INT(ids_result("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n", &n), VEIL_EFORMAT);
	/* a plugin identity with a bad checksum is malformed */
	CHECK_INT(ids_result("AGE-PLUGIN-YUBIKEY-1QQQQQ\n", &n), VEIL_EFORMAT);
	CHECK_INT(ids_result(ED_PUB "\n", &n), VEIL_EFORMAT);
}

static void collect_warning(const char *message, void *payload)
{
	char *buf = payload;

	if (strlen(buf) + strlen(message) + 2 < 1024) {
		strcat(buf, message);
		strcat(buf, "\n");
	}
}

/* TEST-ONLY: a post-quantum identity line (its checksum is not checked: the
 * type alone decides), and an identity of a type that does not exist yet. */
#define PQ_LINE    "AGE-SECRET-KEY-PQ-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"
#define OTHER_LINE "AGE-SECRET-KEY-FUTURE9-1QQQQQQQQQQQQQQQQQQQQQQQQQQQ"

TEST(test_keys_files__unusable_lines_are_skipped_with_one_warning_each)
{
	veil_identity_file_options o = VEIL_IDENTITY_FILE_OPTIONS_INIT;
	veil_identities *list = NULL;
	static char warnings[1024];
	const char *file = PQ_LINE "\n" CCTV_IDENTITY "\n# c\n" OTHER_LINE "\n";

	warnings[0] = '\0';
	o.warn = collect_warning;
	o.warn_payload = warnings;
	CHECK_INT(veil_identities_new(&list), 0);
	CHECK_INT(veil_identities_parse_opts(list, file, strlen(file), "keys.txt", &o), 0);
	CHECK_INT(veil_identities_count(list), 1);
	CHECK(strstr(warnings, "keys.txt: line 1: ") != NULL);
	CHECK(strstr(warnings, "ML-KEM-768") != NULL);
	CHECK(strstr(warnings, "keys.txt: line 4: ") != NULL);
	CHECK(strstr(warnings, "QQQQ") == NULL);
	/* only unusable lines: an error, no identity */
	CHECK_INT(veil_identities_parse_opts(list, PQ_LINE, strlen(PQ_LINE), "pq.txt", &o),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "no usable identities") != NULL);
	/* a malformed line of a supported type still fails the whole file */
	CHECK_INT(veil_identities_parse_opts(list, PQ_LINE "\nAGE-SECRET-KEY-1QQ\n",
	                                     strlen(PQ_LINE) + 21, "bad.txt", &o),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line 2") != NULL);
	CHECK_INT(veil_identities_count(list), 1);
	veil_identities_free(list);
}

TEST(test_keys_files__several_identities_per_line_as_sops_age_key)
{
	veil_identity_file_options o = VEIL_IDENTITY_FILE_OPTIONS_INIT;
	veil_identities *list = NULL;
	const char *text = " " CCTV_IDENTITY "\t" OTHER_IDENTITY " \n#x\n" CCTV_IDENTITY;

	o.words = 1;
	CHECK_INT(veil_identities_new(&list), 0);
	CHECK_INT(veil_identities_parse_opts(list, text, strlen(text), "SOPS_AGE_KEY", &o), 0);
	CHECK_INT(veil_identities_count(list), 3);
	/* without words, the same text is an error (blanks around a key) */
	CHECK_INT(veil_identities_parse(list, text, strlen(text), "f"), VEIL_EFORMAT);
	veil_identities_free(list);
}

TEST(test_keys_files__identities_are_appended_to_a_list)
{
	veil_identities *list = NULL;

	CHECK_INT(veil_identities_new(&list), 0);
	CHECK_INT(veil_identities_parse(list, CCTV_IDENTITY, strlen(CCTV_IDENTITY), NULL), 0);
	CHECK_INT(
	        veil_identities_parse(list, OTHER_IDENTITY "\n", strlen(OTHER_IDENTITY) + 1, NULL),
	        0);
	CHECK_INT(veil_identities_parse(list, "bad\n", 4, NULL), VEIL_EFORMAT);
	CHECK_INT(veil_identities_count(list), 2);
	veil_identities_free(list);
}

TEST(test_keys_files__recipients_file_never_drops_a_recipient)
{
	size_t n = 0, skipped = 99;

	CHECK_INT(rcpts_result("# team\r\n" CCTV_RECIPIENT "\r\n"
	                       "\n" ED_PUB " someone@host\n",
	                       &n, &skipped),
	          0);
	CHECK_INT(n, 2);
	CHECK_INT(skipped, 0);
	/* a valid key of a type veil cannot encrypt to fails with its line */
	CHECK_INT(rcpts_result(CCTV_RECIPIENT
	                       "\n\n"
	                       "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= ec@host\n",
	                       &n, &skipped),
	          VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "line 3") != NULL);
	CHECK_INT(n, 0);
}

TEST(test_keys_files__identity_in_recipients_file_is_not_echoed)
{
	size_t n = 0, skipped = 0;

	CHECK_INT(rcpts_result(CCTV_RECIPIENT "\n" CCTV_IDENTITY "\n", &n, &skipped), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "identity found in recipients file") != NULL);
	CHECK(strstr(veil_error_last(), "line 2") != NULL && !echoes_secret());
	CHECK_INT(n, 0);
	/* other bad lines are not echoed either (they might be secrets) */
	CHECK_INT(rcpts_result("not-a-recipient-secret\n", &n, &skipped), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "not-a-recipient-secret") == NULL);
	CHECK(strstr(veil_error_last(), "line 1") != NULL);
}

TEST(test_keys_files__recipients_file_limits_and_emptiness)
{
	static char big[9000];
	size_t n, skipped;

	CHECK_INT(rcpts_result("# nothing\n", &n, &skipped), VEIL_EFORMAT);
	CHECK_INT(rcpts_result("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==\n", &n, &skipped),
	          VEIL_EFORMAT);
	memset(big, '#', sizeof(big) - 1);
	CHECK_INT(rcpts_result(big, &n, &skipped), VEIL_ELIMIT);
	CHECK_INT(rcpts_result("age1pq1qqqqqqqqqqqqqqqqqqqq\n", &n, &skipped), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "ML-KEM-768") != NULL);
	CHECK(strstr(veil_error_last(), "line 1") != NULL);
	/* a damaged ssh-rsa line is an error, not a silent skip */
	CHECK_INT(rcpts_result(CCTV_RECIPIENT "\nssh-rsa AAAAB3NzaC1yc2\n", &n, &skipped),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line 2") != NULL);
	CHECK_INT(rcpts_result(CCTV_RECIPIENT " \n", &n, &skipped), VEIL_EFORMAT);
}

typedef struct pass_source {
	const char *pass;
	int calls;
} pass_source;

static int give_passphrase(veil_identity **out, void *payload)
{
	pass_source *src = payload;

	src->calls++;
	return veil_identity_from_passphrase(out, src->pass, strlen(src->pass), 0);
}

/* An identity file encrypted to a passphrase at logN 10, armored or not. */
static uint8_t *encrypted_identity_file(size_t *len, int armor)
{
	static const char plain[] = "# created: now\n" CCTV_IDENTITY "\n";
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	veil_recipients *rs = NULL;
	veil_recipient *r = NULL;
	uint8_t *out = NULL;

	opts.armor = armor;
	if (veil_recipients_new(&rs) < 0 || veil_recipient_from_passphrase(&r, "pw", 2, 10) < 0 ||
	    veil_recipients_add(rs, r) < 0 ||
	    veil_age_encrypt_mem(&out, len, (const uint8_t *)plain, strlen(plain), rs, &opts) < 0)
		out = NULL;
	veil_recipients_free(rs);
	return out;
}

TEST(test_keys_files__passphrase_encrypted_identity_file_with_a_passphrase_source)
{
	pass_source good = { "pw", 0 }, bad = { "wrong", 0 };
	veil_identities *list = NULL;
	char *enc = NULL;

	CHECK_INT(veil_identities_new(&list), 0);
	for (int armor = 0; armor < 2; armor++) {
		size_t len = 0;
		uint8_t *file = encrypted_identity_file(&len, armor);

		CHECK(file != NULL);
		if (file == NULL)
			continue;
		CHECK_INT(veil_identities_parse(list, (const char *)file, len, "k.age"),
		          VEIL_EUNSUPPORTED);
		CHECK_INT(veil_identities_parse_ext(list, (const char *)file, len, "k.age",
		                                    give_passphrase, &bad),
		          VEIL_ENOMATCH);
		CHECK_INT(veil_identities_parse_ext(list, (const char *)file, len, "k.age",
		                                    give_passphrase, &good),
		          0);
		free(file);
	}
	CHECK_INT(good.calls, 2);
	CHECK_INT(bad.calls, 2);
	CHECK_INT(veil_identities_count(list), 2);
	CHECK_INT(veil_identity_encode(&enc, veil_identities_get(list, 1)), 0);
	CHECK(enc != NULL && strcmp(enc, CCTV_IDENTITY) == 0);
	veil_secret_string_free(enc);
	/* a plain identity file never asks */
	CHECK_INT(veil_identities_parse_ext(list, CCTV_IDENTITY, strlen(CCTV_IDENTITY), NULL,
	                                    give_passphrase, &bad),
	          0);
	CHECK_INT(bad.calls, 2);
	veil_identities_free(list);
}
