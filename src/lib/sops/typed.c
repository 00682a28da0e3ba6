/* Plaintext and MAC bytes of typed values, in Go's spellings. */
#include "sops/typed.h"
#include "sops/gofmt.h"
#include "veil/error.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

veil_sops_type veil_sops__type_of(veil_scalar_type t)
{
	switch (t) {
	case VEIL_SCALAR_INT:
		return VEIL_SOPS_INT;
	case VEIL_SCALAR_FLOAT:
		return VEIL_SOPS_FLOAT;
	case VEIL_SCALAR_BOOL:
		return VEIL_SOPS_BOOL;
	case VEIL_SCALAR_TIME:
		return VEIL_SOPS_TIME;
	default:
		return VEIL_SOPS_STR;
	}
}

veil_scalar_type veil_sops__scalar_type_of(veil_sops_type t)
{
	switch (t) {
	case VEIL_SOPS_INT:
		return VEIL_SCALAR_INT;
	case VEIL_SOPS_FLOAT:
		return VEIL_SCALAR_FLOAT;
	case VEIL_SOPS_BOOL:
		return VEIL_SCALAR_BOOL;
	case VEIL_SOPS_TIME:
		return VEIL_SCALAR_TIME;
	default:
		return VEIL_SCALAR_STR;
	}
}

/* Copies text without '_' (YAML allows them as digit separators). */
static int strip_underscores(char *out, size_t cap, const char *text, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '_')
			continue;
		if (n + 1 >= cap)
			return -1;
		out[n++] = text[i];
	}
	out[n] = '\0';
	return 0;
}

/* go-yaml v3: '_' removed, then strconv.ParseInt(s, 0, 64) or ParseUint:
 * sign, then 0x / 0o / 0b / leading-0 octal. *neg and *mag give the value. */
static int parse_int(int *neg_out, unsigned long long *mag, const char *text, size_t len)
{
	char buf[80], *p = buf, *end;
	int neg = 0, base = 10;
	unsigned long long v;

	if (strip_underscores(buf, sizeof(buf), text, len) < 0 || !*p)
		return -1;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p || *p == '+' || *p == '-')
		return -1;
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno || *end || (neg && v > (unsigned long long)LLONG_MAX + 1))
		return -1;
	*neg_out = neg && v != 0;
	*mag = v;
	return 0;
}

int veil_sops__int_fits_int64(const char *text, size_t len)
{
	unsigned long long mag;
	int neg;

	if (parse_int(&neg, &mag, text, len) < 0)
		return 0;
	return neg ? mag <= (unsigned long long)LLONG_MAX + 1
	           : mag <= (unsigned long long)LLONG_MAX;
}

