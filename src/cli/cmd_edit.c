/* veil edit: decrypt into a private directory, run the editor, re-encrypt with reuse. */
#include "privdir.h"
#include "veil/sops.h"
#include "docargs.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_RECIPIENT = VEIL_DOCOPT_OWN };

static const veil_opt edit_opts[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "recipient", 'r', 1, OPT_RECIPIENT },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct edit_args {
	veil_cli_docargs d;
	const char *recipients[VEIL_CLI_MAX_IDS]; /* for a new FILE */
	size_t nrecipients;
} edit_args;

static void edit_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil edit [--identity F]... [-r age1...]... FILE\n"
	      "\n"
	      "Decrypts FILE into a private directory (0700, in memory when possible), opens\n"
	      "it in $VEIL_EDITOR, $SOPS_EDITOR, $EDITOR or vi, and re-encrypts it when the\n"
	      "editor exits. Unchanged values keep their ciphertext, so a diff shows only\n"
	      "what you changed plus mac and lastmodified. The plaintext copy is overwritten\n"
	      "and removed afterwards, also on errors and signals.\n"
	      "\n"
	      "A FILE that does not exist starts from a small example; it is created,\n"
	      "encrypted as `veil encrypt` would (recipients from -r, VEIL_AGE_RECIPIENTS,\n"
	      "SOPS_AGE_RECIPIENTS or the .sops.yaml creation rule), only if you change it.\n"
	      "\n"
	      "Exit status: 0 saved, 1 editor failed, 2 usage, 10 the edited document is\n"
	      "invalid (FILE untouched), 12 not encrypted, 51 MAC mismatch, 100 no such\n"
	      "file, 128 no identity opens the data key, 200 nothing changed.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	edit_args *a = ctx;

	(void)id; /* -r is the only one */
	if (a->nrecipients == VEIL_CLI_MAX_IDS)
		return veil_cli__usage("edit", "too many -r options");
	a->recipients[a->nrecipients++] = arg;
	return 0;
}

static const char *editor(void)
{
	const char *names[] = { "VEIL_EDITOR", "SOPS_EDITOR", "EDITOR" };

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

/* Runs the editor on path; 0, or prints why and returns an exit code. */
static int run_editor(const char *path, const char *file)
{
	size_t n = strlen(editor());
	char *script = malloc(n + 8);
	int status;

	if (!script)
		return veil_cli__lib_error("edit", veil_error_set(VEIL_ENOMEM, "out of memory"));
	/* the editor's command line as the user wrote it, the path as "$1" */
	memcpy(script, editor(), n);
	memcpy(script + n, " \"$1\"", 6);
	status = veil_cli__run_shell(script, path, NULL, 0);
	free(script);
	if (veil_cli__interrupted())
		return VEIL_EXIT_FAIL;
	if (status < 0) {
		veil_cli__lib_error("editor", status);
		return VEIL_EXIT_FAIL;
	}
	if (status > 0) {
		veil_cli__error("the editor exited with status %d; %s was left as it was", status,
		                file);
		return VEIL_EXIT_FAIL;
	}
	return 0;
}

/* Writes plain to a private file, runs the editor on it and reads it back.
 * 0 with *edited set, VEIL_EXIT_UNCHANGED, or another exit code. */
static int edit_round(char *dir, char *path, size_t cap, const char *file, const char *plain,
                      size_t len, uint8_t **edited, size_t *elen)
{
	int rc, error;

	if ((error = veil_cli__privdir_make(dir)) < 0 ||
	    (error = write_plain(path, cap, dir, file, plain, len)) < 0)
		return veil_cli__lib_error("edit", error);
	if ((rc = run_editor(path, file)) != 0)
		return rc;
	if ((error = veil_file_read(edited, elen, path, VEIL_DOC_MAX_SIZE)) < 0)
		return veil_cli__lib_error(path, error);
	if (*elen == len && !memcmp(*edited, plain, len)) {
		veil_cli__error("%s: file has not been modified", file);
		return VEIL_EXIT_UNCHANGED;
	}
	return 0;
}

static int run(const edit_args *a)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", path[VEIL_CLI_PRIVDIR_MAX + 256];
	veil_cli_session s;
	uint8_t *edited = NULL;
	size_t elen = 0;
	int rc;

	if ((rc = veil_cli__session_open(&s, a->d.file, a->d.fmt, a->d.ids, a->d.nids)) != 0 ||
	    (rc = edit_round(dir, path, sizeof(path), a->d.file, s.plain, s.plain_len, &edited,
	                     &elen)) != 0)
		goto done;
	rc = veil_cli__session_commit(&s, (const char *)edited, elen);
done:
	veil_cli__privdir_remove(dir);
	veil_wipe_free(edited, elen);
	veil_cli__session_close(&s);
	if (veil_cli__interrupted())
		veil_cli__signal_reraise();
	return rc;
}

