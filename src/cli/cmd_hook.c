/* veil hook install | uninstall: the pre-commit hook, chaining one that was there before. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_git.h"
#include "veil/git.h"
#include "util/buf.h"
#include "util/fsutil.h"

/* The same bytes as git-hooks/pre-commit (tests/cli/git_hook.sh compares). */
static const char hook_text[] =
        "#!/bin/sh\n"
        "# veil-hook: pre-commit\n"
        "# Refuses a commit whose staged files hold a plaintext secret. It runs\n"
        "# `veil check --staged`, which reads the staged blobs from the index (what\n"
        "# the commit will contain), never the working tree or a textconv diff.\n"
        "# `veil hook install` puts this file in place; a pre-commit hook that was\n"
        "# there before is kept as pre-commit.veil-chained and runs after the check.\n"
        "# Skip once, at your own risk: git commit --no-verify\n"
        "veil=${VEIL:-$(command -v veil)}\n"
        "if [ -z \"$veil\" ]; then\n"
        "\techo \"veil pre-commit hook: 'veil' is not on PATH (set VEIL=/path/to/veil, or run "
        "'veil "
        "hook uninstall')\" >&2\n"
        "\texit 1\n"
        "fi\n"
        "\"$veil\" check --staged || exit\n"
        "chained=\"$(dirname \"$0\")/pre-commit.veil-chained\"\n"
        "if [ -x \"$chained\" ]; then\n"
        "\texec \"$chained\" \"$@\"\n"
        "fi\n";

#define HOOK_MARKER    "\n# veil-hook: pre-commit\n"
#define CHAINED_SUFFIX ".veil-chained"

static void hook_usage(FILE *f)
{
	fputs("usage: veil hook install | uninstall\n"
	      "\n"
	      "install    puts veil's pre-commit hook (runs 'veil check --staged') into the\n"
	      "           repository's hooks directory (core.hooksPath if set, else .git/hooks).\n"
	      "           A pre-commit hook already there is renamed to pre-commit.veil-chained\n"
	      "           and runs after veil's check passed.\n"
	      "uninstall  removes veil's hook and puts a chained hook back in its place.\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure, 2 usage.\n",
	      f);
}

static int is_ours(const char *path)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int ours;

	if (veil_file_read(&text, &len, path, 1u << 20) < 0)
		return 0;
	ours = len > 10 && strstr((const char *)text, HOOK_MARKER) != NULL;
	free(text);
	return ours;
}

/* mkdir -p for the hooks directory (core.hooksPath may not exist yet). */
static int make_dirs(const char *dir)
{
	char *p = strdup(dir);
	int rc = 0;

	if (!p)
		return -1;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0755) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Writes the hook through a temp file, executable, renamed into place. */
static int write_hook(const char *path)
{
	veil_buf tmp = VEIL_BUF_INIT(0);
	size_t len = sizeof(hook_text) - 1;
	int fd = -1, rc = VEIL_EXIT_FAIL;

	if (veil_buf_printf(&tmp, "%s.veil-tmp-%ld", path, (long)getpid()) < 0)
		goto done;
	fd = open((const char *)tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0755);
	if (fd < 0 || write(fd, hook_text, len) != (ssize_t)len || fsync(fd) < 0 ||
	    fchmod(fd, 0755) < 0 || close(fd) < 0) {
		veil_cli__error("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink((const char *)tmp.data);
		}
		goto done;
	}
	if (rename((const char *)tmp.data, path) < 0) {
		veil_cli__error("cannot write %s: %s", path, strerror(errno));
		unlink((const char *)tmp.data);
		goto done;
	}
	rc = VEIL_EXIT_OK;
done:
	veil_buf_dispose(&tmp);
	return rc;
}

static int install(const char *dir, const char *hook, const char *chained)
{
	struct stat st;
	int rc;

	if (make_dirs(dir) < 0) {
		veil_cli__error("cannot create the hooks directory %s: %s", dir, strerror(errno));
		return VEIL_EXIT_FAIL;
	}
	if (lstat(hook, &st) == 0 && !is_ours(hook)) {
		if (lstat(chained, &st) == 0) {
			veil_cli__error("%s exists and so does %s: move one of them away first",
			                hook, chained);
			return VEIL_EXIT_FAIL;
		}
		if (rename(hook, chained) < 0) {
			veil_cli__error("cannot rename %s: %s", hook, strerror(errno));
			return VEIL_EXIT_FAIL;
		}
		if ((rc = write_hook(hook)) != 0) {
			if (rename(chained, hook) < 0)
				veil_cli__error("%s is now %s", hook, chained);
			return rc;
		}
		fprintf(stderr,
		        "veil: installed %s; the hook that was there is now %s and runs "
		        "after veil's check\n",
		        hook, chained);
		return VEIL_EXIT_OK;
	}
	if ((rc = write_hook(hook)) == 0)
		fprintf(stderr, "veil: installed %s\n", hook);
	return rc;
}

static int uninstall(const char *hook, const char *chained)
{
	struct stat st;

	if (lstat(hook, &st) < 0 || !is_ours(hook)) {
		veil_cli__error("%s is not veil's hook; nothing changed", hook);
		return VEIL_EXIT_FAIL;
	}
	if (unlink(hook) < 0) {
		veil_cli__error("cannot remove %s: %s", hook, strerror(errno));
		return VEIL_EXIT_FAIL;
	}
	if (lstat(chained, &st) == 0) {
		if (rename(chained, hook) < 0) {
			veil_cli__error("cannot restore %s from %s: %s", hook, chained,
			                strerror(errno));
			return VEIL_EXIT_FAIL;
		}
		fprintf(stderr, "veil: removed veil's hook; %s is back in place\n", hook);
		return VEIL_EXIT_OK;
	}
	fprintf(stderr, "veil: removed %s\n", hook);
	return VEIL_EXIT_OK;
}

int veil_cli__cmd_hook(int argc, char **argv)
{
	veil_git_repo *repo = NULL;
	veil_buf hook = VEIL_BUF_INIT(0), chained = VEIL_BUF_INIT(0);
	char *dir = NULL;
	int rc, error;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		hook_usage(stdout);
		return VEIL_EXIT_OK;
	}
	if (argc != 2 || (strcmp(argv[1], "install") && strcmp(argv[1], "uninstall")))
		return veil_cli__usage("hook", "expected 'install' or 'uninstall'");
	if ((error = veil_git_open(&repo, NULL)) < 0 ||
	    (error = veil_git_hooks_dir(repo, &dir)) < 0 ||
	    (error = veil_buf_printf(&hook, "%s/pre-commit", dir)) < 0 ||
	    (error = veil_buf_printf(&chained, "%s/pre-commit" CHAINED_SUFFIX, dir)) < 0) {
		rc = veil_cli__lib_error("hook", error);
		goto done;
	}
	if (!strcmp(argv[1], "install"))
		rc = install(dir, (const char *)hook.data, (const char *)chained.data);
	else
		rc = uninstall((const char *)hook.data, (const char *)chained.data);
done:
	veil_buf_dispose(&hook);
	veil_buf_dispose(&chained);
	free(dir);
	veil_git_close(repo);
	return rc;
}
