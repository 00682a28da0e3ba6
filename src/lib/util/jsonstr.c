/* JSON string literals (jsonstr.h). */
#include "util/jsonstr.h"
#include "util/utf8.h"
#include "veil/error.h"

static int put_escape(veil_buf *out, unsigned int cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {
		'\\',        'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
		hex[cp & 15]
	};

	return veil_buf_append(out, e, 6);
}

/* One UTF-8 sequence at s[i] of n bytes: its escape, or the bytes. */
static int put_char(veil_buf *out, const unsigned char *s, size_t n, unsigned flags)
{
	unsigned char c = s[0];

	if (n == 1) {
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			return veil_buf_append(out, e, 2);
		}
		if (c == '\n' || c == '\r' || c == '\t') {
			char e[2] = { '\\', c == '\n' ? 'n' : c == '\r' ? 'r' : 't' };
			return veil_buf_append(out, e, 2);
		}
		if (c < 0x20 || (c == 0x7f && (flags & VEIL_JSON_DEL)) ||
		    ((flags & VEIL_JSON_HTML) && (c == '<' || c == '>' || c == '&')))
			return put_escape(out, c);
	}
	if (n == 2 && c == 0xC2 && s[1] == 0x85 && (flags & VEIL_JSON_YAML))
		return put_escape(out, 0x85);
	if (n == 3 && c == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
		return put_escape(out, s[2] == 0xA8 ? 0x2028 : 0x2029);
	return veil_buf_append(out, s, n);
}

/* Bytes in one UTF-8 sequence starting at s (1..4), or 0 when none does. */
static size_t seq_len(const char *s, size_t len)
{
	for (size_t n = 1; n <= 4 && n <= len; n++)
		if (veil_utf8_valid_prefix(s, n) == n)
			return n;
	return 0;
}

int veil_json_string(veil_buf *out, const char *s, size_t len, unsigned flags)
{
	int error = 0;

	if (!(flags & VEIL_JSON_LOSSY) && veil_utf8_valid_prefix(s, len) != len)
		return veil_error_set(VEIL_EFORMAT, "a value is not valid UTF-8, which JSON "
		                                    "cannot hold");
	error = veil_buf_putc(out, '"');
	for (size_t i = 0; i < len && !error;) {
		size_t n = (unsigned char)s[i] < 0x80 ? 1 : seq_len(s + i, len - i);

		if (n == 0) {
			error = veil_buf_append(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
			i++;
			continue;
		}
		error = put_char(out, (const unsigned char *)s + i, n, flags);
		i += n;
	}
	return error ? error : veil_buf_putc(out, '"');
}
