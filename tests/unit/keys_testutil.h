#ifndef VEIL_TEST_KEYS_TESTUTIL_H
#define VEIL_TEST_KEYS_TESTUTIL_H
/* Helpers for the test_keys_* files: stanzas built from text, as they would
 * appear in a header ("X25519 <share>" plus the base64 body). */
#include <stdint.h>
#include <string.h>
#include "age/keys_int.h"
#include "util/b64.h"

/* Splits args_text on single spaces; body_b64 is raw base64 (may be ""). */
static inline int keys_test_stanza(veil_stanza *out, const char *args_text, const char *body_b64)
{
	char buf[1024], *argv[16];
	uint8_t body[512];
	size_t n = 0, body_len = 0, i, len = strlen(args_text);

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, args_text, len + 1);
	argv[n++] = buf;
	for (i = 0; i < len && n < 16; i++) {
		if (buf[i] == ' ') {
			buf[i] = '\0';
			argv[n++] = buf + i + 1;
		}
	}
	if (veil_b64_decode_raw(body, sizeof(body), &body_len, body_b64, strlen(body_b64)) < 0)
		return -1;
	return veil_keys__stanza_build(out, (const char *const *)argv, n, body, body_len);
}

/* The C2SP/CCTV "x25519" and "scrypt" vectors' values (public test data). */
#define CCTV_IDENTITY     "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
#define CCTV_FILE_KEY     "YELLOW SUBMARINE"
#define CCTV_X25519_SHARE "TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc"
#define CCTV_X25519_BODY  "hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE"
#define CCTV_SCRYPT_SALT  "rF0/NwblUHHTpgQgRpe5CQ"
#define CCTV_SCRYPT_BODY  "gUjEymFKMVXQEKdMMHL24oYexjE3TIC0O0zGSqJ2aUY"

#endif
