/* Secure allocations: pooled runs of chunks and sodium_malloc beyond them. */
#include "harness.h"
#include "util/secret.h"
#include <stdint.h>
#include <stdlib.h>

#define N 200

static int zeroed(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Sizes across 1..700 bytes (runs of 1..8 chunks, and beyond the pool's
 * largest run): every allocation comes back zeroed and writable in full
 * without touching another (each is filled with its own byte and checked
 * after all were written), and freed chunks are reused zeroed. */
TEST(test_util_secret__runs_do_not_overlap_and_come_back_zeroed)
{
	unsigned char *p[N];
	size_t len[N];
	int ok = 1;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			len[i] = 1 + (size_t)(i * 37 + round * 11) % 700;
			p[i] = veil_secure_alloc(len[i]);
			CHECK(p[i] != NULL);
			if (!p[i])
				return;
			ok &= zeroed(p[i], len[i]);
			memset(p[i], i + 1, len[i]);
		}
		for (int i = 0; i < N; i++)
			for (size_t j = 0; j < len[i]; j++)
				ok &= p[i][j] == (unsigned char)(i + 1);
		/* free every other one, then the rest: fragments the pool */
		for (int i = 0; i < N; i += 2)
			veil_secure_free(p[i]);
		for (int i = 1; i < N; i += 2)
			veil_secure_free(p[i]);
	}
	CHECK(ok);
}
