/* AES-256-GCM through OpenSSL's EVP interface: the backend of builds that
 * link libcrypto dynamically (the sanitizer build) or on CPUs and libcrypto
 * builds where aesgcm_direct.c cannot be used. See sops/aesgcm.h. */
#include "sops/aesgcm.h"
#include "util/secret.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

static EVP_CIPHER *aes_gcm_cipher;

/* Fetched once, without reading openssl.cnf: the system's OpenSSL config
 * has no say in this one cipher, and parsing it plus the implicit fetch on
 * every value was a third of decrypting a small AES file. */
static void aes_gcm_init(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	aes_gcm_cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

static const EVP_CIPHER *aes_gcm(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, aes_gcm_init);
	return aes_gcm_cipher;
}

/* One context per thread keeps the key schedule (and GHASH key) across the
 * values of a walk: building them for each of 100k values was a tenth of
 * decrypting a large AES file. The key is compared in full. */
static _Thread_local struct {
	EVP_CIPHER_CTX *ctx;
	uint8_t *key; /* secure copy of the key the schedule belongs to */
	size_t iv_len;
	int enc;
} gcm_cache;

void veil_sops__gcm_release(void)
{
	EVP_CIPHER_CTX_free(gcm_cache.ctx); /* cleanses the schedule */
	veil_secure_free(gcm_cache.key);
	memset(&gcm_cache, 0, sizeof(gcm_cache));
}

const char *veil_sops_gcm_backend(void)
{
	return "evp";
}

int veil_sops__gcm_select(const char *name)
{
	return strcmp(name, "evp") == 0 ? 0 : -1;
}

/* The cached context, set to key and iv for enc; NULL on failure. */
static EVP_CIPHER_CTX *gcm_ctx(int enc, const uint8_t key[32], const uint8_t *iv, size_t iv_len)
{
	int same = gcm_cache.ctx && gcm_cache.enc == enc && !sodium_memcmp(gcm_cache.key, key, 32);

	if (!same) {
		veil_sops__gcm_release();
		if (!(gcm_cache.key = veil_secure_alloc(32)) ||
		    !(gcm_cache.ctx = EVP_CIPHER_CTX_new()) ||
		    EVP_CipherInit_ex(gcm_cache.ctx, aes_gcm(), NULL, NULL, NULL, enc) != 1 ||
		    EVP_CIPHER_CTX_ctrl(gcm_cache.ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) !=
		            1 ||
		    EVP_CipherInit_ex(gcm_cache.ctx, NULL, NULL, key, iv, enc) != 1) {
			veil_sops__gcm_release();
			return NULL;
		}
		memcpy(gcm_cache.key, key, 32);
		gcm_cache.enc = enc;
		gcm_cache.iv_len = iv_len;
		return gcm_cache.ctx;
	}
	if ((iv_len != gcm_cache.iv_len &&
	     EVP_CIPHER_CTX_ctrl(gcm_cache.ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) != 1) ||
	    EVP_CipherInit_ex(gcm_cache.ctx, NULL, NULL, NULL, iv, enc) != 1) {
		veil_sops__gcm_release();
		return NULL;
	}
	gcm_cache.iv_len = iv_len;
	return gcm_cache.ctx;
}

/* One whole GCM operation; the tag is read (enc) or checked (!enc). OpenSSL
 * derives the counter block by GHASH for IVs other than 96 bits, as Go. */
static int run(int enc, uint8_t *out, uint8_t tag[16], const uint8_t *in, size_t len,
               const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
               size_t aad_len)
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, ok;

	if (len > INT32_MAX || aad_len > INT32_MAX || iv_len == 0 || iv_len > INT32_MAX ||
	    !aes_gcm() || !(ctx = gcm_ctx(enc, key, iv, iv_len)))
		return -1;
	ok = (aad_len == 0 || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1) &&
	     (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1) &&
	     (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1) &&
	     EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &n) == 1 &&
	     (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
	if (!ok)
		veil_sops__gcm_release(); /* a failed context is never reused */
	return ok ? 0 : -1;
}

int veil_sops__gcm_seal(uint8_t *out, uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len)
{
	return run(1, out, tag, in, len, key, iv, iv_len, aad, aad_len);
}

int veil_sops__gcm_open(uint8_t *out, const uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len)
{
	uint8_t t[16];
	int error;

	memcpy(t, tag, sizeof(t)); /* EVP takes the expected tag as non-const */
	error = run(0, out, t, in, len, key, iv, iv_len, aad, aad_len);
	sodium_memzero(t, sizeof(t));
	return error;
}
