/* SIGINT/SIGTERM: a command in the middle of writing an output file must
 * remove its temp file, so the handler only records the signal (SA_RESTART
 * off, so a blocked read returns EINTR), the I/O callbacks fail on the next
 * call, the command takes its normal failure path (veil_outfile_abort), and
 * then the process ends by the same signal so the caller sees it.
 * SA_RESETHAND: a second Ctrl-C kills at once. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "util/fsutil.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

void veil_cli__signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* A signal ignored by whoever started us (nohup, a shell's
		 * background job) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int veil_cli__interrupted(void)
{
	return caught != 0;
}

void veil_cli__signal_reraise(void)
{
	int sig = caught;

	if (!sig)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int interrupted_error(void)
{
	return veil_error_set(VEIL_EIO, "interrupted by signal %d", (int)caught);
}

long veil_cli__fd_read(void *payload, uint8_t *buf, size_t len)
{
	int fd = *(int *)payload;

	for (;;) {
		ssize_t n;

		if (caught)
			return interrupted_error();
		n = read(fd, buf, len);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR)
			return veil_error_set(VEIL_EIO, "reading the input: %s", strerror(errno));
	}
}

int veil_cli__out_write(void *payload, const uint8_t *buf, size_t len)
{
	if (caught)
		return interrupted_error();
	return veil_outfile_writer(payload, buf, len);
}
