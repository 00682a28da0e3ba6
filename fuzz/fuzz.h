#ifndef VEIL_FUZZ_FUZZ_H
#define VEIL_FUZZ_FUZZ_H
/* Shared by the fuzz targets: the libFuzzer entry point and a one-time
 * library initialisation. Each target is its own program, so the static
 * flag below is per target; veil_init() is idempotent anyway (libsodium's
 * sodium_init() returns 1 when already done), the flag only saves the call. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "veil/veil.h"

/* Inputs larger than this are ignored: every parser under test has its own
 * cap, and a megabyte is far beyond any real header, key file or armor we
 * care about while keeping each execution fast. */
#define VEIL_FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void veil_fuzz_init(void)
{
	static int done;

	if (done)
		return;
	if (veil_init() < 0)
		abort();
	done = 1;
}

#endif
