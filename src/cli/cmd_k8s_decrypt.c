/* veil k8s decrypt: a manifest stream in, the same stream out with every
 * encrypted document decrypted; nothing at all on stdout unless every
 * document succeeded. */
#include "cmd_k8s.h"
#include "commands.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
const veil_opt veil_cli__opts_k8s_decrypt[] = {
	{ "allow-empty", 0, 0, K8S_OPT_FLAG },
	{ "log", 0, 1, K8S_OPT_LOG },
	{ "ignore-mac", 0, 0, K8S_OPT_IGNORE_MAC },
	{ "help", 'h', 0, K8S_OPT_HELP },
	VEIL_K8S_KEYS_OPTS,
	{ NULL, 0, 0, 0 },
};
/* clang-format on */

typedef struct k8s_dec_args {
	k8s_common c; /* c.flag: --allow-empty */
	const char *file;
} k8s_dec_args;

static void k8s_decrypt_usage(FILE *f)
{
	fputs("usage: veil k8s decrypt [KEY OPTIONS] [--allow-empty] [--log json]\n"
	      "                        [--ignore-mac] [FILE|-]\n"
	      "\n"
	      "Reads a stream of Kubernetes manifests (multi-document YAML, JSON objects, or a\n"
	      "List), e.g. `kustomize build` output, and writes the same stream with every\n"
	      "sops/veil-encrypted document and List item decrypted (MAC verified, sops block\n"
	      "removed). Every other document passes through byte for byte. On any failure\n"
	      "nothing is written to stdout and the error names the document.\n"
	      "\n"
	      "  --allow-empty  an empty stream is not an error (it is by default: an empty\n"
	      "                 render makes Argo CD or Flux prune everything)\n"
	      "  --log json     one JSON line per decrypted document on stderr: kind,\n"
	      "                 namespace, name and the recipient that matched\n"
	      "  --ignore-mac   rely on each value's authentication only. Not needed after\n"
	      "                 kustomize for what veil encrypts for Kubernetes: its files\n"
	      "                 carry veil_sorted_mac, which kustomize's re-sorting and\n"
	      "                 metadata rewrites do not break; files from sops (or a veil\n"
	      "                 before it) have only the sops MAC, which they do break\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure (or empty stream), 2 usage, 10 invalid document,\n"
	      "13 plaintext value in an encrypted document, 25 a value failed to decrypt,\n"
	      "51 MAC mismatch, 128 no identity opens a document's data key.\n",
	      f);
	fputc('\n', f);
	veil_cli__k8s_keys_usage(f);
}

static int parse(k8s_dec_args *a, int argc, char **argv, char **operands)
{
	int n = 0, rc;

	rc = veil_cli__k8s_parse(&a->c, "k8s decrypt", veil_cli__opts_k8s_decrypt,
	                         k8s_decrypt_usage, argc, argv, operands, &n);
	if (rc != 0)
		return rc;
	if (n > 1)
		return veil_cli__usage("k8s decrypt", "only one FILE can be given");
	a->file = n ? operands[0] : "-";
	return 0;
}

int veil_cli__k8s_decrypt_buffer(const k8s_common *c, const char *name, const uint8_t *in,
                                 size_t in_len)
{
	k8s_keys keys = { 0 };
	veil_k8s_opts o;
	char *out = NULL;
	size_t out_len = 0, ndocs = 0;
	int rc, error;

	if ((rc = veil_cli__k8s_keys_load(&keys, &c->keys)) != 0)
		goto done;
	veil_cli__k8s_opts(&o, &keys, c->log_json);
	o.ignore_mac = c->ignore_mac;
	error = veil_k8s_decrypt_stream(&out, &out_len, &ndocs, (const char *)in, in_len, c->flag,
	                                &o);
	if (error < 0) {
		veil_cli__lib_error(name, error);
		if (error == VEIL_EMAC && !c->ignore_mac)
			veil_cli__hint(
			        "a document changed after encryption. If kustomize re-sorted "
			        "a file that has no veil_sorted_mac (written by sops or an "
			        "older veil): re-encrypt it with veil (veil rotate -i), "
			        "decrypt before kustomize (the veil generator), or pass "
			        "--ignore-mac");
		rc = veil_cli__k8s_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, 0, NULL, out, out_len) ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
done:
	if (out)
		veil_wipe_free(out, out_len);
	veil_cli__k8s_keys_dispose(&keys);
	return rc;
}

int veil_cli__cmd_k8s_decrypt(int argc, char **argv)
{
	k8s_dec_args a = { 0 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	uint8_t *in = NULL;
	size_t in_len = 0;
	int rc, error;

	veil_cli__k8s_tune_malloc();
	if (!operands)
		return veil_cli__lib_error("k8s decrypt", VEIL_ENOMEM);
	if ((rc = parse(&a, argc, argv, operands)) != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if ((error = veil_file_read(&in, &in_len, a.file, VEIL_K8S_MAX_STREAM)) < 0) {
		veil_cli__lib_error(strcmp(a.file, "-") ? a.file : "stdin", error);
		rc = error == VEIL_ENOTFOUND ? VEIL_EXIT_NO_FILE : veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__k8s_decrypt_buffer(&a.c, strcmp(a.file, "-") ? a.file : "stdin", in, in_len);
done:
	if (in)
		veil_wipe_free(in, in_len);
	free(operands);
	return rc;
}
