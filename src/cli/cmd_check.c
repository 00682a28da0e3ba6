/*
 * veil check: refuse plaintext secrets. This file scans paths on disk; the
 * git sources (--staged, --all, --history) feed the same context through
 * veil_check_blob() with the blob's path relative to the repository root.
 */
#include "check_git.h"
#include "commands.h"
#include "check_paths.h"
#include "cmd_check.h"
#include "sops_cli.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_IDS 32

enum {
	OPT_FORMAT = 1,
	OPT_PRINT_IGNORE,
	OPT_IDENTITY,
	OPT_NO_IGNORE,
	OPT_ROOT,
	OPT_MAX_SIZE,
	OPT_HELP,
	OPT_STAGED,
	OPT_ALL,
	OPT_HISTORY,
	OPT_JOBS,
};

const veil_opt veil_cli__opts_check[] = {
	{ "format", 0, 1, OPT_FORMAT },
	{ "print-ignore", 0, 0, OPT_PRINT_IGNORE },
	{ "identity", 'i', 1, OPT_IDENTITY },
	{ "no-ignore", 0, 0, OPT_NO_IGNORE },
	{ "root", 0, 1, OPT_ROOT },
	{ "max-size", 0, 1, OPT_MAX_SIZE },
	{ "help", 'h', 0, OPT_HELP },
	{ "staged", 0, 0, OPT_STAGED },
	{ "all", 0, 0, OPT_ALL },
	{ "history", 0, 0, OPT_HISTORY },
	{ "jobs", 'j', 1, OPT_JOBS },
	{ NULL, 0, 0, 0 },
};

static void check_usage(FILE *f)
{
	fputs("usage: veil check [--staged | --all | --history] [--format text|json|sarif] "
	      "[--print-ignore] [--identity FILE]...\n"
	      "                  [--no-ignore] [--root DIR] [--max-size BYTES] [--jobs N] "
	      "[PATH...]\n"
	      "\n"
	      "Scans files and directories (default: .) for plaintext secrets: private keys,\n"
	      "cloud and SaaS tokens, passwords in URLs and secret-like keys, Kubernetes Secrets\n"
	      "(data/stringData, List items, last-applied annotation, kustomize secretGenerator\n"
	      "and patches, kubeconfig, docker config), files a .sops.yaml creation rule says are\n"
	      "encrypted, and plaintext values pasted into encrypted files. Directories are\n"
	      "walked recursively without .git.\n"
	      "\n"
	      "Manifests are judged as Kubernetes loads them, not as their bytes read: aliases\n"
	      "and merge keys are followed (an alias bomb is refused: yaml-alias-bomb), escapes\n"
	      "and !!binary decoded, each document of a stream read on its own (a syntax error\n"
	      "ends only its document), JSON streams value by value. A templated value passes\n"
	      "only when it cannot hold a literal ({{ .Values.x }}, ${VAR}; not\n"
	      "{{ \"literal\" }} or ${VAR:-literal}). A file a .sops.yaml rule names must encrypt\n"
	      "what the rule encrypts, whatever its own sops metadata selects, and be keyed for\n"
	      "the rule's age recipients: one the rule no longer lists can still decrypt it\n"
	      "(sops-recipient-removed; fix: veil updatekeys), one it lists that the file\n"
	      "lacks is a warning (sops-recipient-missing, sops-key-groups-changed).\n"
	      "Nothing is skipped silently: UTF-16 is decoded; bytes no YAML reader takes (a\n"
	      "NUL) are read over; binary data gets the exact-format detectors (keys, tokens);\n"
	      "what could not be checked is a warning: check-skipped (over --max-size, or over\n"
	      "256 MiB for the Kubernetes and sops checks), yaml-unparsed (a document of a\n"
	      "YAML/JSON file that mentions a Secret and does not parse past some point).\n"
	      "\n"
	      "  --staged         the blobs staged in the git index (what the next commit\n"
	      "                   holds), never the working tree; the pre-commit hook runs this\n"
	      "  --all            every file of the index, read from git\n"
	      "  --history        every blob of every commit reachable from HEAD and the refs,\n"
	      "                   each once; the finding names the commit that introduced it\n"
	      "  --format F       text (default), json, or sarif (SARIF 2.1.0); lines and\n"
	      "                   columns start at 1 (a finding about a whole file is at 1:1)\n"
	      "  --print-ignore   print a .veilignore line (PATH RULE SHA256) per finding\n"
	      "  -i, --identity F verify sops MACs with this identity; repeatable. Default: the\n"
	      "                   usual lookup (VEIL_AGE_KEY, ..., ~/.config/sops/age/keys.txt)\n"
	      "  --no-ignore      report findings allowlisted by veil:allow or .veilignore too\n"
	      "  --root DIR       where .sops.yaml and .veilignore are read, and what paths are\n"
	      "                   relative to (default: the enclosing git work tree, else .)\n"
	      "  --max-size N     the content detectors skip files larger than N bytes, with a\n"
	      "                   check-skipped warning for each (default: no limit)\n"
	      "  -j, --jobs N     scan PATHs on N threads (default: $VEIL_CHECK_JOBS, else one\n"
	      "                   per CPU the process may use, at most 8); the output is the same "
	      "for any N\n"
	      "\n"
	      "Allowlist: \"veil:allow\" on the line, or a .veilignore line \"PATH RULE SHA256\".\n"
	      "Exit status: 0 clean (warnings only), 1 findings, 2 usage or scan error.\n",
	      f);
}

