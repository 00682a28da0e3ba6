/* veil updatekeys: the same data key wrapped for the current creation rule's keys,
 * for one file or a whole repository (rekey_many.c). */
#include "veil/sops.h"
#include "commands.h"
#include "docargs.h"
#include "rekey_many.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_CONFIG = VEIL_DOCOPT_OWN, OPT_YES, OPT_RECURSIVE, OPT_KEEP_GOING };

const veil_opt veil_cli__opts_updatekeys[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "config", 0, 1, OPT_CONFIG },
	{ "yes", 'y', 0, OPT_YES },
	{ "recursive", 'r', 0, OPT_RECURSIVE },
	{ "keep-going", 0, 0, OPT_KEEP_GOING },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct uk_args {
	veil_cli_docargs d;
	const char *config;
	int yes, recursive, keep_going;
	veil_identities *ids; /* loaded for the first file applied */
} uk_args;

static void updatekeys_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil updatekeys [-y | --yes] [-r | --recursive] [--keep-going]\n"
	      "                       [--identity F]... [--passphrase-file F] [--input-type T]\n"
	      "                       [--config .sops.yaml] FILE|DIR...\n"
	      "\n"
	      "Wraps each FILE's data key for the recipients of the creation rule that matches\n"
	      "it now (the nearest .sops.yaml above the file). Every file is read and planned\n"
	      "first: one plan shows, per file, the recipients added (+) and removed (-),\n"
	      "then who gains and who loses access over all of them; the question is asked\n"
	      "once, unless -y. Values, mac and lastmodified are not touched. Removed\n"
	      "recipients may still hold the old data key: rotate too.\n"
	      "\n"
	      "  -r, --recursive  walk DIRs (without .git) for sops files; others are passed over\n"
	      "  --keep-going     a file that fails (unreadable, no rule, no identity opens it,\n"
	      "                   not writable) is reported and the others are still done;\n"
	      "                   without it, the first failure stops: before the question,\n"
	      "                   nothing is changed; after it, no further file is\n"
	      "\n"
	      "Each file is written atomically (a new file renamed over it): one that fails is\n"
	      "left as it was, as is one that changed since the plan was made.\n"
	      "Without -y the question is read from stdin; no answer there (no terminal,\n"
	      "end of input) fails with nothing changed.\n"
	      "\n"
	      "Exit status: 0 ok (also: nothing to change, or answered n), 1 failure or no\n"
	      "answer (several files: any failed), 2 usage, 12 not encrypted, 61 --config not\n"
	      "found, 100 no such file, 128 no identity opens the data key.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	uk_args *a = ctx;

	if (id == OPT_YES)
		a->yes = 1;
	else if (id == OPT_RECURSIVE)
		a->recursive = 1;
	else if (id == OPT_KEEP_GOING)
		a->keep_going = 1;
	else
		a->config = arg;
	return 0;
}

static int in_rule(const veil_sops_rule *r, const char *recipient)
{
	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t i = 0; i < r->groups[g].nage; i++)
			if (!strcmp(r->groups[g].age[i], recipient))
				return 1;
	return 0;
}

/* The file's rule and what it changes: recipients added and removed. */
static int plan(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	const veil_sops_config *cfg = NULL;
	const veil_sops_meta *m = &it->old.meta;
	const veil_sops_rule *r;
	int error, rc = 0;

	if ((error = veil_cli__rules_match(&rk->rules, &it->rule, &cfg, it->path)) < 0)
		return veil_cli__lib_error(rk->files.n > 1 ? it->path : "creation rules", error);
	if ((error = veil_sops_rekey_options(&it->old, it->doc)) < 0)
		return veil_cli__lib_error(it->path, error);
	r = it->rule;
	for (size_t g = 0; g < r->ngroups && !rc; g++)
		for (size_t i = 0; i < r->groups[g].nage && !rc; i++)
			if (!veil_cli__meta_has(m, r->groups[g].age[i]))
				rc = veil_cli__rekey_note(it, 1, r->groups[g].age[i]);
	for (size_t g = 0; g < m->ngroups && !rc; g++)
		for (size_t i = 0; i < m->groups[g].nage && !rc; i++)
			if (!in_rule(r, m->groups[g].age[i].recipient))
				rc = veil_cli__rekey_note(it, 0, m->groups[g].age[i].recipient);
	/* same recipients regrouped, or a new threshold, still need a re-wrap */
	it->regroup = !it->ngain && !it->nlose &&
	              (m->ngroups != r->ngroups ||
	               (r->ngroups > 1 && m->shamir_threshold != r->shamir_threshold));
	it->todo = it->ngain || it->nlose || it->regroup;
	return rc;
}

static int apply(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	uk_args *a = rk->ctx;
	const veil_sops_rule *r = it->rule;
	char *out = NULL;
	size_t out_len = 0;
	int rc, error;

	if (!a->ids && (rc = veil_cli__doc_identities(&a->ids, a->d.ids, a->d.nids)) != 0)
		return rc;
	if ((error = veil_sops_rekey_update(it->doc, r->groups, r->ngroups, r->shamir_threshold,
	                                    a->ids)) < 0 ||
	    (error = veil_sops_render(&out, &out_len, it->doc)) < 0) {
		veil_cli__lib_error(it->path, error);
		return veil_cli__sops_exit(error);
	}
	rc = veil_cli__doc_write(NULL, 1, it->path, out, out_len);
	free(out);
	return rc;
}

int veil_cli__cmd_updatekeys(int argc, char **argv)
{
	uk_args a = { 0 };
	veil_cli_docspec spec = { .cmd = "updatekeys",
		                  .opts = veil_cli__opts_updatekeys,
		                  .usage = updatekeys_usage,
		                  .own = own_option,
		                  .ctx = &a,
		                  .min_operands = 1,
		                  .max_operands = (size_t)-1,
		                  .writes_in_place = 1 };
	veil_cli_rekey rk = { .cmd = "updatekeys",
		              .plan_header = "key changes",
		              .done_verb = "keys updated",
		              .plan = plan,
		              .apply = apply,
		              .ctx = &a };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	const char *config;
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a.d, &spec, argc, argv, operands);
	config = a.config ? a.config : getenv("SOPS_CONFIG");
	if (rc == 0 && config && *config && access(config, F_OK) != 0) {
		veil_cli__error("config file %s not found", config);
		rc = VEIL_EXIT_NO_CONFIG;
	}
	if (rc == 0) {
		rk.yes = a.yes;
		rk.recursive = a.recursive;
		rk.keep_going = a.keep_going;
		rk.operands = (const char *const *)a.d.operands;
		rk.noperands = a.d.noperands;
		rk.fmt = a.d.fmt;
		rk.rules.forced = config;
		rc = veil_cli__rekey_run(&rk);
	}
	veil_cli__rekey_dispose(&rk);
	veil_identities_free(a.ids);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
