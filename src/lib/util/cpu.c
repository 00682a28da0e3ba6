/* CPUs this process may use (cpu.h). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "util/cpu.h"
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

/* ceil(quota / period) from cgroup v2's cpu.max, or 0 for no limit. */
static unsigned int cgroup_quota(void)
{
	FILE *f = fopen("/sys/fs/cgroup/cpu.max", "re");
	long long quota = 0, period = 0;
	unsigned int n = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lld %lld", &quota, &period) == 2 && quota > 0 && period > 0)
		n = (unsigned int)((quota + period - 1) / period);
	fclose(f); /* "max 100000": no quota, fscanf stops at "max" */
	return n;
}

unsigned int veil_cpu_count(void)
{
	cpu_set_t set;
	long n = 0;
	unsigned int quota;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	quota = cgroup_quota();
	if (quota && quota < (unsigned long)n)
		n = (long)quota;
	return (unsigned int)n;
}
