#ifndef VEIL_CLI_COMMANDS_H
#define VEIL_CLI_COMMANDS_H
/*
 * Every command and subcommand of veil, with the option table its parser
 * uses. main.c dispatches and prints `veil --help` from it; `veil
 * completion` generates the bash, zsh and fish completions from it; and
 * tests/cli/docs_coverage.sh holds the man page and every command's --help
 * against it (`veil completion list`). A command's options therefore exist
 * in one place only: the veil_opt table its parser reads, declared here.
 *
 * A new command: its table here (non-static in its file), an entry in
 * commands.c. A new option: only its table (and its --help text, the man
 * page, which the test then asks for).
 */
#include "cli.h"

/* What a command's operands are, for completion. */
typedef enum veil_cli_operands {
	VEIL_CLI_OPERANDS_NONE = 0,
	VEIL_CLI_OPERANDS_FILES,    /* paths: files and directories */
	VEIL_CLI_OPERANDS_COMMANDS, /* command names (help's) */
} veil_cli_operands;

typedef struct veil_cli_cmd veil_cli_cmd;
struct veil_cli_cmd {
	const char *name;
	const char *summary;
	/* the top-level entry point (argv[0] is the name); NULL for a
	 * subcommand, which its parent's run dispatches */
	int (*run)(int argc, char **argv);
	const veil_opt *opts; /* the table its parser uses (at least --help) */
	veil_cli_operands operands;
	const veil_cli_cmd *subs; /* NULL, or a list ending with a NULL name */
	unsigned flags;
};

/* `veil CMD SUB --help` prints SUB's own help (not CMD's). */
#define VEIL_CLI_OWN_HELP 1u
/* sops mode: the options and subcommands are sops's (sops_mode.h tables). */
#define VEIL_CLI_SOPS     2u

/* The top level, in `veil --help` order; the last entry has a NULL name. */
extern const veil_cli_cmd veil_cli__commands[];

/* The entry named name in list, or NULL. */
const veil_cli_cmd *veil_cli__command_find(const veil_cli_cmd *list, const char *name);

/* The option tables (each in its command's file). */
extern const veil_opt veil_cli__opts_top[];  /* before a command: --help, --version */
extern const veil_opt veil_cli__opts_help[]; /* --help only */
extern const veil_opt veil_cli__opts_keygen[];
extern const veil_opt veil_cli__opts_encrypt[];
extern const veil_opt veil_cli__opts_decrypt[];
extern const veil_opt veil_cli__opts_filestatus[];
extern const veil_opt veil_cli__opts_set[];
extern const veil_opt veil_cli__opts_unset[];
extern const veil_opt veil_cli__opts_rotate[];
extern const veil_opt veil_cli__opts_updatekeys[];
extern const veil_opt veil_cli__opts_edit[];
extern const veil_opt veil_cli__opts_exec_env[];
extern const veil_opt veil_cli__opts_exec_file[];
extern const veil_opt veil_cli__opts_k8s_keys[];
extern const veil_opt veil_cli__opts_k8s_decrypt[];
extern const veil_opt veil_cli__opts_k8s_krm[];
extern const veil_opt veil_cli__opts_k8s_cmp_discover[];
extern const veil_opt veil_cli__opts_k8s_cmp_generate[];
extern const veil_opt veil_cli__opts_age[];
extern const veil_opt veil_cli__opts_check[];
extern const veil_opt veil_cli__opts_audit[];
extern const veil_opt veil_cli__opts_groups[];

/* veil completion bash|zsh|fish|list (cmd_completion.c) */
int veil_cli__cmd_completion(int argc, char **argv);
/* main.c: veil version, veil sops ARGS..., veil help [COMMAND [SUB]] */
int veil_cli__cmd_version(int argc, char **argv);
int veil_cli__cmd_sops(int argc, char **argv);
int veil_cli__cmd_help(int argc, char **argv);

#endif
