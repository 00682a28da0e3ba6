/* The text forms of identities and recipients (Bech32, ssh lines) and the
 * routing of recipient strings by prefix. */
#include <stdlib.h>
#include "harness.h"
#include "keys_testutil.h"
#include "veil/keys.h"

/* age-keygen -y of the CCTV identity (Debian age 1.1.1). */
#define CCTV_RECIPIENT "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"

static int parse_id(const char *s)
{
	veil_identity *id = NULL;
	int error = veil_identity_parse(&id, s, strlen(s));

	CHECK(error < 0 ? id == NULL : id != NULL);
	veil_identity_free(id);
	return error;
}

static int parse_rcpt(const char *s)
{
	veil_recipient *r = NULL;
	int error = veil_recipient_parse(&r, s, strlen(s));

	CHECK(error < 0 ? r == NULL : r != NULL);
	veil_recipient_free(r);
	return error;
}

TEST(test_keys_text__cctv_identity_round_trips_and_matches_age_keygen)
{
	veil_identity *id = NULL;
	veil_recipient *r = NULL;
	char *enc = NULL, *renc = NULL;

	CHECK_INT(veil_identity_parse(&id, CCTV_IDENTITY, strlen(CCTV_IDENTITY)), 0);
	if (id == NULL)
		return;
	CHECK_INT(veil_identity_type(id), VEIL_KEY_X25519);
	CHECK_INT(veil_identity_encode(&enc, id), 0);
	CHECK(enc != NULL && strcmp(enc, CCTV_IDENTITY) == 0);
	CHECK_INT(veil_identity_to_recipient(&r, id), 0);
	CHECK_INT(veil_recipient_encode(&renc, r), 0);
	CHECK(renc != NULL && strcmp(renc, CCTV_RECIPIENT) == 0);
	veil_secret_string_free(enc);
	free(renc);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_text__generated_identity_encodes_and_parses_back)
{
	veil_identity *id = NULL, *back = NULL;
	char *a = NULL, *b = NULL;

	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(veil_identity_encode(&a, id), 0);
	CHECK(a != NULL && strncmp(a, "AGE-SECRET-KEY-1", 16) == 0 && strlen(a) == 74);
	CHECK_INT(veil_identity_parse(&back, a, strlen(a)), 0);
	CHECK_INT(veil_identity_encode(&b, back), 0);
	CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
	veil_secret_string_free(a);
	veil_secret_string_free(b);
	veil_identity_free(back);
	veil_identity_free(id);
}

