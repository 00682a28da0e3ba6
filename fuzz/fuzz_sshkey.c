/* Fuzzes the SSH key parsers added for ssh-rsa: OpenSSH private key files
 * (openssh-key-v1, ed25519 and rsa, plain or passphrase-protected), PEM RSA
 * keys (PKCS#1, PKCS#8, read by OpenSSL), and "ssh-rsa" authorized_keys
 * lines. The first byte selects how the rest becomes a key:
 *   0  the text as it is (a key file)
 *   1  raw openssh-key-v1 bytes, wrapped in the OpenSSH PEM armor, so the
 *      fuzzer works on the container rather than on base64
 *   2  raw DER, wrapped as "-----BEGIN RSA PRIVATE KEY-----"
 *   3  raw DER, wrapped as "-----BEGIN PRIVATE KEY-----" (PKCS#8)
 *   4  a public key blob, as "ssh-rsa <base64>" (and "ssh-ed25519 ...")
 * (byte % 8; 5-7 repeat 0-2). Whatever parses must give a recipient that
 * encodes to a fixed point, and an unlocked identity must open what is
 * encrypted to its own recipient (RSA-OAEP both ways). */
#include <stdio.h>
#include <string.h>
#include "fuzz.h"
#include "util/b64.h"

static void check_recipient(const veil_recipient *r)
{
	veil_recipient *again = NULL;
	char *text = NULL, *text2 = NULL;

	if (veil_recipient_encode(&text, r) < 0 ||
	    veil_recipient_parse(&again, text, strlen(text)) < 0 ||
	    veil_recipient_encode(&text2, again) < 0 || strcmp(text, text2) != 0)
		__builtin_trap();
	free(text);
	free(text2);
	veil_recipient_free(again);
}

/* Encrypt to the identity's own recipient; it must open it, unless it is a
 * passphrase-protected (locked) key, which must say so. */
static void round_trip(const veil_identities *ids)
{
	veil_recipients *rs = NULL;
	veil_recipient *r = NULL;
	uint8_t *file = NULL, *plain = NULL;
	size_t len = 0, plain_len = 0;
	int error;

	if (veil_identity_to_recipient(&r, veil_identities_get(ids, 0)) < 0)
		__builtin_trap();
	check_recipient(r);
	if (veil_recipients_new(&rs) < 0 || veil_recipients_add(rs, r) < 0 ||
	    veil_age_encrypt_mem(&file, &len, (const uint8_t *)"fuzz", 4, rs, NULL) < 0)
		__builtin_trap();
	error = veil_age_decrypt_mem(&plain, &plain_len, file, len, ids, NULL);
	if (error == 0 && (plain_len != 4 || memcmp(plain, "fuzz", 4) != 0))
		__builtin_trap();
	if (error != 0 && error != VEIL_EUNSUPPORTED)
		__builtin_trap();
	free(plain);
	free(file);
	veil_recipients_free(rs);
}

/* label + base64(data) + end label, in a malloc'd string. */
static char *armor(const char *label, const uint8_t *data, size_t len)
{
	size_t b64 = veil_b64_padded_len(len), n = 2 * strlen(label) + b64 + 64;
	char *out = malloc(n);

	if (out == NULL)
		return NULL;
	snprintf(out, n, "-----BEGIN %s-----\n", label);
	veil_b64_encode_padded(out + strlen(out), data, len);
	snprintf(out + strlen(out), n - strlen(out), "\n-----END %s-----\n", label);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	veil_identities *ids = NULL;
	veil_recipient *r = NULL;
	char *text = NULL;
	int mode;

	if (size < 1 || size > 64 * 1024)
		return 0;
	veil_fuzz_init();
	mode = data[0] % 8;
	data++;
	size--;
	if (mode == 4) {
		const char *types[2] = { "ssh-rsa ", "ssh-ed25519 " };
		for (int i = 0; i < 2; i++) {
			size_t n = strlen(types[i]) + veil_b64_padded_len(size) + 1;

			text = malloc(n);
			if (text == NULL)
				return 0;
			strcpy(text, types[i]);
			veil_b64_encode_padded(text + strlen(types[i]), data, size);
			if (veil_recipient_parse(&r, text, strlen(text)) == 0)
				check_recipient(r);
			veil_recipient_free(r);
			r = NULL;
			free(text);
		}
		return 0;
	}
	if (mode == 0 || mode == 5) {
		text = malloc(size + 1);
		if (text == NULL)
			return 0;
		memcpy(text, data, size);
		text[size] = '\0';
	} else {
		static const char *const labels[] = { "OPENSSH PRIVATE KEY", "RSA PRIVATE KEY",
			                              "PRIVATE KEY" };
		text = armor(labels[(mode >= 5 ? mode - 5 : mode) - 1], data, size);
		if (text == NULL)
			return 0;
	}
	if (veil_identities_new(&ids) < 0)
		abort();
	if (veil_identities_parse(ids, text, strlen(text), "fuzz") == 0 &&
	    veil_identity_type(veil_identities_get(ids, 0)) != VEIL_KEY_X25519 &&
	    veil_identity_type(veil_identities_get(ids, 0)) != VEIL_KEY_PLUGIN)
		round_trip(ids);
	veil_identities_free(ids);
	free(text);
	return 0;
}
