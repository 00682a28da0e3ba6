/*
 * veil audit: who can decrypt what. Reads the sops metadata of every
 * encrypted file under the paths (never a value, never an identity) and
 * prints files x recipients, with the key groups and Shamir threshold, the
 * creation rule that matches each file now, its cipher and lastmodified.
 */
#include "cmd_audit.h"
#include "commands.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/jsonstr.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FORMAT = 1, OPT_RECIPIENT, OPT_CONFIG, OPT_HELP };

const veil_opt veil_cli__opts_audit[] = {
	{ "format", 0, 1, OPT_FORMAT },
	{ "recipient", 0, 1, OPT_RECIPIENT },
	{ "config", 0, 1, OPT_CONFIG },
	{ "help", 'h', 0, OPT_HELP },
	{ NULL, 0, 0, 0 },
};

static void audit_usage(FILE *f)
{
	fputs("usage: veil audit [--format text|json] [--recipient age1...] [--config F] "
	      "[PATH...]\n"
	      "\n"
	      "Who can decrypt what: for every sops-encrypted file under the PATHs (default: .;\n"
	      "directories are walked without .git), its age recipients by key group, the\n"
	      "Shamir threshold, the .sops.yaml creation rule that matches it now (nearest\n"
	      "above the file, or --config), the value cipher and lastmodified. It reads the\n"
	      "metadata only: no identity is needed and nothing is decrypted.\n"
	      "\n"
	      "The text table has a column per recipient ([N] in the legend above it): x when\n"
	      "the file's one key group holds it, else the numbers of the key groups holding\n"
	      "it; KEYS says how many groups must agree (any: one group, every key alone).\n"
	      "\n"
	      "  --recipient R    only the files R can open: alone, or with the shares of\n"
	      "                   other key groups (\"share\", with the threshold)\n"
	      "  --format F       text (default) or json\n"
	      "  --config F       the creation rules file for every file\n"
	      "\n"
	      "Exit status: 0 ok, 1 a named file is missing, unreadable or not encrypted,\n"
	      "2 usage.\n",
	      f);
}

static int take_option(veil_cli_audit *a, int id, const char *arg)
{
	switch (id) {
	case OPT_HELP:
		a->help = 1;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return veil_cli__usage("audit", "unknown --format '%s' (text or json)",
			                       arg);
		a->json = !strcmp(arg, "json");
		return 0;
	case OPT_RECIPIENT:
		a->recipient = arg;
		return 0;
	case OPT_CONFIG:
		a->config = arg;
		return 0;
	default:
		return veil_cli__usage("audit", "unexpected option");
	}
}

static int add_recipient(veil_cli_audit *a, const char *r)
{
	const char **grown;

	for (size_t i = 0; i < a->nrcp; i++)
		if (!strcmp(a->rcp[i], r))
			return 0;
	if (!(grown = veil_array_grow(a->rcp, &a->caprcp, a->nrcp + 1, sizeof(*grown))))
		return veil_error_oom();
	a->rcp = grown;
	a->rcp[a->nrcp++] = r;
	return 0;
}

/* The rule that matches the file now; none is not a failure here. */
static void find_rule(veil_cli_audit *a, veil_cli_audit_file *af)
{
	const veil_sops_rule *r = NULL;
	const veil_sops_config *cfg = NULL;
	int error = veil_cli__rules_match(&a->rules, &r, &cfg, af->path);

	if (r && cfg && (error == 0 || error == VEIL_EUNSUPPORTED)) {
		af->config = cfg->path;
		af->rule = r->path_regex ? r->path_regex : "";
		af->rule_index = (size_t)(r - cfg->rules) + 1;
	}
	veil_error_clear();
}

/* One file: its metadata into a->f. A file met in a directory that is
 * no sops file is passed over; a named one is an error. */
