#ifndef VEIL_CLI_SOPS_ARGS_H
#define VEIL_CLI_SOPS_ARGS_H
/*
 * What sops mode's commands share: building the argv of the veil command
 * that does the work, sops's own checks before it runs (with sops's exit
 * codes), and the translation of veil's exit codes back.
 */
#include "sops_mode.h"

#define SOPS_VARGS_MAX 192

/* The argv of one veil command: flags first, then "--", then operands (so
 * a sops operand that starts with '-' stays an operand). */
typedef struct sops_vargs {
	const char *v[SOPS_VARGS_MAX + 1];
	int n;
	int overflow;
} sops_vargs;

void veil_cli__sops_add(sops_vargs *a, const char *s);
void veil_cli__sops_add2(sops_vargs *a, const char *flag, const char *value);
/* --input-type/--output-type as sops reads them: a name it does not know
 * means "from the file name", so it is left out. */
void veil_cli__sops_add_type(sops_vargs *a, const char *flag, const sops_val *v);
/* A sops operand as a veil operand: sops reads "-" as a file named "-". */
void veil_cli__sops_add_path(sops_vargs *a, const char *path);
/* Runs a veil command with a's argv; its exit code. */
int veil_cli__sops_call(sops_vargs *a, int (*cmd)(int, char **));

/* A veil command's exit code as sops would give it (exit_codes.h). */
int veil_cli__sops_exit_code(int rc);

/* sops's warning for operands after the first ("flags must come first"). */
void veil_cli__sops_warn_extra(const sops_ctx *c);
/* Does path exist (sops checks with os.Stat before anything)? */
int veil_cli__sops_exists(const char *path);
/* The flag is set to a non-empty value (a string) or true (a bool). */
int veil_cli__sops_given(const sops_val *v);

/* Refusals of what veil lacks, with a message naming it; 0 or an exit code.
 * key_sources: --kms, --pgp, ... (and their variables) for a new file;
 * add_rm: --add-kms, --rm-pgp, ...; always: --keyservice,
 * --enable-local-keyservice=false, a repeated --decryption-order type. */
int veil_cli__sops_refuse_key_sources(const sops_val *vals);
int veil_cli__sops_refuse_add_rm(const sops_val *vals);
int veil_cli__sops_refuse_always(const sops_val *vals);

/* sops's parseTreePath: 0 if path reads as ["key"][0]... (also 'key'). */
int veil_cli__sops_tree_path_ok(const char *path);

/* The options every command maps the same way: --indent (top level) and
 * --config (top level; given to the veil command as SOPS_CONFIG, which is
 * what sops binds the flag to). */
void veil_cli__sops_add_globals(sops_vargs *a, const sops_ctx *c);

#endif
