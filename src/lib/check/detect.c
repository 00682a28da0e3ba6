/*
 * One keyword pass over a buffer, then the matcher of each keyword that
 * occurs. A SIMD prefilter picks the candidate positions 16 bytes at a
 * time (below); at a candidate, a 64 Ki-bit table of case-folded byte
 * pairs that start some keyword, then the keywords of that pair's bucket
 * are compared. Without SIMD every position is a candidate.
 */
#include "check/detect_int.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

struct kw {
	const char *word;
	unsigned char icase;
	veil_check__matcher fn;
	unsigned char group; /* of the SIMD prefilter, 0-7: speed only */
};

#define P veil_check__m_prefixed
static const struct kw keywords[] = {
	{ "-----BEGIN", 0, veil_check__m_pem, 3 },
	{ "PuTTY-User-Key-File-", 0, veil_check__m_putty, 6 },
	{ "AGE-SECRET-KEY-", 0, veil_check__m_age, 7 },
	{ "AKIA", 0, veil_check__m_aws, 7 },
	{ "ASIA", 0, veil_check__m_aws, 3 },
	{ "ABIA", 0, veil_check__m_aws, 7 },
	{ "ACCA", 0, veil_check__m_aws, 4 },
	{ "A3T", 0, veil_check__m_aws, 2 },
	{ "AIza", 0, P, 7 },
	{ "service_account", 0, veil_check__m_gcp_sa, 4 },
	{ "ghp_", 0, P, 5 },
	{ "gho_", 0, P, 0 },
	{ "ghu_", 0, P, 0 },
	{ "ghs_", 0, P, 5 },
	{ "ghr_", 0, P, 0 },
	{ "github_pat_", 0, P, 6 },
	{ "glpat-", 0, P, 6 },
	{ "glrt-", 0, P, 0 },
	{ "gldt-", 0, P, 6 },
	{ "glptt-", 0, P, 6 },
	{ "glcbt-", 0, P, 0 },
	{ "gloas-", 0, P, 0 },
	{ "glsoat-", 0, P, 0 },
	{ "glagent-", 0, P, 0 },
	{ "glffct-", 0, P, 0 },
	{ "xoxb-", 0, P, 2 },
	{ "xoxp-", 0, P, 2 },
	{ "xoxa-", 0, P, 2 },
	{ "xoxe-", 0, P, 2 },
	{ "xoxs-", 0, P, 2 },
	{ "xoxr-", 0, P, 2 },
	{ "xapp-", 0, P, 5 },
	{ "hooks.slack.com/", 0, veil_check__m_slack_hook, 0 },
	{ "sk_live_", 0, P, 3 },
	{ "rk_live_", 0, P, 3 },
	{ "sk_test_", 0, P, 3 },
	{ "rk_test_", 0, P, 3 },
	{ "sk_prod_", 0, P, 3 },
	{ "npm_", 0, P, 1 },
	{ "pypi-AgE", 0, P, 6 },
	{ "dckr_pat_", 0, P, 4 },
	{ "eyJ", 0, veil_check__m_jwt, 1 },
	{ "AccountKey=", 0, P, 2 },
	{ "SharedAccessKey=", 0, P, 4 },
	{ "Q~", 0, veil_check__m_azure_ad, 2 },
	{ "hvs.", 0, P, 0 },
	{ "hvb.", 0, P, 0 },
	{ "SG.", 0, P, 5 },
	{ "dop_v1_", 0, P, 5 },
	{ "doo_v1_", 0, P, 4 },
	{ "dor_v1_", 0, P, 4 },
	{ "sk-ant-", 0, P, 5 },
	{ "sk-proj-", 0, P, 5 },
	{ "sk-svcacct-", 0, P, 5 },
	{ "hf_", 0, P, 0 },
	{ "glsa_", 0, P, 0 },
	{ "shpat_", 0, P, 5 },
	{ "shpss_", 0, P, 5 },
	{ "shpca_", 0, P, 5 },
	{ "shppa_", 0, P, 5 },
	{ "sha256~", 0, P, 4 },
	{ "dapi", 0, P, 5 },
	{ "://", 0, veil_check__m_url, 3 },
	{ "passw", 1, veil_check__m_kv, 5 },
	{ "passphrase", 1, veil_check__m_kv, 5 },
	{ "pwd", 1, veil_check__m_kv, 7 },
	{ "secret", 1, veil_check__m_kv, 4 },
	{ "token", 1, veil_check__m_kv, 4 },
	{ "apikey", 1, veil_check__m_kv, 7 },
	{ "api_key", 1, veil_check__m_kv, 7 },
	{ "api-key", 1, veil_check__m_kv, 7 },
	{ "access_key", 1, veil_check__m_kv, 4 },
	{ "accesskey", 1, veil_check__m_kv, 4 },
	{ "private_key", 1, veil_check__m_kv, 7 },
	{ "credential", 1, veil_check__m_kv, 1 },
	{ "auth", 1, veil_check__m_kv, 6 },
};
#undef P

