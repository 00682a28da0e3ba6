/* Fuzzes the .sops.yaml path_regex -> .gitattributes pattern translation of
 * `veil git setup` (src/lib/git/filter_glob.c). The first input byte picks
 * the prefix (even: the repository root, odd: a subdirectory); the rest is
 * the regex. Every pattern it gives must fit on a .gitattributes line:
 * non-empty, no blanks or control bytes, no leading '!' or '#', at most
 * VEIL_GIT_GLOB_MAX of them, and a subdirectory's patterns stay inside it. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "veil/git.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *prefix;
	char *re, **globs = NULL;
	size_t n = 0;

	veil_fuzz_init();
	if (size < 1 || size > 4096)
		return 0;
	prefix = data[0] & 1 ? "sub/" : "";
	if (!(re = malloc(size)))
		return 0;
	memcpy(re, data + 1, size - 1);
	re[size - 1] = '\0';
	if (veil_git_regex_globs(&globs, &n, re, prefix) == 0) {
		if (n == 0 || n > VEIL_GIT_GLOB_MAX)
			veil_fuzz_fail("pattern count out of range");
		for (size_t i = 0; i < n; i++) {
			const char *g = globs[i];

			if (!*g || g[0] == '!' || g[0] == '#')
				veil_fuzz_fail("an empty or negated pattern");
			for (const char *p = g; *p; p++)
				if ((unsigned char)*p <= ' ' || *p == 0x7f)
					veil_fuzz_fail("a blank or control byte in a pattern");
			if (*prefix && strncmp(g, "sub/", 4) && strncmp(g, "/sub/", 5))
				veil_fuzz_fail("a subdirectory's pattern escaped it");
		}
		veil_git_globs_free(globs, n);
	}
	free(re);
	return 0;
}
