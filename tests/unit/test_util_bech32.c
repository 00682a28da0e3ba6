#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include "util/bech32.h"
#include "util/secret.h"
#include "veil/error.h"

/* An identity and the recipient the Debian age-keygen 1.1.1 derives from it
 * (age-keygen -y), so decoding is checked against X25519 as well. */
static const char identity[] =
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
static const char recipient[] = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef";

static int dec(const char *s, size_t len, size_t *n)
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t dummy;
	int rc;

	rc = veil_bech32_decode(&hrp, &data, n ? n : &dummy, s, len);
	if (rc == 0)
		CHECK(hrp != NULL && data != NULL);
	else
		CHECK(hrp == NULL && data == NULL);
	free(hrp);
	free(data);
	return rc;
}

static int dec_str(const char *s)
{
	return dec(s, strlen(s), NULL);
}

TEST(test_util_bech32__bip173_valid_strings)
{
	static const char *valid[] = {
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcluded"
		"charactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		"qqqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (dec_str(valid[i]) != 0) {
			fprintf(stderr, "  rejected %s: %s\n", valid[i], veil_error_last());
			CHECK(!"valid BIP-173 string rejected");
		}
	}
}

TEST(test_util_bech32__bip173_invalid_strings)
{
	static const char *invalid[] = {
		" 1nwldj5", /* HRP character out of range (0x20) */
		"\x7f"
		"1axkwrx",
		"\x80"
		"1eym55h",
		"pzry9x0s0muk",  /* no separator */
		"1pzry9x0s0muk", /* empty HRP */
		"x1b4n0q5v",     /* invalid data character */
		"li1dgmt3",      /* too short checksum */
		"de1lg7wt\xff",  /* invalid character in checksum */
		"A1G7SGD8",      /* checksum over the uppercase HRP */
		"10a06t8",       /* empty HRP */
		"1qzzfhee",      /* empty HRP */
		/* mixed case */
		"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", /* bad checksum */
		/* non-zero padding in the 5-to-8 conversion */
		"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
	};
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		if (dec_str(invalid[i]) != VEIL_EFORMAT) {
			fprintf(stderr, "  accepted invalid #%zu\n", i);
			CHECK(!"invalid BIP-173 string accepted");
		}
	}
	/* The valid neighbour of the padding case decodes to 33 bytes. */
	{
		size_t n = 0;

		static const char ok[] =
		        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7";

		CHECK_INT(dec(ok, strlen(ok), &n), 0);
		CHECK_INT(n, 33);
	}
}

TEST(test_util_bech32__no_90_character_limit)
{
	/* BIP-173 rejects this only for its length; age has no such limit. */
	CHECK_INT(dec_str("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcluded"
	                  "charactersbio1569pvx"),
	          0);
}

/* An independent checksum (straight from the BIP's definition) to build
 * strings whose 5-bit data the 8-bit encoder cannot produce. */
static void make_5bit_string(char *out, const char *hrp, const char *data5)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const uint32_t g[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	uint8_t v[256];
	size_t n = 0, i, j, hl = strlen(hrp), dl = strlen(data5);
	uint32_t chk = 1, top;

	for (i = 0; i < hl; i++)
		v[n++] = (uint8_t)hrp[i] >> 5;
	v[n++] = 0;
	for (i = 0; i < hl; i++)
		v[n++] = (uint8_t)hrp[i] & 31;
	for (i = 0; i < dl; i++)
		v[n++] = (uint8_t)(strchr(cs, data5[i]) - cs);
	for (i = 0; i < 6; i++)
		v[n++] = 0;
	for (i = 0; i < n; i++) {
		top = chk >> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (j = 0; j < 5; j++)
			if ((top >> j) & 1)
				chk ^= g[j];
	}
	chk ^= 1;
	n = 0;
	memcpy(out, hrp, hl);
	n = hl;
	out[n++] = '1';
	memcpy(out + n, data5, dl);
	n += dl;
	for (i = 0; i < 6; i++)
		out[n++] = cs[(chk >> (5 * (5 - i))) & 31];
	out[n] = '\0';
}

