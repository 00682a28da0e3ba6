/* veil encrypt: per-field encryption of a document, sops's flags. */
#include "veil/k8s.h"
#include "veil/sops.h"
#include "commands.h"
#include "sops_cli.h"
#include "util/buf.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_RECIPIENT = 1,
	OPT_CIPHER,
	OPT_SEL,
	OPT_MAC_ONLY,
	OPT_INPUT_TYPE,
	OPT_OUTPUT_TYPE,
	OPT_SHAMIR,
	OPT_REUSE,
	OPT_IDENTITY,
	OPT_CONFIG,
	OPT_OVERRIDE,
	OPT_IN_PLACE,
	OPT_OUTPUT,
	OPT_SCOPE,
	OPT_INDENT,
	OPT_SOPS_DEFAULTS,
	OPT_HELP,
	OPT_SEL_BASE = 100, /* + veil_sops_sel_kind */
};

const veil_opt veil_cli__opts_encrypt[] = {
	{ "recipient", 'r', 1, OPT_RECIPIENT },
	{ "age", 0, 1, OPT_RECIPIENT },
	{ "cipher", 0, 1, OPT_CIPHER },
	{ "unencrypted-suffix", 0, 1, OPT_SEL_BASE + VEIL_SEL_UNENCRYPTED_SUFFIX },
	{ "encrypted-suffix", 0, 1, OPT_SEL_BASE + VEIL_SEL_ENCRYPTED_SUFFIX },
	{ "unencrypted-regex", 0, 1, OPT_SEL_BASE + VEIL_SEL_UNENCRYPTED_REGEX },
	{ "encrypted-regex", 0, 1, OPT_SEL_BASE + VEIL_SEL_ENCRYPTED_REGEX },
	{ "unencrypted-comment-regex", 0, 1, OPT_SEL_BASE + VEIL_SEL_UNENCRYPTED_COMMENT_REGEX },
	{ "encrypted-comment-regex", 0, 1, OPT_SEL_BASE + VEIL_SEL_ENCRYPTED_COMMENT_REGEX },
	{ "mac-only-encrypted", 0, 0, OPT_MAC_ONLY },
	{ "input-type", 0, 1, OPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "shamir-secret-sharing-threshold", 0, 1, OPT_SHAMIR },
	{ "reuse", 0, 1, OPT_REUSE },
	{ "identity", 0, 1, OPT_IDENTITY },
	{ "config", 0, 1, OPT_CONFIG },
	{ "filename-override", 0, 1, OPT_OVERRIDE },
	{ "in-place", 'i', 0, OPT_IN_PLACE },
	{ "output", 'o', 1, OPT_OUTPUT },
	{ "scope", 0, 1, OPT_SCOPE },
	{ "indent", 0, 1, OPT_INDENT },
	{ "sops-defaults", 0, 0, OPT_SOPS_DEFAULTS },
	{ "help", 'h', 0, OPT_HELP },
	{ NULL, 0, 0, 0 },
};

#define MAX_ARGS 64

typedef struct enc_args {
	const char *recipients[MAX_ARGS];
	size_t nrecipients;
	const char *identities[MAX_ARGS];
	size_t nidentities;
	const char *cipher, *sel_value, *input_type, *output_type, *shamir, *reuse, *config;
	const char *override, *output, *file, *scope;
	veil_sops_sel_kind sel;
	int mac_only, in_place;
	int indent;        /* --indent, -1 if not given */
	int sops_defaults; /* no Kubernetes defaults (sops mode) */
} enc_args;

