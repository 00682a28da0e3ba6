/* rotate's options from the old metadata; updatekeys' re-wrapping. */
#include "sops/rekey.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The data key is wrapped anew for every key: one veil cannot use (pgp,
 * kms, ...) would be dropped, so such files are refused, naming the keys.
 * (edit, set and unset keep the data key and the block byte for byte.) */
static int no_foreign(const veil_sops_meta *m)
{
	for (size_t g = 0; g < m->ngroups; g++)
		if (m->groups[g].nforeign)
			return veil_error_set(VEIL_EUNSUPPORTED,
			                      "the file's data key is also wrapped for keys veil "
			                      "cannot re-wrap (age keys only): %s; change its keys "
			                      "with sops itself",
			                      m->groups[g].foreign ? m->groups[g].foreign : "?");
	return 0;
}

int veil_sops_rekey_options(veil_sops_rekey *r, const veil_doc *doc)
{
	const veil_node *tree = veil_doc_metadata(doc);
	veil_sops_encrypt_options init = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	size_t total = 0, k = 0;
	int error;

	memset(r, 0, sizeof(*r));
	r->opts = init;
	if (!tree)
		return veil_error_set(VEIL_EFORMAT, "no sops metadata: the file is not encrypted");
	if ((error = veil_sops__meta_read(&r->meta, tree, "file")) < 0 ||
	    (error = no_foreign(&r->meta)) < 0)
		return error;
	for (size_t g = 0; g < r->meta.ngroups; g++)
		total += r->meta.groups[g].nage;
	r->groups = calloc(r->meta.ngroups + 1, sizeof(*r->groups));
	r->recipients = calloc(total + 1, sizeof(*r->recipients));
	if (!r->groups || !r->recipients)
		return veil_error_oom();
	for (size_t g = 0; g < r->meta.ngroups; g++) {
		r->groups[g].age = r->recipients + k;
		r->groups[g].nage = r->meta.groups[g].nage;
		for (size_t i = 0; i < r->meta.groups[g].nage; i++)
			r->recipients[k++] = r->meta.groups[g].age[i].recipient;
	}
	r->opts.groups = r->groups;
	r->opts.ngroups = r->meta.ngroups;
	r->opts.shamir_threshold = r->meta.shamir_threshold;
	r->opts.selection = r->meta.sel.kind;
	r->opts.selection_value = r->meta.sel.value;
	r->opts.mac_only_encrypted = r->meta.mac_only_encrypted;
	r->opts.scope = r->meta.scope; /* a new data key must not unbind the values */
	r->opts.sorted_mac = r->meta.sorted_mac != NULL;
	/* the MAC's ENC[...] names the cipher the values were written with */
	r->opts.cipher =
	        r->meta.mac ? veil_sops_cipher_of_value(r->meta.mac, strlen(r->meta.mac)) : 0;
	return 0;
}

void veil_sops_rekey_dispose(veil_sops_rekey *r)
{
	veil_sops_meta_dispose(&r->meta);
	free(r->groups);
	free(r->recipients);
	memset(r, 0, sizeof(*r));
}

/* nm gets the rule's recipients (no enc yet) and old's other fields. */
static int take_groups(veil_sops_meta *nm, veil_sops_meta *old, const veil_sops_group *groups,
                       size_t ngroups, int shamir_threshold)
{
	if (!(nm->groups = calloc(ngroups + 1, sizeof(*nm->groups))))
		return veil_error_oom();
	nm->ngroups = ngroups;
	nm->grouped = ngroups > 1;
	nm->shamir_threshold = shamir_threshold;
	for (size_t g = 0; g < ngroups; g++) {
		veil_sops_keygroup *kg = &nm->groups[g];
		if (!(kg->age = calloc(groups[g].nage + 1, sizeof(*kg->age))))
			return veil_error_oom();
		for (size_t i = 0; i < groups[g].nage; i++, kg->nage++)
			if (!(kg->age[i].recipient = strdup(groups[g].age[i])))
				return veil_error_oom();
	}
	nm->lastmodified = old->lastmodified;
	nm->mac = old->mac;
	nm->sel = old->sel;
	nm->mac_only_encrypted = old->mac_only_encrypted;
	nm->version = old->version;
	nm->scope = old->scope;
	nm->sorted_mac = old->sorted_mac; /* same key, values and lastmodified: still valid */
	old->lastmodified = old->mac = old->version = old->scope = old->sel.value = NULL;
	old->sorted_mac = NULL;
	return 0;
}

int veil_sops_rekey_update(veil_doc *doc, const veil_sops_group *groups, size_t ngroups,
                           int shamir_threshold, const veil_identities *ids)
{
	const veil_node *tree = veil_doc_metadata(doc);
	veil_sops_meta old = { 0 }, nm = { 0 };
	veil_node *built = NULL;
	uint8_t *key = sodium_malloc(32);
	size_t total = 0;
	int error;

	if (!key)
		return veil_error_oom();
	for (size_t g = 0; g < ngroups; g++)
		total += groups[g].nage;
	if (!tree) {
		error = veil_error_set(VEIL_EFORMAT, "no sops metadata: the file is not encrypted");
		goto done;
	}
	if (total == 0) {
		error = veil_error_set(VEIL_EINVAL, "the creation rule has no age recipients");
		goto done;
	}
	if ((error = veil_sops__meta_read(&old, tree, "file")) < 0 ||
	    (error = no_foreign(&old)) < 0 ||
	    (error = veil_sops__meta_data_key(key, &old, ids)) < 0 ||
	    (error = take_groups(&nm, &old, groups, ngroups, shamir_threshold)) < 0 ||
	    (error = veil_sops__meta_wrap(&nm, key)) < 0 ||
	    (error = veil_sops__meta_build(&built, doc, &nm)) < 0)
		goto done;
	error = veil_doc_set_metadata(doc, built);
done:
	veil_sops_meta_dispose(&old);
	veil_sops_meta_dispose(&nm);
	sodium_free(key);
	return error;
}