static int parse_float(double *out, const char *text, size_t len)
{
	char buf[400], *end;
	const char *p = buf;

	if (strip_underscores(buf, sizeof(buf), text, len) < 0 || !buf[0])
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
		*out = buf[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	/* Go's spelling, which sops (and veil) store for YAML's .inf and .nan */
	if (!strcmp(p, "Inf") || (p == buf && !strcmp(p, "NaN"))) {
		*out = p[0] == 'N' ? NAN : buf[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (p == buf && (!strcmp(p, ".nan") || !strcmp(p, ".NaN") || !strcmp(p, ".NAN"))) {
		*out = NAN;
		return 0;
	}
	/* strtod would also take hex floats, "inf" and "nan"; sops values come
	 * from YAML/JSON decimals, so only those count */
	if (strpbrk(buf, "xXnNiI"))
		return -1;
	errno = 0;
	*out = strtod(buf, &end);
	return *end || end == buf ? -1 : 0;
}

static int is_plain_decimal_int(const char *t, size_t len)
{
	size_t i = (len && (t[0] == '+' || t[0] == '-')) ? 1 : 0;

	if (i == len || (t[i] == '0' && len - i > 1))
		return 0;
	for (; i < len; i++)
		if (t[i] < '0' || t[i] > '9')
			return 0;
	return 1;
}

/* A decimal float that Go's ParseFloat reads as written. */
static int is_go_decimal_float(const char *t, size_t len)
{
	size_t i = (len && (t[0] == '+' || t[0] == '-')) ? 1 : 0, digits = 0;

	for (; i < len && t[i] >= '0' && t[i] <= '9'; i++)
		digits++;
	if (i < len && t[i] == '.')
		for (i++; i < len && t[i] >= '0' && t[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < len && (t[i] == 'e' || t[i] == 'E')) {
		size_t e = 0;
		i++;
		if (i < len && (t[i] == '+' || t[i] == '-'))
			i++;
		for (; i < len && t[i] >= '0' && t[i] <= '9'; i++)
			e++;
		if (!e)
			return 0;
	}
	return i == len;
}

static int is_bool_word(const char *t, size_t len, int *value)
{
	static const char *const yes[] = { "true", "True", "TRUE" }, *const no[] = { "false",
		                                                                     "False",
		                                                                     "FALSE" };

	for (int i = 0; i < 3; i++) {
		if (strlen(yes[i]) == len && !memcmp(t, yes[i], len))
			return *value = 1, 1;
		if (strlen(no[i]) == len && !memcmp(t, no[i], len))
			return *value = 0, 1;
	}
	return 0;
}

/* Reads 1..max digits at *p; returns the value or -1. */
static int digits(const char **p, const char *end, int min, int max)
{
	int v = 0, n = 0;

	while (*p < end && n < max && **p >= '0' && **p <= '9')
		v = v * 10 + (*(*p)++ - '0'), n++;
	return n >= min ? v : -1;
}

/* A YAML timestamp as go-yaml v3 accepts it ("2006-1-2", "2006-1-2 15:4:5.9",
 * "2006-1-2T15:4:5.9Z07:00", 't' too) in Go's MarshalText form. */
static int canonical_time(veil_buf *out, const char *t, size_t len)
{
	const char *p = t, *end = t + len, *frac = NULL;
	int y, mo, d, h = 0, mi = 0, s = 0, fl = 0, oh = 0, om = 0;
	char sign = 'Z';

	y = digits(&p, end, 4, 4);
	if (y < 0 || p >= end || *p++ != '-' || (mo = digits(&p, end, 1, 2)) < 1 || mo > 12 ||
	    p >= end || *p++ != '-' || (d = digits(&p, end, 1, 2)) < 1 || d > 31)
		return -1;
	if (p < end) {
		char sep = *p++;
		if (sep != 'T' && sep != 't' && sep != ' ')
			return -1;
		if ((h = digits(&p, end, 1, 2)) < 0 || h > 23 || p >= end || *p++ != ':' ||
		    (mi = digits(&p, end, 1, 2)) < 0 || mi > 59 || p >= end || *p++ != ':' ||
		    (s = digits(&p, end, 1, 2)) < 0 || s > 59)
			return -1;
		if (p < end && *p == '.') {
			frac = ++p;
			while (p < end && *p >= '0' && *p <= '9' && fl < 9)
				p++, fl++;
			if (!fl)
				return -1;
			while (fl && frac[fl - 1] == '0')
				fl--; /* MarshalText trims trailing zeros */
		}
		if (sep != ' ') {
			if (p < end && *p == 'Z') {
				p++;
			} else if (p + 6 == end && (*p == '+' || *p == '-') && p[3] == ':') {
				sign = *p++;
				oh = digits(&p, end, 2, 2);
				p++;
				om = digits(&p, end, 2, 2);
				if (oh < 0 || om < 0 || oh > 23 || om > 59)
					return -1;
				if (!oh && !om)
					sign = 'Z';
			} else {
				return -1;
			}
		}
		if (p != end)
			return -1;
	}
	if (veil_buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s) < 0 ||
	    (fl && (veil_buf_putc(out, '.') < 0 || veil_buf_append(out, frac, (size_t)fl) < 0)))
		return VEIL_ENOMEM;
	if (sign == 'Z')
		return veil_buf_putc(out, 'Z');
	return veil_buf_printf(out, "%c%02d:%02d", sign, oh, om);
}

static int bad_value(const char *what)
{
	return veil_error_set(VEIL_EFORMAT, "value is not a valid %s", what);
}

int veil_sops__typed_mac_bytes(veil_buf *out, const char *text, size_t len, veil_scalar_type t)
{
	char num[VEIL_GOFMT_FLOAT_MAX];
	unsigned long long mag;
	double f;
	int b, neg;

	switch (t) {
	case VEIL_SCALAR_INT:
		if (parse_int(&neg, &mag, text, len) < 0)
			return bad_value("integer");
		return veil_buf_printf(out, "%s%llu", neg ? "-" : "", mag);
	case VEIL_SCALAR_FLOAT:
		if (parse_float(&f, text, len) < 0)
			return bad_value("number");
		veil_sops__format_float(num, f);
		return veil_buf_append(out, num, strlen(num));
	case VEIL_SCALAR_BOOL:
		if (!is_bool_word(text, len, &b))
			return bad_value("boolean");
		return veil_buf_append(out, b ? "True" : "False", b ? 4 : 5);
	case VEIL_SCALAR_TIME:
		return canonical_time(out, text, len) == 0 ? 0 : bad_value("timestamp");
	default:
		return veil_buf_append(out, text, len);
	}
}

int veil_sops__typed_plaintext(veil_buf *out, const char *text, size_t len, veil_scalar_type t)
{
	int b;

	if ((t == VEIL_SCALAR_INT && is_plain_decimal_int(text, len)) ||
	    (t == VEIL_SCALAR_FLOAT && is_go_decimal_float(text, len)) ||
	    (t == VEIL_SCALAR_BOOL && is_bool_word(text, len, &b)) || t == VEIL_SCALAR_STR ||
	    t == VEIL_SCALAR_NULL)
		return veil_buf_append(out, text, len);
	return veil_sops__typed_mac_bytes(out, text, len, t);
}
