/* The AES-GCM backends (sops/aesgcm.h) against OpenSSL's EVP AES-256-GCM:
 * every backend this build and CPU offer, IVs of every length sops could
 * write, AAD and message lengths around the block size, key changes
 * between calls (the per-thread schedule cache), and tampering. */
#include "harness.h"
#include "sops/aesgcm.h"
#include <openssl/evp.h>
#include <sodium.h>
#include <stdint.h>

static const char *const backends[] = { "aesni", "vpaes", "evp" };

/* The reference: one-shot EVP encryption; 0 on success. */
static int evp_seal(uint8_t *out, uint8_t tag[16], const uint8_t *in, size_t len,
                    const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                    size_t aad_len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
	     EVP_EncryptInit_ex(c, NULL, NULL, key, iv) == 1 &&
	     (aad_len == 0 || EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) == 1) &&
	     (len == 0 || EVP_EncryptUpdate(c, out, &n, in, (int)len) == 1) &&
	     EVP_EncryptFinal_ex(c, out + n, &n) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* One case on the selected backend: seal equals EVP, open inverts it, and a
 * flipped bit in the tag, the data or the AAD is refused. */
static void check_case(const uint8_t key[32], size_t iv_len, size_t aad_len, size_t len)
{
	uint8_t iv[64], aad[80], in[1100], want[1100], got[1100], back[1100];
	uint8_t want_tag[16], tag[16];

	randombytes_buf(iv, iv_len);
	randombytes_buf(aad, aad_len);
	randombytes_buf(in, len);
	CHECK_INT(evp_seal(want, want_tag, in, len, key, iv, iv_len, aad, aad_len), 0);
	CHECK_INT(veil_sops__gcm_seal(got, tag, in, len, key, iv, iv_len, aad, aad_len), 0);
	CHECK_MEM(got, want, len);
	CHECK_MEM(tag, want_tag, 16);
	CHECK_INT(veil_sops__gcm_open(back, tag, got, len, key, iv, iv_len, aad, aad_len), 0);
	CHECK_MEM(back, in, len);
	tag[len % 16] ^= 0x01;
	CHECK_INT(veil_sops__gcm_open(back, tag, got, len, key, iv, iv_len, aad, aad_len), -1);
	tag[len % 16] ^= 0x01;
	if (len) {
		got[len / 2] ^= 0x80;
		CHECK_INT(veil_sops__gcm_open(back, tag, got, len, key, iv, iv_len, aad, aad_len),
		          -1);
		got[len / 2] ^= 0x80;
	}
	if (aad_len) {
		aad[0] ^= 0x20;
		CHECK_INT(veil_sops__gcm_open(back, tag, got, len, key, iv, iv_len, aad, aad_len),
		          -1);
	}
}

TEST(test_sops_aesgcm__every_backend_matches_evp)
{
	static const size_t ivs[] = { 1, 12, 16, 32, 64 };
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 64, 100, 1024, 1099 };
	uint8_t key[32];
	size_t b, i, j;
	int tried = 0;

	for (b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		if (veil_sops__gcm_select(backends[b]) != 0)
			continue;
		tried++;
		CHECK_STR(veil_sops_gcm_backend(), backends[b]);
		for (i = 0; i < sizeof(ivs) / sizeof(ivs[0]); i++) {
			for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
				/* a new key every other case exercises the cache */
				if (j % 2 == 0)
					randombytes_buf(key, sizeof(key));
				check_case(key, ivs[i], (i * 7 + j * 13) % 80, lens[j]);
			}
		}
		veil_sops__gcm_release();
	}
	CHECK(tried >= 1);
}

/* Test case 14 of the GCM specification (McGrew and Viega): a zero key, a
 * zero 96-bit IV and one zero block. */
TEST(test_sops_aesgcm__spec_vector)
{
	uint8_t key[32] = { 0 }, iv[12] = { 0 }, in[16] = { 0 }, out[16], tag[16];
	uint8_t want[16], want_tag[16];
	size_t b;

	CHECK_INT(veil_test_unhex(want, 16, "cea7403d4d606b6e074ec5d3baf39d18"), 16);
	CHECK_INT(veil_test_unhex(want_tag, 16, "d0d1c8a799996bf0265b98b5d48ab919"), 16);
	for (b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		if (veil_sops__gcm_select(backends[b]) != 0)
			continue;
		CHECK_INT(veil_sops__gcm_seal(out, tag, in, 16, key, iv, 12, NULL, 0), 0);
		CHECK_MEM(out, want, 16);
		CHECK_MEM(tag, want_tag, 16);
		veil_sops__gcm_release();
	}
}

TEST(test_sops_aesgcm__empty_iv_is_refused)
{
	uint8_t key[32] = { 1 }, tag[16], out[1];

	CHECK_INT(veil_sops__gcm_seal(out, tag, (const uint8_t *)"x", 1, key, NULL, 0, NULL, 0),
	          -1);
	veil_sops__gcm_release();
}
