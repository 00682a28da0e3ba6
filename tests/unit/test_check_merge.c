/* veil_check_merge: blobs scanned on several contexts, merged in blob
 * order, report exactly what one context scanning them all reports,
 * whole-tree findings (kustomize file references, Flux) included.
 * Tokens are split across string literals so this file holds none. */
#include "harness.h"
#include "veil/check.h"
#include "util/buf.h"
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *path, *text;
} blobs[] = {
	{ "a/.env", "KEY=AK"
	            "IAQ3EGT5IZJ2K7VNW4\nDB_PASS"
	            "WORD=Xk9#mQ2vLp7\n" },
	{ "a/kustomization.yaml",
	  "secretGenerator:\n  - name: db\n    files: [db.env, ../b/ok.env]\n"
	  "    literals: [\"A=b1c2d3e4\"]\n" },
	{ "a/db.env", "PASS"
	              "WORD=Zq8$wE3rTy6\n" },
	{ "b/ok.env", "nothing here\n" },
	{ "b/s.yaml", "kind: Secret\nstringData:\n  pw: hunter22\n" },
	{ "flux/ks.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n"
	                  "  path: ./apps\n  decryption:\n    provider: sops\n" },
	{ "apps/s.yaml",
	  "kind: Secret\ndata:\n  a: ENC[CHACHA20_POLY1305,data:AAAA,iv:BBBB,tag:CCCC,type:str]\n"
	  "sops:\n  mac: ENC[CHACHA20_POLY1305,data:DDDD,iv:EEEE,tag:FFFF,type:str]\n"
	  "  version: 3.9.0\n" },
	{ "c/t.py", "T = 'ghp"
	            "_0123456789abcdefghijABCDEFGHIJ012345'\n# veil"
	            ":allow ghp"
	            "_0123456789abcdefghijABCDEFGHIJ012345\n" },
	{ "c/u.md", "plain prose\n" },
};
#define NBLOBS (sizeof(blobs) / sizeof(*blobs))

static char *report(veil_check *c, veil_check_format fmt)
{
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK_INT(veil_check_report(c, fmt, veil_buf_writer, &b), 0);
	CHECK_INT(veil_buf_putc(&b, 0), 0);
	return (char *)veil_buf_detach(&b, NULL);
}

static void scan(veil_check *c, size_t i)
{
	CHECK_INT(veil_check_blob(c, blobs[i].path, (const uint8_t *)blobs[i].text,
	                          strlen(blobs[i].text), 0),
	          0);
}

/* chunk blobs per context, contexts taking chunks round-robin, each chunk
 * moved into its holder, the holders merged in order into dst */
static void split_scan(veil_check *dst, size_t chunk)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *w[2] = { NULL, NULL }, *holder[NBLOBS];
	size_t nchunks = (NBLOBS + chunk - 1) / chunk;

	CHECK_INT(veil_check_new(&w[0], &o), 0);
	CHECK_INT(veil_check_new(&w[1], &o), 0);
	for (size_t k = 0; k < nchunks; k++) {
		veil_check *ctx = w[k % 2];
		CHECK_INT(veil_check_new(&holder[k], &o), 0);
		for (size_t i = k * chunk; i < (k + 1) * chunk && i < NBLOBS; i++)
			scan(ctx, i);
		CHECK_INT(veil_check_merge(holder[k], ctx), 0);
		CHECK_INT(veil_check_count(ctx, 0), 0);
	}
	for (size_t k = 0; k < nchunks; k++) {
		CHECK_INT(veil_check_merge(dst, holder[k]), 0);
		veil_check_free(holder[k]);
	}
	veil_check_free(w[0]);
	veil_check_free(w[1]);
}

TEST(test_check_merge__same_report_as_one_context)
{
	static const veil_check_format fmts[] = { VEIL_CHECK_FORMAT_TEXT, VEIL_CHECK_FORMAT_JSON,
		                                  VEIL_CHECK_FORMAT_SARIF };
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *one = NULL;
	char *want[3];

	CHECK_INT(veil_check_new(&one, &o), 0);
	for (size_t i = 0; i < NBLOBS; i++)
		scan(one, i);
	for (size_t f = 0; f < 3; f++)
		want[f] = report(one, fmts[f]);
	/* every kind of finding is there, or the comparison proves little */
	CHECK(strstr(want[0], "aws-access-key-id") != NULL);
	CHECK(strstr(want[0], "kustomize-secret-file") != NULL);
	CHECK(strstr(want[0], "flux-chacha20") != NULL);
	CHECK(strstr(want[0], "k8s-secret-plaintext") != NULL);
	CHECK(strstr(want[0], "ghp_") == NULL);
	for (size_t chunk = 1; chunk <= NBLOBS; chunk++) {
		veil_check *merged = NULL;
		CHECK_INT(veil_check_new(&merged, &o), 0);
		split_scan(merged, chunk);
		CHECK_INT(veil_check_count(merged, 0), veil_check_count(one, 0));
		for (size_t f = 0; f < 3; f++) {
			char *got = report(merged, fmts[f]);
			CHECK_STR(got, want[f]);
			free(got);
		}
		veil_check_free(merged);
	}
	for (size_t f = 0; f < 3; f++)
		free(want[f]);
	veil_check_free(one);
}

TEST(test_check_merge__after_a_report_the_tree_checks_run_again)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *a = NULL, *b = NULL;

	CHECK_INT(veil_check_new(&a, &o), 0);
	CHECK_INT(veil_check_new(&b, &o), 0);
	scan(a, 1); /* the kustomization: its references are not seen yet */
	scan(b, 2); /* a/db.env, plaintext */
	scan(b, 3); /* b/ok.env, plaintext */
	/* a reads its tree once (no file on disk: no finding)... */
	CHECK_INT(veil_check_count(a, 0), 1);
	/* ...then the referenced blobs arrive (db.env with its own password
	 * finding): both references are reported now, after the blobs' */
	CHECK_INT(veil_check_merge(a, b), 0);
	CHECK_INT(veil_check_count(a, 0), 4);
	for (size_t i = 2; i < 4; i++) {
		veil_check_finding f;
		CHECK_INT(veil_check_get(a, i, &f), 0);
		CHECK_STR(f.rule, "kustomize-secret-file");
	}
	CHECK_INT(veil_check_count(b, 0), 0);
	CHECK(veil_check_merge(a, a) < 0);
	veil_check_free(a);
	veil_check_free(b);
}
