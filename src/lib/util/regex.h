#ifndef VEIL_UTIL_REGEX_H
#define VEIL_UTIL_REGEX_H
/*
 * Regular expressions with the RE2 syntax that sops users write in
 * .sops.yaml (path_regex, encrypted_regex, ...), matched unanchored like Go's
 * regexp.MatchString. Literal patterns are matched with memcmp; the rest
 * run as a Thompson NFA (util/regex_prog.c) in time linear in the subject,
 * because a committed file's metadata chooses the pattern. Go's bounds on
 * counted repetition hold (counts up to 1000, nested counts multiplying to
 * at most 1000), and the expanded program is bounded (VEIL_ELIMIT).
 * Constructs RE2 rejects (backreferences, lookaround) or that veil does not
 * read (\b, \p{...}, flag groups other than a leading (?i)) are refused
 * with a message rather than silently misread. Matching is on bytes.
 */
#include <stddef.h>
#include <stdint.h>

#define VEIL_REGEX_MAX_PATTERN 4096
/* Steps (live NFA threads times subject bytes, about 10 ns each) that
 * one veil_regex_match, or a whole document walk, may take (about 0.6 s):
 * a pattern near the size bound over 16 KB, or a realistic one over tens
 * of megabytes of keys. */
#define VEIL_REGEX_BUDGET      (UINT64_C(1) << 26)

typedef struct veil_regex veil_regex;

int veil_regex_compile(veil_regex **out, const char *pattern);
/* 1 if the pattern matches anywhere in s[0..len), 0 if not, VEIL_ELIMIT
 * (message set) past VEIL_REGEX_BUDGET. */
int veil_regex_match(const veil_regex *re, const char *s, size_t len);
/* The same, charging a budget shared by many matches: VEIL_ELIMIT once
 * *budget is spent (and on every later call). */
int veil_regex_match_budget(const veil_regex *re, const char *s, size_t len, uint64_t *budget);
void veil_regex_free(veil_regex *re);
/* As veil_regex_compile; literal_ok 0 always uses the NFA (for tests that
 * compare the literal fast path with it). */
int veil_regex__compile(veil_regex **out, const char *pattern, int literal_ok);

#endif
