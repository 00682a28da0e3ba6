/* veil completion bash|zsh|fish|list: shell completions from the option
 * tables the parsers use (completion.h), and the walk over those tables. */
#include <stdio.h>
#include <string.h>
#include "completion.h"
#include "sops_mode.h"

/* Option values worth completing, by long name; any other option with a
 * value completes as a path. */
static const struct {
	const char *name;
	veil_cli_value kind;
	const char *words;
} value_kinds[] = {
	{ "input-type", VEIL_CLI_VALUE_WORDS, "yaml json dotenv ini binary" },
	{ "output-type", VEIL_CLI_VALUE_WORDS, "yaml json dotenv ini binary" },
	{ "cipher", VEIL_CLI_VALUE_WORDS, "aes256-gcm chacha20-poly1305" },
	{ "format", VEIL_CLI_VALUE_WORDS, "text json sarif" },
	{ "log", VEIL_CLI_VALUE_WORDS, "json none" },
	{ "scope", VEIL_CLI_VALUE_WORDS, "strict namespace none" },
	{ "decryption-order", VEIL_CLI_VALUE_WORDS, "age" },
	{ "root", VEIL_CLI_VALUE_DIR, NULL },
	{ "project-keys", VEIL_CLI_VALUE_DIR, NULL },
	/* recipients, key names, regexes, numbers, paths inside a document */
	{ "recipient", VEIL_CLI_VALUE_TEXT, NULL },
	{ "age", VEIL_CLI_VALUE_TEXT, NULL },
	{ "add-age", VEIL_CLI_VALUE_TEXT, NULL },
	{ "rm-age", VEIL_CLI_VALUE_TEXT, NULL },
	{ "plugin", VEIL_CLI_VALUE_TEXT, NULL },
	{ "key-from-secret", VEIL_CLI_VALUE_TEXT, NULL },
	{ "kube-timeout", VEIL_CLI_VALUE_TEXT, NULL },
	{ "encrypted-regex", VEIL_CLI_VALUE_TEXT, NULL },
	{ "unencrypted-regex", VEIL_CLI_VALUE_TEXT, NULL },
	{ "encrypted-suffix", VEIL_CLI_VALUE_TEXT, NULL },
	{ "unencrypted-suffix", VEIL_CLI_VALUE_TEXT, NULL },
	{ "encrypted-comment-regex", VEIL_CLI_VALUE_TEXT, NULL },
	{ "unencrypted-comment-regex", VEIL_CLI_VALUE_TEXT, NULL },
	{ "shamir-secret-sharing-threshold", VEIL_CLI_VALUE_TEXT, NULL },
	{ "indent", VEIL_CLI_VALUE_TEXT, NULL },
	{ "extract", VEIL_CLI_VALUE_TEXT, NULL },
	{ "set", VEIL_CLI_VALUE_TEXT, NULL },
	{ "jobs", VEIL_CLI_VALUE_TEXT, NULL },
	{ "max-size", VEIL_CLI_VALUE_TEXT, NULL },
	{ "user", VEIL_CLI_VALUE_TEXT, NULL },
	{ "filename", VEIL_CLI_VALUE_TEXT, NULL },
	{ "marker-size", VEIL_CLI_VALUE_TEXT, NULL },
	{ "network", VEIL_CLI_VALUE_TEXT, NULL },
	{ "net", VEIL_CLI_VALUE_TEXT, NULL },
	{ "address", VEIL_CLI_VALUE_TEXT, NULL },
	{ "addr", VEIL_CLI_VALUE_TEXT, NULL },
	{ "keyservice", VEIL_CLI_VALUE_TEXT, NULL },
	{ "encryption-context", VEIL_CLI_VALUE_TEXT, NULL },
};

