/* The thread-count policy (util/cpu.h): affinity first, at least one. */
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "harness.h"
#include "util/cpu.h"

TEST(test_util_cpu__count_follows_the_affinity_mask)
{
	cpu_set_t old, one;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int n = veil_cpu_count();

	CHECK(n >= 1 && (online < 1 || n <= (unsigned long)online));
	if (sched_getaffinity(0, sizeof(old), &old) != 0)
		return;
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &old)) {
			CPU_SET(c, &one);
			break;
		}
	/* as taskset -c N would: one CPU, one thread */
	if (sched_setaffinity(0, sizeof(one), &one) == 0) {
		CHECK_INT(veil_cpu_count(), 1);
		CHECK(sched_setaffinity(0, sizeof(old), &old) == 0);
	}
}
