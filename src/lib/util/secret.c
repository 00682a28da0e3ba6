/* Secret memory: sodium_malloc for keys, wipe-then-free for bulk buffers. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "util/secret.h"
#include "veil/error.h"
#include "veil/keys.h"

void *veil_secure_alloc(size_t len)
{
	void *p;

	/* sodium_malloc(0) may return a valid pointer or NULL; ask for one byte so
	 * a zero-length secret is still a distinct, freeable allocation. */
	p = sodium_malloc(len ? len : 1);
	if (!p) {
		veil_error_set(VEIL_ENOMEM, "cannot allocate %zu bytes of secure memory", len);
		return NULL;
	}
	/* sodium_malloc fills with 0xdb to catch uninitialised use; callers here
	 * expect zeroed memory like calloc. */
	sodium_memzero(p, len ? len : 1);
	return p;
}

void veil_secure_free(void *p)
{
	if (p)
		sodium_free(p);
}

void veil_wipe_free(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}

void veil_wipe_free_str(char *s)
{
	if (!s)
		return;
	veil_wipe_free(s, strlen(s));
}

void veil_secret_string_free(char *s)
{
	/* sodium_free wipes the whole allocation, so no strlen is needed. */
	veil_secure_free(s);
}