#define NKW (sizeof(keywords) / sizeof(*keywords))

static uint8_t pairs[65536 / 8];
static uint8_t kwlen[NKW];
/* keywords by a hash of their folded first two bytes: indexes, 0xff-terminated */
#define NBUCKETS     512
#define BUCKET(pair) ((((pair) >> 8) * 31u + ((pair)&0xffu)) & (NBUCKETS - 1))
static uint8_t bucket[NBUCKETS][16]; /* at most 15 keywords share a bucket */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static inline unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch | 0x20) : ch;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define HAVE_SIMD 1
#include <immintrin.h>
#else
#define HAVE_SIMD 0
#endif

/*
 * The SIMD prefilter (the "Teddy" scheme of Hyperscan): every word belongs
 * to one of 8 groups. For each of the first three byte positions, a byte's
 * low nibble and its high nibble each look up the set of groups (a bit
 * each) some word of which allows a byte with that nibble there; a
 * position is a candidate when the intersection over the three bytes is
 * not empty. That is a superset of the positions where a word starts,
 * tested 16 bytes at a time with pshufb; the exact test runs only at the
 * candidates. The groups of the keywords were chosen to keep candidates
 * rare in a sample of code, manifests and prose (about 2% of the
 * positions); they change only the speed, never a result.
 */
static void prefilter_add(veil_check__prefilter *p, const char *word, int icase, unsigned group)
{
	const unsigned char *w = (const unsigned char *)word;
	size_t len = strlen(word);
	uint8_t bit = (uint8_t)(1u << (group & 7));

	for (size_t j = 0; j < 3; j++) {
		for (unsigned int x = 0; x < 256; x++) {
			/* past a short word's end any byte will do */
			int ok = j >= len || (icase ? fold((unsigned char)x) == w[j] : x == w[j]);
			if (ok) {
				p->lo[j][x & 15] |= bit;
				p->hi[j][x >> 4] |= bit;
			}
		}
	}
}

#if HAVE_SIMD
/* libsodium's answer (sodium_init has run): __builtin_cpu_supports would
 * link libgcc's start-up CPU probe, a dozen CPUID instructions in every
 * veil process, and CPUID traps to the hypervisor (~25 us each in a VM). */
static int simd_supported(void)
{
	return sodium_runtime_has_ssse3();
}

/* Bit p set: position p of b[0..64) is a candidate. Reads b[0..66). */
__attribute__((target("ssse3"))) static uint64_t candidates64(const veil_check__prefilter *p,
                                                              const unsigned char *b)
{
	const __m128i low = _mm_set1_epi8(0x0f), zero = _mm_setzero_si128();
	uint64_t mask = 0;

	for (int blk = 0; blk < 4; blk++) {
		__m128i m = _mm_set1_epi8(-1);
		for (int j = 0; j < 3; j++) {
			__m128i v =
			        _mm_loadu_si128((const __m128i *)(const void *)(b + blk * 16 + j));
			__m128i lo = _mm_and_si128(v, low);
			__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), low);
			__m128i tl = _mm_loadu_si128((const __m128i *)(const void *)p->lo[j]);
			__m128i th = _mm_loadu_si128((const __m128i *)(const void *)p->hi[j]);
			m = _mm_and_si128(m, _mm_and_si128(_mm_shuffle_epi8(tl, lo),
			                                   _mm_shuffle_epi8(th, hi)));
		}
		mask |= (uint64_t)(~(unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) &
		                   0xffffu)
		        << (blk * 16);
	}
	return mask;
}
#else
static int simd_supported(void)
{
	return 0;
}
#endif

/* The candidates of the 64-byte block at base (valid when end > base). */
struct cands {
	size_t base, end;
	uint64_t mask;
};

/* The first candidate at or after i: SIMD blocks while 66 bytes remain,
 * then every position (the exact test decides). */
static inline size_t next_candidate(const veil_check__prefilter *p, const unsigned char *b,
                                    size_t n, size_t i, struct cands *c)
{
#if HAVE_SIMD
	for (;;) {
		if (i >= c->base && i < c->end) {
			uint64_t m = c->mask & (~(uint64_t)0 << (i - c->base));
			if (m)
				return c->base + (size_t)__builtin_ctzll(m);
			i = c->end;
		}
		if (n < 66 || i > n - 66)
			return i;
		c->base = i;
		c->end = i + 64;
		c->mask = candidates64(p, b + i);
	}
#else
	(void)p;
	(void)b;
	(void)n;
	(void)c;
	return i;
#endif
}

static veil_check__prefilter kw_filter;
static int use_simd;

static void build(void)
{
	memset(bucket, 0xff, sizeof(bucket));
	for (size_t i = 0; i < NKW; i++) {
		const unsigned char *w = (const unsigned char *)keywords[i].word;
		unsigned int pair = (unsigned int)fold(w[0]) << 8 | fold(w[1]);
		uint8_t *slot = bucket[BUCKET(pair)];

		kwlen[i] = (uint8_t)strlen(keywords[i].word);
		pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
		while (*slot != 0xff)
			slot++;
		*slot = (uint8_t)i;
		prefilter_add(&kw_filter, keywords[i].word, keywords[i].icase, keywords[i].group);
	}
	use_simd = simd_supported();
}

