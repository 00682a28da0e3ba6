#include <string.h>
#include "harness.h"
#include "util/dynlib.h"
#include "veil/error.h"

TEST(test_util_dynlib__fills_every_slot)
{
	size_t (*len)(const char *) = NULL;
	veil_dynsym syms[] = { { "strlen", (void **)&len } };

	CHECK_INT(veil_dynlib__load("libc.so.6", "libc6", syms, 1), 0);
	CHECK(len != NULL);
	CHECK_INT((int)len("four"), 4);
}

TEST(test_util_dynlib__missing_library_names_the_package)
{
	void *p = NULL;
	veil_dynsym syms[] = { { "x", &p } };

	CHECK_INT(veil_dynlib__load("libveil-no-such.so.9", "libnosuch9", syms, 1),
	          VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "libnosuch9") != NULL);
	CHECK(p == NULL);
}

TEST(test_util_dynlib__missing_symbol_leaves_no_half_table)
{
	size_t (*len)(const char *) = NULL;
	void *other = NULL;
	veil_dynsym syms[] = { { "strlen", (void **)&len }, { "veil_no_such_symbol", &other } };

	CHECK_INT(veil_dynlib__load("libc.so.6", "libc6", syms, 2), VEIL_EUNSUPPORTED);
	CHECK(strstr(veil_error_last(), "veil_no_such_symbol") != NULL);
	CHECK(len == NULL);
	CHECK(other == NULL);
}
