/* `veil completion fish`: one `complete` line per subcommand, option and
 * operand, each under a condition on the command path typed so far, which
 * __veil_state works out with the same walk as the bash and zsh scripts. */
#include <string.h>
#include "completion.h"

/* A single-quoted fish string. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* __veil_subs and __veil_takes_value: switch arms, one per node. */
static void fish_subs_arm(FILE *f, const veil_cli_node *n, void *ctx)
{
	(void)ctx;
	if (!n->nsubs)
		return;
	fprintf(f, "\t\tcase '@%s'\n\t\t\techo", n->path);
	for (size_t i = 0; i < n->nsubs; i++)
		fprintf(f, " %s", n->sub_names[i]);
	fputc('\n', f);
}

static void fish_value_arm(FILE *f, const veil_cli_node *n, void *ctx)
{
	int any = 0;

	(void)ctx;
	for (const veil_opt *o = n->opts; o && o->id; o++) {
		if (!o->has_arg)
			continue;
		if (!any)
			fputs("\t\tcase", f);
		any = 1;
		if (o->long_name)
			fprintf(f, " '@%s --%s'", n->path, o->long_name);
		if (o->short_name)
			fprintf(f, " '@%s -%c'", n->path, o->short_name);
	}
	if (any)
		fputs("\n\t\t\treturn 0\n", f);
}

static void fish_option(FILE *f, const char *path, const veil_opt *o)
{
	const char *words;
	veil_cli_value kind;

	fprintf(f, "complete -c veil -n '__veil_at \"@%s\"'", path);
	if (o->long_name)
		fprintf(f, " -l %s", o->long_name);
	if (o->short_name)
		fprintf(f, " -s %c", o->short_name);
	if (!o->has_arg) {
		fputc('\n', f);
		return;
	}
	kind = veil_cli__opt_value(o, &words);
	if (kind == VEIL_CLI_VALUE_FILE)
		fputs(" -r -F\n", f);
	else if (kind == VEIL_CLI_VALUE_DIR)
		fputs(" -x -a '(__fish_complete_directories)'\n", f);
	else if (kind == VEIL_CLI_VALUE_WORDS)
		fprintf(f, " -x -a '%s'\n", words);
	else
		fputs(" -x\n", f);
}

static void fish_node(FILE *f, const veil_cli_node *n, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < n->nsubs; i++) {
		fprintf(f, "complete -c veil -n '__veil_sub_at \"@%s\"' -a %s -d ", n->path,
		        n->sub_names[i]);
		put_quoted(f, n->sub_summaries[i]);
		fputc('\n', f);
	}
	for (const veil_opt *o = n->opts; o && o->id; o++)
		fish_option(f, n->path, o);
	if (n->operands == VEIL_CLI_OPERANDS_FILES)
		fprintf(f, "complete -c veil -n '__veil_at \"@%s\"' -F\n", n->path);
	else if (n->operands == VEIL_CLI_OPERANDS_COMMANDS)
		fprintf(f, "complete -c veil -n '__veil_at \"@%s\"' -a '(__veil_siblings)'\n",
		        n->path);
}

static const char fish_functions[] =
        "# The command path (@, @k8s decrypt, ...) and the number of operands of\n"
        "# the words before the cursor; cached for one command line, since every\n"
        "# complete line below asks.\n"
        "function __veil_state\n"
        "\tset -l line (commandline -pc)\n"
        "\tif test \"$line\" = \"$__veil_state_line\"\n"
        "\t\tprintf '%s\\n' $__veil_state_value\n"
        "\t\treturn\n"
        "\tend\n"
        "\tset -l words (commandline -opc)\n"
        "\tset -l p @\n"
        "\tif test (string replace -r '.*/' '' -- $words[1]) = sops\n"
        "\t\tset p @sops\n"
        "\tend\n"
        "\tset -e words[1]\n"
        "\tset -l skip 0\n"
        "\tset -l nops 0\n"
        "\tset -l dd 0\n"
        "\tfor w in $words\n"
        "\t\tif test $skip = 1\n"
        "\t\t\tset skip 0\n"
        "\t\t\tcontinue\n"
        "\t\tend\n"
        "\t\tif test $dd = 0; and string match -qr -- '^-.' $w\n"
        "\t\t\tif test \"$w\" = --\n"
        "\t\t\t\tset dd 1\n"
        "\t\t\telse if not string match -q -- '*=*' $w; and __veil_takes_value \"$p $w\"\n"
        "\t\t\t\tset skip 1\n"
        "\t\t\tend\n"
        "\t\t\tcontinue\n"
        "\t\tend\n"
        "\t\tif test $nops = 0; and contains -- $w (string split ' ' -- (__veil_subs $p))\n"
        "\t\t\tif test $p = @\n"
        "\t\t\t\tset p @$w\n"
        "\t\t\telse\n"
        "\t\t\t\tset p \"$p $w\"\n"
        "\t\t\tend\n"
        "\t\telse\n"
        "\t\t\tset nops (math $nops + 1)\n"
        "\t\tend\n"
        "\tend\n"
        "\tset -g __veil_state_line $line\n"
        "\tset -g __veil_state_value $p $nops\n"
        "\tprintf '%s\\n' $p $nops\n"
        "end\n"
        "\n"
        "# Completing a word of command path $argv[1] (an option or an operand).\n"
        "function __veil_at\n"
        "\tset -l s (__veil_state)\n"
        "\ttest \"$s[1]\" = \"$argv[1]\"\n"
        "end\n"
        "\n"
        "# A subcommand of $argv[1] can come next (no operand yet).\n"
        "function __veil_sub_at\n"
        "\tset -l s (__veil_state)\n"
        "\ttest \"$s[1]\" = \"$argv[1]\"; and test \"$s[2]\" = 0\n"
        "end\n"
        "\n"
        "# help's operands: the commands beside it.\n"
        "function __veil_siblings\n"
        "\tset -l s (__veil_state)\n"
        "\tset -l up @\n"
        "\tif string match -q -- '* *' $s[1]\n"
        "\t\tset up (string replace -r ' [^ ]*$' '' -- $s[1])\n"
        "\tend\n"
        "\tstring split ' ' -- (__veil_subs $up)\n"
        "end\n"
        "\n"
        "complete -c veil -f\n"
        "# A link named sops takes sops's command line: complete -c sops -w veil\n";

void veil_cli__completion_fish(FILE *f)
{
	fprintf(f,
	        "# fish completion for veil %s\n"
	        "# Generated by 'veil completion fish' from the option tables veil parses with.\n"
	        "# Save it as ~/.config/fish/completions/veil.fish\n"
	        "\n"
	        "function __veil_subs\n"
	        "\tswitch $argv[1]\n",
	        VEIL_VERSION);
	veil_cli__nodes_walk(f, fish_subs_arm, NULL);
	fputs("\tend\nend\n\nfunction __veil_takes_value\n\tswitch $argv[1]\n", f);
	veil_cli__nodes_walk(f, fish_value_arm, NULL);
	fputs("\tend\n\treturn 1\nend\n\n", f);
	fputs(fish_functions, f);
	veil_cli__nodes_walk(f, fish_node, NULL);
}
