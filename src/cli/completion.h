#ifndef VEIL_CLI_COMPLETION_H
#define VEIL_CLI_COMPLETION_H
/*
 * The command tree as the completion writers see it: one node per command
 * path ("", "encrypt", "k8s decrypt", "sops groups add", ...), walked from
 * the registry (commands.h) and, below "sops", from sops mode's own tables
 * (sops_mode.h). The writers (completion_bash.c, _zsh.c, _fish.c) turn the
 * nodes into data for one generic completion function per shell, so the
 * scripts hold no knowledge of their own about veil's options.
 */
#include <stdio.h>
#include "commands.h"

#define VEIL_CLI_NODE_SUBS 32

typedef struct veil_cli_node {
	char path[80]; /* the words after "veil", one space apart */
	const char *summary;
	const veil_opt *opts; /* may be NULL */
	veil_cli_operands operands;
	size_t nsubs;
	const char *sub_names[VEIL_CLI_NODE_SUBS];
	const char *sub_summaries[VEIL_CLI_NODE_SUBS];
} veil_cli_node;

typedef void (*veil_cli_node_fn)(FILE *f, const veil_cli_node *n, void *ctx);

/* Calls fn for every node, parents before their children. */
void veil_cli__nodes_walk(FILE *f, veil_cli_node_fn fn, void *ctx);

/* What an option's value is, for completion, by the option's long name
 * (the same name means the same thing in every command). */
typedef enum veil_cli_value {
	VEIL_CLI_VALUE_FILE = 0, /* the default: a path */
	VEIL_CLI_VALUE_DIR,
	VEIL_CLI_VALUE_WORDS, /* one of veil_cli__opt_value's words */
	VEIL_CLI_VALUE_TEXT,  /* free text: nothing to offer */
} veil_cli_value;

/* The kind of o's value; *words is set for VEIL_CLI_VALUE_WORDS (blank
 * separated). */
veil_cli_value veil_cli__opt_value(const veil_opt *o, const char **words);

/* Writes " --long -s" for each option of opts (with values_only, only
 * those that take a value). */
void veil_cli__put_opt_words(FILE *f, const veil_opt *opts, int values_only);

/* Calls fn for each spelling ("--output", "-o") of each option of n that
 * takes a value other than a path; value is "@dir", "@text" or the words. */
typedef void (*veil_cli_value_fn)(FILE *f, const char *path, const char *word, const char *value);
void veil_cli__opt_values_walk(FILE *f, const veil_cli_node *n, veil_cli_value_fn fn);

/* The scripts. */
void veil_cli__completion_bash(FILE *f);
void veil_cli__completion_zsh(FILE *f);
void veil_cli__completion_fish(FILE *f);

#endif
