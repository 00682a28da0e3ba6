/* HKDF-SHA256 (RFC 5869) over libsodium's HMAC-SHA256 streaming API, which
 * hashes keys longer than the block size as HMAC requires. */
#include <sodium.h>
#include <string.h>
#include "util/hkdf.h"
#include "veil/error.h"

#define HASH_LEN crypto_auth_hmacsha256_BYTES

void veil_hmac_sha256(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *msg,
                      size_t msg_len)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, msg, msg_len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

int veil_hkdf_sha256(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                     const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len)
{
	static const uint8_t zero_salt[HASH_LEN];
	crypto_auth_hmacsha256_state st;
	uint8_t prk[HASH_LEN], t[HASH_LEN];
	size_t done = 0, n;
	uint8_t counter;

	if (out_len > 255 * HASH_LEN)
		return veil_error_set(VEIL_EINVAL, "HKDF output of %zu bytes is too long", out_len);
	if (salt_len == 0) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	/* Extract: PRK = HMAC(salt, IKM). */
	veil_hmac_sha256(prk, salt, salt_len, ikm, ikm_len);
	/* Expand: T(i) = HMAC(PRK, T(i-1) | info | i). */
	for (counter = 1; done < out_len; counter++) {
		crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
		if (counter > 1)
			crypto_auth_hmacsha256_update(&st, t, sizeof(t));
		crypto_auth_hmacsha256_update(&st, info, info_len);
		crypto_auth_hmacsha256_update(&st, &counter, 1);
		crypto_auth_hmacsha256_final(&st, t);
		n = out_len - done < HASH_LEN ? out_len - done : HASH_LEN;
		memcpy(out + done, t, n);
		done += n;
	}
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
	return 0;
}
