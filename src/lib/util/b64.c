/* Strict base64 on libsodium. sodium_base642bin with ignore = NULL and
 * b64_end = NULL is already canonical (it rejects stray '=', non-zero unused
 * bits, bad lengths); the checks in front of it make the contract explicit
 * and give messages that say what was wrong. */
#include <sodium.h>
#include "util/b64.h"
#include "veil/error.h"

size_t veil_b64_raw_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t veil_b64_padded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void veil_b64_encode_raw(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2base64(out, veil_b64_raw_len(n) + 1, in, n,
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

void veil_b64_encode_padded(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2base64(out, veil_b64_padded_len(n) + 1, in, n, sodium_base64_VARIANT_ORIGINAL);
}

static int is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		c == '+' || c == '/';
}

/* Shared front checks; *decoded is the exact output length. */
static int b64_precheck(size_t *decoded, size_t cap, const char *in, size_t n, int padded)
{
	size_t i, pads = 0;

	if (padded ? n % 4 != 0 : n % 4 == 1)
		return veil_error_set(VEIL_EFORMAT, "invalid base64 length %zu", n);
	for (i = 0; i < n; i++) {
		if (is_b64_char(in[i]))
			continue;
		/* '=' only as one or two final characters of the padded form. */
		if (padded && in[i] == '=' && i >= n - 2) {
			pads++;
			continue;
		}
		if (in[i] == '=')
			return veil_error_set(VEIL_EFORMAT,
				"unexpected '=' in base64 at offset %zu", i);
		return veil_error_set(VEIL_EFORMAT,
			"invalid base64 character 0x%02x at offset %zu",
			(unsigned int)(unsigned char)in[i], i);
	}
	if (pads == 1 && in[n - 1] != '=')
		return veil_error_set(VEIL_EFORMAT, "misplaced '=' in base64");
	*decoded = padded ? n / 4 * 3 - pads : n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (*decoded > cap)
		return veil_error_set(VEIL_EFORMAT,
			"base64 value too long (%zu bytes, at most %zu)", *decoded, cap);
	return 0;
}

static int b64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t n,
	int padded)
{
	size_t decoded = 0, got = 0;
	int error;

	error = b64_precheck(&decoded, cap, in, n, padded);
	if (error < 0)
		return error;
	if (sodium_base642bin(out, cap, in, n, NULL, &got, NULL,
		    padded ? sodium_base64_VARIANT_ORIGINAL
			   : sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
		got != decoded)
		return veil_error_set(VEIL_EFORMAT, "non-canonical base64");
	*out_len = got;
	return 0;
}

int veil_b64_decode_raw(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t n)
{
	return b64_decode(out, cap, out_len, in, n, 0);
}

int veil_b64_decode_padded(uint8_t *out, size_t cap, size_t *out_len, const char *in, size_t n)
{
	return b64_decode(out, cap, out_len, in, n, 1);
}
