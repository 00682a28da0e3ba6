/* veil git setup | clean | smudge | textconv | merge | mergetool: the
 * encrypting filter, diff and merge drivers for git. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_git.h"
#include "veil/git.h"
#include "veil/git.h"
#include "veil/sops.h"
#include "util/buf.h"
#include "util/fsutil.h"

#define ATTR_SUFFIX      " filter=veil diff=veil merge=veil"
/* what setup wrote before the merge driver: such lines gain merge=veil */
#define ATTR_OLD_SUFFIX  " filter=veil diff=veil"
/* last, so no pattern encrypts the rules that say how to encrypt */
#define ATTR_KEEP_CONFIG "/.sops.yaml -filter -diff"
#define ATTRS_MAX        (4u << 20)

static void git_usage(FILE *f)
{
	fputs("usage: veil git setup [PATTERN...]\n"
	      "       veil git clean FILE | smudge FILE | textconv FILE\n"
	      "       veil git merge %O %A %B %P | mergetool FILE\n"
	      "\n"
	      "setup     configures this repository (.git/config) to encrypt files on\n"
	      "          'git add', decrypt them on checkout and merge them value by value,\n"
	      "          and adds 'PATTERN filter=veil diff=veil merge=veil' lines to\n"
	      "          .gitattributes. Without PATTERNs they come from the path_regex of\n"
	      "          the creation rules in the repository's .sops.yaml.\n"
	      "clean     (git calls it) encrypts stdin for FILE, keeping the ciphertext of every\n"
	      "          value unchanged since the staged (else HEAD) version\n"
	      "smudge    (git calls it) decrypts stdin when an identity opens it, else copies it\n"
	      "textconv  (git diff calls it) prints FILE decrypted, or as it is without a key\n"
	      "merge     (git merge, rebase, cherry-pick, pull call it) merges base %O, ours %A\n"
	      "          and theirs %B of the encrypted file %P value by value into %A, with a\n"
	      "          fresh MAC; unchanged values keep their ciphertext. A value changed\n"
	      "          differently on both sides, or no identity to decrypt with: %A stays\n"
	      "          ours, the conflicts go to stderr and to .git/veil-merge/ (ciphertext\n"
	      "          and key paths only) for mergetool, and the exit status is 1\n"
	      "mergetool shows each conflicting value of FILE as base/ours/theirs in the\n"
	      "          editor veil edit runs, in its private directory, then writes FILE\n"
	      "          merged and encrypted with a fresh MAC. Other conflicts (lines around\n"
	      "          a value, a value removed on one side) open the whole decrypted file\n"
	      "          with git's conflict markers there instead\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure or a conflict, 2 usage.\n",
	      f);
}

int veil_cli__cmd_git(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		git_usage(stdout);
		return VEIL_EXIT_OK;
	}
	if (!strcmp(sub, "setup"))
		return veil_cli__git_setup(argc - 2, argv + 2);
	if (!strcmp(sub, "merge"))
		return veil_cli__git_merge(argc - 2, argv + 2);
	if (!strcmp(sub, "mergetool"))
		return veil_cli__git_mergetool(argc - 2, argv + 2);
	if (!strcmp(sub, "clean") || !strcmp(sub, "smudge") || !strcmp(sub, "textconv")) {
		/* git runs "veil git clean -- %f": a file named --help or -h stays a
		 * file name (main.c reads --help before "--" as a request for help) */
		if (argc == 4 && !strcmp(argv[2], "--")) {
			argv[2] = argv[3];
			argc = 3;
		}
		if (argc != 3)
			return veil_cli__usage("git", "'veil git %s' takes one FILE", sub);
		if (!strcmp(sub, "clean"))
			return veil_cli__git_clean(argv[2]);
		if (!strcmp(sub, "smudge"))
			return veil_cli__git_smudge(argv[2]);
		return veil_cli__git_textconv(argv[2]);
	}
	return veil_cli__usage("git",
	                       "expected setup, clean, smudge, textconv, merge or mergetool");
}

/* A pattern that fits on a .gitattributes line as it is. */
static int pattern_ok(const char *p)
{
	if (!*p || *p == '#' || *p == '!' || *p == '"')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* Patterns from the creation rules of the .sops.yaml at the root. */
static int rule_patterns(veil_buf *lines, const char *workdir)
{
	veil_sops_config *cfg = NULL;
	veil_buf path = VEIL_BUF_INIT(0);
	int rc = VEIL_EXIT_FAIL, error;

	if ((error = veil_buf_printf(&path, "%s.sops.yaml", workdir)) < 0 ||
	    (error = veil_sops_config_load(&cfg, (const char *)path.data)) < 0) {
		veil_cli__lib_error("git setup", error);
		veil_cli__hint("give the patterns to encrypt: veil git setup 'secrets/*.yaml'");
		goto done;
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		char **globs = NULL;
		size_t n = 0;

		if (!cfg->rules[i].path_regex) {
			veil_cli__error("creation rule %zu of .sops.yaml has no path_regex, so it "
			                "covers every file",
			                i + 1);
			veil_cli__hint(
			        "give the patterns to encrypt: veil git setup 'secrets/*.yaml'");
			goto done;
		}
		if ((error = veil_git_regex_globs(&globs, &n, cfg->rules[i].path_regex, "")) < 0) {
			veil_cli__error(".sops.yaml rule %zu, path_regex '%s': %s", i + 1,
			                cfg->rules[i].path_regex, veil_error_last());
			veil_cli__hint(
			        "give the patterns to encrypt: veil git setup 'secrets/*.yaml'");
			goto done;
		}
		for (size_t j = 0; j < n && error == 0; j++)
			error = veil_buf_printf(lines, "%s\n", globs[j]);
		veil_git_globs_free(globs, n);
		if (error < 0) {
			veil_cli__lib_error("git setup", error);
			goto done;
		}
	}
	rc = 0;
done:
	veil_sops_config_free(cfg);
	veil_buf_dispose(&path);
	return rc;
}

/* Does text hold line exactly? */
static int has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, len) && (p[len] == '\n' || p[len] == '\0'))
			return 1;
	return 0;
}

