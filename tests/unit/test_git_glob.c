/* .sops.yaml path_regex -> .gitattributes patterns (src/lib/git/filter_glob.c). */
#include <stdlib.h>
#include <string.h>

#include "veil/git.h"
#include "harness.h"
#include "veil/error.h"

/* The patterns for re, joined with spaces, or "ERR" if refused. */
static const char *globs(const char *re, const char *prefix)
{
	static char out[2048];
	char **g = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (veil_git_regex_globs(&g, &n, re, prefix) < 0)
		return "ERR";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, g[i], sizeof(out) - strlen(out) - 1);
	}
	veil_git_globs_free(g, n);
	return out;
}

TEST(test_git_glob__suffix_rules_become_base_name_patterns)
{
	CHECK_STR(globs("\\.enc\\.yaml$", ""), "*.enc.yaml");
	CHECK_STR(globs(".*\\.sops\\.ya?ml$", ""), "*.sops.yaml *.sops.yml");
	CHECK_STR(globs("\\.(yaml|json)$", ""), "*.yaml *.json");
}

TEST(test_git_glob__anchored_rules_are_rooted)
{
	CHECK_STR(globs("^secret\\.yaml$", ""), "/secret.yaml");
	CHECK_STR(globs("^secrets/[^/]*\\.yaml$", ""), "/secrets/*.yaml");
	CHECK_STR(globs("^secrets/.*\\.yaml$", ""), "/secrets/*.yaml /secrets/*/**/*.yaml");
	CHECK_STR(globs("^secrets/", ""), "/secrets/* /secrets/*/**");
	CHECK_STR(globs("^a\\.yaml$", "sub/"), "/sub/a.yaml");
}

TEST(test_git_glob__unanchored_rules_match_at_any_depth)
{
	CHECK_STR(globs("secrets/.*\\.yaml$", ""), "**/*secrets/*.yaml **/*secrets/*/**/*.yaml");
	CHECK_STR(globs("\\.yaml$", "sub/"), "sub/**/*.yaml");
	CHECK_STR(globs("x\\*y$", ""), "*x\\*y");
}

TEST(test_git_glob__refuses_what_has_no_exact_glob)
{
	CHECK_STR(globs(".*", ""), "ERR");
	CHECK_STR(globs("", ""), "ERR");
	CHECK_STR(globs("(?i)secret", ""), "ERR");
	CHECK_STR(globs("a+\\.yaml", ""), "ERR");
	CHECK_STR(globs("\\s", ""), "ERR");
	CHECK_STR(globs("a b", ""), "ERR");
	CHECK_STR(globs("[a/b]", ""), "ERR");
	CHECK_STR(globs("(a", ""), "ERR");
	CHECK_STR(globs("a)", ""), "ERR");
	CHECK_STR(globs("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)", ""), "ERR"); /* 64 > 32 */
}
