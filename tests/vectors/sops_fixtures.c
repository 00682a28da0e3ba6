/* Real files written by sops (../shared/fixtures/sops): each must be seen
 * as encrypted (what the commands check first), decrypt with its key, MAC
 * verified, and equal its plaintext file where one is published (compared
 * as trees: keys, values and types). Every SOPS file under DIR must be in
 * the table below, so a fixture added there is never silently skipped.
 *
 * usage: veil_sops_fixtures DIR   (exit 77 when DIR is missing) */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "util/fsutil.h"
#include "util/secret.h"
#include "veil/sops.h"
#include "veil/veil.h"

typedef struct fixture {
	const char *file;
	const char *key;
	const char *plain; /* expected plaintext, or NULL */
	const char *skip;  /* reason to skip, or NULL */
} fixture;

#define KC   "kustomize-controller/internal/controller/testdata/sops/"
#define ROPS "rops/crates/lib/tests/sops_references/"

static const fixture fixtures[] = {
	{ KC "algorithms/age.yaml", KC "keys/age.txt", NULL, NULL },
	{ KC "global/secret.yaml", KC "keys/age-global.txt", NULL, NULL },
	{ KC "patches/merge1.yaml", KC "keys/age.txt", NULL, NULL },
	{ KC "patches/merge2.yaml", KC "keys/age.txt", NULL, NULL },
	{ KC "envs/env.env", KC "keys/age.txt", NULL, NULL },
	{ KC "component/env.env", KC "keys/age.txt", NULL, NULL },
	{ KC "files/file.txt", KC "keys/age.txt", NULL, NULL },
	{ KC "algorithms/age-pq.yaml", KC "keys/age-pq.txt", NULL,
	  "post-quantum (mlkem768x25519) age keys are not supported" },
	{ "sops-age/tests/data/secret.enc.yaml", "sops-age/key.txt", NULL, NULL },
	{ "sops-age/tests/data/secret.enc.json", "sops-age/key.txt",
	  "sops-age/tests/data/secret.json", NULL },
	{ "sops-age/tests/data/secret.enc.env", "sops-age/key.txt", NULL, NULL },
	{ "sops-nix/pkgs/sops-install-secrets/test-assets/secrets.yaml",
	  "sops-nix/pkgs/sops-install-secrets/test-assets/age-keys.txt", NULL, NULL },
	{ "helm-secrets/tests/assets/values/sops/secrets.age.yaml",
	  "helm-secrets/tests/assets/age/key.txt", NULL, NULL },
	{ "terragrunt-tests/issue-2103/file.enc.yaml", "terragrunt-tests/issue-2103/keys.txt",
	  "terragrunt-tests/issue-2103/file.yaml", NULL },
	{ ROPS "age_example.yaml", "rops/age-key.txt", ROPS "age_example_plaintext.yaml", NULL },
	{ ROPS "age_unencrypted_suffix.yaml", "rops/age-key.txt",
	  ROPS "age_unencrypted_suffix_plaintext.yaml", NULL },
	{ ROPS "age_encrypted_suffix.yaml", "rops/age-key.txt",
	  ROPS "age_encrypted_suffix_plaintext.yaml", NULL },
	{ ROPS "age_unencrypted_regex.yaml", "rops/age-key.txt",
	  ROPS "age_unencrypted_regex_plaintext.yaml", NULL },
	{ ROPS "age_encrypted_regex.yaml", "rops/age-key.txt",
	  ROPS "age_encrypted_regex_plaintext.yaml", NULL },
	{ ROPS "age_mac_only_encrypted.yaml", "rops/age-key.txt",
	  ROPS "age_mac_only_encrypted_plaintext.yaml", NULL },
	{ ROPS "age_empty_value.yaml", "rops/age-key.txt", ROPS "age_empty_value_plaintext.yaml",
	  NULL },
};

static char *join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

/* Same shape, keys, values and types (comments ignored). */
static int same_tree(const veil_node *a, const veil_node *b)
{
	size_t i = 0, j = 0;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return 0;
	if (a->kind == VEIL_NODE_SCALAR &&
	    (a->type == VEIL_SCALAR_INT || a->type == VEIL_SCALAR_FLOAT) &&
	    (b->type == VEIL_SCALAR_INT || b->type == VEIL_SCALAR_FLOAT))
		return strtod(a->value, NULL) == strtod(b->value, NULL); /* JSON 7 vs 7.0 */
	if (a->kind == VEIL_NODE_SCALAR)
		return a->type == b->type && a->value_len == b->value_len &&
		       !memcmp(a->value, b->value, a->value_len);
	for (;; i++, j++) {
		while (i < a->nitems && a->items[i]->kind == VEIL_NODE_COMMENT)
			i++;
		while (j < b->nitems && b->items[j]->kind == VEIL_NODE_COMMENT)
			j++;
		if (i == a->nitems || j == b->nitems)
			return i == a->nitems && j == b->nitems;
		if ((a->items[i]->key || b->items[j]->key) &&
		    (!a->items[i]->key || !b->items[j]->key ||
		     strcmp(a->items[i]->key, b->items[j]->key)))
			return 0;
		if (!same_tree(a->items[i], b->items[j]))
			return 0;
	}
}

