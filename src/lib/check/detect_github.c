/*
 * GitHub's token checksum. Since 2021 a ghp_/gho_/ghu_/ghs_/ghr_ token is the
 * prefix, 30 random base62 characters and the CRC-32 (IEEE) of those 30
 * characters in base62, digits first, then A-Z, then a-z, zero-padded to 6
 * (GitHub's "Behind GitHub's new authentication token formats"; published
 * expired tokens verify with exactly this). A matching checksum tells a real
 * token from a made-up string with odds of 2^32 to 1, offline.
 */
#include "check/detect_int.h"
#include <pthread.h>

static uint32_t table[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t r = i;
		for (int k = 0; k < 8; k++)
			r = (r >> 1) ^ (r & 1 ? 0xEDB88320u : 0);
		table[i] = r;
	}
}

uint32_t veil_check__crc32(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t crc = 0xFFFFFFFFu;

	pthread_once(&once, build);
	for (size_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFF];
	return crc ^ 0xFFFFFFFFu;
}

static int b62(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 36;
	return -1;
}

int veil_check__github_checksum(const char *body, size_t n)
{
	uint64_t want = 0;

	if (n != VEIL_CHECK_GITHUB_BODY)
		return 0;
	for (size_t i = n - 6; i < n; i++) {
		int d = b62((unsigned char)body[i]);
		if (d < 0)
			return 0;
		want = want * 62 + (uint64_t)d;
	}
	/* 62^6 > 2^32: a larger value is no checksum */
	return want == veil_check__crc32(body, n - 6);
}
