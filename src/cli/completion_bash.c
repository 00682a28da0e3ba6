/* `veil completion bash`: the command tree as bash associative arrays, and
 * one function that walks the words typed so far through them. */
#include <string.h>
#include "completion.h"

/* "@" for the top, "@k8s decrypt" below it: bash arrays take no empty key. */
static void put_key(FILE *f, const char *path)
{
	fprintf(f, "'@%s'", path);
}

static void put_value(FILE *f, const char *path, const char *word, const char *value)
{
	fprintf(f, "_veil_values['@%s %s']='%s'\n", path, word, value);
}

static void bash_node(FILE *f, const veil_cli_node *n, void *ctx)
{
	(void)ctx;
	if (n->nsubs) {
		fputs("_veil_subs[", f);
		put_key(f, n->path);
		fputs("]='", f);
		for (size_t i = 0; i < n->nsubs; i++)
			fprintf(f, "%s%s", i ? " " : "", n->sub_names[i]);
		fputs("'\n", f);
	}
	fputs("_veil_opts[", f);
	put_key(f, n->path);
	fputs("]='", f);
	veil_cli__put_opt_words(f, n->opts, 0);
	fputs(" '\n_veil_argopts[", f);
	put_key(f, n->path);
	fputs("]='", f);
	veil_cli__put_opt_words(f, n->opts, 1);
	fputs(" '\n", f);
	if (n->operands != VEIL_CLI_OPERANDS_NONE) {
		fputs("_veil_operands[", f);
		put_key(f, n->path);
		fputs(n->operands == VEIL_CLI_OPERANDS_FILES ? "]=files\n" : "]=commands\n", f);
	}
	veil_cli__opt_values_walk(f, n, put_value);
}

/* The walk: words after the command name; an option that takes a value
 * skips the next word ("--output F"; "--output=F" is one word, or three
 * when COMP_WORDBREAKS splits at "="); a subcommand name moves down the
 * tree until the first operand; "--" ends the options. */
static const char bash_function[] =
        "_veil_complete() {\n"
        "\tlocal p=$1 cur=${COMP_WORDS[COMP_CWORD]} prev= opt= w i skip=0 nops=0 dd=0\n"
        "\tlocal -a up\n"
        "\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
        "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
        "\t\tw=${COMP_WORDS[i]}\n"
        "\t\tif ((skip > 0)); then\n"
        "\t\t\tskip=$((skip - 1))\n"
        "\t\t\tcontinue\n"
        "\t\tfi\n"
        "\t\tif ((!dd)) && [[ $w == -?* ]]; then\n"
        "\t\t\tif [[ $w == -- ]]; then\n"
        "\t\t\t\tdd=1\n"
        "\t\t\telif [[ $w != *=* && \" ${_veil_argopts[$p]-} \" == *\" $w \"* ]]; then\n"
        "\t\t\t\tskip=1\n"
        "\t\t\t\t[[ ${COMP_WORDS[i + 1]-} == = ]] && skip=2\n"
        "\t\t\tfi\n"
        "\t\t\tcontinue\n"
        "\t\tfi\n"
        "\t\tif ((nops == 0)) && [[ \" ${_veil_subs[$p]-} \" == *\" $w \"* ]]; then\n"
        "\t\t\tif [[ $p == @ ]]; then p=@$w; else p=\"$p $w\"; fi\n"
        "\t\telse\n"
        "\t\t\tnops=$((nops + 1))\n"
        "\t\tfi\n"
        "\tdone\n"
        "\tif [[ $cur == = ]]; then\n"
        "\t\topt=$prev cur=\n"
        "\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
        "\t\topt=${COMP_WORDS[COMP_CWORD - 2]}\n"
        "\telif ((skip > 0)); then\n"
        "\t\topt=$prev\n"
        "\telif ((!dd)) && [[ $cur == --*=* ]]; then\n"
        "\t\topt=${cur%%=*} cur=${cur#*=}\n"
        "\tfi\n"
        "\tCOMPREPLY=()\n"
        "\tif [[ -n $opt ]]; then\n"
        "\t\t[[ \" ${_veil_argopts[$p]-} \" == *\" $opt \"* ]] || return 0\n"
        "\t\tcase ${_veil_values[\"$p $opt\"]-@file} in\n"
        "\t\t@file)\n"
        "\t\t\tcompopt -o filenames 2>/dev/null\n"
        "\t\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n"
        "\t\t@dir)\n"
        "\t\t\tcompopt -o filenames 2>/dev/null\n"
        "\t\t\tmapfile -t COMPREPLY < <(compgen -d -- \"$cur\") ;;\n"
        "\t\t@text) ;;\n"
        "\t\t*) mapfile -t COMPREPLY < <(compgen -W \"${_veil_values[\"$p $opt\"]}\" -- "
        "\"$cur\") ;;\n"
        "\t\tesac\n"
        "\t\treturn 0\n"
        "\tfi\n"
        "\tif ((!dd)) && [[ $cur == -* ]]; then\n"
        "\t\tmapfile -t COMPREPLY < <(compgen -W \"${_veil_opts[$p]-}\" -- \"$cur\")\n"
        "\t\treturn 0\n"
        "\tfi\n"
        "\tif ((nops == 0)) && [[ -n ${_veil_subs[$p]-} ]]; then\n"
        "\t\tmapfile -t COMPREPLY < <(compgen -W \"${_veil_subs[$p]}\" -- \"$cur\")\n"
        "\t\t[[ ${_veil_operands[$p]-} == files ]] || return 0\n"
        "\tfi\n"
        "\tcase ${_veil_operands[$p]-} in\n"
        "\tfiles)\n"
        "\t\tcompopt -o filenames 2>/dev/null\n"
        "\t\tmapfile -t up < <(compgen -f -- \"$cur\")\n"
        "\t\tCOMPREPLY+=(\"${up[@]}\") ;;\n"
        "\tcommands)\n"
        "\t\tw=@\n"
        "\t\t[[ $p == *' '* ]] && w=${p% *}\n"
        "\t\tmapfile -t COMPREPLY < <(compgen -W \"${_veil_subs[$w]-}\" -- \"$cur\") ;;\n"
        "\tesac\n"
        "\treturn 0\n"
        "}\n"
        "\n"
        "# A link named sops takes sops's command line: complete -F _veil sops\n"
        "_veil() {\n"
        "\tcase ${COMP_WORDS[0]##*/} in\n"
        "\tsops) _veil_complete @sops ;;\n"
        "\t*) _veil_complete @ ;;\n"
        "\tesac\n"
        "}\n"
        "complete -F _veil veil\n";

void veil_cli__completion_bash(FILE *f)
{
	fprintf(f,
	        "# bash completion for veil %s                           -*- shell-script -*-\n"
	        "# Generated by 'veil completion bash' from the option tables veil parses\n"
	        "# with. Load it with: source <(veil completion bash)\n"
	        "\n"
	        "declare -gA _veil_subs=() _veil_opts=() _veil_argopts=() _veil_operands=()\n"
	        "declare -gA _veil_values=()\n",
	        VEIL_VERSION);
	veil_cli__nodes_walk(f, bash_node, NULL);
	fputc('\n', f);
	fputs(bash_function, f);
}
