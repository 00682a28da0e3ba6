/* age header: strict parsing, canonical re-encoding, MAC input. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "harness.h"
#include "age/format.h"
#include "util/hkdf.h"
#include "util/io.h"

/* A reader that hands out one byte per call, to exercise buffer edges. */
static long trickle_read(void *payload, uint8_t *buf, size_t len)
{
	return veil_mem_read(payload, buf, len ? 1 : 0);
}

static int parse_str(veil_header *h, const char *text, size_t cap, int trickle)
{
	veil_memreader mr = { (const uint8_t *)text, strlen(text), 0 };
	veil_bufreader br;
	int error;

	if (veil_bufreader__init(&br, trickle ? trickle_read : veil_mem_read, &mr, cap) < 0)
		return VEIL_ENOMEM;
	error = veil_header__parse(h, &br);
	veil_bufreader__dispose(&br);
	return error;
}

/* Parses text, expects code; on success checks raw and re-encoding. */
static int check_header(const char *text, int want, const char *msg_part)
{
	veil_header h;
	int error = parse_str(&h, text, 4096, 0), ok = error == want;

	if (msg_part && !strstr(veil_error_last(), msg_part))
		ok = 0;
	if (error == 0) {
		veil_buf enc = VEIL_BUF_INIT(0);
		const char *dashes = strstr(text, "\n---");

		ok = ok && dashes && h.raw.len == (size_t)(dashes - text) + 4 &&
		     !memcmp(h.raw.data, text, h.raw.len);
		ok = ok && veil_header__encode_mac_input(&enc, h.stanzas, h.nstanzas) == 0 &&
		     enc.len == h.raw.len && !memcmp(enc.data, h.raw.data, enc.len);
		veil_buf_dispose(&enc);
		veil_header__dispose(&h);
	}
	if (!ok)
		fprintf(stderr, "  header case: got %d (%s)\n", error, veil_error_last());
	return ok;
}

#define MAC_LINE "--- SVrzdFfkPxf0LPHOUGB1gNb9E5Vr8EUDa9kxk04iQ7o\n"
#define B43      "ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4"
#define B64      "/kZ1Ac8bfXGQcc9L86gMK7NXXPXVyoL8ApBg6n1wP1yblnK6e6OtGMvs7/x2TqdF"

TEST(test_age_format__accepts_canonical_headers)
{
	CHECK(check_header("age-encryption.org/v1\n-> X25519 " B43 "\n" B43 "\n" MAC_LINE, 0,
	                   NULL));
	/* A 48-byte body: one full line and an empty final line. */
	CHECK(check_header("age-encryption.org/v1\n-> a\n" B64 "\n\n" MAC_LINE, 0, NULL));
	/* An empty body, odd VCHARs in a grease type, several args. */
	CHECK(check_header("age-encryption.org/v1\n-> x{|}\\ a b c\n\n-> y\n" B43 "\n" MAC_LINE, 0,
	                   NULL));
	/* No stanzas at all is a syntactically valid header. */
	CHECK(check_header("age-encryption.org/v1\n" MAC_LINE, 0, NULL));
}

TEST(test_age_format__rejects_bad_intro)
{
	CHECK(check_header("", VEIL_EFORMAT, "empty"));
	CHECK(check_header("age-encryption.org/v2\n" MAC_LINE, VEIL_EFORMAT, "version"));
	CHECK(check_header("age-encryption.org/v1\r\n" MAC_LINE, VEIL_EFORMAT, "CRLF"));
	CHECK(check_header("\xef\xbb\xbf"
	                   "age-encryption.org/v1\n" MAC_LINE,
	                   VEIL_EFORMAT, "not an age file"));
}

