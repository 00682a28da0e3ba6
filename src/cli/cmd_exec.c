/* veil exec-env / exec-file: run a command with the plaintext, never on disk. */
#include "privdir.h"
#include "docargs.h"
#include "util/secret.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const veil_opt exec_opts[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct exec_args {
	veil_cli_docargs d;
	const char *cmd;
	int file_mode; /* exec-file */
} exec_args;

static void exec_usage(FILE *f, void *ctx)
{
	int file_mode = ((const exec_args *)ctx)->file_mode;

	if (file_mode)
		fputs("usage: veil exec-file [--identity F]... FILE 'COMMAND {}'\n"
		      "\n"
		      "Runs COMMAND with /bin/sh, {} replaced by the path of a FIFO that delivers\n"
		      "FILE's plaintext once (in a private 0700 directory, removed afterwards):\n"
		      "the plaintext is never written to a file.\n",
		      f);
	else
		fputs("usage: veil exec-env [--identity F]... FILE COMMAND\n"
		      "\n"
		      "Runs COMMAND with /bin/sh, with FILE's decrypted top-level scalar values "
		      "as\n"
		      "environment variables (key = name).\n",
		      f);
	fputs("\nExit status: COMMAND's own; else 2 usage, 12 not encrypted, 51 MAC mismatch,\n"
	      "100 no such file, 128 no identity opens the data key.\n",
	      f);
}

static int parse(exec_args *a, int argc, char **argv, char **operands)
{
	veil_cli_docspec spec = { .cmd = a->file_mode ? "exec-file" : "exec-env",
		                  .opts = exec_opts,
		                  .usage = exec_usage,
		                  .ctx = a,
		                  .min_operands = 2,
		                  .max_operands = 2,
		                  .operands_usage = "expected FILE and COMMAND" };
	int rc = veil_cli__docargs_parse(&a->d, &spec, argc, argv, operands);

	if (rc == 0)
		a->cmd = operands[1];
	return rc;
}

static int env_name_ok(const char *k)
{
	return *k && !strchr(k, '=');
}

static int run_env(const exec_args *a, veil_cli_session *s)
{
	veil_doc *doc = NULL;
	const char **env = NULL;
	const veil_node *root;
	size_t n = 0;
	int rc, error;

	if (s->fmt == VEIL_FMT_BINARY) {
		veil_cli__error("%s: a binary file has no keys to export", a->d.file);
		return VEIL_EXIT_USAGE;
	}
	if ((error = veil_doc_parse(&doc, s->fmt, s->plain, s->plain_len, a->d.file)) < 0)
		return veil_cli__lib_error(a->d.file, error);
	root = veil_doc_root(doc, 0);
	if (!(env = calloc(2 * (root ? root->nitems : 0) + 1, sizeof(*env)))) {
		rc = veil_cli__lib_error(a->d.file, veil_error_set(VEIL_ENOMEM, "out of memory"));
		goto done;
	}
	for (size_t i = 0; root && i < root->nitems; i++) {
		const veil_node *it = root->items[i];
		if (it->kind != VEIL_NODE_SCALAR || !it->key)
			continue;
		if (!env_name_ok(it->key) || strlen(it->value) != it->value_len) {
			veil_cli__warning("%s: '%s' cannot be an environment variable; skipped",
			                  a->d.file, it->key);
			continue;
		}
		env[2 * n] = it->key;
		env[2 * n + 1] = it->value;
		n++;
	}
	rc = veil_cli__run_shell(a->cmd, NULL, env, n);
	if (rc < 0)
		rc = veil_cli__lib_error(a->cmd, rc);
done:
	free(env);
	veil_doc_free(doc);
	return rc;
}

/* The writer: opens the FIFO (blocking until the command opens it), writes
 * the plaintext, exits. */
static pid_t start_writer(const char *fifo, const char *data, size_t len)
{
	pid_t pid = fork();
	int fd;

	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(1);
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		done += (size_t)w;
	}
	_exit(close(fd) == 0 ? 0 : 1);
}

/* COMMAND with every {} replaced by "$1" (the FIFO's path is passed as $1,
 * so no path is ever spliced into shell text). */
static char *substitute(const char *cmd)
{
	size_t n = 0;
	char *out, *o;

	for (const char *c = cmd; (c = strstr(c, "{}")) != NULL; c += 2)
		n++;
	if (!(out = malloc(strlen(cmd) + 3 * n + 1)))
		return NULL;
	o = out;
	for (const char *c = cmd; *c;) {
		if (c[0] == '{' && c[1] == '}') {
			memcpy(o, "\"$1\"", 4);
			o += 4;
			c += 2;
		} else {
			*o++ = *c++;
		}
	}
	*o = '\0';
	return out;
}

static int run_file(const exec_args *a, veil_cli_session *s)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", fifo[VEIL_CLI_PRIVDIR_MAX + 256];
	const char *base = strrchr(a->d.file, '/') ? strrchr(a->d.file, '/') + 1 : a->d.file;
	char *script = substitute(a->cmd);
	pid_t writer = -1;
	int rc, error;

	if (!script)
		return veil_cli__lib_error("exec-file",
		                           veil_error_set(VEIL_ENOMEM, "out of memory"));
	if ((error = veil_cli__privdir_make(dir)) < 0) {
		rc = veil_cli__lib_error("exec-file", error);
		goto done;
	}
	snprintf(fifo, sizeof(fifo), "%s/%s", dir, *base && strcmp(base, "-") ? base : "plaintext");
	if (mkfifo(fifo, 0600) != 0) {
		rc = veil_cli__lib_error("exec-file", veil_error_set(VEIL_EIO, "mkfifo %s: %s",
		                                                     fifo, strerror(errno)));
		goto done;
	}
	fflush(NULL);
	writer = start_writer(fifo, s->plain, s->plain_len);
	if (writer < 0) {
		rc = veil_cli__lib_error("exec-file",
		                         veil_error_set(VEIL_EIO, "fork: %s", strerror(errno)));
		goto done;
	}
	rc = veil_cli__run_shell(script, fifo, NULL, 0);
	if (rc < 0)
		rc = veil_cli__lib_error(a->cmd, rc);
done:
	if (writer > 0) {
		/* a command that never read the FIFO leaves the writer blocked */
		kill(writer, SIGKILL);
		while (waitpid(writer, NULL, 0) < 0 && errno == EINTR)
			;
	}
	veil_cli__privdir_remove(dir);
	free(script);
	return rc;
}

static int exec_main(int argc, char **argv, int file_mode)
{
	exec_args a = { .file_mode = file_mode };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	veil_cli_session s;
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = parse(&a, argc, argv, operands);
	if (rc == 0) {
		rc = veil_cli__session_open(&s, a.d.file, a.d.fmt, a.d.ids, a.d.nids);
		if (rc == 0)
			rc = file_mode ? run_file(&a, &s) : run_env(&a, &s);
		veil_cli__session_close(&s);
	}
	free(operands);
	if (veil_cli__interrupted())
		veil_cli__signal_reraise();
	return rc < 0 ? VEIL_EXIT_OK : rc;
}

int veil_cli__cmd_exec_env(int argc, char **argv)
{
	return exec_main(argc, argv, 0);
}

int veil_cli__cmd_exec_file(int argc, char **argv)
{
	return exec_main(argc, argv, 1);
}
