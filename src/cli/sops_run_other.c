/* sops mode's other commands: updatekeys, filestatus, exec-env, exec-file,
 * groups, completion, and the two veil has no counterpart for. */
#include "sops_args.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ADD(f)     veil_cli__sops_add(&a, f)
#define ADD2(f, v) veil_cli__sops_add2(&a, f, v)

/* One veil updatekeys for all the files: one plan, one question. With one
 * file its exit code is sops's; with several sops updates them all and
 * then fails with 1 if any failed, which is --keep-going. */
int veil_cli__sops_run_updatekeys(sops_ctx *c)
{
	sops_vargs a = { .n = 0 };
	char **argv = NULL;
	int rc, n;

	if (c->nargs < 1) {
		veil_cli__error("no file specified");
		return VEIL_EXIT_NO_FILE;
	}
	if ((rc = veil_cli__sops_refuse_always(c->l)) != 0)
		return rc;
	ADD("updatekeys");
	if (c->l[SF_YES].b)
		ADD("-y");
	if (c->nargs > 1)
		ADD("--keep-going");
	veil_cli__sops_add_type(&a, "--input-type", &c->l[SF_INPUT_TYPE]);
	veil_cli__sops_add_globals(&a, c);
	ADD("--");
	/* the files after the flags: as many as were given (sops_vargs holds
	 * a fixed number of arguments) */
	if (a.overflow || !(argv = calloc((size_t)a.n + (size_t)c->nargs + 1, sizeof(*argv)))) {
		veil_cli__error(a.overflow ? "too many arguments" : "out of memory");
		return VEIL_EXIT_FAIL;
	}
	memcpy(argv, a.v, (size_t)a.n * sizeof(*argv));
	n = a.n;
	for (int i = 0; i < c->nargs; i++)
		argv[n++] = strcmp(c->args[i], "-") ? c->args[i] : (char *)"./-";
	rc = veil_cli__sops_exit_code(veil_cli__cmd_updatekeys(n, argv));
	free(argv);
	if (c->nargs > 1 && rc != 0) {
		veil_cli__error("failed updating the keys of some files");
		return VEIL_EXIT_FAIL;
	}
	return rc;
}

int veil_cli__sops_run_filestatus(sops_ctx *c)
{
	sops_vargs a = { .n = 0 };
	int rc;

	if (c->nargs < 1) {
		veil_cli__error("no file specified");
		return VEIL_EXIT_NO_FILE;
	}
	ADD("filestatus");
	veil_cli__sops_add_type(&a, "--input-type", &c->l[SF_INPUT_TYPE]);
	ADD("--");
	veil_cli__sops_add_path(&a, c->args[0]);
	rc = veil_cli__sops_call(&a, veil_cli__cmd_filestatus);
	/* sops: "cannot check file status" is a plain error */
	return rc == VEIL_EXIT_NO_FILE ? VEIL_EXIT_FAIL : veil_cli__sops_exit_code(rc);
}

/* exec-env and exec-file: the child's exit status passes through, so veil's
 * codes are not translated once the command ran. */
static int exec_common(sops_ctx *c, sops_vargs *pa)
{
	sops_vargs a = *pa;
	int rc;

	if (c->nargs != 2) {
		veil_cli__error("missing file to decrypt");
		return VEIL_EXIT_FAIL;
	}
	if (c->l[SF_BACKGROUND].b) {
		veil_cli__error("--background: deprecated in sops and not supported by veil; run "
		                "the command in the background with the shell instead");
		return c->l[SF_SAME_PROCESS].b ? VEIL_EXIT_CONFLICT : VEIL_EXIT_FAIL;
	}
	if ((rc = veil_cli__sops_refuse_always(c->l)) != 0)
		return rc;
	if (c->l[SF_USER].s && *c->l[SF_USER].s)
		ADD2("--user", c->l[SF_USER].s);
	ADD("--");
	veil_cli__sops_add_path(&a, c->args[0]);
	ADD(c->args[1]);
	*pa = a;
	return 0;
}

int veil_cli__sops_run_exec_env(sops_ctx *c)
{
	sops_vargs a = { .n = 0 };
	int rc;

	ADD("exec-env");
	if (c->l[SF_PRISTINE].b)
		ADD("--pristine");
	if (c->l[SF_SAME_PROCESS].b)
		ADD("--same-process");
	if ((rc = exec_common(c, &a)) != 0)
		return rc;
	return veil_cli__sops_call(&a, veil_cli__cmd_exec_env);
}

