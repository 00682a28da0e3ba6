/* Every command starts by making sure no plaintext or key it will hold can
 * leave through a core dump or another process of the same user:
 * - PR_SET_DUMPABLE 0: no core is written (not even through a core_pattern
 *   pipe, which ignores RLIMIT_CORE), and a same-uid process (another
 *   container in the pod's pid namespace, a debugger) cannot ptrace veil or
 *   read its /proc/PID/mem, environ or fd/. veil's own /proc/self still
 *   works (the kernel lets a process see itself), and a debugger can still
 *   start veil under it (gdb --args, strace).
 * - RLIMIT_CORE 0 (soft; the hard limit is kept): the flag above is reset
 *   by execve, the limit is inherited, so the commands veil runs with
 *   plaintext (the editor, exec-env's and exec-file's commands) start with
 *   core dumps off too; one that wants them may raise the soft limit again.
 * VEIL_REQUIRE_HARDENING=1 makes a failure fatal (a container where the
 * calls are filtered must not run a decrypter that could dump). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include "cli.h"

int veil_cli__harden(void)
{
	const char *req = getenv("VEIL_REQUIRE_HARDENING");
	struct rlimit rl;
	int failed = 0;

	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur = 0;
		if (setrlimit(RLIMIT_CORE, &rl) != 0) {
			veil_cli__warning("cannot disable core dumps: %s", strerror(errno));
			failed = 1;
		}
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		veil_cli__warning("cannot mark the process non-dumpable: %s", strerror(errno));
		failed = 1;
	}
	if (failed && req && !strcmp(req, "1")) {
		veil_cli__error("hardening failed and VEIL_REQUIRE_HARDENING=1");
		return -1;
	}
	return 0;
}
