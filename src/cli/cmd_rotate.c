/* veil rotate: a new data key for an encrypted file, recipients and rules kept. */
#include "sops/rekey.h"
#include "sops_session.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_IDENTITY = 1, OPT_INPUT_TYPE, OPT_IN_PLACE, OPT_OUTPUT, OPT_HELP };

static const veil_opt rotate_opts[] = {
    {"identity", 0, 1, OPT_IDENTITY},   {"input-type", 0, 1, OPT_INPUT_TYPE},
    {"in-place", 'i', 0, OPT_IN_PLACE}, {"output", 'o', 1, OPT_OUTPUT},
    {"help", 'h', 0, OPT_HELP},         {NULL, 0, 0, 0},
};

typedef struct rotate_args {
	const char *ids[VEIL_CLI_MAX_IDS];
	size_t nids;
	const char *input_type, *output, *file;
	int in_place;
	veil_doc_format fmt;
} rotate_args;

static void rotate_usage(FILE *f)
{
	fputs("usage: veil rotate [--identity F]... [-i | -o OUTPUT] FILE\n"
	      "\n"
	      "Re-encrypts every value of FILE under a new data key, wrapped for the same\n"
	      "recipients and key groups, with the same selection rule and cipher. Every\n"
	      "value's ciphertext changes (use it after a key may have leaked).\n"
	      "\n"
	      "Exit status: 0 ok, 2 usage, 12 not encrypted, 51 MAC mismatch, 100 no such\n"
	      "file, 128 no identity opens the data key.\n",
	      f);
}

static int parse(rotate_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id;

	veil_cli__opt_init(&st, argc, argv, operands, "rotate");
	for (;;) {
		id = veil_cli__opt_next(&st, rotate_opts, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			rotate_usage(stdout);
			return -1;
		} else if (id == OPT_IDENTITY) {
			if (a->nids == VEIL_CLI_MAX_IDS)
				return veil_cli__usage("rotate", "too many --identity options");
			a->ids[a->nids++] = arg;
		} else if (id == OPT_IN_PLACE) {
			a->in_place = 1;
		} else if (id == OPT_OUTPUT) {
			a->output = arg;
		} else {
			a->input_type = arg;
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (st.noperands != 1)
		return veil_cli__usage("rotate", st.noperands ? "only one FILE can be given"
		                                              : "missing FILE");
	a->file = operands[0];
	if (a->input_type && !(a->fmt = veil_doc_format_parse(a->input_type)))
		return veil_cli__usage("rotate", "unknown --input-type '%s'", a->input_type);
	if (a->in_place && (a->output || !strcmp(a->file, "-")))
		return veil_cli__usage("rotate", "-i cannot be used with -o or stdin");
	return 0;
}

static int run(const rotate_args *a)
{
	veil_cli_session s;
	veil_sops_rekey r = {0};
	veil_doc *doc = NULL;
	char *out = NULL;
	size_t out_len = 0;
	int rc, error;

	if ((rc = veil_cli__session_open(&s, a->file, a->fmt, a->ids, a->nids)) != 0)
		goto done;
	if ((error = veil_sops__rekey_options(&r, s.enc)) < 0 ||
	    (error = veil_doc_parse(&doc, s.fmt, s.plain, s.plain_len, a->file)) < 0 ||
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
	veil_sops__rekey_dispose(&r);
	veil_cli__session_close(&s);
	return rc;
}

int veil_cli__cmd_rotate(int argc, char **argv)
{
	rotate_args a = {0};
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
