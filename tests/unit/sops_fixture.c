/* Shared by the sops unit tests: see sops_fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops_fixture.h"

void make_keys(struct keys *k)
{
	veil_identity *id = NULL;
	veil_recipient *r = NULL;

	memset(k, 0, sizeof(*k));
	CHECK_INT(veil_identity_generate(&id), 0);
	CHECK_INT(veil_identity_to_recipient(&r, id), 0);
	CHECK_INT(veil_recipient_encode(&k->recipient, r), 0);
	CHECK_INT(veil_identities_new(&k->ids), 0);
	CHECK_INT(veil_identities_add(k->ids, id), 0);
	veil_recipient_free(r);
}

void free_keys(struct keys *k)
{
	veil_identities_free(k->ids);
	free(k->recipient);
}

char *encrypt_text(const char *text, struct keys *k, veil_sops_encrypt_options *o)
{
	const char *age[1] = { k->recipient };
	veil_sops_key_group g = { age, 1 };
	veil_doc *doc = NULL;
	char *out = NULL;
	size_t len;

	o->groups = &g;
	o->ngroups = 1;
	if (veil_doc_parse(&doc, VEIL_FMT_YAML, text, strlen(text), "t.yaml") < 0 ||
	    veil_sops_encrypt(doc, o) < 0 || veil_sops_render(&out, &len, doc) < 0)
		fprintf(stderr, "  encrypt: %s\n", veil_error_last());
	veil_doc_free(doc);
	o->groups = NULL;
	return out;
}

int decrypt_text(const char *text, const veil_identities *ids, char **out, int ignore_mac)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	size_t len;
	int error;

	*out = NULL;
	o.identities = ids;
	o.ignore_mac = ignore_mac;
	error = veil_doc_parse(&doc, VEIL_FMT_YAML, text, strlen(text), "t.enc.yaml");
	if (error == 0)
		error = veil_sops_decrypt(doc, &o);
	if (error == 0)
		error = veil_doc_render(out, &len, doc);
	veil_doc_free(doc);
	return error;
}
