#ifndef VEIL_FUZZ_FUZZ_FAIL_H
#define VEIL_FUZZ_FUZZ_FAIL_H
/* A violated invariant in the document and SOPS targets: says which one and
 * the library's last error message (messages never carry values), then traps
 * so libFuzzer records the input. */
#include "veil/error.h"
#include <stdio.h>
#include <stdlib.h>

static inline void veil_fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz invariant violated: %s\n  last error: %s\n", what,
	        veil_error_last() ? veil_error_last() : "(none)");
	__builtin_trap();
}

/* VEIL_FUZZ_STRICT set in the environment turns on the checks of known,
 * reported bugs, which are otherwise skipped so that the CI smoke run stays
 * green until they are fixed (then the skip goes). */
static inline int veil_fuzz_strict(void)
{
	static int strict = -1;

	if (strict < 0)
		strict = getenv("VEIL_FUZZ_STRICT") != NULL;
	return strict;
}

#endif
