#ifndef VEIL_DETECT_INT_H
#define VEIL_DETECT_INT_H
/*
 * The content detectors. detect.c finds keywords in one pass over the
 * buffer; at each keyword hit the keyword's matcher (hand-written, no
 * regex) validates the token around it and reports it. A matcher returns
 * the offset to resume scanning from (at least one past the hit).
 */
#include "check/check_int.h"

struct veil_check__scan {
	veil_check *c;
	const veil_check__src *src;
	const char *b;
	size_t n;
	int error;
	int strong; /* exact formats only (binary data) */
};

typedef size_t (*veil_check__matcher)(struct veil_check__scan *s, size_t at, const char *kw,
                                      size_t kwlen);

/* The keyword pass (detect.c): calls hit at every position where a
 * keyword starts (the first keyword of the table that matches there),
 * then resumes where hit says (at least one past the position; SIZE_MAX
 * stops the pass: returns 1, else 0). simd 0: test every position, the
 * reference the SIMD prefilter is checked against. */
typedef size_t (*veil_check__hit_fn)(void *arg, size_t at, size_t kw);
int veil_check__kw_scan(const char *buf, size_t len, int simd, veil_check__hit_fn hit, void *arg);
/* The keyword table, for tests; whether the SIMD prefilter runs here. */
size_t veil_check__kw_count(void);
const char *veil_check__kw_word(size_t k, int *icase);
int veil_check__kw_simd(void);

/* Reports a token b[off..off+len) under rule; fix NULL = default. */
void veil_check__report(struct veil_check__scan *s, size_t off, size_t len, const char *rule,
                        const char *fix, const char *what);

/* Character classes. */
static inline int veil_check__alnum(int ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}
static inline int veil_check__b64url(int ch)
{
	return veil_check__alnum(ch) || ch == '_' || ch == '-';
}
static inline int veil_check__hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}
/* Length of the run of chars in class starting at i (at most max). */
static inline size_t veil_check__run(const char *b, size_t n, size_t i, int (*cls)(int), size_t max)
{
	size_t k = 0;

	while (i + k < n && k < max && cls((unsigned char)b[i + k]))
		k++;
	return k;
}

/* Lowercase copy of s[0..n) (truncated to cap - 1), NUL-terminated, for
 * strstr on keys and values (detect_util.c). */
const char *veil_check__lower(char *buf, size_t cap, const char *s, size_t n);

/* detect_tokens.c: provider formats */
size_t veil_check__m_pem(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_putty(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_age(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_aws(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_prefixed(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_jwt(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_azure_ad(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_slack_hook(struct veil_check__scan *s, size_t at, const char *kw,
                                size_t kwlen);
size_t veil_check__m_gcp_sa(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
/* detect_github.c: CRC-32 (IEEE 802.3, as zlib's crc32()), and whether the
 * 36 characters after a ghp_/gho_/ghu_/ghs_/ghr_ prefix end in the base62
 * CRC-32 of the first 30 (GitHub's token checksum). */
#define VEIL_CHECK_GITHUB_BODY 36
uint32_t veil_check__crc32(const void *data, size_t n);
int veil_check__github_checksum(const char *body, size_t n);
/* detect_kv.c: connection strings and secret-like assignments */
size_t veil_check__m_url(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);
size_t veil_check__m_kv(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen);

#endif
