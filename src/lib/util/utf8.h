#ifndef VEIL_UTIL_UTF8_H
#define VEIL_UTIL_UTF8_H
/* Strict UTF-8 validation (RFC 3629): no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF. Key files and documents use it. */
#include <stddef.h>

/* The length of the longest valid prefix of s (len when all of it is). */
size_t veil_utf8_valid_prefix(const char *s, size_t len);

#endif