/* Appends "PATTERN filter=veil diff=veil merge=veil" for each new pattern
 * to the root .gitattributes (adding merge=veil to the lines an earlier
 * setup wrote), then the line that keeps .sops.yaml plain, last. */
static int write_attributes(const char *workdir, const char *patterns)
{
	veil_buf path = VEIL_BUF_INIT(0), out = VEIL_BUF_INIT(ATTRS_MAX), line = VEIL_BUF_INIT(0);
	uint8_t *old = NULL;
	size_t old_len = 0;
	int rc = VEIL_EXIT_FAIL, error;

	if ((error = veil_buf_printf(&path, "%s.gitattributes", workdir)) < 0)
		goto fail;
	error = veil_file_read(&old, &old_len, (const char *)path.data, ATTRS_MAX);
	if (error < 0 && error != VEIL_ENOTFOUND)
		goto fail;
	error = 0;
	/* the old text without the keep-config line, which goes last */
	for (const char *p = old ? (const char *)old : ""; *p && error >= 0;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		size_t old_n = strlen(ATTR_OLD_SUFFIX);

		if (n > old_n && !strncmp(p + n - old_n, ATTR_OLD_SUFFIX, old_n)) {
			error = veil_buf_printf(&out, "%.*s merge=veil\n", (int)n, p);
			fprintf(stderr, "veil: .gitattributes: %.*s merge=veil\n", (int)n, p);
		} else if (!(n == strlen(ATTR_KEEP_CONFIG) && !strncmp(p, ATTR_KEEP_CONFIG, n))) {
			error = veil_buf_printf(&out, "%.*s\n", (int)n, p);
		}
		p += n + (nl != NULL);
	}
	for (const char *p = patterns; *p && error >= 0;) {
		const char *nl = strchr(p, '\n');

		veil_buf_clear(&line);
		if ((error = veil_buf_printf(&line, "%.*s" ATTR_SUFFIX, (int)(nl - p), p)) < 0)
			break;
		if (!has_line((const char *)out.data, (const char *)line.data, line.len)) {
			error = veil_buf_printf(&out, "%s\n", (const char *)line.data);
			fprintf(stderr, "veil: .gitattributes: %s\n", (const char *)line.data);
		}
		p = nl + 1;
	}
	if (error >= 0)
		error = veil_buf_printf(&out, "%s\n", ATTR_KEEP_CONFIG);
	if (error >= 0)
		error = veil_file_write_atomic((const char *)path.data, out.data, out.len, 0);
	if (error < 0)
		goto fail;
	chmod((const char *)path.data, 0644); /* a tracked file, not a secret */
	rc = 0;
	goto done;
fail:
	veil_cli__lib_error(".gitattributes", error);
done:
	free(old);
	veil_buf_dispose(&path);
	veil_buf_dispose(&out);
	veil_buf_dispose(&line);
	return rc;
}

static const char *const driver_config[][2] = {
	{ "filter.veil.clean", "veil git clean -- %f" },
	{ "filter.veil.smudge", "veil git smudge -- %f" },
	{ "filter.veil.required", NULL },
	{ "diff.veil.textconv", "veil git textconv" },
	{ "merge.veil.name", "veil: three-way merge of encrypted values" },
	{ "merge.veil.driver", "veil git merge %O %A %B %P" },
};

int veil_cli__git_setup(int npatterns, char **patterns)
{
	veil_git_repo *repo = NULL;
	veil_buf lines = VEIL_BUF_INIT(0);
	const char *workdir;
	int rc = VEIL_EXIT_FAIL, error;

	for (int i = 0; i < npatterns; i++)
		if (!pattern_ok(patterns[i]))
			return veil_cli__usage("git",
			                       "pattern '%s': no blanks, and no leading "
			                       "'#', '!' or '\"'",
			                       patterns[i]);
	if ((error = veil_git_open(&repo, NULL)) < 0) {
		rc = veil_cli__lib_error("git setup", error);
		goto done;
	}
	if (!(workdir = veil_git_workdir(repo))) {
		veil_cli__error("git setup: a bare repository has no working tree to filter");
		goto done;
	}
	for (int i = 0; i < npatterns; i++)
		if (veil_buf_printf(&lines, "%s\n", patterns[i]) < 0)
			goto done;
	if (npatterns == 0 && rule_patterns(&lines, workdir) != 0)
		goto done;
	for (size_t i = 0; i < sizeof(driver_config) / sizeof(driver_config[0]); i++)
		if ((error = veil_git_config_set(repo, driver_config[i][0], driver_config[i][1])) <
		    0) {
			rc = veil_cli__lib_error("git setup", error);
			goto done;
		}
	if ((rc = write_attributes(workdir, lines.data ? (const char *)lines.data : "")) != 0)
		goto done;
	fprintf(stderr, "veil: filter.veil, diff.veil and merge.veil set in .git/config\n");
	veil_cli__hint("files already committed in plaintext are encrypted at their next "
	               "'git add'; 'git add --renormalize .' does it for all of them now");
done:
	veil_buf_dispose(&lines);
	veil_git_close(repo);
	return rc;
}
