#ifndef VEIL_UTIL_REGEX_H
#define VEIL_UTIL_REGEX_H
/*
 * Regular expressions with the RE2 syntax that sops users write in
 * .sops.yaml (path_regex, encrypted_regex, ...), matched unanchored like Go's
 * regexp.MatchString. They are translated to POSIX extended regexes: the
 * Perl classes (\d \w \s and negations), (?:...), (?P<name>...), a leading
 * (?i), \A and \z, and lazy quantifiers (which cannot change whether a
 * pattern matches) are rewritten; constructs RE2 itself rejects
 * (backreferences, lookaround) or that ERE cannot express are refused with
 * a message rather than silently misread.
 */
#include <stddef.h>

#define VEIL_REGEX_MAX_PATTERN 4096

typedef struct veil_regex veil_regex;

int veil_regex_compile(veil_regex **out, const char *pattern);
/* 1 if the pattern matches anywhere in s[0..len), 0 if not. */
int veil_regex_match(const veil_regex *re, const char *s, size_t len);
void veil_regex_free(veil_regex *re);
/* As veil_regex_compile; literal_ok 0 always uses regcomp (for tests that
 * compare the literal fast path with it). */
int veil_regex__compile(veil_regex **out, const char *pattern, int literal_ok);

#endif
