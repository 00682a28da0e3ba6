/* The public age API: round trips, armor, passphrases, and the failure
 * classes decrypt reports (no match, MAC, nonce, scrypt not alone). */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "harness.h"
#include "veil/veil.h"
#include "age/armor.h"

static veil_identity *new_x25519(void)
{
	veil_identity *id = NULL;

	veil_identity_generate(&id);
	return id;
}

/* A recipients list for id (and its identities list when ids != NULL). */
static veil_recipients *recipients_of(const veil_identity *id)
{
	veil_recipients *rs = NULL;
	veil_recipient *r = NULL;

	veil_recipients_new(&rs);
	if (veil_identity_to_recipient(&r, id) == 0)
		veil_recipients_add(rs, r);
	return rs;
}

static veil_identities *identities_of(veil_identity *id)
{
	veil_identities *ids = NULL;

	veil_identities_new(&ids);
	veil_identities_add(ids, id);
	return ids;
}

TEST(test_age_api__x25519_round_trips_binary_and_armored)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 200000 };
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_identities *ids = identities_of(id);
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *pt = malloc(200000);
	size_t i;
	int armor;

	randombytes_buf(pt, 200000);
	for (armor = 0; armor < 2; armor++) {
		opts.armor = armor;
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *ct = NULL, *back = NULL;
			size_t ct_len = 0, back_len = 0;

			CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, pt, sizes[i], rs, &opts), 0);
			if (armor)
				CHECK(ct_len > 35 && !memcmp(ct, VEIL_ARMOR_BEGIN "\n", 35));
			else
				CHECK(ct_len > 32 &&
				      !memcmp(ct, "age-encryption.org/v1\n-> X25519 ", 32));
			CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, ids, NULL), 0);
			CHECK_INT(back_len, sizes[i]);
			CHECK(back_len == sizes[i] && !memcmp(back, pt, back_len));
			free(ct);
			if (back)
				sodium_memzero(back, back_len);
			free(back);
		}
	}
	free(pt);
	veil_recipients_free(rs);
	veil_identities_free(ids);
}

TEST(test_age_api__wrong_identity_is_no_match_naming_the_types)
{
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_identities *other = identities_of(new_x25519());
	uint8_t *ct = NULL, *back = NULL;
	size_t ct_len = 0, back_len = 0;

	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"hi", 2, rs, NULL), 0);
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, other, NULL), VEIL_ENOMATCH);
	CHECK(strstr(veil_error_last(), "recipients (X25519)") != NULL);
	CHECK(back == NULL);
	free(ct);
	veil_identity_free(id);
	veil_recipients_free(rs);
	veil_identities_free(other);
}

TEST(test_age_api__modified_header_fails_the_mac)
{
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_identities *ids = identities_of(id);
	uint8_t *ct = NULL, *back = NULL, *mod;
	size_t ct_len = 0, back_len = 0;
	static const char grease[] = "-> grease\n\n";

	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"hi", 2, rs, NULL), 0);
	/* An extra (ignored) stanza after the version line: unwrap still works. */
	mod = malloc(ct_len + sizeof(grease));
	memcpy(mod, ct, 22);
	memcpy(mod + 22, grease, sizeof(grease) - 1);
	memcpy(mod + 22 + sizeof(grease) - 1, ct + 22, ct_len - 22);
	CHECK_INT(
	        veil_age_decrypt_mem(&back, &back_len, mod, ct_len + sizeof(grease) - 1, ids, NULL),
	        VEIL_EMAC);
	CHECK(strstr(veil_error_last(), "header MAC mismatch") != NULL);
	/* Cut inside the nonce: a header failure, reported before any payload. */
	{
		const uint8_t *mac = (const uint8_t *)strstr((const char *)ct, "\n--- ");
		size_t hdr = (size_t)(mac - ct) + 5 + 43 + 1;

		CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, hdr + 10, ids, NULL),
		          VEIL_EFORMAT);
		CHECK(strstr(veil_error_last(), "nonce") != NULL);
		CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, hdr + 16, ids, NULL),
		          VEIL_EPAYLOAD);
	}
	free(mod);
	free(ct);
	veil_recipients_free(rs);
	veil_identities_free(ids);
}

static int give_passphrase(veil_identity **out, void *payload)
{
	const char *pass = payload;

	return veil_identity_from_passphrase(out, pass, strlen(pass), 0);
}

