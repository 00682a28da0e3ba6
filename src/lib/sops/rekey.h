#ifndef VEIL_SOPS_REKEY_H
#define VEIL_SOPS_REKEY_H
/*
 * Key changes of an existing encrypted file: `rotate` (a new data key for
 * the same recipients and rules) and `updatekeys` (the same data key
 * wrapped for the recipients of the current creation rule, values, mac and
 * lastmodified untouched).
 */
#include "sops/metadata.h"
#include "veil/sops.h"

/* Encrypt options that give a new file the recipients, key groups, Shamir
 * threshold, selection rule, mac_only_encrypted and cipher of an encrypted
 * doc's metadata. opts points into the struct: keep it until encrypting
 * is done. */
typedef struct veil_sops_rekey {
	veil_sops_meta meta;
	veil_sops_key_group *groups;
	const char **recipients; /* every group's list, back to back */
	veil_sops_encrypt_options opts;
} veil_sops_rekey;

/* VEIL_EFORMAT without metadata, VEIL_EUNSUPPORTED when the file also has
 * pgp/kms keys (they would be dropped). */
int veil_sops__rekey_options(veil_sops_rekey *r, const veil_doc *doc);
void veil_sops__rekey_dispose(veil_sops_rekey *r);

/*
 * Replaces doc's wrapped keys by ones for groups (the data key is
 * recovered with ids and wrapped again; with several groups, fresh Shamir
 * shares). Everything else in the block is kept as it was, values too.
 */
int veil_sops__rekey_update(veil_doc *doc, const veil_sops_group *groups, size_t ngroups,
                            int shamir_threshold, const veil_identities *ids);

#endif
