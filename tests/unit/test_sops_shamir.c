/* Shamir sharing. The known shares were computed with an independent
 * Python GF(2^8) (AES polynomial) evaluation of a degree-2 polynomial whose
 * constant terms are the bytes 1..32, at x = 7, 200, 33. */
#include <sodium.h>
#include <string.h>
#include "harness.h"
#include "sops/shamir.h"
#include "veil/error.h"

static const char *const known[] = {
	"7a31accf9614a26da2b06532de24729a283b6ef33f24ffbae7f71e1ffd7b201307",
	"3045cdc76c1513eb019c5a4211ec8b598f370a38a495a47076c5ebab90cc30eec8",
	"c9ca101736d92feffd3834e93cd48a7cab37a5d0993cfa6e28a9b854ffcbfd9a21",
};

TEST(test_sops_shamir__combines_independently_made_shares)
{
	uint8_t s[3][33], secret[32], want[32];
	const uint8_t *p[3] = { s[0], s[1], s[2] };

	for (int i = 0; i < 3; i++)
		CHECK_INT(veil_test_unhex(s[i], sizeof(s[i]), known[i]), 33);
	for (int i = 0; i < 32; i++)
		want[i] = (uint8_t)(i + 1);
	CHECK_INT(veil_shamir__combine(secret, p, 3, 33), 0);
	CHECK_MEM(secret, want, 32);
	/* a threshold-3 secret is not recovered by two shares */
	CHECK_INT(veil_shamir__combine(secret, p, 2, 33), 0);
	CHECK(memcmp(secret, want, 32) != 0);
}

TEST(test_sops_shamir__split_then_any_threshold_subset)
{
	uint8_t key[32], out[32], s[5][33];
	uint8_t *w[5] = { s[0], s[1], s[2], s[3], s[4] };
	const uint8_t *pick[3];

	randombytes_buf(key, sizeof(key));
	CHECK_INT(veil_shamir__split(w, 5, 3, key, 32), 0);
	for (int a = 0; a < 5; a++)
		for (int b = a + 1; b < 5; b++)
			for (int c = b + 1; c < 5; c++) {
				pick[0] = s[a];
				pick[1] = s[b];
				pick[2] = s[c];
				CHECK_INT(veil_shamir__combine(out, pick, 3, 33), 0);
				CHECK_MEM(out, key, 32);
			}
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			CHECK(s[i][32] != s[j][32] && s[i][32] != 0);
}

TEST(test_sops_shamir__rejects_bad_parameters)
{
	uint8_t key[4] = { 1, 2, 3, 4 }, s[2][5], out[4];
	uint8_t *w[2] = { s[0], s[1] };
	const uint8_t *dup[2] = { s[0], s[0] };

	CHECK_INT(veil_shamir__split(w, 2, 1, key, 4), VEIL_EINVAL);
	CHECK_INT(veil_shamir__split(w, 1, 2, key, 4), VEIL_EINVAL);
	CHECK_INT(veil_shamir__split(w, 2, 2, key, 0), VEIL_EINVAL);
	CHECK_INT(veil_shamir__split(w, 2, 2, key, 4), 0);
	CHECK_INT(veil_shamir__combine(out, dup, 2, 5), VEIL_EFORMAT);
}
