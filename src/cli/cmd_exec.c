/* veil exec-env / exec-file: run a command with the plaintext, never on disk. */
#include "privdir.h"
#include "commands.h"
#include "docargs.h"
#include "util/secret.h"
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	OPT_PRISTINE = VEIL_DOCOPT_OWN,
	OPT_USER,
	OPT_SAME_PROCESS,
	OPT_NO_FIFO,
	OPT_FILENAME,
	OPT_OUTPUT_TYPE,
};

const veil_opt veil_cli__opts_exec_env[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "pristine", 0, 0, OPT_PRISTINE },
	{ "user", 0, 1, OPT_USER },
	{ "same-process", 0, 0, OPT_SAME_PROCESS },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

const veil_opt veil_cli__opts_exec_file[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY }, { "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },   { "no-fifo", 0, 0, OPT_NO_FIFO },
	{ "filename", 0, 1, OPT_FILENAME },         { "user", 0, 1, OPT_USER },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },       { NULL, 0, 0, 0 },
};

typedef struct exec_args {
	veil_cli_docargs d;
	const char *cmd, *filename, *output_type;
	int file_mode; /* exec-file */
	int no_fifo;
	veil_cli_run_opts run;
} exec_args;

static void exec_usage(FILE *f, void *ctx)
{
	int file_mode = ((const exec_args *)ctx)->file_mode;

	if (file_mode)
		fputs("usage: veil exec-file [--identity F]... [--input-type T] [--output-type T]\n"
		      "                      [--no-fifo] [--filename NAME] [--user U] FILE "
		      "'COMMAND {}'\n"
		      "\n"
		      "Runs COMMAND with /bin/sh, {} replaced by the path of a FIFO that delivers\n"
		      "FILE's plaintext once (in a private 0700 directory, removed afterwards):\n"
		      "the plaintext is never written to a file. --no-fifo: a regular 0600 file\n"
		      "there instead, for commands that read it twice; --filename: its name\n"
		      "(default: FILE's); --output-type: the plaintext in that format; --user:\n"
		      "run COMMAND as that user (needs the privileges to).\n",
		      f);
	else
		fputs("usage: veil exec-env [--identity F]... [--passphrase-file F] [--input-type "
		      "T]\n"
		      "                     [--pristine] [--user U] [--same-process] FILE COMMAND\n"
		      "\n"
		      "Runs COMMAND with /bin/sh, with FILE's decrypted top-level values as\n"
		      "environment variables (key = name). As sops, a nested value or a key with\n"
		      "'=' is refused. --pristine: those variables only, nothing inherited;\n"
		      "--same-process: exec the shell in place of veil; --user: run COMMAND as\n"
		      "that user (needs the privileges to).\n",
		      f);
	fputs("\nExit status: COMMAND's own; else 1 failure, 2 usage, 12 not encrypted, 51 MAC\n"
	      "mismatch, 100 no such file, 128 no identity opens the data key.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	exec_args *a = ctx;

	switch (id) {
	case OPT_PRISTINE:
		a->run.pristine = 1;
		break;
	case OPT_USER:
		a->run.user = arg;
		break;
	case OPT_SAME_PROCESS:
		a->run.same_process = 1;
		break;
	case OPT_NO_FIFO:
		a->no_fifo = 1;
		break;
	case OPT_FILENAME:
		/* sops: a local path, nothing above or outside the directory */
		if (!*arg || strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, ".."))
			return veil_cli__usage("exec-file", "--filename takes a plain file name");
		a->filename = arg;
		break;
	default:
		if (!veil_doc_format_parse(arg))
			return veil_cli__usage("exec-file", "unknown --output-type '%s'", arg);
		a->output_type = arg;
		break;
	}
	return 0;
}

