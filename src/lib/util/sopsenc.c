/* Encrypted SOPS value markers (sopsenc.h). */
#include "util/sopsenc.h"
#include <string.h>

int veil_sopsenc_marked(const char *s, size_t len)
{
	return s && len >= 4 && !memcmp(s, "ENC[", 4);
}

int veil_sopsenc_cipher(const char *s, size_t len)
{
	static const char aes[] = "ENC[AES256_GCM,", chacha[] = "ENC[CHACHA20_POLY1305,";

	if (s && len >= sizeof(aes) - 1 && !memcmp(s, aes, sizeof(aes) - 1))
		return 1;
	if (s && len >= sizeof(chacha) - 1 && !memcmp(s, chacha, sizeof(chacha) - 1))
		return 2;
	return 0;
}
