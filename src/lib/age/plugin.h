#ifndef VEIL_AGE_PLUGIN_H
#define VEIL_AGE_PLUGIN_H
/*
 * The client side of the age plugin protocol (C2SP age-plugin.md): the
 * recipient-v1 and identity-v1 state machines over a connection, and the
 * age-plugin-NAME process behind it. The sessions only see a connection,
 * so the fuzzer drives them with arbitrary plugin output.
 */
#include <stddef.h>
#include <stdint.h>
#include "veil/age.h"
#include "age/format.h"
#include "age/keys_int.h"

typedef struct veil_plugin_conn {
	veil_bufreader in; /* what the plugin says */
	veil_write_fn write;
	void *write_payload;
	const char *name; /* for messages: the plugin's name */
} veil_plugin_conn;

/* The UI set with veil_age_set_ui (never NULL: a UI that refuses all). */
const veil_age_ui *veil_plugin__ui(void);

/* identity-v1 with one plugin's identities over the header's stanzas:
 * 0 with file_key set, VEIL_ENOMATCH when the plugin found nothing to open
 * (why explains any error it reported), VEIL_EFORMAT for an invalid stanza
 * it reported, or another error for a broken session. */
int veil_plugin__unwrap_session(veil_plugin_conn *c, const veil_identity *const *ids, size_t nids,
                                const veil_stanza *stanzas, size_t nstanzas,
                                uint8_t file_key[VEIL_FILE_KEY_LEN], char *why, size_t why_cap);

/* recipient-v1 with one plugin's recipients (and identities, for -e -j):
 * *out gets the stanzas (malloc'd array), *labels the label set the plugin
 * named, sorted and space-separated (NULL: none). */
int veil_plugin__wrap_session(veil_plugin_conn *c, const veil_recipient *const *rs, size_t n,
                              const uint8_t file_key[VEIL_FILE_KEY_LEN], veil_stanza **out,
                              size_t *nout, char **labels);

/* The same with a started age-plugin-NAME process (plugin_proc.c). */
int veil_plugin__unwrap(const veil_identity *const *ids, size_t nids, const veil_stanza *stanzas,
                        size_t nstanzas, uint8_t file_key[VEIL_FILE_KEY_LEN], char *why,
                        size_t why_cap);
int veil_plugin__wrap(const veil_recipient *const *rs, size_t n,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN], veil_stanza **out, size_t *nout,
                      char **labels);

#endif
