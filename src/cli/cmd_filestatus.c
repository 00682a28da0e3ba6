/* veil filestatus: is a file SOPS-encrypted? Prints sops's JSON answer. */
#include "sops_cli.h"
#include <stdio.h>
#include <stdlib.h>

enum { OPT_INPUT_TYPE = 1, OPT_HELP };

static const veil_opt filestatus_opts[] = {
    {"input-type", 0, 1, OPT_INPUT_TYPE},
    {"help", 'h', 0, OPT_HELP},
    {NULL, 0, 0, 0},
};

static void filestatus_usage(FILE *f)
{
	fputs("usage: veil filestatus [--input-type T] FILE\n"
	      "\n"
	      "Prints {\"encrypted\":true} when FILE has a sops metadata block with a mac and\n"
	      "a version, {\"encrypted\":false} otherwise (as sops filestatus).\n"
	      "\n"
	      "Exit status: 0 ok, 2 usage, 10 invalid document, 100 no such file.\n",
	      f);
}

int veil_cli__cmd_filestatus(int argc, char **argv)
{
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	const char *arg, *input_type = NULL;
	veil_optstate st;
	veil_doc *doc = NULL;
	veil_doc_format fmt = 0;
	char *text = NULL;
	size_t len = 0;
	int id, rc = VEIL_EXIT_OK;

	if (!operands)
		return VEIL_EXIT_FAIL;
	veil_cli__opt_init(&st, argc, argv, operands, "filestatus");
	for (;;) {
		id = veil_cli__opt_next(&st, filestatus_opts, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			filestatus_usage(stdout);
			goto done;
		}
		input_type = arg;
	}
	if (id == VEIL_OPT_ERROR) {
		rc = VEIL_EXIT_USAGE;
		goto done;
	}
	if (st.noperands != 1) {
		rc = veil_cli__usage("filestatus",
		                     st.noperands ? "only one FILE can be given" : "missing FILE");
		goto done;
	}
	if (input_type && !(fmt = veil_doc_format_parse(input_type))) {
		rc = veil_cli__usage("filestatus", "unknown --input-type '%s'", input_type);
		goto done;
	}
	if ((rc = veil_cli__doc_load(&doc, &text, &len, operands[0], fmt)) != 0)
		goto done;
	printf("{\"encrypted\":%s}\n", veil_sops_is_encrypted(doc) ? "true" : "false");
	if (fflush(stdout) != 0)
		rc = veil_cli__lib_error("stdout", veil_error_set(VEIL_EIO, "write failed"));
done:
	veil_doc_free(doc);
	free(text);
	free(operands);
	return rc;
}