TEST(test_age_api__passphrase_round_trip_and_lazy_prompt)
{
	veil_recipients *rs = NULL;
	veil_recipient *r = NULL;
	veil_identities *none = NULL;
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *ct = NULL, *back = NULL;
	size_t ct_len = 0, back_len = 0;

	veil_recipients_new(&rs);
	CHECK_INT(veil_recipient_from_passphrase(&r, "hunter2", 7, 10), 0);
	veil_recipients_add(rs, r);
	veil_identities_new(&none);
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"secret", 6, rs, NULL), 0);
	CHECK(ct_len > 32 && !memcmp(ct, "age-encryption.org/v1\n-> scrypt ", 32));
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, none, NULL), VEIL_ENOMATCH);
	CHECK(strstr(veil_error_last(), "no passphrase") != NULL);
	opts.passphrase = give_passphrase;
	opts.passphrase_payload = "wrong";
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, none, &opts), VEIL_ENOMATCH);
	CHECK(strstr(veil_error_last(), "incorrect passphrase") != NULL);
	opts.passphrase_payload = "hunter2";
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, none, &opts), 0);
	CHECK_INT(back_len, 6);
	CHECK(back_len == 6 && !memcmp(back, "secret", 6));
	free(back);
	free(ct);
	veil_recipients_free(rs);
	veil_identities_free(none);
}

TEST(test_age_api__encrypt_refuses_mixed_scrypt_and_no_recipients)
{
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_recipient *r = NULL;
	uint8_t *ct = NULL;
	size_t ct_len = 0;

	CHECK_INT(veil_recipient_from_passphrase(&r, "pw", 2, 10), 0);
	veil_recipients_add(rs, r);
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"x", 1, rs, NULL),
	          VEIL_EINVAL);
	CHECK(ct == NULL);
	veil_recipients_free(rs);
	veil_recipients_new(&rs);
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"x", 1, rs, NULL),
	          VEIL_EINVAL);
	veil_recipients_free(rs);
	veil_identity_free(id);
}

TEST(test_age_api__scrypt_with_another_stanza_is_a_header_failure)
{
	static const char file[] = "age-encryption.org/v1\n"
	                           "-> scrypt AAAAAAAAAAAAAAAAAAAAAA 10\n"
	                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	                           "-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	                           "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
	veil_identities *ids = identities_of(new_x25519());
	uint8_t *back = NULL;
	size_t back_len = 0;

	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, (const uint8_t *)file, sizeof(file) - 1,
	                               ids, NULL),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "scrypt") != NULL);
	veil_identities_free(ids);
}

TEST(test_age_api__armor_is_detected_and_strict)
{
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_identities *ids = identities_of(id);
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *ct = NULL, *back = NULL, *mod;
	size_t ct_len = 0, back_len = 0;

	opts.armor = 1;
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"armored", 7, rs, &opts), 0);
	/* Leading whitespace is fine; garbage before BEGIN is an armor error. */
	mod = malloc(ct_len + 8);
	memcpy(mod, " \n\t\r\n  ", 7);
	memcpy(mod + 7, ct, ct_len);
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, mod, ct_len + 7, ids, NULL), 0);
	CHECK_INT(back_len, 7);
	free(back);
	memcpy(mod, "junk!\n", 6);
	memcpy(mod + 6, ct, ct_len);
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, mod, ct_len + 6, ids, NULL), VEIL_EARMOR);
	free(mod);
	free(ct);
	veil_recipients_free(rs);
	veil_identities_free(ids);
}

static int count_calls(veil_identity **out, void *payload)
{
	(*(int *)payload)++;
	*out = NULL;
	return VEIL_EINVAL;
}

TEST(test_age_api__passphrase_callback_only_for_passphrase_files)
{
	veil_identity *id = new_x25519();
	veil_recipients *rs = recipients_of(id);
	veil_identities *ids = identities_of(id);
	veil_recipients *prs = NULL;
	veil_recipient *r = NULL;
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *ct = NULL, *back = NULL;
	size_t ct_len = 0, back_len = 0;
	int calls = 0;

	opts.passphrase = count_calls;
	opts.passphrase_payload = &calls;
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"x", 1, rs, NULL), 0);
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, ids, &opts), 0);
	CHECK_INT(calls, 0);
	free(back);
	free(ct);
	/* A passphrase file: the callback runs, and its error is returned as is. */
	veil_recipients_new(&prs);
	CHECK_INT(veil_recipient_from_passphrase(&r, "pw", 2, 10), 0);
	veil_recipients_add(prs, r);
	CHECK_INT(veil_age_encrypt_mem(&ct, &ct_len, (const uint8_t *)"x", 1, prs, NULL), 0);
	CHECK_INT(veil_age_decrypt_mem(&back, &back_len, ct, ct_len, ids, &opts), VEIL_EINVAL);
	CHECK_INT(calls, 1);
	free(ct);
	veil_recipients_free(rs);
	veil_recipients_free(prs);
	veil_identities_free(ids);
}
