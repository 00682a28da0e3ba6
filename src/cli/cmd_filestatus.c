/* veil filestatus: is a file SOPS-encrypted? Prints sops's JSON answer. */
#include "docargs.h"
#include "commands.h"
#include <stdio.h>
#include <stdlib.h>

const veil_opt veil_cli__opts_filestatus[] = {
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

static void filestatus_usage(FILE *f, void *ctx)
{
	(void)ctx;
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
	static const veil_cli_docspec spec = { .cmd = "filestatus",
		                               .opts = veil_cli__opts_filestatus,
		                               .usage = filestatus_usage,
		                               .min_operands = 1,
		                               .max_operands = 1 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	veil_cli_docargs a = { 0 };
	veil_doc *doc = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	if ((rc = veil_cli__docargs_parse(&a, &spec, argc, argv, operands)) != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if ((rc = veil_cli__doc_load(&doc, &text, &len, a.file, a.fmt)) != 0)
		goto done;
	/* sops filestatus also wants a version, which decrypt does not need */
	printf("{\"encrypted\":%s}\n",
	       veil_sops_is_encrypted(doc) && veil_node_get(veil_doc_metadata(doc), "version")
	               ? "true"
	               : "false");
	if (fflush(stdout) != 0)
		rc = veil_cli__lib_error("stdout", veil_error_set(VEIL_EIO, "write failed"));
done:
	veil_doc_free(doc);
	free(text);
	free(operands);
	return rc;
}
