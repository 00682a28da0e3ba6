/* Shannon entropy of candidate secrets, computed without libm. */
#include "harness.h"
#include "check/check_int.h"
#include <stdlib.h>

static int near(double a, double b)
{
	double d = a - b;

	return d < 1e-12 && d > -1e-12;
}

TEST(test_check_entropy__exact_values)
{
	char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	CHECK(near(veil_check__entropy("aaaa", 4), 0));
	CHECK(near(veil_check__entropy("ab", 2), 1));
	CHECK(near(veil_check__entropy("abcd", 4), 2));
	CHECK(near(veil_check__entropy(all, 256), 8));
	/* -(2/3 log2 2/3 + 1/3 log2 1/3) */
	CHECK(near(veil_check__entropy("aab", 3), 0.91829583405448951));
	/* 7 x 'a' + 'b' + 'c': 7/9, 1/9, 1/9 */
	CHECK(near(veil_check__entropy("aaaaaaabc", 9), 0.9864267287308424));
	CHECK(near(veil_check__entropy("", 0), 0));
}
