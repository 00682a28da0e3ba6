/* sops mode's dispatch: the top-level flags, then a command or the legacy
 * action, as urfave/cli's App.Run does for sops (see sops_mode.h). */
#include "sops_mode.h"
#include <stdlib.h>
#include <string.h>

#define COMPLETE_FLAG "--generate-bash-completion"

/* The word being completed when it starts with "-" (flags are suggested). */
static const char *veil_cli__sops_completing;

static const sops_command *find_command(const sops_command *list, const char *name)
{
	for (const sops_command *c = list; c && c->name; c++)
		if (!strcmp(c->name, name) || (c->alias && !strcmp(c->alias, name)))
			return c;
	return NULL;
}

/* urfave's completion: command names, or the flags when the word being
 * completed starts with "-". */
static void suggest(const sops_command *list, const veil_opt *opts, const char *cur)
{
	if (cur && cur[0] == '-') {
		for (const veil_opt *o = opts; o && o->id; o++)
			printf("--%s\n", o->long_name);
		return;
	}
	for (const sops_command *c = list; c && c->name; c++)
		if (strcmp(c->name, "help"))
			printf("%s\n", c->name);
}

/* `sops help [command [sub]]` and `sops CMD help [sub]`. */
static int help_command(const char *path, const sops_command *list, char **args, int nargs)
{
	const sops_command *c = nargs > 0 ? find_command(list, args[0]) : NULL;

	if (nargs > 0 && (!strcmp(args[0], "--help") || !strcmp(args[0], "-h")))
		nargs = 0;
	if (nargs == 0) {
		if (list == veil_cli__sops_commands)
			veil_cli__sops_app_help(stdout);
		else
			for (const sops_command *s = list; s->name; s++)
				printf("   %-12s %s\n", s->name, s->summary);
		return VEIL_EXIT_OK;
	}
	if (!c) {
		veil_cli__error("No help topic for '%s'", args[0]);
		return VEIL_EXIT_FAIL;
	}
	veil_cli__sops_command_help(stdout, path, c);
	return VEIL_EXIT_OK;
}

static int run_command(sops_ctx *ctx, const char *path, const sops_command *c, char **args,
                       int nargs, int completing);

/* A command with subcommands (groups, completion): its own small app. */
static int run_parent(sops_ctx *ctx, const char *path, const sops_command *c, char **rest,
                      int nrest, int completing)
{
	char sub_path[64];
	const sops_command *s;

	snprintf(sub_path, sizeof(sub_path), "%s %s", path, c->name);
	if (completing && nrest == 0) {
		suggest(c->subs, c->opts, NULL);
		return VEIL_EXIT_OK;
	}
	/* --help among the operands too (urfave would say "No help topic"):
	 * a misplaced --help never runs anything; after a subcommand's name it
	 * is that subcommand's (`sops groups add --help`) */
	s = nrest > 0 ? find_command(c->subs, rest[0]) : NULL;
	for (int i = 0; i < nrest && !s && !ctx->l[SF_HELP].b; i++)
		ctx->l[SF_HELP].b = !strcmp(rest[i], "--help") || !strcmp(rest[i], "-h");
	if (ctx->l[SF_HELP].b || nrest == 0) {
		veil_cli__sops_command_help(stdout, path, c);
		return VEIL_EXIT_OK;
	}
	if (!(s = find_command(c->subs, rest[0]))) {
		veil_cli__error("No help topic for '%s'", rest[0]);
		return VEIL_EXIT_FAIL;
	}
	if (!s->opts)
		return help_command(sub_path, c->subs, rest + 1, nrest - 1);
	veil_cli__sops_vals_free(ctx->l);
	memset(ctx->l, 0, sizeof(ctx->l));
	return run_command(ctx, sub_path, s, rest + 1, nrest - 1, completing);
}

static int run_command(sops_ctx *ctx, const char *path, const sops_command *c, char **args,
                       int nargs, int completing)
{
	char **rest = NULL;
	int nrest = 0, rc;

	if (!c->opts)
		return help_command(path, veil_cli__sops_commands, args, nargs);
	/* a parent's flags are not reordered (urfave runs it as an app) */
	if (veil_cli__sops_parse(ctx->l, c->opts, args, nargs, c->subs == NULL, &rest, &nrest) <
	    0) {
		veil_cli__hint("try '%s %s --help'", path, c->name);
		free(rest);
		return VEIL_EXIT_FAIL;
	}
	if (c->subs) {
		rc = run_parent(ctx, path, c, rest, nrest, completing);
	} else if (completing) {
		suggest(NULL, c->opts, veil_cli__sops_completing);
		rc = VEIL_EXIT_OK;
	} else if (ctx->l[SF_HELP].b) {
		veil_cli__sops_command_help(stdout, path, c);
		rc = VEIL_EXIT_OK;
	} else {
		ctx->cmd = c;
		ctx->path = path;
		ctx->args = rest;
		ctx->nargs = nrest;
		rc = c->run(ctx);
		ctx->args = NULL;
	}
	free(rest);
	return rc;
}

int veil_cli__sops_main(int argc, char **argv)
{
	sops_ctx *ctx = calloc(1, sizeof(*ctx));
	char **rest = NULL;
	int nrest = 0, nargs = argc - 1, completing = 0, rc;
	const sops_command *c;

	if (!ctx)
		return VEIL_EXIT_FAIL;
	if (nargs > 0 && !strcmp(argv[argc - 1], COMPLETE_FLAG)) {
		completing = 1;
		nargs--;
		/* the word being completed ("--ou") is no flag yet */
		if (nargs > 0 && argv[nargs][0] == '-')
			veil_cli__sops_completing = argv[nargs--];
	}
	if (veil_cli__sops_parse(ctx->g, veil_cli__sops_global_opts, argv + 1, nargs, 0, &rest,
	                         &nrest) < 0) {
		veil_cli__hint("try 'sops --help'");
		rc = VEIL_EXIT_FAIL;
	} else if (ctx->g[SF_HELP].b && !completing) {
		veil_cli__sops_app_help(stdout);
		rc = VEIL_EXIT_OK;
	} else if (ctx->g[SF_VERSION].b && !completing) {
		veil_cli__sops_version();
		rc = VEIL_EXIT_OK;
	} else if (nrest > 0 && (c = find_command(veil_cli__sops_commands, rest[0]))) {
		rc = run_command(ctx, "sops", c, rest + 1, nrest - 1, completing);
	} else if (completing) {
		suggest(veil_cli__sops_commands, veil_cli__sops_global_opts,
		        veil_cli__sops_completing);
		rc = VEIL_EXIT_OK;
	} else {
		ctx->path = "sops";
		ctx->args = rest;
		ctx->nargs = nrest;
		rc = veil_cli__sops_run_legacy(ctx);
	}
	free(rest);
	veil_cli__sops_vals_free(ctx->g);
	veil_cli__sops_vals_free(ctx->l);
	free(ctx);
	return rc;
}
