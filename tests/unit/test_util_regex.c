/* RE2-syntax patterns, as written in .sops.yaml files. */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include "util/regex.h"
#include "veil/error.h"

static int m(const char *pattern, const char *s)
{
	veil_regex *re = NULL;
	int r;

	if (veil_regex_compile(&re, pattern) < 0)
		return -1;
	r = veil_regex_match(re, s, strlen(s));
	veil_regex_free(re);
	return r;
}

TEST(test_util_regex__sops_patterns_match_unanchored)
{
	CHECK_INT(m("^(data|stringData)$", "stringData"), 1);
	CHECK_INT(m("^(data|stringData)$", "metadata"), 0);
	CHECK_INT(m("data", "metadata"), 1);
	CHECK_INT(m(".*\\.enc\\.yaml$", "apps/prod/secret.enc.yaml"), 1);
	CHECK_INT(m(".*\\.enc\\.yaml$", "apps/prod/secretXencXyaml"), 0);
	CHECK_INT(m("\\.(yaml|json)$", "a.yml"), 0);
	CHECK_INT(m("(?i)password", "DB_PASSWORD"), 1);
	CHECK_INT(m("password", "DB_PASSWORD"), 0);
	CHECK_INT(m("^key\\d+$", "key42"), 1);
	CHECK_INT(m("^key\\d+$", "keyX"), 0);
	CHECK_INT(m("^\\w+$", "under_score9"), 1);
	CHECK_INT(m("^\\S+$", "has space"), 0);
	CHECK_INT(m("(?:prod|stage)/.*?\\.yaml", "clusters/prod/x.yaml"), 1);
	CHECK_INT(m("(?P<env>prod)/", "prod/"), 1);
	CHECK_INT(m("^[\\d.]+$", "1.2.3"), 1);
	CHECK_INT(m("^[^/]*$", "a/b"), 0);
	CHECK_INT(m("\\Aabc\\z", "abc"), 1);
	CHECK_INT(m("a{2,3}?b", "aab"), 1);
}

TEST(test_util_regex__subject_is_bounded_by_length)
{
	veil_regex *re = NULL;

	CHECK_INT(veil_regex_compile(&re, "^abc$"), 0);
	if (!re)
		return;
	CHECK_INT(veil_regex_match(re, "abcdef", 3), 1);
	CHECK_INT(veil_regex_match(re, "abcdef", 6), 0);
	veil_regex_free(re);
}

TEST(test_util_regex__refuses_what_it_cannot_honour)
{
	veil_regex *re = NULL;

	CHECK_INT(veil_regex_compile(&re, "a(?=b)"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "(a)\\1"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "\\p{Greek}"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "abc\\"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "[abc"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "(unclosed"), VEIL_EFORMAT);
	CHECK(re == NULL);
}

TEST(test_util_regex__refuses_stacked_repetition_as_go_does)
{
	veil_regex *re = NULL;

	CHECK_INT(veil_regex_compile(&re, "a++++++++++++++++++++"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "a*+"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "*a"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "{2}"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "a{3,2}"), VEIL_EFORMAT);
	CHECK(re == NULL);
	/* Go reads nested (a+)+ and many operators; the NFA has no blow-up */
	CHECK_INT(m("((((((((((a+)+)+)+)+)+)+)+)+)+)", "xaay"), 1);
	CHECK_INT(m("a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+", "abcdefghijklmnopq"), 1);
	CHECK_INT(m("^(data|stringData|(?:config|secret)[0-9]{1,3})$", "secret42"), 1);
	/* '{' that does not start a count is a literal, as in Go */
	CHECK_INT(m("a{,5}", "a{,5}"), 1);
	CHECK_INT(m("a{x}", "a{x}"), 1);
}

/* Issue 11: '((a{0,100}){0,100}){0,100}' in a file's metadata cost 14 s
 * and gigabytes in glibc's regcomp before the MAC was checked. Go (and
 * RE2) refuse counts over 1000 and nested counts multiplying past 1000;
 * the expanded program is bounded too. */
