/* veil edit: decrypt into a private directory, run the editor, re-encrypt with reuse. */
#include "privdir.h"
#include "commands.h"
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

enum {
	OPT_RECIPIENT = VEIL_DOCOPT_OWN,
	OPT_OUTPUT_TYPE,
	OPT_IGNORE_MAC,
	OPT_SHOW_KEYS,
	OPT_NEW, /* + index in new_file_opts: passed to encrypt for a new FILE */
};

/* encrypt's options a new FILE is created with, by OPT_NEW + index */
static const char *const new_file_flags[] = {
	"--cipher",
	"--scope",
	"--unencrypted-suffix",
	"--encrypted-suffix",
	"--unencrypted-regex",
	"--encrypted-regex",
	"--unencrypted-comment-regex",
	"--encrypted-comment-regex",
	"--shamir-secret-sharing-threshold",
	"--config",
	"--indent",
	"--mac-only-encrypted",
};
#define NEW_CONFIG 9
#define NEW_BOOL   11 /* mac-only-encrypted takes no value */

const veil_opt veil_cli__opts_edit[] = {
	{ "identity", 0, 1, VEIL_DOCOPT_IDENTITY },
	{ "passphrase-file", 0, 1, VEIL_DOCOPT_PASSFILE },
	{ "input-type", 0, 1, VEIL_DOCOPT_INPUT_TYPE },
	{ "output-type", 0, 1, OPT_OUTPUT_TYPE },
	{ "recipient", 'r', 1, OPT_RECIPIENT },
	{ "ignore-mac", 0, 0, OPT_IGNORE_MAC },
	{ "show-master-keys", 's', 0, OPT_SHOW_KEYS },
	{ "cipher", 0, 1, OPT_NEW + 0 },
	{ "scope", 0, 1, OPT_NEW + 1 },
	{ "unencrypted-suffix", 0, 1, OPT_NEW + 2 },
	{ "encrypted-suffix", 0, 1, OPT_NEW + 3 },
	{ "unencrypted-regex", 0, 1, OPT_NEW + 4 },
	{ "encrypted-regex", 0, 1, OPT_NEW + 5 },
	{ "unencrypted-comment-regex", 0, 1, OPT_NEW + 6 },
	{ "encrypted-comment-regex", 0, 1, OPT_NEW + 7 },
	{ "shamir-secret-sharing-threshold", 0, 1, OPT_NEW + 8 },
	{ "config", 0, 1, OPT_NEW + 9 },
	{ "indent", 0, 1, OPT_NEW + 10 },
	{ "mac-only-encrypted", 0, 0, OPT_NEW + NEW_BOOL },
	{ "help", 'h', 0, VEIL_DOCOPT_HELP },
	{ NULL, 0, 0, 0 },
};

#define MAX_PASS 32

typedef struct edit_args {
	veil_cli_docargs d;
	const char *recipients[VEIL_CLI_MAX_IDS]; /* for a new FILE */
	size_t nrecipients;
	const char *output_type, *config;
	const char *pass[MAX_PASS]; /* encrypt's options for a new FILE, as argv */
	size_t npass;
	int ignore_mac, show_keys;
} edit_args;

static void edit_usage(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("usage: veil edit [--identity F]... [--passphrase-file F] [--ignore-mac]\n"
	      "                 [--input-type T] [--output-type T] [-s | --show-master-keys]\n"
	      "                 [-r | --recipient age1...]... [encrypt's options] FILE\n"
	      "\n"
	      "Decrypts FILE into a private directory (0700, in memory when possible), opens\n"
	      "it in $VEIL_EDITOR, $SOPS_EDITOR, $EDITOR or vi, and re-encrypts it when the\n"
	      "editor exits. Unchanged values keep their ciphertext, so a diff shows only\n"
	      "what you changed plus mac and lastmodified. The plaintext copy is overwritten\n"
	      "and removed afterwards, also on signals.\n"
	      "\n"
	      "When the edited text does not parse or breaks a rule, veil says why and, on a\n"
	      "terminal, offers to reopen the editor with your text (Enter; Ctrl+C gives up).\n"
	      "Otherwise it keeps your text in the private directory, prints its path and\n"
	      "exits with the error's status: your edit is never thrown away.\n"
	      "\n"
	      "A FILE that does not exist starts from a small example; it is created,\n"
	      "encrypted as `veil encrypt` would (recipients from -r, VEIL_AGE_RECIPIENTS,\n"
	      "SOPS_AGE_RECIPIENTS or the .sops.yaml creation rule), only if you change it.\n"
	      "encrypt's --cipher, --scope, --mac-only-encrypted,\n"
	      "--shamir-secret-sharing-threshold, --config, --indent and selection\n"
	      "(--encrypted-regex, --unencrypted-regex, --encrypted-suffix,\n"
	      "--unencrypted-suffix, --encrypted-comment-regex, --unencrypted-comment-regex)\n"
	      "apply to it. -s (sops's --show-master-keys) is refused: change keys with\n"
	      "veil updatekeys or veil rotate --add-age/--rm-age.\n"
	      "--output-type must be FILE's own format, except for a new FILE.\n"
	      "\n"
	      "Exit status: 0 saved, 2 usage, 10 the edited document is invalid (FILE\n"
	      "untouched), 12 not encrypted, 51 MAC mismatch, 100 no such file, 111 no\n"
	      "recipients for a new FILE, 128 no identity opens the data key, 200 nothing\n"
	      "changed, 201 the editor failed or could not run.\n",
	      f);
}

