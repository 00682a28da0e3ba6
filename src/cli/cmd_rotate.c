/* veil rotate: a new data key for an encrypted file, recipients and rules kept. */
#include "veil/k8s.h"
#include "veil/sops.h"
#include "commands.h"
#include "docargs.h"
#include "rekey_many.h"
#include "util/secret.h"
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_CIPHER = VEIL_DOCOPT_OWN,
	OPT_ADD_AGE,
	OPT_RM_AGE,
	OPT_OUTPUT_TYPE,
	OPT_OVERRIDE,
	OPT_IGNORE_MAC,
	OPT_YES,
	OPT_RECURSIVE,
	OPT_KEEP_GOING,
};

const veil_opt veil_cli__opts_rotate[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "in-place", 'i', 0, VEIL_DOCOPT_IN_PLACE },
	{ "output", 'o', 1, VEIL_DOCOPT_OUTPUT },
	{ "cipher", 0, 1, OPT_CIPHER },
	{ "add-age", 0, 1, OPT_ADD_AGE },
	{ "rm-age", 0, 1, OPT_RM_AGE },
	{ "filename-override", 0, 1, OPT_OVERRIDE },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "yes", 'y', 0, OPT_YES },
	{ "recursive", 'r', 0, OPT_RECURSIVE },
	{ "keep-going", 0, 0, OPT_KEEP_GOING },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

#define MAX_KEYS 256

typedef struct rotate_args {
	veil_cli_docargs d;
	veil_sops_cipher cipher;
	const char *output_type, *override;
	char *add, *rm; /* comma lists (copies; add is split once into adds) */
	const char *adds[MAX_KEYS];
	size_t nadds;
	int ignore_mac, yes, recursive, keep_going;
} rotate_args;

static int own_option(void *ctx, int id, const char *arg)
{
	rotate_args *a = ctx;
	char **list = id == OPT_ADD_AGE ? &a->add : &a->rm;

	switch (id) {
	case OPT_CIPHER:
		/* the cipher the new values get (default: the file's own) */
		if (!(a->cipher = veil_sops_cipher_parse(arg)))
			return veil_cli__usage("rotate",
			                       "unknown cipher '%s' (aes256-gcm or "
			                       "chacha20-poly1305)",
			                       arg);
		return 0;
	case OPT_OUTPUT_TYPE:
		if (!veil_doc_format_parse(arg))
			return veil_cli__usage("rotate", "unknown --output-type '%s'", arg);
		a->output_type = arg;
		return 0;
	case OPT_OVERRIDE:
		a->override = arg;
		return 0;
	case OPT_IGNORE_MAC:
		a->ignore_mac = 1;
		return 0;
	case OPT_YES:
		a->yes = 1;
		return 0;
	case OPT_RECURSIVE:
		a->recursive = 1;
		return 0;
	case OPT_KEEP_GOING:
		a->keep_going = 1;
		return 0;
	default:
		if (*list)
			return veil_cli__usage("rotate", "--add-age and --rm-age are given once (a "
			                                 "comma list)");
		if (!(*list = strdup(arg)))
			return VEIL_EXIT_FAIL;
		return 0;
	}
}

static void rotate_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil rotate [--identity F]... [--passphrase-file F] [--cipher C]\n"
	      "                   [--add-age R,...]\n"
	      "                   [--rm-age R,...] [--input-type T] [--output-type T]\n"
	      "                   [--filename-override NAME] [--ignore-mac]\n"
	      "                   [-i | --in-place | -o OUTPUT | --output OUTPUT] FILE\n"
	      "       veil rotate -i [-y] [-r] [--keep-going] [options] FILE|DIR...\n"
	      "\n"
	      "Re-encrypts every value of FILE under a new data key, wrapped for the same\n"
	      "recipients and key groups, with the same selection rule and cipher. Every\n"
	      "value's ciphertext changes (use it after a key may have leaked).\n"
	      "\n"
	      "Several files or directories: every file is read first and one plan is printed\n"
	      "(per file: a new data key, who --add-age/--rm-age let in (+) or out (-)), the\n"
	      "question is asked once (no answer on stdin fails with nothing changed), then\n"
	      "each file is rotated in place (-i) atomically. A file that fails is left as it\n"
	      "was and reported.\n"
	      "\n"
	      "  -y, --yes        do not ask (also: plan and rotate one FILE this way)\n"
	      "  -r, --recursive  walk DIRs, without .git, for sops files\n"
	      "      --keep-going go on with the other files after one failed (without it, the\n"
	      "                   first failure stops: nothing after it is touched)\n"
	      "      --cipher C   write the values with C instead: aes256-gcm (what sops,\n"
	      "                   Flux, ksops and helm-secrets read) or chacha20-poly1305;\n"
	      "                   `veil rotate --cipher aes256-gcm -i FILE` converts a\n"
	      "                   ChaCha20-Poly1305 file for those tools\n"
	      "      --add-age L  also wrap the new key for these age recipients (the first\n"
	      "                   key group), as sops rotate --add-age\n"
	      "      --rm-age L   and no longer for these\n"
	      "      --output-type T  write the result as yaml, json, dotenv or ini\n"
	      "\n"
	      "A file whose key is also wrapped for pgp, kms or other keys veil cannot use is\n"
	      "refused, naming them: rotating would drop them.\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure (several files: any failed, or no answer), 2 usage,\n"
	      "12 not encrypted, 51 MAC mismatch,\n"
	      "100 no such file, 128 no identity opens the data key.\n",
	      f);
}

