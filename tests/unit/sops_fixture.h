#ifndef VEIL_TEST_SOPS_FIXTURE_H
#define VEIL_TEST_SOPS_FIXTURE_H
/* A fresh age key pair, and YAML text encrypted to it / decrypted with it
 * through the whole-document path, for the sops unit tests. */
#include "veil/sops.h"
#include "veil/veil.h"

struct keys {
	veil_identities *ids;
	char *recipient;
};

void make_keys(struct keys *k);
void free_keys(struct keys *k);
/* Encrypts text with o (its key group set to k), returns the rendered file
 * (malloc'd) or NULL. */
char *encrypt_text(const char *text, struct keys *k, veil_sops_encrypt_options *o);
/* Parses, decrypts and renders text; returns the code, the plaintext in *out. */
int decrypt_text(const char *text, const veil_identities *ids, char **out, int ignore_mac);

#endif
