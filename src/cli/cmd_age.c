/* veil age: age-format file encryption with age's flags. This file parses
 * and checks the arguments; age_run.c does the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "cmd_age.h"

enum {
	OPT_ENCRYPT = 1,
	OPT_DECRYPT,
	OPT_RECIPIENT,
	OPT_RECIPIENTS_FILE,
	OPT_IDENTITY,
	OPT_PLUGIN,
	OPT_PASSPHRASE,
	OPT_PASSPHRASE_FILE,
	OPT_ARMOR,
	OPT_OUTPUT,
	OPT_HELP,
};

const veil_opt veil_cli__opts_age[] = {
	{ "encrypt", 'e', 0, OPT_ENCRYPT },
	{ "decrypt", 'd', 0, OPT_DECRYPT },
	{ "recipient", 'r', 1, OPT_RECIPIENT },
	{ "recipients-file", 'R', 1, OPT_RECIPIENTS_FILE },
	{ "identity", 'i', 1, OPT_IDENTITY },
	{ "plugin", 'j', 1, OPT_PLUGIN },
	{ "passphrase", 'p', 0, OPT_PASSPHRASE },
	{ "passphrase-file", 0, 1, OPT_PASSPHRASE_FILE },
	{ "armor", 'a', 0, OPT_ARMOR },
	{ "output", 'o', 1, OPT_OUTPUT },
	{ "help", 'h', 0, OPT_HELP },
	{ NULL, 0, 0, 0 },
};

static void age_usage(FILE *f)
{
	fputs("usage: veil age [-e] (-r RECIPIENT | -R PATH)... [-a] [-o OUTPUT] [INPUT]\n"
	      "       veil age [-e] -p [--passphrase-file FILE] [-a] [-o OUTPUT] [INPUT]\n"
	      "       veil age -e (-i PATH | -j PLUGIN)... [-a] [-o OUTPUT] [INPUT]\n"
	      "       veil age -d [-i PATH | -j PLUGIN]... [--passphrase-file FILE] [-o OUTPUT]\n"
	      "                [INPUT]\n"
	      "\n"
	      "Encrypts or decrypts INPUT (default: stdin) to OUTPUT (default: stdout) in the\n"
	      "age v1 format, compatible with age, rage and typage.\n"
	      "\n"
	      "  -e, --encrypt             encrypt (the default when -r, -R or -p is given)\n"
	      "  -d, --decrypt             decrypt (armor and passphrase files are detected)\n"
	      "  -r, --recipient R         encrypt to age1..., an ssh-ed25519 or ssh-rsa public\n"
	      "                            key, or a plugin's age1NAME1...; repeatable\n"
	      "  -R, --recipients-file F   encrypt to the recipients listed in F; repeatable\n"
	      "  -i, --identity F          decrypt with the identities in F (age-keygen file,\n"
	      "                            SSH ed25519 or RSA private key, passphrase-encrypted\n"
	      "                            identity file); with -e, encrypt to them; repeatable\n"
	      "  -j, --plugin NAME         use age-plugin-NAME (from PATH) with its default\n"
	      "                            identity, to decrypt, or with -e to encrypt\n"
	      "  -p, --passphrase          encrypt with a passphrase (asked on the terminal)\n"
	      "      --passphrase-file F   read the passphrase from the first line of F\n"
	      "  -a, --armor               write PEM-style ASCII armor\n"
	      "  -o, --output F            write to F (created 0600 via a temp file, replaced\n"
	      "                            only on success); \"-o -\" forces binary to a terminal\n"
	      "\n"
	      "Without -i, decryption uses every key sops would find, together: VEIL_AGE_KEY,\n"
	      "VEIL_AGE_KEY_FILE, $XDG_CONFIG_HOME/veil/keys.txt, SOPS_AGE_KEY, "
	      "SOPS_AGE_KEY_FILE,\n"
	      "SOPS_AGE_KEY_CMD, $XDG_CONFIG_HOME/sops/age/keys.txt (default ~/.config/...),\n"
	      "SOPS_AGE_SSH_PRIVATE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_CMD, ~/.ssh/id_ed25519\n"
	      "and ~/.ssh/id_rsa. Post-quantum keys are refused (no ML-KEM-768 library).\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

static int set_once(const char **slot, const char *arg, const char *flag)
{
	if (*slot)
		return veil_cli__usage("age", "%s given more than once", flag);
	*slot = arg;
	return 0;
}

static int parse(age_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id, rc = 0;

	veil_cli__opt_init(&st, argc, argv, operands, "age");
	for (;;) {
		id = veil_cli__opt_next(&st, veil_cli__opts_age, &arg);
		if (id <= 0)
			break;
		switch (id) {
		case OPT_ENCRYPT:
			a->encrypt = 1;
			break;
		case OPT_DECRYPT:
			a->decrypt = 1;
			break;
		case OPT_RECIPIENT:
			a->recipients[a->nrecipients++] = arg;
			break;
		case OPT_RECIPIENTS_FILE:
			a->rfiles[a->nrfiles++] = arg;
			break;
		case OPT_IDENTITY:
			a->ifiles[a->nifiles++] = arg;
			break;
		case OPT_PLUGIN:
			a->plugins[a->nplugins++] = arg;
			break;
		case OPT_PASSPHRASE:
			a->passphrase = 1;
			break;
		case OPT_PASSPHRASE_FILE:
			rc = set_once(&a->passfile, arg, "--passphrase-file");
			break;
		case OPT_ARMOR:
			a->armor = 1;
			break;
		case OPT_OUTPUT:
			rc = set_once(&a->output, arg, "-o");
			break;
		case OPT_HELP:
			age_usage(stdout);
			return -1;
		}
		if (rc)
			return rc;
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (st.noperands > 1)
		return veil_cli__usage("age", "only one input file is allowed, got '%s' and '%s'",
		                       st.operands[0], st.operands[1]);
	a->input = st.noperands ? st.operands[0] : NULL;
	return 0;
}

static int check_decrypt(const age_args *a)
{
	if (a->passphrase)
		return veil_cli__usage("age",
		                       "-p can't be used with -d: passphrase-encrypted "
		                       "files are detected (use --passphrase-file for scripts)");
	if (a->armor)
		return veil_cli__usage("age", "-a can't be used with -d: armor is detected");
	if (a->nrecipients || a->nrfiles)
		return veil_cli__usage("age", "-r/-R can't be used with -d (did you mean -i?)");
	return 0;
}

static int check_encrypt(age_args *a)
{
	int keys = a->nrecipients || a->nrfiles || a->nifiles || a->nplugins;

	if (a->passphrase && keys)
		return veil_cli__usage("age", "-p can't be combined with -r, -R, -i or -j: a "
		                              "passphrase-encrypted file has only the passphrase");
	if (a->passfile && !a->passphrase)
		return veil_cli__usage("age", "--passphrase-file needs -p when encrypting");
	if (!a->passphrase && !keys)
		return veil_cli__usage("age", "missing recipients: give -r, -R, -p, or -i with -e");
	return 0;
}

/* Only one argument may read standard input. */
static int check_stdin(const age_args *a)
{
	int users = (!a->input || !strcmp(a->input, "-"));
	size_t i;

	users += a->passfile && !strcmp(a->passfile, "-");
	for (i = 0; i < a->nrfiles; i++)
		users += !strcmp(a->rfiles[i], "-");
	for (i = 0; i < a->nifiles; i++)
		users += !strcmp(a->ifiles[i], "-");
	if (users > 1)
		return veil_cli__usage("age", "standard input can be read only once: give the "
		                              "input, or a key file, as a path");
	return 0;
}

