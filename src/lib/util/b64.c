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
		return veil_error_set(VEIL_EFORMAT, "invalid base64 character 0x%02x at offset %zu",
		                      (unsigned int)(unsigned char)in[i], i);
	}
	if (pads == 1 && in[n - 1] != '=')
		return veil_error_set(VEIL_EFORMAT, "misplaced '=' in base64");
	*decoded = padded ? n / 4 * 3 - pads : n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (*decoded > cap)
		return veil_error_set(VEIL_EFORMAT,
		                      "base64 value too long (%zu bytes, at most %zu)", *decoded,
		                      cap);
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

/* Value + 1 for the alphabet (0: not base64); b64_precheck has already
 * rejected anything outside it, and '=' is handled by position. */
static const uint8_t public_table[256] = {
	['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
	['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
	['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
	['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
	['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
	['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
	['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63,
	['/'] = 64,
};

int veil_b64_decode_padded_public(uint8_t *out, size_t cap, size_t *out_len, const char *in,
                                  size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i, o = 0, pads;
	uint32_t acc, a, b, c, d;

	/* Anything unusual (bad length, a character outside the alphabet, a
	 * misplaced '=', too long) goes to the strict decoder, whose checks say
	 * exactly what is wrong. */
	pads = n >= 4 ? (s[n - 1] == '=') + (s[n - 1] == '=' && s[n - 2] == '=') : 0;
	if (n == 0 || n % 4 != 0 || n / 4 * 3 - pads > cap)
		return b64_decode(out, cap, out_len, in, n, 1);
	for (i = 0; i < n; i += 4) {
		a = public_table[s[i]];
		b = public_table[s[i + 1]];
		c = i + 4 == n && pads == 2 ? 1 : public_table[s[i + 2]];
		d = i + 4 == n && pads >= 1 ? 1 : public_table[s[i + 3]];
		if (!a || !b || !c || !d)
			return b64_decode(out, cap, out_len, in, n, 1);
		acc = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		out[o++] = (uint8_t)(acc >> 16);
		if (i + 4 < n || pads < 2)
			out[o++] = (uint8_t)(acc >> 8);
		if (i + 4 < n || pads < 1)
			out[o++] = (uint8_t)acc;
	}
	/* Canonical form: the bits the padding drops must be zero. */
	if ((pads == 2 && (acc & 0xffff)) || (pads == 1 && (acc & 0xff)))
		return veil_error_set(VEIL_EFORMAT, "non-canonical base64");
	*out_len = o;
	return 0;
}