TEST(test_age_format__rejects_bad_stanza_lines)
{
	CHECK(check_header("age-encryption.org/v1\n->\n\n" MAC_LINE, VEIL_EFORMAT, "stanza 1"));
	CHECK(check_header("age-encryption.org/v1\n-> \n\n" MAC_LINE, VEIL_EFORMAT, "empty"));
	CHECK(check_header("age-encryption.org/v1\n-> a  b\n\n" MAC_LINE, VEIL_EFORMAT, "empty"));
	CHECK(check_header("age-encryption.org/v1\n-> a \n\n" MAC_LINE, VEIL_EFORMAT, "trailing"));
	CHECK(check_header("age-encryption.org/v1\n-> a\tb\n\n" MAC_LINE, VEIL_EFORMAT, "0x09"));
	CHECK(check_header("age-encryption.org/v1\n-> a\r\n\n" MAC_LINE, VEIL_EFORMAT, "0x0d"));
	CHECK(check_header("age-encryption.org/v1\n->a\n\n" MAC_LINE, VEIL_EFORMAT, "space"));
	CHECK(check_header("age-encryption.org/v1\n-> a\xc3\xa9\n\n" MAC_LINE, VEIL_EFORMAT,
	                   "0xc3"));
	CHECK(check_header("age-encryption.org/v1\nxx\n" MAC_LINE, VEIL_EFORMAT, "expected"));
}

TEST(test_age_format__rejects_bad_bodies)
{
	/* Missing final short line, before the next stanza and before the MAC. */
	CHECK(check_header("age-encryption.org/v1\n-> a\n-> b\n\n" MAC_LINE, VEIL_EFORMAT,
	                   "stanza 1: missing final body line"));
	CHECK(check_header("age-encryption.org/v1\n-> a\n" B64 "\n" MAC_LINE, VEIL_EFORMAT,
	                   "missing final"));
	CHECK(check_header("age-encryption.org/v1\n-> a\n\n-> b\n" B64 "A\n" MAC_LINE, VEIL_EFORMAT,
	                   "stanza 2: body line 1 longer than 64 columns"));
	/* Non-canonical (unused bits set), padded, CRLF. */
	CHECK(check_header("age-encryption.org/v1\n-> a\n"
	                   "ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT5\n" MAC_LINE,
	                   VEIL_EFORMAT, "canonical"));
	CHECK(check_header("age-encryption.org/v1\n-> a\nAA==\n" MAC_LINE, VEIL_EFORMAT,
	                   "canonical"));
	CHECK(check_header("age-encryption.org/v1\n-> a\n" B43 "\r\n" MAC_LINE, VEIL_EFORMAT,
	                   "CRLF"));
	/* Two short lines: the second is not a stanza or MAC line. */
	CHECK(check_header("age-encryption.org/v1\n-> a\nAA\nAA\n" MAC_LINE, VEIL_EFORMAT,
	                   "expected"));
	CHECK(check_header("age-encryption.org/v1\n-> a\n" B43, VEIL_EFORMAT, "ends inside"));
}

