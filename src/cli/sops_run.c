/* sops mode's document commands: sops's checks, then the veil command with
 * translated arguments. sops's own messages and exit codes for what it
 * checks itself (cmd/sops/main.go); the veil command's for the rest. */
#include "sops_args.h"
#include <stdlib.h>
#include <string.h>

#define ADD(f)          veil_cli__sops_add(&a, f)
#define ADD2(f, v)      veil_cli__sops_add2(&a, f, v)
#define GIVEN(vals, id) veil_cli__sops_given(&(vals)[id])

/* --output with --in-place: sops exits 8 before anything else. */
static int conflict_output(const sops_val *v)
{
	if (v[SF_IN_PLACE].b && v[SF_OUTPUT].s && *v[SF_OUTPUT].s) {
		veil_cli__error("cannot operate on both --output and --in-place");
		return VEIL_EXIT_CONFLICT;
	}
	return 0;
}

static int no_file(const char *file)
{
	if (veil_cli__sops_exists(file))
		return 0;
	veil_cli__error("cannot operate on non-existent file \"%s\"", file);
	return VEIL_EXIT_NO_FILE;
}

static int need_file(const sops_ctx *c)
{
	if (c->nargs >= 1)
		return 0;
	veil_cli__error("no file specified");
	return VEIL_EXIT_NO_FILE;
}

/* The selection flags and what else makes a new file's rules. comments:
 * the top level has the comment-regex flags, the commands do not. */
static int add_creation(sops_vargs *pa, const sops_ctx *c, const sops_val *v, int comments)
{
	static const struct {
		int id;
		const char *veil;
	} sel[] = {
		{ SF_UNENCRYPTED_SUFFIX, "--unencrypted-suffix" },
		{ SF_ENCRYPTED_SUFFIX, "--encrypted-suffix" },
		{ SF_UNENCRYPTED_REGEX, "--unencrypted-regex" },
		{ SF_ENCRYPTED_REGEX, "--encrypted-regex" },
		{ SF_UNENCRYPTED_COMMENT_REGEX, "--unencrypted-comment-regex" },
		{ SF_ENCRYPTED_COMMENT_REGEX, "--encrypted-comment-regex" },
	};
	static char shamir[24];
	sops_vargs a = *pa;
	int nsel = 0;

	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
		if (i >= 4 && !comments)
			break;
		if (v[sel[i].id].s && *v[sel[i].id].s) {
			ADD2(sel[i].veil, v[sel[i].id].s);
			nsel++;
		}
	}
	if (nsel > 1) {
		veil_cli__error("cannot use more than one of encrypted_suffix, unencrypted_suffix, "
		                "encrypted_regex, unencrypted_regex, encrypted_comment_regex, or "
		                "unencrypted_comment_regex in the same file");
		return VEIL_EXIT_CONFLICT;
	}
	if (c->g[SF_MAC_ONLY_ENCRYPTED].b)
		ADD("--mac-only-encrypted");
	if (v[SF_SHAMIR].n != 0) {
		snprintf(shamir, sizeof(shamir), "%ld", v[SF_SHAMIR].n);
		ADD2("--shamir-secret-sharing-threshold", shamir);
	}
	if (v[SF_AGE].s && *v[SF_AGE].s)
		ADD2("-r", v[SF_AGE].s);
	/* what sops writes: sops reads nothing else, and ignores veil's rule
	 * extensions (cipher:, scope:) */
	ADD2("--cipher", "aes256-gcm");
	ADD2("--scope", "none");
	ADD("--sops-defaults"); /* no Kubernetes defaults: sops encrypts it all */
	*pa = a;
	return 0;
}

