/* veil k8s-keys: loads identities exactly as the k8s commands do and prints
 * their recipients (public keys only), so an operator can check that a
 * sidecar reaches its key (mount, Secret, RBAC, CA) before a sync fails. */
#include <stdio.h>
#include <stdlib.h>
#include "k8s_keys.h"
#include "commands.h"

enum { OPT_HELP = 1 };

const veil_opt veil_cli__opts_k8s_keys[] = {
	{ "help", 'h', 0, OPT_HELP },
	VEIL_K8S_KEYS_OPTS,
	{ NULL, 0, 0, 0 },
};

static void k8s_keys_usage(FILE *f)
{
	fputs("usage: veil k8s-keys [--identity PATH]... [--key-from-secret NS/NAME[/KEY]]...\n"
	      "                     [--project-keys DIR] [--kube-timeout MS]\n"
	      "\n"
	      "Loads the identities the k8s commands would use and prints the recipient\n"
	      "(age1...) of each, one per line. Never prints a secret key.\n"
	      "\n",
	      f);
	veil_cli__k8s_keys_usage(f);
}

int veil_cli__cmd_k8s_keys(int argc, char **argv)
{
	veil_identities *ids = NULL;
	veil_optstate st;
	veil_k8s_keys keys;
	const char *arg;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int id, r, code = VEIL_EXIT_FAIL;
	size_t i;

	if (!operands)
		return VEIL_EXIT_FAIL;
	veil_cli__k8s_keys_init(&keys, "k8s-keys");
	veil_cli__opt_init(&st, argc, argv, operands, "k8s-keys");
	for (;;) {
		id = veil_cli__opt_next(&st, veil_cli__opts_k8s_keys, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			k8s_keys_usage(stdout);
			code = VEIL_EXIT_OK;
			goto done;
		}
		r = veil_cli__k8s_keys_opt(&keys, id, arg);
		if (r < 0) {
			code = VEIL_EXIT_USAGE;
			goto done;
		}
	}
	if (id == VEIL_OPT_ERROR) {
		code = VEIL_EXIT_USAGE;
		goto done;
	}
	if (st.noperands > 0) {
		code = veil_cli__usage("k8s-keys", "unexpected argument '%s'", st.operands[0]);
		goto done;
	}
	if (veil_cli__k8s_keys_identities(&keys, &ids) < 0)
		goto done;
	code = VEIL_EXIT_OK;
	for (i = 0; i < veil_identities_count(ids) && code == VEIL_EXIT_OK; i++) {
		veil_recipient *rcp = NULL;
		char *text = NULL;

		if (veil_identity_to_recipient(&rcp, veil_identities_get(ids, i)) < 0 ||
		    veil_recipient_encode(&text, rcp) < 0)
			code = veil_cli__lib_error("recipient", VEIL_EINVAL);
		else
			printf("%s\n", text);
		free(text);
		veil_recipient_free(rcp);
	}
	if (fflush(stdout) != 0)
		code = VEIL_EXIT_FAIL;
done:
	veil_identities_free(ids);
	free(operands);
	return code;
}
