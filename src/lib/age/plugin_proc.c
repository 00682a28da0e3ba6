/* age-plugin-NAME processes: found in PATH (absolute entries only, never
 * the working directory: C2SP age-plugin.md), started with
 * --age-plugin=recipient-v1 or identity-v1 in the temporary directory, and
 * spoken to over a socket pair as its standard input and output (a plugin
 * that exits early then fails a write with EPIPE, not a SIGPIPE that would
 * kill veil). Its standard error stays the user's. Every wait for the
 * plugin is bounded; a plugin that stays silent is killed. */
#define _GNU_SOURCE /* pipe2-like SOCK_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "age/plugin.h"

#define DEFAULT_TIMEOUT_MS (5u * 60 * 1000)
#define READ_CAP           (VEIL_AGE_MAX_STANZA_LINE + 1024)

typedef struct proc {
	pid_t pid;
	int fd;
	int timeout_ms;
	int timed_out;
	const char *name;
} proc;

/* The first executable PATH/age-plugin-NAME, absolute PATH entries only. */
static int find_binary(char *out, size_t cap, const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	int n;

	for (p = path ? path : ""; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (p[0] != '/')
			continue; /* empty or relative: would search the working directory */
		n = snprintf(out, cap, "%.*s/age-plugin-%s", (int)(end - p), p, name);
		if (n > 0 && (size_t)n < cap && stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(out, X_OK) == 0)
			return 0;
	}
	return veil_error_set(VEIL_ENOTFOUND,
	                      "age-plugin-%s was not found in PATH (install the plugin, or check "
	                      "PATH)",
	                      name);
}

/* Waits until fd is ready for events; VEIL_EIO after the timeout. */
static int wait_fd(proc *p, short events)
{
	struct pollfd pfd = { p->fd, events, 0 };
	int r;

	do
		r = poll(&pfd, 1, p->timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		p->timed_out = 1;
		return veil_error_set(VEIL_EIO, "age-plugin-%s did not answer within %d seconds",
		                      p->name, p->timeout_ms / 1000);
	}
	return r < 0 ? veil_error_set(VEIL_EIO, "poll: %s", strerror(errno)) : 0;
}

static long proc_read(void *payload, uint8_t *buf, size_t len)
{
	proc *p = payload;
	ssize_t n;
	int error;

	if ((error = wait_fd(p, POLLIN)) < 0)
		return error;
	do
		n = read(p->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ECONNRESET)
		return 0; /* it went away: the session says what was missing */
	if (n < 0)
		return veil_error_set(VEIL_EIO, "reading from age-plugin-%s: %s", p->name,
		                      strerror(errno));
	return (long)n;
}

static int proc_write(void *payload, const uint8_t *buf, size_t len)
{
	proc *p = payload;
	ssize_t n;
	int error;

	while (len > 0) {
		if ((error = wait_fd(p, POLLOUT)) < 0)
			return error;
		n = send(p->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return veil_error_set(VEIL_EIO, "age-plugin-%s stopped listening (%s)",
			                      p->name, strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int start(proc *p, const char *name, const char *machine)
{
	char bin[PATH_MAX], arg[64];
	const char *tmp = getenv("TMPDIR");
	int sv[2], error;

	p->pid = -1;
	p->fd = -1;
	p->name = name;
	p->timed_out = 0;
	p->timeout_ms =
	        (int)(veil_plugin__ui()->plugin_timeout_ms ? veil_plugin__ui()->plugin_timeout_ms
	                                                   : DEFAULT_TIMEOUT_MS);
	if ((error = find_binary(bin, sizeof(bin), name)) < 0)
		return error;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return veil_error_set(VEIL_EIO, "socketpair: %s", strerror(errno));
	snprintf(arg, sizeof(arg), "--age-plugin=%s", machine);
	p->pid = fork();
	if (p->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return veil_error_set(VEIL_EIO, "fork: %s", strerror(errno));
	}
	if (p->pid == 0) {
		if (dup2(sv[1], STDIN_FILENO) < 0 || dup2(sv[1], STDOUT_FILENO) < 0 ||
		    chdir(tmp && tmp[0] == '/' ? tmp : "/tmp") < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		execl(bin, bin, arg, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	p->fd = sv[0];
	return 0;
}

/* Ends the process: it should exit on its own after "done" and our
 * closing; a silent or timed-out one is killed. A non-zero exit after a
 * successful exchange does not undo it. */
static int finish(proc *p, int error)
{
	int status, waited = 0;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->pid <= 0)
		return error;
	if (error < 0 || p->timed_out)
		kill(p->pid, SIGKILL);
	for (;;) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);

		if (r == p->pid || (r < 0 && errno != EINTR))
			break;
		if (waited++ > p->timeout_ms / 10) { /* about timeout_ms in 10 ms steps */
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	p->pid = -1;
	return error;
}

/* A connection over a started process. */
static int conn_open(veil_plugin_conn *c, proc *p)
{
	memset(c, 0, sizeof(*c));
	c->write = proc_write;
	c->write_payload = p;
	c->name = p->name;
	return veil_bufreader__init(&c->in, proc_read, p, READ_CAP);
}

int veil_plugin__unwrap(const veil_identity *const *ids, size_t nids, const veil_stanza *stanzas,
                        size_t nstanzas, uint8_t file_key[VEIL_FILE_KEY_LEN], char *why,
                        size_t why_cap)
{
	veil_plugin_conn c;
	proc p;
	int error;

	why[0] = '\0';
	if ((error = start(&p, ids[0]->plugin.name, "identity-v1")) < 0)
		return error;
	if ((error = conn_open(&c, &p)) == 0) {
		error = veil_plugin__unwrap_session(&c, ids, nids, stanzas, nstanzas, file_key, why,
		                                    why_cap);
		veil_bufreader__dispose(&c.in);
	}
	/* no match is a normal end of the exchange */
	finish(&p, error == VEIL_ENOMATCH ? 0 : error);
	return error;
}

int veil_plugin__wrap(const veil_recipient *const *rs, size_t n,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN], veil_stanza **out, size_t *nout,
                      char **labels)
{
	veil_plugin_conn c;
	proc p;
	int error;

	*out = NULL;
	*nout = 0;
	*labels = NULL;
	if ((error = start(&p, rs[0]->plugin.name, "recipient-v1")) < 0)
		return error;
	if ((error = conn_open(&c, &p)) == 0) {
		error = veil_plugin__wrap_session(&c, rs, n, file_key, out, nout, labels);
		veil_bufreader__dispose(&c.in);
	}
	return finish(&p, error);
}
