/* veil: command dispatch. Only src/cli prints or exits. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <yaml.h>
#include "cli.h"
#include "commands.h"
#include "veil/sops.h"
#include "sops_mode.h"

/* `veil --help`: every command, with its subcommands. */
static void usage(FILE *f)
{
	fputs("usage: veil <command> [options]\n"
	      "       veil -h | --help | -v | --version\n\ncommands:\n",
	      f);
	for (const veil_cli_cmd *c = veil_cli__commands; c->name; c++) {
		fprintf(f, "  %-16s %s\n", c->name, c->summary);
		for (const veil_cli_cmd *s = c->subs; s && s->name; s++)
			fprintf(f, "%s%s", s == c->subs ? "                   subcommands: " : ", ",
			        s->name);
		if (c->subs)
			fputc('\n', f);
	}
	fputs("\nRun 'veil COMMAND --help' for a command's options, 'man veil' for more.\n"
	      "A link to veil named sops takes sops's command line; one named veil-krm is\n"
	      "'veil k8s krm'.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error; the document commands use\n"
	      "sops's numbers (51 MAC mismatch, 100 no such file, 128 no key, ...).\n",
	      f);
}

/* The help of c, or of the deepest subcommand named by words (what
 * follows c's name: "cmp generate" of "k8s cmp generate") that has its own. */
static int command_help(const veil_cli_cmd *c, int nwords, char **words)
{
	static char help_flag[] = "--help";
	const veil_cli_cmd *list = c->subs, *s;
	char *args[5];
	int n = 0;

	args[n++] = (char *)c->name;
	for (int i = 0; i < nwords && i < 2 && list; i++) {
		s = veil_cli__command_find(list, words[i]);
		if (!s || !(s->flags & VEIL_CLI_OWN_HELP))
			break;
		args[n++] = (char *)s->name;
		list = s->subs;
	}
	args[n++] = help_flag;
	args[n] = NULL;
	return c->run(n, args);
}

/* "veil help CMD [SUB]" is "veil CMD [SUB] --help". */
int veil_cli__cmd_help(int argc, char **argv)
{
	const veil_cli_cmd *c;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return VEIL_EXIT_OK;
	}
	c = veil_cli__command_find(veil_cli__commands, argv[1]);
	if (!c) {
		veil_cli__error("unknown command '%s'", argv[1]);
		veil_cli__hint("try 'veil --help'");
		return VEIL_EXIT_USAGE;
	}
	if (c->run == veil_cli__cmd_help)
		return veil_cli__cmd_help(1, argv);
	return command_help(c, argc - 2, argv + 2);
}

/* --help or -h anywhere among a command's arguments (before "--") asks for
 * its help and nothing else: no command may act on a misplaced --help (as
 * `git setup --help` once wrote "--help filter=veil" into .gitattributes). */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

static int print_version(void)
{
	/* which AES-GCM code runs is part of a useful bug report */
	printf("veil %s (libsodium %s, libyaml %s, AES-GCM: libcrypto %s)\n", VEIL_VERSION,
	       sodium_version_string(), yaml_get_version_string(), veil_sops_gcm_backend());
	return VEIL_EXIT_OK;
}

int veil_cli__cmd_version(int argc, char **argv)
{
	if (argc > 1 && wants_help(argc, argv)) {
		fputs("usage: veil version   (also: veil --version, veil -v)\n"
		      "\n"
		      "Prints veil's version and those of the libraries it runs on.\n",
		      stdout);
		return VEIL_EXIT_OK;
	}
	if (argc > 1)
		return veil_cli__usage("version", "version takes no arguments");
	return print_version();
}

/* `veil sops ARGS...` is `sops ARGS...`: sops's own parser sees every
 * argument, --help included. */
int veil_cli__cmd_sops(int argc, char **argv)
{
	static char sops[] = "sops";

	argv[0] = sops;
	return veil_cli__sops_main(argc, argv);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int run_krm(int argc, char **argv)
{
	static char k8s[] = "k8s";
	static char krm[] = "krm";
	char *args[64];
	int n = 0;

	if (argc > 62) {
		veil_cli__error("veil-krm: too many arguments");
		return VEIL_EXIT_USAGE;
	}
	args[n++] = k8s;
	args[n++] = krm;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	veil_cli__signals_install();
	veil_cli__ui_install();
	return veil_cli__cmd_k8s(n, args);
}

int main(int argc, char **argv)
{
	const veil_cli_cmd *c;

	if (veil_init() < 0) {
		veil_cli__error("%s", veil_error_last());
		return VEIL_EXIT_FAIL;
	}
	/* before any command holds a key or plaintext: no core dumps */
	if (veil_cli__harden() < 0)
		return VEIL_EXIT_FAIL;
	/* a link named veil-krm is `veil k8s krm`: kustomize runs an exec
	 * function without arguments */
	if (argc >= 1 && argv[0] && !strcmp(base_name(argv[0]), "veil-krm"))
		return run_krm(argc, argv);
	/* a link or copy named sops takes sops's command line */
	if (argc >= 1 && argv[0] && !strcmp(base_name(argv[0]), "sops")) {
		veil_cli__signals_install();
		return veil_cli__sops_main(argc, argv);
	}
	if (argc < 2) {
		veil_cli__error("missing command");
		veil_cli__hint("try 'veil --help'");
		return VEIL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return veil_cli__cmd_help(1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))
		return print_version();
	c = veil_cli__command_find(veil_cli__commands, argv[1]);
	if (!c) {
		veil_cli__error("unknown command '%s'", argv[1]);
		veil_cli__hint("try 'veil --help'");
		return VEIL_EXIT_USAGE;
	}
	if (c->run != veil_cli__cmd_sops && c->run != veil_cli__cmd_help &&
	    wants_help(argc - 1, argv + 1))
		return command_help(c, argc - 2, argv + 2);
	veil_cli__signals_install();
	veil_cli__ui_install();
	return c->run(argc - 1, argv + 1);
}
