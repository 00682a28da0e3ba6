#include <stdint.h>
#include "harness.h"
#include "util/hkdf.h"
#include "veil/error.h"

/* RFC 5869 Appendix A, test cases 1-3 (SHA-256). */

TEST(test_util_hkdf__rfc5869_case1)
{
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	for (i = 0; i < sizeof(info); i++)
		info[i] = (uint8_t)(0xf0 + i);
	CHECK_INT(veil_test_unhex(want, sizeof(want),
	                          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	                          "34007208d5b887185865"),
	          42);
	CHECK_INT(veil_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), salt, sizeof(salt), info,
	                           sizeof(info)),
	          0);
	CHECK_MEM(okm, want, 42);
}

TEST(test_util_hkdf__rfc5869_case2_long_inputs)
{
	uint8_t ikm[80], salt[80], info[80], okm[82], want[82];
	size_t i;

	for (i = 0; i < 80; i++) {
		ikm[i] = (uint8_t)i;
		salt[i] = (uint8_t)(0x60 + i);
		info[i] = (uint8_t)(0xb0 + i);
	}
	CHECK_INT(veil_test_unhex(want, sizeof(want),
	                          "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	                          "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	                          "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
	          82);
	CHECK_INT(veil_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), salt, sizeof(salt), info,
	                           sizeof(info)),
	          0);
	CHECK_MEM(okm, want, 82);
}

TEST(test_util_hkdf__rfc5869_case3_empty_salt_and_info)
{
	uint8_t ikm[22], okm[42], want[42], zero[32] = { 0 };

	memset(ikm, 0x0b, sizeof(ikm));
	CHECK_INT(veil_test_unhex(want, sizeof(want),
	                          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	                          "9d201395faa4b61a96c8"),
	          42);
	CHECK_INT(veil_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), NULL, 0, NULL, 0), 0);
	CHECK_MEM(okm, want, 42);
	/* An empty salt and 32 zero bytes are the same thing. */
	memset(okm, 0, sizeof(okm));
	CHECK_INT(veil_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm), zero, 32, NULL, 0), 0);
	CHECK_MEM(okm, want, 42);
}

TEST(test_util_hkdf__prk_is_hmac_of_salt)
{
	/* RFC 5869 A.1 PRK = HMAC-SHA256(salt, IKM). */
	uint8_t ikm[22], salt[13], prk[32], want[32];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	veil_test_unhex(want, sizeof(want),
	                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
	veil_hmac_sha256(prk, salt, sizeof(salt), ikm, sizeof(ikm));
	CHECK_MEM(prk, want, 32);
}

TEST(test_util_hkdf__hmac_long_key_is_hashed)
{
	/* RFC 4231 test case 6: a 131-byte key (longer than the block). */
	uint8_t key[131], mac[32], want[32];
	const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";

	memset(key, 0xaa, sizeof(key));
	veil_test_unhex(want, sizeof(want),
	                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	veil_hmac_sha256(mac, key, sizeof(key), (const uint8_t *)msg, strlen(msg));
	CHECK_MEM(mac, want, 32);
}

TEST(test_util_hkdf__length_limit)
{
	static uint8_t out[255 * 32 + 1];
	uint8_t ikm[1] = { 1 };

	CHECK_INT(veil_hkdf_sha256(out, 255 * 32, ikm, 1, NULL, 0, NULL, 0), 0);
	CHECK_INT(veil_hkdf_sha256(out, 255 * 32 + 1, ikm, 1, NULL, 0, NULL, 0), VEIL_EINVAL);
	CHECK_INT(veil_hkdf_sha256(out, 0, ikm, 1, NULL, 0, NULL, 0), 0);
}
