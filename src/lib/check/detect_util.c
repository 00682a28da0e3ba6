/* Small helpers of the content detectors: entropy, placeholders, ENC[...]. */
#define _GNU_SOURCE /* memmem: glibc's is much faster than a memchr loop */
#include "check/check_int.h"
#include "sops/value.h"
#include <math.h>
#include <string.h>

const char *veil_check__memmem(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn == 0)
		return h;
	if (!h || hn < nn)
		return NULL;
	return memmem(h, hn, n, nn);
}

/* log2(x) for x > 0 to ~1e-14, with frexp (libc): x = m * 2^e, m in
 * [0.5, 1), and log2(m) = 2/ln(2) * atanh(z) with z = (m - 1) / (m + 1) in
 * [-1/3, 0), a series that gains a factor z^2 <= 1/9 per term. Linking
 * libm for its log2, the one libm function veil used, made every veil
 * process load one more shared library (~0.2 ms). */
static double log2_pos(double x)
{
	int e;
	double m = frexp(x, &e), z = (m - 1) / (m + 1), z2 = z * z, term = z, sum = 0;

	for (int k = 1; k < 32; k += 2) {
		sum += term / k;
		term *= z2;
	}
	return e + sum * 2.885390081777926815; /* 2 / ln(2) */
}

/* How many of lower case, upper case, digits and anything else v uses (0-4). */
int veil_check__classes(const char *v, size_t n)
{
	int lo = 0, up = 0, dg = 0, sy = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch >= 'a' && ch <= 'z')
			lo = 1;
		else if (ch >= 'A' && ch <= 'Z')
			up = 1;
		else if (ch >= '0' && ch <= '9')
			dg = 1;
		else
			sy = 1;
	}
	return lo + up + dg + sy;
}

/* Shannon entropy in bits per byte. */
double veil_check__entropy(const char *s, size_t n)
{
	unsigned int count[256] = { 0 };
	double h = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++) {
		if (count[i]) {
			double p = (double)count[i] / (double)n;
			h -= p * log2_pos(p);
		}
	}
	return h;
}

const char *veil_check__lower(char *buf, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	buf[n] = '\0';
	return buf;
}

/* Public sample credentials from vendor documentation: never secrets. */
static const char *const samples[] = {
	"AKIAIOSFODNN7EXAMPLE",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"sk_test_4eC39HqLyjWDarjtT1zdp7dc",
	"sk_test_BQokikJOvBiI2HlWgH4olfQ2",
	"rk_test_4eC39HqLyjWDarjtT1zdp7dc",
};

/* Values documentation uses in place of a secret. */
int veil_check__placeholder(const char *s, size_t n)
{
	static const char *const words[] = {
		"example",  "xxxx",        "****",   "....",     "<",        ">",
		"your",     "placeholder", "dummy",  "redacted", "changeme", "change_me",
		"replace",  "insert",      "sample", "0000000",  "1234567",  "abcdefg",
		"${",       "{{",          "%s",     "todo",     "fixme",    "notreal",
		"not_real", "secret_here", "here_",
	};
	size_t same = 1;
	char buf[512];

	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++)
		if (strlen(samples[i]) == n && !memcmp(samples[i], s, n))
			return 1;
	/* a NUL inside the value ends the search early: fine, values with NULs
	 * are not tokens */
	veil_check__lower(buf, sizeof(buf), s, n);
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strstr(buf, words[i]))
			return 1;
	for (size_t i = 1; i < n; i++)
		if (s[i] == s[0])
			same++;
	return n > 0 && same * 2 > n;
}

/* Only what sops would decrypt: ENC[cipher,data:,iv:,tag:,type:] with
 * valid base64 and lengths. A look-alike ("ENC[hunter2]", a base64 of the
 * plaintext without iv and tag) holds plaintext. */
int veil_check__is_enc(const char *s, size_t n)
{
	veil_sops_enc e;
	int ok;

	if (n < 5 || !veil_sops_value_is_encrypted(s, n) || s[n - 1] != ']')
		return 0;
	ok = veil_sops__enc_parse(&e, s, n) == 0;
	if (ok)
		veil_sops__enc_dispose(&e);
	veil_error_clear();
	return ok;
}
