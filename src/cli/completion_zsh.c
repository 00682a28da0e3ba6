/* `veil completion zsh`: the command tree as zsh associative arrays, and
 * one completion function that walks $words through them (the same walk
 * as the bash script's). */
#include <string.h>
#include "completion.h"

/* A single-quoted zsh word. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void put_opt_words(FILE *f, const veil_opt *opts, int values_only)
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

static void put_value(FILE *f, const char *path, const veil_opt *o, const char *word)
{
	const char *words;
	veil_cli_value kind = veil_cli__opt_value(o, &words);

	if (kind == VEIL_CLI_VALUE_FILE)
		return;
	fprintf(f, "_veil_values+=('@%s %s' '%s')\n", path, word,
	        kind == VEIL_CLI_VALUE_DIR    ? "@dir"
	        : kind == VEIL_CLI_VALUE_TEXT ? "@text"
	                                      : words);
}

static void zsh_node(FILE *f, const veil_cli_node *n, void *ctx)
{
	char word[64];

	(void)ctx;
	if (n->nsubs) {
		fprintf(f, "_veil_subs+=('@%s' '", n->path);
		for (size_t i = 0; i < n->nsubs; i++)
			fprintf(f, "%s%s", i ? " " : "", n->sub_names[i]);
		fprintf(f, "')\n_veil_descs+=('@%s' ", n->path);
		for (size_t i = 0; i < n->nsubs; i++) {
			char line[256];

			snprintf(line, sizeof(line), "%s:%s%s", n->sub_names[i],
			         n->sub_summaries[i], i + 1 < n->nsubs ? "\n" : "");
			put_quoted(f, line);
		}
		fputs(")\n", f);
	}
	fprintf(f, "_veil_opts+=('@%s' '", n->path);
	put_opt_words(f, n->opts, 0);
	fprintf(f, " ')\n_veil_argopts+=('@%s' '", n->path);
	put_opt_words(f, n->opts, 1);
	fputs(" ')\n", f);
	if (n->operands != VEIL_CLI_OPERANDS_NONE)
		fprintf(f, "_veil_operands+=('@%s' %s)\n", n->path,
		        n->operands == VEIL_CLI_OPERANDS_FILES ? "files" : "commands");
	for (const veil_opt *o = n->opts; o && o->id; o++) {
		if (!o->has_arg)
			continue;
		if (o->long_name) {
			snprintf(word, sizeof(word), "--%s", o->long_name);
			put_value(f, n->path, o, word);
		}
		if (o->short_name) {
			snprintf(word, sizeof(word), "-%c", o->short_name);
			put_value(f, n->path, o, word);
		}
	}
}

/* zsh's $path is $PATH: the walk's position is $p. */
static const char zsh_function[] =
        "_veil_complete() {\n"
        "\tlocal p=$1 cur=${words[CURRENT]} opt= w up i skip=0 nops=0 dd=0\n"
        "\tlocal -a descs\n"
        "\tfor (( i = 2; i < CURRENT; i++ )); do\n"
        "\t\tw=${words[i]}\n"
        "\t\tif (( skip )); then\n"
        "\t\t\tskip=0\n"
        "\t\t\tcontinue\n"
        "\t\tfi\n"
        "\t\tif (( !dd )) && [[ $w == -?* ]]; then\n"
        "\t\t\tif [[ $w == -- ]]; then\n"
        "\t\t\t\tdd=1\n"
        "\t\t\telif [[ $w != *=* && \" ${_veil_argopts[$p]} \" == *\" $w \"* ]]; then\n"
        "\t\t\t\tskip=1\n"
        "\t\t\tfi\n"
        "\t\t\tcontinue\n"
        "\t\tfi\n"
        "\t\tif (( nops == 0 )) && [[ \" ${_veil_subs[$p]} \" == *\" $w \"* ]]; then\n"
        "\t\t\tif [[ $p == @ ]]; then p=@$w; else p=\"$p $w\"; fi\n"
        "\t\telse\n"
        "\t\t\t(( nops++ ))\n"
        "\t\tfi\n"
        "\tdone\n"
        "\tif (( skip )); then\n"
        "\t\topt=${words[CURRENT-1]}\n"
        "\telif (( !dd )) && [[ $cur == --*=* ]]; then\n"
        "\t\topt=${cur%%=*}\n"
        "\t\tcompset -P '*='\n"
        "\tfi\n"
        "\tif [[ -n $opt ]]; then\n"
        "\t\t[[ \" ${_veil_argopts[$p]} \" == *\" $opt \"* ]] || return 1\n"
        "\t\tcase ${_veil_values[$p $opt]:-@file} in\n"
        "\t\t@file) _files ;;\n"
        "\t\t@dir) _files -/ ;;\n"
        "\t\t@text) _message -e values 'value' ;;\n"
        "\t\t*) compadd -- ${=_veil_values[$p $opt]} ;;\n"
        "\t\tesac\n"
        "\t\treturn\n"
        "\tfi\n"
        "\tif (( !dd )) && [[ $cur == -* ]]; then\n"
        "\t\tcompadd -- ${=_veil_opts[$p]}\n"
        "\t\treturn\n"
        "\tfi\n"
        "\tif (( nops == 0 )) && [[ -n ${_veil_subs[$p]} ]]; then\n"
        "\t\tdescs=(\"${(@f)_veil_descs[$p]}\")\n"
        "\t\t_describe -t commands 'veil command' descs\n"
        "\t\t[[ ${_veil_operands[$p]} == files ]] || return\n"
        "\tfi\n"
        "\tcase ${_veil_operands[$p]} in\n"
        "\tfiles) _files ;;\n"
        "\tcommands)\n"
        "\t\tup=@\n"
        "\t\t[[ $p == *' '* ]] && up=${p% *}\n"
        "\t\tdescs=(\"${(@f)_veil_descs[$up]}\")\n"
        "\t\t_describe -t commands 'veil command' descs ;;\n"
        "\tesac\n"
        "}\n"
        "\n"
        "# A link named sops takes sops's command line: compdef _veil sops\n"
        "_veil() {\n"
        "\tcase ${words[1]:t} in\n"
        "\tsops) _veil_complete @sops ;;\n"
        "\t*) _veil_complete @ ;;\n"
        "\tesac\n"
        "}\n"
        "\n"
        "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n"
        "\t_veil \"$@\"\n"
        "else\n"
        "\tcompdef _veil veil\n"
        "fi\n";

void veil_cli__completion_zsh(FILE *f)
{
	fprintf(f,
	        "#compdef veil\n"
	        "# zsh completion for veil %s\n"
	        "# Generated by 'veil completion zsh' from the option tables veil parses with.\n"
	        "# Save it as _veil in a directory of $fpath, or: source <(veil completion zsh)\n"
	        "# after compinit.\n"
	        "\n"
	        "typeset -gA _veil_subs _veil_descs _veil_opts _veil_argopts _veil_operands\n"
	        "typeset -gA _veil_values\n",
	        VEIL_VERSION);
	veil_cli__nodes_walk(f, zsh_node, NULL);
	fputc('\n', f);
	fputs(zsh_function, f);
}
