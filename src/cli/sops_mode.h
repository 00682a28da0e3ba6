#ifndef VEIL_CLI_SOPS_MODE_H
#define VEIL_CLI_SOPS_MODE_H
/*
 * sops mode: veil invoked as `sops` (a link or copy of that name) or as
 * `veil sops ARGS...` takes sops 3.13.2's command line (cmd/sops/main.go at
 * getsops/sops 15e36f97, the v3.13.2 merge) and runs the same command
 * functions as `veil decrypt`, `veil encrypt`... with translated arguments:
 * one implementation, two command lines.
 *
 * The command line is parsed as sops's urfave/cli v1.22.17 parses it: Go's
 * flag package (-x and --x alike, -x=v, no clustering, parsing stops at the
 * first operand, "--" ends the flags), every command's flags moved before
 * its operands first (urfave's reorderArgs; not at the top level, where
 * flags after the file are ignored with a warning, as sops does), values
 * from the environment variables sops binds to flags, -h/--help on every
 * command, -v/--version at the top.
 *
 * Every flag of every command is in a veil_opt table below, so the man
 * page and completion generators can enumerate them.
 */
#include <stdio.h>
#include "cli.h"

/* sops's flags; one id per flag name, shared by every command that has it. */
enum {
	SF_NONE = 0,
	SF_DECRYPT,
	SF_ENCRYPT,
	SF_ROTATE,
	SF_DISABLE_VERSION_CHECK,
	SF_CHECK_FOR_UPDATES,
	SF_KMS,
	SF_AWS_PROFILE,
	SF_GCP_KMS,
	SF_HCKMS,
	SF_AZURE_KV,
	SF_HC_VAULT_TRANSIT,
	SF_PGP,
	SF_AGE,
	SF_IN_PLACE,
	SF_EXTRACT,
	SF_INPUT_TYPE,
	SF_OUTPUT_TYPE,
	SF_SHOW_MASTER_KEYS,
	SF_ADD_GCP_KMS,
	SF_RM_GCP_KMS,
	SF_ADD_HCKMS,
	SF_RM_HCKMS,
	SF_ADD_AZURE_KV,
	SF_RM_AZURE_KV,
	SF_ADD_KMS,
	SF_RM_KMS,
	SF_ADD_HC_VAULT_TRANSIT,
	SF_RM_HC_VAULT_TRANSIT,
	SF_ADD_AGE,
	SF_RM_AGE,
	SF_ADD_PGP,
	SF_RM_PGP,
	SF_IGNORE_MAC,
	SF_MAC_ONLY_ENCRYPTED,
	SF_UNENCRYPTED_SUFFIX,
	SF_ENCRYPTED_SUFFIX,
	SF_UNENCRYPTED_REGEX,
	SF_ENCRYPTED_REGEX,
	SF_UNENCRYPTED_COMMENT_REGEX,
	SF_ENCRYPTED_COMMENT_REGEX,
	SF_CONFIG,
	SF_ENCRYPTION_CONTEXT,
	SF_SET,
	SF_SHAMIR,
	SF_INDENT,
	SF_VERBOSE,
	SF_OUTPUT,
	SF_FILENAME_OVERRIDE,
	SF_DECRYPTION_ORDER,
	SF_ENABLE_LOCAL_KEYSERVICE,
	SF_KEYSERVICE,
	SF_HELP,
	SF_VERSION,
	SF_BACKGROUND,
	SF_PRISTINE,
	SF_USER,
	SF_SAME_PROCESS,
	SF_NO_FIFO,
	SF_FILENAME,
	SF_YES,
	SF_OMIT_EXTENSIONS,
	SF_RECURSIVE,
	SF_NETWORK,
	SF_ADDRESS,
	SF_PROMPT,
	SF_FILE,
	SF_VALUE_FILE,
	SF_VALUE_STDIN,
	SF_IDEMPOTENT,
	/* groups add's key lists are repeatable (StringSliceFlag) */
	SF_G_PGP,
	SF_G_KMS,
	SF_G_GCP_KMS,
	SF_G_HCKMS,
	SF_G_AZURE_KV,
	SF_G_HC_VAULT_TRANSIT,
	SF_G_AGE,
	SF_COUNT
};

