/* Go-compatible number formatting for sops plaintexts and MACs. */
#include "sops/gofmt.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shortest significant digits of v (> 0, finite) that round-trip, and the
 * decimal exponent of the first digit: v ~= 0.d1d2... * 10^(exp + 1). */
static size_t shortest_digits(char digits[20], int *exp, double v)
{
	char buf[40];

	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, v);
		if (strtod(buf, NULL) != v) {
			/* At a power of two the interval below v is half as wide, so the
			 * nearest p-digit decimal can miss while the one above fits. */
			double up;
			char *e = strchr(buf, 'e');
			long long m = 0;
			int k = 0;
			for (char *q = buf; q < e; q++)
				if (*q >= '0' && *q <= '9')
					m = m * 10 + (*q - '0'), k++;
			snprintf(buf, sizeof(buf), "%llde%d", m + 1, atoi(e + 1) - (k - 1));
			up = strtod(buf, NULL);
			if (up != v || p == 17)
				continue;
			snprintf(buf, sizeof(buf), "%.*e", p - 1, up);
			if (strtod(buf, NULL) != v)
				continue;
		}
		{
			char *e = strchr(buf, 'e');
			size_t n = 0;
			for (char *q = buf; q < e; q++)
				if (*q >= '0' && *q <= '9')
					digits[n++] = *q;
			while (n > 1 && digits[n - 1] == '0')
				n--;
			digits[n] = '\0';
			*exp = (int)strtol(e + 1, NULL, 10);
			return n;
		}
	}
	return 0;
}

size_t veil_sops__format_float(char out[VEIL_GOFMT_FLOAT_MAX], double v)
{
	char digits[20];
	size_t n, len = 0;
	int exp;

	if (isnan(v))
		return (size_t)snprintf(out, VEIL_GOFMT_FLOAT_MAX, "NaN");
	if (isinf(v))
		return (size_t)snprintf(out, VEIL_GOFMT_FLOAT_MAX, v > 0 ? "+Inf" : "-Inf");
	if (signbit(v))
		out[len++] = '-';
	v = fabs(v);
	if (v == 0) {
		out[len++] = '0';
		out[len] = '\0';
		return len;
	}
	n = shortest_digits(digits, &exp, v);
	if (exp < 0) {
		out[len++] = '0';
		out[len++] = '.';
		for (int i = -1; i > exp; i--)
			out[len++] = '0';
		memcpy(out + len, digits, n);
		len += n;
	} else {
		for (int i = 0; i <= exp; i++)
			out[len++] = (size_t)i < n ? digits[i] : '0';
		if (n > (size_t)exp + 1) {
			out[len++] = '.';
			memcpy(out + len, digits + exp + 1, n - (size_t)exp - 1);
			len += n - (size_t)exp - 1;
		}
	}
	out[len] = '\0';
	return len;
}
