/* X25519 identities and stanzas: the CCTV vector, round trips, and every
 * malformed-stanza rule of the spec. */
#include <sodium.h>
#include "harness.h"
#include "keys_testutil.h"
#include "veil/keys.h"

static veil_identity *cctv_identity(void)
{
	veil_identity *id = NULL;

	CHECK_INT(veil_identity_parse(&id, CCTV_IDENTITY, strlen(CCTV_IDENTITY)), 0);
	return id;
}

/* Unwraps a CCTV-shaped X25519 stanza with the CCTV identity. */
static int unwrap_text(uint8_t fk[16], const char *args, const char *body)
{
	veil_identity *id = cctv_identity();
	veil_stanza s;
	int error;

	if (id == NULL || keys_test_stanza(&s, args, body) < 0)
		return -100;
	error = veil_identity__unwrap(fk, id, &s);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
	return error;
}

TEST(test_keys_x25519__cctv_vector_unwraps_to_its_file_key)
{
	uint8_t fk[16] = { 0 };

	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE, CCTV_X25519_BODY), 0);
	CHECK_MEM(fk, CCTV_FILE_KEY, 16);
}

TEST(test_keys_x25519__wrap_unwrap_round_trip)
{
	veil_identity *id = NULL;
	veil_recipient *r = NULL;
	veil_stanza s = { 0 };
	uint8_t fk[16], out[16] = { 0 };

	randombytes_buf(fk, sizeof(fk));
	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(veil_identity_to_recipient(&r, id), 0);
	CHECK_INT(veil_recipient__wrap(&s, r, fk), 0);
	CHECK_INT(s.nargs, 2);
	CHECK_STR(s.args[0], "X25519");
	CHECK_INT(strlen(s.args[1]), 43);
	CHECK_INT(s.body_len, 32);
	CHECK_INT(veil_identity__unwrap(out, id, &s), 0);
	CHECK_MEM(out, fk, 16);
	veil_keys__stanza_clear(&s);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_x25519__fresh_ephemeral_per_wrap)
{
	veil_identity *id = NULL;
	veil_recipient *r = NULL;
	veil_stanza a = { 0 }, b = { 0 };
	uint8_t fk[16] = { 1 };

	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(veil_identity_to_recipient(&r, id), 0);
	CHECK_INT(veil_recipient__wrap(&a, r, fk), 0);
	CHECK_INT(veil_recipient__wrap(&b, r, fk), 0);
	CHECK(strcmp(a.args[1], b.args[1]) != 0);
	CHECK(memcmp(a.body, b.body, 32) != 0);
	veil_keys__stanza_clear(&a);
	veil_keys__stanza_clear(&b);
	veil_recipient_free(r);
	veil_identity_free(id);
}

TEST(test_keys_x25519__wrong_identity_is_no_match)
{
	veil_identity *id = NULL;
	veil_stanza s;
	uint8_t fk[16];

	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(keys_test_stanza(&s, "X25519 " CCTV_X25519_SHARE, CCTV_X25519_BODY), 0);
	CHECK_INT(veil_identity__unwrap(fk, id, &s), VEIL_ENOMATCH);
	veil_keys__stanza_clear(&s);
	veil_identity_free(id);
}

TEST(test_keys_x25519__other_types_are_no_match)
{
	uint8_t fk[16];

	CHECK_INT(unwrap_text(fk, "x25519 " CCTV_X25519_SHARE, CCTV_X25519_BODY), VEIL_ENOMATCH);
	CHECK_INT(unwrap_text(fk, "scrypt " CCTV_SCRYPT_SALT " 10", CCTV_SCRYPT_BODY),
	          VEIL_ENOMATCH);
	CHECK_INT(unwrap_text(fk, "Xy%9-grease a b", ""), VEIL_ENOMATCH);
}

TEST(test_keys_x25519__malformed_stanzas_are_format_errors)
{
	uint8_t fk[16];

	/* extra argument, missing argument */
	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE " x", CCTV_X25519_BODY),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text(fk, "X25519", CCTV_X25519_BODY), VEIL_EFORMAT);
	/* long share (extra zero byte), short share, non-canonical share */
	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE "A", CCTV_X25519_BODY), VEIL_EFORMAT);
	CHECK_INT(unwrap_text(fk, "X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDO",
	                      CCTV_X25519_BODY),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text(fk, "X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCd",
	                      CCTV_X25519_BODY),
	          VEIL_EFORMAT);
	/* CCTV x25519_long_file_key: a 25-byte file key, refused before decrypting */
	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE,
	                      "nlObGn0CSA4pxiaG3W6nLlaFFuHmqW+bFC6sJmbsJ9yFesgSok1K0AI"),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE, ""), VEIL_EFORMAT);
}

TEST(test_keys_x25519__low_order_shares_are_format_errors)
{
	uint8_t fk[16];

	/* CCTV x25519_low_order and x25519_identity */
	CHECK_INT(unwrap_text(fk, "X25519 X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEdc",
	                      "3E0NpFans/m0WLWF7+54ZBdNj3iqQqpraGDFiaRkvBA"),
	          VEIL_EFORMAT);
	CHECK_INT(unwrap_text(fk, "X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                      "W3E/OCRme9TiTY97JoK31Z71arNur77WIIdB90XnN3M"),
	          VEIL_EFORMAT);
}

TEST(test_keys_x25519__tampered_body_is_no_match)
{
	uint8_t fk[16] = { 0 };

	CHECK_INT(unwrap_text(fk, "X25519 " CCTV_X25519_SHARE,
	                      "hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLA"),
	          VEIL_ENOMATCH);
	/* nothing of the file key is released on failure */
	CHECK(sodium_is_zero(fk, sizeof(fk)));
}
