/* AES-256-GCM from libcrypto without EVP: its GCM mode (openssl/modes.h)
 * over its AES-NI or SSSE3 (vpaes) block functions, picked from the CPU's
 * features exactly as libcrypto's own AES-GCM provider picks them.
 *
 * Why not EVP: any EVP call links the provider framework, which is all of
 * libcrypto. Statically linked into a position-independent veil, its
 * ~350 KB of pointer tables are relocated, page by page, at every start of
 * every command, and the first fetch builds its name tables: together
 * about 2 ms of the 5 ms budget for decrypting a small Secret. These few
 * functions bring 40 KB and no tables.
 *
 * The block functions are not in libcrypto's public headers; they are
 * global symbols of its x86-64 archive (stable since OpenSSL 1.0.1), and
 * CMakeLists.txt builds this file only when a test program links against
 * them; elsewhere aesgcm_evp.c is built. Both backends pass the same
 * differential test against EVP and the sops fixtures. See sops/aesgcm.h. */
#include "sops/aesgcm.h"
#include "util/secret.h"
#include <openssl/aes.h>
#include <openssl/modes.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

/* Declared with the key as const void *, the type of modes.h's block128_f
 * and ctr128_f they are passed as; the functions read an AES_KEY. */
int aesni_set_encrypt_key(const unsigned char *user_key, int bits, AES_KEY *key);
void aesni_encrypt(const unsigned char in[16], unsigned char out[16], const void *key);
void aesni_ctr32_encrypt_blocks(const unsigned char *in, unsigned char *out, size_t blocks,
                                const void *key, const unsigned char ivec[16]);
int vpaes_set_encrypt_key(const unsigned char *user_key, int bits, AES_KEY *key);
void vpaes_encrypt(const unsigned char in[16], unsigned char out[16], const void *key);

enum { IMPL_NONE, IMPL_AESNI, IMPL_VPAES };

static int impl;

/* A CPU with neither (x86-64 before 2006) gets no AES: the table-based
 * fallback leaks key bits through cache timing. */
static void pick_impl(void)
{
	if (sodium_runtime_has_aesni())
		impl = IMPL_AESNI;
	else if (sodium_runtime_has_ssse3())
		impl = IMPL_VPAES;
}

static int current_impl(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, pick_impl);
	return impl;
}

/* The schedule of the last key, per thread, in locked memory; the GCM
 * context holds the hash key H derived from it and points at ks. */
typedef struct {
	AES_KEY ks;
	uint8_t key[32];
	int impl;
	GCM128_CONTEXT *gcm;
} gcm_state;

static _Thread_local gcm_state *cache;

void veil_sops__gcm_release(void)
{
	if (!cache)
		return;
	CRYPTO_gcm128_release(cache->gcm); /* cleanses H and its tables */
	veil_secure_free(cache);
	cache = NULL;
}

const char *veil_sops_gcm_backend(void)
{
	int i = current_impl();

	return i == IMPL_AESNI ? "aesni" : i == IMPL_VPAES ? "vpaes" : "none";
}

int veil_sops__gcm_select(const char *name)
{
	current_impl();
	if (strcmp(name, "aesni") == 0 && sodium_runtime_has_aesni())
		impl = IMPL_AESNI;
	else if (strcmp(name, "vpaes") == 0 && sodium_runtime_has_ssse3())
		impl = IMPL_VPAES;
	else
		return -1;
	veil_sops__gcm_release();
	return 0;
}

/* This thread's context, keyed with key (the schedule is reused when the
 * key is the one before); NULL when out of memory or without AES. */
static gcm_state *keyed(const uint8_t key[32])
{
	int i = current_impl();

	if (cache && cache->impl == i && sodium_memcmp(cache->key, key, 32) == 0)
		return cache;
	veil_sops__gcm_release();
	if (i == IMPL_NONE || !(cache = veil_secure_alloc(sizeof(*cache))))
		return NULL;
	memset(cache, 0, sizeof(*cache));
	if (i == IMPL_AESNI) {
		aesni_set_encrypt_key(key, 256, &cache->ks);
		cache->gcm = CRYPTO_gcm128_new(&cache->ks, aesni_encrypt);
	} else {
		vpaes_set_encrypt_key(key, 256, &cache->ks);
		cache->gcm = CRYPTO_gcm128_new(&cache->ks, vpaes_encrypt);
	}
	if (!cache->gcm) {
		veil_sops__gcm_release();
		return NULL;
	}
	memcpy(cache->key, key, 32);
	cache->impl = i;
	return cache;
}

/* Keys the context and feeds it the IV and AAD; NULL on failure. */
static GCM128_CONTEXT *begin(const uint8_t key[32], const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len)
{
	gcm_state *st = iv_len ? keyed(key) : NULL;

	if (!st)
		return NULL;
	CRYPTO_gcm128_setiv(st->gcm, iv, iv_len);
	if (aad_len && CRYPTO_gcm128_aad(st->gcm, aad, aad_len) != 0)
		return NULL;
	return st->gcm;
}

/* Encrypts or decrypts len bytes after the IV and AAD; 0 or -1. */
static int gcm_crypt(int enc, uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[32],
                     const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len)
{
	GCM128_CONTEXT *g = begin(key, iv, iv_len, aad, aad_len);
	int aesni, error;

	if (!g)
		return -1;
	aesni = cache->impl == IMPL_AESNI;
	if (enc)
		error = aesni ? CRYPTO_gcm128_encrypt_ctr32(g, in, out, len,
		                                            aesni_ctr32_encrypt_blocks)
		              : CRYPTO_gcm128_encrypt(g, in, out, len);
	else
		error = aesni ? CRYPTO_gcm128_decrypt_ctr32(g, in, out, len,
		                                            aesni_ctr32_encrypt_blocks)
		              : CRYPTO_gcm128_decrypt(g, in, out, len);
	return error == 0 ? 0 : -1;
}

int veil_sops__gcm_seal(uint8_t *out, uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len)
{
	if (gcm_crypt(1, out, in, len, key, iv, iv_len, aad, aad_len) != 0)
		return -1;
	CRYPTO_gcm128_tag(cache->gcm, tag, 16);
	return 0;
}

int veil_sops__gcm_open(uint8_t *out, const uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len)
{
	if (gcm_crypt(0, out, in, len, key, iv, iv_len, aad, aad_len) != 0)
		return -1;
	return CRYPTO_gcm128_finish(cache->gcm, tag, 16) == 0 ? 0 : -1; /* constant-time compare */
}