TEST(test_util_regex__counted_repetition_is_bounded)
{
	static const char *const refused[] = {
		"((a{0,100}){0,100}){0,100}",
		"(a{0,1000}){0,1000}",
		"((((a{0,30}){0,30}){0,30}){0,30})",
		"(a{2}){501}",
		"(a{0,2}){501,}",
		"a{1001}",
		"a{0,99999999999999999999}",
		"(xxxxxxxxxx){1000}",
		"(x{0,1000}){0,1}y{0,1000}z{0,1000}w{0,1000}",
	};
	veil_regex *re = NULL;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int error = veil_regex_compile(&re, refused[i]);
		if (error != VEIL_ELIMIT)
			fprintf(stderr, "pattern '%s': %d\n", refused[i], error);
		CHECK_INT(error, VEIL_ELIMIT);
		CHECK(re == NULL);
	}
	CHECK_INT(m("(a{2}){500}", "aaaa"), 0);
	CHECK_INT(m("((a{0,10}){0,10}){0,10}b", "aaab"), 1);
	CHECK_INT(m("(a{0,30}){0,30}", ""), 1);
	CHECK_INT(m("a{1000}", "aaa"), 0);
}

/* glibc's regexec was quadratic on (a|aa)*b (35 s on 100 KB); the NFA
 * steps each thread once per byte, and a budget bounds the rest. */
TEST(test_util_regex__matching_is_linear_and_budgeted)
{
	size_t n = 1 << 20;
	char *s = malloc(n);
	veil_regex *re = NULL;
	uint64_t budget = VEIL_REGEX_BUDGET;

	if (!s)
		return;
	memset(s, 'a', n);
	CHECK_INT(veil_regex_compile(&re, "(a|aa)*b"), 0);
	CHECK_INT(veil_regex_match(re, s, n), 0);
	veil_regex_free(re);
	CHECK_INT(veil_regex_compile(&re, "a.{20}x"), 0);
	CHECK_INT(veil_regex_match(re, s, n), 0);
	veil_regex_free(re);
	/* about 4000 live threads per byte: a megabyte is over the budget */
	CHECK_INT(veil_regex_compile(&re, ".{0,999}.{0,999}b"), 0);
	CHECK_INT(veil_regex_match(re, s, n), VEIL_ELIMIT);
	CHECK(strstr(veil_error_last(), "costs too much") != NULL);
	/* a shared budget runs out across calls and stays spent */
	for (int i = 0; i < 100 && veil_regex_match_budget(re, s, 4096, &budget) == 0; i++)
		;
	CHECK_INT(budget, 0);
	CHECK_INT(veil_regex_match_budget(re, "b", 1, &budget), VEIL_ELIMIT);
	veil_regex_free(re);
	free(s);
}

/* Go's semantics where they differ from POSIX: '.' stops at a newline (no
 * s flag), \s has no \v, a negated class takes a newline. */
TEST(test_util_regex__dot_and_classes_as_go_reads_them)
{
	CHECK_INT(m("a.b", "a\nb"), 0);
	CHECK_INT(m("a[^x]b", "a\nb"), 1);
	CHECK_INT(m("\\s", "\v"), 0);
	CHECK_INT(m("\\s", "\f"), 1);
	CHECK_INT(m("^[[:alpha:]_]+$", "ab_c"), 1);
	CHECK_INT(m("^[[:^digit:]]+$", "ab1"), 0);
	CHECK_INT(m("^[\\D]$", "x"), 1);
	CHECK_INT(m("^\\x41\\x{42}$", "AB"), 1);
	CHECK_INT(m("(?i)^[a-c]+$", "AbC"), 1);
	CHECK_INT(m("(?i)^[^a]$", "A"), 0);
	CHECK_INT(m("^a$|^$", ""), 1);
	CHECK_INT(m("$^", ""), 1);
	CHECK_INT(m("a$", "a\n"), 0); /* $ is \z without the m flag */
}

/* The NFA answers as glibc's POSIX ERE engine (which veil used before)
 * on random patterns that both read the same way. */
