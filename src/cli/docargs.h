#ifndef VEIL_CLI_DOCARGS_H
#define VEIL_CLI_DOCARGS_H
/*
 * The option loop of the document commands (decrypt, rotate, updatekeys,
 * edit, set, unset, exec-env, exec-file, filestatus): they share
 * --identity, --input-type, -i, -o and a FILE first operand, and differ in
 * a few options of their own, which a hook takes.
 */
#include <stdio.h>

#include "sops_session.h"

/* Ids of the shared options; a command's own ids start at VEIL_DOCOPT_OWN. */
enum {
	VEIL_DOCOPT_IDENTITY = 1,
	VEIL_DOCOPT_INPUT_TYPE,
	VEIL_DOCOPT_IN_PLACE,
	VEIL_DOCOPT_OUTPUT,
	VEIL_DOCOPT_HELP,
	VEIL_DOCOPT_PASSFILE, /* --passphrase-file, for protected identity files */
	VEIL_DOCOPT_OWN = 16,
};

typedef struct veil_cli_docargs {
	const char *ids[VEIL_CLI_MAX_IDS];
	size_t nids;
	const char *input_type, *output, *file;
	veil_doc_format fmt;
	int in_place;
	char **operands; /* all of them; operands[0] is file */
	size_t noperands;
} veil_cli_docargs;

typedef struct veil_cli_docspec {
	const char *cmd;
	const veil_opt *opts;
	void (*usage)(FILE *f, void *ctx);
	/* a command's own option: 0, or an exit code (veil_cli__usage) */
	int (*own)(void *ctx, int id, const char *arg);
	void *ctx;
	size_t min_operands, max_operands;
	const char *operands_usage; /* the message for a wrong count (default: FILE) */
	int writes_in_place;        /* FILE is rewritten: stdin cannot be FILE */
} veil_cli_docspec;

/* Parses argv into d. 0; -1 after printing the help; or an exit code after
 * printing the usage error (unknown option, operand count, unknown
 * --input-type, -i with -o or stdin, stdin for an in-place command). */
int veil_cli__docargs_parse(veil_cli_docargs *d, const veil_cli_docspec *spec, int argc,
                            char **argv, char **operands);

#endif
