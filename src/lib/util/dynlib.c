#include "util/dynlib.h"

#include <dlfcn.h>

#include "veil/error.h"

int veil_dynlib__load(const char *soname, const char *hint, const veil_dynsym *syms, size_t n)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h)
		return veil_error_set(VEIL_EUNSUPPORTED, "%s is not installed (%s); install %s",
		                      soname, dlerror(), hint);
	for (i = 0; i < n; i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p)
			break;
		*syms[i].slot = p;
	}
	if (i == n)
		return 0;
	/* A missing symbol means a different ABI: undo, so no caller sees a
	 * table that is half this library and half NULL. */
	for (size_t j = 0; j < n; j++)
		*syms[j].slot = NULL;
	dlclose(h);
	return veil_error_set(VEIL_EUNSUPPORTED,
	                      "%s lacks %s; install the %s that veil was built with", soname,
	                      syms[i].name, hint);
}