TEST(test_util_bech32__strict_padding)
{
	char s[64];
	size_t n = 99;

	make_5bit_string(s, "a", "");
	CHECK_INT(dec(s, strlen(s), &n), 0);
	CHECK_INT(n, 0);
	make_5bit_string(s, "a", "qq"); /* 10 bits: 1 byte + 2 zero bits */
	CHECK_INT(dec(s, strlen(s), &n), 0);
	CHECK_INT(n, 1);
	make_5bit_string(s, "a", "qp"); /* non-zero padding bit */
	CHECK_INT(dec_str(s), VEIL_EFORMAT);
	make_5bit_string(s, "a", "q"); /* 5 bits of padding, no byte */
	CHECK_INT(dec_str(s), VEIL_EFORMAT);
	make_5bit_string(s, "a", "qqq"); /* 1 byte + 7 bits of padding */
	CHECK_INT(dec_str(s), VEIL_EFORMAT);
	make_5bit_string(s, "a", "qqqq"); /* 20 bits: 2 bytes + 4 zero bits */
	CHECK_INT(dec_str(s), 0);
}

TEST(test_util_bech32__age_identity_and_recipient)
{
	char *hrp = NULL, *enc = NULL;
	uint8_t *sk = NULL, *pk = NULL, derived[32];
	size_t n = 0;

	CHECK_INT(veil_bech32_decode(&hrp, &sk, &n, identity, strlen(identity)), 0);
	CHECK(hrp && strcmp(hrp, "age-secret-key-") == 0);
	CHECK_INT(n, 32);
	if (sk && n == 32) {
		CHECK_INT(veil_bech32_encode(&enc, "age-secret-key-", sk, 32, 1), 0);
		CHECK(enc && strcmp(enc, identity) == 0);
		veil_wipe_free_str(enc);
		enc = NULL;
		/* The caller may also pass the uppercase prefix. */
		CHECK_INT(veil_bech32_encode(&enc, "AGE-SECRET-KEY-", sk, 32, 1), 0);
		CHECK(enc && strcmp(enc, identity) == 0);
		veil_wipe_free_str(enc);
		enc = NULL;
		crypto_scalarmult_base(derived, sk);
	}
	free(hrp);
	hrp = NULL;

	CHECK_INT(veil_bech32_decode(&hrp, &pk, &n, recipient, strlen(recipient)), 0);
	CHECK(hrp && strcmp(hrp, "age") == 0);
	CHECK_INT(n, 32);
	if (pk && n == 32) {
		CHECK_MEM(pk, derived, 32);
		CHECK_INT(veil_bech32_encode(&enc, "age", pk, 32, 0), 0);
		CHECK(enc && strcmp(enc, recipient) == 0);
		free(enc);
	}
	free(hrp);
	free(pk);
	veil_wipe_free(sk, 32);
}

TEST(test_util_bech32__lowercased_identity_decodes_but_mixed_case_does_not)
{
	char low[sizeof(identity)], mixed[sizeof(identity)];
	size_t i;

	for (i = 0; i < sizeof(identity); i++)
		low[i] = (identity[i] >= 'A' && identity[i] <= 'Z') ? (char)(identity[i] + 32)
		                                                    : identity[i];
	memcpy(mixed, identity, sizeof(identity));
	mixed[17] = low[17]; /* one lowercase letter in the data */
	CHECK(mixed[17] >= 'a' && mixed[17] <= 'z');
	CHECK_INT(dec_str(low), 0);
	CHECK_INT(dec_str(mixed), VEIL_EFORMAT);
}

TEST(test_util_bech32__separator_is_last_one_and_plugin_names)
{
	uint8_t data[5] = { 1, 2, 3, 4, 5 };
	char *s = NULL, *hrp = NULL;
	uint8_t *out = NULL;
	size_t n = 0;

	CHECK_INT(veil_bech32_encode(&s, "age1yubikey", data, 5, 0), 0);
	CHECK(s && strncmp(s, "age1yubikey1", 12) == 0);
	if (s) {
		CHECK_INT(veil_bech32_decode(&hrp, &out, &n, s, strlen(s)), 0);
		CHECK(hrp && strcmp(hrp, "age1yubikey") == 0);
		CHECK_INT(n, 5);
		CHECK(out && memcmp(out, data, 5) == 0);
	}
	free(s);
	free(hrp);
	free(out);
}

