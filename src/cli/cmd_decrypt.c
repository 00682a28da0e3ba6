/* veil decrypt: the plaintext of a SOPS file, its MAC verified first. */
#include "docargs.h"
#include "commands.h"
#include "util/filemap.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_EXTRACT = VEIL_DOCOPT_OWN, OPT_OUTPUT_TYPE, OPT_IGNORE_MAC, OPT_OVERRIDE, OPT_INDENT };

const veil_opt veil_cli__opts_decrypt[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "extract", 0, 1, OPT_EXTRACT },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "filename-override", 0, 1, OPT_OVERRIDE },
	{ "indent", 0, 1, OPT_INDENT },
	{ "in-place", 'i', 0, VEIL_DOCOPT_IN_PLACE },
	{ "output", 'o', 1, VEIL_DOCOPT_OUTPUT },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct dec_args {
	veil_cli_docargs d;
	const char *extract, *output_type, *override;
	int ignore_mac;
	int indent; /* --indent, -1 if not given */
} dec_args;

static void decrypt_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil decrypt [--identity FILE]... [--extract '[\"a\"][\"b\"]']\n"
	      "                    [--input-type T] [--output-type T] [--ignore-mac]\n"
	      "                    [--filename-override NAME] [--indent N]\n"
	      "                    [-i | -o OUTPUT] FILE\n"
	      "\n"
	      "Decrypts a SOPS file (written by veil or sops 3.x, age keys) after verifying its\n"
	      "MAC; prints nothing unless everything decrypted. Formatting is kept: only values\n"
	      "change and the sops block is removed.\n"
	      "\n"
	      "  --identity F     age identity file; repeatable. Used first, then every key\n"
	      "                   found as sops finds them: VEIL_AGE_KEY, VEIL_AGE_KEY_FILE,\n"
	      "                   ~/.config/veil/keys.txt, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,\n"
	      "                   SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt,\n"
	      "                   SOPS_AGE_SSH_PRIVATE_KEY_FILE / _CMD, ~/.ssh/id_ed25519,\n"
	      "                   ~/.ssh/id_rsa\n"
	      "  --passphrase-file F  passphrase of passphrase-protected identity files\n"
	      "  --extract P      print only the value at P, e.g. "
	      "'[\"stringData\"][\"password\"]'\n"
	      "  --output-type T  yaml, json, dotenv, ini or binary (re-emitted)\n"
	      "  --filename-override NAME  the name that gives the format (FILE - is stdin)\n"
	      "  --indent N       indent of re-emitted YAML or JSON; default: the .sops.yaml\n"
	      "                   stores: section, else YAML 4, JSON a tab\n"
	      "  -i, --in-place   replace FILE with the plaintext (atomically)\n"
	      "  -o, --output F   write to F instead of stdout\n"
	      "\n"
	      "Exit status: 0 ok, 2 usage, 10 invalid document, 12 not encrypted (52: a sops\n"
	      "block without its mac), 13 plaintext\n"
	      "value in an encrypted file, 25 a value failed to decrypt, 51 MAC mismatch,\n"
	      "91 bad --extract path, 100 no such file, 128 no identity opens the data key.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	dec_args *a = ctx;
	const char **slot = id == OPT_EXTRACT ? &a->extract : &a->output_type;

	if (id == OPT_IGNORE_MAC) {
		a->ignore_mac = 1;
		return 0;
	}
	if (id == OPT_INDENT)
		return (a->indent = veil_cli__indent_arg("decrypt", arg)) < 0 ? VEIL_EXIT_USAGE : 0;
	if (id == OPT_OVERRIDE)
		slot = &a->override;
	if (*slot)
		return veil_cli__usage("decrypt", "an option was given twice");
	*slot = arg;
	return 0;
}

static int parse(dec_args *a, int argc, char **argv, char **operands)
{
	veil_cli_docspec spec = { .cmd = "decrypt",
		                  .opts = veil_cli__opts_decrypt,
		                  .usage = decrypt_usage,
		                  .own = own_option,
		                  .ctx = a,
		                  .min_operands = 1,
		                  .max_operands = 1 };
	int rc = veil_cli__docargs_parse(&a->d, &spec, argc, argv, operands);

	if (rc == 0 && a->d.in_place && a->extract)
		return veil_cli__usage("decrypt", "-i cannot be used with --extract");
	/* the name sops reads the format from (stdin has none) */
	if (rc == 0 && a->override && !a->d.input_type)
		a->d.fmt = veil_doc_format_from_path(a->override);
	return rc;
}

/* Follows an --extract path like ["a"]["b"][0]; NULL (message set) if it
 * does not lead anywhere. */
