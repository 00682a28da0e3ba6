/* The type of a plain YAML scalar as go-yaml v3 decodes it into interface{}
 * (resolve.go), which decides sops's type: tags and MAC bytes. The order of
 * the checks follows go-yaml's so that odd inputs agree too: "08" is a float
 * (not octal, but it matches the float pattern), "1e400" is a string (Go's
 * ParseFloat reports a range error), "0b-1" is an int. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/internal.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Does strconv.ParseInt(s, base, 64) or strconv.ParseUint(s, base, 64)
 * accept s? base 0 reads Go's prefixes (0x, 0o, 0b, leading 0 = octal). */
static int go_int_ok(const char *s, size_t len, int base)
{
	uint64_t v = 0, limit = UINT64_MAX;
	size_t i = 0;

	if (len && (s[0] == '+' || s[0] == '-')) {
		limit = s[0] == '-' ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
		i = 1;
	}
	if (i == len)
		return 0;
	if (base == 0) {
		base = 10;
		if (s[i] == '0') {
			if (len - i >= 3 && lower(s[i + 1]) == 'b')
				base = 2, i += 2;
			else if (len - i >= 3 && lower(s[i + 1]) == 'o')
				base = 8, i += 2;
			else if (len - i >= 3 && lower(s[i + 1]) == 'x')
				base = 16, i += 2;
			else
				base = 8, i += 1;
		}
	}
	for (; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= base)
			return 0;
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return 1;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int yaml_style_float(const char *s, size_t len)
{
	size_t i = 0, n;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < len && s[i] == '.') {
		i++;
		for (n = 0; i < len && is_digit(s[i]); i++, n++)
			;
		if (!n)
			return 0;
	} else {
		for (n = 0; i < len && is_digit(s[i]); i++, n++)
			;
		if (!n)
			return 0;
		if (i < len && s[i] == '.')
			for (i++; i < len && is_digit(s[i]); i++)
				;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (n = 0; i < len && is_digit(s[i]); i++, n++)
			;
		if (!n)
			return 0;
	}
	return i == len;
}

/* Go's ParseFloat fails with a range error when a decimal overflows. s is
 * already known to be a decimal float syntax. */
static int float_in_range(const char *s, size_t len)
{
	char tmp[128], *heap = NULL, *p = tmp, *end;
	double v;
	int ok;

	if (len >= sizeof(tmp)) {
		heap = malloc(len + 1);
		if (!heap)
			return 1; /* cannot check; a float by syntax */
		p = heap;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	errno = 0;
	v = strtod(p, &end);
	ok = !(errno == ERANGE && isinf(v));
	free(heap);
	return ok;
}

/* ParseFloat for input starting with '.': \.[0-9]+([eE][-+]?[0-9]+)? */
static int dot_float(const char *s, size_t len)
{
	return len >= 2 && s[0] == '.' && yaml_style_float(s, len) && float_in_range(s, len);
}

/* getnum: one or two digits. */
static int get_num(const char *s, size_t len, size_t *i, int *out)
{
	if (*i >= len || !is_digit(s[*i]))
		return 0;
	*out = s[(*i)++] - '0';
	if (*i < len && is_digit(s[*i]))
		*out = *out * 10 + (s[(*i)++] - '0');
	return 1;
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* Go's time.Parse for the layouts go-yaml tries, in one pass:
 * "2006-1-2", "2006-1-2[Tt]15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999". */
static int go_timestamp(const char *s, size_t len)
{
	size_t i;
	int year, month, day, h, m, sec, zone;

	if (len < 5)
		return 0;
	for (i = 0, year = 0; i < 4; i++) {
		if (!is_digit(s[i]))
			return 0;
		year = year * 10 + (s[i] - '0');
	}
	if (s[i++] != '-' || !get_num(s, len, &i, &month) || i >= len || s[i++] != '-' ||
	    !get_num(s, len, &i, &day))
		return 0;
	if (month < 1 || month > 12 || day < 1 || day > days_in(month, year))
		return 0;
	if (i == len)
		return 1;
	if (s[i] == 'T' || s[i] == 't') {
		zone = 1;
		i++;
	} else if (s[i] == ' ') {
		zone = 0;
		while (i < len && s[i] == ' ')
			i++;
	} else {
		return 0;
	}
	if (!get_num(s, len, &i, &h) || i >= len || s[i++] != ':' || !get_num(s, len, &i, &m) ||
	    i >= len || s[i++] != ':' || !get_num(s, len, &i, &sec))
		return 0;
	if (h > 23 || m > 59 || sec > 59)
		return 0;
	if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1]))
		for (i++; i < len && is_digit(s[i]); i++)
			;
	if (!zone)
		return i == len;
	if (i < len && s[i] == 'Z')
		return i + 1 == len;
	if (len - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':' ||
	    !is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 4]) ||
	    !is_digit(s[i + 5]))
		return 0;
	h = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	m = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
	return h <= 24 && m <= 60;
}

static int one_of(const char *s, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && memcmp(s, *list, len) == 0)
			return 1;
	return 0;
}