/* What a new file starts as, in its format (sops starts from an example too). */
static const char *new_file_text(veil_doc_format fmt)
{
	switch (fmt) {
	case VEIL_FMT_JSON:
		return "{\n\t\"example_key\": \"example_value\"\n}\n";
	case VEIL_FMT_DOTENV:
		return "EXAMPLE_KEY=example_value\n";
	case VEIL_FMT_INI:
		return "[section]\nexample_key = example_value\n";
	case VEIL_FMT_BINARY:
		return "";
	default:
		return "example_key: example_value\n";
	}
}

/* Says before the editor opens, not after the user typed secrets, that
 * nothing names the recipients (the checks `veil encrypt` makes first). */
static int new_file_has_recipients(const edit_args *a)
{
	const char *vars[] = { "VEIL_AGE_RECIPIENTS", "SOPS_AGE_RECIPIENTS", "SOPS_CONFIG" };
	char *found = NULL;

	if (a->nrecipients)
		return 0;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (getenv(vars[i]) && *getenv(vars[i]))
			return 0;
	if (veil_sops_config_find(&found, a->d.file) == 0) {
		free(found);
		return 0;
	}
	veil_cli__error("%s does not exist and nothing names its recipients: pass -r age1..., "
	                "set VEIL_AGE_RECIPIENTS, or add a creation rule to a .sops.yaml",
	                a->d.file);
	return VEIL_EXIT_USAGE;
}

/* A FILE that does not exist: edit an example, then encrypt the result to
 * FILE exactly as `veil encrypt --filename-override FILE -o FILE` would. */
static int run_new(const edit_args *a)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", path[VEIL_CLI_PRIVDIR_MAX + 256];
	veil_doc_format fmt = a->d.fmt ? a->d.fmt : veil_doc_format_from_path(a->d.file);
	const char *text = new_file_text(fmt);
	const char *argv[16 + 2 * VEIL_CLI_MAX_IDS];
	uint8_t *edited = NULL;
	size_t elen = 0;
	int argc = 0, rc;

	if ((rc = new_file_has_recipients(a)) != 0)
		return rc;
	if ((rc = edit_round(dir, path, sizeof(path), a->d.file, text, strlen(text), &edited,
	                     &elen)) != 0)
		goto done;
	argv[argc++] = "encrypt";
	for (size_t i = 0; i < a->nrecipients; i++) {
		argv[argc++] = "-r";
		argv[argc++] = a->recipients[i];
	}
	if (a->d.input_type) {
		argv[argc++] = "--input-type";
		argv[argc++] = a->d.input_type;
	}
	argv[argc++] = "--filename-override";
	argv[argc++] = a->d.file;
	argv[argc++] = "-o";
	argv[argc++] = a->d.file;
	argv[argc++] = path;
	argv[argc] = NULL;
	rc = veil_cli__cmd_encrypt(argc, (char **)argv);
done:
	veil_cli__privdir_remove(dir);
	veil_wipe_free(edited, elen);
	if (veil_cli__interrupted())
		veil_cli__signal_reraise();
	return rc;
}

int veil_cli__cmd_edit(int argc, char **argv)
{
	edit_args a = { 0 };
	veil_cli_docspec spec = { .cmd = "edit",
		                  .opts = edit_opts,
		                  .usage = edit_usage,
		                  .own = own_option,
		                  .ctx = &a,
		                  .min_operands = 1,
		                  .max_operands = 1,
		                  .writes_in_place = 1 };
	char **operands = calloc((size_t)argc + 1, sizeof(char *));
	int rc;

	if (!operands)
		return VEIL_EXIT_FAIL;
	rc = veil_cli__docargs_parse(&a.d, &spec, argc, argv, operands);
	if (rc == 0)
		rc = access(a.d.file, F_OK) != 0 && errno == ENOENT ? run_new(&a) : run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