TEST(test_age_format__rejects_bad_mac_lines)
{
	CHECK(check_header("age-encryption.org/v1\n---\n", VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n---" B43 "\n", VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n---  " B43 "\n", VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n--- " B43 " \n", VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n--- " B43 "A\n", VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n--- "
	                   "ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT5\n",
	                   VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n--- " B43, VEIL_EFORMAT, "MAC line"));
	CHECK(check_header("age-encryption.org/v1\n-> a\n\n", VEIL_EFORMAT, "before the MAC"));
}

TEST(test_age_format__keeps_payload_buffered_for_the_stream)
{
	const char *text = "age-encryption.org/v1\n-> X25519 " B43 "\n" B43 "\n" MAC_LINE
	                   "0123456789abcdefPAYLOAD";
	veil_memreader mr = { (const uint8_t *)text, strlen(text), 0 };
	veil_bufreader br;
	veil_header h;
	uint8_t rest[64];
	long n;

	CHECK_INT(veil_bufreader__init(&br, trickle_read, &mr, 100), 0);
	CHECK_INT(veil_header__parse(&h, &br), 0);
	CHECK_INT(h.nstanzas, 1);
	CHECK_INT(h.stanzas[0].nargs, 2);
	CHECK_STR(h.stanzas[0].args[0], "X25519");
	CHECK_INT(h.stanzas[0].body_len, 32);
	n = veil_read_full(veil_bufreader__read, &br, rest, sizeof(rest));
	CHECK_INT(n, 23);
	CHECK_MEM(rest, "0123456789abcdefPAYLOAD", 23);
	veil_header__dispose(&h);
	veil_bufreader__dispose(&br);
}

TEST(test_age_format__trickled_input_parses_like_bulk)
{
	const char *text = "age-encryption.org/v1\n-> a b\n" B64 "\n" B43 "\n-> c\n\n" MAC_LINE;
	veil_header h1, h2;

	CHECK_INT(parse_str(&h1, text, 4096, 0), 0);
	CHECK_INT(parse_str(&h2, text, 70, 1), 0);
	CHECK_INT(h1.nstanzas, 2);
	CHECK_INT(h2.nstanzas, 2);
	CHECK_INT(h1.stanzas[0].body_len, 80);
	CHECK_INT(h2.stanzas[0].body_len, 80);
	CHECK_MEM(h1.stanzas[0].body, h2.stanzas[0].body, 80);
	CHECK_INT(h1.raw.len, h2.raw.len);
	CHECK_MEM(h1.mac, h2.mac, 32);
	veil_header__dispose(&h1);
	veil_header__dispose(&h2);
}

TEST(test_age_format__enforces_line_and_argument_caps)
{
	veil_buf text = VEIL_BUF_INIT(0);
	veil_header h;
	size_t i;

	veil_buf_append(&text, "age-encryption.org/v1\n-> ", 25);
	for (i = 0; i < VEIL_AGE_MAX_ARG_LEN + 1; i++)
		veil_buf_putc(&text, 'a');
	veil_buf_append(&text, "\n\n" MAC_LINE, strlen("\n\n" MAC_LINE));
	CHECK_INT(parse_str(&h, (const char *)text.data, 65536, 0), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "longer than 8192") != NULL);
	/* A line that does not fit the read buffer is an error, not a hang. */
	CHECK_INT(parse_str(&h, (const char *)text.data, 1024, 0), VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "line longer than") != NULL);
	veil_buf_dispose(&text);
}

TEST(test_age_format__mac_is_hmac_under_hkdf_header_key)
{
	static const uint8_t fk[16] = "YELLOW SUBMARINE";
	static const char input[] = "age-encryption.org/v1\n---";
	uint8_t mac[32], key[32], want[32], other[32];

	CHECK_INT(veil_header__mac(mac, fk, (const uint8_t *)input, sizeof(input) - 1), 0);
	CHECK_INT(veil_hkdf_sha256(key, 32, fk, 16, NULL, 0, (const uint8_t *)"header", 6), 0);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)input, sizeof(input) - 1);
	crypto_auth_hmacsha256_final(&st, want);
	CHECK_MEM(mac, want, 32);
	CHECK_INT(veil_header__mac(other, fk, (const uint8_t *)input, sizeof(input) - 2), 0);
	CHECK(memcmp(mac, other, 32) != 0);
}

TEST(test_age_format__encoder_wraps_bodies_at_48_bytes)
{
	uint8_t body[96];
	char *args[] = { "t" };
	veil_stanza s = { args, 1, body, 0 };
	veil_buf out = VEIL_BUF_INIT(0);
	const char *text;

	memset(body, 0, sizeof(body));
	s.body_len = 96;
	CHECK_INT(veil_header__encode_mac_input(&out, &s, 1), 0);
	text = (const char *)out.data;
	/* Two full lines, then the empty final line, then "---". */
	CHECK_INT(out.len, 22 + 5 + 65 + 65 + 1 + 3);
	CHECK(out.len > 3 && !memcmp(text + out.len - 5, "\n\n---", 5));
	veil_buf_clear(&out);
	s.body_len = 0;
	CHECK_INT(veil_header__encode_mac_input(&out, &s, 1), 0);
	CHECK_INT(out.len, 22 + 5 + 1 + 3);
	veil_buf_clear(&out);
	args[0] = "bad arg";
	CHECK_INT(veil_header__encode_mac_input(&out, &s, 1), VEIL_EINVAL);
	veil_buf_dispose(&out);
}
