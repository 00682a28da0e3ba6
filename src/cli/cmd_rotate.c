/* veil rotate: a new data key for an encrypted file, recipients and rules kept. */
#include "veil/sops.h"
#include "docargs.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const veil_opt rotate_opts[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "in-place", 'i', 0, VEIL_DOCOPT_IN_PLACE },
	{ "output", 'o', 1, VEIL_DOCOPT_OUTPUT },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ "cipher", 0, 1, VEIL_DOCOPT_OWN },
	{ NULL, 0, 0, 0 },
};

/* --cipher: the cipher the new values get (default: the file's own). */
static int take_cipher(void *ctx, int id, const char *arg)
{
	veil_sops_cipher *cipher = ctx;

	(void)id;
	if (!(*cipher = veil_sops_cipher_parse(arg)))
		return veil_cli__usage("rotate",
		                       "unknown cipher '%s' (aes256-gcm or "
		                       "chacha20-poly1305)",
		                       arg);
	return 0;
}

static void rotate_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil rotate [--identity F]... [--cipher C] [-i | -o OUTPUT] FILE\n"
	      "\n"
	      "Re-encrypts every value of FILE under a new data key, wrapped for the same\n"
	      "recipients and key groups, with the same selection rule and cipher. Every\n"
	      "value's ciphertext changes (use it after a key may have leaked).\n"
	      "\n"
	      "      --cipher C   write the values with C instead: aes256-gcm (what sops,\n"
	      "                   Flux, ksops and helm-secrets read) or chacha20-poly1305;\n"
	      "                   `veil rotate --cipher aes256-gcm -i FILE` converts a\n"
	      "                   ChaCha20-Poly1305 file for those tools\n"
	      "\n"
	      "Exit status: 0 ok, 2 usage, 12 not encrypted, 51 MAC mismatch, 100 no such\n"
	      "file, 128 no identity opens the data key.\n",
	      f);
}

static int run(const veil_cli_docargs *a, veil_sops_cipher cipher)
{
	veil_cli_session s;
	veil_sops_rekey r = { 0 };
	veil_doc *doc = NULL;
	char *out = NULL;
	size_t out_len = 0;
	int rc, error;

	if ((rc = veil_cli__session_open(&s, a->file, a->fmt, a->ids, a->nids)) != 0)
		goto done;
	error = veil_sops_rekey_options(&r, s.enc);
	if (error == 0 && cipher)
		r.opts.cipher = cipher;
	if (error < 0 || (error = veil_doc_parse(&doc, s.fmt, s.plain, s.plain_len, a->file)) < 0 ||
	    (error = veil_sops_encrypt(doc, &r.opts)) < 0 ||
	    (error = veil_doc_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a->file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(a->output, a->in_place, a->file, out, out_len);
done:
	veil_doc_free(doc);
	free(out);
	veil_sops_rekey_dispose(&r);
	veil_cli__session_close(&s);
	return rc;
}

int veil_cli__cmd_rotate(int argc, char **argv)
{
	veil_sops_cipher cipher = 0;
	const veil_cli_docspec spec = { .cmd = "rotate",
		                        .opts = rotate_opts,
		                        .usage = rotate_usage,
		                        .own = take_cipher,
		                        .ctx = &cipher,
		                        .min_operands = 1,
		                        .max_operands = 1 };
	veil_cli_docargs a = { 0 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a, &spec, argc, argv, operands);
	if (rc == 0)
		rc = run(&a, cipher);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