veil_cli_value veil_cli__opt_value(const veil_opt *o, const char **words)
{
	*words = NULL;
	if (!o->long_name)
		return VEIL_CLI_VALUE_FILE;
	for (size_t i = 0; i < sizeof(value_kinds) / sizeof(value_kinds[0]); i++)
		if (!strcmp(value_kinds[i].name, o->long_name)) {
			*words = value_kinds[i].words;
			return value_kinds[i].kind;
		}
	/* sops's key services (--kms, --add-pgp, ...) take key names */
	if (strstr(o->long_name, "kms") || strstr(o->long_name, "pgp") ||
	    strstr(o->long_name, "azure") || strstr(o->long_name, "vault") ||
	    strstr(o->long_name, "aws"))
		return VEIL_CLI_VALUE_TEXT;
	return VEIL_CLI_VALUE_FILE;
}

void veil_cli__put_opt_words(FILE *f, const veil_opt *opts, int values_only)
{
	for (const veil_opt *o = opts; o && o->id; o++) {
		if (values_only && !o->has_arg)
			continue;
		if (o->long_name)
			fprintf(f, " --%s", o->long_name);
		if (o->short_name)
			fprintf(f, " -%c", o->short_name);
	}
}

void veil_cli__opt_values_walk(FILE *f, const veil_cli_node *n, veil_cli_value_fn fn)
{
	char word[64];

	for (const veil_opt *o = n->opts; o && o->id; o++) {
		const char *words = NULL, *value;
		veil_cli_value kind =
		        o->has_arg ? veil_cli__opt_value(o, &words) : VEIL_CLI_VALUE_FILE;

		if (kind == VEIL_CLI_VALUE_FILE)
			continue;
		value = kind == VEIL_CLI_VALUE_DIR    ? "@dir"
		        : kind == VEIL_CLI_VALUE_TEXT ? "@text"
		                                      : words;
		if (o->long_name) {
			snprintf(word, sizeof(word), "--%s", o->long_name);
			fn(f, n->path, word, value);
		}
		if (o->short_name) {
			snprintf(word, sizeof(word), "-%c", o->short_name);
			fn(f, n->path, word, value);
		}
	}
}

static void node_path(veil_cli_node *n, const char *parent, const char *name)
{
	snprintf(n->path, sizeof(n->path), "%s%s%s", parent, *parent ? " " : "", name);
}

static void walk_sops(FILE *f, veil_cli_node_fn fn, void *ctx, const char *parent,
                      const sops_command *c)
{
	veil_cli_node n;

	memset(&n, 0, sizeof(n));
	node_path(&n, parent, c->name);
	n.summary = c->summary;
	n.opts = c->opts;
	if (!c->opts) /* help: the names of its siblings */
		n.operands = VEIL_CLI_OPERANDS_COMMANDS;
	else if (c->args_usage && *c->args_usage)
		n.operands = VEIL_CLI_OPERANDS_FILES;
	for (const sops_command *s = c->subs; s && s->name && n.nsubs < VEIL_CLI_NODE_SUBS; s++) {
		n.sub_names[n.nsubs] = s->name;
		n.sub_summaries[n.nsubs++] = s->summary;
	}
	fn(f, &n, ctx);
	for (const sops_command *s = c->subs; s && s->name; s++)
		walk_sops(f, fn, ctx, n.path, s);
}

/* `veil sops`: the top of sops's command line, then its commands. */
static void walk_sops_top(FILE *f, veil_cli_node_fn fn, void *ctx, const veil_cli_cmd *c)
{
	veil_cli_node n;

	memset(&n, 0, sizeof(n));
	node_path(&n, "", c->name);
	n.summary = c->summary;
	n.opts = veil_cli__sops_global_opts;
	n.operands = VEIL_CLI_OPERANDS_FILES;
	for (const sops_command *s = veil_cli__sops_commands; s->name; s++)
		if (n.nsubs < VEIL_CLI_NODE_SUBS) {
			n.sub_names[n.nsubs] = s->name;
			n.sub_summaries[n.nsubs++] = s->summary;
		}
	fn(f, &n, ctx);
	for (const sops_command *s = veil_cli__sops_commands; s->name; s++)
		walk_sops(f, fn, ctx, n.path, s);
}

