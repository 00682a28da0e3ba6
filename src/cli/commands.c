/* The command registry (commands.h): what `veil --help` lists, main.c
 * dispatches and `veil completion` completes. */
#include <string.h>
#include "commands.h"
#include "cmd_audit.h"
#include "cmd_check.h"
#include "cmd_git.h"

const veil_opt veil_cli__opts_help[] = {
	{ "help", 'h', 0, 1 },
	{ NULL, 0, 0, 0 },
};

/* What main.c takes before a command: veil --help, veil --version. */
const veil_opt veil_cli__opts_top[] = {
	{ "help", 'h', 0, 1 },
	{ "version", 'v', 0, 2 },
	{ NULL, 0, 0, 0 },
};

#define HELP_ONLY veil_cli__opts_help
#define NONE      VEIL_CLI_OPERANDS_NONE
#define FILES     VEIL_CLI_OPERANDS_FILES
#define SUB(n, s, o, k, f)                \
	{                                 \
		n, s, NULL, o, k, NULL, f \
	}
#define END                                           \
	{                                             \
		NULL, NULL, NULL, NULL, NONE, NULL, 0 \
	}

static const veil_cli_cmd k8s_cmp_subs[] = {
	SUB("discover", "(Argo CD runs it) is the app veil's: exit 0 and a path, or 1",
	    veil_cli__opts_k8s_cmp_discover, NONE, VEIL_CLI_OWN_HELP),
	SUB("generate", "(Argo CD runs it) the app rendered and decrypted, no shell",
	    veil_cli__opts_k8s_cmp_generate, NONE, VEIL_CLI_OWN_HELP),
	END,
};

static const veil_cli_cmd k8s_subs[] = {
	SUB("decrypt", "manifest stream in, decrypted manifests out", veil_cli__opts_k8s_decrypt,
	    FILES, VEIL_CLI_OWN_HELP),
	SUB("krm", "kustomize KRM function (ResourceList on stdin), or legacy exec plugin",
	    veil_cli__opts_k8s_krm, FILES, VEIL_CLI_OWN_HELP),
	{ "cmp", "the Argo CD plugin's commands: discover, generate", NULL, HELP_ONLY, NONE,
	  k8s_cmp_subs, VEIL_CLI_OWN_HELP },
	END,
};

static const veil_cli_cmd git_subs[] = {
	SUB("setup", "configure the filter and diff drivers, add .gitattributes lines", HELP_ONLY,
	    NONE, 0),
	SUB("clean", "(git calls it) encrypt stdin for FILE", HELP_ONLY, FILES, 0),
	SUB("smudge", "(git calls it) decrypt stdin when an identity opens it", HELP_ONLY, FILES,
	    0),
	SUB("textconv", "(git diff calls it) print FILE decrypted", HELP_ONLY, FILES, 0),
	SUB("merge", "(git calls it) merge %O %A %B %P value by value, fresh MAC", HELP_ONLY, FILES,
	    0),
	SUB("mergetool", "resolve the values merge left conflicting, in $EDITOR", HELP_ONLY, FILES,
	    0),
	END,
};

static const veil_cli_cmd hook_subs[] = {
	SUB("install", "put veil's pre-commit hook in place, chaining one already there", HELP_ONLY,
	    NONE, 0),
	SUB("uninstall", "remove veil's hook, putting a chained one back", HELP_ONLY, NONE, 0),
	END,
};

static const veil_cli_cmd groups_subs[] = {
	SUB("add", "add a key group (--file FILE --age R...)", veil_cli__opts_groups, NONE, 0),
	SUB("delete", "delete the key group INDEX (--file FILE)", veil_cli__opts_groups, NONE, 0),
	END,
};

static const veil_cli_cmd completion_subs[] = {
	SUB("bash", "print the bash completion script", HELP_ONLY, NONE, 0),
	SUB("zsh", "print the zsh completion script", HELP_ONLY, NONE, 0),
	SUB("fish", "print the fish completion script", HELP_ONLY, NONE, 0),
	SUB("list", "print every command and option, one per line", HELP_ONLY, NONE, 0),
	END,
};

#define CMD(n, run, s, o, k, subs)       \
	{                                \
		n, s, run, o, k, subs, 0 \
	}

