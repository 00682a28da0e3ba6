/* A small getopt_long-like parser shared by the commands (see cli.h). It
 * keeps operands in order and refuses options after the first one, because
 * `veil age file -o out` most likely means the user forgot the order, and
 * silently accepting it would differ from age. */
#include <string.h>
#include "cli.h"

void veil_cli__opt_init(veil_optstate *st, int argc, char **argv, char **operands, const char *cmd)
{
	memset(st, 0, sizeof(*st));
	st->argc = argc;
	st->argv = argv;
	st->index = 1;
	st->cmd = cmd;
	st->operands = operands;
}

static const veil_opt *find_short(const veil_opt *opts, char c)
{
	for (; opts->id; opts++) {
		if (opts->short_name == c)
			return opts;
	}
	return NULL;
}

static const veil_opt *find_long(const veil_opt *opts, const char *name, size_t len)
{
	for (; opts->id; opts++) {
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
	}
	return NULL;
}

static int after_operand(veil_optstate *st, const char *arg)
{
	veil_cli__error("option '%s' given after the input '%s'", arg, st->operands[0]);
	veil_cli__hint("options must come before the input file: veil %s [options] [INPUT]",
	               st->cmd);
	return VEIL_OPT_ERROR;
}

/* Takes a value for an option from the next argument. */
static int next_value(veil_optstate *st, const char *shown, const char **arg)
{
	if (st->index >= st->argc) {
		veil_cli__usage(st->cmd, "option '%s' needs a value", shown);
		return VEIL_OPT_ERROR;
	}
	*arg = st->argv[st->index++];
	return 0;
}

static int short_option(veil_optstate *st, const veil_opt *opts, const char **arg)
{
	char shown[3] = { '-', *st->cluster, '\0' };
	const veil_opt *o = find_short(opts, *st->cluster);

	st->cluster++;
	if (!o) {
		st->cluster = NULL;
		veil_cli__usage(st->cmd, "unknown option '%s'", shown);
		return VEIL_OPT_ERROR;
	}
	if (!o->has_arg) {
		if (!*st->cluster)
			st->cluster = NULL;
		return o->id;
	}
	if (*st->cluster) {
		*arg = st->cluster; /* -oFILE */
		st->cluster = NULL;
		return o->id;
	}
	st->cluster = NULL;
	if (next_value(st, shown, arg) < 0)
		return VEIL_OPT_ERROR;
	return o->id;
}

static int long_option(veil_optstate *st, const veil_opt *opts, const char *a, const char **arg)
{
	const char *name = a + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const veil_opt *o = find_long(opts, name, len);

	if (!o) {
		veil_cli__usage(st->cmd, "unknown option '--%.*s'", (int)len, name);
		return VEIL_OPT_ERROR;
	}
	if (!o->has_arg) {
		if (eq) {
			veil_cli__usage(st->cmd, "option '--%s' takes no value", o->long_name);
			return VEIL_OPT_ERROR;
		}
		return o->id;
	}
	if (eq) {
		*arg = eq + 1;
		return o->id;
	}
	if (next_value(st, a, arg) < 0)
		return VEIL_OPT_ERROR;
	return o->id;
}

int veil_cli__opt_next(veil_optstate *st, const veil_opt *opts, const char **arg)
{
	*arg = NULL;
	if (st->cluster)
		return short_option(st, opts, arg);
	while (st->index < st->argc) {
		const char *a = st->argv[st->index++];

		if (st->only_operands || a[0] != '-' || !strcmp(a, "-")) {
			st->operands[st->noperands++] = (char *)a;
			continue;
		}
		if (!strcmp(a, "--")) {
			st->only_operands = 1;
			continue;
		}
		if (st->noperands > 0)
			return after_operand(st, a);
		if (a[1] == '-')
			return long_option(st, opts, a, arg);
		st->cluster = a + 1;
		return short_option(st, opts, arg);
	}
	return VEIL_OPT_END;
}