static int check(age_args *a)
{
	if (a->encrypt && a->decrypt)
		return veil_cli__usage("age", "-e and -d can't be used together");
	if (!a->encrypt && !a->decrypt) {
		if (a->nrecipients || a->nrfiles || a->passphrase) {
			a->encrypt = 1;
		} else if (a->nifiles || a->nplugins) {
			veil_cli__error(
			        "-i/-j can't be used in encryption mode without an explicit -e");
			veil_cli__hint(
			        "did you mean to decrypt (-d)? to encrypt to the identities' "
			        "recipients, add -e");
			return VEIL_EXIT_USAGE;
		} else {
			return veil_cli__usage("age", "give -e (with -r, -R, -p or -i) or -d");
		}
	}
	return a->decrypt ? check_decrypt(a) : check_encrypt(a);
}

int veil_cli__cmd_age(int argc, char **argv)
{
	size_t slots = argc > 0 ? (size_t)argc : 1;
	char **operands = calloc(slots, sizeof(*operands));
	const char **lists = calloc(4 * slots, sizeof(*lists));
	age_args a;
	int rc;

	if (!operands || !lists) {
		veil_cli__error("out of memory");
		rc = VEIL_EXIT_FAIL;
		goto done;
	}
	memset(&a, 0, sizeof(a));
	a.recipients = lists;
	a.rfiles = lists + slots;
	a.ifiles = lists + 2 * slots;
	a.plugins = lists + 3 * slots;
	rc = parse(&a, argc, argv, operands);
	if (rc < 0) {
		rc = VEIL_EXIT_OK; /* --help */
		goto done;
	}
	if (rc == 0)
		rc = check(&a);
	if (rc == 0)
		rc = check_stdin(&a);
	if (rc == 0)
		rc = a.decrypt ? veil_cli__age_decrypt(&a) : veil_cli__age_encrypt(&a);
done:
	free(lists);
	free(operands);
	return rc;
}