static int decrypt_with(sops_ctx *c, const sops_val *v, const char *file)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if ((rc = conflict_output(v)) != 0 || (rc = veil_cli__sops_refuse_always(v)) != 0)
		return rc;
	if (v[SF_EXTRACT].s && *v[SF_EXTRACT].s && !veil_cli__sops_tree_path_ok(v[SF_EXTRACT].s)) {
		veil_cli__error("error parsing --extract path: %s", v[SF_EXTRACT].s);
		return VEIL_EXIT_INVALID_PATH;
	}
	ADD("decrypt");
	veil_cli__sops_add_type(&a, "--input-type", &v[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &v[SF_OUTPUT_TYPE]);
	if (v[SF_EXTRACT].s && *v[SF_EXTRACT].s)
		ADD2("--extract", v[SF_EXTRACT].s);
	if (v[SF_IGNORE_MAC].b)
		ADD("--ignore-mac");
	if (v[SF_IN_PLACE].b)
		ADD("-i");
	if (v[SF_OUTPUT].s && *v[SF_OUTPUT].s)
		ADD2("-o", v[SF_OUTPUT].s);
	if (v[SF_FILENAME_OVERRIDE].s && *v[SF_FILENAME_OVERRIDE].s)
		ADD2("--filename-override", v[SF_FILENAME_OVERRIDE].s);
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	if (file)
		veil_cli__sops_add_path(&a, file);
	else
		ADD("-");
	rc = veil_cli__sops_call(&a, veil_cli__cmd_decrypt);
	/* an --extract path that does not exist: sops's generic error */
	return rc == VEIL_EXIT_INVALID_PATH ? VEIL_EXIT_FAIL : veil_cli__sops_exit_code(rc);
}

int veil_cli__sops_run_decrypt(sops_ctx *c)
{
	int rc;

	if (c->nargs == 0 && c->l[SF_IN_PLACE].b) {
		veil_cli__error("cannot use --in-place when reading from stdin");
		return VEIL_EXIT_CONFLICT;
	}
	veil_cli__sops_warn_extra(c);
	if ((rc = conflict_output(c->l)) != 0 || (c->nargs && (rc = no_file(c->args[0])) != 0))
		return rc;
	return decrypt_with(c, c->l, c->nargs ? c->args[0] : NULL);
}

static int encrypt_with(sops_ctx *c, const sops_val *v, const char *file, int comments)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if ((rc = veil_cli__sops_refuse_key_sources(v)) != 0 ||
	    (rc = veil_cli__sops_refuse_always(v)) != 0)
		return rc;
	ADD("encrypt");
	if ((rc = add_creation(&a, c, v, comments)) != 0)
		return rc;
	veil_cli__sops_add_type(&a, "--input-type", &v[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &v[SF_OUTPUT_TYPE]);
	if (v[SF_FILENAME_OVERRIDE].s && *v[SF_FILENAME_OVERRIDE].s)
		ADD2("--filename-override", v[SF_FILENAME_OVERRIDE].s);
	if (v[SF_IN_PLACE].b)
		ADD("-i");
	if (v[SF_OUTPUT].s && *v[SF_OUTPUT].s)
		ADD2("-o", v[SF_OUTPUT].s);
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	if (file)
		veil_cli__sops_add_path(&a, file);
	else
		ADD("-");
	return veil_cli__sops_exit_code(veil_cli__sops_call(&a, veil_cli__cmd_encrypt));
}

int veil_cli__sops_run_encrypt(sops_ctx *c)
{
	int rc;

	if (c->nargs == 0) {
		if (c->l[SF_IN_PLACE].b) {
			veil_cli__error("cannot use --in-place when reading from stdin");
			return VEIL_EXIT_CONFLICT;
		}
		if (!GIVEN(c->l, SF_FILENAME_OVERRIDE)) {
			veil_cli__error("must specify --filename-override when reading from stdin");
			return VEIL_EXIT_CONFLICT;
		}
	}
	veil_cli__sops_warn_extra(c);
	if ((rc = conflict_output(c->l)) != 0 || (c->nargs && (rc = no_file(c->args[0])) != 0))
		return rc;
	return encrypt_with(c, c->l, c->nargs ? c->args[0] : NULL, 0);
}