/* The enclosing git work tree of dir, else dir itself. *out malloc'd. */
static int find_root(char **out, const char *dir)
{
	char *cur = realpath(dir, NULL);
	char probe[PATH_MAX + 8];
	struct stat st;

	if (!cur)
		return veil_error_set(VEIL_ENOTFOUND, "%s: %s", dir, strerror(errno));
	for (char *p = cur + strlen(cur);;) {
		size_t n = (size_t)(p - cur);
		if (n == 0)
			n = 1;
		if ((size_t)snprintf(probe, sizeof(probe), "%.*s/.git", (int)n, cur) <
		            sizeof(probe) &&
		    lstat(probe, &st) == 0) {
			*out = strndup(cur, n);
			free(cur);
			return *out ? 0 : veil_error_oom();
		}
		while (p > cur && *--p != '/')
			;
		if (p == cur)
			break;
	}
	*out = realpath(dir, NULL);
	free(cur);
	return *out ? 0 : veil_error_oom();
}

int veil_cli__check_feed(veil_check *ctx, const char *path, const void *data, size_t len,
                         unsigned int attrs)
{
	return veil_check_blob(ctx, path, data, len, attrs);
}

static int stdout_write(void *payload, const uint8_t *buf, size_t len)
{
	(void)payload;
	return fwrite(buf, 1, len, stdout) == len
	               ? 0
	               : veil_error_set(VEIL_EIO, "stdout: write failed");
}

int veil_cli__check_report(veil_check *ctx, veil_check_format fmt)
{
	int error = veil_check_report(ctx, fmt, stdout_write, NULL);

	if (!error && fflush(stdout) != 0)
		error = veil_error_set(VEIL_EIO, "stdout: write failed");
	if (error)
		return veil_cli__lib_error("report", error) ? VEIL_EXIT_USAGE : VEIL_EXIT_USAGE;
	return veil_check_count(ctx, VEIL_CHECK_ERROR) ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
}

#define MAX_JOBS 8

static int parse_jobs(unsigned int *jobs, const char *arg)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || arg[0] == '-' || n > MAX_JOBS)
		return -1;
	*jobs = (unsigned int)n;
	return 0;
}

static int parse_format(veil_check_format *fmt, const char *arg)
{
	if (!strcmp(arg, "text"))
		*fmt = VEIL_CHECK_FORMAT_TEXT;
	else if (!strcmp(arg, "json"))
		*fmt = VEIL_CHECK_FORMAT_JSON;
	else if (!strcmp(arg, "sarif"))
		*fmt = VEIL_CHECK_FORMAT_SARIF;
	else
		return -1;
	return 0;
}

/* What the command line asked for. */
typedef struct check_args {
	veil_check_options o;
	veil_check_format fmt;
	const char *ids[MAX_IDS], *root_arg;
	size_t nids;
	unsigned int jobs;
	int print_ignore, git, help;
	char **operands;
	int noperands;
} check_args;

