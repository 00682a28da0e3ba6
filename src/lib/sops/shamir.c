/* Shamir secret sharing, GF(2^8) arithmetic without secret-dependent
 * branches or table lookups (shares are key material). */
#include "sops/shamir.h"
#include "veil/error.h"
#include <sodium.h>
#include <string.h>

/* Carry-less multiply reduced by x^8 + x^4 + x^3 + x + 1, branch-free. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t p = 0;

	for (int i = 0; i < 8; i++) {
		p ^= (uint8_t)(-(b & 1) & a);
		a = (uint8_t)((a << 1) ^ (-(a >> 7) & 0x1b));
		b >>= 1;
	}
	return p;
}

/* a^254 = a^-1 in GF(2^8) (and 0 for 0). */
static uint8_t gf_inv(uint8_t a)
{
	uint8_t r = 1, sq = a;

	for (int e = 254; e; e >>= 1) {
		if (e & 1)
			r = gf_mul(r, sq);
		sq = gf_mul(sq, sq);
	}
	return r;
}

/* Distinct random x coordinates in 1..255 (a partial Fisher-Yates shuffle). */
static void pick_xs(uint8_t *xs, size_t parts)
{
	uint8_t all[255];

	for (int i = 0; i < 255; i++)
		all[i] = (uint8_t)(i + 1);
	for (size_t i = 0; i < parts; i++) {
		size_t j = i + randombytes_uniform((uint32_t)(255 - i));
		uint8_t t = all[i];
		all[i] = all[j];
		all[j] = t;
		xs[i] = all[i];
	}
}

int veil_shamir__split(uint8_t *const *shares, size_t parts, size_t threshold,
                       const uint8_t *secret, size_t len)
{
	uint8_t xs[VEIL_SHAMIR_MAX_PARTS], coeffs[VEIL_SHAMIR_MAX_PARTS];

	if (threshold < 2 || parts < threshold || parts > VEIL_SHAMIR_MAX_PARTS || len == 0)
		return veil_error_set(VEIL_EINVAL,
		                      "shamir: need 2 <= threshold (%zu) <= parts "
		                      "(%zu) <= 255 and a non-empty secret",
		                      threshold, parts);
	pick_xs(xs, parts);
	for (size_t i = 0; i < parts; i++)
		shares[i][len] = xs[i];
	for (size_t b = 0; b < len; b++) {
		coeffs[0] = secret[b];
		randombytes_buf(coeffs + 1, threshold - 1);
		for (size_t i = 0; i < parts; i++) {
			/* Horner's rule from the highest coefficient down */
			uint8_t y = coeffs[threshold - 1];
			for (size_t k = threshold - 1; k-- > 0;)
				y = (uint8_t)(gf_mul(y, xs[i]) ^ coeffs[k]);
			shares[i][b] = y;
		}
	}
	sodium_memzero(coeffs, sizeof(coeffs));
	return 0;
}

int veil_shamir__combine(uint8_t *secret, const uint8_t *const *shares, size_t n, size_t share_len)
{
	uint8_t basis[VEIL_SHAMIR_MAX_PARTS];
	size_t len = share_len - 1;

	if (n < 2 || n > VEIL_SHAMIR_MAX_PARTS || share_len < 2)
		return veil_error_set(VEIL_EINVAL, "shamir: need at least 2 shares of 2+ bytes");
	/* Lagrange basis at x = 0: prod_j x_j / (x_i + x_j), addition being XOR */
	for (size_t i = 0; i < n; i++) {
		uint8_t xi = shares[i][len], l = 1;
		for (size_t j = 0; j < n; j++) {
			uint8_t xj = shares[j][len];
			if (j == i)
				continue;
			if (xi == xj || xi == 0)
				return veil_error_set(VEIL_EFORMAT,
				                      "shamir: duplicate or zero share "
				                      "coordinate");
			l = gf_mul(l, gf_mul(xj, gf_inv((uint8_t)(xi ^ xj))));
		}
		basis[i] = l;
	}
	for (size_t b = 0; b < len; b++) {
		uint8_t v = 0;
		for (size_t i = 0; i < n; i++)
			v ^= gf_mul(shares[i][b], basis[i]);
		secret[b] = v;
	}
	return 0;
}
