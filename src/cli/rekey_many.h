#ifndef VEIL_CLI_REKEY_MANY_H
#define VEIL_CLI_REKEY_MANY_H
/*
 * updatekeys and rotate over many files (rekey_many.c): every file is
 * read and planned first, one combined plan is printed (who gains and who
 * loses access, per file), the question is asked once, then each file is
 * changed on its own, atomically. A file that fails is left as it was and
 * reported; without keep_going nothing after it is touched.
 */
#include "filewalk.h"
#include "rulecache.h"
#include "sops_cli.h"

typedef struct veil_cli_rekey_item {
	const char *path;
	char *text; /* the file as planned: a file changed since is not touched */
	size_t len;
	veil_doc *doc;
	veil_sops_rekey old;        /* its keys and rules as they are */
	const veil_sops_rule *rule; /* updatekeys: the rule it gets */
	/* recipients that gain / lose access (borrowed from doc, the rule or
	 * the command line) */
	const char **gain, **lose;
	size_t ngain, nlose;
	int regroup;      /* the same keys, other key groups or threshold */
	const char *note; /* a line the plan adds for the file, or NULL */
	int todo;         /* the plan changes the file */
	int rc;           /* the exit code of its failure, or 0 */
} veil_cli_rekey_item;

typedef struct veil_cli_rekey veil_cli_rekey;
struct veil_cli_rekey {
	const char *cmd;
	int yes, keep_going, recursive;
	const char *plan_header; /* "key changes": FILE: key changes: */
	const char *done_verb;   /* "keys updated": FILE: keys updated */
	const char *const *operands;
	size_t noperands;
	veil_doc_format fmt; /* --input-type, or 0 */
	/* The command's parts. plan: sets gain/lose/regroup/todo (add() below
	 * fills the lists); apply: writes it->path anew from it (the file was
	 * found unchanged since the plan). Both print their error and return
	 * an exit code, or 0. */
	int (*plan)(veil_cli_rekey *rk, veil_cli_rekey_item *it);
	int (*apply)(veil_cli_rekey *rk, veil_cli_rekey_item *it);
	void *ctx;
	veil_cli_rulecache rules;
	/* internal */
	veil_cli_files files;
	veil_cli_rekey_item *items;
	size_t n, cap;
};

/* Appends r to it's gain (which = 1) or lose (0) list; exit code or 0. */
int veil_cli__rekey_note(veil_cli_rekey_item *it, int which, const char *r);

/* Is recipient among m's age keys? */
int veil_cli__meta_has(const veil_sops_meta *m, const char *recipient);

/* Collects, plans, asks, applies; returns the exit code (a single file
 * keeps the exit code of its failure, several give 1). */
int veil_cli__rekey_run(veil_cli_rekey *rk);
void veil_cli__rekey_dispose(veil_cli_rekey *rk);

/* sops's "Is this okay? (y/n)" until y or n: 1 yes, 0 no, -1 no answer
 * (end of input: a script without -y must not pass). */
int veil_cli__rekey_confirmed(void);

#endif
