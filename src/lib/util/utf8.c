/* Strict UTF-8 validation. */
#include "util/utf8.h"
#include "veil/error.h"
#include <stdlib.h>

size_t veil_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;
		unsigned int cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

void veil_utf8_walker_init(veil_utf8_walker *w, const char *s, size_t len)
{
	w->s = s;
	w->len = len;
	w->pos = 0;
	w->idx = 0;
	w->ascii = 1;
	for (size_t i = 0; i < len && w->ascii; i++)
		w->ascii = (unsigned char)s[i] < 0x80;
}

static size_t width(unsigned char c)
{
	return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

size_t veil_utf8_walk(veil_utf8_walker *w, size_t idx)
{
	if (w->ascii)
		return idx < w->len ? idx : w->len;
	while (w->idx > idx && w->pos > 0) {
		w->pos--;
		while (w->pos > 0 && ((unsigned char)w->s[w->pos] & 0xC0) == 0x80)
			w->pos--;
		w->idx--;
	}
	while (w->idx < idx && w->pos < w->len) {
		w->pos += width((unsigned char)w->s[w->pos]);
		w->idx++;
	}
	if (w->pos > w->len)
		w->pos = w->len;
	return w->pos;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int veil_utf16_to_utf8(char **out, size_t *out_len, const uint8_t *in, size_t n, int big_endian)
{
	/* a unit gives at most 3 bytes (a pair: 4 for two units) */
	char *o = malloc(n / 2 * 3 + 1);
	size_t k = 0;

	*out = NULL;
	*out_len = 0;
	if (!o)
		return veil_error_oom();
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t u = big_endian ? (uint32_t)in[i] << 8 | in[i + 1]
		                        : (uint32_t)in[i + 1] << 8 | in[i];
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			uint32_t lo = big_endian ? (uint32_t)in[i + 2] << 8 | in[i + 3]
			                         : (uint32_t)in[i + 3] << 8 | in[i + 2];
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		k += put_utf8(o + k, u);
	}
	o[k] = '\0';
	*out = o;
	*out_len = k;
	return 0;
}
