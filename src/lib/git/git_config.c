/* Repository config: where hooks live, and the filter/diff driver entries. */
#include "git/gitrepo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veil/error.h"

static int join(char **out, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dl && dir[dl - 1] != '/';

	if (!(*out = malloc(dl + slash + nl + 1)))
		return veil_error_oom();
	memcpy(*out, dir, dl);
	if (slash)
		(*out)[dl] = '/';
	memcpy(*out + dl + slash, name, nl + 1);
	return 0;
}

int veil_git_hooks_dir(veil_git_repo *repo, char **out)
{
	git_buf buf = { 0 };
	git_config *cfg = NULL;
	const char *base;
	int error;

	*out = NULL;
	if ((error = VEIL_GIT(git_repository_config_snapshot)(&cfg, repo->repo)) < 0)
		return veil_git__error(error, "reading the git config");
	/* git_config_get_path expands "~/"; a relative core.hooksPath is taken
	 * from the directory hooks run in: the working tree's root (git-config(1)) */
	error = VEIL_GIT(git_config_get_path)(&buf, cfg, "core.hooksPath");
	if (error == 0 && buf.ptr && *buf.ptr) {
		base = veil_git_workdir(repo);
		if (buf.ptr[0] == '/' || !base)
			base = buf.ptr[0] == '/' ? "" : VEIL_GIT(git_repository_path)(repo->repo);
		error = join(out, base, buf.ptr);
	} else if (error == 0 || error == GIT_ENOTFOUND) {
		error = join(out, VEIL_GIT(git_repository_commondir)(repo->repo), "hooks");
	} else {
		error = veil_git__error(error, "reading core.hooksPath");
	}
	VEIL_GIT(git_buf_dispose)(&buf);
	VEIL_GIT(git_config_free)(cfg);
	return error;
}

int veil_git_config_set(veil_git_repo *repo, const char *name, const char *value)
{
	git_config *cfg = NULL;
	int error;

	if ((error = VEIL_GIT(git_repository_config)(&cfg, repo->repo)) < 0)
		return veil_git__error(error, "opening the git config");
	/* the repository's own file (.git/config), never ~/.gitconfig */
	if (value)
		error = VEIL_GIT(git_config_set_string)(cfg, name, value);
	else
		error = VEIL_GIT(git_config_set_bool)(cfg, name, 1);
	VEIL_GIT(git_config_free)(cfg);
	return error < 0 ? veil_git__error(error, name) : 0;
}
