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

/* A parsed path like ["a"]["b"][0]: up to VEIL_CLI_PATH_MAX steps, keys
 * pointing into a copy owned by the path. */
#define VEIL_CLI_PATH_MAX 64

typedef struct veil_cli_path {
	char *buf;
	const char *key[VEIL_CLI_PATH_MAX]; /* NULL for an index step */
	long index[VEIL_CLI_PATH_MAX];
	size_t n;
} veil_cli_path;

/* 0, or VEIL_EINVAL with the message set. */
int veil_cli__path_parse(veil_cli_path *p, const char *text);
void veil_cli__path_free(veil_cli_path *p);

/* The node at steps [0, n) of p below root (aliases followed), or NULL. */
veil_node *veil_cli__path_find(veil_node *root, const veil_cli_path *p, size_t n);

/* A JSON scalar (string, number, true/false, null) as the decoded text and
 * the scalar type it must read back as. *out malloc'd (wipe it: it may be a
 * secret). VEIL_EINVAL for anything else (objects and arrays included). */
int veil_cli__json_scalar(char **out, size_t *len, veil_scalar_type *type, const char *json);

/*
 * Text edits the doc API has no call for, done on the plaintext with the
 * spans the codec recorded, so every other byte stays as it was (the
 * caller re-parses the result, which validates it):
 * remove deletes a map or sequence item: its whole lines when it has lines
 * of its own (and, in JSON, the comma that separated it), else its bytes
 * and one neighbouring comma (flow style).
 * insert adds "key: null" (YAML), "\"key\": null" (JSON), "key = x" (INI) or
 * "KEY=" (dotenv) after the last item of a non-empty block map or section,
 * indented like it; the
 * caller then sets the value. key must be [A-Za-z0-9_.-]+.
 * *out malloc'd (wipe it). VEIL_EUNSUPPORTED for the layouts not handled.
 */
int veil_cli__text_remove(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *item, veil_doc_format fmt);
int veil_cli__text_insert(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *map, const char *key, veil_doc_format fmt);

#endif