static int parse(exec_args *a, int argc, char **argv, char **operands)
{
	veil_cli_docspec spec = { .cmd = a->file_mode ? "exec-file" : "exec-env",
		                  .opts = a->file_mode ? veil_cli__opts_exec_file
		                                       : veil_cli__opts_exec_env,
		                  .usage = exec_usage,
		                  .own = own_option,
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

/* sops's refusals: a nested value, a key with '=' (or a NUL) cannot be a
 * variable; the command does not run. */
static int env_refused(const exec_args *a, const char *key, const veil_node *it)
{
	if (it->kind == VEIL_NODE_MAP || it->kind == VEIL_NODE_SEQ) {
		veil_cli__error("%s: cannot use complex value in environment; offending key %s",
		                a->d.file, key);
		return VEIL_EXIT_FAIL;
	}
	if (!env_name_ok(key)) {
		veil_cli__error("%s: cannot use keys with '=' in environment: %s", a->d.file, key);
		return VEIL_EXIT_FAIL;
	}
	if (it->kind == VEIL_NODE_SCALAR && strlen(it->value) != it->value_len) {
		veil_cli__error("%s: the value of %s holds a NUL byte: it cannot be an environment "
		                "variable",
		                a->d.file, key);
		return VEIL_EXIT_FAIL;
	}
	return 0;
}

static int run_env(const exec_args *a, veil_cli_session *s)
{
	veil_doc *doc = NULL;
	const char **env = NULL;
	const veil_node *root;
	size_t n = 0;
	int rc = 0, error;

	if (s->fmt == VEIL_FMT_BINARY) {
		veil_cli__error("%s: a binary file has no keys to export", a->d.file);
		return VEIL_EXIT_USAGE;
	}
	if ((error = veil_doc_parse(&doc, s->fmt, s->plain, s->plain_len, a->d.file)) < 0)
		return veil_cli__lib_error(a->d.file, error);
	root = veil_doc_root(doc, 0);
	if (!(env = calloc(2 * (root ? root->nitems : 0) + 1, sizeof(*env)))) {
		rc = veil_cli__lib_error(a->d.file, veil_error_oom());
		goto done;
	}
	for (size_t i = 0; root && i < root->nitems && rc == 0; i++) {
		const veil_node *it = root->items[i];
		if (it->kind == VEIL_NODE_COMMENT || !it->key)
			continue;
		if (it->kind == VEIL_NODE_ALIAS)
			it = it->target;
		if ((rc = env_refused(a, root->items[i]->key, it)) != 0)
			break;
		env[2 * n] = root->items[i]->key;
		env[2 * n + 1] = it->type == VEIL_SCALAR_NULL ? "" : it->value;
		n++;
	}
	if (rc == 0) {
		rc = veil_cli__run_shell_ex(a->cmd, NULL, env, n, &a->run);
		if (rc < 0)
			rc = veil_cli__lib_error(a->cmd, rc);
	}
done:
	free(env);
	veil_doc_free(doc);
	return rc;
}

/* The writer: opens the FIFO (blocking until the command opens it), writes
 * the plaintext, exits. */
static pid_t start_writer(const char *fifo, const char *data, size_t len)
{
	sigset_t mask;
	pid_t pid;
	int fd;

	/* recorded before a signal can end veil: an orphan would keep the
	 * plaintext, blocked on a FIFO nobody opens */
	veil_cli__signals_block(&mask);
	pid = fork();
	if (pid > 0)
		veil_cli__signals_helper(pid, 1);
	if (pid == 0)
		veil_cli__signals_child();
	veil_cli__signals_unblock(&mask);
	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_IGN);
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

/* The plaintext as --output-type asks (malloc'd, wiped by the caller), or
 * NULL for the session's own. */
static int converted(char **out, size_t *len, const exec_args *a, const veil_cli_session *s)
{
	veil_doc_format ofmt = a->output_type ? veil_doc_format_parse(a->output_type) : s->fmt;
	veil_doc *doc = NULL;
	veil_node *roots[64];
	size_t n;
	int error;

	*out = NULL;
	*len = 0;
	if (ofmt == s->fmt || s->fmt == VEIL_FMT_BINARY)
		return 0;
	if ((error = veil_doc_parse(&doc, s->fmt, s->plain, s->plain_len, a->d.file)) < 0)
		return error;
	n = veil_doc_count(doc) < 64 ? veil_doc_count(doc) : 64;
	for (size_t i = 0; i < n; i++)
		roots[i] = veil_doc_root(doc, i);
	error = veil_doc_emit(out, len, ofmt == VEIL_FMT_BINARY ? VEIL_FMT_JSON : ofmt, roots, n,
	                      veil_cli__emit_indent(ofmt, -1, a->d.file, NULL));
	veil_doc_free(doc);
	return error;
}

/* --user: the directory and the file are the target user's, so the
 * command can open them. */
static int give_to_user(const char *dir, const char *path, const char *user)
{
	struct passwd *pw = user ? getpwnam(user) : NULL;

	if (!user)
		return 0;
	if (!pw)
		return veil_error_set(VEIL_ENOTFOUND, "no user '%s'", user);
	if (chown(dir, pw->pw_uid, pw->pw_gid) != 0 || chown(path, pw->pw_uid, pw->pw_gid) != 0)
		return veil_error_set(VEIL_EIO, "chown to %s: %s", user, strerror(errno));
	return 0;
}

/* The FIFO (or with --no-fifo the 0600 file) holding the plaintext; a FIFO's
 * writer is started. */
static int make_source(const exec_args *a, const char *dir, char *path, size_t cap,
                       const char *data, size_t len, pid_t *writer)
{
	const char *base = strrchr(a->d.file, '/') ? strrchr(a->d.file, '/') + 1 : a->d.file;
	int error;

	if (a->filename)
		base = a->filename;
	else if (!*base || !strcmp(base, "-"))
		base = "plaintext";
	if (a->no_fifo)
		return (error = veil_cli__privdir_write(path, cap, dir, base, data, len)) < 0
		               ? error
		               : give_to_user(dir, path, a->run.user);
	snprintf(path, cap, "%s/%s", dir, base);
	if (mkfifo(path, 0600) != 0)
		return veil_error_set(VEIL_EIO, "mkfifo %s: %s", path, strerror(errno));
	if ((error = give_to_user(dir, path, a->run.user)) < 0)
		return error;
	fflush(NULL);
	if ((*writer = start_writer(path, data, len)) < 0)
		return veil_error_set(VEIL_EIO, "fork: %s", strerror(errno));
	return 0;
}

static int run_file(const exec_args *a, veil_cli_session *s)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", path[VEIL_CLI_PRIVDIR_MAX + 256];
	char *script = substitute(a->cmd), *conv = NULL;
	size_t conv_len = 0;
	pid_t writer = -1;
	int rc, error;

	if (!script)
		return veil_cli__lib_error("exec-file", veil_error_oom());
	if ((error = converted(&conv, &conv_len, a, s)) < 0 ||
	    (error = veil_cli__privdir_make_for(dir, a->run.user != NULL)) < 0 ||
	    (error = make_source(a, dir, path, sizeof(path), conv ? conv : s->plain,
	                         conv ? conv_len : s->plain_len, &writer)) < 0) {
		rc = veil_cli__lib_error("exec-file", error);
		goto done;
	}
	rc = veil_cli__run_shell_ex(script, path, NULL, 0, &a->run);
	if (rc < 0)
		rc = veil_cli__lib_error(a->cmd, rc);
done:
	if (writer > 0) {
		/* a command that never read the FIFO leaves the writer blocked */
		kill(writer, SIGKILL);
		while (waitpid(writer, NULL, 0) < 0 && errno == EINTR)
			;
		veil_cli__signals_helper(writer, 0);
	}
	veil_cli__privdir_remove(dir);
	veil_wipe_free(conv, conv_len);
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
