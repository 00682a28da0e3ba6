/* veil edit: decrypt into a private directory, run the editor, re-encrypt with reuse. */
#include "privdir.h"
#include "sops_session.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_IDENTITY = 1, OPT_INPUT_TYPE, OPT_HELP };

static const veil_opt edit_opts[] = {
    {"identity", 0, 1, OPT_IDENTITY},
    {"input-type", 0, 1, OPT_INPUT_TYPE},
    {"help", 'h', 0, OPT_HELP},
    {NULL, 0, 0, 0},
};

typedef struct edit_args {
	const char *ids[VEIL_CLI_MAX_IDS];
	size_t nids;
	const char *input_type, *file;
	veil_doc_format fmt;
} edit_args;

static void edit_usage(FILE *f)
{
	fputs("usage: veil edit [--identity F]... FILE\n"
	      "\n"
	      "Decrypts FILE into a private directory (0700, in memory when possible), opens\n"
	      "it in $VEIL_EDITOR, $SOPS_EDITOR, $EDITOR or vi, and re-encrypts it when the\n"
	      "editor exits. Unchanged values keep their ciphertext, so a diff shows only\n"
	      "what you changed plus mac and lastmodified. The plaintext copy is overwritten\n"
	      "and removed afterwards, also on errors and signals.\n"
	      "\n"
	      "Exit status: 0 saved, 1 editor failed, 2 usage, 10 the edited document is\n"
	      "invalid (FILE untouched), 12 not encrypted, 51 MAC mismatch, 100 no such\n"
	      "file, 128 no identity opens the data key, 200 nothing changed.\n",
	      f);
}

static int parse(edit_args *a, int argc, char **argv, char **operands)
{
	veil_optstate st;
	const char *arg;
	int id;

	veil_cli__opt_init(&st, argc, argv, operands, "edit");
	for (;;) {
		id = veil_cli__opt_next(&st, edit_opts, &arg);
		if (id <= 0)
			break;
		if (id == OPT_HELP) {
			edit_usage(stdout);
			return -1;
		} else if (id == OPT_IDENTITY) {
			if (a->nids == VEIL_CLI_MAX_IDS)
				return veil_cli__usage("edit", "too many --identity options");
			a->ids[a->nids++] = arg;
		} else {
			a->input_type = arg;
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (st.noperands != 1)
		return veil_cli__usage("edit", st.noperands ? "only one FILE can be given"
		                                            : "missing FILE");
	a->file = operands[0];
	if (a->input_type && !(a->fmt = veil_doc_format_parse(a->input_type)))
		return veil_cli__usage("edit", "unknown --input-type '%s'", a->input_type);
	if (!strcmp(a->file, "-"))
		return veil_cli__usage("edit", "FILE is changed in place: stdin cannot be used");
	return 0;
}

static const char *editor(void)
{
	const char *names[] = {"VEIL_EDITOR", "SOPS_EDITOR", "EDITOR"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *e = getenv(names[i]);
		if (e && *e)
			return e;
	}
	return "vi";
}

/* Writes the plaintext to dir/NAME (FILE's base name keeps the editor's
 * syntax highlighting), mode 0600, never following a link. */
static int write_plain(char *path, size_t cap, const char *dir, const char *file, const char *data,
                       size_t len)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int fd, error = 0;

	if ((size_t)snprintf(path, cap, "%s/%s", dir, *base ? base : "file") >= cap)
		return veil_error_set(VEIL_EINVAL, "path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
	for (size_t done = 0; done < len && error == 0;) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			error = veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
		else
			done += (size_t)w;
	}
	if (close(fd) != 0 && error == 0)
		error = veil_error_set(VEIL_EIO, "%s: %s", path, strerror(errno));
	return error;
}

static int run(const edit_args *a)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", path[VEIL_CLI_PRIVDIR_MAX + 256];
	veil_cli_session s;
	uint8_t *edited = NULL;
	char *script = NULL;
	size_t elen = 0;
	int rc, error, status;

	if ((rc = veil_cli__session_open(&s, a->file, a->fmt, a->ids, a->nids)) != 0)
		goto done;
	if ((error = veil_cli__privdir_make(dir)) < 0 ||
	    (error = write_plain(path, sizeof(path), dir, a->file, s.plain, s.plain_len)) < 0) {
		rc = veil_cli__lib_error("edit", error);
		goto done;
	}
	/* the editor's command line as the user wrote it, the path as "$1" */
	if (!(script = malloc(strlen(editor()) + 8))) {
		rc = veil_cli__lib_error("edit", veil_error_set(VEIL_ENOMEM, "out of memory"));
		goto done;
	}
	memcpy(script, editor(), strlen(editor()));
	memcpy(script + strlen(editor()), " \"$1\"", 6);
	status = veil_cli__run_shell(script, path, NULL, 0);
	if (veil_cli__interrupted()) {
		rc = VEIL_EXIT_FAIL;
		goto done;
	}
	if (status != 0) {
		if (status < 0)
			rc = veil_cli__lib_error("editor", status);
		else
			veil_cli__error("the editor exited with status %d; %s was left as it was",
			                status, a->file);
		rc = VEIL_EXIT_FAIL;
		goto done;
	}
	if ((error = veil_file_read(&edited, &elen, path, VEIL_DOC_MAX_SIZE)) < 0) {
		rc = veil_cli__lib_error(path, error);
		goto done;
	}
	if (elen == s.plain_len && !memcmp(edited, s.plain, elen)) {
		veil_cli__error("%s: file has not been modified", a->file);
		rc = VEIL_EXIT_UNCHANGED;
		goto done;
	}
	rc = veil_cli__session_commit(&s, (const char *)edited, elen);
done:
	veil_cli__privdir_remove(dir);
	free(script);
	veil_wipe_free(edited, elen);
	veil_cli__session_close(&s);
	if (veil_cli__interrupted())
		veil_cli__signal_reraise();
	return rc;
}

int veil_cli__cmd_edit(int argc, char **argv)
{
	edit_args a = {0};
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = parse(&a, argc, argv, operands);
	if (rc == 0)
		rc = run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