/* Is r in the comma list (modified copy) list? */
static int listed(const char *list, const char *r)
{
	size_t n = strlen(r);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == n && !strncmp(p, r, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* --add-age / --rm-age: the groups with those changes (sops adds to the
 * first group and removes from every group). keys holds the lists. */
static int change_keys(veil_sops_rekey *r, const rotate_args *a, const char **keys,
                       veil_sops_key_group *groups)
{
	size_t k = 0;

	for (size_t g = 0; g < r->opts.ngroups; g++) {
		groups[g].age = keys + k;
		groups[g].nage = 0;
		for (size_t i = 0; i < r->opts.groups[g].nage; i++) {
			const char *key = r->opts.groups[g].age[i];
			if (a->rm && listed(a->rm, key))
				continue;
			if (k == MAX_KEYS)
				return veil_error_set(VEIL_ELIMIT, "too many keys");
			keys[k++] = key;
			groups[g].nage++;
		}
		if (g != 0)
			continue;
		for (size_t i = 0; i < a->nadds; i++) {
			if (listed(a->rm ? a->rm : "", a->adds[i]))
				continue;
			if (k == MAX_KEYS)
				return veil_error_set(VEIL_ELIMIT, "too many keys");
			keys[k++] = a->adds[i];
			groups[g].nage++;
		}
	}
	r->opts.groups = groups;
	return 0;
}

static int run(rotate_args *a, const char *file, int in_place)
{
	veil_cli_session s;
	veil_sops_rekey r = { 0 };
	veil_sops_key_group groups[VEIL_SOPS_MAX_KEY_GROUPS];
	const char *keys[MAX_KEYS];
	veil_doc *doc = NULL;
	veil_doc_format ofmt = a->output_type ? veil_doc_format_parse(a->output_type) : 0;
	char *out = NULL;
	size_t out_len = 0;
	veil_sops_rewrites rewrites = { 0 };
	int rc, error;

	if ((rc = veil_cli__session_open_ex(&s, file, a->d.fmt, a->d.ids, a->d.nids,
	                                    a->ignore_mac)) != 0)
		goto done;
	error = veil_sops_rekey_options(&r, s.enc);
	if (error == 0 && a->cipher)
		r.opts.cipher = a->cipher;
	if (error == 0 && (a->add || a->rm))
		error = change_keys(&r, a, keys, groups);
	r.opts.rewrites = &rewrites;
	if (error == 0)
		error = veil_doc_parse(&doc, s.fmt, s.plain, s.plain_len, file);
	if (error == 0 && ofmt && ofmt != s.fmt)
		error = veil_cli__doc_convert(
		        &doc, ofmt == VEIL_FMT_BINARY ? VEIL_FMT_JSON : ofmt,
		        veil_cli__emit_indent(ofmt, -1, a->override ? a->override : file, NULL),
		        file);
	/* a Kubernetes object gains the MAC that survives kustomize */
	if (error == 0)
		r.opts.sorted_mac |= veil_k8s_one_object(doc);
	if (error < 0 || (error = veil_sops_encrypt(doc, &r.opts)) < 0 ||
	    (error = veil_sops_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(in_place ? NULL : a->d.output, in_place, file, out, out_len);
	if (rc == 0)
		veil_cli__note_rewrites(file, &rewrites);
done:
	veil_doc_free(doc);
	free(out);
	veil_sops_rekey_dispose(&r);
	veil_cli__session_close(&s);
	return rc;
}

/* Does the file's creation rule (if one matches) name other age keys
 * than the file has? Rotating keeps the file's own: worth saying when
 * the rule changed, say after someone left. */
static int rule_differs(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	const veil_sops_config *cfg = NULL;
	const veil_sops_rule *r = NULL;
	const veil_sops_meta *m = &it->old.meta;
	size_t nrule = 0, nmeta = 0;

	if (veil_cli__rules_match(&rk->rules, &r, &cfg, it->path) < 0) {
		veil_error_clear();
		return 0;
	}
	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t i = 0; i < r->groups[g].nage; i++, nrule++)
			if (!veil_cli__meta_has(m, r->groups[g].age[i]))
				return 1;
	for (size_t g = 0; g < m->ngroups; g++)
		nmeta += m->groups[g].nage;
	return nrule != nmeta;
}

/* The plan of one file: a new data key, and who --add-age and --rm-age
 * let in or out. */
static int rotate_plan(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	const rotate_args *a = rk->ctx;
	const veil_sops_meta *m = &it->old.meta;
	int error, rc = 0;

	if ((error = veil_sops_rekey_options(&it->old, it->doc)) < 0)
		return veil_cli__lib_error(it->path, error);
	for (size_t i = 0; i < a->nadds && !rc; i++)
		if (!veil_cli__meta_has(m, a->adds[i]) && !listed(a->rm ? a->rm : "", a->adds[i]))
			rc = veil_cli__rekey_note(it, 1, a->adds[i]);
	for (size_t g = 0; g < m->ngroups && !rc; g++)
		for (size_t i = 0; i < m->groups[g].nage && !rc; i++)
			if (a->rm && listed(a->rm, m->groups[g].age[i].recipient))
				rc = veil_cli__rekey_note(it, 0, m->groups[g].age[i].recipient);
	it->todo = 1;
	if (rc == 0 && !a->nadds && !a->rm && rule_differs(rk, it))
		it->note = "its .sops.yaml creation rule lists other keys: veil updatekeys "
		           "re-wraps the data key for them (rotate keeps the file's own)";
	return rc;
}

static int rotate_apply(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	return run(rk->ctx, it->path, 1);
}

/* Several files, a directory, or the repository flags: plan, ask once,
 * rotate each in place (rekey_many.c). One FILE alone keeps sops's
 * behaviour: no question, stdout unless -i. */
static int many(const rotate_args *a)
{
	struct stat st;

	return a->d.noperands > 1 || a->recursive || a->keep_going || a->yes ||
	       (stat(a->d.file, &st) == 0 && S_ISDIR(st.st_mode));
}

static int run_many(rotate_args *a)
{
	veil_cli_rekey rk = { .cmd = "rotate",
		              .plan_header = "new data key",
		              .done_verb = "rotated",
		              .plan = rotate_plan,
		              .apply = rotate_apply,
		              .ctx = a };
	int rc;

	if (!a->d.in_place || a->d.output)
		return veil_cli__usage("rotate", "several files, a directory, -r, -y or "
		                                 "--keep-going: the files are rotated in place "
		                                 "(-i), not to -o");
	rk.yes = a->yes;
	rk.recursive = a->recursive;
	rk.keep_going = a->keep_going;
	rk.operands = (const char *const *)a->d.operands;
	rk.noperands = a->d.noperands;
	rk.fmt = a->d.fmt;
	rk.rules.forced = getenv("SOPS_CONFIG");
	rc = veil_cli__rekey_run(&rk);
	veil_cli__rekey_dispose(&rk);
	return rc;
}

/* --add-age's comma list, split once for every file. */
static int split_adds(rotate_args *a)
{
	if (!a->add)
		return 0;
	for (char *tok = strtok(a->add, ","); tok; tok = strtok(NULL, ",")) {
		tok += strspn(tok, " \t");
		tok[strcspn(tok, " \t")] = '\0';
		if (!*tok)
			continue;
		if (a->nadds == MAX_KEYS)
			return veil_cli__usage("rotate", "--add-age: too many keys");
		a->adds[a->nadds++] = tok;
	}
	return 0;
}

int veil_cli__cmd_rotate(int argc, char **argv)
{
	rotate_args a = { 0 };
	const veil_cli_docspec spec = { .cmd = "rotate",
		                        .opts = veil_cli__opts_rotate,
		                        .usage = rotate_usage,
		                        .own = own_option,
		                        .ctx = &a,
		                        .min_operands = 1,
		                        .max_operands = (size_t)-1 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a.d, &spec, argc, argv, operands);
	if (rc == 0 && a.override && !a.d.input_type)
		a.d.fmt = veil_doc_format_from_path(a.override);
	if (rc == 0)
		rc = split_adds(&a);
	if (rc == 0)
		rc = many(&a) ? run_many(&a) : run(&a, a.d.file, a.d.in_place);
	free(a.add);
	free(a.rm);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
