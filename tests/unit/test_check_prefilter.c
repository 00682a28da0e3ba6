/* The keyword pass of the content detectors: the SIMD prefilter and the
 * byte-by-byte scan report exactly the hits of a naive search (every
 * keyword compared at every position), on random buffers with keywords
 * planted in every case and at both ends, with matchers that jump ahead. */
#include "harness.h"
#include "check/detect_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXHITS 4096

struct hits {
	size_t at[MAXHITS], kw[MAXHITS];
	size_t n;
	int overflow;
};

/* Where a matcher would resume: a deterministic mix of "one past", "past
 * the keyword", further, and a value <= at (the pass steps one then). */
static size_t resume(size_t at, size_t kw)
{
	switch ((at * 7 + kw) % 5) {
	case 0:
		return at;
	case 1:
		return at + 1;
	case 2:
		return at + 3;
	case 3:
		return at + 17;
	default:
		return at + 70;
	}
}

static size_t record(void *arg, size_t at, size_t kw)
{
	struct hits *h = arg;

	if (h->n == MAXHITS) {
		h->overflow = 1;
		return SIZE_MAX;
	}
	h->at[h->n] = at;
	h->kw[h->n++] = kw;
	return resume(at, kw);
}

static unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch | 0x20) : ch;
}

static int matches(const unsigned char *b, size_t n, size_t i, size_t k)
{
	int icase;
	const char *w = veil_check__kw_word(k, &icase);
	size_t len = strlen(w);

	if (i + len > n)
		return 0;
	for (size_t j = 0; j < len; j++)
		if ((icase ? fold(b[i + j]) : b[i + j]) != (unsigned char)w[j])
			return 0;
	return 1;
}