static int kw_at(const char *b, size_t n, size_t i, size_t k)
{
	const struct kw *w = &keywords[k];
	size_t len = kwlen[k];

	if (i + len > n)
		return 0;
	if (!w->icase)
		return !memcmp(b + i, w->word, len);
	for (size_t j = 0; j < len; j++)
		if (fold((unsigned char)b[i + j]) != (unsigned char)w->word[j])
			return 0;
	return 1;
}

int veil_check__kw_scan(const char *buf, size_t len, int simd, veil_check__hit_fn hit, void *arg)
{
	const unsigned char *b = (const unsigned char *)buf;
	struct cands c = { 0, 0, 0 };
	size_t i = 0;

	pthread_once(&once, build);
	simd = simd && use_simd;
	while (i + 1 < len) {
		unsigned int pair;
		size_t next;

		if (simd) {
			i = next_candidate(&kw_filter, b, len, i, &c);
			if (i + 1 >= len)
				break;
		}
		pair = (unsigned int)fold(b[i]) << 8 | fold(b[i + 1]);
		next = i + 1;
		if (pairs[pair >> 3] & (1u << (pair & 7))) {
			for (const uint8_t *slot = bucket[BUCKET(pair)]; *slot != 0xff; slot++) {
				if (kw_at(buf, len, i, *slot)) {
					next = hit(arg, i, *slot);
					if (next == SIZE_MAX)
						return 1;
					if (next <= i)
						next = i + 1;
					break;
				}
			}
		}
		i = next;
	}
	return 0;
}

size_t veil_check__kw_count(void)
{
	return NKW;
}

const char *veil_check__kw_word(size_t k, int *icase)
{
	if (k >= NKW)
		return NULL;
	*icase = keywords[k].icase;
	return keywords[k].word;
}

int veil_check__kw_simd(void)
{
	pthread_once(&once, build);
	return use_simd;
}

/* Word sets build their tables once, under one lock. */
static pthread_mutex_t words_lock = PTHREAD_MUTEX_INITIALIZER;

int veil_check__any_word(veil_check__words *set, const char *text, size_t len)
{
	const unsigned char *b = (const unsigned char *)text;
	struct cands c = { 0, 0, 0 };

	if (!atomic_load_explicit(&set->built, memory_order_acquire)) {
		pthread_mutex_lock(&words_lock);
		if (!atomic_load_explicit(&set->built, memory_order_relaxed)) {
			for (size_t k = 0; k < set->n; k++)
				prefilter_add(&set->filter, set->words[k], 0, (unsigned)k);
			set->simd = set->n <= 8 && simd_supported();
			atomic_store_explicit(&set->built, 1, memory_order_release);
		}
		pthread_mutex_unlock(&words_lock);
	}
	if (!set->simd) {
		for (size_t k = 0; k < set->n; k++)
			if (veil_check__memmem(text, len, set->words[k], strlen(set->words[k])))
				return 1;
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		i = next_candidate(&set->filter, b, len, i, &c);
		for (size_t k = 0; k < set->n && i < len; k++) {
			const char *w = set->words[k];
			size_t wl = strlen(w);
			if (b[i] == (unsigned char)w[0] && wl <= len - i &&
			    !memcmp(text + i, w, wl))
				return 1;
		}
	}
	return 0;
}

static size_t on_keyword(void *arg, size_t at, size_t k)
{
	struct veil_check__scan *s = arg;
	size_t next;

	if (s->strong &&
	    (keywords[k].fn == veil_check__m_kv || keywords[k].fn == veil_check__m_url))
		return at + kwlen[k];
	next = keywords[k].fn(s, at, keywords[k].word, kwlen[k]);

	return s->error ? SIZE_MAX : next;
}

int veil_check__detect(veil_check *c, const veil_check__src *src, const char *buf, size_t len)
{
	struct veil_check__scan s = { c, src, buf, len, 0, 0 };

	veil_check__kw_scan(buf, len, 1, on_keyword, &s);
	return s.error;
}

int veil_check__detect_strong(veil_check *c, const veil_check__src *src, const char *buf,
                              size_t len)
{
	struct veil_check__scan s = { c, src, buf, len, 0, 1 };

	veil_check__kw_scan(buf, len, 1, on_keyword, &s);
	return s.error;
}

void veil_check__report(struct veil_check__scan *s, size_t off, size_t len, const char *rule,
                        const char *fix, const char *what)
{
	int error;

	if (s->error)
		return;
	error = veil_check__add(s->c, s->src, off, rule, VEIL_CHECK_ERROR, s->b + off, len, fix,
	                        "%s", what);
	if (error)
		s->error = error;
}