/* clang-format off */
const veil_cli_cmd veil_cli__commands[] = {
	CMD("keygen", veil_cli__cmd_keygen, "make an age identity, or print recipients (-y)",
	    veil_cli__opts_keygen, FILES, NULL),
	CMD("encrypt", veil_cli__cmd_encrypt, "encrypt the values of a YAML/JSON/.env/INI file",
	    veil_cli__opts_encrypt, FILES, NULL),
	CMD("decrypt", veil_cli__cmd_decrypt, "decrypt a SOPS file, MAC verified first",
	    veil_cli__opts_decrypt, FILES, NULL),
	CMD("filestatus", veil_cli__cmd_filestatus, "print {\"encrypted\":true|false} (as sops)",
	    veil_cli__opts_filestatus, FILES, NULL),
	CMD("set", veil_cli__cmd_set, "set one value of an encrypted file in place",
	    veil_cli__opts_set, FILES, NULL),
	CMD("unset", veil_cli__cmd_unset, "remove one key of an encrypted file in place",
	    veil_cli__opts_unset, FILES, NULL),
	CMD("rotate", veil_cli__cmd_rotate, "re-encrypt a file under a new data key",
	    veil_cli__opts_rotate, FILES, NULL),
	CMD("updatekeys", veil_cli__cmd_updatekeys, "wrap the data key for the .sops.yaml rule's keys",
	    veil_cli__opts_updatekeys, FILES, NULL),
	CMD("edit", veil_cli__cmd_edit, "edit an encrypted file in $EDITOR, re-encrypted on save",
	    veil_cli__opts_edit, FILES, NULL),
	CMD("exec-env", veil_cli__cmd_exec_env, "run a command with the decrypted values in its env",
	    veil_cli__opts_exec_env, FILES, NULL),
	CMD("exec-file", veil_cli__cmd_exec_file, "run a command with {} as a FIFO of the plaintext",
	    veil_cli__opts_exec_file, FILES, NULL),
	CMD("k8s-keys", veil_cli__cmd_k8s_keys, "check the keys the k8s commands load: print recipients",
	    veil_cli__opts_k8s_keys, NONE, NULL),
	CMD("k8s", veil_cli__cmd_k8s, "decrypt manifest streams; kustomize KRM function/plugin",
	    HELP_ONLY, NONE, k8s_subs),
	CMD("age", veil_cli__cmd_age, "encrypt (-e) or decrypt (-d) age files, flags as age",
	    veil_cli__opts_age, FILES, NULL),
	CMD("hook", veil_cli__cmd_hook, "install or uninstall the pre-commit hook (check --staged)",
	    HELP_ONLY, NONE, hook_subs),
	CMD("git", veil_cli__cmd_git, "git setup; the filter, diff and merge drivers; mergetool",
	    HELP_ONLY, NONE, git_subs),
	CMD("check", veil_cli__cmd_check, "refuse plaintext secrets in files (exit 1 on findings)",
	    veil_cli__opts_check, FILES, NULL),
	CMD("audit", veil_cli__cmd_audit, "who can decrypt what: files x recipients, from metadata",
	    veil_cli__opts_audit, FILES, NULL),
	CMD("groups", veil_cli__cmd_groups, "add or delete a key group of an encrypted file",
	    HELP_ONLY, NONE, groups_subs),
	{ "sops", "sops 3.13.2's command line (also: a link named sops)", veil_cli__cmd_sops,
	  NULL, FILES, NULL, VEIL_CLI_SOPS },
	CMD("completion", veil_cli__cmd_completion, "print shell completions: bash, zsh or fish",
	    HELP_ONLY, NONE, completion_subs),
	CMD("version", veil_cli__cmd_version, "print versions", HELP_ONLY, NONE, NULL),
	CMD("help", veil_cli__cmd_help, "show help: veil help COMMAND [SUBCOMMAND]", HELP_ONLY,
	    VEIL_CLI_OPERANDS_COMMANDS, NULL),
	END,
};
/* clang-format on */

const veil_cli_cmd *veil_cli__command_find(const veil_cli_cmd *list, const char *name)
{
	for (const veil_cli_cmd *c = list; c && c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