TEST(test_keys_text__identity_rejects_other_case_and_garbage)
{
	char lower[128];
	size_t i;

	for (i = 0; CCTV_IDENTITY[i]; i++)
		lower[i] = (char)(CCTV_IDENTITY[i] >= 'A' && CCTV_IDENTITY[i] <= 'Z'
		                          ? CCTV_IDENTITY[i] + 32
		                          : CCTV_IDENTITY[i]);
	lower[i] = '\0';
	CHECK_INT(parse_id(lower), VEIL_EFORMAT);
	CHECK_INT(parse_id(CCTV_IDENTITY " "), VEIL_EFORMAT);
	CHECK_INT(parse_id(" " CCTV_IDENTITY), VEIL_EFORMAT);
	/* checksum broken in the last character */
	CHECK_INT(parse_id("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48"
	                   "UAWX40Q2P2LM2"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_id(CCTV_RECIPIENT), VEIL_EFORMAT);
	CHECK_INT(parse_id(""), VEIL_EFORMAT);
}

TEST(test_keys_text__x25519_recipient_parses_and_encodes_canonically)
{
	veil_recipient *r = NULL;
	char *enc = NULL;

	CHECK_INT(veil_recipient_parse(&r, CCTV_RECIPIENT, strlen(CCTV_RECIPIENT)), 0);
	if (r == NULL)
		return;
	CHECK_INT(veil_recipient_type(r), VEIL_KEY_X25519);
	CHECK_INT(veil_recipient_encode(&enc, r), 0);
	CHECK(enc != NULL && strcmp(enc, CCTV_RECIPIENT) == 0);
	free(enc);
	veil_recipient_free(r);
}

TEST(test_keys_text__recipient_rejections)
{
	/* uppercase is not the canonical form */
	CHECK_INT(parse_rcpt("AGE1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4Q47RYEF"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_rcpt("age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryeg"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_rcpt(CCTV_RECIPIENT " "), VEIL_EFORMAT);
	CHECK_INT(parse_rcpt("github:someone"), VEIL_EFORMAT);
	CHECK_INT(parse_rcpt(""), VEIL_EFORMAT);
	/* recipients are public, so their text may appear in the message */
	CHECK_INT(parse_rcpt("bogus-recipient"), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "bogus-recipient") != NULL);
}

TEST(test_keys_text__identity_given_as_recipient_is_not_echoed)
{
	CHECK_INT(parse_rcpt(CCTV_IDENTITY), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "EGTZVFFV") == NULL);
}

TEST(test_keys_text__post_quantum_and_tag_recipients_are_unsupported)
{
	CHECK_INT(parse_rcpt("age1pq1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "ML-KEM-768") != NULL);
	CHECK_INT(parse_rcpt("age1tag1qqqqqqqqqqqqqqqqqqqqqqqqqqq"), VEIL_EUNSUPPORTED);
	CHECK_INT(parse_rcpt("age1tagpq1qqqqqqqqqqqqqqqqqqqqqqqqq"), VEIL_EUNSUPPORTED);
	CHECK_INT(parse_rcpt("age1yubikey1qqqqqqqqqqqqqqqqqqqqqqq"), VEIL_EFORMAT); /* checksum */
}

TEST(test_keys_text__passphrase_keys_have_no_text_form_and_need_a_passphrase)
{
	veil_recipient *r = NULL, *r2 = NULL;
	veil_identity *id = NULL;
	char *enc = NULL;

	CHECK_INT(veil_recipient_from_passphrase(&r, "", 0, 0), VEIL_EINVAL);
	CHECK_INT(veil_identity_from_passphrase(&id, "", 0, 0), VEIL_EINVAL);
	CHECK_INT(veil_recipient_from_passphrase(&r, "pw", 2, 31), VEIL_EINVAL);
	CHECK_INT(veil_identity_from_passphrase(&id, "pw", 2, -1), VEIL_EINVAL);
	CHECK_INT(veil_recipient_from_passphrase(&r, "pw", 2, 0), 0);
	CHECK_INT(veil_identity_from_passphrase(&id, "pw", 2, 0), 0);
	if (r == NULL || id == NULL)
		return;
	CHECK_INT(veil_recipient_type(r), VEIL_KEY_SCRYPT);
	/* the defaults of the contract: write 18, accept up to 22 */
	CHECK_INT(r->work_factor, VEIL_SCRYPT_WORK_FACTOR);
	CHECK_INT(id->max_work_factor, VEIL_SCRYPT_MAX_WORK_FACTOR);
	CHECK_INT(veil_recipient_encode(&enc, r), VEIL_EINVAL);
	CHECK_INT(veil_identity_encode(&enc, id), VEIL_EINVAL);
	CHECK(enc == NULL);
	CHECK_INT(veil_identity_to_recipient(&r2, id), VEIL_EINVAL);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_text__lists_own_their_items)
{
	veil_identities *ids = NULL;
	veil_recipients *rs = NULL;
	veil_identity *id = NULL;
	veil_recipient *r = NULL;

	CHECK_INT(veil_identities_new(&ids), 0);
	CHECK_INT(veil_recipients_new(&rs), 0);
	for (int i = 0; i < 9; i++) {
		CHECK_INT(veil_identity_generate(&id), 0);
		CHECK_INT(veil_identity_to_recipient(&r, id), 0);
		CHECK_INT(veil_identities_add(ids, id), 0);
		CHECK_INT(veil_recipients_add(rs, r), 0);
	}
	CHECK_INT(veil_identities_count(ids), 9);
	CHECK_INT(veil_recipients_count(rs), 9);
	CHECK(veil_identities_get(ids, 8) != NULL && veil_identities_get(ids, 9) == NULL);
	CHECK(veil_recipients_get(rs, 8) != NULL && veil_recipients_get(rs, 9) == NULL);
	/* add takes ownership even when it fails */
	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(veil_identities_add(NULL, id), VEIL_EINVAL);
	veil_identities_free(ids);
	veil_recipients_free(rs);
}