static int rotate_with(sops_ctx *c, const sops_val *v, const char *file)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if ((rc = veil_cli__sops_refuse_add_rm(v)) != 0 ||
	    (rc = veil_cli__sops_refuse_always(v)) != 0)
		return rc;
	ADD("rotate");
	ADD2("--cipher", "aes256-gcm");
	if (v[SF_ADD_AGE].s && *v[SF_ADD_AGE].s)
		ADD2("--add-age", v[SF_ADD_AGE].s);
	if (v[SF_RM_AGE].s && *v[SF_RM_AGE].s)
		ADD2("--rm-age", v[SF_RM_AGE].s);
	veil_cli__sops_add_type(&a, "--input-type", &v[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &v[SF_OUTPUT_TYPE]);
	if (v[SF_FILENAME_OVERRIDE].s && *v[SF_FILENAME_OVERRIDE].s)
		ADD2("--filename-override", v[SF_FILENAME_OVERRIDE].s);
	if (v[SF_IGNORE_MAC].b)
		ADD("--ignore-mac");
	if (v[SF_IN_PLACE].b)
		ADD("-i");
	if (v[SF_OUTPUT].s && *v[SF_OUTPUT].s)
		ADD2("-o", v[SF_OUTPUT].s);
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	veil_cli__sops_add_path(&a, file);
	return veil_cli__sops_exit_code(veil_cli__sops_call(&a, veil_cli__cmd_rotate));
}

static int keys_on_missing_file(const sops_val *v, const char *file)
{
	static const int ids[] = { SF_ADD_GCP_KMS,
		                   SF_RM_GCP_KMS,
		                   SF_ADD_HCKMS,
		                   SF_RM_HCKMS,
		                   SF_ADD_HC_VAULT_TRANSIT,
		                   SF_RM_HC_VAULT_TRANSIT,
		                   SF_ADD_AZURE_KV,
		                   SF_RM_AZURE_KV,
		                   SF_ADD_KMS,
		                   SF_RM_KMS,
		                   SF_ADD_AGE,
		                   SF_RM_AGE,
		                   SF_ADD_PGP,
		                   SF_RM_PGP };

	if (veil_cli__sops_exists(file))
		return 0;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (v[ids[i]].s && *v[ids[i]].s) {
			veil_cli__error(
			        "cannot add or remove keys on non-existent file \"%s\", use "
			        "the `edit` subcommand instead",
			        file);
			return VEIL_EXIT_KEYS_NO_FILE;
		}
	return 0;
}

int veil_cli__sops_run_rotate(sops_ctx *c)
{
	int rc;

	if ((rc = need_file(c)) != 0)
		return rc;
	veil_cli__sops_warn_extra(c);
	if ((rc = conflict_output(c->l)) != 0 ||
	    (rc = keys_on_missing_file(c->l, c->args[0])) != 0 || (rc = no_file(c->args[0])) != 0)
		return rc;
	return rotate_with(c, c->l, c->args[0]);
}

static int edit_with(sops_ctx *c, const sops_val *v, const char *file, int comments)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if ((rc = veil_cli__sops_refuse_always(v)) != 0)
		return rc;
	ADD("edit");
	if (!veil_cli__sops_exists(file)) {
		/* a new file is encrypted under the flags' rules */
		if ((rc = veil_cli__sops_refuse_key_sources(v)) != 0 ||
		    (rc = add_creation(&a, c, v, comments)) != 0)
			return rc;
	}
	veil_cli__sops_add_type(&a, "--input-type", &v[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &v[SF_OUTPUT_TYPE]);
	if (v[SF_IGNORE_MAC].b)
		ADD("--ignore-mac");
	if (v[SF_SHOW_MASTER_KEYS].b)
		ADD("--show-master-keys");
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	veil_cli__sops_add_path(&a, file);
	return veil_cli__sops_exit_code(veil_cli__sops_call(&a, veil_cli__cmd_edit));
}

int veil_cli__sops_run_edit(sops_ctx *c)
{
	int rc;

	if ((rc = need_file(c)) != 0)
		return rc;
	veil_cli__sops_warn_extra(c);
	return edit_with(c, c->l, c->args[0], 0);
}