static int own_option(void *ctx, int id, const char *arg)
{
	edit_args *a = ctx;

	switch (id) {
	case OPT_RECIPIENT:
		if (a->nrecipients == VEIL_CLI_MAX_IDS)
			return veil_cli__usage("edit", "too many -r options");
		a->recipients[a->nrecipients++] = arg;
		return 0;
	case OPT_OUTPUT_TYPE:
		a->output_type = arg;
		return 0;
	case OPT_IGNORE_MAC:
		a->ignore_mac = 1;
		return 0;
	case OPT_SHOW_KEYS:
		a->show_keys = 1;
		return 0;
	default:
		if (a->npass + 2 > MAX_PASS)
			return veil_cli__usage("edit", "too many options");
		a->pass[a->npass++] = new_file_flags[id - OPT_NEW];
		if (id != OPT_NEW + NEW_BOOL)
			a->pass[a->npass++] = arg;
		if (id == OPT_NEW + NEW_CONFIG)
			a->config = arg;
		return 0;
	}
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

/* Runs the editor on path; 0, or prints why and returns an exit code
 * (sops's 201 when the editor cannot run or fails). */
int veil_cli__run_editor(const char *path, const char *file)
{
	size_t n = strlen(editor());
	char *script = malloc(n + 8);
	int status;

	if (!script)
		return veil_cli__lib_error("edit", veil_error_oom());
	/* the editor's command line as the user wrote it, the path as "$1" */
	memcpy(script, editor(), n);
	memcpy(script + n, " \"$1\"", 6);
	status = veil_cli__run_shell(script, path, NULL, 0);
	free(script);
	if (status < 0) {
		veil_cli__lib_error("editor", status);
		return VEIL_EXIT_NO_EDITOR;
	}
	if (status > 0) {
		veil_cli__error("the editor '%s' exited with status %d%s; %s was left as it was",
		                editor(), status, status == 127 ? " (not found)" : "", file);
		return VEIL_EXIT_NO_EDITOR;
	}
	return 0;
}

/* What one editing round's text is checked and saved by. */
typedef struct edit_target {
	const char *file;
	int (*save)(struct edit_target *t, const char *text, size_t len, const char *path);
	veil_cli_session *s; /* an existing FILE */
	const edit_args *a;  /* a new FILE */
} edit_target;

/* Errors the user can fix by editing again: the text does not parse, holds
 * a sops key, breaks a rule or a limit. */
static int fixable(int rc)
{
	return rc == VEIL_EXIT_BAD_DOCUMENT || rc == VEIL_EXIT_LIMIT || rc == VEIL_EXIT_ALREADY ||
	       rc == VEIL_EXIT_PLAINTEXT || rc == VEIL_EXIT_USAGE;
}

/* On a terminal: sops's "Press enter to return to the editor". 1 to reopen. */
static int ask_reopen(void)
{
	char c;

	if (!isatty(STDIN_FILENO))
		return 0;
	fputs("veil: Press enter to return to the editor, or Ctrl+C to exit and discard the "
	      "edit.\n",
	      stderr);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n == 1 && c == '\n')
			return 1;
		if (n == 0 || (n < 0 && errno != EINTR))
			return 0;
	}
}

/* Runs the editor until the text saves, nothing changed, or the user gives
 * up; a text that could not be saved is kept (*keep) with its path printed. */
static int edit_rounds(edit_target *t, const char *path, const char *orig, size_t orig_len,
                       int *keep)
{
	uint8_t *edited = NULL;
	size_t elen = 0;
	int rc, error;

	for (;;) {
		if ((rc = veil_cli__run_editor(path, t->file)) != 0)
			break;
		veil_wipe_free(edited, elen);
		edited = NULL;
		if ((error = veil_file_read(&edited, &elen, path, VEIL_DOC_MAX_SIZE)) < 0) {
			rc = veil_cli__lib_error(path, error);
			break;
		}
		if (elen == orig_len && !memcmp(edited, orig, orig_len)) {
			veil_cli__error("%s: file has not been modified", t->file);
			rc = VEIL_EXIT_UNCHANGED;
			break;
		}
		rc = t->save(t, (const char *)edited, elen, path);
		if (rc == 0)
			break;
		if (fixable(rc) && ask_reopen())
			continue;
		*keep = 1;
		veil_cli__hint("%s was left as it was; your edit is kept in %s (plaintext, "
		               "readable only by you): fix it there, save it with "
		               "VEIL_EDITOR='cp %s' veil edit %s, then remove that directory",
		               t->file, path, path, t->file);
		break;
	}
	veil_wipe_free(edited, elen);
	return rc;
}

