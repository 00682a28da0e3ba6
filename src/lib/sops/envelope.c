/* veil_sops_encrypt / veil_sops_decrypt: metadata, data key, walk, MAC. */
#include "sops/aliases.h"
#include "sops/ivcache.h"
#include "sops/metadata.h"
#include "sops/sorted.h"
#include "sops/walk.h"
#include "util/secret.h"
#include "veil/error.h"
#include "veil/sops.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int veil_sops_is_encrypted(const veil_doc *doc)
{
	const veil_node *m = veil_doc_metadata(doc);

	/* sops needs a version only for filestatus: files re-serialised by other
	 * tools (rops) drop it and still decrypt in sops */
	return m && veil_node_get(m, "mac") != NULL;
}

/* A data key named "sops" would be taken for the metadata block. */
static int check_reserved_keys(const veil_doc *doc)
{
	int dotenv = veil_doc_format_of(doc) == VEIL_FMT_DOTENV;

	for (size_t d = 0; d < veil_doc_count(doc); d++) {
		const veil_node *root = veil_doc_root(doc, d);
		for (size_t i = 0; root && i < root->nitems; i++) {
			const char *k = root->items[i]->key;
			if (k && (!strcmp(k, "sops") || (dotenv && !strncmp(k, "sops_", 5))))
				return veil_error_set(
				        VEIL_EFORMAT,
				        "the document has a key named "
				        "'%s', which the sops format reserves for its metadata",
				        k);
		}
	}
	return 0;
}

/* Reads doc's metadata, recovers the data key and walks it: decrypting
 * (queuing edits unless dry_run), recording ciphertexts in record, and
 * checking the MAC unless ignore_mac (falling back to the sorted MAC when
 * sorted_ok). */
static int open_doc_visit(veil_doc *doc, const veil_identities *ids, veil_sops_meta *meta,
                          uint8_t key[32], veil_sops_ivcache *record, int dry_run, int ignore_mac,
                          int sorted_ok, const veil_sops_walk_opts *visit)
{
	const veil_node *tree = veil_doc_metadata(doc);
	veil_sops_walk_opts w = { 0 };
	char hex[VEIL_SOPS_MAC_HEX + 1];
	veil_sops_sorted sorted;
	int error;

	veil_sops__sorted_init(&sorted);
	if (!tree)
		return veil_error_set(VEIL_EFORMAT, "no sops metadata: the file is not encrypted "
		                                    "(or its 'sops' block was removed)");
	if ((error = veil_sops__meta_read(meta, tree, "file")) < 0)
		return error;
	if (!ids) { /* an empty list may still grow (veil_identities_prepare) */
		error = veil_error_set(VEIL_ENOMATCH, "no age identity available to decrypt with");
		goto done;
	}
	if ((error = veil_sops__meta_data_key(key, meta, ids)) < 0)
		goto done;
	w.decrypt = 1;
	w.key = key;
	w.sel = meta->sel.kind;
	w.sel_value = meta->sel.value;
	w.mac_only_encrypted = meta->mac_only_encrypted;
	w.scope = meta->scope;
	w.record = record;
	w.dry_run = dry_run;
	w.sorted = meta->sorted_mac && sorted_ok ? &sorted : NULL;
	w.visit = visit ? visit->visit : NULL;
	w.visit_payload = visit ? visit->visit_payload : NULL;
	if ((error = veil_sops__walk(doc, &w, hex)) < 0)
		goto done;
	if (!ignore_mac)
		error = veil_sops__mac_check(key, meta->mac, strlen(meta->mac), meta->lastmodified,
		                             hex);
	/* kustomize re-sorted the keys (or rewrote metadata): the values, their
	 * paths and their number are what the sorted MAC holds to */
	if (error == VEIL_EMAC && w.sorted && veil_sops__sorted_final(&sorted, hex) == 0)
		error = veil_sops__sorted_check(key, meta->sorted_mac, meta->lastmodified, hex);
done:
	if (error < 0)
		veil_sops_meta_dispose(meta);
	veil_sops__sorted_dispose(&sorted);
	sodium_memzero(hex, sizeof(hex));
	return error;
}

static int open_doc(veil_doc *doc, const veil_identities *ids, veil_sops_meta *meta,
                    uint8_t key[32], veil_sops_ivcache *record, int dry_run, int ignore_mac,
                    int sorted_ok)
{
	return open_doc_visit(doc, ids, meta, key, record, dry_run, ignore_mac, sorted_ok, NULL);
}

