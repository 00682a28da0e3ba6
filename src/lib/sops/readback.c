/*
 * veil_sops_render: an encrypted document's text, proven readable by veil.
 *
 * No command may write a file that veil itself cannot decrypt (issue 11: a
 * 60 MB value encrypted, and with -i replaced its plaintext, but decrypt
 * refused the value). The cheapest proof short of decrypting (encrypt holds
 * no identity): the text is what decrypt reads first, a document within
 * VEIL_DOC_MAX_SIZE; it parses with the same codec under every limit
 * decrypt applies (depth, nodes, alias expansion), which the render's full
 * check does anyway; and its metadata block reads back. Each ENC[...]
 * value is bounded by the document cap alone (VEIL_SOPS_MAX_ENC) and each
 * plaintext is one the codec wrote before and reads again, so the walk
 * decrypt would make cannot refuse what this accepted.
 */
#include "doc/internal.h"
#include "sops/readback.h"
#include <stdio.h>
#include "util/secret.h"
#include "veil/error.h"
#include "veil/sops.h"

int veil_sops__render_max(char **out, size_t *out_len, const veil_doc *doc, size_t max)
{
	veil_doc *again = NULL;
	veil_sops_meta meta;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = veil_doc__render_again(out, out_len, doc, &again)) < 0)
		return error;
	if (*out_len > max) {
		error = veil_error_set(
		        VEIL_ELIMIT,
		        "the encrypted file would be %zu bytes, and veil reads files "
		        "of at most %zu bytes; nothing was written",
		        *out_len, max);
	} else if (!again || !veil_sops_is_encrypted(again)) {
		error = veil_error_set(VEIL_ERROR, "the encrypted file would not read back as "
		                                   "encrypted; nothing was written");
	} else if ((error = veil_sops_meta_of(&meta, again, "file")) == 0) {
		veil_sops_meta_dispose(&meta);
	} else {
		char why[256];

		snprintf(why, sizeof(why), "%s", veil_error_last());
		error = veil_error_set(VEIL_ERROR,
		                       "the encrypted file's sops block would not read back (%s); "
		                       "nothing was written",
		                       why);
	}
	veil_doc_free(again);
	if (error < 0) {
		veil_wipe_free(*out, *out_len);
		*out = NULL;
		*out_len = 0;
	}
	return error;
}

int veil_sops_render(char **out, size_t *out_len, const veil_doc *doc)
{
	return veil_sops__render_max(out, out_len, doc, VEIL_DOC_MAX_SIZE);
}