static veil_node *extract(veil_node *n, const char *path)
{
	veil_doc_path p;
	veil_node *found = NULL;

	if (veil_doc_path_parse(&p, path) == 0 && !(found = veil_doc_path_find(n, &p, p.n)))
		veil_error_set(VEIL_EINVAL, "--extract: %s does not exist", path);
	veil_doc_path_free(&p);
	return found && found->kind == VEIL_NODE_ALIAS ? found->target : found;
}

/* A binary file's plaintext as the tree sops's binary store reads:
 * {"data": the bytes}. */
static int binary_tree(veil_doc **doc, veil_node **root, const char *data, size_t len)
{
	veil_node *value;
	int error;

	if ((error = veil_doc_new(doc, VEIL_FMT_JSON)) < 0)
		return error;
	*root = veil_doc_build_map(*doc);
	value = veil_doc_build_scalar(*doc, data, len, VEIL_SCALAR_STR);
	if (!*root || !value)
		return veil_error_oom();
	return veil_doc_add_item(*root, "data", value);
}

/* The output bytes when they are not the in-place render: an --extract'ed
 * value, or another --output-type. A binary file's data goes out as
 * {"data": ...} (YAML writes bytes that are not UTF-8 as !!binary, as
 * go-yaml does; JSON, dotenv and INI refuse them rather than change them). */
static int reshape(char **out, size_t *out_len, const char *text, size_t len, veil_doc_format fmt,
                   const dec_args *a)
{
	veil_doc_format ofmt = a->output_type ? veil_doc_format_parse(a->output_type) : fmt;
	const char *name = a->override ? a->override : a->d.file;
	int indent = veil_cli__emit_indent(ofmt, a->indent, name, NULL);
	veil_doc *doc = NULL;
	veil_node *roots[64];
	size_t nroots = 1;
	veil_node *n;
	int error;

	roots[0] = NULL;
	if (fmt == VEIL_FMT_BINARY) {
		error = binary_tree(&doc, &roots[0], text, len);
	} else if ((error = veil_doc_parse(&doc, fmt, text, len, "plaintext")) == 0) {
		nroots = veil_doc_count(doc) < 64 ? veil_doc_count(doc) : 64;
		for (size_t i = 0; i < nroots; i++)
			roots[i] = veil_doc_root(doc, i);
	}
	if (error < 0) {
		veil_doc_free(doc);
		return error;
	}
	if (!a->extract) {
		error = veil_doc_emit(out, out_len, ofmt, roots, nroots, indent);
		veil_doc_free(doc);
		return error;
	}
	n = extract(nroots ? roots[0] : NULL, a->extract);
	if (!n) {
		veil_doc_free(doc);
		return VEIL_EINVAL;
	}
	if (n->kind == VEIL_NODE_SCALAR) {
		*out = malloc(n->value_len + 1);
		if (*out) {
			memcpy(*out, n->value, n->value_len);
			*out_len = n->value_len;
		}
		error = *out ? 0 : VEIL_ENOMEM;
	} else {
		error = veil_doc_emit(out, out_len, ofmt == VEIL_FMT_BINARY ? VEIL_FMT_JSON : ofmt,
		                      (veil_node *const *)&n, 1, indent);
	}
	veil_doc_free(doc);
	return error;
}

static int decrypt_doc(veil_doc *doc, const dec_args *a, veil_identities *ids)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	int rc = 0, error;

	if (!veil_sops_is_encrypted(doc)) {
		rc = veil_cli__not_encrypted(doc, a->d.file);
		if (!strcmp(a->d.file, "-") && !a->d.input_type)
			veil_cli__hint("stdin is read as a binary file unless --input-type says "
			               "yaml, json, dotenv or ini");
		return rc;
	}
	o.identities = ids;
	o.ignore_mac = a->ignore_mac;
	if ((error = veil_sops_decrypt(doc, &o)) < 0) {
		veil_cli__lib_error(a->d.file, error);
		rc = veil_cli__sops_exit(error);
	}
	return rc;
}

/* From this size a YAML file is decrypted a group of root entries at a time
 * (veil_sops_decrypt_pieces): as one tree it would take about four times
 * its size in fresh memory. Smaller files gain nothing from it. */
#define PIECES_FROM (1024u * 1024)

static int pieces_apply(const dec_args *a, veil_doc_format fmt)
{
	return fmt == VEIL_FMT_YAML && !a->extract &&
	       (!a->output_type || veil_doc_format_parse(a->output_type) == VEIL_FMT_YAML);
}

/* 1 and *out when the pieces gave the plaintext; 0 when the whole-document
 * path must run (it also reports any error with its exact position). */
