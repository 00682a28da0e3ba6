#ifndef VEIL_SOPS_METADATA_H
#define VEIL_SOPS_METADATA_H
/*
 * The "sops" metadata block as a struct: wrapped data keys per recipient
 * (flat or in key_groups), lastmodified, the encrypted MAC, the selection
 * rule, mac_only_encrypted, version. Read in any key order and from any
 * 3.x layout; written in sops 3.13's layout (keys sorted, "enc" before
 * "recipient"), so files diff cleanly against sops-written ones.
 */
#include "sops/rules.h"
#include "veil/doc.h"
#include "veil/keys.h"
#include <stddef.h>

/* Reads a metadata tree (from veil_doc_metadata). VEIL_EFORMAT when a
 * required field is missing ("mac", "lastmodified", any key) or two
 * selection rules are present. */
int veil_sops__meta_read(veil_sops_meta *out, const veil_node *tree, const char *name);

/* Builds the tree to write, in doc's arena. */
int veil_sops__meta_build(veil_node **out, veil_doc *doc, const veil_sops_meta *m);


/*
 * Recovers the 32-byte data key: in each group, the first age entry one of
 * the identities opens; with one group its plaintext is the key, with
 * several the plaintexts are Shamir shares combined once threshold groups
 * gave one. VEIL_ENOMATCH (message lists the file's recipients) if too few
 * groups could be opened.
 */
int veil_sops__meta_data_key(uint8_t key[32], const veil_sops_meta *m, const veil_identities *ids);

/* Wraps key (or, with several groups, fresh Shamir shares of it) for every
 * recipient of the groups, filling the enc fields. */
int veil_sops__meta_wrap(veil_sops_meta *m, const uint8_t key[32]);

#endif