int veil_sops__open_visit(veil_doc *doc, const veil_identities *ids, veil_sops_meta *meta,
                          uint8_t key[32], const veil_sops_walk_opts *visit)
{
	return open_doc_visit(doc, ids, meta, key, NULL, 1, 0, 0, visit);
}

int veil_sops_decrypt(veil_doc *doc, const veil_sops_decrypt_options *opts)
{
	veil_sops_meta meta;
	uint8_t *key = veil_secure_alloc(32);
	int error;

	size_t mark = veil_doc_edits_mark(doc);

	if (!key)
		return veil_error_oom();
	error = open_doc(doc, opts ? opts->identities : NULL, &meta, key, NULL, 0,
	                 opts && opts->ignore_mac,
	                 opts && opts->version >= 2 && opts->sorted_mac_ok);
	if (error == 0) {
		veil_sops_meta_dispose(&meta);
		error = veil_doc_remove_metadata(doc);
	}
	/* values decrypted before the failure must not stay queued in the doc */
	if (error < 0)
		veil_doc_edits_rollback(doc, mark);
	veil_secure_free(key);
	return error;
}

static int new_meta(veil_sops_meta *m, const veil_sops_encrypt_options *o, veil_doc_format fmt)
{
	size_t total = 0;

	memset(m, 0, sizeof(*m));
	for (size_t g = 0; g < o->ngroups; g++)
		total += o->groups[g].nage;
	if (total == 0)
		return veil_error_set(VEIL_EINVAL,
		                      "no recipients: pass -r age1..., set "
		                      "VEIL_AGE_RECIPIENTS, or add a creation rule to .sops.yaml");
	if (!(m->groups = calloc(o->ngroups, sizeof(*m->groups))))
		return veil_error_oom();
	m->ngroups = o->ngroups;
	m->grouped = o->ngroups > 1;
	m->shamir_threshold = o->shamir_threshold;
	for (size_t g = 0; g < o->ngroups; g++) {
		veil_sops_keygroup *kg = &m->groups[g];
		if (!(kg->age = calloc(o->groups[g].nage + 1, sizeof(*kg->age))))
			return veil_error_oom();
		for (size_t i = 0; i < o->groups[g].nage; i++, kg->nage++)
			if (!(kg->age[i].recipient = strdup(o->groups[g].age[i])))
				return veil_error_oom();
	}
	if (o->version >= 2 && o->scope && strcmp(o->scope, "none")) {
		if (!veil_sops__scope_valid(o->scope))
			return veil_error_set(VEIL_EINVAL,
			                      "unknown scope '%.32s' (strict, "
			                      "namespace or none)",
			                      o->scope);
		if (!(m->scope = strdup(o->scope)))
			return veil_error_oom();
	}
	if (fmt == VEIL_FMT_BINARY)
		return 0; /* sops ignores selection rules for binary files */
	m->mac_only_encrypted = o->mac_only_encrypted;
	m->sel.kind = o->selection ? o->selection : VEIL_SEL_UNENCRYPTED_SUFFIX;
	m->sel.value = strdup(o->selection ? (o->selection_value ? o->selection_value : "")
	                                   : "_unencrypted");
	return m->sel.value ? 0 : veil_error_oom();
}

/* The reused file's cipher, read from its MAC's ENC[...] prefix. */
static veil_sops_cipher cipher_of(const veil_sops_meta *m)
{
	veil_sops_cipher c = m->mac ? veil_sops_cipher_of_value(m->mac, strlen(m->mac)) : 0;

	return c ? c : VEIL_SOPS_DEFAULT_CIPHER;
}

/* Walks doc encrypting, then writes the metadata with a fresh MAC (and a
 * sorted MAC when asked for and possible: sorted.h). */
