/* RE2-syntax patterns, as written in .sops.yaml files. */
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

TEST(test_util_regex__bounds_what_makes_glibc_exponential)
{
	veil_regex *re = NULL;

	/* RE2 refuses stacked repetition; glibc would spend seconds on it */
	CHECK_INT(veil_regex_compile(&re, "a++++++++++++++++++++"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "a*+"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "((((((((((a+)+)+)+)+)+)+)+)+)+)"), VEIL_EFORMAT);
	CHECK_INT(veil_regex_compile(&re, "a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+"), VEIL_EFORMAT);
	/* realistic patterns stay well inside the bounds */
	CHECK_INT(veil_regex_compile(&re, "^(data|stringData|(?:config|secret)[0-9]{1,3})$"), 0);
	veil_regex_free(re);
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

/* The literal fast path answers exactly as regcomp does: every pattern
 * built from anchors, groups, '|' and a small alphabet (so matches are
 * frequent), against every short subject over that alphabet. */
TEST(test_util_regex__literal_fast_path_agrees_with_regcomp)
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
