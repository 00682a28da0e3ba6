/* scrypt (passphrase) stanzas: the CCTV vector, round trips at logN 10,
 * and the strict work-factor and salt rules. */
#include <sodium.h>
#include "harness.h"
#include "keys_testutil.h"
#include "veil/keys.h"

static int unwrap_with(uint8_t fk[16], const char *pass, int max, const char *args,
                       const char *body)
{
	veil_identity *id = NULL;
	veil_stanza s;
	int error;

	if (veil_identity_from_passphrase(&id, pass, strlen(pass), max) < 0)
		return -100;
	if (keys_test_stanza(&s, args, body) < 0) {
		veil_identity_free(id);
		return -101;
	}
	error = veil_identity__unwrap(fk, id, &s);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
	return error;
}

static int unwrap_text(const char *args, const char *body)
{
	uint8_t fk[16];

	return unwrap_with(fk, "password", 0, args, body);
}

TEST(test_keys_scrypt__cctv_vector_unwraps_to_its_file_key)
{
	uint8_t fk[16] = { 0 };

	CHECK_INT(
	        unwrap_with(fk, "password", 0, "scrypt " CCTV_SCRYPT_SALT " 10", CCTV_SCRYPT_BODY),
	        0);
	CHECK_MEM(fk, CCTV_FILE_KEY, 16);
}

TEST(test_keys_scrypt__wrong_passphrase_is_no_match)
{
	uint8_t fk[16] = { 0 };

	CHECK_INT(
	        unwrap_with(fk, "passwore", 0, "scrypt " CCTV_SCRYPT_SALT " 10", CCTV_SCRYPT_BODY),
	        VEIL_ENOMATCH);
	/* CCTV scrypt_work_factor_wrong: a different valid logN is a wrong key */
	CHECK_INT(
	        unwrap_with(fk, "password", 0, "scrypt " CCTV_SCRYPT_SALT " 11", CCTV_SCRYPT_BODY),
	        VEIL_ENOMATCH);
	CHECK(sodium_is_zero(fk, sizeof(fk)));
}

TEST(test_keys_scrypt__wrap_unwrap_round_trip_at_log_n_10)
{
	veil_recipient *r = NULL;
	veil_identity *id = NULL;
	veil_stanza s = { 0 };
	uint8_t fk[16], out[16] = { 0 };
	size_t salt_len = 0;
	uint8_t salt[16];

	randombytes_buf(fk, sizeof(fk));
	CHECK_INT(veil_recipient_from_passphrase(&r, "correct horse", 13, 10), 0);
	CHECK_INT(veil_identity_from_passphrase(&id, "correct horse", 13, 0), 0);
	CHECK_INT(veil_recipient__wrap(&s, r, fk), 0);
	CHECK_INT(s.nargs, 3);
	CHECK_STR(s.args[0], "scrypt");
	CHECK_INT(veil_b64_decode_raw(salt, sizeof(salt), &salt_len, s.args[1], strlen(s.args[1])),
	          0);
	CHECK_INT(salt_len, 16);
	CHECK_STR(s.args[2], "10");
	CHECK_INT(s.body_len, 32);
	CHECK_INT(veil_identity__unwrap(out, id, &s), 0);
	CHECK_MEM(out, fk, 16);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
	veil_recipient_free(r);
}

TEST(test_keys_scrypt__work_factor_above_the_maximum_is_refused_before_work)
{
	uint8_t fk[16];

	/* CCTV scrypt_work_factor_23: refused without running scrypt */
	CHECK_INT(unwrap_text("scrypt " CCTV_SCRYPT_SALT " 23", CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "work factor 23 above the maximum 22") != NULL);
	/* a lower maximum set on the identity applies too */
	CHECK_INT(
	        unwrap_with(fk, "password", 9, "scrypt " CCTV_SCRYPT_SALT " 10", CCTV_SCRYPT_BODY),
	        VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "work factor 10 above the maximum 9") != NULL);
	CHECK_INT(unwrap_text("scrypt " CCTV_SCRYPT_SALT " 9223372036854775818", CCTV_SCRYPT_BODY),
	          VEIL_EFORMAT);
}

TEST(test_keys_scrypt__work_factor_must_be_plain_decimal)
{
	static const char *bad[] = { "+10", "-10",    "0",      "010", "012",
		                     "0xa", "aaaa10", "10aaaa", "1 0" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char args[128];

		snprintf(args, sizeof(args), "scrypt " CCTV_SCRYPT_SALT " %s", bad[i]);
		CHECK_INT(unwrap_text(args, CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	}
}

TEST(test_keys_scrypt__malformed_stanzas_are_format_errors)
{
	/* salt missing, long, short, not canonical; extra argument */
	CHECK_INT(unwrap_text("scrypt 10", CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	CHECK_INT(unwrap_text("scrypt rF0/NwblUHHTpgQgRpe5CRs1xuY 10", CCTV_SCRYPT_BODY),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text("scrypt rF0/NwblUHHTpgQgRpe5 10", CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	CHECK_INT(unwrap_text("scrypt rF0/NwblUHHTpgQgRpe5CR 10", CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	CHECK_INT(unwrap_text("scrypt " CCTV_SCRYPT_SALT " 10 x", CCTV_SCRYPT_BODY), VEIL_EFORMAT);
	/* body of 33 bytes, and of 0 bytes */
	CHECK_INT(unwrap_text("scrypt " CCTV_SCRYPT_SALT " 10",
	                      "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUYA"),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text("scrypt " CCTV_SCRYPT_SALT " 10", ""), VEIL_EFORMAT);
}

TEST(test_keys_scrypt__other_types_are_no_match)
{
	CHECK_INT(unwrap_text("Scrypt " CCTV_SCRYPT_SALT " 10", CCTV_SCRYPT_BODY), VEIL_ENOMATCH);
	CHECK_INT(unwrap_text("X25519 " CCTV_X25519_SHARE, CCTV_X25519_BODY), VEIL_ENOMATCH);
}
