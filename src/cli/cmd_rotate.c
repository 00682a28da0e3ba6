/* veil rotate: a new data key for an encrypted file, recipients and rules kept. */
#include "veil/k8s.h"
#include "veil/sops.h"
#include "commands.h"
#include "docargs.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_CIPHER = VEIL_DOCOPT_OWN,
	OPT_ADD_AGE,
	OPT_RM_AGE,
	OPT_OUTPUT_TYPE,
	OPT_OVERRIDE,
	OPT_IGNORE_MAC,
};

const veil_opt veil_cli__opts_rotate[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "in-place", 'i', 0, VEIL_DOCOPT_IN_PLACE },
	{ "output", 'o', 1, VEIL_DOCOPT_OUTPUT },
	{ "cipher", 0, 1, OPT_CIPHER },
	{ "add-age", 0, 1, OPT_ADD_AGE },
	{ "rm-age", 0, 1, OPT_RM_AGE },
	{ "filename-override", 0, 1, OPT_OVERRIDE },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

#define MAX_KEYS 256

typedef struct rotate_args {
	veil_cli_docargs d;
	veil_sops_cipher cipher;
	const char *output_type, *override;
	char *add, *rm; /* comma lists (copies, split in place) */
	int ignore_mac;
} rotate_args;

static int own_option(void *ctx, int id, const char *arg)
{
	rotate_args *a = ctx;
	char **list = id == OPT_ADD_AGE ? &a->add : &a->rm;

	switch (id) {
	case OPT_CIPHER:
		/* the cipher the new values get (default: the file's own) */
		if (!(a->cipher = veil_sops_cipher_parse(arg)))
			return veil_cli__usage("rotate",
			                       "unknown cipher '%s' (aes256-gcm or "
			                       "chacha20-poly1305)",
			                       arg);
		return 0;
	case OPT_OUTPUT_TYPE:
		if (!veil_doc_format_parse(arg))
			return veil_cli__usage("rotate", "unknown --output-type '%s'", arg);
		a->output_type = arg;
		return 0;
	case OPT_OVERRIDE:
		a->override = arg;
		return 0;
	case OPT_IGNORE_MAC:
		a->ignore_mac = 1;
		return 0;
	default:
		if (*list)
			return veil_cli__usage("rotate", "--add-age and --rm-age are given once (a "
			                                 "comma list)");
		if (!(*list = strdup(arg)))
			return VEIL_EXIT_FAIL;
		return 0;
	}
}

static void rotate_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil rotate [--identity F]... [--passphrase-file F] [--cipher C]\n"
	      "                   [--add-age R,...]\n"
	      "                   [--rm-age R,...] [--input-type T] [--output-type T]\n"
	      "                   [--filename-override NAME] [--ignore-mac]\n"
	      "                   [-i | --in-place | -o OUTPUT | --output OUTPUT] FILE\n"
	      "\n"
	      "Re-encrypts every value of FILE under a new data key, wrapped for the same\n"
	      "recipients and key groups, with the same selection rule and cipher. Every\n"
	      "value's ciphertext changes (use it after a key may have leaked).\n"
	      "\n"
	      "      --cipher C   write the values with C instead: aes256-gcm (what sops,\n"
	      "                   Flux, ksops and helm-secrets read) or chacha20-poly1305;\n"
	      "                   `veil rotate --cipher aes256-gcm -i FILE` converts a\n"
	      "                   ChaCha20-Poly1305 file for those tools\n"
	      "      --add-age L  also wrap the new key for these age recipients (the first\n"
	      "                   key group), as sops rotate --add-age\n"
	      "      --rm-age L   and no longer for these\n"
	      "      --output-type T  write the result as yaml, json, dotenv or ini\n"
	      "\n"
	      "A file whose key is also wrapped for pgp, kms or other keys veil cannot use is\n"
	      "refused, naming them: rotating would drop them.\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure, 2 usage, 12 not encrypted, 51 MAC mismatch,\n"
	      "100 no such file, 128 no identity opens the data key.\n",
	      f);
}

