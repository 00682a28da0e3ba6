#ifndef VEIL_CLI_SOPS_H
#define VEIL_CLI_SOPS_H
/*
 * Shared by the document commands (encrypt, decrypt, ...): reading a
 * document, choosing identities and recipients, writing the result, and
 * sops-compatible exit codes.
 */
#include "cli.h"
#include "veil/sops.h"

/* Exit codes of the document commands: sops's numbers where sops has one. */
enum {
	VEIL_EXIT_BAD_DOCUMENT = 10,  /* invalid YAML/JSON/dotenv/INI */
	VEIL_EXIT_LIMIT = 11,         /* a size or depth limit */
	VEIL_EXIT_NOT_ENCRYPTED = 12, /* decrypt of a file without sops metadata */
	VEIL_EXIT_PLAINTEXT = 13,     /* plaintext where the rules say encrypted */
	VEIL_EXIT_DECRYPT_VALUE = 25, /* sops: error decrypting tree */
	VEIL_EXIT_MAC = 51,           /* sops: MAC mismatch */
	VEIL_EXIT_INVALID_PATH = 91,  /* sops: invalid tree path (--extract) */
	VEIL_EXIT_NO_FILE = 100,      /* sops: file does not exist */
	VEIL_EXIT_NO_KEY = 128,       /* sops: could not retrieve the data key */
	VEIL_EXIT_UNCHANGED = 200,    /* sops: edit left the file unchanged */
	VEIL_EXIT_ALREADY = 203,      /* sops: file already encrypted */
};

/* The exit code for a library failure code. */
int veil_cli__sops_exit(int code);

/* fmt, or the format FILE's name implies (binary for stdin). */
veil_doc_format veil_cli__doc_format(const char *path, veil_doc_format fmt);
/* Reads FILE ("-" = stdin) whole (malloc'd, NUL-terminated); prints the
 * error and returns an exit code, or 0. */
int veil_cli__doc_read(char **text, size_t *len, const char *path);
/* Parses a buffer from veil_cli__doc_read, which the document keeps (freed
 * here on failure); prints the error and returns an exit code, or 0. */
int veil_cli__doc_parse_taken(veil_doc **doc, char *text, size_t len, const char *path,
                              veil_doc_format fmt);

/* Reads FILE ("-" = stdin) and parses it as fmt (0 = from the name, binary
 * for stdin without --input-type). Prints the error and returns an exit
 * code, or 0. *text gets the read buffer (the caller frees it); with text
 * NULL the document keeps that buffer instead of a copy. */
int veil_cli__doc_load(veil_doc **doc, char **text, size_t *len, const char *path,
                       veil_doc_format fmt);

/* Identities for decryption: --identity files, then every other source
 * (keyfind.c), the key commands run per recipient of the document. */
int veil_cli__doc_identities(veil_identities **out, const char *const *files, size_t n);
/* --passphrase-file: the passphrase of passphrase-protected identity files. */
void veil_cli__doc_set_passfile(const char *path);

/* Writes data to out_path ("-" or NULL = stdout), or atomically over
 * in_path when in_place. Returns an exit code. */
int veil_cli__doc_write(const char *out_path, int in_place, const char *in_path, const char *data,
                        size_t len);

/* Warns (once) when a YAML alias refers to encrypted values: sops-based
 * readers cannot decrypt such a file (sops_aliases.c). */
void veil_cli__warn_encrypted_aliases(const veil_doc *doc, const char *file);

#endif