static void naive(const unsigned char *b, size_t n, struct hits *h)
{
	size_t i = 0, nk = veil_check__kw_count();

	while (i + 1 < n) {
		size_t next = i + 1;
		for (size_t k = 0; k < nk; k++) {
			if (matches(b, n, i, k)) {
				next = record(h, i, k);
				if (next <= i)
					next = i + 1;
				break;
			}
		}
		i = next;
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Random bytes biased to the keywords' own letters, with keywords planted
 * (in random case: case-sensitive ones then mostly fail to match, which is
 * the point), sometimes cut short or running into the end. */
static size_t fill(unsigned char *b, size_t cap)
{
	static const char alpha[] = "aAsStTkKpPeEyYJgGhHlLxXoO_-:/.~=0123456789 \n\"'";
	size_t n = rnd() % cap, nk = veil_check__kw_count();
	unsigned int mode = rnd() % 3;

	for (size_t i = 0; i < n; i++)
		b[i] = mode == 0   ? (unsigned char)rnd()
		       : mode == 1 ? (unsigned char)alpha[rnd() % (sizeof(alpha) - 1)]
		                   : (unsigned char)(' ' + rnd() % 95);
	for (unsigned int p = rnd() % 12; p > 0 && n > 0; p--) {
		int icase;
		const char *w = veil_check__kw_word(rnd() % nk, &icase);
		size_t len = strlen(w), at = rnd() % 4 == 0 ? (n > len ? n - len : 0) : rnd() % n;
		unsigned int how = rnd() % 4;

		for (size_t j = 0; j < len && at + j < n; j++) {
			unsigned char ch = (unsigned char)w[j];
			if (how == 1 && ch >= 'a' && ch <= 'z')
				ch = (unsigned char)(ch - 32);
			else if (how == 2 && rnd() % 2 &&
			         ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'))
				ch ^= 0x20;
			b[at + j] = ch;
		}
		if (how == 3 && len > 2)
			b[(at + len - 1) % n] ^= 1; /* one byte off at the end */
	}
	return n;
}

static int same(const struct hits *a, const struct hits *b)
{
	return a->n == b->n && !a->overflow && !b->overflow &&
	       !memcmp(a->at, b->at, a->n * sizeof(*a->at)) &&
	       !memcmp(a->kw, b->kw, a->n * sizeof(*a->kw));
}

TEST(test_check_prefilter__same_hits_as_a_naive_search)
{
	static unsigned char buf[5000];
	static struct hits want, simd, plain;
	size_t total = 0, bad = 0;

	printf("     (SIMD prefilter %s on this CPU)\n", veil_check__kw_simd() ? "on" : "off");
	for (int round = 0; round < 1500; round++) {
		size_t n = fill(buf, round < 1000 ? 200 : sizeof(buf));
		/* exactly n bytes on the heap: ASan sees a read past the end */
		char *exact = malloc(n ? n : 1);
		CHECK(exact != NULL);
		if (!exact)
			return;
		memcpy(exact, buf, n);
		memset(&want, 0, sizeof(want));
		memset(&simd, 0, sizeof(simd));
		memset(&plain, 0, sizeof(plain));
		naive(buf, n, &want);
		CHECK_INT(veil_check__kw_scan(exact, n, 1, record, &simd), 0);
		CHECK_INT(veil_check__kw_scan(exact, n, 0, record, &plain), 0);
		free(exact);
		bad += !same(&want, &simd) + !same(&want, &plain);
		total += want.n;
	}
	CHECK_INT(bad, 0);
	/* the buffers did hold keywords: thousands of hits */
	CHECK(total > 2000);
}

TEST(test_check_prefilter__every_keyword_at_every_offset)
{
	static char buf[300];
	struct hits h;
	size_t nk = veil_check__kw_count();

	for (size_t k = 0; k < nk; k++) {
		int icase;
		const char *w = veil_check__kw_word(k, &icase);
		size_t len = strlen(w);
		for (size_t at = 0; at + len <= 160; at += 7) {
			size_t n = at + len + (k % 3 == 0 ? 0 : 100);
			memset(buf, '#', sizeof(buf));
			memcpy(buf + at, w, len);
			memset(&h, 0, sizeof(h));
			veil_check__kw_scan(buf, n, 1, record, &h);
			/* found where planted, as itself or as a keyword it starts with */
			CHECK(h.n >= 1 && h.at[0] == at && matches((unsigned char *)buf, n, at, k));
		}
	}
}

TEST(test_check_prefilter__stop)
{
	static char buf[1000];
	struct hits h;

	memset(buf, ' ', sizeof(buf));
	for (size_t i = 0; i + 5 < sizeof(buf); i += 10)
		memcpy(buf + i, "token", 5);
	memset(&h, 0, sizeof(h));
	h.n = MAXHITS - 3; /* three more, then record stops the pass */
	CHECK_INT(veil_check__kw_scan(buf, sizeof(buf), 1, record, &h), 1);
	CHECK(h.overflow);
}

/* veil_check__any_word is memmem of each word, in one pass. */
static int any_memmem(const char *const *w, size_t nw, const char *t, size_t n)
{
	for (size_t k = 0; k < nw; k++) {
		size_t wl = strlen(w[k]);
		for (size_t i = 0; i + wl <= n; i++)
			if (!memcmp(t + i, w[k], wl))
				return 1;
	}
	return 0;
}

TEST(test_check_prefilter__any_word_is_memmem_of_each)
{
	static const char *const few[] = { "ENC[", "sops", "Secret", "users", "kubectl.k", "Q~" };
	static const char *const many[] = { "ab", "cd", "ef", "gh", "ij", "kl", "mn", "op", "qr" };
	static veil_check__words few_set = VEIL_CHECK__WORDS(few);
	static veil_check__words many_set = VEIL_CHECK__WORDS(many);
	static char buf[3000];
	size_t bad = 0, found = 0;

	for (int round = 0; round < 4000; round++) {
		const char *const *w = round % 2 ? few : many;
		size_t nw = round % 2 ? sizeof(few) / sizeof(*few) : sizeof(many) / sizeof(*many);
		veil_check__words *set = round % 2 ? &few_set : &many_set;
		size_t n = rnd() % (round < 2000 ? 150 : sizeof(buf));
		char *exact;

		for (size_t i = 0; i < n; i++)
			buf[i] = "ENC[sopSecrtuQ~kbl.xyz"[rnd() % 22];
		if (n && rnd() % 3 == 0) {
			const char *p = w[rnd() % nw];
			size_t pl = strlen(p), at = rnd() % 2 ? rnd() % n : (n > pl ? n - pl : 0);
			for (size_t j = 0; j < pl && at + j < n; j++)
				buf[at + j] = p[j];
		}
		exact = malloc(n ? n : 1);
		CHECK(exact != NULL);
		if (!exact)
			return;
		memcpy(exact, buf, n);
		found += any_memmem(w, nw, exact, n);
		bad += veil_check__any_word(set, exact, n) != any_memmem(w, nw, exact, n);
		free(exact);
	}
	CHECK_INT(bad, 0);
	CHECK(found > 500 && found < 3500);
}
