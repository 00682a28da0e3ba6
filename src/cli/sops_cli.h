#ifndef VEIL_CLI_SOPS_H
#define VEIL_CLI_SOPS_H
/*
 * Shared by the document commands (encrypt, decrypt, ...): reading a
 * document, choosing identities and recipients, writing the result, and
 * sops-compatible exit codes.
 */
#include "cli.h"
#include "veil/sops.h"

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

/* The indent of text veil writes anew in fmt (a conversion, a flow root
 * rewritten in block style, the sops block of a file that shows no indent of
 * its own): indent when given (>= 0, sops's --indent), else the stores:
 * section of the creation rules file (config, SOPS_CONFIG or the nearest
 * .sops.yaml above file), else sops's default (YAML 4, JSON a tab). As
 * veil_doc_emit takes it: YAML's step, JSON's spaces or 0 for a tab. */
int veil_cli__emit_indent(veil_doc_format fmt, int indent, const char *file, const char *config);
/* Parses --indent's value; -1 (with the usage error printed) if not a number. */
int veil_cli__indent_arg(const char *cmd, const char *arg);

/* Replaces *doc by the same documents written afresh in fmt with indent and
 * parsed again (--output-type, a flow root that must become block style).
 * Comments do not survive. 0 or a negative veil_error_code. */
int veil_cli__doc_convert(veil_doc **doc, veil_doc_format fmt, int indent, const char *name);

/* For a document veil_sops_is_encrypted() says no to: prints why and
 * returns 52 (sops's MacNotFound: a sops block without its mac) or 12 (no
 * sops block). */
int veil_cli__not_encrypted(const veil_doc *doc, const char *file);

/* Says once what veil_sops_encrypt rewrote for sops (sops_rewrites.c). */
void veil_cli__note_rewrites(const char *file, const veil_sops_rewrites *r);

#endif
