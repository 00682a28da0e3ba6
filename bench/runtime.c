/*
 * runtime N CMD [ARG...]: runs CMD once to warm up, then N times with stdout
 * and stderr on /dev/null, and prints the median wall and CPU time (ms) of
 * one run and the largest peak RSS (KiB): "wall cpu rss". Timing happens
 * around fork and wait4 only, so a 3 ms process is measured as 3 ms, not as
 * the 30 ms a shell loop of date and GNU time adds around it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One run: its wall and CPU ms and peak RSS; -1 if it failed. */
static int run(char **argv, double *wall, double *cpu, long *rss)
{
	struct rusage ru;
	int status, fd;
	double t0 = now_ms();
	pid_t pid = fork();

	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall = now_ms() - t0;
	*cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	*rss = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	double *walls, *cpus, w, c;
	long rss, maxrss = 0;

	if (n < 1) {
		fprintf(stderr, "usage: runtime N CMD [ARG...]\n");
		return 2;
	}
	walls = calloc((size_t)n, sizeof(*walls));
	cpus = calloc((size_t)n, sizeof(*cpus));
	if (!walls || !cpus || run(argv + 2, &w, &c, &rss) < 0) {
		fprintf(stderr, "runtime: %s failed\n", argv[2]);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (run(argv + 2, &walls[i], &cpus[i], &rss) < 0) {
			fprintf(stderr, "runtime: %s failed\n", argv[2]);
			return 1;
		}
		if (rss > maxrss)
			maxrss = rss;
	}
	qsort(walls, (size_t)n, sizeof(*walls), cmp);
	qsort(cpus, (size_t)n, sizeof(*cpus), cmp);
	printf("%.2f %.2f %ld\n", walls[n / 2], cpus[n / 2], maxrss);
	free(walls);
	free(cpus);
	return 0;
}
