/* Runs every registered unit test (optionally only names containing argv[1]). */
#include <stdlib.h>
#include "harness.h"
#include "veil/veil.h"

#define MAX_TESTS 1024

static struct {
	const char *name;
	veil_test_fn fn;
} tests[MAX_TESTS];
static size_t ntests;
static int current_failed;

void veil_test_register(const char *name, veil_test_fn fn)
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void veil_test_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	current_failed = 1;
}

long veil_test_unhex(unsigned char *out, size_t cap, const char *hex)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (long)(n / 2);
}

int main(int argc, char **argv)
{
	size_t i, passed = 0, failed = 0;

	if (veil_init() < 0) {
		fprintf(stderr, "veil_init failed\n");
		return 1;
	}
	for (i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_failed = 0;
		tests[i].fn();
		if (current_failed) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			printf("ok   %s\n", tests[i].name);
			passed++;
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
