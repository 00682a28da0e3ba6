/* ENC[...] values. Known answers were computed with Python's `cryptography`
 * package (key = bytes 0..31, IVs as below), not with veil. */
#include <sodium.h>
#include <stdlib.h>
#include "harness.h"
#include "sops/value.h"
#include "veil/error.h"

static const char aes_kat[] =
        "ENC[AES256_GCM,data:ojS9sy1swVUrCGYfvKI7/yCkbA==,"
        "iv:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=,tag:5GpHmuMlOR6oAV4rb0gIzw==,type:str]";
static const char chacha_kat[] = "ENC[CHACHA20_POLY1305,data:fRP9+wI4cl1vxWqHpaf2FPZ8mA==,"
                                 "iv:yMnKy8zNzs/Q0dLT,tag:DWkRw1cdxtgtMTEHNRw46A==,type:str]";
static const char pt[] = "hunter2 is a secret";
static const char aad[] = "stringData:password:";

static void test_key(unsigned char key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
}

static void check_known_answer(const char *kat, veil_sops_cipher c, const unsigned char *iv,
                               size_t iv_len)
{
	unsigned char key[32];
	char *enc = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	veil_sops_type t = 0;

	test_key(key);
	CHECK_INT(veil_sops__encrypt(&enc, c, key, (const uint8_t *)pt, strlen(pt), aad,
	                             strlen(aad), VEIL_SOPS_STR, iv, iv_len),
	          0);
	CHECK(enc && strcmp(enc, kat) == 0);
	CHECK_INT(veil_sops__decrypt(&out, &out_len, &t, key, kat, strlen(kat), aad, strlen(aad)),
	          0);
	CHECK(out && out_len == strlen(pt) && memcmp(out, pt, out_len) == 0);
	CHECK_INT(t, VEIL_SOPS_STR);
	free(enc);
	free(out);
}

TEST(test_sops_value__aes_gcm_32_byte_iv_known_answer)
{
	unsigned char iv[32];

	for (int i = 0; i < 32; i++)
		iv[i] = (unsigned char)(100 + i);
	check_known_answer(aes_kat, VEIL_SOPS_AES256_GCM, iv, sizeof(iv));
}

TEST(test_sops_value__chacha_known_answer)
{
	unsigned char iv[12];

	for (int i = 0; i < 12; i++)
		iv[i] = (unsigned char)(200 + i);
	check_known_answer(chacha_kat, VEIL_SOPS_CHACHA20_POLY1305, iv, sizeof(iv));
}

TEST(test_sops_value__wrong_aad_or_key_fails_without_plaintext)
{
	unsigned char key[32];
	uint8_t *out = (uint8_t *)"sentinel";
	size_t out_len = 99;

	test_key(key);
	CHECK_INT(veil_sops__decrypt(&out, &out_len, NULL, key, aes_kat, strlen(aes_kat),
	                             "stringData:other:", 17),
	          VEIL_EAUTH);
	CHECK(out == NULL && out_len == 0);
	key[0] ^= 1;
	CHECK_INT(veil_sops__decrypt(&out, &out_len, NULL, key, chacha_kat, strlen(chacha_kat), aad,
	                             strlen(aad)),
	          VEIL_EAUTH);
	CHECK(out == NULL);
}

TEST(test_sops_value__random_iv_round_trip_with_types)
{
	unsigned char key[32];
	char *enc = NULL;
	uint8_t *out = NULL;
	size_t n;
	veil_sops_type t;

	randombytes_buf(key, sizeof(key));
	CHECK_INT(veil_sops__encrypt(&enc, VEIL_SOPS_AES256_GCM, key, (const uint8_t *)"42", 2,
	                             "port:", 5, VEIL_SOPS_INT, NULL, 0),
	          0);
	CHECK(enc && strstr(enc, ",type:int]") != NULL);
	CHECK_INT(veil_sops__decrypt(&out, &n, &t, key, enc, strlen(enc), "port:", 5), 0);
	CHECK(n == 2 && out && memcmp(out, "42", 2) == 0);
	CHECK_INT(t, VEIL_SOPS_INT);
	free(enc);
	free(out);
}

TEST(test_sops_value__parse_rejects_malformed)
{
	static const char *bad[] = {
		"ENC[AES256_GCM,data:,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
		"ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]",
		"ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:blob]",
		"ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str",
		"ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]x",
		"ENC[AES128_GCM,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
		"ENC[AES256_GCM,data:AA A,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
		"ENC[CHACHA20_POLY1305,data:AAAA,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
		"ENC[AES256_GCM,iv:AAAA,data:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]",
		"ENC[]",
	};
	veil_sops_enc e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(veil_sops__enc_parse(&e, bad[i], strlen(bad[i])), VEIL_EFORMAT);
	CHECK_INT(veil_sops__enc_parse(&e, aes_kat, strlen(aes_kat)), 0);
	CHECK_INT(e.iv_len, 32);
	CHECK_INT(e.cipher, VEIL_SOPS_AES256_GCM);
	veil_sops__enc_dispose(&e);
}