static void walk(FILE *f, veil_cli_node_fn fn, void *ctx, const char *parent, const veil_cli_cmd *c)
{
	veil_cli_node n;

	if (c->flags & VEIL_CLI_SOPS) {
		walk_sops_top(f, fn, ctx, c);
		return;
	}
	memset(&n, 0, sizeof(n));
	node_path(&n, parent, c->name);
	n.summary = c->summary;
	n.opts = c->opts;
	n.operands = c->operands;
	for (const veil_cli_cmd *s = c->subs; s && s->name && n.nsubs < VEIL_CLI_NODE_SUBS; s++) {
		n.sub_names[n.nsubs] = s->name;
		n.sub_summaries[n.nsubs++] = s->summary;
	}
	fn(f, &n, ctx);
	for (const veil_cli_cmd *s = c->subs; s && s->name; s++)
		walk(f, fn, ctx, n.path, s);
}

void veil_cli__nodes_walk(FILE *f, veil_cli_node_fn fn, void *ctx)
{
	veil_cli_node top;

	memset(&top, 0, sizeof(top));
	top.summary = "veil";
	top.opts = veil_cli__opts_top;
	for (const veil_cli_cmd *c = veil_cli__commands; c->name; c++)
		if (top.nsubs < VEIL_CLI_NODE_SUBS) {
			top.sub_names[top.nsubs] = c->name;
			top.sub_summaries[top.nsubs++] = c->summary;
		}
	fn(f, &top, ctx);
	for (const veil_cli_cmd *c = veil_cli__commands; c->name; c++)
		walk(f, fn, ctx, "", c);
}

/* `veil completion list`: "command PATH" and "option PATH --long -s
 * value|flag" lines, tab separated ("-" for a missing name). */
static void list_node(FILE *f, const veil_cli_node *n, void *ctx)
{
	(void)ctx;
	if (*n->path)
		fprintf(f, "command\t%s\n", n->path);
	for (const veil_opt *o = n->opts; o && o->id; o++) {
		fprintf(f, "option\t%s\t", n->path);
		if (o->long_name)
			fprintf(f, "--%s\t", o->long_name);
		else
			fputs("-\t", f);
		if (o->short_name)
			fprintf(f, "-%c\t", o->short_name);
		else
			fputs("-\t", f);
		fputs(o->has_arg ? "value\n" : "flag\n", f);
	}
}

static void completion_usage(FILE *f)
{
	fputs("usage: veil completion bash | zsh | fish | list\n"
	      "\n"
	      "Prints a completion script for the shell, generated from the option tables\n"
	      "veil's commands parse with, so it always matches this veil:\n"
	      "\n"
	      "  bash   source <(veil completion bash), or save it as\n"
	      "         ~/.local/share/bash-completion/completions/veil\n"
	      "  zsh    save it as _veil in a directory of $fpath (before compinit runs)\n"
	      "  fish   veil completion fish > ~/.config/fish/completions/veil.fish\n"
	      "  list   every command and option, one per line, tab separated:\n"
	      "         \"command PATH\" and \"option PATH --LONG -S value|flag\"\n"
	      "\n"
	      "'cmake --install' puts the three scripts where the shells look for them.\n"
	      "Exit status: 0 ok, 2 usage.\n",
	      f);
}

int veil_cli__cmd_completion(int argc, char **argv)
{
	const char *shell = argc >= 2 ? argv[1] : "";

	if (!strcmp(shell, "--help") || !strcmp(shell, "-h")) {
		completion_usage(stdout);
		return VEIL_EXIT_OK;
	}
	if (argc != 2)
		return veil_cli__usage("completion", argc < 2 ? "missing the shell (bash, zsh "
		                                                "or fish)"
		                                              : "completion takes one argument");
	if (!strcmp(shell, "bash"))
		veil_cli__completion_bash(stdout);
	else if (!strcmp(shell, "zsh"))
		veil_cli__completion_zsh(stdout);
	else if (!strcmp(shell, "fish"))
		veil_cli__completion_fish(stdout);
	else if (!strcmp(shell, "list"))
		veil_cli__nodes_walk(stdout, list_node, NULL);
	else
		return veil_cli__usage("completion", "unknown shell '%s' (bash, zsh or fish)",
		                       shell);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		veil_cli__error("completion: cannot write to stdout");
		return VEIL_EXIT_FAIL;
	}
	return VEIL_EXIT_OK;
}
