/* Escaped punctuation that glibc's regcomp would read as GNU anchors (found
 * by fuzz/fuzz_sops_config.c): in RE2, \< \> \` \' are the characters. */
#include "harness.h"
#include "util/regex.h"

static int matches(const char *pattern, const char *s)
{
	veil_regex *re = NULL;
	int r;

	if (veil_regex_compile(&re, pattern) < 0)
		return -1;
	r = veil_regex_match(re, s, strlen(s));
	veil_regex_free(re);
	return r;
}

TEST(test_util_regex__escaped_gnu_anchor_characters_are_literal)
{
	CHECK_INT(matches("a\\<", "a<"), 1);
	CHECK_INT(matches("a\\<b", "a b"), 0);
	CHECK_INT(matches("x\\>", "x>"), 1);
	CHECK_INT(matches("it\\'s", "it's"), 1);
	CHECK_INT(matches("a\\`b", "a`b"), 1);
	CHECK_INT(matches("^\\'", "x"), 0);
	CHECK_INT(matches("a\\.b", "axb"), 0); /* other escapes stay escapes */
}
