/* sops mode's help, version and shell completion, from the tables. */
#include "sops_mode.h"
#include "veil/sops.h"
#include <stdio.h>
#include <string.h>

static void print_opts(FILE *f, const veil_opt *opts)
{
	for (const veil_opt *o = opts; o && o->id; o++) {
		const sops_flag_info *fi = &veil_cli__sops_flags[o->id];
		char names[96];

		if (o->short_name)
			snprintf(names, sizeof(names), "--%s, -%c%s", o->long_name, o->short_name,
			         o->has_arg ? " value" : "");
		else
			snprintf(names, sizeof(names), "--%s%s", o->long_name,
			         o->has_arg ? " value" : "");
		fprintf(f, "   %-40s %s", names, fi->help);
		if (fi->env)
			fprintf(f, " [$%s]", fi->env);
		if (fi->unsupported)
			fprintf(f, " (%s: not in veil)", fi->unsupported);
		fputc('\n', f);
	}
}

void veil_cli__sops_app_help(FILE *f)
{
	fputs("NAME:\n"
	      "   sops - sops 3.13.2's command line, run by veil (age keys only)\n"
	      "\n"
	      "USAGE:\n"
	      "   sops [global options] command [command options] [arguments...]\n"
	      "   sops [global options] FILE      (edit, or -d/-e/-r/--set)\n"
	      "\n"
	      "VERSION:\n"
	      "   " VEIL_SOPS_FORMAT_VERSION " (veil " VEIL_VERSION ")\n"
	      "\n"
	      "COMMANDS:\n",
	      f);
	for (const sops_command *c = veil_cli__sops_commands; c->name; c++)
		fprintf(f, "   %-12s %s\n", c->name, c->summary);
	fputs("\nGLOBAL OPTIONS:\n", f);
	print_opts(f, veil_cli__sops_global_opts);
	fputs("\nFlags must come before the file: later ones are ignored, as in sops.\n"
	      "Key services veil lacks (KMS, PGP, Vault, key service servers) are refused.\n"
	      "The same commands with veil's own flags: veil --help.\n",
	      f);
}

void veil_cli__sops_command_help(FILE *f, const char *path, const sops_command *c)
{
	fprintf(f, "NAME:\n   %s %s - %s\n\nUSAGE:\n", path, c->name, c->summary);
	if (c->subs) {
		fprintf(f, "   %s %s command [command options] [arguments...]\n\nCOMMANDS:\n", path,
		        c->name);
		for (const sops_command *s = c->subs; s->name; s++)
			fprintf(f, "   %-12s %s\n", s->name, s->summary);
	} else {
		fprintf(f, "   %s %s [command options] %s\n", path, c->name, c->args_usage);
	}
	if (c->opts && c->opts->id) {
		fputs("\nOPTIONS:\n", f);
		print_opts(f, c->opts);
	}
}

void veil_cli__sops_version(void)
{
	/* sops prints "sops 3.13.2" and, after asking GitHub, " (latest)"; tools
	 * read the first word after "sops " (ansible's community.sops,
	 * Makefiles with awk '{print $2}'). veil never asks the network. */
	printf("sops %s (veil %s)\n", VEIL_SOPS_FORMAT_VERSION, VEIL_VERSION);
}

/* The scripts sops prints ask the program itself what comes next
 * (urfave/cli's --generate-bash-completion), so they fit any version. */
int veil_cli__sops_completion(const char *shell)
{
	if (!strcmp(shell, "bash")) {
		fputs("#! /bin/bash\n"
		      "\n"
		      "_sops_veil_bash_autocomplete() {\n"
		      "  if [[ \"${COMP_WORDS[0]}\" != \"source\" ]]; then\n"
		      "    local cur opts\n"
		      "    COMPREPLY=()\n"
		      "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
		      "    if [[ \"$cur\" == \"-\"* ]]; then\n"
		      "      opts=$( \"${COMP_WORDS[@]:0:$COMP_CWORD}\" \"${cur}\" "
		      "--generate-bash-completion )\n"
		      "    else\n"
		      "      opts=$( \"${COMP_WORDS[@]:0:$COMP_CWORD}\" --generate-bash-completion "
		      ")\n"
		      "    fi\n"
		      "    COMPREPLY=( $(compgen -W \"${opts}\" -- \"${cur}\") )\n"
		      "    return 0\n"
		      "  fi\n"
		      "}\n"
		      "complete -o bashdefault -o default -o nospace -F "
		      "_sops_veil_bash_autocomplete sops\n",
		      stdout);
		return VEIL_EXIT_OK;
	}
	fputs("#compdef sops\n"
	      "\n"
	      "_sops_veil_zsh_autocomplete() {\n"
	      "  local -a opts\n"
	      "  local cur\n"
	      "  cur=${words[-1]}\n"
	      "  if [[ \"$cur\" == \"-\"* ]]; then\n"
	      "    opts=(\"${(@f)$(${words[@]:0:#words[@]-1} ${cur} "
	      "--generate-bash-completion)}\")\n"
	      "  else\n"
	      "    opts=(\"${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion)}\")\n"
	      "  fi\n"
	      "  if [[ \"${opts[1]}\" != \"\" ]]; then\n"
	      "    _describe 'values' opts\n"
	      "  else\n"
	      "    _files\n"
	      "  fi\n"
	      "}\n"
	      "\n"
	      "compdef _sops_veil_zsh_autocomplete sops\n",
	      stdout);
	return VEIL_EXIT_OK;
}