/* set and unset: sops's own path check (exit 7), then veil set/unset. */
static int set_with(sops_ctx *c, const sops_val *v, const char *file, const char *path,
                    const char *value, int unset)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if ((rc = veil_cli__sops_refuse_always(v)) != 0)
		return rc;
	if (!veil_cli__sops_tree_path_ok(path)) {
		veil_cli__error("Invalid %s index format", unset ? "unset" : "set");
		return VEIL_EXIT_SET_FORMAT;
	}
	ADD(unset ? "unset" : "set");
	veil_cli__sops_add_type(&a, "--input-type", &v[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &v[SF_OUTPUT_TYPE]);
	if (v[SF_IGNORE_MAC].b)
		ADD("--ignore-mac");
	if (v[SF_IDEMPOTENT].b)
		ADD("--idempotent");
	if (v[SF_VALUE_FILE].b)
		ADD("--value-file");
	if (v[SF_VALUE_STDIN].b)
		ADD("--value-stdin");
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	veil_cli__sops_add_path(&a, file);
	ADD(path);
	if (value)
		ADD(value);
	rc = veil_cli__sops_call(&a, unset ? veil_cli__cmd_unset : veil_cli__cmd_set);
	if (rc == VEIL_EXIT_INVALID_PATH) /* sops: a key not found is a generic error */
		return VEIL_EXIT_FAIL;
	if (rc == VEIL_EXIT_USAGE && !unset) /* the value is not JSON */
		return VEIL_EXIT_SET_FORMAT;
	return veil_cli__sops_exit_code(rc);
}

int veil_cli__sops_run_set(sops_ctx *c)
{
	int want = c->l[SF_VALUE_STDIN].b ? 2 : 3;

	if (c->l[SF_VALUE_FILE].b && c->l[SF_VALUE_STDIN].b) {
		veil_cli__error("cannot use both --value-file and --value-stdin");
		return VEIL_EXIT_FAIL;
	}
	if (c->nargs != want) {
		veil_cli__error("no file specified, or index and value are missing: need precisely "
		                "%d positional arguments",
		                want);
		return VEIL_EXIT_NO_FILE;
	}
	return set_with(c, c->l, c->args[0], c->args[1], want == 3 ? c->args[2] : NULL, 0);
}

int veil_cli__sops_run_unset(sops_ctx *c)
{
	if (c->nargs != 2) {
		veil_cli__error("no file specified, or index is missing");
		return VEIL_EXIT_NO_FILE;
	}
	return set_with(c, c->l, c->args[0], c->args[1], NULL, 1);
}

/* The legacy --set value: '["a"]["b"] JSON', split after the first "] ". */
static int legacy_set(sops_ctx *c, const char *file)
{
	const char *arg = c->g[SF_SET].s, *split = strstr(arg, "] ");
	char *path;
	int rc;

	if (!split) {
		veil_cli__error("Invalid --set format");
		return VEIL_EXIT_SET_FORMAT;
	}
	if (!(path = strndup(arg, (size_t)(split - arg) + 1)))
		return VEIL_EXIT_FAIL;
	rc = set_with(c, c->g, file, path, split + 2, 0);
	free(path);
	return rc;
}

/* `sops [flags] FILE`: the last of --encrypt, --decrypt, --rotate, --set
 * given wins (sops runs them all and keeps the last output), else edit. */
int veil_cli__sops_run_legacy(sops_ctx *c)
{
	const sops_val *g = c->g;
	int modes = g[SF_ENCRYPT].b + g[SF_DECRYPT].b + g[SF_ROTATE].b + GIVEN(g, SF_SET), rc;
	const char *file;

	if ((rc = need_file(c)) != 0)
		return rc;
	veil_cli__sops_warn_extra(c);
	file = c->args[0];
	if ((rc = conflict_output(g)) != 0 || (rc = keys_on_missing_file(g, file)) != 0)
		return rc;
	if ((g[SF_ENCRYPT].b || g[SF_DECRYPT].b || g[SF_ROTATE].b) && (rc = no_file(file)) != 0)
		return rc;
	if (modes > 1)
		veil_cli__warning(
		        "more than one command (--encrypt, --decrypt, --rotate, --set) has "
		        "been specified: only the last one's changes are kept");
	if (GIVEN(g, SF_SET))
		return legacy_set(c, file);
	if (g[SF_ROTATE].b)
		return rotate_with(c, g, file);
	if (g[SF_DECRYPT].b)
		return decrypt_with(c, g, file);
	if (g[SF_ENCRYPT].b)
		return encrypt_with(c, g, file, 1);
	return edit_with(c, g, file, 1);
}