static void encrypt_usage(FILE *f)
{
	fputs("usage: veil encrypt [-r RECIPIENT]... [--cipher aes256-gcm|chacha20-poly1305]\n"
	      "                    [--encrypted-regex RE | --unencrypted-regex RE |\n"
	      "                     --encrypted-suffix S | --unencrypted-suffix S |\n"
	      "                     --encrypted-comment-regex RE | --unencrypted-comment-regex "
	      "RE]\n"
	      "                    [--mac-only-encrypted] [--input-type T] [--output-type T]\n"
	      "                    [--reuse ENCRYPTED] [--config .sops.yaml]\n"
	      "                    [--filename-override NAME] [--indent N]\n"
	      "                    [--scope strict|namespace|none] [--sops-defaults]\n"
	      "                    [-i | -o OUTPUT] FILE\n"
	      "\n"
	      "Encrypts every value of FILE (YAML, JSON, dotenv, INI; anything else as binary)\n"
	      "in the SOPS format, keeping keys, comments' places and formatting. Only the bytes\n"
	      "of the values change and a sops block is added.\n"
	      "\n"
	      "  -r, --recipient R     age1... or ssh-ed25519 key (--age R too, as sops);\n"
	      "                        repeatable, comma lists too.\n"
	      "                        Default: VEIL_AGE_RECIPIENTS, SOPS_AGE_RECIPIENTS, then "
	      "the\n"
	      "                        first matching creation rule of the nearest .sops.yaml\n"
	      "                        above FILE\n"
	      "      --cipher C        value cipher: aes256-gcm (default, as sops) or "
	      "chacha20-poly1305\n"
	      "                        (what sops, Flux, ksops and helm-secrets read)\n"
	      "      --reuse F         keep F's data key, recipients and the ciphertext of every\n"
	      "                        unchanged value (F is an encrypted version of FILE), so a\n"
	      "                        diff shows only what changed; needs an identity\n"
	      "      --identity F      identity file for --reuse (default lookup as decrypt)\n"
	      "      --scope S         bind every value to the document's metadata.namespace\n"
	      "                        and metadata.name (strict) or namespace (namespace), so a\n"
	      "                        value copied elsewhere does not decrypt; such files are\n"
	      "                        veil-only (default: the creation rule's scope:)\n"
	      "      --output-type T   write the result as yaml, json, dotenv or ini (converted\n"
	      "                        as sops does: comments and layout do not carry over)\n"
	      "      --filename-override NAME  the name for the creation rule and the format\n"
	      "                        (FILE - reads stdin)\n"
	      "      --indent N        indent of text written anew (a conversion, the sops\n"
	      "                        block of a file that shows none); default: the\n"
	      "                        .sops.yaml stores: section, else YAML 4, JSON a tab\n"
	      "      --shamir-secret-sharing-threshold N  key groups needed to decrypt\n"
	      "                        (of the creation rule's key_groups)\n"
	      "  -i, --in-place        replace FILE (atomically)\n"
	      "  -o, --output F        write to F instead of stdout\n"
	      "\n"
	      "A Kubernetes Secret (every document apiVersion v1, kind Secret) without a\n"
	      "selection rule gets encrypted_regex ^(data|stringData)$, as Flux, ksops and\n"
	      "kustomize need; give --unencrypted-suffix _unencrypted to encrypt all of it.\n"
	      "A one-document Kubernetes object also gets veil_sorted_mac, a MAC that\n"
	      "kustomize's re-sorting does not break (sops ignores it). --sops-defaults\n"
	      "turns both off: the file is what sops would write.\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure, 2 usage, 10 invalid document, 61 --config not\n"
	      "found, 111 no recipients, 203 already encrypted.\n",
	      f);
}

