/* Open an encrypted file's plaintext in memory and seal a new one with reuse. */
#include "sops_session.h"
#include "util/secret.h"
#include <stdlib.h>
#include <string.h>

/* The plaintext the user sees: the render, or a binary file's data. */
static int take_plaintext(veil_cli_session *s, veil_doc *dec)
{
	const char *v = NULL;
	size_t vlen = 0;
	int error;

	if (s->fmt != VEIL_FMT_BINARY) {
		error = veil_doc_render(&s->plain, &s->plain_len, dec);
		return error < 0 ? veil_cli__lib_error(s->file, error) : 0;
	}
	const veil_node *data = veil_node_get(veil_doc_root(dec, 0), "data");
	if (!data || veil_doc_pending_value(dec, data, &v, &vlen) < 0) {
		veil_cli__error("%s: binary file without a data value", s->file);
		return VEIL_EXIT_BAD_DOCUMENT;
	}
	if (!(s->plain = malloc(vlen + 1)))
		return veil_cli__lib_error(s->file, veil_error_oom());
	memcpy(s->plain, v, vlen);
	s->plain[vlen] = '\0';
	s->plain_len = vlen;
	return 0;
}

int veil_cli__session_open(veil_cli_session *s, const char *file, veil_doc_format fmt,
                           const char *const *id_files, size_t nids)
{
	return veil_cli__session_open_ex(s, file, fmt, id_files, nids, 0);
}

int veil_cli__session_open_ex(veil_cli_session *s, const char *file, veil_doc_format fmt,
                              const char *const *id_files, size_t nids, int ignore_mac)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *dec = NULL;
	int rc, error;

	memset(s, 0, sizeof(*s));
	s->file = file;
	s->ignore_mac = ignore_mac;
	if ((rc = veil_cli__doc_load(&s->enc, &s->text, &s->len, file, fmt)) != 0)
		return rc;
	s->fmt = veil_doc_format_of(s->enc);
	if (!veil_sops_is_encrypted(s->enc))
		return veil_cli__not_encrypted(s->enc, file);
	if ((rc = veil_cli__doc_identities(&s->ids, id_files, nids)) != 0)
		return rc;
	/* a second parse to decrypt: the first stays the reuse source */
	if ((error = veil_doc_parse(&dec, s->fmt, s->text, s->len, file)) < 0) {
		veil_cli__lib_error(file, error);
		return VEIL_EXIT_BAD_DOCUMENT;
	}
	o.identities = s->ids;
	o.ignore_mac = ignore_mac;
	if ((error = veil_sops_decrypt(dec, &o)) < 0) {
		veil_cli__lib_error(file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	rc = take_plaintext(s, dec);
done:
	veil_doc_free(dec);
	return rc;
}

int veil_cli__session_seal(veil_cli_session *s, const char *plain, size_t len, char **out,
                           size_t *out_len)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_sops_rewrites rewrites = { 0 };
	veil_doc *doc = NULL;
	int rc = 0, error;

	*out = NULL;
	*out_len = 0;
	if ((error = veil_doc_parse(&doc, s->fmt, plain, len, s->file)) < 0) {
		veil_cli__lib_error(s->file, error);
		return error == VEIL_ELIMIT ? VEIL_EXIT_LIMIT : VEIL_EXIT_BAD_DOCUMENT;
	}
	o.reuse = s->enc;
	o.identities = s->ids;
	o.reuse_ignore_mac = s->ignore_mac;
	o.rewrites = &rewrites;
	if ((error = veil_sops_encrypt(doc, &o)) < 0 ||
	    (error = veil_sops_render(out, out_len, doc)) < 0) {
		veil_cli__lib_error(s->file, error);
		/* a key named sops in the new text: sops's "file already encrypted" */
		rc = error == VEIL_EFORMAT ? VEIL_EXIT_ALREADY : veil_cli__sops_exit(error);
		free(*out);
		*out = NULL;
	}
	if (rc == 0)
		veil_cli__note_rewrites(s->file, &rewrites);
	veil_doc_free(doc);
	return rc;
}

int veil_cli__session_commit(veil_cli_session *s, const char *plain, size_t len)
{
	char *out = NULL;
	size_t out_len = 0;
	int rc = veil_cli__session_seal(s, plain, len, &out, &out_len);

	if (rc == VEIL_EXIT_BAD_DOCUMENT || rc == VEIL_EXIT_LIMIT)
		veil_cli__hint("%s was left as it was", s->file);
	if (rc == 0)
		rc = veil_cli__doc_write(NULL, 1, s->file, out, out_len);
	free(out);
	return rc;
}

void veil_cli__session_close(veil_cli_session *s)
{
	veil_doc_free(s->enc);
	veil_identities_free(s->ids);
	free(s->text);
	veil_wipe_free(s->plain, s->plain_len);
	memset(s, 0, sizeof(*s));
}
