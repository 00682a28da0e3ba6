#ifndef VEIL_UTIL_CPU_H
#define VEIL_UTIL_CPU_H
/* How many threads are worth starting: one policy for every parallel part
 * (STREAM payloads, large-file pieces, veil check's file list). */

/*
 * The CPUs this process may use: its affinity mask (taskset, cpusets), capped
 * by a cgroup v2 CPU quota (a pod's CPU limit: cpu.max "200000 100000" is
 * 2), at least 1. A pod under a limit of 1 CPU on a 64-core node gets 1.
 */
unsigned int veil_cpu_count(void);

#endif