/* How a flag takes its value (urfave's flag types). */
typedef enum sops_kind {
	SK_BOOL = 0, /* BoolFlag: -x, -x=true|false */
	SK_BOOLT,    /* BoolTFlag: true unless -x=false */
	SK_STRING,   /* StringFlag: the last one wins */
	SK_INT,      /* IntFlag: Go's strconv.ParseInt(s, 0, 64) */
	SK_SLICE,    /* StringSliceFlag: repeatable */
} sops_kind;

typedef struct sops_flag_info {
	sops_kind kind;
	const char *env;         /* the variable sops reads it from, or NULL */
	const char *unsupported; /* what veil lacks when it is given, or NULL */
	const char *help;
} sops_flag_info;

extern const sops_flag_info veil_cli__sops_flags[SF_COUNT];

/* A flag's value after parsing. */
typedef struct sops_val {
	int set;       /* given on the command line or by its variable */
	int from_env;  /* by its variable only */
	int b;         /* bool */
	long n;        /* int */
	const char *s; /* string (points into argv or the environment) */
	char **list;   /* slice (malloc'd array of malloc'd strings) */
	size_t nlist;
} sops_val;

typedef struct sops_ctx sops_ctx;
typedef struct sops_command sops_command;

struct sops_command {
	const char *name;
	const char *alias;      /* "h" for help, or NULL */
	const char *args_usage; /* e.g. "[file]" */
	const char *summary;
	const veil_opt *opts; /* NULL: the command takes no flags (help) */
	const sops_command *subs;
	int (*run)(sops_ctx *c);
};

struct sops_ctx {
	sops_val g[SF_COUNT]; /* the top-level flags */
	sops_val l[SF_COUNT]; /* the command's own */
	char **args;          /* operands (malloc'd array into argv) */
	int nargs;
	const sops_command *cmd; /* NULL for the top-level action */
	const char *path;        /* "sops", "sops groups", ... for messages */
};

/* The command tables (sops_table.c). */
extern const veil_opt veil_cli__sops_global_opts[];
extern const sops_command veil_cli__sops_commands[];

/* sops_flags.c: parses args (after the command name) into vals against
 * opts, Go flag package style, after urfave's reorder when reorder is set;
 * the operands go to *rest (malloc'd). 0 ok, or -1 after printing the
 * error. */
int veil_cli__sops_parse(sops_val *vals, const veil_opt *opts, char **args, int nargs, int reorder,
                         char ***rest, int *nrest);
void veil_cli__sops_vals_free(sops_val *vals);
/* The name a flag id is known by ("kms"), for messages. */
const char *veil_cli__sops_flag_name(int id);

/* sops_help.c */
void veil_cli__sops_app_help(FILE *f);
void veil_cli__sops_command_help(FILE *f, const char *path, const sops_command *c);
int veil_cli__sops_completion(const char *shell);
void veil_cli__sops_version(void);

/* sops_run.c: the commands. */
int veil_cli__sops_run_legacy(sops_ctx *c);
int veil_cli__sops_run_decrypt(sops_ctx *c);
int veil_cli__sops_run_encrypt(sops_ctx *c);
int veil_cli__sops_run_rotate(sops_ctx *c);
int veil_cli__sops_run_edit(sops_ctx *c);
int veil_cli__sops_run_set(sops_ctx *c);
int veil_cli__sops_run_unset(sops_ctx *c);
int veil_cli__sops_run_updatekeys(sops_ctx *c);
int veil_cli__sops_run_filestatus(sops_ctx *c);
int veil_cli__sops_run_exec_env(sops_ctx *c);
int veil_cli__sops_run_exec_file(sops_ctx *c);
int veil_cli__sops_run_groups_add(sops_ctx *c);
int veil_cli__sops_run_groups_delete(sops_ctx *c);
int veil_cli__sops_run_completion(sops_ctx *c);
int veil_cli__sops_run_refused(sops_ctx *c);

/* The entry point (main.c): argv[0] is "sops". */
int veil_cli__sops_main(int argc, char **argv);

#endif
