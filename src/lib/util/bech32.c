/* BIP-173 Bech32 as age uses it: checksum constant 1, the separator is the
 * last '1', no 90-character limit (VEIL_BECH32_MAX_LEN instead), the data
 * part is 8-bit bytes regrouped into 5-bit characters. Identities are secret,
 * so every intermediate copy of the data is wiped. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "util/bech32.h"
#include "util/secret.h"
#include "veil/error.h"

#define CHECKSUM_LEN 6

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, uint8_t v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
		                         0x2a1462b3 };
	uint32_t top = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* The checksum state over the expanded (lowercase) HRP and n 5-bit values. */
static uint32_t polymod(const char *hrp, size_t hrp_len, const uint8_t *v, size_t n)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)hrp[i] >> 5);
	chk = polymod_step(chk, 0);
	for (i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)hrp[i] & 31);
	for (i = 0; i < n; i++)
		chk = polymod_step(chk, v[i]);
	return chk;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int charset_index(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(charset, c);
	return p ? (int)(p - charset) : -1;
}

/* 8-bit bytes to 5-bit groups, zero-padding the last group. */
static size_t to_5bit(uint8_t *out, const uint8_t *in, size_t len)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		acc = ((acc << 8) | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = (uint8_t)((acc >> bits) & 31);
		}
	}
	if (bits)
		out[n++] = (uint8_t)((acc << (5 - bits)) & 31);
	acc = 0;
	return n;
}

/* 5-bit groups to bytes. Padding must be shorter than one group and zero,
 * so each byte string has exactly one encoding. */
static int from_5bit(uint8_t *out, size_t *out_len, const uint8_t *in, size_t len)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, n = 0;
	int error = 0;

	for (i = 0; i < len; i++) {
		acc = ((acc << 5) | in[i]) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 5)
		error = veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: excess padding");
	else if (acc & ((1u << bits) - 1))
		error = veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: non-zero padding");
	acc = 0;
	*out_len = n;
	return error;
}

int veil_bech32_encode(char **out, const char *hrp, const uint8_t *data, size_t len, int upper_case)
{
	size_t hrp_len = strlen(hrp), n5, total, i;
	uint8_t *v = NULL;
	char *s = NULL, *lhrp = NULL;
	uint32_t chk;
	int error = 0;

	*out = NULL;
	/* Bound before any arithmetic can overflow. */
	if (hrp_len == 0 || hrp_len > VEIL_BECH32_MAX_LEN || len > VEIL_BECH32_MAX_LEN) {
		error = veil_error_set(VEIL_EINVAL, "invalid Bech32 prefix or data length");
		goto done;
	}
	n5 = (len * 8 + 4) / 5;
	total = hrp_len + 1 + n5 + CHECKSUM_LEN;
	if (total > VEIL_BECH32_MAX_LEN) {
		error = veil_error_set(VEIL_EINVAL, "Bech32 string of %zu characters is too long",
		                       total);
		goto done;
	}
	v = malloc(n5 + CHECKSUM_LEN);
	lhrp = malloc(hrp_len + 1);
	s = malloc(total + 1);
	if (!v || !lhrp || !s) {
		error = veil_error_set(VEIL_ENOMEM, "out of memory encoding Bech32");
		goto done;
	}
	/* The checksum covers the lowercase HRP whatever case is requested. */
	for (i = 0; i < hrp_len; i++) {
		if (hrp[i] < 33 || hrp[i] > 126) {
			error = veil_error_set(VEIL_EINVAL, "invalid character in Bech32 prefix");
			goto done;
		}
		lhrp[i] = lower(hrp[i]);
	}
	lhrp[hrp_len] = '\0';
	to_5bit(v, data, len);
	memset(v + n5, 0, CHECKSUM_LEN);
	chk = polymod(lhrp, hrp_len, v, n5 + CHECKSUM_LEN) ^ 1;
	for (i = 0; i < CHECKSUM_LEN; i++)
		v[n5 + i] = (uint8_t)((chk >> (5 * (5 - i))) & 31);
	memcpy(s, lhrp, hrp_len);
	s[hrp_len] = '1';
	for (i = 0; i < n5 + CHECKSUM_LEN; i++)
		s[hrp_len + 1 + i] = charset[v[i]];
	s[total] = '\0';
	if (upper_case)
		for (i = 0; i < total; i++)
			s[i] = upper(s[i]);
	*out = s;
	s = NULL;
done:
	if (v)
		veil_wipe_free(v, n5 + CHECKSUM_LEN);
	free(lhrp);
	free(s);
	return error;
}

/* Checks the character set and case of the whole string; finds the separator. */
static int scan(size_t *sep, const char *str, size_t len)
{
	int has_lower = 0, has_upper = 0;
	size_t i;

	if (len > VEIL_BECH32_MAX_LEN)
		return veil_error_set(VEIL_EFORMAT,
		                      "invalid Bech32 string: longer than %d characters",
		                      VEIL_BECH32_MAX_LEN);
	*sep = len;
	for (i = 0; i < len; i++) {
		if (str[i] < 33 || str[i] > 126)
			return veil_error_set(
			        VEIL_EFORMAT,
			        "invalid Bech32 string: character out of range at offset %zu", i);
		has_lower |= str[i] >= 'a' && str[i] <= 'z';
		has_upper |= str[i] >= 'A' && str[i] <= 'Z';
		if (str[i] == '1')
			*sep = i;
	}
	if (has_lower && has_upper)
		return veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: mixed case");
	if (*sep == len)
		return veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: no separator");
	if (*sep == 0)
		return veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: empty prefix");
	if (len - *sep - 1 < CHECKSUM_LEN)
		return veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: checksum too short");
	return 0;
}

int veil_bech32_decode(char **hrp, uint8_t **data, size_t *data_len, const char *str, size_t len)
{
	size_t sep = 0, nv = 0, i, n = 0;
	uint8_t *v = NULL, *d = NULL;
	char *h = NULL;
	int error, idx;

	*hrp = NULL;
	*data = NULL;
	*data_len = 0;
	error = scan(&sep, str, len);
	if (error < 0)
		goto done;
	nv = len - sep - 1;
	v = malloc(nv);
	h = malloc(sep + 1);
	d = malloc(nv * 5 / 8 + 1);
	if (!v || !h || !d) {
		error = veil_error_set(VEIL_ENOMEM, "out of memory decoding Bech32");
		goto done;
	}
	for (i = 0; i < sep; i++)
		h[i] = lower(str[i]);
	h[sep] = '\0';
	for (i = 0; i < nv; i++) {
		idx = charset_index(lower(str[sep + 1 + i]));
		if (idx < 0) {
			error = veil_error_set(
			        VEIL_EFORMAT,
			        "invalid Bech32 string: invalid data character at offset %zu",
			        sep + 1 + i);
			goto done;
		}
		v[i] = (uint8_t)idx;
	}
	if (polymod(h, sep, v, nv) != 1) {
		error = veil_error_set(VEIL_EFORMAT, "invalid Bech32 string: bad checksum");
		goto done;
	}
	error = from_5bit(d, &n, v, nv - CHECKSUM_LEN);
	if (error < 0)
		goto done;
	*hrp = h;
	*data = d;
	*data_len = n;
	h = NULL;
	d = NULL;
done:
	if (v)
		veil_wipe_free(v, nv);
	if (d)
		veil_wipe_free(d, nv * 5 / 8 + 1);
	free(h);
	return error;
}