static int parse(enc_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id;

	veil_cli__opt_init(&st, argc, argv, operands, "encrypt");
	for (;;) {
		id = veil_cli__opt_next(&st, veil_cli__opts_encrypt, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			encrypt_usage(stdout);
			return -1;
		} else if (id == OPT_RECIPIENT || id == OPT_IDENTITY) {
			const char **list = id == OPT_RECIPIENT ? a->recipients : a->identities;
			size_t *n = id == OPT_RECIPIENT ? &a->nrecipients : &a->nidentities;
			if (*n == MAX_ARGS)
				return veil_cli__usage("encrypt", "too many -r/--identity options");
			list[(*n)++] = arg;
		} else if (id > OPT_SEL_BASE) {
			if (a->sel)
				return veil_cli__usage(
				        "encrypt",
				        "only one of the --(un)encrypted-"
				        "suffix/regex/comment-regex options can be given");
			a->sel = (veil_sops_sel_kind)(id - OPT_SEL_BASE);
			a->sel_value = arg;
		} else if (id == OPT_MAC_ONLY) {
			a->mac_only = 1;
		} else if (id == OPT_SOPS_DEFAULTS) {
			a->sops_defaults = 1;
		} else if (id == OPT_INDENT) {
			if ((a->indent = veil_cli__indent_arg("encrypt", arg)) < 0)
				return VEIL_EXIT_USAGE;
		} else if (id == OPT_IN_PLACE) {
			a->in_place = 1;
		} else {
			const char **slot = id == OPT_CIPHER        ? &a->cipher
			                    : id == OPT_INPUT_TYPE  ? &a->input_type
			                    : id == OPT_OUTPUT_TYPE ? &a->output_type
			                    : id == OPT_SHAMIR      ? &a->shamir
			                    : id == OPT_REUSE       ? &a->reuse
			                    : id == OPT_CONFIG      ? &a->config
			                    : id == OPT_OVERRIDE    ? &a->override
			                    : id == OPT_SCOPE       ? &a->scope
			                                            : &a->output;
			if (*slot)
				return veil_cli__usage("encrypt", "an option was given twice");
			*slot = arg;
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (st.noperands != 1)
		return veil_cli__usage("encrypt", st.noperands ? "only one FILE can be given"
		                                               : "missing FILE");
	a->file = operands[0];
	if (a->in_place && a->output)
		return veil_cli__usage("encrypt", "-i and -o cannot be used together");
	if (a->in_place && !strcmp(a->file, "-"))
		return veil_cli__usage("encrypt", "-i needs a file, not stdin");
	return 0;
}

/* Splits a comma list in buf (modified) into out (pointers into buf). */
static int split_recipients(const char **out, size_t *n, char *buf)
{
	while (buf) {
		char *comma = strchr(buf, ','), *p = buf, *e;
		if (comma)
			*comma = '\0';
		buf = comma ? comma + 1 : NULL;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n');)
			*--e = '\0';
		if (!*p)
			continue;
		if (*n == MAX_ARGS)
			return veil_cli__usage("encrypt", "too many recipients");
		out[(*n)++] = p;
	}
	return 0;
}

typedef struct enc_plan {
	veil_sops_encrypt_options o;
	veil_sops_key_group groups[VEIL_SOPS_MAX_KEY_GROUPS];
	const char *flat[MAX_ARGS];
	size_t nflat;
	char *buf; /* the -r / environment recipients, split in place */
	veil_sops_config *cfg;
} enc_plan;

/* Recipients from -r or the environment: 1 if found, 0 if none, -1 after
 * an error, or a usage exit code (> 1). */
static int plan_flat(enc_plan *p, const enc_args *a)
{
	const char *env = getenv("VEIL_AGE_RECIPIENTS");
	veil_buf b = VEIL_BUF_INIT(0);
	int rc = 0;

	if (!a->nrecipients && (!env || !*env))
		env = getenv("SOPS_AGE_RECIPIENTS");
	if (!a->nrecipients && (!env || !*env))
		return 0;
	/* -r values and the variable are comma lists alike: join, then split */
	for (size_t i = 0; i < a->nrecipients && rc == 0; i++)
		rc = veil_buf_printf(&b, "%s,", a->recipients[i]);
	if (!a->nrecipients && rc == 0)
		rc = veil_buf_printf(&b, "%s", env);
	if (rc < 0) {
		veil_buf_dispose(&b);
		veil_cli__lib_error("encrypt", rc);
		return -1;
	}
	p->buf = (char *)veil_buf_detach(&b, NULL);
	if ((rc = split_recipients(p->flat, &p->nflat, p->buf)) != 0)
		return rc;
	p->groups[0].age = p->flat;
	p->groups[0].nage = p->nflat;
	p->o.groups = p->groups;
	p->o.ngroups = 1;
	return 1;
}

/* No usable creation rule and no -r: sops's "no encryption key found". */
static int no_recipients(const char *match_path)
{
	veil_cli__error("no recipients: pass -r age1..., set VEIL_AGE_RECIPIENTS, or add a "
	                "creation rule to a .sops.yaml above %s",
	                match_path);
	return VEIL_EXIT_NO_RECIPIENT;
}

/* The creation rule for the file, from --config, SOPS_CONFIG or the
 * nearest .sops.yaml above the file. Its keys unless -r or the environment
 * named some (keys_given); its selection rule, threshold, cipher and scope
 * always, as sops applies the rule's settings to -a recipients too. */
static int plan_rule(enc_plan *p, const enc_args *a, const char *match_path, int keys_given)
{
	const char *cfg_path = a->config ? a->config : getenv("SOPS_CONFIG");
	const veil_sops_rule *r = NULL;
	char *found = NULL;
	size_t total = 0;
	int error;

	if (cfg_path && *cfg_path && access(cfg_path, F_OK) != 0) {
		veil_cli__error("config file %s not found", cfg_path);
		return VEIL_EXIT_NO_CONFIG;
	}
	if (!cfg_path || !*cfg_path) {
		if (veil_sops_config_find(&found, match_path) < 0)
			return keys_given ? 0 : no_recipients(match_path);
		cfg_path = found;
	}
	error = veil_sops_config_load(&p->cfg, cfg_path);
	if (error == 0)
		error = veil_sops_config_match(&r, p->cfg, match_path);
	free(found);
	/* with -r, a rule's other key types or no rule at all do not matter */
	if (keys_given && (error == VEIL_ENOTFOUND || (error == VEIL_EUNSUPPORTED && r)))
		error = r ? 0 : 1;
	if (error < 0)
		return veil_cli__lib_error("creation rules", error);
	if (error > 0)
		return 0;
	if (r->ngroups > VEIL_SOPS_MAX_KEY_GROUPS)
		return veil_cli__usage("encrypt", "too many key groups");
	for (size_t g = 0; !keys_given && g < r->ngroups; g++) {
		p->groups[g].age = (const char *const *)r->groups[g].age;
		p->groups[g].nage = r->groups[g].nage;
		total += r->groups[g].nage;
	}
	if (!keys_given) {
		if (total == 0)
			return no_recipients(match_path);
		p->o.groups = p->groups;
		p->o.ngroups = r->ngroups;
		p->o.shamir_threshold = r->shamir_threshold;
	}
	p->o.selection = r->sel.kind;
	p->o.selection_value = r->sel.value;
	p->o.mac_only_encrypted = r->mac_only_encrypted;
	p->o.cipher = r->cipher;
	p->o.scope = r->scope;
	return 0;
}

static int plan_options(enc_plan *p, const enc_args *a)
{
	const char *match = a->override ? a->override : strcmp(a->file, "-") ? a->file : "stdin";
	int rc;

	/* --reuse keeps the earlier file's recipients and rules */
	if ((rc = plan_flat(p, a)) < 0)
		return VEIL_EXIT_FAIL;
	if (rc > 1)
		return rc;
	if (!a->reuse && (rc = plan_rule(p, a, match, rc == 1)) != 0)
		return rc;
	if (a->sel) {
		p->o.selection = a->sel;
		p->o.selection_value = a->sel_value;
	}
	if (a->mac_only)
		p->o.mac_only_encrypted = 1;
	if (a->scope) {
		if (strcmp(a->scope, "strict") && strcmp(a->scope, "namespace") &&
		    strcmp(a->scope, "none"))
			return veil_cli__usage("encrypt",
			                       "--scope takes strict, namespace or none");
		p->o.scope = a->scope;
	}
	if (a->shamir) {
		char *end;
		long t = strtol(a->shamir, &end, 10);
		if (*end || end == a->shamir || t < 1 || t > 255)
			return veil_cli__usage("encrypt", "--shamir-secret-sharing-threshold "
			                                  "takes a number from 1 to 255");
		p->o.shamir_threshold = (int)t;
	}
	if (a->cipher && !(p->o.cipher = veil_sops_cipher_parse(a->cipher)))
		return veil_cli__usage("encrypt",
		                       "unknown cipher '%s' (aes256-gcm or chacha20-poly1305)",
		                       a->cipher);
	return 0;
}

/* Kubernetes manifests. A one-document object also gets veil_sorted_mac,
 * which still verifies after `kustomize build` re-sorted its keys and
 * rewrote its metadata, so `kustomize build | veil k8s decrypt` checks a
 * MAC. Secret manifests (every document apiVersion v1, kind Secret) without
 * a selection rule: only data and stringData are encrypted, as Flux, ksops
 * and kustomize need (they read kind and metadata), instead of sops's
 * everything-but-_unencrypted. */
static void k8s_defaults(enc_plan *p, const veil_doc *doc)
{
	size_t n = veil_doc_count(doc), secrets = 0, roots = 0;
	veil_doc_format fmt = veil_doc_format_of(doc);

	if (fmt != VEIL_FMT_YAML && fmt != VEIL_FMT_JSON)
		return;
	for (size_t i = 0; i < n; i++) {
		const veil_node *root = veil_doc_root(doc, i);
		roots += root != NULL;
		secrets += root && veil_k8s_is_secret(root);
	}
	p->o.sorted_mac = veil_k8s_one_object(doc);
	if (secrets && secrets == roots && !p->o.selection) {
		p->o.selection = VEIL_SEL_ENCRYPTED_REGEX;
		p->o.selection_value = "^(data|stringData)$";
	}
}

/* --reuse: the earlier encrypted version and the identities that open it. */
static int load_reuse(veil_doc **reuse, char **text, veil_identities **ids, const enc_args *a,
                      veil_doc_format fmt)
{
	size_t len;
	int rc;

	if (!a->reuse)
		return 0;
	if ((rc = veil_cli__doc_load(reuse, text, &len, a->reuse, fmt)) != 0)
		return rc;
	if (!veil_sops_is_encrypted(*reuse)) {
		veil_cli__error("%s: --reuse needs an encrypted file", a->reuse);
		return VEIL_EXIT_NOT_ENCRYPTED;
	}
	return veil_cli__doc_identities(ids, a->identities, a->nidentities);
}

/* A YAML document whose root is a flow map ({a: 1}) has no line for the
 * sops: block to go after: like sops, write it again in block style first.
 * Its formatting is not kept. */
static int block_root(veil_doc **doc, const char *file, int indent)
{
	size_t n = veil_doc_count(*doc), i;
	int error;

	for (i = 0; i < n && !(veil_doc_root(*doc, i) && veil_doc_root(*doc, i)->flow); i++)
		;
	if (veil_doc_format_of(*doc) != VEIL_FMT_YAML || i == n)
		return 0;
	if ((error = veil_cli__doc_convert(doc, VEIL_FMT_YAML, indent, file)) == 0)
		veil_cli__warning("%s: the flow-style document was rewritten in block style to "
		                  "hold the sops block",
		                  file);
	return error;
}

/* --output-type: the plaintext is written afresh in that format first, then
 * encrypted (sops encrypts its tree, then writes it with the output store:
 * the same values and paths; an encrypted binary file is JSON). The sops
 * block of a file that shows no indent of its own gets the configured one. */
static int shape(veil_doc **doc, const enc_args *a, veil_doc_format ofmt)
{
	veil_doc_format fmt = veil_doc_format_of(*doc);
	const char *name = strcmp(a->file, "-") ? a->file : "stdin";
	const char *match = a->override ? a->override : a->file;
	int error;

	if (ofmt == VEIL_FMT_BINARY && fmt != VEIL_FMT_BINARY)
		ofmt = VEIL_FMT_JSON;
	if (ofmt && ofmt != fmt &&
	    (error = veil_cli__doc_convert(doc, ofmt,
	                                   veil_cli__emit_indent(ofmt, a->indent, match, a->config),
	                                   name)) < 0)
		return error;
	if ((error = block_root(
	             doc, name,
	             veil_cli__emit_indent(VEIL_FMT_YAML, a->indent, match, a->config))) < 0)
		return error;
	if (veil_doc_format_of(*doc) == VEIL_FMT_YAML && veil_doc_indent_step(*doc) == 0)
		veil_doc_set_indent_step(
		        *doc, veil_cli__emit_indent(VEIL_FMT_YAML, a->indent, match, a->config));
	return 0;
}

int veil_cli__cmd_encrypt(int argc, char **argv)
{
	enc_args a = { 0 };
	enc_plan p = { .o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT };
	veil_doc *doc = NULL, *reuse = NULL;
	veil_identities *ids = NULL;
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	char *text = NULL, *rtext = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	veil_sops_rewrites rewrites = { 0 };
	veil_doc_format fmt = 0, ofmt = 0;
	int rc, error;

	if (!operands)
		return VEIL_EXIT_FAIL;
	a.indent = -1;
	if ((rc = parse(&a, argc, argv, operands)) != 0) {
		rc = rc < 0 ? VEIL_EXIT_OK : rc;
		goto done;
	}
	if (a.input_type && !(fmt = veil_doc_format_parse(a.input_type))) {
		rc = veil_cli__usage("encrypt", "unknown --input-type '%s'", a.input_type);
		goto done;
	}
	if (!fmt && a.override)
		fmt = veil_doc_format_from_path(a.override);
	if (a.output_type && !(ofmt = veil_doc_format_parse(a.output_type))) {
		rc = veil_cli__usage("encrypt", "unknown --output-type '%s'", a.output_type);
		goto done;
	}
	if ((rc = plan_options(&p, &a)) != 0 ||
	    (rc = veil_cli__doc_load(&doc, &text, &len, a.file, fmt)) != 0 ||
	    (rc = load_reuse(&reuse, &rtext, &ids, &a, veil_doc_format_of(doc))) != 0)
		goto done;
	p.o.reuse = reuse;
	p.o.identities = ids;
	p.o.rewrites = &rewrites;
	if ((error = shape(&doc, &a, ofmt)) == 0) {
		if (!a.sops_defaults) /* on the document as it will be written */
			k8s_defaults(&p, doc);
		error = veil_sops_encrypt(doc, &p.o);
	}
	if (error < 0 || (error = veil_sops_render(&out, &out_len, doc)) < 0) {
		veil_cli__lib_error(a.file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(a.output, a.in_place, a.file, out, out_len);
	if (rc == 0)
		veil_cli__note_rewrites(a.file, &rewrites);
	if (rc == 0 && !reuse && p.o.scope && strcmp(p.o.scope, "none"))
		veil_cli__warning("scope '%s': the values are bound to the document's %s; the "
		                  "file is veil-only (sops, Flux, ksops and helm-secrets cannot "
		                  "decrypt it)",
		                  p.o.scope,
		                  strcmp(p.o.scope, "strict") ? "namespace" : "namespace and name");
done:
	veil_doc_free(doc);
	veil_doc_free(reuse);
	veil_identities_free(ids);
	veil_sops_config_free(p.cfg);
	veil_wipe_free(text, len);
	free(rtext);
	free(out);
	free(p.buf);
	free(operands);
	return rc;
}
