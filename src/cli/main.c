/* veil: command dispatch. Only src/cli prints or exits. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <yaml.h>
#include "cli.h"
#include "veil/sops.h"
#include "cmd_git.h"
#include "cmd_check.h"
#include "sops_mode.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static int cmd_version(int argc, char **argv);
static int cmd_sops(int argc, char **argv);

/* Subcommands with a --help of their own ("veil k8s decrypt --help"). */
static const char *const own_help_subs[][2] = {
	{ "k8s", "decrypt" },
	{ "k8s", "krm" },
};

static const command commands[] = {
	{ "keygen", veil_cli__cmd_keygen, "make an age identity, or print recipients (-y)" },
	{ "encrypt", veil_cli__cmd_encrypt, "encrypt the values of a YAML/JSON/.env/INI file" },
	{ "decrypt", veil_cli__cmd_decrypt, "decrypt a SOPS file, MAC verified first" },
	{ "filestatus", veil_cli__cmd_filestatus, "print {\"encrypted\":true|false} (as sops)" },
	{ "set", veil_cli__cmd_set, "set one value of an encrypted file in place" },
	{ "unset", veil_cli__cmd_unset, "remove one key of an encrypted file in place" },
	{ "rotate", veil_cli__cmd_rotate, "re-encrypt a file under a new data key" },
	{ "updatekeys", veil_cli__cmd_updatekeys,
	  "wrap the data key for the .sops.yaml rule's keys" },
	{ "edit", veil_cli__cmd_edit, "edit an encrypted file in $EDITOR, re-encrypted on save" },
	{ "exec-env", veil_cli__cmd_exec_env,
	  "run a command with the decrypted values in its env" },
	{ "exec-file", veil_cli__cmd_exec_file,
	  "run a command with {} as a FIFO of the plaintext" },
	{ "k8s-keys", veil_cli__cmd_k8s_keys,
	  "check the keys the k8s commands load: print recipients" },
	{ "k8s", veil_cli__cmd_k8s, "decrypt manifest streams; kustomize KRM function/plugin" },
	{ "age", veil_cli__cmd_age, "encrypt (-e) or decrypt (-d) age files, flags as age" },
	{ "hook", veil_cli__cmd_hook, "install or uninstall the pre-commit hook (check --staged)" },
	{ "git", veil_cli__cmd_git, "git setup, and the clean/smudge/textconv filter drivers" },
	{ "check", veil_cli__cmd_check, "refuse plaintext secrets in files (exit 1 on findings)" },
	{ "groups", veil_cli__cmd_groups, "add or delete a key group of an encrypted file" },
	{ "sops", cmd_sops, "sops 3.13.2's command line (also: a link named sops)" },
	{ "version", cmd_version, "print versions" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const command *c;

	fputs("usage: veil <command> [options]\n\ncommands:\n", f);
	for (c = commands; c->name; c++)
		fprintf(f, "  %-16s %s\n", c->name, c->summary);
	fputs("  help [COMMAND]   show help\n"
	      "\nRun 'veil COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error; the document commands use\n"
	      "sops's numbers (51 MAC mismatch, 100 no such file, 128 no key, ...).\n",
	      f);
}

static const command *find(const char *name)
{
	const command *c;

	for (c = commands; c->name; c++) {
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

/* The help of c, or of its subcommand sub when that has its own. */
static int command_help(const command *c, const char *sub)
{
	static char help_flag[] = "--help";
	char *args[4];
	int n = 0;

	args[n++] = (char *)c->name;
	for (size_t i = 0; sub && i < sizeof(own_help_subs) / sizeof(own_help_subs[0]); i++)
		if (!strcmp(own_help_subs[i][0], c->name) && !strcmp(own_help_subs[i][1], sub))
			args[n++] = (char *)sub;
	args[n++] = help_flag;
	args[n] = NULL;
	return c->run(n, args);
}

/* "veil help CMD [SUB]" is "veil CMD [SUB] --help". */
static int help(int argc, char **argv)
{
	const command *c;

	if (argc < 3) {
		usage(stdout);
		return VEIL_EXIT_OK;
	}
	c = find(argv[2]);
	if (!c) {
		veil_cli__error("unknown command '%s'", argv[2]);
		veil_cli__hint("try 'veil --help'");
		return VEIL_EXIT_USAGE;
	}
	return command_help(c, argc > 3 ? argv[3] : NULL);
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

static int cmd_version(int argc, char **argv)
{
	(void)argv;
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
static int cmd_sops(int argc, char **argv)
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
	const command *c;

	if (veil_init() < 0) {
		veil_cli__error("%s", veil_error_last());
		return VEIL_EXIT_FAIL;
	}
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
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return help(argc, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))
		return print_version();
	c = find(argv[1]);
	if (!c) {
		veil_cli__error("unknown command '%s'", argv[1]);
		veil_cli__hint("try 'veil --help'");
		return VEIL_EXIT_USAGE;
	}
	if (c->run != cmd_sops && wants_help(argc - 1, argv + 1))
		return command_help(c, argc > 2 ? argv[2] : NULL);
	veil_cli__signals_install();
	veil_cli__ui_install();
	return c->run(argc - 1, argv + 1);
}