/* Writes the starting text, runs the rounds, removes the plaintext unless
 * it must be kept. */
static int edit_text(edit_target *t, const char *text, size_t len)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", path[VEIL_CLI_PRIVDIR_MAX + 256];
	const char *base = strrchr(t->file, '/') ? strrchr(t->file, '/') + 1 : t->file;
	int rc, error, keep = 0;

	/* FILE's base name keeps the editor's syntax highlighting */
	if ((error = veil_cli__privdir_make(dir)) < 0 ||
	    (error = veil_cli__privdir_write(path, sizeof(path), dir, *base ? base : "file", text,
	                                     len)) < 0)
		rc = veil_cli__lib_error("edit", error);
	else
		rc = edit_rounds(t, path, text, len, &keep);
	if (!keep)
		veil_cli__privdir_remove(dir);
	return rc;
}

static int save_existing(edit_target *t, const char *text, size_t len, const char *path)
{
	char *out = NULL;
	size_t out_len = 0;
	int rc = veil_cli__session_seal(t->s, text, len, &out, &out_len);

	(void)path;
	if (rc == 0)
		rc = veil_cli__doc_write(NULL, 1, t->file, out, out_len);
	free(out);
	return rc;
}

static int run(const edit_args *a)
{
	veil_cli_session s;
	edit_target t = { a->d.file, save_existing, &s, a };
	veil_doc_format ofmt = a->output_type ? veil_doc_format_parse(a->output_type) : 0;
	int rc;

	if ((rc = veil_cli__session_open_ex(&s, a->d.file, a->d.fmt, a->d.ids, a->d.nids,
	                                    a->ignore_mac)) != 0)
		goto done;
	if (ofmt && ofmt != s.fmt) {
		rc = veil_cli__usage("edit",
		                     "--output-type %s: edit keeps %s in its own format; convert "
		                     "with decrypt, then encrypt --output-type",
		                     a->output_type, a->d.file);
		goto done;
	}
	rc = edit_text(&t, s.plain, s.plain_len);
done:
	veil_cli__session_close(&s);
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

	if (a->nrecipients || a->config)
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
	return VEIL_EXIT_NO_RECIPIENT;
}

/* A new FILE: the edited text is encrypted to FILE exactly as
 * `veil encrypt --filename-override FILE -o FILE` would. */
static int save_new(edit_target *t, const char *text, size_t len, const char *path)
{
	const edit_args *a = t->a;
	const char *argv[16 + 2 * VEIL_CLI_MAX_IDS + MAX_PASS];
	int argc = 0;

	(void)text;
	(void)len;
	argv[argc++] = "encrypt";
	for (size_t i = 0; i < a->nrecipients; i++) {
		argv[argc++] = "-r";
		argv[argc++] = a->recipients[i];
	}
	for (size_t i = 0; i < a->npass; i++)
		argv[argc++] = a->pass[i];
	if (a->d.input_type) {
		argv[argc++] = "--input-type";
		argv[argc++] = a->d.input_type;
	}
	if (a->output_type) {
		argv[argc++] = "--output-type";
		argv[argc++] = a->output_type;
	}
	argv[argc++] = "--filename-override";
	argv[argc++] = a->d.file;
	argv[argc++] = "-o";
	argv[argc++] = a->d.file;
	argv[argc++] = "--";
	argv[argc++] = path;
	argv[argc] = NULL;
	return veil_cli__cmd_encrypt(argc, (char **)argv);
}

static int run_new(const edit_args *a)
{
	veil_doc_format fmt = a->d.fmt ? a->d.fmt : veil_doc_format_from_path(a->d.file);
	const char *text = new_file_text(fmt);
	edit_target t = { a->d.file, save_new, NULL, a };
	int rc;

	if ((rc = new_file_has_recipients(a)) == 0)
		rc = edit_text(&t, text, strlen(text));
	return rc;
}

int veil_cli__cmd_edit(int argc, char **argv)
{
	edit_args a = { 0 };
	veil_cli_docspec spec = { .cmd = "edit",
		                  .opts = veil_cli__opts_edit,
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
	if (rc == 0 && a.output_type && !veil_doc_format_parse(a.output_type))
		rc = veil_cli__usage("edit", "unknown --output-type '%s'", a.output_type);
	if (rc == 0 && a.show_keys) {
		veil_cli__error("--show-master-keys: veil does not open the sops metadata in the "
		                "editor; change keys with veil updatekeys, or rotate --add-age / "
		                "--rm-age");
		rc = VEIL_EXIT_FAIL;
	}
	if (rc == 0)
		rc = access(a.d.file, F_OK) != 0 && errno == ENOENT ? run_new(&a) : run(&a);
	free(operands);
	return rc < 0 ? VEIL_EXIT_OK : rc;
}
