/* veil updatekeys: the same data key wrapped for the current creation rule's keys. */
#include "sops/rekey.h"
#include "sops/rules.h"
#include "sops_session.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_IDENTITY = 1, OPT_INPUT_TYPE, OPT_CONFIG, OPT_YES, OPT_HELP };

static const veil_opt updatekeys_opts[] = {
    {"identity", 0, 1, OPT_IDENTITY}, {"input-type", 0, 1, OPT_INPUT_TYPE},
    {"config", 0, 1, OPT_CONFIG},     {"yes", 'y', 0, OPT_YES},
    {"help", 'h', 0, OPT_HELP},       {NULL, 0, 0, 0},
};

typedef struct uk_args {
	const char *ids[VEIL_CLI_MAX_IDS];
	size_t nids;
	const char *input_type, *config, *file;
	int yes;
	veil_doc_format fmt;
} uk_args;

static void updatekeys_usage(FILE *f)
{
	fputs("usage: veil updatekeys [-y] [--identity F]... [--config .sops.yaml] FILE\n"
	      "\n"
	      "Wraps FILE's data key for the recipients of the creation rule that matches it\n"
	      "now (the nearest .sops.yaml above FILE), printing the recipients added (+) and\n"
	      "removed (-) and asking first unless -y. Values, mac and lastmodified are not\n"
	      "touched. Removed recipients may still hold the old data key: rotate too.\n"
	      "\n"
	      "Exit status: 0 ok (also: nothing to change, or not confirmed), 2 usage,\n"
	      "12 not encrypted, 100 no such file, 128 no identity opens the data key.\n",
	      f);
}

static int parse(uk_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id;

	veil_cli__opt_init(&st, argc, argv, operands, "updatekeys");
	for (;;) {
		id = veil_cli__opt_next(&st, updatekeys_opts, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			updatekeys_usage(stdout);
			return -1;
		} else if (id == OPT_IDENTITY) {
			if (a->nids == VEIL_CLI_MAX_IDS)
				return veil_cli__usage("updatekeys", "too many --identity options");
			a->ids[a->nids++] = arg;
		} else if (id == OPT_YES) {
			a->yes = 1;
		} else if (id == OPT_CONFIG) {
			a->config = arg;
		} else {
			a->input_type = arg;
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (st.noperands != 1)
		return veil_cli__usage("updatekeys", st.noperands ? "only one FILE can be given"
		                                                  : "missing FILE");
	a->file = operands[0];
	if (a->input_type && !(a->fmt = veil_doc_format_parse(a->input_type)))
		return veil_cli__usage("updatekeys", "unknown --input-type '%s'", a->input_type);
	if (!strcmp(a->file, "-"))
		return veil_cli__usage("updatekeys",
		                       "FILE is changed in place: stdin cannot be used");
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

	printf("%s: key changes:\n", a->file);
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

static int confirmed(void)
{
	char line[16];

	fputs("Is this okay? (y/n): ", stdout);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

/* The creation rule for the file, from --config, SOPS_CONFIG or the nearest .sops.yaml. */
static int load_rule(veil_sops_config **cfg, const veil_sops_rule **r, const uk_args *a)
{
	const char *path = a->config ? a->config : getenv("SOPS_CONFIG");
	char *found = NULL;
	int error = 0;

	if ((!path || !*path) && (error = veil_sops__config_find(&found, a->file)) == 0)
		path = found;
	if (error == 0)
		error = veil_sops__config_load(cfg, path);
	if (error == 0)
		error = veil_sops__config_match(r, *cfg, a->file);
	free(found);
	return error < 0 ? veil_cli__lib_error("creation rules", error) : 0;
}

static int run(const uk_args *a)
{
	veil_sops_config *cfg = NULL;
	const veil_sops_rule *r = NULL;
	veil_sops_rekey old = {0};
	veil_identities *ids = NULL;
	veil_doc *doc = NULL;
	char *text = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	int rc, error;

	if ((rc = veil_cli__doc_load(&doc, &text, &len, a->file, a->fmt)) != 0)
		goto done;
	if (!veil_sops_is_encrypted(doc)) {
		veil_cli__error("%s: not encrypted: no sops metadata with a mac and version",
		                a->file);
		rc = VEIL_EXIT_NOT_ENCRYPTED;
		goto done;
	}
	if ((rc = load_rule(&cfg, &r, a)) != 0)
		goto done;
	if ((error = veil_sops__rekey_options(&old, doc)) < 0) {
		rc = veil_cli__lib_error(a->file, error);
		goto done;
	}
	if (show_changes(a, &old.meta, r) == 0) {
		printf("%s: already up to date\n", a->file);
		goto done;
	}
	if (!a->yes && !confirmed()) {
		printf("changes not applied\n");
		goto done;
	}
	if ((rc = veil_cli__doc_identities(&ids, a->ids, a->nids)) != 0)
		goto done;
	if ((error = veil_sops__rekey_update(doc, r->groups, r->ngroups, r->shamir_threshold,
	                                     ids)) < 0 ||
	    (error = veil_doc_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a->file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, 1, a->file, out, out_len);
	if (rc == 0)
		printf("%s: keys updated\n", a->file);
done:
	veil_doc_free(doc);
	veil_sops__rekey_dispose(&old);
	veil_sops__config_free(cfg);
	veil_identities_free(ids);
	free(text);
	free(out);
	return rc;
}

int veil_cli__cmd_updatekeys(int argc, char **argv)
{
	uk_args a = {0};
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
