/* Fuzzes the in-cluster decrypter's parsers (src/lib/k8s): the stream
 * splitter, the per-document decrypt of `veil k8s decrypt` (documents, List
 * items spliced back in place) and the KRM ResourceList handling. The
 * first input byte picks the mode (byte % 3, so seeds start with '0'..'2'):
 *   0  splitter: the segments are in order, contiguous and cover the input;
 *   1  stream decrypt with the example identity (keys-examples): on success
 *      a stream with no "sops" and no "ENC[" comes out byte for byte, and on
 *      failure there is no output;
 *   2  KRM function (transformer configs only: a SecretGenerator would read
 *      files): on failure the output is an error ResourceList or nothing. */
#include "k8s/k8s.h"
#include "fuzz.h"
#include "fuzz_fail.h"
#include <stdlib.h>
#include <string.h>

#define K8S_MAX_INPUT (256u * 1024)

/* keys-examples/example-identity.txt: published, EXAMPLE ONLY. */
static const char example_key[] =
        "AGE-SECRET-KEY-1NE76T0HPK8R7QE468DNYFM8Z6R947LMCSF9CGCYATCJRSHYZ67QQ7E9NWG"; /* veil:allow (published example key) */

static veil_identities *ids(void)
{
	static veil_identities *list;
	veil_identity *id = NULL;

	if (list)
		return list;
	if (veil_identities_new(&list) < 0 ||
	    veil_identity_parse(&id, example_key, sizeof(example_key) - 1) < 0 ||
	    veil_identities_add(list, id) < 0)
		abort();
	return list;
}

static int contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(s + i, needle, n))
			return 1;
	return 0;
}

static void check_split(const char *s, size_t len)
{
	veil_k8s_seg *segs = NULL;
	size_t n = 0, at = 0;
	int json = 0;

	if (veil_k8s__split(&segs, &n, &json, s, len) < 0) {
		if (segs || n)
			veil_fuzz_fail("a failed split returned segments");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (segs[i].start != at || segs[i].end <= segs[i].start || segs[i].end > len)
			veil_fuzz_fail("segments not contiguous, empty or out of range");
		at = segs[i].end;
		(void)veil_k8s__has_content(s + segs[i].start, segs[i].end - segs[i].start);
	}
	if (at != len && !(n == 0 && (len == 0 || !json)))
		veil_fuzz_fail("segments do not cover the input");
	free(segs);
}

static void check_stream(const char *s, size_t len)
{
	veil_k8s_opts o = { 0 };
	char *out = NULL;
	size_t out_len = 0, ndocs = 0;
	int error;

	o.ids = ids();
	error = veil_k8s_decrypt_stream(&out, &out_len, &ndocs, s, len, 1, &o);
	if (error < 0) {
		if (out)
			veil_fuzz_fail("a failed stream decrypt left output");
		return;
	}
	if (!out)
		veil_fuzz_fail("a successful stream decrypt gave no output");
	if (!contains(s, len, "sops") && !contains(s, len, "ENC[") &&
	    (out_len != len || memcmp(out, s, len)))
		veil_fuzz_fail("a stream with nothing encrypted changed");
	free(out);
}

static void check_krm(const char *s, size_t len)
{
	veil_k8s_opts o = { 0 };
	char *out = NULL;
	size_t out_len = 0;
	int error;

	if (contains(s, len, "veil/v1"))
		return; /* a generator reads files from the working directory */
	o.ids = ids();
	error = veil_k8s_krm(&out, &out_len, s, len, &o);
	if (error < 0 && out && !contains(out, out_len, "severity: error"))
		veil_fuzz_fail("a failed KRM run printed something other than an error result");
	if (error == 0 && !out)
		veil_fuzz_fail("a successful KRM run gave no output");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > K8S_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	s = malloc(size); /* its own buffer, so reads past the end are caught */
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		check_split(s, size - 1);
		break;
	case 1:
		check_stream(s, size - 1);
		break;
	default:
		check_krm(s, size - 1);
	}
	free(s);
	return 0;
}
