/* sops mode: building veil argvs, sops's checks and exit codes (sops_args.h). */
#include "sops_args.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void veil_cli__sops_add(sops_vargs *a, const char *s)
{
	if (a->n >= SOPS_VARGS_MAX) {
		a->overflow = 1;
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void veil_cli__sops_add2(sops_vargs *a, const char *flag, const char *value)
{
	veil_cli__sops_add(a, flag);
	veil_cli__sops_add(a, value);
}

void veil_cli__sops_add_type(sops_vargs *a, const char *flag, const sops_val *v)
{
	static const char *const known[] = { "yaml", "json", "dotenv", "ini", "binary" };

	for (size_t i = 0; v->s && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(v->s, known[i]))
			veil_cli__sops_add2(a, flag, v->s);
}

void veil_cli__sops_add_path(sops_vargs *a, const char *path)
{
	veil_cli__sops_add(a, strcmp(path, "-") ? path : "./-");
}

int veil_cli__sops_call(sops_vargs *a, int (*cmd)(int, char **))
{
	if (a->overflow) {
		veil_cli__error("too many arguments");
		return VEIL_EXIT_FAIL;
	}
	return cmd(a->n, (char **)a->v);
}

int veil_cli__sops_exit_code(int rc)
{
	switch (rc) {
	case VEIL_EXIT_USAGE:
		return VEIL_EXIT_FAIL; /* urfave/cli's exit for a bad command line */
	case VEIL_EXIT_BAD_DOCUMENT:
		return VEIL_EXIT_SOPS_CANNOT_READ; /* sops: "Error unmarshalling file" */
	case VEIL_EXIT_PLAINTEXT:
		return VEIL_EXIT_DECRYPT_VALUE; /* sops fails such a value while decrypting */
	default:
		return rc;
	}
}

void veil_cli__sops_warn_extra(const sops_ctx *c)
{
	if (c->nargs <= 1)
		return;
	veil_cli__warning("more than one positional argument provided: only the first one, "
	                  "'%s', is used",
	                  c->args[0]);
	for (int i = 1; i < c->nargs; i++)
		if (c->args[i][0] == '-') {
			veil_cli__warning("'%s' looks like a flag: flags must come before the "
			                  "first positional argument",
			                  c->args[i]);
			break;
		}
}

int veil_cli__sops_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int veil_cli__sops_given(const sops_val *v)
{
	return v->set && ((v->s && *v->s) || v->b || v->nlist);
}

static int refuse(const sops_val *vals, const int *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const sops_val *v = &vals[ids[i]];
		const sops_flag_info *f = &veil_cli__sops_flags[ids[i]];

		if (!v->set || !((v->s && *v->s) || v->nlist))
			continue;
		if (v->from_env)
			veil_cli__error("%s is set: veil has no %s support (age keys only)", f->env,
			                f->unsupported);
		else
			veil_cli__error("--%s: veil has no %s support (age keys only)",
			                veil_cli__sops_flag_name(ids[i]), f->unsupported);
		veil_cli__hint("use age recipients (--age, SOPS_AGE_RECIPIENTS or a creation "
		               "rule's age:), or sops itself for %s keys",
		               f->unsupported);
		return VEIL_EXIT_FAIL;
	}
	return 0;
}

int veil_cli__sops_refuse_key_sources(const sops_val *vals)
{
	static const int ids[] = { SF_KMS,      SF_GCP_KMS,          SF_HCKMS,
		                   SF_AZURE_KV, SF_HC_VAULT_TRANSIT, SF_PGP };

	return refuse(vals, ids, sizeof(ids) / sizeof(ids[0]));
}

int veil_cli__sops_refuse_add_rm(const sops_val *vals)
{
	static const int ids[] = {
		SF_ADD_GCP_KMS,          SF_RM_GCP_KMS,          SF_ADD_HCKMS, SF_RM_HCKMS,
		SF_ADD_AZURE_KV,         SF_RM_AZURE_KV,         SF_ADD_KMS,   SF_RM_KMS,
		SF_ADD_HC_VAULT_TRANSIT, SF_RM_HC_VAULT_TRANSIT, SF_ADD_PGP,   SF_RM_PGP
	};

	return refuse(vals, ids, sizeof(ids) / sizeof(ids[0]));
}

/* --decryption-order: sops refuses a key type named twice (exit 112); veil
 * has one type, so the order itself changes nothing. */
static int decryption_order(const char *order)
{
	const char *p = order;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		for (const char *q = comma ? comma + 1 : NULL; q && *q;) {
			const char *c2 = strchr(q, ',');
			size_t l2 = c2 ? (size_t)(c2 - q) : strlen(q);
			if (l2 == len && !strncmp(p, q, len)) {
				veil_cli__error("Duplicate decryption key type: %.*s", (int)len, p);
				return VEIL_EXIT_DUPLICATE_KEY_TYPE;
			}
			q = c2 ? c2 + 1 : NULL;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

int veil_cli__sops_refuse_always(const sops_val *vals)
{
	static const int ids[] = { SF_KEYSERVICE };
	int rc;

	if ((rc = refuse(vals, ids, 1)) != 0)
		return rc;
	if (vals[SF_ENABLE_LOCAL_KEYSERVICE].set && !vals[SF_ENABLE_LOCAL_KEYSERVICE].b) {
		veil_cli__error("--enable-local-keyservice=false: veil decrypts with local age "
		                "identities only, so that leaves it no key");
		return VEIL_EXIT_FAIL;
	}
	return vals[SF_DECRYPTION_ORDER].s ? decryption_order(vals[SF_DECRYPTION_ORDER].s) : 0;
}

int veil_cli__sops_tree_path_ok(const char *path)
{
	const char *p = path;

	/* strings.Split(arg, "[") then each part must end with ']' and be a
	 * quoted key or a number */
	while (*p) {
		const char *open = strchr(p, '[');
		const char *end = open ? open : p + strlen(p);
		size_t len = (size_t)(end - p);

		if (len > 0) {
			char *num_end;
			if (p[len - 1] != ']')
				return 0;
			if (p[0] != '"' && p[0] != '\'') {
				(void)strtol(p, &num_end, 10);
				if (num_end != p + len - 1 || num_end == p)
					return 0;
			} else if (len < 3) {
				return 0;
			}
		}
		p = open ? open + 1 : end;
	}
	return 1;
}

void veil_cli__sops_add_globals(sops_vargs *a, const sops_ctx *c)
{
	static char indent[24];

	if (c->g[SF_INDENT].set) {
		snprintf(indent, sizeof(indent), "%ld", c->g[SF_INDENT].n);
		veil_cli__sops_add2(a, "--indent", indent);
	}
	if (c->g[SF_CONFIG].s && *c->g[SF_CONFIG].s)
		setenv("SOPS_CONFIG", c->g[SF_CONFIG].s, 1);
}
