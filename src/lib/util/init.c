/* Library initialisation: libsodium must be ready before any key is made. */
#include <sodium.h>
#include "veil/veil.h"

int veil_init(void)
{
	if (sodium_init() < 0)
		return veil_error_set(VEIL_ERROR, "libsodium failed to initialise");
	return 0;
}