int veil_cli__sops_run_exec_file(sops_ctx *c)
{
	sops_vargs a = { .n = 0 };
	int rc;

	ADD("exec-file");
	if (c->l[SF_NO_FIFO].b)
		ADD("--no-fifo");
	if (c->l[SF_FILENAME].s && *c->l[SF_FILENAME].s)
		ADD2("--filename", c->l[SF_FILENAME].s);
	veil_cli__sops_add_type(&a, "--input-type", &c->l[SF_INPUT_TYPE]);
	veil_cli__sops_add_type(&a, "--output-type", &c->l[SF_OUTPUT_TYPE]);
	if ((rc = exec_common(c, &a)) != 0)
		return rc;
	return veil_cli__sops_call(&a, veil_cli__cmd_exec_file);
}

static int groups_common(sops_ctx *c, sops_vargs *pa)
{
	static char shamir[24];
	sops_vargs a = *pa;
	int rc;

	if ((rc = veil_cli__sops_refuse_always(c->l)) != 0)
		return rc;
	if (c->l[SF_IN_PLACE].b)
		ADD("-i");
	if (c->l[SF_SHAMIR].n != 0) {
		snprintf(shamir, sizeof(shamir), "%ld", c->l[SF_SHAMIR].n);
		ADD2("--shamir-secret-sharing-threshold", shamir);
	}
	ADD2("--file", c->l[SF_FILE].s ? c->l[SF_FILE].s : "");
	*pa = a;
	return 0;
}

int veil_cli__sops_run_groups_add(sops_ctx *c)
{
	static const int foreign[] = { SF_G_PGP,   SF_G_KMS,      SF_G_GCP_KMS,
		                       SF_G_HCKMS, SF_G_AZURE_KV, SF_G_HC_VAULT_TRANSIT };
	sops_vargs a = { .n = 0 };
	int rc;

	if (c->nargs != 0) {
		veil_cli__error("no positional arguments allowed");
		return VEIL_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (c->l[foreign[i]].nlist) {
			veil_cli__error("--%s: veil has no %s support (age keys only)",
			                veil_cli__sops_flag_name(foreign[i]),
			                veil_cli__sops_flags[foreign[i]].unsupported);
			return VEIL_EXIT_FAIL;
		}
	ADD2("groups", "add");
	if ((rc = groups_common(c, &a)) != 0)
		return rc;
	for (size_t i = 0; i < c->l[SF_G_AGE].nlist; i++)
		ADD2("--age", c->l[SF_G_AGE].list[i]);
	return veil_cli__sops_exit_code(veil_cli__sops_call(&a, veil_cli__cmd_groups));
}

int veil_cli__sops_run_groups_delete(sops_ctx *c)
{
	sops_vargs a = { .n = 0 };
	char *end;
	int rc;

	if (c->nargs != 1) {
		veil_cli__error("exactly one positional argument (index) required");
		return VEIL_EXIT_FAIL;
	}
	errno = 0;
	(void)strtoul(c->args[0], &end, 10);
	if (!*c->args[0] || *end || errno || c->args[0][0] == '-' || c->args[0][0] == '+') {
		veil_cli__error("failed to parse [index] argument: %s", c->args[0]);
		return VEIL_EXIT_FAIL;
	}
	ADD2("groups", "delete");
	if ((rc = groups_common(c, &a)) != 0)
		return rc;
	ADD("--");
	ADD(c->args[0]);
	return veil_cli__sops_exit_code(veil_cli__sops_call(&a, veil_cli__cmd_groups));
}

int veil_cli__sops_run_completion(sops_ctx *c)
{
	return veil_cli__sops_completion(c->cmd->name);
}

int veil_cli__sops_run_refused(sops_ctx *c)
{
	if (!strcmp(c->cmd->name, "keyservice"))
		veil_cli__error("sops keyservice: veil has no key service server (it decrypts "
		                "with local age identities only)");
	else
		veil_cli__error("sops publish: publishing to S3, GCS or Vault is not supported by "
		                "veil; decrypt and upload with that service's own client");
	return VEIL_EXIT_FAIL;
}