/* Is r in the comma list (modified copy) list? */
static int listed(const char *list, const char *r)
{
	size_t n = strlen(r);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && !strncmp(p, r, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* --add-age / --rm-age: the groups with those changes (sops adds to the
 * first group and removes from every group). keys holds the lists. */
static int change_keys(veil_sops_rekey *r, const rotate_args *a, const char **keys,
                       veil_sops_key_group *groups)
{
	size_t k = 0;

	for (size_t g = 0; g < r->opts.ngroups; g++) {
		groups[g].age = keys + k;
		groups[g].nage = 0;
		for (size_t i = 0; i < r->opts.groups[g].nage; i++) {
			const char *key = r->opts.groups[g].age[i];
			if (a->rm && listed(a->rm, key))
				continue;
			if (k == MAX_KEYS)
				return veil_error_set(VEIL_ELIMIT, "too many keys");
			keys[k++] = key;
			groups[g].nage++;
		}
		if (g != 0 || !a->add)
			continue;
		for (char *tok = strtok(a->add, ","); tok; tok = strtok(NULL, ",")) {
			tok += strspn(tok, " \t");
			if (!*tok || listed(a->rm ? a->rm : "", tok))
				continue;
			if (k == MAX_KEYS)
				return veil_error_set(VEIL_ELIMIT, "too many keys");
			keys[k++] = tok;
			groups[g].nage++;
		}
	}
	r->opts.groups = groups;
	return 0;
}

static int run(rotate_args *a)
{
	veil_cli_session s;
	veil_sops_rekey r = { 0 };
	veil_sops_key_group groups[VEIL_SOPS_MAX_KEY_GROUPS];
	const char *keys[MAX_KEYS];
	veil_doc *doc = NULL;
	veil_doc_format ofmt = a->output_type ? veil_doc_format_parse(a->output_type) : 0;
	char *out = NULL;
	size_t out_len = 0;
	veil_sops_rewrites rewrites = { 0 };
	int rc, error;

	if ((rc = veil_cli__session_open_ex(&s, a->d.file, a->d.fmt, a->d.ids, a->d.nids,
	                                    a->ignore_mac)) != 0)
		goto done;
	error = veil_sops_rekey_options(&r, s.enc);
	if (error == 0 && a->cipher)
		r.opts.cipher = a->cipher;
	if (error == 0 && (a->add || a->rm))
		error = change_keys(&r, a, keys, groups);
	r.opts.rewrites = &rewrites;
	if (error == 0)
		error = veil_doc_parse(&doc, s.fmt, s.plain, s.plain_len, a->d.file);
	if (error == 0 && ofmt && ofmt != s.fmt)
		error = veil_cli__doc_convert(
		        &doc, ofmt == VEIL_FMT_BINARY ? VEIL_FMT_JSON : ofmt,
		        veil_cli__emit_indent(ofmt, -1, a->override ? a->override : a->d.file,
		                              NULL),
		        a->d.file);
	/* a Kubernetes object gains the MAC that survives kustomize */
	if (error == 0)
		r.opts.sorted_mac |= veil_k8s_one_object(doc);
	if (error < 0 || (error = veil_sops_encrypt(doc, &r.opts)) < 0 ||
	    (error = veil_sops_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a->d.file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(a->d.output, a->d.in_place, a->d.file, out, out_len);
	if (rc == 0)
		veil_cli__note_rewrites(a->d.file, &rewrites);
done:
	veil_doc_free(doc);
	free(out);
	veil_sops_rekey_dispose(&r);
	veil_cli__session_close(&s);
	return rc;
}

int veil_cli__cmd_rotate(int argc, char **argv)
{
	rotate_args a = { 0 };
	const veil_cli_docspec spec = { .cmd = "rotate",
		                        .opts = veil_cli__opts_rotate,
		                        .usage = rotate_usage,
		                        .own = own_option,
		                        .ctx = &a,
		                        .min_operands = 1,
		                        .max_operands = 1 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a.d, &spec, argc, argv, operands);
	if (rc == 0 && a.override && !a.d.input_type)
		a.d.fmt = veil_doc_format_from_path(a.override);
	if (rc == 0)
		rc = run(&a);
	free(a.add);
	free(a.rm);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