TEST(test_util_regex__agrees_with_posix_ere)
{
	static const char *const atoms[] = { "a",     "b",      "c",          "[ab]",  "[^a]",
		                             "(a|b)", "(ab|c)", "(a*)",       "[a-c]", "^",
		                             "$",     "(b|)",   "[[:alpha:]]" };
	static const char *const ops[] = { "",  "",    "",      "*",     "+",
		                           "?", "{2}", "{1,3}", "{0,2}", "{2,}" };
	unsigned seed = 11;
	int compared = 0;

	for (int it = 0; it < 3000; it++) {
		char pat[128] = "", subject[16];
		int k = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 5, opened = 0;
		regex_t g;
		veil_regex *v = NULL;

		for (int j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 6 == 0 && ++opened)
				strcat(pat, "(");
			strcat(pat, atoms[(seed >> 8) % (sizeof(atoms) / sizeof(atoms[0]))]);
			strcat(pat, ops[(seed >> 20) % (sizeof(ops) / sizeof(ops[0]))]);
		}
		while (opened-- > 0)
			strcat(pat, ")");
		if (regcomp(&g, pat, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		CHECK_INT(veil_regex__compile(&v, pat, 0), 0);
		for (int t = 0; v && t < 10; t++) {
			size_t len = (seed = seed * 1103515245u + 12345u) >> 16 & 7;
			for (size_t i = 0; i < len; i++)
				subject[i] = "abcx"[(seed >> (i * 2 + 3)) & 3];
			subject[len] = '\0';
			if (veil_regex_match(v, subject, len) !=
			    (regexec(&g, subject, 0, NULL, 0) == 0))
				fprintf(stderr, "pattern '%s' subject '%s' differs\n", pat,
				        subject);
			CHECK_INT(veil_regex_match(v, subject, len),
			          regexec(&g, subject, 0, NULL, 0) == 0);
			compared++;
		}
		veil_regex_free(v);
		regfree(&g);
	}
	CHECK(compared > 10000);
}

TEST(test_util_regex__error_at_the_last_character_stops_in_bounds)
{
	veil_regex *re = NULL;
	char *p = malloc(6);

	/* an escaped ']' ending a bracket at the very end of the pattern (fuzz
	 * finding: the loop stepped past the NUL after the error) */
	if (!p)
		return;
	memcpy(p, "a[b\\]", 6);
	CHECK_INT(veil_regex_compile(&re, p), VEIL_EFORMAT);
	free(p);
}

/* Escaped punctuation that glibc's regcomp would read as GNU anchors (found
 * by fuzz/fuzz_sops_config.c): in RE2, \< \> \` \' are the characters. */
TEST(test_util_regex__escaped_gnu_anchor_characters_are_literal)
{
	CHECK_INT(m("a\\<", "a<"), 1);
	CHECK_INT(m("a\\<b", "a b"), 0);
	CHECK_INT(m("x\\>", "x>"), 1);
	CHECK_INT(m("it\\'s", "it's"), 1);
	CHECK_INT(m("a\\`b", "a`b"), 1);
	CHECK_INT(m("^\\'", "x"), 0);
	CHECK_INT(m("a\\.b", "axb"), 0); /* other escapes stay escapes */
}

/* The literal fast path answers exactly as the NFA does: every pattern
 * built from anchors, groups, '|' and a small alphabet (so matches are
 * frequent), against every short subject over that alphabet. */
TEST(test_util_regex__literal_fast_path_agrees_with_the_nfa)
{
	static const char *const shapes[] = {
		"%s",        "^%s",       "%s$",        "^%s$",     "(%s)",
		"^(%s)$",    "^(?:%s)$",  "(%s)$",      "^(%s",     "%s|%s",
		"^(%s|%s)$", "(%s|%s)",   "^(%s|%s|)$", "^(%s|%s)", "(%s|%s)$",
		"^%s|%s$",   "(%s)|(%s)", "%s.",        "^%s*$",
	};
	static const char *const words[] = { "", "a", "ab", "ba", "data", "a-b", "aab" };
	static const char *const subjects[] = {
		"",     "a",    "b",          "ab",       "ba",  "aab",
		"abab", "data", "stringData", "metadata", "a-b", "x",
	};
	size_t nw = sizeof(words) / sizeof(words[0]);
	int compared = 0;

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (size_t i = 0; i < nw * nw; i++) {
			char pat[64];
			veil_regex *fast = NULL, *slow = NULL;

			snprintf(pat, sizeof(pat), shapes[s], words[i % nw], words[i / nw]);
			if (veil_regex__compile(&slow, pat, 0) < 0) {
				CHECK(veil_regex_compile(&fast, pat) < 0);
				continue;
			}
			CHECK_INT(veil_regex_compile(&fast, pat), 0);
			for (size_t j = 0; fast && j < sizeof(subjects) / sizeof(subjects[0]);
			     j++) {
				const char *x = subjects[j];
				int a = veil_regex_match(fast, x, strlen(x));
				int b = veil_regex_match(slow, x, strlen(x));

				if (a != b)
					fprintf(stderr, "pattern '%s' subject '%s': %d != %d\n",
					        pat, x, a, b);
				CHECK_INT(a, b);
				compared++;
			}
			veil_regex_free(fast);
			veil_regex_free(slow);
		}
	}
	CHECK(compared > 5000);
}
