/* Fuzzes the secret scanner (include/veil/check.h) through veil_check_blob.
 * The first input byte picks the path (and so the format: YAML, JSON,
 * dotenv, INI, a kubeconfig, a file a .sops.yaml rule names, plain text)
 * and the git attributes; the rest is the blob. Every report format must
 * render, every finding must have a position within the blob's lines, a
 * rule and a 64-hex-digit hash, and no masked secret may be longer than the
 * mask allows. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "util/buf.h"
#include "veil/check.h"
#include <string.h>

static const char *const paths[] = {
	"k8s/secret.yaml", "app/config.json", ".env",        "conf/app.ini",
	"kubeconfig",      "secrets/db.yaml", "src/main.go", "secrets/blob.bin",
};

static const char rules[] =
        "creation_rules:\n  - path_regex: ^secrets/\n"
        "    age: age1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0savhh7m\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;
	veil_buf b = VEIL_BUF_INIT(0);
	size_t lines = 1, n;

	veil_fuzz_init();
	if (size < 1 || size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	if (veil_check_new(&c, &o) != 0 || veil_check_set_sops_config(c, rules, strlen(rules)) != 0)
		veil_fuzz_fail("cannot create the context");
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	if (veil_check_blob(c, paths[data[0] % 8], data + 1, size - 1,
	                    (data[0] >> 3) & 1 ? VEIL_CHECK_ATTR_FILTER_VEIL : 0) != 0)
		veil_fuzz_fail("veil_check_blob failed on a valid context");
	n = veil_check_count(c, 0);
	for (size_t i = 0; i < n; i++) {
		if (veil_check_get(c, i, &f) != 0)
			veil_fuzz_fail("veil_check_get failed in range");
		if (f.line > lines || !f.rule[0] || strlen(f.sha256) != 64 || strlen(f.masked) > 16)
			veil_fuzz_fail("malformed finding");
	}
	for (int fmt = VEIL_CHECK_FORMAT_TEXT; fmt <= VEIL_CHECK_FORMAT_IGNORE; fmt++) {
		if (veil_check_report(c, (veil_check_format)fmt, veil_buf_writer, &b) != 0)
			veil_fuzz_fail("a report failed");
		veil_buf_clear(&b);
	}
	veil_buf_dispose(&b);
	veil_check_free(c);
	return 0;
}