TEST(test_util_bech32__single_character_change_is_detected)
{
	char buf[sizeof(recipient)];
	size_t i;
	int caught = 0, tried = 0;

	for (i = 4; i < sizeof(recipient) - 1; i++) {
		memcpy(buf, recipient, sizeof(recipient));
		buf[i] = buf[i] == 'q' ? 'p' : 'q';
		tried++;
		caught += dec_str(buf) == VEIL_EFORMAT;
	}
	CHECK_INT(caught, tried);
}

TEST(test_util_bech32__length_cap_and_large_payloads)
{
	static uint8_t big[4096];
	char *s = NULL, *hrp = NULL;
	uint8_t *out = NULL;
	size_t i, n = 0;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31 + 7);
	/* A post-quantum recipient is 1216 bytes: ~1960 characters. */
	CHECK_INT(veil_bech32_encode(&s, "age1pq", big, 1216, 0), 0);
	CHECK(s && strlen(s) == 6 + 1 + (1216 * 8 + 4) / 5 + 6);
	if (s) {
		CHECK_INT(veil_bech32_decode(&hrp, &out, &n, s, strlen(s)), 0);
		CHECK_INT(n, 1216);
		CHECK(out && memcmp(out, big, 1216) == 0);
	}
	free(s);
	free(hrp);
	free(out);
	s = NULL;
	/* 4096 bytes need 6554 characters, 5120 bytes would need 8192+. */
	CHECK_INT(veil_bech32_encode(&s, "x", big, 4096, 0), 0);
	free(s);
	s = NULL;
	{
		static uint8_t huge[5200];

		CHECK_INT(veil_bech32_encode(&s, "x", huge, sizeof(huge), 0), VEIL_EINVAL);
		CHECK(s == NULL);
	}
	{
		static char longstr[VEIL_BECH32_MAX_LEN + 2];

		memset(longstr, 'q', sizeof(longstr) - 1);
		longstr[0] = 'a';
		longstr[1] = '1';
		CHECK_INT(dec(longstr, VEIL_BECH32_MAX_LEN + 1, NULL), VEIL_EFORMAT);
		CHECK(strstr(veil_error_last(), "longer") != NULL);
	}
}

TEST(test_util_bech32__rejects_embedded_nul_and_bad_prefix_on_encode)
{
	char *s = NULL;
	uint8_t d[1] = { 0 };

	CHECK_INT(dec("a12uel5l\0", 9, NULL), VEIL_EFORMAT);
	CHECK_INT(dec("a1\0"
	              "2uel5l",
	              8, NULL),
	          VEIL_EFORMAT);
	CHECK_INT(veil_bech32_encode(&s, "", d, 1, 0), VEIL_EINVAL);
	CHECK_INT(veil_bech32_encode(&s, "a b", d, 1, 0), VEIL_EINVAL);
	CHECK(s == NULL);
}

TEST(test_util_bech32__round_trip_every_small_length)
{
	uint8_t in[100];
	char *s = NULL, *hrp = NULL;
	uint8_t *out = NULL;
	size_t n, i, got;
	int bad = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 73 + 5);
	for (n = 0; n <= sizeof(in); n++) {
		if (veil_bech32_encode(&s, "test", in, n, (int)(n & 1)) != 0) {
			bad++;
			continue;
		}
		got = 0;
		bad += veil_bech32_decode(&hrp, &out, &got, s, strlen(s)) != 0 || got != n ||
		       strcmp(hrp, "test") != 0 || (n && memcmp(out, in, n) != 0);
		free(s);
		free(hrp);
		free(out);
		s = hrp = NULL;
		out = NULL;
	}
	CHECK_INT(bad, 0);
}
