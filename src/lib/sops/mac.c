/* The SOPS MAC and its lastmodified AAD. */
#include "sops/mac.h"
#include "veil/error.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* SHA-256("sops"): fed first when mac_only_encrypted is set, so flipping the
 * flag by hand changes the digest. */
static const uint8_t only_encrypted_prefix[32] = {
	0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34,
	0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f,
	0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
};

void veil_sops__mac_init(veil_sops_mac *m, int mac_only_encrypted)
{
	crypto_hash_sha512_init(&m->state);
	if (mac_only_encrypted)
		crypto_hash_sha512_update(&m->state, only_encrypted_prefix,
		                          sizeof(only_encrypted_prefix));
}

void veil_sops__mac_update(veil_sops_mac *m, const uint8_t *value, size_t len)
{
	crypto_hash_sha512_update(&m->state, value, len);
}

void veil_sops__mac_final(veil_sops_mac *m, char hex[VEIL_SOPS_MAC_HEX + 1])
{
	static const char digits[] = "0123456789ABCDEF";
	uint8_t digest[64];

	crypto_hash_sha512_final(&m->state, digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[VEIL_SOPS_MAC_HEX] = '\0';
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(m, sizeof(*m));
}

static int digits_at(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Go's time.Parse(time.RFC3339, s): "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)". */
int veil_sops__time_canonical(char out[VEIL_SOPS_TIME_MAX], const char *s, size_t len)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	size_t i = 19;

	if (len < 20 || len >= 64 || digits_at(s, 4, &y) || s[4] != '-' ||
	    digits_at(s + 5, 2, &mo) || s[7] != '-' || digits_at(s + 8, 2, &d) || s[10] != 'T' ||
	    digits_at(s + 11, 2, &h) || s[13] != ':' || digits_at(s + 14, 2, &mi) || s[16] != ':' ||
	    digits_at(s + 17, 2, &sec))
		goto bad;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20)
			goto bad;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		goto bad;
	if (i + 1 == len && s[i] == 'Z') {
		oh = om = 0;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && !digits_at(s + i + 1, 2, &oh) &&
	           s[i + 3] == ':' && !digits_at(s + i + 4, 2, &om) && oh <= 23 && om <= 59) {
		/* kept as written, unless it is a zero offset */
	} else {
		goto bad;
	}
	if (oh == 0 && om == 0)
		snprintf(out, VEIL_SOPS_TIME_MAX, "%.19sZ", s);
	else
		snprintf(out, VEIL_SOPS_TIME_MAX, "%.19s%c%02d:%02d", s, s[i], oh, om);
	return 0;
bad:
	return veil_error_set(VEIL_EFORMAT, "lastmodified is not an RFC 3339 time");
}

void veil_sops__time_now(char out[VEIL_SOPS_TIME_MAX])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, VEIL_SOPS_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int veil_sops__mac_seal(char **out, veil_sops_cipher cipher, const uint8_t key[VEIL_SOPS_KEY_LEN],
                        const char hex[VEIL_SOPS_MAC_HEX + 1], const char *lastmodified)
{
	char aad[VEIL_SOPS_TIME_MAX];
	int error;

	if ((error = veil_sops__time_canonical(aad, lastmodified, strlen(lastmodified))) < 0)
		return error;
	error = veil_sops__encrypt(out, cipher, key, (const uint8_t *)hex, VEIL_SOPS_MAC_HEX, aad,
	                           strlen(aad), VEIL_SOPS_STR, NULL, 0);
	veil_sops__gcm_release();
	return error;
}

int veil_sops__mac_check(const uint8_t key[VEIL_SOPS_KEY_LEN], const char *stored, size_t len,
                         const char *lastmodified, const char hex[VEIL_SOPS_MAC_HEX + 1])
{
	char aad[VEIL_SOPS_TIME_MAX];
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int error;

	if ((error = veil_sops__time_canonical(aad, lastmodified, strlen(lastmodified))) < 0)
		return veil_error_set(VEIL_EMAC, "%s", veil_error_last());
	if ((error = veil_sops__decrypt(&pt, &pt_len, NULL, key, stored, len, aad, strlen(aad))) <
	    0) {
		/* out of memory is that, never a MAC mismatch */
		if (error != VEIL_ENOMEM)
			error = veil_error_set(VEIL_EMAC,
			                       "the stored MAC could not be decrypted "
			                       "(the mac or lastmodified field was changed)");
		goto done;
	}
	if (pt_len != VEIL_SOPS_MAC_HEX || sodium_memcmp(pt, hex, VEIL_SOPS_MAC_HEX) != 0) {
		error = veil_error_set(VEIL_EMAC, "MAC mismatch: the file's values were changed "
		                                  "outside veil or sops");
		goto done;
	}
	error = 0;
done:
	veil_sops__gcm_release();
	if (pt) {
		sodium_memzero(pt, pt_len);
		free(pt);
	}
	return error;
}
