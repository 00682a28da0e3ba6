/* Fuzzes the Kubernetes API response parser (veil_kube__secret_parse): the
 * body of GET .../secrets/NAME comes from the network. The first input byte
 * picks the entry: odd = the default choice (*.agekey, else keys.txt), even =
 * "identity.agekey". Whatever parses must yield identities whose recipients
 * encode; anything else must fail with a message and no identity added. */
#include <string.h>
#include "fuzz.h"
#include "k8s/kubeapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	veil_identities *ids = NULL;
	char *body;
	int error;

	veil_fuzz_init();
	if (size < 1 || size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	/* No NUL after the input: the parser must honour the length. */
	body = malloc(size - 1 ? size - 1 : 1);
	if (!body || veil_identities_new(&ids) < 0)
		abort();
	memcpy(body, data + 1, size - 1);
	error = veil_kube__secret_parse(
	        ids, body, size - 1, (data[0] & 1) ? NULL : "identity.agekey", "secret fuzz/fuzz");
	if (error < 0 && veil_identities_count(ids) != 0 && (data[0] & 1) == 0)
		__builtin_trap();
	if (error >= 0 && veil_identities_count(ids) == 0)
		__builtin_trap();
	for (size_t i = 0; i < veil_identities_count(ids); i++) {
		veil_recipient *r = NULL;
		char *text = NULL;

		if (veil_identity_type(veil_identities_get(ids, i)) == VEIL_KEY_SCRYPT)
			continue;
		if (veil_identity_to_recipient(&r, veil_identities_get(ids, i)) < 0 ||
		    veil_recipient_encode(&text, r) < 0)
			__builtin_trap();
		free(text);
		veil_recipient_free(r);
	}
	veil_identities_free(ids);
	free(body);
	return 0;
}
