#ifndef VEIL_UTIL_UTF8_H
#define VEIL_UTIL_UTF8_H
/* Strict UTF-8 validation (RFC 3629): no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF. Key files and documents use it. */
#include <stddef.h>
#include <stdint.h>

/* The length of the longest valid prefix of s (len when all of it is). */
size_t veil_utf8_valid_prefix(const char *s, size_t len);

/*
 * Character index -> byte offset in valid UTF-8 text (libyaml's marks
 * count characters, not bytes). Walks from the last answer, forward or
 * back, so a pass over marks in document order is linear.
 */
typedef struct veil_utf8_walker {
	const char *s;
	size_t len;
	size_t pos; /* byte offset of character idx */
	size_t idx;
	int ascii; /* one byte per character: no walking */
} veil_utf8_walker;

void veil_utf8_walker_init(veil_utf8_walker *w, const char *s, size_t len);
size_t veil_utf8_walk(veil_utf8_walker *w, size_t idx);

/*
 * UTF-16 (big_endian or little) to UTF-8, for text stored that way. A lone
 * surrogate becomes U+FFFD, as Go's decoders do; a final odd byte is
 * dropped. *out is malloc'd and NUL-terminated; VEIL_ENOMEM.
 */
int veil_utf16_to_utf8(char **out, size_t *out_len, const uint8_t *in, size_t n, int big_endian);

#endif
