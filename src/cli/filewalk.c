/* Operands and directory walks of the repository-wide commands. */
#include "filewalk.h"
#include "cli.h"
#include "util/array.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper trees than this are refused rather than walked without end. */
#define MAX_DEPTH 64

static int add(veil_cli_files *out, const char *path, int named)
{
	veil_cli_file *items = veil_array_grow(out->items, &out->cap, out->n + 1, sizeof(*items));
	char *copy = strdup(path);

	if (!items || !copy) {
		free(copy);
		veil_cli__error("out of memory");
		return VEIL_EXIT_FAIL;
	}
	out->items = items;
	out->items[out->n].path = copy;
	out->items[out->n++].named = named;
	return 0;
}

static int skipped_name(const char *name, unsigned int flags)
{
	if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
		return 1;
	if ((flags & VEIL_CLI_WALK_NO_HIDDEN) && name[0] == '.')
		return 1;
	return !(flags & VEIL_CLI_WALK_SOPS_CONFIG) &&
	       (!strcmp(name, VEIL_SOPS_CONFIG_NAME) || !strcmp(name, VEIL_SOPS_CONFIG_ALT_NAME));
}

static int walk(veil_cli_files *out, const char *dir, int depth, unsigned int flags)
{
	struct dirent **names = NULL;
	int n, rc = 0;

	if (depth > MAX_DEPTH) {
		veil_cli__error("%s: directories nested deeper than %d", dir, MAX_DEPTH);
		return VEIL_EXIT_FAIL;
	}
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		veil_cli__error("%s: %s", dir, strerror(errno));
		return VEIL_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (rc || skipped_name(names[i]->d_name, flags))
			goto next;
		/* "." walks to "a/b.yaml", as git and check name files */
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", strcmp(dir, ".") ? dir : "",
		                     !strcmp(dir, ".") || dir[strlen(dir) - 1] == '/' ? "" : "/",
		                     names[i]->d_name) >= sizeof(path)) {
			veil_cli__error("%s/%s: path too long", dir, names[i]->d_name);
			rc = VEIL_EXIT_FAIL;
			goto next;
		}
		/* lstat: a symlink is not followed (it may leave the tree) */
		if (lstat(path, &st) != 0)
			goto next;
		if (S_ISDIR(st.st_mode))
			rc = walk(out, path, depth + 1, flags);
		else if (S_ISREG(st.st_mode))
			rc = add(out, path, 0);
next:
		free(names[i]);
	}
	free(names);
	return rc;
}

int veil_cli__files_collect(veil_cli_files *out, const char *cmd, char *const *paths, size_t n,
                            int recursive)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		struct stat st;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!recursive)
				return veil_cli__usage(
				        cmd, "%s is a directory: -r walks directories", paths[i]);
			rc = walk(out, paths[i], 0, 0);
		} else {
			/* a missing file is reported where it is opened */
			rc = add(out, paths[i], 1);
		}
	}
	return rc;
}

int veil_cli__files_walk(veil_cli_files *out, const char *dir, unsigned int flags)
{
	return walk(out, dir, 0, flags);
}

void veil_cli__files_dispose(veil_cli_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i].path);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static int has(const char *t, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= n; i++)
		if (t[i] == w[0] && !memcmp(t + i, w, wl))
			return 1;
	return 0;
}

int veil_cli__files_sops_like(const char *text, size_t len)
{
	return has(text, len, "sops") && has(text, len, "mac");
}
