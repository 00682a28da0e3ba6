/* A termination signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, ...) stops veil
 * at once, also in the middle of a CPU-bound step (a large file, scrypt):
 * the handler removes what could hold plaintext or a partial output (the
 * temp files of open outputs, the private directories, helper processes),
 * restores a terminal left without echo, and then ends the process by the
 * same signal, so the caller sees it. It calls only async-signal-safe
 * functions on state recorded beforehand, which is why it can act at once.
 *
 * The one exception is a child command veil waits for (an editor, the
 * command of exec-env/exec-file): it may still be using the plaintext, so
 * SIGTERM, SIGHUP, SIGQUIT and the like are passed on to it (a second
 * signal kills it), SIGINT is left to it (the terminal sent it to the child
 * too, and an editor's Ctrl-C must not end veil), and veil cleans up and
 * ends by the signal once the child has gone, or by the SIGINT/SIGQUIT the
 * child died of when veil got it as well (as shells do). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "cli.h"
#include "privdir.h"
#include "util/fsutil.h"

static const int handled[] = { SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGALRM,
	                       SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

static volatile sig_atomic_t watching; /* a child runs: signals are recorded */
static volatile sig_atomic_t child;    /* its pid, 0 before fork */
static volatile sig_atomic_t caught;   /* the first signal recorded */
static volatile sig_atomic_t escalated;
static volatile sig_atomic_t int_seen; /* SIGINT while the child ran */

#define HELPERS 4
static atomic_int helpers[HELPERS]; /* pids to SIGKILL on the way out */

static atomic_int tty_fd = -1; /* a terminal whose echo is off, and how to restore it */
static struct termios tty_mode;

static void cleanup(void)
{
	int fd = atomic_load(&tty_fd);

	if (fd >= 0)
		tcsetattr(fd, TCSANOW, &tty_mode);
	for (int i = 0; i < HELPERS; i++) {
		int pid = atomic_load(&helpers[i]);
		if (pid > 0)
			kill(pid, SIGKILL);
	}
	veil_outfile__cleanup_all();
	veil_cli__privdir_cleanup_all();
}

/* Cleans up and ends the process by sig (its default action). */
static void die(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	cleanup();
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig); /* a signal whose default action is to ignore it */
}

/* What a child is sent for sig: the same for the usual ones, else SIGTERM. */
static int forwarded(int sig)
{
	return sig == SIGHUP || sig == SIGQUIT || sig == SIGTERM ? sig : SIGTERM;
}

static void on_signal(int sig)
{
	int saved = errno;

	if (!watching)
		die(sig);
	if (sig == SIGINT && child > 0) {
		int_seen = 1; /* the child's to handle */
	} else {
		if (caught)
			escalated = 1;
		else
			caught = sig;
		if (child > 0)
			kill((pid_t)child, escalated ? SIGKILL : forwarded(sig));
	}
	errno = saved;
}

void veil_cli__signals_install(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* no SA_RESTART: a wait is interrupted, the loop looks again */
	sigfillset(&sa.sa_mask); /* one handler at a time */
	for (size_t i = 0; i < NHANDLED; i++) {
		/* A signal ignored by whoever started us (nohup, a shell's
		 * background job) stays ignored, for our children too. */
		if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(handled[i], &sa, NULL);
	}
}

void veil_cli__signals_child(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NHANDLED; i++)
		if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == on_signal)
			sigaction(handled[i], &sa, NULL);
}

void veil_cli__signals_block(sigset_t *old)
{
	sigset_t all;

	sigemptyset(&all);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaddset(&all, handled[i]);
	sigprocmask(SIG_BLOCK, &all, old);
}

void veil_cli__signals_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

void veil_cli__signals_watch(pid_t pid)
{
	int sig;

	if (pid == 0) {
		caught = escalated = int_seen = 0;
		child = 0;
		watching = 1;
		return;
	}
	child = pid;
	/* a signal between fork and now was only recorded */
	sig = caught;
	if (sig)
		kill(pid, forwarded(sig));
}

void veil_cli__signals_unwatch(int status)
{
	int sig;

	child = 0;
	/* the child died of the SIGINT/SIGQUIT the terminal sent us both */
	if (!caught && int_seen && status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
		caught = SIGINT;
	sig = caught;
	watching = 0;
	if (sig)
		die(sig);
}

void veil_cli__signals_helper(pid_t pid, int add)
{
	for (int i = 0; i < HELPERS; i++) {
		int expected = add ? 0 : (int)pid;
		if (atomic_compare_exchange_strong(&helpers[i], &expected, add ? (int)pid : 0))
			return;
	}
}

void veil_cli__signals_tty(int fd, const struct termios *mode)
{
	if (fd >= 0 && mode) {
		tty_mode = *mode;
		atomic_store(&tty_fd, fd);
	} else {
		atomic_store(&tty_fd, -1);
	}
}