static int seal(veil_doc *doc, veil_sops_meta *meta, const uint8_t key[32], veil_sops_cipher cipher,
                veil_sops_ivcache *reuse, int want_sorted)
{
	veil_sops_walk_opts w = { 0 };
	char hex[VEIL_SOPS_MAC_HEX + 1], now[VEIL_SOPS_TIME_MAX];
	veil_node *tree = NULL;
	veil_sops_sorted sorted;
	int error;

	veil_sops__time_now(now);
	free(meta->lastmodified);
	free(meta->mac);
	free(meta->version); /* the block is written in the current layout */
	meta->mac = NULL;
	meta->version = NULL;
	if (!(meta->lastmodified = strdup(now)))
		return veil_error_oom();
	w.key = key;
	w.cipher = cipher;
	w.sel = meta->sel.kind;
	w.sel_value = meta->sel.value;
	w.mac_only_encrypted = meta->mac_only_encrypted;
	w.scope = meta->scope;
	w.reuse = reuse;
	veil_sops__sorted_init(&sorted);
	w.sorted = want_sorted ? &sorted : NULL;
	free(meta->sorted_mac);
	meta->sorted_mac = NULL;
	if ((error = veil_sops__walk(doc, &w, hex)) < 0 ||
	    (error = veil_sops__mac_seal(&meta->mac, cipher, key, hex, now)) < 0)
		goto done;
	if (want_sorted && veil_sops__sorted_final(&sorted, hex) == 0 &&
	    (error = veil_sops__sorted_seal(&meta->sorted_mac, cipher, key, hex, now)) < 0)
		goto done;
	if ((error = veil_sops__meta_build(&tree, doc, meta)) == 0)
		error = veil_doc_set_metadata(doc, tree);
done:
	veil_sops__sorted_dispose(&sorted);
	sodium_memzero(hex, sizeof(hex));
	return error;
}

/* What an AES256_GCM file needs so that sops reads it (aliases.c, and the
 * directives go-yaml refuses); the doc is re-parsed for each rewrite. */
static int for_sops(veil_doc *doc, const veil_sops_meta *meta, veil_sops_rewrites *out)
{
	veil_sops_rewrites r = { 0 };
	int error;

	if ((error = veil_doc_yaml_drop_versions(doc, &r.directives)) < 0 ||
	    (error = veil_sops__expand_aliases(doc, meta->sel.kind, meta->sel.value, &r.aliases)) <
	            0)
		return error;
	if (out)
		*out = r;
	return 0;
}

int veil_sops_encrypt(veil_doc *doc, const veil_sops_encrypt_options *o)
{
	veil_sops_meta meta = { 0 };
	veil_sops_ivcache *cache = NULL;
	veil_sops_cipher cipher = o->cipher;
	uint8_t *key = veil_secure_alloc(32);
	size_t mark = veil_doc_edits_mark(doc);
	int error;

	if (!key)
		return veil_error_oom();
	if (o->version >= 3 && o->rewrites)
		memset(o->rewrites, 0, sizeof(*o->rewrites));
	if (veil_sops_is_encrypted(doc)) {
		error = veil_error_set(VEIL_EEXISTS, "the file is already encrypted");
		goto done;
	}
	if ((error = check_reserved_keys(doc)) < 0)
		goto done;
	if (o->reuse) {
		/* dry run: the reused document is only read */
		if ((error = veil_sops__ivcache_new(&cache)) < 0 ||
		    (error = open_doc((veil_doc *)o->reuse, o->identities, &meta, key, cache, 1,
		                      o->version >= 3 && o->reuse_ignore_mac, 0)) < 0)
			goto done;
		/* keys of other types (pgp, kms, ...) stay: the data key they
		 * wrap does not change (veil_sops__meta_build copies them) */
		if (!cipher)
			cipher = cipher_of(&meta);
	} else {
		randombytes_buf(key, 32);
		if ((error = new_meta(&meta, o, veil_doc_format_of(doc))) < 0 ||
		    (error = veil_sops__meta_wrap(&meta, key)) < 0)
			goto done;
	}
	if (!cipher)
		cipher = VEIL_SOPS_DEFAULT_CIPHER;
	if (cipher == VEIL_SOPS_AES256_GCM &&
	    (error = for_sops(doc, &meta, o->version >= 3 ? o->rewrites : NULL)) < 0)
		goto done;
	mark = veil_doc_edits_mark(doc); /* a re-parsed doc starts a new history */
	/* a sorted MAC once written is kept up to date by every rewrite */
	error = seal(doc, &meta, key, cipher, cache,
	             (o->version >= 4 && o->sorted_mac) || meta.sorted_mac);
done:
	if (error < 0)
		veil_doc_edits_rollback(doc, mark);
	veil_sops_meta_dispose(&meta);
	veil_sops__ivcache_free(cache);
	veil_secure_free(key);
	return error;
}
