/* veil updatekeys: the same data key wrapped for the current creation rule's keys. */
#include "veil/sops.h"
#include "commands.h"
#include "docargs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_CONFIG = VEIL_DOCOPT_OWN, OPT_YES };

const veil_opt veil_cli__opts_updatekeys[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "config", 0, 1, OPT_CONFIG },
	{ "yes", 'y', 0, OPT_YES },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct uk_args {
	veil_cli_docargs d;
	const char *config;
	int yes;
} uk_args;

static void updatekeys_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil updatekeys [-y | --yes] [--identity F]... [--passphrase-file F]\n"
	      "                       [--input-type T] [--config .sops.yaml] FILE\n"
	      "\n"
	      "Wraps FILE's data key for the recipients of the creation rule that matches it\n"
	      "now (the nearest .sops.yaml above FILE), printing the recipients added (+) and\n"
	      "removed (-) and asking first unless -y. Values, mac and lastmodified are not\n"
	      "touched. Removed recipients may still hold the old data key: rotate too.\n"
	      "\n"
	      "Without -y the question is read from stdin; no answer there (no terminal,\n"
	      "end of input) fails with nothing changed.\n"
	      "\n"
	      "Exit status: 0 ok (also: nothing to change, or answered n), 1 failure or no\n"
	      "answer, 2 usage, 12 not encrypted, 61 --config not found, 100 no such file,\n"
	      "128 no identity opens the data key.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	uk_args *a = ctx;

	if (id == OPT_YES)
		a->yes = 1;
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

static int in_meta(const veil_sops_meta *m, const char *recipient)
{
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			if (!strcmp(m->groups[g].age[i].recipient, recipient))
				return 1;
	return 0;
}

/* Prints the added and removed recipients; returns how many changes. */
static size_t show_changes(const uk_args *a, const veil_sops_meta *m, const veil_sops_rule *r)
{
	size_t n = 0;

	printf("%s: key changes:\n", a->d.file);
	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t i = 0; i < r->groups[g].nage; i++)
			if (!in_meta(m, r->groups[g].age[i])) {
				printf("+ %s\n", r->groups[g].age[i]);
				n++;
			}
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			if (!in_rule(r, m->groups[g].age[i].recipient)) {
				printf("- %s\n", m->groups[g].age[i].recipient);
				n++;
			}
	/* same recipients regrouped, or a new threshold, still need a re-wrap */
	if (n == 0 && (m->ngroups != r->ngroups ||
	               (r->ngroups > 1 && m->shamir_threshold != r->shamir_threshold))) {
		printf("~ key groups or threshold\n");
		n++;
	}
	return n;
}

/* sops's "Is this okay? (y/n)", asked until y or n: 1 yes, 0 no, -1 no
 * answer at all (end of input: a script without -y must not pass). */
static int confirmed(void)
{
	char line[64];

	for (;;) {
		fputs("Is this okay? (y/n): ", stdout);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "y") || !strcmp(line, "n"))
			return line[0] == 'y';
	}
}

/* The creation rule for the file, from --config, SOPS_CONFIG or the nearest .sops.yaml. */
static int load_rule(veil_sops_config **cfg, const veil_sops_rule **r, const uk_args *a)
{
	const char *path = a->config ? a->config : getenv("SOPS_CONFIG");
	char *found = NULL;
	int error = 0;

	if (path && *path && access(path, F_OK) != 0) {
		veil_cli__error("config file %s not found", path);
		return VEIL_EXIT_NO_CONFIG;
	}
	if ((!path || !*path) && (error = veil_sops_config_find(&found, a->d.file)) == 0)
		path = found;
	if (error == 0)
		error = veil_sops_config_load(cfg, path);
	if (error == 0)
		error = veil_sops_config_match(r, *cfg, a->d.file);
	free(found);
	return error < 0 ? veil_cli__lib_error("creation rules", error) : 0;
}

static int run(const uk_args *a)
{
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r = NULL;
	veil_sops_rekey old = { 0 };
	veil_identities *ids = NULL;
	veil_doc *doc = NULL;
	char *text = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	int rc, error;

	if ((rc = veil_cli__doc_load(&doc, &text, &len, a->d.file, a->d.fmt)) != 0)
		goto done;
	if (!veil_sops_is_encrypted(doc)) {
		rc = veil_cli__not_encrypted(doc, a->d.file);
		goto done;
	}
	if ((rc = load_rule(&cfg, &r, a)) != 0)
		goto done;
	if ((error = veil_sops_rekey_options(&old, doc)) < 0) {
		rc = veil_cli__lib_error(a->d.file, error);
		goto done;
	}
	if (show_changes(a, &old.meta, r) == 0) {
		printf("%s: already up to date\n", a->d.file);
		goto done;
	}
	if (!a->yes && (rc = confirmed()) <= 0) {
		if (rc < 0) {
			veil_cli__error("%s: no answer to the question (no terminal?): nothing "
			                "changed; pass -y to apply the changes without asking",
			                a->d.file);
			rc = VEIL_EXIT_FAIL;
		} else {
			printf("changes not applied\n");
		}
		goto done;
	}
	if ((rc = veil_cli__doc_identities(&ids, a->d.ids, a->d.nids)) != 0)
		goto done;
	if ((error = veil_sops_rekey_update(doc, r->groups, r->ngroups, r->shamir_threshold, ids)) <
	            0 ||
	    (error = veil_sops_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a->d.file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, 1, a->d.file, out, out_len);
	if (rc == 0)
		printf("%s: keys updated\n", a->d.file);
done:
	veil_doc_free(doc);
	veil_sops_rekey_dispose(&old);
	veil_sops_config_free(cfg);
	veil_identities_free(ids);
	free(text);
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
		                  .max_operands = 1,
		                  .writes_in_place = 1 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a.d, &spec, argc, argv, operands);
	if (rc == 0)
		rc = run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
