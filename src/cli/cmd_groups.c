/* veil groups add | delete: sops's key group commands. The data key stays;
 * it is split again (Shamir) and wrapped for every group's recipients. */
#include "sops_session.h"
#include "commands.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FILE = 1, OPT_AGE, OPT_SHAMIR, OPT_IN_PLACE, OPT_IDENTITY, OPT_HELP };

const veil_opt veil_cli__opts_groups[] = {
	{ "file", 'f', 1, OPT_FILE },
	{ "age", 0, 1, OPT_AGE },
	{ "shamir-secret-sharing-threshold", 0, 1, OPT_SHAMIR },
	{ "in-place", 'i', 0, OPT_IN_PLACE },
	{ "identity", 0, 1, OPT_IDENTITY },
	{ "help", 'h', 0, OPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct groups_args {
	const char *file, *index;
	const char *age[VEIL_CLI_MAX_IDS];
	size_t nage;
	const char *ids[VEIL_CLI_MAX_IDS];
	size_t nids;
	long threshold;
	int in_place, add;
} groups_args;

static void groups_usage(FILE *f)
{
	fputs("usage: veil groups add -f|--file FILE --age age1...[,age1...] [--age ...]\n"
	      "                       [--shamir-secret-sharing-threshold N] [-i|--in-place]\n"
	      "                       [--identity F]\n"
	      "       veil groups delete -f|--file FILE [--shamir-secret-sharing-threshold N]\n"
	      "                          [-i|--in-place] [--identity F] INDEX\n"
	      "\n"
	      "add appends a key group of age recipients to an encrypted file, delete removes\n"
	      "the group at INDEX (from 0), as sops groups does. The data key stays the same:\n"
	      "it is split again into one Shamir share per group (N groups are needed to\n"
	      "decrypt; default: the file's threshold, or all groups) and every share is\n"
	      "wrapped anew. Values, mac and lastmodified are not touched. The result goes to\n"
	      "stdout unless -i.\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure, 2 usage, 12 not encrypted, 100 no such file,\n"
	      "128 no identity opens the data key.\n",
	      f);
}

static int take(groups_args *a, int id, const char *arg)
{
	char *end;

	switch (id) {
	case OPT_FILE:
		a->file = arg;
		return 0;
	case OPT_AGE:
	case OPT_IDENTITY: {
		const char **list = id == OPT_AGE ? a->age : a->ids;
		size_t *n = id == OPT_AGE ? &a->nage : &a->nids;
		if (*n == VEIL_CLI_MAX_IDS)
			return veil_cli__usage("groups", "too many --age/--identity options");
		list[(*n)++] = arg;
		return 0;
	}
	case OPT_SHAMIR:
		a->threshold = strtol(arg, &end, 10);
		if (*end || end == arg || a->threshold < 0 || a->threshold > 255)
			return veil_cli__usage("groups",
			                       "--shamir-secret-sharing-threshold takes a "
			                       "number from 0 to 255");
		return 0;
	default:
		a->in_place = 1;
		return 0;
	}
}

static int parse(groups_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id, rc;

	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "delete")))
		return veil_cli__usage("groups", "expected 'add' or 'delete'");
	a->add = !strcmp(argv[1], "add");
	veil_cli__opt_init(&st, argc - 1, argv + 1, operands, "groups");
	while ((id = veil_cli__opt_next(&st, veil_cli__opts_groups, &arg)) > 0) {
		if (id == OPT_HELP) {
			groups_usage(stdout);
			return -1;
		}
		if ((rc = take(a, id, arg)) != 0)
			return rc;
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (!a->file || !*a->file)
		return veil_cli__usage("groups", "--file FILE is needed");
	if (a->add && (st.noperands != 0 || a->nage == 0))
		return veil_cli__usage("groups", "add takes --age recipients and no operand");
	if (!a->add && st.noperands != 1)
		return veil_cli__usage("groups", "delete takes the INDEX of the group");
	a->index = a->add ? NULL : operands[0];
	return 0;
}