/* One option into a; 0 or the usage exit code (message printed). */
static int take_option(check_args *a, int id, const char *arg)
{
	char *endp;

	switch (id) {
	case OPT_HELP:
		a->help = 1;
		return 0;
	case OPT_FORMAT:
		return parse_format(&a->fmt, arg) == 0
		               ? 0
		               : veil_cli__usage("check", "unknown --format '%s'", arg);
	case OPT_PRINT_IGNORE:
		a->print_ignore = 1;
		return 0;
	case OPT_IDENTITY:
		if (a->nids == MAX_IDS)
			return veil_cli__usage("check", "at most %d --identity", MAX_IDS);
		a->ids[a->nids++] = arg;
		return 0;
	case OPT_NO_IGNORE:
		a->o.flags |= VEIL_CHECK_NO_IGNORE;
		return 0;
	case OPT_ROOT:
		a->root_arg = arg;
		return 0;
	case OPT_STAGED:
	case OPT_ALL:
	case OPT_HISTORY:
		if (a->git)
			return veil_cli__usage("check", "only one of --staged, --all, --history");
		a->git = veil_cli__check_git_mode(id == OPT_STAGED, id == OPT_HISTORY);
		return 0;
	case OPT_JOBS:
		return parse_jobs(&a->jobs, arg) == 0
		               ? 0
		               : veil_cli__usage("check", "--jobs wants a number of threads, 0-%d",
		                                 MAX_JOBS);
	case OPT_MAX_SIZE:
		errno = 0;
		a->o.max_scan_size = (size_t)strtoull(arg, &endp, 10);
		if (errno || *endp || endp == arg || !a->o.max_scan_size)
			return veil_cli__usage("check", "--max-size wants a positive byte count");
		return 0;
	default:
		return veil_cli__usage("check", "unexpected option");
	}
}

static int parse_args(check_args *a, int argc, char **argv)
{
	const char *env = getenv("VEIL_CHECK_JOBS"), *arg;
	veil_optstate st;
	int id = VEIL_OPT_END, rc = 0;

	/* a bad value in the environment is ignored: the option can override it */
	if (env && *env && parse_jobs(&a->jobs, env) != 0)
		a->jobs = 0;
	veil_cli__opt_init(&st, argc, argv, a->operands, "check");
	while (rc == 0 && !a->help &&
	       (id = veil_cli__opt_next(&st, veil_cli__opts_check, &arg)) > 0)
		rc = take_option(a, id, arg);
	if (rc || a->help)
		return rc;
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	a->noperands = st.noperands;
	if (a->git && (a->noperands || a->root_arg))
		return veil_cli__usage("check", "--staged, --all and --history read the repository "
		                                "around the working directory: no PATH or --root");
	return 0;
}

/* --root, the repository's root for the git modes, else the directory of
 * the nearest .git or .sops.yaml above "." (find_root). */
static int resolve_root(char **root, const check_args *a)
{
	if (a->root_arg)
		return (*root = realpath(a->root_arg, NULL))
		               ? 0
		               : veil_error_set(VEIL_ENOTFOUND, "--root %s: %s", a->root_arg,
		                                strerror(errno));
	return a->git ? veil_cli__check_git_root(root) : find_root(root, ".");
}

static int run(check_args *a)
{
	veil_identities *idl = NULL;
	veil_check *ctx = NULL;
	char *root = NULL, *dot[] = { ".", NULL };
	veil_check_format fmt = a->print_ignore ? VEIL_CHECK_FORMAT_IGNORE : a->fmt;
	int rc = VEIL_EXIT_USAGE, failed, error;

	if ((error = resolve_root(&root, a)) < 0) {
		veil_cli__lib_error("check", error);
		goto done;
	}
	if (veil_cli__doc_identities(&idl, a->ids, a->nids) != 0)
		goto done;
	a->o.root = root;
	a->o.identities = veil_identities_count(idl) ? idl : NULL;
	if ((error = veil_check_new(&ctx, &a->o)) != 0) {
		veil_cli__lib_error("check", error);
		goto done;
	}
	if (a->git) {
		rc = veil_cli__check_git(ctx, a->git, fmt);
		goto done;
	}
	failed = veil_cli__check_paths(ctx, &a->o, a->noperands ? a->operands : dot,
	                               a->noperands ? (size_t)a->noperands : 1, a->jobs);
	rc = veil_cli__check_report(ctx, fmt);
	if (failed && rc == VEIL_EXIT_OK)
		rc = VEIL_EXIT_USAGE;
done:
	veil_check_free(ctx);
	veil_identities_free(idl);
	free(root);
	return rc;
}

int veil_cli__cmd_check(int argc, char **argv)
{
	check_args a = { .o = VEIL_CHECK_OPTIONS_INIT, .fmt = VEIL_CHECK_FORMAT_TEXT };
	int rc;

	if (!(a.operands = calloc((size_t)argc + 1, sizeof(char *))))
		return VEIL_EXIT_USAGE;
	rc = parse_args(&a, argc, argv);
	if (rc == 0 && a.help)
		check_usage(stdout);
	else if (rc == 0)
		rc = run(&a);
	free(a.operands);
	return rc;
}
