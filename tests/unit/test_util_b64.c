#include <sodium.h>
#include <stdint.h>
#include "harness.h"
#include "util/b64.h"
#include "veil/error.h"

/* 32 bytes 0x00..0x1f: the size of an X25519 share or a header MAC. */
static const char b64_32_raw[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

static int dec_raw(const char *s, size_t cap, size_t *n)
{
	uint8_t out[64];

	return veil_b64_decode_raw(out, cap, n, s, strlen(s));
}

static int dec_pad(const char *s)
{
	uint8_t out[64];
	size_t n;

	return veil_b64_decode_padded(out, sizeof(out), &n, s, strlen(s));
}

TEST(test_util_b64__lengths)
{
	CHECK_INT(veil_b64_raw_len(0), 0);
	CHECK_INT(veil_b64_raw_len(1), 2);
	CHECK_INT(veil_b64_raw_len(2), 3);
	CHECK_INT(veil_b64_raw_len(3), 4);
	CHECK_INT(veil_b64_raw_len(16), 22);
	CHECK_INT(veil_b64_raw_len(32), 43);
	CHECK_INT(veil_b64_padded_len(0), 0);
	CHECK_INT(veil_b64_padded_len(1), 4);
	CHECK_INT(veil_b64_padded_len(32), 44);
}

TEST(test_util_b64__age_share_round_trip)
{
	uint8_t in[32], out[32];
	char enc[64];
	size_t i, n = 0;

	for (i = 0; i < 32; i++)
		in[i] = (uint8_t)i;
	veil_b64_encode_raw(enc, in, 32);
	CHECK_STR(enc, b64_32_raw);
	CHECK_INT(veil_b64_decode_raw(out, sizeof(out), &n, enc, strlen(enc)), 0);
	CHECK_INT(n, 32);
	CHECK_MEM(out, in, 32);
	veil_b64_encode_padded(enc, in, 32);
	CHECK_STR(enc, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	/* 16 bytes: an scrypt salt or a file key, 22 characters. */
	veil_b64_encode_raw(enc, in, 16);
	CHECK_STR(enc, "AAECAwQFBgcICQoLDA0ODw");
	CHECK_INT(veil_b64_decode_raw(out, sizeof(out), &n, enc, strlen(enc)), 0);
	CHECK_INT(n, 16);
}

TEST(test_util_b64__empty_is_valid)
{
	char enc[4];
	size_t n = 99;

	veil_b64_encode_raw(enc, NULL, 0);
	CHECK_STR(enc, "");
	CHECK_INT(dec_raw("", 8, &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(dec_pad(""), 0);
}

TEST(test_util_b64__rejects_non_canonical_trailing_bits)
{
	size_t n;

	/* '9' instead of '8' sets one of the two unused low bits. */
	CHECK_INT(dec_raw("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQ", 64, &n), 0);
	CHECK_INT(dec_raw("AR", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQI", 64, &n), 0);
	CHECK_INT(dec_raw("AQJ", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_pad("AQJ="), VEIL_EFORMAT);
	CHECK_INT(dec_pad("AR=="), VEIL_EFORMAT);
}

TEST(test_util_b64__padding_rules)
{
	size_t n;

	CHECK_INT(dec_pad("AQI="), 0);
	CHECK_INT(dec_pad("AQ=="), 0);
	CHECK_INT(dec_pad("AQ="), VEIL_EFORMAT);      /* short padding */
	CHECK_INT(dec_pad("AQ"), VEIL_EFORMAT);       /* missing padding */
	CHECK_INT(dec_pad("AQ==AQ=="), VEIL_EFORMAT); /* data after padding */
	CHECK_INT(dec_pad("A==="), VEIL_EFORMAT);
	CHECK_INT(dec_pad("AQ=I"), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQI=", 64, &n), VEIL_EFORMAT); /* '=' in raw */
	CHECK_INT(dec_raw("AQ==", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQIDB", 64, &n), VEIL_EFORMAT); /* length 1 mod 4 */
	CHECK_INT(dec_raw("A", 64, &n), VEIL_EFORMAT);
}

TEST(test_util_b64__rejects_whitespace_and_foreign_chars)
{
	size_t n;

	CHECK_INT(dec_raw("AQID\nBA", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQIDBA\r", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQ ID", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw(" AQI", 64, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQ-_", 64, &n), VEIL_EFORMAT); /* URL-safe alphabet */
	CHECK_INT(dec_pad("AQI=\n"), VEIL_EFORMAT);
	CHECK_INT(dec_pad("AQ\r\nI="), VEIL_EFORMAT);
	/* An embedded NUL counts as a character, not an end. */
	{
		uint8_t out[8];

		CHECK_INT(veil_b64_decode_raw(out, sizeof(out), &n, "AQ\0I", 4), VEIL_EFORMAT);
	}
}

TEST(test_util_b64__rejects_output_beyond_cap)
{
	size_t n;

	CHECK_INT(dec_raw(b64_32_raw, 32, &n), 0);
	CHECK_INT(dec_raw(b64_32_raw, 31, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQI", 1, &n), VEIL_EFORMAT);
	CHECK_INT(dec_raw("AQI", 2, &n), 0);
	CHECK_INT(n, 2);
}

TEST(test_util_b64__round_trip_every_small_length)
{
	uint8_t in[100], out[100];
	char raw[140], pad[140];
	size_t n, i, got;
	int bad = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		veil_b64_encode_raw(raw, in, n);
		veil_b64_encode_padded(pad, in, n);
		bad += strlen(raw) != veil_b64_raw_len(n);
		bad += strlen(pad) != veil_b64_padded_len(n);
		bad += strchr(raw, '=') != NULL;
		got = 0;
		bad += veil_b64_decode_raw(out, n, &got, raw, strlen(raw)) != 0 || got != n ||
		       memcmp(out, in, n) != 0;
		got = 0;
		bad += veil_b64_decode_padded(out, n, &got, pad, strlen(pad)) != 0 || got != n ||
		       memcmp(out, in, n) != 0;
		/* Each form is rejected by the other decoder unless they coincide. */
		if (n % 3)
			bad += veil_b64_decode_raw(out, n, &got, pad, strlen(pad)) == 0;
	}
	CHECK_INT(bad, 0);
}

/* Canonical means one encoding per byte string: whatever a decoder accepts
 * must be exactly what the encoder would write for the decoded bytes. */
TEST(test_util_b64__accepted_input_is_the_canonical_encoding)
{
	static const char alphabet[] = "ABQgw/+=\n 9";
	uint64_t x = 0x9e3779b97f4a7c15u;
	uint8_t out[16];
	char in[16], again[32];
	size_t n, i, got;
	long it, accepted_raw = 0, accepted_pad = 0, bad = 0;

	for (it = 0; it < 200000; it++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = (size_t)(x % 13);
		for (i = 0; i < n; i++)
			in[i] = alphabet[(x >> (4 + 3 * i)) % (sizeof(alphabet) - 1)];
		if (veil_b64_decode_raw(out, sizeof(out), &got, in, n) == 0) {
			accepted_raw++;
			veil_b64_encode_raw(again, out, got);
			bad += strlen(again) != n || memcmp(again, in, n) != 0;
		}
		if (veil_b64_decode_padded(out, sizeof(out), &got, in, n) == 0) {
			accepted_pad++;
			veil_b64_encode_padded(again, out, got);
			bad += strlen(again) != n || memcmp(again, in, n) != 0;
		}
	}
	CHECK_INT(bad, 0);
	/* The run must have exercised acceptance, not only rejection. */
	CHECK(accepted_raw > 1000);
	CHECK(accepted_pad > 100);
}

/* The table decoder must accept exactly what the strict one accepts and give
 * the same bytes: encodings of every length up to 40, each with one character
 * replaced by every byte value. */
TEST(test_util_b64__public_decoder_agrees_with_strict)
{
	uint8_t bin[40], a[40], b[40];
	char text[64];
	size_t n, len, pos, la, lb;
	int c, ra, rb, mismatches = 0, accepted = 0;

	randombytes_buf(bin, sizeof(bin));
	for (n = 0; n <= sizeof(bin); n++) {
		veil_b64_encode_padded(text, bin, n);
		len = veil_b64_padded_len(n);
		for (pos = 0; pos < (len ? len : 1); pos++) {
			for (c = 0; c < 256; c++) {
				char t[64];

				memcpy(t, text, len + 1);
				if (len)
					t[pos] = (char)c;
				la = lb = 0;
				ra = veil_b64_decode_padded(a, n, &la, t, len);
				rb = veil_b64_decode_padded_public(b, n, &lb, t, len);
				accepted += ra == 0;
				if ((ra == 0) != (rb == 0) ||
				    (ra == 0 && (la != lb || memcmp(a, b, la))))
					mismatches++;
			}
		}
	}
	CHECK_INT(mismatches, 0);
	CHECK(accepted > 0);
}
