/* Fuzzes .sops.yaml creation rules (src/lib/sops/rules.h) and the RE2 to
 * POSIX regex translation behind them (src/lib/util/regex.h). The first
 * input byte picks what the rest is (byte % 3, so seeds can start with the
 * digits '0'..'2'):
 *   0  a .sops.yaml in /repo: parsed, then matched against a few paths; a
 *      rule that matches has a compiled regex or none at all, and its key
 *      groups hold only non-empty recipient strings;
 *   1  a regex: compiled, then matched against a few subjects and itself,
 *      with the same answer (0 or 1: short subjects stay in the work
 *      budget) from the literal fast path and the NFA;
 *   2  a literal: every ASCII punctuation byte escaped with '\' as RE2
 *      allows, the pattern must compile and match the literal itself, and
 *      with a leading (?i) the literal with its letters' case swapped. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "sops/rules.h"
#include "util/regex.h"
#include <ctype.h>
#include <string.h>

#define CONFIG_MAX_INPUT (64u * 1024)

static const char *const paths[] = {
	"/repo/secrets/db.yaml",
	"/repo/k8s/prod/secret.enc.yaml",
	"/repo/.env",
	"/repo/a/../b/./c.json",
	"/elsewhere/x.ini",
	"relative/y.yaml",
};

static void check_config(const char *text, size_t len)
{
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r;

	if (veil_sops_config_parse(&cfg, text, len, "/repo/.sops.yaml", "/repo") < 0)
		return;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int error = veil_sops_config_match(&r, cfg, paths[i]);

		/* a rule that also names pgp/kms keys comes back with
		 * VEIL_EUNSUPPORTED (set and edit use it; rotate refuses) */
		if (error < 0) {
			if (r && (error != VEIL_EUNSUPPORTED || !r->foreign))
				veil_fuzz_fail("a failed match returned a rule");
			continue;
		}
		if (!r || r < cfg->rules || r >= cfg->rules + cfg->nrules ||
		    (r->path_regex && !r->path_re))
			veil_fuzz_fail("matched rule out of range or without its compiled regex");
		for (size_t g = 0; g < r->ngroups; g++)
			for (size_t k = 0; k < r->groups[g].nage; k++)
				if (!r->groups[g].age[k] || !r->groups[g].age[k][0])
					veil_fuzz_fail("empty recipient string in a key group");
	}
	veil_sops_config_free(cfg);
}

static const char *const subjects[] = {
	"",
	"secrets/db.yaml",
	"k8s/prod/secret.enc.yaml",
	"data\nmulti\nline",
	"\xc3\x84\xc3\x96 utf-8",
};

static void same_answer(const veil_regex *a, const veil_regex *b, const char *s)
{
	int x = veil_regex_match(a, s, strlen(s)), y = veil_regex_match(b, s, strlen(s));

	if (x != y || (x != 0 && x != 1))
		veil_fuzz_fail("the literal path and the NFA differ, or a short match failed");
}

static void check_regex(const char *pattern)
{
	veil_regex *re = NULL, *nfa = NULL;
	int error = veil_regex_compile(&re, pattern);

	if (error < 0) {
		if (veil_regex__compile(&nfa, pattern, 0) != error)
			veil_fuzz_fail("the NFA-only compile refuses differently");
		veil_regex_free(nfa);
		return;
	}
	if (veil_regex__compile(&nfa, pattern, 0) < 0)
		veil_fuzz_fail("the NFA-only compile refuses what compiled");
	for (size_t i = 0; nfa && i < sizeof(subjects) / sizeof(subjects[0]); i++)
		same_answer(re, nfa, subjects[i]);
	if (nfa)
		same_answer(re, nfa, pattern);
	veil_regex_free(nfa);
	veil_regex_free(re);
}

static void must_match(const char *pattern, const char *subject)
{
	veil_regex *re = NULL;

	if (veil_regex_compile(&re, pattern) < 0 ||
	    veil_regex_match(re, subject, strlen(subject)) != 1)
		veil_fuzz_fail("escaped literal does not compile or match itself");
	veil_regex_free(re);
}

/* Printable ASCII only: a literal with other bytes is not interesting here. */
static void check_literal(const char *lit, size_t len)
{
	char pat[4 + 2 * 1024 + 1], swapped[1024 + 1];
	size_t n = 4;

	if (len > 1024)
		return;
	memcpy(pat, "(?i)", 4);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)lit[i];
		if (c < 0x20 || c > 0x7e)
			return;
		if (ispunct(c))
			pat[n++] = '\\';
		pat[n++] = (char)c;
		swapped[i] = (char)(isupper(c) ? tolower(c) : toupper(c));
	}
	pat[n] = '\0';
	swapped[len] = '\0';
	must_match(pat + 4, lit);
	must_match(pat, swapped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	veil_fuzz_init();
	if (size < 1 || size > CONFIG_MAX_INPUT)
		return 0;
	/* NUL-terminated for the regex functions, which take C strings */
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		check_config(s, size - 1);
		break;
	case 1:
		check_regex(s);
		break;
	default:
		check_literal(s, strlen(s));
		break;
	}
	free(s);
	return 0;
}
