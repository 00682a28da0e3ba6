#include "git/gitlib.h"

#include "util/dynlib.h"
#include "veil/error.h"

veil_git_fns veil_git__fns;

int veil_git__load(void)
{
	static int loaded; /* 1 ok; commands are single-threaded at this point */
	static const veil_dynsym syms[] = {
#define VEIL_GIT_SYM(name) { #name, (void **)&veil_git__fns.name },
		VEIL_GIT_FUNCS(VEIL_GIT_SYM)
#undef VEIL_GIT_SYM
	};
	int error;

	if (loaded)
		return 0;
	error = veil_dynlib__load(VEIL_GIT2_SONAME, "libgit2-1.5", syms,
	                          sizeof(syms) / sizeof(syms[0]));
	if (error < 0)
		return error;
	if (VEIL_GIT(git_libgit2_init)() < 0)
		return veil_error_set(VEIL_ERROR, "libgit2 failed to initialise");
	loaded = 1;
	return 0;
}

int veil_git__error(int git_code, const char *context)
{
	const git_error *e = VEIL_GIT(git_error_last)();
	int code = git_code == GIT_ENOTFOUND ? VEIL_ENOTFOUND : VEIL_ERROR;

	return veil_error_set(code, "%s: %s", context,
	                      e && e->message ? e->message : "libgit2 error");
}