/* A binary file decrypts to its data value (kustomize-controller's is "value"). */
static const char *check_binary(veil_doc *doc, const veil_sops_decrypt_options *o)
{
	const veil_node *data = veil_node_get(veil_doc_root(doc, 0), "data");
	const char *v;
	size_t len;

	if (veil_sops_decrypt(doc, o) < 0)
		return veil_error_last();
	if (!data || veil_doc_pending_value(doc, data, &v, &len) < 0)
		return "no data value";
	return len == 5 && !memcmp(v, "value", 5) ? NULL : "binary data is not 'value'";
}

static int load(veil_doc **doc, const char *path, char **text, size_t *len)
{
	uint8_t *data = NULL;
	int error = veil_file_read(&data, len, path, 16u * 1024 * 1024);

	*text = (char *)data;
	if (error == 0)
		error = veil_doc_parse(doc, veil_doc_format_from_path(path), *text, *len, path);
	return error;
}

static const char *run_one(const char *dir, const fixture *f)
{
	static char why[512];
	char *file = join(dir, f->file), *keyp = join(dir, f->key), *text = NULL, *out = NULL;
	char *ptext = NULL, *keys = NULL;
	size_t len, out_len = 0, klen;
	veil_doc *doc = NULL, *back = NULL, *want = NULL;
	veil_identities *ids = NULL;
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	const char *result = NULL;

	if (!file || !keyp || veil_identities_new(&ids) < 0)
		result = "out of memory";
	else if (load(&doc, file, &text, &len) < 0 ||
	         veil_file_read((uint8_t **)&keys, &klen, keyp, 1u << 20) < 0 ||
	         veil_identities_parse(ids, keys, klen, keyp) < 0)
		result = veil_error_last();
	if (!result && !veil_sops_is_encrypted(doc))
		result = "not recognised as encrypted (the commands would refuse it)";
	if (!result) {
		o.identities = ids;
		if (veil_doc_format_of(doc) == VEIL_FMT_BINARY)
			result = check_binary(doc, &o);
		else if (veil_sops_decrypt(doc, &o) < 0 ||
		         veil_doc_render(&out, &out_len, doc) < 0 ||
		         veil_doc_parse(&back, veil_doc_format_from_path(file), out, out_len,
		                        "output") < 0)
			result = veil_error_last();
		else if (veil_sops_is_encrypted(back))
			result = "metadata still present after decryption";
	}
	if (!result && f->plain && back) {
		char *plain = join(dir, f->plain);
		size_t plen;
		if (!plain || load(&want, plain, &ptext, &plen) < 0)
			result = veil_error_last();
		else if (veil_doc_count(want) != veil_doc_count(back))
			result = "document count differs from the plaintext file";
		for (size_t d = 0; !result && d < veil_doc_count(want); d++)
			if (!same_tree(veil_doc_root(back, d), veil_doc_root(want, d)))
				result = "decrypted values differ from the plaintext file";
		free(plain);
	}
	if (result) {
		snprintf(why, sizeof(why), "%s", result);
		result = why;
	}
	veil_doc_free(doc);
	veil_doc_free(back);
	veil_doc_free(want);
	veil_identities_free(ids);
	free(file);
	free(keyp);
	free(text);
	free(ptext);
	veil_wipe_free(out, out_len);
	veil_wipe_free(keys, keys ? strlen(keys) : 0);
	return result;
}

/* The directory walk: files that hold a sops block but are not listed. */
static const char *walk_root;
static size_t walk_uncovered;

static int listed(const char *rel)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (!strcmp(fixtures[i].file, rel))
			return 1;
	return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(walk_root) + 1;
	veil_doc *doc = NULL;
	char *text = NULL;
	size_t len = 0;

	(void)ftw;
	if (type != FTW_F || st->st_size > 16 * 1024 * 1024 || strstr(rel, ".md") ||
	    strstr(rel, "key"))
		return 0;
	if (load(&doc, path, &text, &len) == 0 && veil_doc_metadata(doc) && !listed(rel)) {
		printf("FAIL %s: a SOPS file that the table does not list\n", rel);
		walk_uncovered++;
	}
	veil_doc_free(doc);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	size_t passed = 0, failed = 0, skipped = 0;

	if (argc < 2 || stat(argv[1], &st) != 0) {
		printf("skip: sops fixtures not found at %s (../shared missing)\n",
		       argc > 1 ? argv[1] : "(no path)");
		return 77;
	}
	if (veil_init() < 0)
		return 1;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const fixture *f = &fixtures[i];
		const char *why;
		if (f->skip) {
			printf("skip %s: %s\n", f->file, f->skip);
			skipped++;
			continue;
		}
		why = run_one(argv[1], f);
		printf("%s %s%s%s\n", why ? "FAIL" : "ok  ", f->file, why ? ": " : "",
		       why ? why : "");
		why ? failed++ : passed++;
	}
	walk_root = argv[1];
	if (nftw(argv[1], visit, 16, FTW_PHYS) != 0) {
		printf("FAIL cannot walk %s\n", argv[1]);
		failed++;
	}
	failed += walk_uncovered;
	printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
