/* Fuzzes veil_sops_merge (the git merge driver's library call) and the
 * line merge under it, with the fixed throwaway identity the sops seeds are
 * encrypted for (fuzz/docseeds/fuzz-sops.key). Input: one byte picks the
 * format (YAML, JSON, dotenv, INI), then base, ours and theirs separated by
 * NUL bytes. Invariants: no crash or leak; an error is one of the
 * documented codes; a merge gives either conflicts or a text, never both,
 * and a text decrypts with its MAC verified. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "veil/sops.h"
#include <stdlib.h>
#include <string.h>

#define MERGE_MAX_INPUT (64u * 1024)

/* Test-only key that protects nothing. */
static const char seed_key[] =
        "AGE-SECRET-KEY-1KWSXW53N3TRA7FEU2CHWN26S7999TM8X3SW2DPLCAMCA8UHY0EVSQX7UFC";

static veil_identities *ids;

static int documented(int error)
{
	return error == VEIL_ENOMATCH || error == VEIL_EAUTH || error == VEIL_EMAC ||
	       error == VEIL_EPLAINTEXT || error == VEIL_EFORMAT || error == VEIL_ELIMIT ||
	       error == VEIL_EUNSUPPORTED || error == VEIL_EARMOR || error == VEIL_EPAYLOAD ||
	       error == VEIL_EINVAL || error == VEIL_EEXISTS;
}

static void check_text(veil_doc_format fmt, const char *text, size_t len)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;

	o.identities = ids;
	if (veil_doc_parse(&doc, fmt, text, len, "merged") < 0 || veil_sops_decrypt(doc, &o) < 0)
		veil_fuzz_fail("a merged text must decrypt with its MAC verified");
	veil_doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const veil_doc_format fmts[4] = { VEIL_FMT_YAML, VEIL_FMT_JSON, VEIL_FMT_DOTENV,
		                                 VEIL_FMT_INI };
	veil_sops_merge_options o = VEIL_SOPS_MERGE_OPTIONS_INIT;
	veil_sops_merge_result r;
	const char *part[3];
	size_t len[3], at = 1;
	veil_identity *id = NULL;
	int error;

	veil_fuzz_init();
	if (size < 1 || size > MERGE_MAX_INPUT)
		return 0;
	if (!ids && (veil_identities_new(&ids) < 0 ||
	             veil_identity_parse(&id, seed_key, strlen(seed_key)) < 0 ||
	             veil_identities_add(ids, id) < 0))
		abort();
	for (int i = 0; i < 3; i++) {
		const uint8_t *nul = at < size ? memchr(data + at, 0, size - at) : NULL;
		size_t end = i < 2 && nul ? (size_t)(nul - data) : size;
		if (at > size)
			return 0;
		part[i] = (const char *)data + at;
		len[i] = end - at;
		at = end + 1;
	}
	o.identities = ids;
	error = veil_sops_merge(&r, fmts[data[0] % 4], "fuzz", part[0], len[0], part[1], len[1],
	                        part[2], len[2], &o);
	if (error < 0 && !documented(error))
		veil_fuzz_fail("undocumented error code from merge");
	if (error == 0 && (r.text != NULL) == (r.nconflicts != 0))
		veil_fuzz_fail("a merge gives conflicts or a text, one of them");
	/* a side given back as it was (git's own trivial cases) is not checked:
	 * it may be anything; whatever the merge made must decrypt */
	if (error == 0 && r.text && !(r.len == len[1] && !memcmp(r.text, part[1], len[1])) &&
	    !(r.len == len[2] && !memcmp(r.text, part[2], len[2])))
		check_text(fmts[data[0] % 4], r.text, r.len);
	veil_sops_merge_result_dispose(&r);
	return 0;
}