/* The signed/unsigned int forms go-yaml tries after the float pattern. */
static int late_int(const char *p, size_t n)
{
	char tmp[80];

	if (n > 2 && p[0] == '0' && (p[1] == 'b' || p[1] == 'o'))
		return go_int_ok(p + 2, n - 2, p[1] == 'b' ? 2 : 8);
	if (n > 3 && p[0] == '-' && p[1] == '0' && (p[2] == 'b' || p[2] == 'o') &&
	    n - 2 < sizeof(tmp) && p[3] != '+' && p[3] != '-') {
		/* ParseInt("-" + rest): no ParseUint fallback, so a sign is needed. */
		tmp[0] = '-';
		memcpy(tmp + 1, p + 3, n - 3);
		return go_int_ok(tmp, n - 2, p[2] == 'b' ? 2 : 8);
	}
	return 0;
}

veil_scalar_type veil_doc__resolve_plain(const char *s, size_t len)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = {
		"true", "True", "TRUE", "false", "False", "FALSE", NULL
	};
	static const char *const floats[] = { ".nan",  ".NaN",  ".NAN",  ".inf",  ".Inf",
		                              ".INF",  "+.inf", "+.Inf", "+.INF", "-.inf",
		                              "-.Inf", "-.INF", NULL };
	char tmp[256], *heap = NULL, *plain = tmp;
	veil_scalar_type type = VEIL_SCALAR_STR;
	size_t i, n = 0;

	/* Most strings start with a letter no special form starts with. */
	if (len && !strchr("~nNtTfF.+-0123456789", s[0]))
		return VEIL_SCALAR_STR;
	if (one_of(s, len, nulls))
		return VEIL_SCALAR_NULL;
	if (one_of(s, len, bools))
		return VEIL_SCALAR_BOOL;
	if (one_of(s, len, floats))
		return VEIL_SCALAR_FLOAT;
	if (s[0] == '.')
		return dot_float(s, len) ? VEIL_SCALAR_FLOAT : VEIL_SCALAR_STR;
	if (!is_digit(s[0]) && s[0] != '+' && s[0] != '-')
		return VEIL_SCALAR_STR;
	if (go_timestamp(s, len))
		return VEIL_SCALAR_TIME;
	if (len >= sizeof(tmp)) {
		heap = malloc(len + 1);
		if (!heap)
			return VEIL_SCALAR_STR;
		plain = heap;
	}
	for (i = 0; i < len; i++)
		if (s[i] != '_')
			plain[n++] = s[i];
	if (go_int_ok(plain, n, 0))
		type = VEIL_SCALAR_INT;
	else if (yaml_style_float(plain, n) && float_in_range(plain, n))
		type = VEIL_SCALAR_FLOAT;
	else if (late_int(plain, n))
		type = VEIL_SCALAR_INT;
	free(heap);
	return type;
}

/* An integer spelled as go-yaml reads it: sign, magnitude. */
static int int_value(const char *s, size_t len, int *neg, uint64_t *mag)
{
	size_t i = 0;
	int base = 10;
	uint64_t v = 0;

	*neg = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		*neg = s[i++] == '-';
	if (len - i >= 2 && s[i] == '0') {
		char p = lower(s[i + 1]);

		if (p == 'x' || p == 'o' || p == 'b') {
			base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
			i += 2;
		} else {
			base = 8;
		}
	}
	for (; i < len; i++) {
		int d;

		if (s[i] == '_')
			continue;
		d = digit_value(s[i]);
		if (d >= base || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*mag = v;
	if (!v)
		*neg = 0;
	return 1;
}

static int float_value(const char *s, size_t len, double *out)
{
	char tmp[128], *end;
	size_t i, n = 0;

	if (len >= sizeof(tmp))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != '_')
			tmp[n++] = s[i];
	tmp[n] = '\0';
	if (tmp[0] == '.' || ((tmp[0] == '+' || tmp[0] == '-') && tmp[1] == '.')) {
		const char *t = tmp[0] == '.' ? tmp + 1 : tmp + 2;

		if (lower(t[0]) == 'i' && lower(t[1]) == 'n' && lower(t[2]) == 'f' && !t[3]) {
			*out = tmp[0] == '-' ? -HUGE_VAL : HUGE_VAL;
			return 1;
		}
		if (lower(t[0]) == 'n' && lower(t[1]) == 'a' && lower(t[2]) == 'n' && !t[3]) {
			*out = NAN;
			return 1;
		}
	}
	errno = 0;
	*out = strtod(tmp, &end);
	return end != tmp && !*end;
}

int veil_doc__same_scalar(const char *a, size_t alen, const char *b, size_t blen,
                          veil_scalar_type type)
{
	if (alen == blen && memcmp(a, b, alen) == 0)
		return 1;
	if (type == VEIL_SCALAR_NULL)
		return 1; /* "~", "null" and "" are one value */
	if (type == VEIL_SCALAR_BOOL && alen && blen)
		return (strchr("tT1", a[0]) != NULL) == (strchr("tT1", b[0]) != NULL);
	if (type == VEIL_SCALAR_INT) {
		int na, nb;
		uint64_t ma, mb;

		return int_value(a, alen, &na, &ma) && int_value(b, blen, &nb, &mb) && na == nb &&
		       ma == mb;
	}
	if (type == VEIL_SCALAR_FLOAT) {
		double x, y;

		if (!float_value(a, alen, &x) || !float_value(b, blen, &y))
			return 0;
		return x == y || (isnan(x) && isnan(y));
	}
	return 0;
}
