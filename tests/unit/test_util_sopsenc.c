/* Encrypted SOPS value markers (util/sopsenc.h) and the public forms. */
#include <string.h>
#include "harness.h"
#include "util/sopsenc.h"
#include "veil/sops.h"

#define S(x) x, strlen(x)

TEST(test_util_sopsenc__markers_and_ciphers)
{
	CHECK(veil_sopsenc_marked(S("ENC[x]")));
	CHECK(!veil_sopsenc_marked(S("ENC")) && !veil_sopsenc_marked(S(" ENC[")));
	CHECK(!veil_sopsenc_marked(NULL, 0));
	CHECK_INT(veil_sopsenc_cipher(S("ENC[AES256_GCM,data:")), VEIL_SOPS_AES256_GCM);
	CHECK_INT(veil_sopsenc_cipher(S("ENC[CHACHA20_POLY1305,data:")),
	          VEIL_SOPS_CHACHA20_POLY1305);
	CHECK_INT(veil_sopsenc_cipher(S("ENC[AES256_GCM")), 0);
	CHECK_INT(veil_sopsenc_cipher(S("ENC[AES128_GCM,")), 0);
	CHECK_INT(veil_sops_cipher_of_value(S("ENC[AES256_GCM,data:")), VEIL_SOPS_AES256_GCM);
	CHECK(veil_sops_value_is_encrypted(S("ENC[")));
}
