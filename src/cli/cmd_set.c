/* veil set / veil unset: change one value of an encrypted file in place. */
#include "docargs.h"
#include "commands.h"
#include "sops_session.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_IDEMPOTENT = VEIL_DOCOPT_OWN,
	OPT_VALUE_FILE,
	OPT_VALUE_STDIN,
	OPT_IGNORE_MAC,
	OPT_OUTPUT_TYPE
};

const veil_opt veil_cli__opts_set[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "idempotent", 0, 0, OPT_IDEMPOTENT },
	{ "value-file", 0, 0, OPT_VALUE_FILE },
	{ "value-stdin", 0, 0, OPT_VALUE_STDIN },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

const veil_opt veil_cli__opts_unset[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "idempotent", 0, 0, OPT_IDEMPOTENT },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct set_args {
	veil_cli_docargs d;
	const char *path, *value, *output_type;
	const char *value_file; /* where the value is read from: a path, or "-" */
	int idempotent, unset, ignore_mac, from_file, from_stdin;
} set_args;

static void set_usage(FILE *f, void *ctx)
{
	int unset = ((const set_args *)ctx)->unset;

	if (unset)
		fputs("usage: veil unset [--identity F]... [--idempotent] [--ignore-mac]\n"
		      "                  [--input-type T] [--output-type T] FILE '[\"a\"][\"b\"]'\n"
		      "\n"
		      "Removes one key (or list item) of an encrypted file in place: its lines "
		      "go,\n"
		      "every other line stays byte-identical but for the sops block's mac and\n"
		      "lastmodified. --idempotent: a missing key is not an error.\n",
		      f);
	else
		fputs("usage: veil set [--identity F]... [--ignore-mac] FILE '[\"a\"][\"b\"]' "
		      "JSON-VALUE\n"
		      "       veil set [options] --value-file FILE '[\"a\"][\"b\"]' VALUE-FILE\n"
		      "       veil set [options] --value-stdin FILE '[\"a\"][\"b\"]'  < VALUE\n"
		      "options: [--passphrase-file F] [--input-type T] [--output-type T]\n"
		      "         [--idempotent] (no change when the value is already there)\n"
		      "\n"
		      "A value given as an argument is visible to every user of the machine in\n"
		      "the process list (ps, /proc): give secrets with --value-file (the last\n"
		      "operand is a file holding the JSON value) or --value-stdin, as sops 3.11+.\n"
		      "\n"
		      "Sets one value of an encrypted file in place, as sops set does: the JSON\n"
		      "value (a \"string\", number, true, false, null, an object or a list)\n"
		      "replaces whatever is at the path, or fills a new key of a YAML or JSON "
		      "block\n"
		      "map, an INI section or a dotenv file. In YAML and JSON, missing keys on "
		      "the\n"
		      "way are made, an index past a list's end appends, a scalar in the way is\n"
		      "replaced. In YAML an object or list is written in block style at the\n"
		      "indentation of what it replaces (flow style inside flow collections, or\n"
		      "over one), in JSON in the file's indentation; comments inside the old "
		      "value\n"
		      "go with it. Every new leaf is encrypted under the file's rules; every "
		      "other\n"
		      "value keeps its ciphertext, so a diff shows only those lines, mac and\n"
		      "lastmodified. dotenv and INI values are strings: no object or list.\n",
		      f);
	fputs("\nExit status: 0 ok, 2 usage, 10 invalid document, 12 not encrypted, 51 MAC\n"
	      "mismatch, 91 no such path, 100 no such file, 128 no identity opens the key.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	set_args *a = ctx;

	switch (id) {
	case OPT_IDEMPOTENT:
		a->idempotent = 1;
		return 0;
	case OPT_IGNORE_MAC:
		a->ignore_mac = 1;
		return 0;
	case OPT_OUTPUT_TYPE:
		a->output_type = arg;
		return 0;
	case OPT_VALUE_FILE:
		a->from_file = 1;
		return 0;
	default:
		a->from_stdin = 1;
		return 0;
	}
}

static int parse(set_args *a, int argc, char **argv, char **operands)
{
	const char *cmd = a->unset ? "unset" : "set";
	veil_cli_docspec spec = { .cmd = cmd,
		                  .opts = a->unset ? veil_cli__opts_unset : veil_cli__opts_set,
		                  .usage = set_usage,
		                  .own = own_option,
		                  .ctx = a,
		                  .min_operands = 2,
		                  .max_operands = 3,
		                  .writes_in_place = 1 };
	size_t want;
	int rc;

	spec.operands_usage = a->unset ? "expected FILE and PATH" : "expected FILE, PATH and VALUE";
	if ((rc = veil_cli__docargs_parse(&a->d, &spec, argc, argv, operands)) != 0)
		return rc;
	if (a->from_file && a->from_stdin)
		return veil_cli__usage(cmd,
		                       "--value-file and --value-stdin cannot be used together");
	want = a->unset || a->from_stdin ? 2 : 3;
	if (a->d.noperands != want)
		return veil_cli__usage(cmd, want == 2      ? "expected FILE and PATH"
		                            : a->from_file ? "expected FILE, PATH and VALUE-FILE"
		                                           : "expected FILE, PATH and VALUE");
	if (a->output_type && !veil_doc_format_parse(a->output_type))
		return veil_cli__usage(cmd, "unknown --output-type '%s'", a->output_type);
	a->path = operands[1];
	a->value = want == 3 && !a->from_file ? operands[2] : NULL;
	a->value_file = a->from_stdin ? "-" : a->from_file ? operands[2] : NULL;
	return 0;
}

/* --value-file / --value-stdin: the JSON text, NUL-terminated; wipe it. */
static int read_value(char **out, size_t *len, const char *path)
{
	uint8_t *data = NULL;
	int error = veil_file_read(&data, len, path, VEIL_DOC_MAX_SIZE);

	if (error < 0)
		return veil_cli__lib_error(strcmp(path, "-") ? path : "stdin", error);
	if (strlen((char *)data) != *len) {
		veil_wipe_free(data, *len);
		veil_cli__error("%s: the value contains a NUL byte", path);
		return VEIL_EXIT_USAGE;
	}
	*out = (char *)data;
	return 0;
}

static int run(set_args *a)
{
	veil_cli_session s;
	veil_doc_path p = { 0 };
	veil_doc *doc = NULL;
	char *text = NULL, *vbuf = NULL;
	size_t tlen = 0, vlen = 0;
	int rc, error;

	if (a->value_file) {
		if ((rc = read_value(&vbuf, &vlen, a->value_file)) != 0)
			return rc;
		a->value = vbuf;
	}
	if ((error = veil_doc_path_parse(&p, a->path)) < 0) {
		veil_wipe_free(vbuf, vlen);
		veil_doc_path_free(&p);
		veil_cli__lib_error(a->unset ? "unset" : "set", error);
		return VEIL_EXIT_INVALID_PATH;
	}
	if ((rc = veil_cli__session_open_ex(&s, a->d.file, a->d.fmt, a->d.ids, a->d.nids,
	                                    a->ignore_mac)) != 0)
		goto done;
	if (a->output_type && veil_doc_format_parse(a->output_type) != s.fmt) {
		rc = veil_cli__usage(a->unset ? "unset" : "set",
		                     "--output-type %s: %s is changed in its own format",
		                     a->output_type, a->d.file);
		goto done;
	}
	if (s.fmt == VEIL_FMT_BINARY) {
		veil_cli__error("%s: a binary file has no paths to %s", a->d.file,
		                a->unset ? "unset" : "set");
		rc = VEIL_EXIT_USAGE;
		goto done;
	}
	if ((error = veil_doc_parse(&doc, s.fmt, s.plain, s.plain_len, a->d.file)) < 0) {
		rc = veil_cli__lib_error(a->d.file, error);
		goto done;
	}
	error = a->unset ? veil_doc_unset(&text, &tlen, doc, &p)
	                 : veil_doc_set(&text, &tlen, doc, &p, a->value);
	if (error == VEIL_ENOTFOUND && a->unset && a->idempotent) {
		rc = VEIL_EXIT_OK;
		goto done;
	}
	if (error < 0) {
		veil_cli__lib_error(a->d.file, error);
		rc = error == VEIL_ENOTFOUND ? VEIL_EXIT_INVALID_PATH : veil_cli__sops_exit(error);
		goto done;
	}
	/* nothing changed: leave the file (and its lastmodified) alone */
	if (tlen == s.plain_len && !memcmp(text, s.plain, tlen)) {
		rc = VEIL_EXIT_OK;
		goto done;
	}
	rc = veil_cli__session_commit(&s, text, tlen);
done:
	veil_doc_free(doc);
	veil_wipe_free(text, tlen);
	veil_cli__session_close(&s);
	veil_doc_path_free(&p);
	veil_wipe_free(vbuf, vlen);
	return rc;
}

static int set_main(int argc, char **argv, int unset)
{
	set_args a = { .unset = unset };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = parse(&a, argc, argv, operands);
	if (rc == 0)
		rc = run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}

int veil_cli__cmd_set(int argc, char **argv)
{
	return set_main(argc, argv, 0);
}

int veil_cli__cmd_unset(int argc, char **argv)
{
	return set_main(argc, argv, 1);
}
