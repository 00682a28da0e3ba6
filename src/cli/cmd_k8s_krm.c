/* veil k8s krm: the kustomize function. With no operand it is an exec KRM
 * function (ResourceList on stdin and stdout, `kustomize build
 * --enable-alpha-plugins --enable-exec`); with one operand it is a legacy
 * exec plugin (argv[1] = the config file, resources out as a plain stream,
 * what `kubectl kustomize --enable-alpha-plugins` runs). */
#include "cmd_k8s.h"
#include "commands.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const veil_opt veil_cli__opts_k8s_krm[] = {
	{ "log", 0, 1, K8S_OPT_LOG },
	{ "ignore-mac", 0, 0, K8S_OPT_IGNORE_MAC },
	{ "help", 'h', 0, K8S_OPT_HELP },
	VEIL_K8S_KEYS_OPTS,
	{ NULL, 0, 0, 0 },
};
/* clang-format on */

typedef struct krm_args {
	k8s_common c;
	const char *config; /* legacy plugin mode */
} krm_args;

static void krm_usage(FILE *f)
{
	fputs("usage: veil k8s krm [KEY OPTIONS] [--log json] [--ignore-mac] [CONFIG]\n"
	      "       veil-krm                     (a link named veil-krm runs `veil k8s krm`)\n"
	      "\n"
	      "A kustomize function. Its config (apiVersion: veil/v1, kind: SecretGenerator)\n"
	      "lists encrypted manifests (files:) and Secrets to build from encrypted dotenv,\n"
	      "JSON, YAML or binary files (secretFrom:, like ksops); any other config kind\n"
	      "makes it a transformer that decrypts every encrypted item. kustomize re-sorts\n"
	      "the keys of what it passes on, which breaks a sops MAC: the transformer\n"
	      "verifies veil_sorted_mac (which veil writes for Kubernetes objects and\n"
	      "kustomize does not break), else each value's authentication (as Flux) unless\n"
	      "its config says verifyMac: true; the generator verifies every MAC from disk.\n"
	      "Files are relative to the kustomization directory, must be encrypted.\n"
	      "\n"
	      "Without CONFIG: an exec KRM function (kustomize build --enable-alpha-plugins\n"
	      "--enable-exec), ResourceList on stdin and stdout; errors go to its results and\n"
	      "stderr. With CONFIG: a legacy exec plugin (kubectl kustomize\n"
	      "--enable-alpha-plugins): manifests on stdout.\n"
	      "\n",
	      f);
	veil_cli__k8s_keys_usage(f);
}

static int parse(krm_args *a, int argc, char **argv, char **operands)
{
	int n = 0, rc;

	rc = veil_cli__k8s_parse(&a->c, "k8s krm", veil_cli__opts_k8s_krm, krm_usage, argc, argv,
	                         operands, &n);
	if (rc != 0)
		return rc;
	if (n > 1)
		return veil_cli__usage("k8s krm", "at most one CONFIG file can be given");
	a->config = n ? operands[0] : NULL;
	return 0;
}

static int krm_function(const veil_k8s_opts *o)
{
	uint8_t *in = NULL;
	char *out = NULL;
	size_t in_len = 0, out_len = 0;
	int error, rc = VEIL_EXIT_OK;

	if ((error = veil_file_read(&in, &in_len, "-", VEIL_K8S_MAX_STREAM)) < 0)
		return veil_cli__lib_error("stdin", error);
	error = veil_k8s_krm(&out, &out_len, (const char *)in, in_len, o);
	if (error < 0) {
		veil_cli__lib_error("k8s krm", error);
		rc = veil_cli__k8s_exit(error);
	}
	/* on failure the list carries only the error result */
	if (out && veil_cli__doc_write(NULL, 0, NULL, out, out_len) && !rc)
		rc = VEIL_EXIT_FAIL;
	if (out)
		veil_wipe_free(out, out_len);
	veil_wipe_free(in, in_len);
	return rc;
}

/* Legacy plugin: a generator prints what it generates; any other config is
 * a transformer over the resources kustomize pipes in. */
static int legacy_plugin(const char *config, veil_k8s_opts *o)
{
	veil_doc *doc = NULL;
	uint8_t *cfg = NULL, *in = NULL;
	char *out = NULL;
	size_t cfg_len = 0, in_len = 0, out_len = 0, ndocs = 0;
	const veil_node *root;
	int error, rc;

	if ((error = veil_file_read(&cfg, &cfg_len, config, VEIL_DOC_MAX_SIZE)) < 0 ||
	    (error = veil_doc_parse(&doc, VEIL_FMT_YAML, (const char *)cfg, cfg_len, config)) < 0) {
		rc = veil_cli__lib_error(config, error);
		goto done;
	}
	root = veil_doc_count(doc) ? veil_doc_root(doc, 0) : NULL;
	if (veil_k8s_is_generator(root)) {
		error = veil_k8s_generate_stream(&out, &out_len, root, o);
	} else {
		/* as the KRM transformer: kustomize re-sorted what it pipes in */
		const veil_node *vm = root ? veil_node_get(root, "verifyMac") : NULL;

		o->ignore_mac = !(vm && vm->kind == VEIL_NODE_SCALAR && !strcmp(vm->value, "true"));
		o->verify_sorted = 1;
		error = veil_file_read(&in, &in_len, "-", VEIL_K8S_MAX_STREAM);
		if (error == 0)
			error = veil_k8s_decrypt_stream(&out, &out_len, &ndocs, (const char *)in,
			                                in_len, 1, o);
	}
	if (error < 0) {
		veil_cli__lib_error(config, error);
		rc = veil_cli__k8s_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, 0, NULL, out, out_len) ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
done:
	if (out)
		veil_wipe_free(out, out_len);
	if (in)
		veil_wipe_free(in, in_len);
	veil_doc_free(doc);
	free(cfg);
	return rc;
}

int veil_cli__cmd_k8s_krm(int argc, char **argv)
{
	krm_args a = { 0 };
	k8s_keys keys = { 0 };
	veil_k8s_opts o;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	veil_cli__k8s_tune_malloc();
	if (!operands)
		return veil_cli__lib_error("k8s krm", VEIL_ENOMEM);
	if ((rc = parse(&a, argc, argv, operands)) != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if ((rc = veil_cli__k8s_keys_load(&keys, &a.c.keys)) != 0) {
		if (!a.config) /* kustomize shows only the exit status */
			fputs("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"
			      "results:\n  - severity: error\n    message: \"veil: cannot load the "
			      "age identities\"\n",
			      stdout);
		goto done;
	}
	veil_cli__k8s_opts(&o, &keys, a.c.log_json);
	o.ignore_mac = a.c.ignore_mac;
	rc = a.config ? legacy_plugin(a.config, &o) : krm_function(&o);
done:
	veil_cli__k8s_keys_dispose(&keys);
	free(operands);
	return rc;
}
