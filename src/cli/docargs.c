/* The document commands' shared option loop (docargs.h). */
#include "docargs.h"
#include <string.h>

static int take_shared(veil_cli_docargs *d, const char *cmd, int id, const char *arg)
{
	switch (id) {
	case VEIL_DOCOPT_IDENTITY:
		if (d->nids == VEIL_CLI_MAX_IDS)
			return veil_cli__usage(cmd, "too many --identity options");
		d->ids[d->nids++] = arg;
		return 0;
	case VEIL_DOCOPT_INPUT_TYPE:
	case VEIL_DOCOPT_OUTPUT: {
		const char **slot = id == VEIL_DOCOPT_OUTPUT ? &d->output : &d->input_type;

		if (*slot)
			return veil_cli__usage(cmd, "an option was given twice");
		*slot = arg;
		return 0;
	}
	case VEIL_DOCOPT_IN_PLACE:
		d->in_place = 1;
		return 0;
	case VEIL_DOCOPT_PASSFILE:
		veil_cli__doc_set_passfile(arg);
		return 0;
	default:
		return veil_cli__usage(cmd, "unexpected option");
	}
}

static int check_operands(veil_cli_docargs *d, const veil_cli_docspec *spec)
{
	const char *cmd = spec->cmd;

	if (d->noperands < spec->min_operands || d->noperands > spec->max_operands) {
		if (spec->operands_usage)
			return veil_cli__usage(cmd, "%s", spec->operands_usage);
		return veil_cli__usage(cmd, d->noperands ? "only one FILE can be given"
		                                         : "missing FILE");
	}
	d->file = d->operands[0];
	if (d->input_type && !(d->fmt = veil_doc_format_parse(d->input_type)))
		return veil_cli__usage(cmd, "unknown --input-type '%s'", d->input_type);
	if (d->in_place && (d->output || !strcmp(d->file, "-")))
		return veil_cli__usage(cmd, "-i cannot be used with -o or stdin");
	if (spec->writes_in_place && !strcmp(d->file, "-"))
		return veil_cli__usage(cmd, "FILE is changed in place: stdin cannot be used");
	return 0;
}

int veil_cli__docargs_parse(veil_cli_docargs *d, const veil_cli_docspec *spec, int argc,
                            char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id, rc;

	veil_cli__opt_init(&st, argc, argv, operands, spec->cmd);
	for (;;) {
		id = veil_cli__opt_next(&st, spec->opts, &arg);
		if (id <= 0)
			break;
		if (id == VEIL_DOCOPT_HELP) {
			spec->usage(stdout, spec->ctx);
			return -1;
		}
		rc = id >= VEIL_DOCOPT_OWN ? spec->own(spec->ctx, id, arg)
		                           : take_shared(d, spec->cmd, id, arg);
		if (rc != 0)
			return rc;
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	d->operands = operands;
	d->noperands = (size_t)st.noperands;
	return check_operands(d, spec);
}
