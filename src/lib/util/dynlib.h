#ifndef VEIL_UTIL_DYNLIB_H
#define VEIL_UTIL_DYNLIB_H
/*
 * Optional libraries (libgit2, libcurl, cJSON) are loaded with dlopen by the
 * commands that need them, never at program start: linking them pulls in
 * ~35 shared objects and costs ~12 ms per process, which every `veil decrypt`
 * and every `veil age` would otherwise pay. The soname is the one the build
 * compiled against (VEIL_GIT2_SONAME, VEIL_CURL_SONAME, VEIL_CJSON_SONAME from
 * CMake), so the ABI always matches the headers.
 */
#include <stddef.h>

typedef struct veil_dynsym {
	const char *name;
	void **slot; /* (void **)&function_pointer */
} veil_dynsym;

/*
 * Opens soname (RTLD_NOW | RTLD_LOCAL) and fills every slot of syms. On
 * failure returns VEIL_EUNSUPPORTED with a message naming what (the library
 * or symbol) is missing and the Debian package (hint) that provides it; no
 * slot is left half-filled. The handle is kept open for the process.
 */
int veil_dynlib__load(const char *soname, const char *hint, const veil_dynsym *syms, size_t n);

#endif
