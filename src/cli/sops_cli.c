/* Helpers of the document commands: load, identities, write, exit codes. */
#include "sops_cli.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int veil_cli__sops_exit(int code)
{
	switch (code) {
	case VEIL_EEXISTS:
		return VEIL_EXIT_ALREADY;
	case VEIL_EMAC:
		return VEIL_EXIT_MAC;
	case VEIL_ENOMATCH:
		return VEIL_EXIT_NO_KEY;
	case VEIL_EAUTH:
		return VEIL_EXIT_DECRYPT_VALUE;
	case VEIL_EPLAINTEXT:
		return VEIL_EXIT_PLAINTEXT;
	case VEIL_ELIMIT:
		return VEIL_EXIT_LIMIT;
	case VEIL_ENOTFOUND:
		return VEIL_EXIT_NO_FILE;
	case VEIL_EINVAL:
		return VEIL_EXIT_USAGE;
	default:
		return VEIL_EXIT_FAIL;
	}
}

veil_doc_format veil_cli__doc_format(const char *path, veil_doc_format fmt)
{
	if (fmt)
		return fmt;
	return strcmp(path, "-") ? veil_doc_format_from_path(path) : VEIL_FMT_BINARY;
}

int veil_cli__doc_read(char **text, size_t *len, const char *path)
{
	uint8_t *data = NULL;
	int error = veil_file_read(&data, len, path, VEIL_DOC_MAX_SIZE);

	*text = (char *)data;
	if (error < 0) {
		veil_cli__lib_error(path, error);
		return error == VEIL_ENOTFOUND ? VEIL_EXIT_NO_FILE : veil_cli__sops_exit(error);
	}
	return 0;
}

int veil_cli__doc_parse_taken(veil_doc **doc, char *text, size_t len, const char *path,
                              veil_doc_format fmt)
{
	int error = veil_doc_parse_take(doc, veil_cli__doc_format(path, fmt), text, len,
	                                strcmp(path, "-") ? path : "stdin");

	if (error < 0) {
		veil_cli__lib_error(path, error);
		return error == VEIL_ELIMIT ? VEIL_EXIT_LIMIT : VEIL_EXIT_BAD_DOCUMENT;
	}
	return 0;
}

int veil_cli__doc_load(veil_doc **doc, char **text, size_t *len, const char *path,
                       veil_doc_format fmt)
{
	char *data = NULL;
	int rc, error;

	*doc = NULL;
	if (text)
		*text = NULL;
	if ((rc = veil_cli__doc_read(&data, len, path)) != 0)
		return rc;
	if (!text) /* the document keeps the read buffer: a big file is held once */
		return veil_cli__doc_parse_taken(doc, data, *len, path, fmt);
	*text = data;
	error = veil_doc_parse(doc, veil_cli__doc_format(path, fmt), data, *len,
	                       strcmp(path, "-") ? path : "stdin");
	if (error < 0) {
		veil_cli__lib_error(path, error);
		return error == VEIL_ELIMIT ? VEIL_EXIT_LIMIT : VEIL_EXIT_BAD_DOCUMENT;
	}
	return 0;
}

/* --passphrase-file of the command line (docargs.c), for passphrase-
 * protected identity files found through a variable. */
static const char *doc_passfile;

void veil_cli__doc_set_passfile(const char *path)
{
	doc_passfile = path;
}

int veil_cli__doc_identities(veil_identities **out, const char *const *files, size_t n)
{
	veil_cli_keyfind kf = { files, n, doc_passfile, 0, 1, 0, 0 };

	if (veil_cli__identities_find(out, &kf) != 0)
		return VEIL_EXIT_NO_KEY;
	return 0;
}

int veil_cli__doc_write(const char *out_path, int in_place, const char *in_path, const char *data,
                        size_t len)
{
	const char *target = in_place ? in_path : out_path;
	veil_outfile *f = NULL;
	int error;

	if ((error = veil_outfile_open(&f, target, 0)) < 0 ||
	    (error = veil_outfile_write(f, (const uint8_t *)data, len)) < 0) {
		veil_outfile_abort(f);
		return veil_cli__lib_error(target ? target : "stdout", error);
	}
	if ((error = veil_outfile_commit(f)) < 0)
		return veil_cli__lib_error(target ? target : "stdout", error);
	return 0;
}

int veil_cli__emit_indent(veil_doc_format fmt, int indent, const char *file, const char *config)
{
	veil_sops_config *cfg = NULL;
	char *found = NULL;

	if (!config || !*config)
		config = getenv("SOPS_CONFIG");
	if (indent < 0 && (!config || !*config) && file && strcmp(file, "-") &&
	    veil_sops_config_find(&found, file) == 0)
		config = found;
	/* a config that does not load has no stores: for this either (its
	 * rules' errors are reported where the rules are needed) */
	if (indent < 0 && config && *config && veil_sops_config_load(&cfg, config) == 0)
		indent = fmt == VEIL_FMT_YAML     ? cfg->yaml_indent
		         : fmt == VEIL_FMT_BINARY ? cfg->json_binary_indent
		                                  : cfg->json_indent;
	veil_sops_config_free(cfg);
	free(found);
	if (fmt == VEIL_FMT_YAML)
		return indent > 0 ? indent : 4;
	return indent > 0 ? indent : 0;
}

int veil_cli__indent_arg(const char *cmd, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*end || end == arg || n < 0 || n > 64) {
		veil_cli__usage(cmd, "--indent takes a number from 0 to 64");
		return -1;
	}
	return (int)n;
}

int veil_cli__doc_convert(veil_doc **doc, veil_doc_format fmt, int indent, const char *name)
{
	size_t n = veil_doc_count(*doc), len = 0;
	veil_node **roots = calloc(n ? n : 1, sizeof(*roots));
	veil_doc *fresh = NULL;
	char *text = NULL;
	int error;

	if (!roots)
		return veil_error_oom();
	for (size_t i = 0; i < n; i++)
		roots[i] = veil_doc_root(*doc, i);
	if ((error = veil_doc_emit(&text, &len, fmt, roots, n, indent)) == 0 &&
	    (error = veil_doc_parse(&fresh, fmt, text, len, name)) == 0) {
		veil_doc_free(*doc);
		*doc = fresh;
	}
	veil_wipe_free(text, len);
	free(roots);
	return error;
}

int veil_cli__not_encrypted(const veil_doc *doc, const char *file)
{
	if (veil_doc_metadata(doc)) {
		veil_cli__error("%s: the sops metadata has no mac: the file cannot be verified",
		                file);
		return VEIL_EXIT_NO_MAC;
	}
	veil_cli__error("%s: not encrypted: no sops metadata with a mac", file);
	return VEIL_EXIT_NOT_ENCRYPTED;
}