/* Splits the comma lists of --age into g (pointers into the copy *buf). */
static int new_group(veil_sops_group *g, char **buf, const groups_args *a)
{
	size_t total = 0;
	char *p;

	for (size_t i = 0; i < a->nage; i++)
		total += strlen(a->age[i]) + 1;
	if (!(*buf = malloc(total + 1)) || !(g->age = calloc(total + 1, sizeof(char *))))
		return veil_error_oom();
	p = *buf;
	for (size_t i = 0; i < a->nage; i++) {
		for (char *tok = strtok(strcpy(p, a->age[i]), ","); tok; tok = strtok(NULL, ",")) {
			tok += strspn(tok, " \t");
			if (*tok)
				g->age[g->nage++] = tok;
		}
		p += strlen(a->age[i]) + 1;
	}
	return 0;
}

/* The file's groups as rule groups (pointing into m), with the change. */
static int plan(veil_sops_group **out, size_t *n, const veil_sops_meta *m, const groups_args *a,
                char **buf)
{
	veil_sops_group *g = calloc(m->ngroups + 1, sizeof(*g));
	size_t k = 0, drop = (size_t)-1;
	char *end;

	if (!g)
		return veil_error_oom();
	*out = g;
	if (a->index) {
		drop = strtoul(a->index, &end, 10);
		if (*end || end == a->index || drop >= m->ngroups)
			return veil_error_set(VEIL_EINVAL, "%s: no key group %s (it has %zu)",
			                      a->file, a->index, m->ngroups);
	}
	for (size_t i = 0; i < m->ngroups; i++) {
		if (i == drop)
			continue;
		if (!(g[k].age = calloc(m->groups[i].nage + 1, sizeof(char *))))
			return veil_error_oom();
		for (size_t j = 0; j < m->groups[i].nage; j++)
			g[k].age[g[k].nage++] = m->groups[i].age[j].recipient;
		k++;
	}
	if (a->add && new_group(&g[k++], buf, a) < 0)
		return VEIL_ENOMEM;
	*n = k;
	return 0;
}

static int run(const groups_args *a)
{
	veil_doc *doc = NULL;
	veil_identities *ids = NULL;
	veil_sops_meta m = { 0 };
	veil_sops_group *g = NULL;
	size_t ng = 0;
	char *text = NULL, *out = NULL, *buf = NULL;
	size_t len = 0, out_len = 0;
	int rc, error, threshold;

	if ((rc = veil_cli__doc_load(&doc, &text, &len, a->file, 0)) != 0 ||
	    (rc = veil_cli__doc_identities(&ids, a->ids, a->nids)) != 0)
		goto done;
	if ((error = veil_sops_meta_of(&m, doc, a->file)) < 0 ||
	    (error = plan(&g, &ng, &m, a, &buf)) < 0) {
		rc = veil_cli__lib_error(a->file, error);
		rc = error == VEIL_EFORMAT ? VEIL_EXIT_NOT_ENCRYPTED : rc;
		goto done;
	}
	threshold = a->threshold ? (int)a->threshold : m.shamir_threshold;
	if (threshold > (int)ng) {
		veil_cli__error("%s: a Shamir threshold of %d cannot be met by %zu key groups",
		                a->file, threshold, ng);
		rc = VEIL_EXIT_FAIL;
		goto done;
	}
	if ((error = veil_sops_rekey_update(doc, g, ng, threshold, ids)) < 0 ||
	    (error = veil_sops_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a->file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, a->in_place, a->file, out, out_len);
done:
	for (size_t i = 0; g && i <= m.ngroups; i++)
		free(g[i].age);
	free(g);
	free(buf);
	veil_sops_meta_dispose(&m);
	veil_identities_free(ids);
	veil_doc_free(doc);
	free(text);
	free(out);
	return rc;
}

int veil_cli__cmd_groups(int argc, char **argv)
{
	groups_args a = { 0 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		groups_usage(stdout);
		free(operands);
		return VEIL_EXIT_OK;
	}
	rc = parse(&a, argc, argv, operands);
	if (rc == 0)
		rc = run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