static int try_pieces(const dec_args *a, const veil_identities *ids, const char *text, size_t len,
                      char **out, size_t *out_len)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;

	o.identities = ids;
	o.ignore_mac = a->ignore_mac;
	return veil_sops_decrypt_pieces(out, out_len, text, len, a->d.file, &o, 0, 0) == 0;
}

/* A mapped input cut short by another process faults on access: end with
 * a message instead of a crash (nothing has been written yet). */
static void on_sigbus(int sig)
{
	static const char msg[] = "veil: error: the input file was truncated while it was read\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing else to do in a signal handler */
	}
	veil_outfile__cleanup_all();
	_exit(VEIL_EXIT_FAIL);
}

/* A large regular file is read through a mapping of the page cache: a heap
 * copy would cost its size again in cleared pages. -1: not mappable. */
static int try_mapped(const dec_args *a, const veil_identities *ids, char **out, size_t *out_len)
{
	struct sigaction sa, old;
	const char *map = NULL;
	size_t len = 0;
	int took;

	if (veil_file_map(&map, &len, a->d.file, PIECES_FROM, VEIL_DOC_MAX_SIZE) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	took = try_pieces(a, ids, map, len, out, out_len);
	sigaction(SIGBUS, &old, NULL);
	veil_file_unmap(map, len);
	return took;
}

/* Decrypts a large YAML file in pieces, else reads and parses it whole into
 * *doc (also when the pieces failed: that path names the error exactly). */
static int load(veil_doc **doc, const dec_args *a, veil_identities *ids, char **out,
                size_t *out_len)
{
	veil_doc_format fmt = veil_cli__doc_format(a->d.file, a->d.fmt);
	char *text = NULL;
	size_t len = 0;
	int rc, mapped = pieces_apply(a, fmt) ? try_mapped(a, ids, out, out_len) : 0;

	*doc = NULL;
	if (mapped == 1)
		return 0;
	if ((rc = veil_cli__doc_read(&text, &len, a->d.file)) != 0)
		return rc;
	/* stdin or a pipe: the pieces work on the read buffer */
	if (mapped < 0 && len >= PIECES_FROM && try_pieces(a, ids, text, len, out, out_len)) {
		veil_wipe_free(text, len);
		return 0;
	}
	return veil_cli__doc_parse_taken(doc, text, len, a->d.file, fmt);
}

int veil_cli__cmd_decrypt(int argc, char **argv)
{
	dec_args a = { 0 };
	veil_doc *doc = NULL;
	veil_identities *ids = NULL;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	char *out = NULL, *shaped = NULL;
	size_t out_len = 0, shaped_len = 0;
	veil_doc_format fmt = 0;
	int rc, error;

	if (!operands)
		return VEIL_EXIT_FAIL;
	a.indent = -1;
	if ((rc = parse(&a, argc, argv, operands)) != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	fmt = a.d.fmt;
	if (a.output_type && !veil_doc_format_parse(a.output_type)) {
		rc = veil_cli__usage("decrypt", "unknown --output-type '%s'", a.output_type);
		goto done;
	}
	if ((rc = veil_cli__doc_identities(&ids, a.d.ids, a.d.nids)) != 0 ||
	    (rc = load(&doc, &a, ids, &out, &out_len)) != 0)
		goto done;
	if (!doc) { /* decrypted in pieces */
		rc = veil_cli__doc_write(a.d.output, a.d.in_place, a.d.file, out, out_len);
		goto done;
	}
	if ((rc = decrypt_doc(doc, &a, ids)) != 0)
		goto done;
	fmt = veil_doc_format_of(doc);
	/* a binary file renders as its data value, any bytes */
	if ((error = veil_doc_render(&out, &out_len, doc)) < 0) {
		rc = veil_cli__lib_error(a.d.file, error);
		goto done;
	}
	if (a.extract || (a.output_type && veil_doc_format_parse(a.output_type) != fmt)) {
		if ((error = reshape(&shaped, &shaped_len, out, out_len, fmt, &a)) < 0) {
			veil_cli__lib_error(a.d.file, error);
			rc = a.extract && error == VEIL_EINVAL ? VEIL_EXIT_INVALID_PATH
			                                       : veil_cli__sops_exit(error);
			goto done;
		}
		rc = veil_cli__doc_write(a.d.output, 0, a.d.file, shaped, shaped_len);
	} else {
		rc = veil_cli__doc_write(a.d.output, a.d.in_place, a.d.file, out, out_len);
	}
done:
	veil_doc_free(doc);
	veil_identities_free(ids);
	veil_wipe_free(out, out_len);
	veil_wipe_free(shaped, shaped_len);
	free(operands);
	return rc;
}
