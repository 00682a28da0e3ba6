#ifndef VEIL_CLI_SOPS_SESSION_H
#define VEIL_CLI_SOPS_SESSION_H
/*
 * Shared by the commands that change an encrypted file in place (set,
 * unset, edit) or use its plaintext (exec-env, exec-file): open the file
 * and decrypt it in memory, then seal a new plaintext with the old file as
 * --reuse so the data key, the wrapped keys and every unchanged value's
 * ciphertext stay byte-identical, and a diff shows only what changed.
 */
#include "sops_cli.h"

#define VEIL_CLI_MAX_IDS 64

typedef struct veil_cli_session {
	const char *file;
	veil_doc_format fmt;
	char *text; /* the encrypted file as read */
	size_t len;
	veil_doc *enc; /* its parse, kept intact as the reuse source */
	veil_identities *ids;
	char *plain; /* the plaintext (a binary file: its data); wiped on close */
	size_t plain_len;
	int ignore_mac; /* --ignore-mac: also when the file is sealed again */
} veil_cli_session;

/* Reads and decrypts file (identities from the files, else the default
 * lookup). Prints the error and returns an exit code, or 0. */
int veil_cli__session_open(veil_cli_session *s, const char *file, veil_doc_format fmt,
                           const char *const *id_files, size_t nids);

/* As veil_cli__session_open; ignore_mac: --ignore-mac (the new MAC is
 * computed afresh when the file is sealed again). */
int veil_cli__session_open_ex(veil_cli_session *s, const char *file, veil_doc_format fmt,
                              const char *const *id_files, size_t nids, int ignore_mac);

/* Encrypts plain (a whole document in s->fmt) reusing s->enc into *out
 * (malloc'd). Prints the error and returns an exit code (10 or 11 for a
 * document that does not parse), or 0. */
int veil_cli__session_seal(veil_cli_session *s, const char *plain, size_t len, char **out,
                           size_t *out_len);

/* veil_cli__session_seal, then writes the result atomically over the file.
 * An invalid document leaves the file untouched. Prints the error and
 * returns an exit code, or 0. */
int veil_cli__session_commit(veil_cli_session *s, const char *plain, size_t len);

void veil_cli__session_close(veil_cli_session *s);

#endif
