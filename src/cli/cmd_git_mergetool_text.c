/*
 * The whole-file way of `veil git mergetool`, for conflicts it cannot
 * settle value by value (the lines around a value changed on both sides, a
 * value changed on one side and removed on the other, both sides re-keyed):
 * the three versions are decrypted in memory and merged as plaintext lines,
 * each conflict written with git's diff3 markers, into a file in the private
 * directory `veil edit` uses. What the user saves (no markers left) is
 * encrypted with ours as the reuse source: ours' keys and rules, and the
 * ciphertext of every value ours already had.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_git.h"
#include "privdir.h"
#include "sops_cli.h"
#include "util/fsutil.h"
#include "util/merge3.h"
#include "util/secret.h"

/* A side's plaintext as veil decrypt renders it; none for an empty side
 * (no base). *out is malloc'd: wipe it. */
static int plaintext(char **out, size_t *len, veil_doc_format fmt, const char *path,
                     const uint8_t *data, size_t dlen, const veil_identities *ids)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	int error;

	*out = NULL;
	*len = 0;
	if (!dlen)
		return 0;
	o.identities = ids;
	if ((error = veil_doc_parse(&doc, fmt, (const char *)data, dlen, path)) == 0 &&
	    (error = veil_sops_decrypt(doc, &o)) == 0)
		error = veil_doc_render(out, len, doc);
	veil_doc_free(doc);
	return error;
}

/* Does a line of text start with a conflict marker git writes? */
static int has_markers(const char *t, size_t len)
{
	static const char *const marks[] = { "<<<<<<< ", "||||||| ", "=======\n", ">>>>>>> " };

	for (size_t i = 0; i < len; i++) {
		if (i && t[i - 1] != '\n')
			continue;
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (len - i >= strlen(marks[k]) &&
			    !memcmp(t + i, marks[k], strlen(marks[k])))
				return 1;
	}
	return 0;
}

/* The saved plaintext, encrypted with ours as the reuse source. */
static int seal(char **out, size_t *olen, veil_doc_format fmt, const char *path, const char *text,
                size_t len, const veil_cli_merge_sides *s, const veil_identities *ids)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_doc *reuse = NULL, *doc = NULL;
	int error;

	o.identities = ids;
	if ((error = veil_doc_parse(&reuse, fmt, (const char *)s->data[1], s->len[1], path)) == 0 &&
	    (error = veil_doc_parse(&doc, fmt, text, len, path)) == 0) {
		o.reuse = reuse;
		if ((error = veil_sops_encrypt(doc, &o)) == 0)
			error = veil_sops_render(out, olen, doc);
	}
	veil_doc_free(doc);
	veil_doc_free(reuse);
	return error;
}

/* Opens the marked text in the editor; *edited gets what was saved. */
static int edit_marked(uint8_t **edited, size_t *elen, const char *file, const veil_buf *text)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", tmp[VEIL_CLI_PRIVDIR_MAX + 256];
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int rc, error;

	/* FILE's base name keeps the editor's syntax highlighting */
	if ((error = veil_cli__privdir_make(dir)) < 0 ||
	    (error = veil_cli__privdir_write(tmp, sizeof(tmp), dir, *base ? base : "file",
	                                     (const char *)text->data, text->len)) < 0) {
		rc = veil_cli__lib_error("mergetool", error);
	} else if ((rc = veil_cli__run_editor(tmp, file)) == 0 &&
	           (error = veil_file_read(edited, elen, tmp, VEIL_DOC_MAX_SIZE)) < 0) {
		rc = veil_cli__lib_error(tmp, error);
	}
	veil_cli__privdir_remove(dir);
	return rc;
}

int veil_cli__mergetool_text(const char *file, const char *path, const veil_cli_merge_sides *s,
                             const veil_identities *ids)
{
	veil_doc_format fmt = veil_doc_format_from_path(path);
	char *pt[3] = { NULL, NULL, NULL }, *out = NULL;
	size_t len[3] = { 0, 0, 0 }, out_len = 0, elen = 0;
	veil_merge3_result r = { VEIL_BUF_INIT(0), NULL, 0, 0 };
	uint8_t *edited = NULL;
	int rc = VEIL_EXIT_FAIL, error = 0;

	if (fmt == VEIL_FMT_BINARY) {
		veil_cli__error("%s: a binary file has no lines to merge: take one side (git "
		                "checkout --ours or --theirs %s)",
		                file, file);
		return VEIL_EXIT_FAIL;
	}
	for (int i = 0; i < 3 && error == 0; i++)
		error = plaintext(&pt[i], &len[i], fmt, path, s->data[i], s->len[i], ids);
	if (error == 0)
		error = veil_merge3(&r, VEIL_MERGE3_MARKERS, pt[0] ? pt[0] : "", len[0], pt[1],
		                    len[1], pt[2], len[2]);
	if (error < 0) {
		rc = veil_cli__lib_error(path, error);
		goto done;
	}
	fprintf(stderr,
	        "veil: %s: %zu conflict%s beyond single values: the whole file opens, "
	        "with git's conflict markers\n",
	        file, r.nconflicts, r.nconflicts == 1 ? "" : "s");
	if ((rc = edit_marked(&edited, &elen, file, &r.text)) != 0)
		goto done;
	if (has_markers((const char *)edited, elen)) {
		veil_cli__error("%s: conflict markers are left; nothing was written", file);
		rc = VEIL_EXIT_FAIL;
		goto done;
	}
	if ((error = seal(&out, &out_len, fmt, path, (const char *)edited, elen, s, ids)) < 0) {
		veil_cli__lib_error(file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = veil_cli__doc_write(NULL, 1, file, out, out_len);
done:
	for (int i = 0; i < 3; i++)
		veil_wipe_free(pt[i], len[i]);
	veil_wipe_free(edited, elen);
	veil_merge3_dispose(&r);
	free(out);
	return rc;
}
