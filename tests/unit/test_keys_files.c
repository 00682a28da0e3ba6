/* Identity files and recipients files: the age CLI's line rules, secrets
 * never echoed, lists untouched on failure. */
#include "harness.h"
#include "keys_testutil.h"
#include "veil/keys.h"

#define CCTV_RECIPIENT "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"
/* The identity of the CCTV x25519_no_match vector: a second public test key. */
#define OTHER_IDENTITY "AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG"
#define ED_PUB "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP4T0qxLU5V9Veu+Uv4tUe3BrWprvIVW4vqGnhrb55Wg"

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
			     "# public key: " CCTV_RECIPIENT "\r\n"
			     CCTV_IDENTITY "\r\n"
			     "\r\n"
			     "\n"
			     "#" CCTV_IDENTITY "\n"
			     OTHER_IDENTITY, &n), 0);
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
			     "uawx40q2p2lm0", &n), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "egtzvffv") == NULL);
	CHECK_INT(n, 0);
}

TEST(test_keys_files__recipient_in_identity_file_is_named)
{
	size_t n;

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
	CHECK_INT(ids_result("-----BEGIN AGE ENCRYPTED FILE-----\n", &n), VEIL_EUNSUPPORTED);
	CHECK_INT(ids_result("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n", &n), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "RSA PRIVATE KEY") != NULL);
	CHECK_INT(ids_result("AGE-PLUGIN-YUBIKEY-1QQQQQ\n", &n), VEIL_EUNSUPPORTED);
	CHECK_INT(ids_result(ED_PUB "\n", &n), VEIL_EFORMAT);
}

TEST(test_keys_files__identities_are_appended_to_a_list)
{
	veil_identities *list = NULL;

	CHECK_INT(veil_identities_new(&list), 0);
	CHECK_INT(veil_identities_parse(list, CCTV_IDENTITY, strlen(CCTV_IDENTITY), NULL), 0);
	CHECK_INT(veil_identities_parse(list, OTHER_IDENTITY "\n", strlen(OTHER_IDENTITY) + 1,
			  NULL), 0);
	CHECK_INT(veil_identities_parse(list, "bad\n", 4, NULL), VEIL_EFORMAT);
	CHECK_INT(veil_identities_count(list), 2);
	veil_identities_free(list);
}

TEST(test_keys_files__recipients_file_skips_unsupported_ssh_keys)
{
	size_t n = 0, skipped = 99;

	CHECK_INT(rcpts_result("# team\r\n"
			       CCTV_RECIPIENT "\r\n"
			       "\n"
			       ED_PUB " someone@host\n"
			       "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== rsa@host\n"
			       "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= ec@host\n",
			  &n, &skipped), 0);
	CHECK_INT(n, 2);
	CHECK_INT(skipped, 2);
}

TEST(test_keys_files__identity_in_recipients_file_is_not_echoed)
{
	size_t n, skipped;

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
	CHECK_INT(rcpts_result(CCTV_RECIPIENT " \n", &n, &skipped), VEIL_EFORMAT);
}
