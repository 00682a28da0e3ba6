/* The X25519 recipient type (age spec "The X25519 recipient type"). */
#include <string.h>
#include <sodium.h>
#include "age/keys_int.h"
#include "util/b64.h"
#include "util/hkdf.h"

#define X25519_LABEL "age-encryption.org/v1/X25519"

/* wrap key = HKDF-SHA256(ikm = shared, salt = E || R, info = label). */
static int derive_wrap_key(uint8_t key[32], const uint8_t shared[32], const uint8_t e_pub[32],
                           const uint8_t r_pub[32])
{
	uint8_t salt[64];
	int error;

	memcpy(salt, e_pub, 32);
	memcpy(salt + 32, r_pub, 32);
	error = veil_hkdf_sha256(key, 32, shared, 32, salt, sizeof(salt),
	                         (const uint8_t *)X25519_LABEL, strlen(X25519_LABEL));
	sodium_memzero(salt, sizeof(salt));
	return error;
}

int veil_x25519__wrap(veil_stanza *out, const uint8_t their_pub[32],
                      const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	uint8_t eph[32], e_pub[32], shared[32], key[32], body[VEIL_WRAPPED_KEY_LEN];
	char e_b64[44];
	const char *args[2];
	int error;

	randombytes_buf(eph, sizeof(eph));
	if (crypto_scalarmult_base(e_pub, eph) != 0 ||
	    crypto_scalarmult(shared, eph, their_pub) != 0) {
		/* Only a low-order recipient key gets here; ours never are. */
		error = veil_error_set(VEIL_EFORMAT, "X25519 recipient is a low-order point");
		goto done;
	}
	error = derive_wrap_key(key, shared, e_pub, their_pub);
	if (error < 0)
		goto done;
	veil_keys__aead_seal(body, key, file_key);
	veil_b64_encode_raw(e_b64, e_pub, sizeof(e_pub));
	args[0] = "X25519";
	args[1] = e_b64;
	error = veil_keys__stanza_build(out, args, 2, body, sizeof(body));
done:
	sodium_memzero(eph, sizeof(eph));
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(body, sizeof(body));
	return error;
}

int veil_x25519__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s)
{
	uint8_t e_pub[32], shared[32], key[32];
	int error;

	if (strcmp(s->args[0], "X25519") != 0)
		return VEIL_ENOMATCH;
	if (s->nargs != 2)
		return veil_error_set(VEIL_EFORMAT, "X25519 stanza has %zu arguments, expected 1",
		                      s->nargs - 1);
	error = veil_keys__decode_arg(e_pub, sizeof(e_pub), s->args[1]);
	if (error < 0)
		return veil_error_set(
		        VEIL_EFORMAT,
		        "X25519 stanza share is not the canonical base64 of 32 bytes");
	/* Checked before any decryption, so a longer body cannot probe several
	 * keys at once (the spec's partitioning-oracle rule). */
	if (s->body_len != VEIL_WRAPPED_KEY_LEN)
		return veil_error_set(VEIL_EFORMAT, "X25519 stanza body is %zu bytes, expected %d",
		                      s->body_len, VEIL_WRAPPED_KEY_LEN);
	if (crypto_scalarmult(shared, id->secret, e_pub) != 0) {
		error = veil_error_set(
		        VEIL_EFORMAT,
		        "X25519 stanza share is a low-order point (all-zero shared secret)");
		goto done;
	}
	error = derive_wrap_key(key, shared, e_pub, id->x_pub);
	if (error < 0)
		goto done;
	error = veil_keys__aead_open(file_key, key, s->body);
done:
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(key, sizeof(key));
	return error;
}