static int read_one(veil_cli_audit *a, const veil_cli_file *file)
{
	uint8_t *text = NULL;
	size_t len = 0;
	veil_doc *doc = NULL;
	veil_cli_audit_file af = { .path = file->path };
	veil_cli_audit_file *grown = NULL;
	int error = veil_file_read(&text, &len, file->path, VEIL_DOC_MAX_SIZE);

	if (error == 0 && !file->named && !veil_cli__files_sops_like((char *)text, len))
		goto done;
	if (error == 0)
		error = veil_doc_parse(&doc, veil_doc_format_from_path(file->path), (char *)text,
		                       len, file->path);
	if (error == 0 && !veil_sops_is_encrypted(doc))
		error = veil_error_set(VEIL_EFORMAT, "not encrypted (no sops metadata with a mac)");
	if (error == 0)
		error = veil_sops_meta_of(&af.meta, doc, file->path);
	if (error < 0) {
		if (file->named) {
			veil_cli__lib_error(file->path, error);
			a->failed = 1;
		} else {
			veil_cli__warning("%s: skipped: %s", file->path, veil_error_last());
		}
		error = 0;
		goto done;
	}
	af.cipher =
	        veil_sops_cipher_name(veil_sops_cipher_of_value(af.meta.mac, strlen(af.meta.mac)));
	find_rule(a, &af);
	for (size_t g = 0; g < af.meta.ngroups && !error; g++)
		for (size_t i = 0; i < af.meta.groups[g].nage && !error; i++)
			error = add_recipient(a, af.meta.groups[g].age[i].recipient);
	if (error == 0 && !(grown = veil_array_grow(a->f, &a->capf, a->nf + 1, sizeof(*grown))))
		error = veil_error_oom();
	if (error < 0) {
		veil_sops_meta_dispose(&af.meta);
		goto done;
	}
	a->f = grown;
	a->f[a->nf++] = af;
done:
	veil_doc_free(doc);
	free(text);
	return error;
}

static int run(veil_cli_audit *a, char **paths, size_t npaths)
{
	int rc, error = 0;

	a->rules.forced = a->config ? a->config : getenv("SOPS_CONFIG");
	if ((rc = veil_cli__files_collect(&a->files, "audit", paths, npaths, 1)) != 0)
		return rc;
	for (size_t i = 0; i < a->files.n && !error; i++)
		error = read_one(a, &a->files.items[i]);
	if (error < 0)
		return veil_cli__lib_error("audit", error);
	if (a->recipient)
		error = veil_cli__audit_recipient(a);
	else
		error = a->json ? veil_cli__audit_json(a) : veil_cli__audit_text(a);
	if (error < 0 || fflush(stdout) != 0)
		return veil_cli__lib_error("stdout", error < 0 ? error : VEIL_EIO);
	return a->failed ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
}

int veil_cli__cmd_audit(int argc, char **argv)
{
	veil_cli_audit a = { 0 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *)), *dot[] = { ".", NULL };
	veil_optstate st;
	const char *arg;
	int id = VEIL_OPT_END, rc = 0;

	if (!operands)
		return VEIL_EXIT_FAIL;
	veil_cli__opt_init(&st, argc, argv, operands, "audit");
	while (rc == 0 && !a.help && (id = veil_cli__opt_next(&st, veil_cli__opts_audit, &arg)) > 0)
		rc = take_option(&a, id, arg);
	if (rc == 0 && id == VEIL_OPT_ERROR)
		rc = VEIL_EXIT_USAGE;
	if (rc == 0 && a.help)
		audit_usage(stdout);
	else if (rc == 0)
		rc = run(&a, st.noperands ? operands : dot,
		         st.noperands ? (size_t)st.noperands : 1);
	for (size_t i = 0; i < a.nf; i++)
		veil_sops_meta_dispose(&a.f[i].meta);
	free(a.f);
	free(a.rcp);
	veil_cli__files_dispose(&a.files);
	veil_cli__rules_dispose(&a.rules);
	free(operands);
	return rc;
}
