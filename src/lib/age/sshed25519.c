/* The ssh-ed25519 recipient type. The age spec does not define it; this
 * follows the reference implementation (age's agessh package): an X25519
 * exchange with the Ed25519 key's Montgomery form, tweaked by a key-specific
 * scalar, and a stanza tagged with a short fingerprint of the key. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "age/sshwire.h"
#include "age/keys_int.h"
#include "util/b64.h"
#include "util/hkdf.h"
#include "util/secret.h"

#define SSH_LABEL    "age-encryption.org/v1/ssh-ed25519"
#define SSH_TYPE     "ssh-ed25519"
#define SSH_TYPE_LEN (sizeof(SSH_TYPE) - 1)

int veil_sshed25519__pub_from_blob(veil_ssh_pub *pub, uint8_t x_pub[32], const uint8_t *blob,
                                   size_t len)
{
	veil_sshwire w = { blob, len }, type, key;
	uint8_t hash[crypto_hash_sha256_BYTES];

	if (veil_sshwire__string(&w, &type) < 0 || !veil_sshwire__is(&type, SSH_TYPE) ||
	    veil_sshwire__string(&w, &key) < 0 || key.len != 32 || w.len != 0)
		return veil_error_set(VEIL_EFORMAT, "not an ssh-ed25519 public key");
	/* libsodium refuses small-order and non-canonical points, which only a
	 * deliberately broken key would be. */
	if (crypto_sign_ed25519_pk_to_curve25519(x_pub, key.p) != 0)
		return veil_error_set(VEIL_EFORMAT, "invalid ssh-ed25519 public key point");
	memcpy(pub->blob, blob, VEIL_SSH_ED25519_BLOB_LEN);
	memcpy(pub->ed_pub, key.p, 32);
	crypto_hash_sha256(hash, blob, len);
	veil_b64_encode_raw(pub->tag, hash, 4);
	return 0;
}

int veil_sshed25519__is_other_ssh_type(const char *str, size_t len)
{
	size_t n = 0;

	while (n < len && str[n] != ' ' && str[n] != '\t')
		n++;
	if (n == SSH_TYPE_LEN && memcmp(str, SSH_TYPE, n) == 0)
		return 0;
	if (n == 7 && memcmp(str, "ssh-rsa", 7) == 0)
		return 0;
	return (n > 4 && memcmp(str, "ssh-", 4) == 0) || (n > 6 && memcmp(str, "ecdsa-", 6) == 0) ||
	       (n > 3 && memcmp(str, "sk-", 3) == 0);
}

/* A key of a type veil does not use: VEIL_EUNSUPPORTED if the line is a
 * well-formed key of that type (recipients files skip those), else
 * VEIL_EFORMAT, so a damaged line is not silently skipped. */
static int other_type(const char *type, size_t type_len, const char *b64, size_t b64_len)
{
	size_t cap = b64_len / 4 * 3 + 3, blob_len = 0;
	uint8_t *blob = malloc(cap);
	veil_sshwire w, t;
	int ok;

	if (blob == NULL)
		return veil_error_oom();
	ok = veil_b64_decode_padded(blob, cap, &blob_len, b64, b64_len) == 0;
	w.p = blob;
	w.len = blob_len;
	ok = ok && veil_sshwire__string(&w, &t) == 0 && t.len == type_len &&
	     memcmp(t.p, type, type_len) == 0;
	free(blob);
	if (!ok)
		return veil_error_set(VEIL_EFORMAT, "invalid %.*s public key", (int)type_len, type);
	return veil_error_set(VEIL_EUNSUPPORTED,
	                      "SSH key type %.*s is not supported (only ssh-ed25519 and ssh-rsa)",
	                      (int)type_len, type);
}

/* The base64 key of an "ssh-rsa" authorized_keys line. */
static int parse_rsa(veil_recipient **out, const char *b64, size_t len, int echo)
{
	size_t cap = len / 4 * 3 + 3, blob_len = 0;
	uint8_t *blob = len > 0 && len < 8192 ? malloc(cap) : NULL;
	int error;

	if (blob == NULL || veil_b64_decode_padded(blob, cap, &blob_len, b64, len) < 0)
		error = veil_error_set(VEIL_EFORMAT, "invalid ssh-rsa key data%s%.*s",
		                       echo ? ": " : "", echo ? (int)(len > 80 ? 80 : len) : 0,
		                       b64);
	else
		error = veil_sshrsa__recipient_from_blob(out, blob, blob_len);
	free(blob);
	return error;
}

/* authorized_keys line: TYPE SP BASE64 [SP COMMENT]. Options before the type
 * are not accepted (neither does age's CLI). */
int veil_sshed25519__parse_recipient(veil_recipient **out, const char *str, size_t len, int echo)
{
	uint8_t blob[VEIL_SSH_ED25519_BLOB_LEN + 3];
	size_t type_end = 0, b64_start, b64_end, blob_len = 0;
	veil_recipient *r = NULL;
	int error;

	*out = NULL;
	while (type_end < len && str[type_end] != ' ' && str[type_end] != '\t')
		type_end++;
	b64_start = type_end;
	while (b64_start < len && (str[b64_start] == ' ' || str[b64_start] == '\t'))
		b64_start++;
	b64_end = b64_start;
	while (b64_end < len && str[b64_end] != ' ' && str[b64_end] != '\t')
		b64_end++;
	if (type_end == 7 && memcmp(str, "ssh-rsa", 7) == 0)
		return parse_rsa(out, str + b64_start, b64_end - b64_start, echo);
	if (type_end != SSH_TYPE_LEN || memcmp(str, SSH_TYPE, SSH_TYPE_LEN) != 0) {
		if (veil_sshed25519__is_other_ssh_type(str, len) && type_end <= 64)
			return other_type(str, type_end, str + b64_start, b64_end - b64_start);
		return veil_error_set(VEIL_EFORMAT, "not an ssh-ed25519 public key");
	}
	if (b64_end == b64_start ||
	    veil_b64_decode_padded(blob, sizeof(blob), &blob_len, str + b64_start,
	                           b64_end - b64_start) < 0 ||
	    blob_len != VEIL_SSH_ED25519_BLOB_LEN) {
		if (echo)
			return veil_error_set(
			        VEIL_EFORMAT, "invalid ssh-ed25519 key data: %.*s",
			        (int)(b64_end - b64_start > 80 ? 80 : b64_end - b64_start),
			        str + b64_start);
		return veil_error_set(VEIL_EFORMAT, "invalid ssh-ed25519 key data");
	}
	error = veil_keys__recipient_alloc(&r, VEIL_KEY_SSH_ED25519);
	if (error < 0)
		return error;
	error = veil_sshed25519__pub_from_blob(&r->ssh, r->x_pub, blob, blob_len);
	if (error < 0) {
		veil_recipient_free(r);
		return error;
	}
	*out = r;
	return 0;
}

/* tweak = HKDF-SHA256(ikm = "", salt = wire public key, info = label): the
 * shared secret is multiplied by it so it is specific to this SSH key. */
static int tweak_scalar(uint8_t tweak[32], const veil_ssh_pub *pub)
{
	return veil_hkdf_sha256(tweak, 32, NULL, 0, pub->blob, sizeof(pub->blob),
	                        (const uint8_t *)SSH_LABEL, strlen(SSH_LABEL));
}

/* wrap key = HKDF-SHA256(ikm = X25519(tweak, dh), salt = E || R, info = label). */
static int derive_wrap_key(uint8_t key[32], const uint8_t dh[32], const veil_ssh_pub *pub,
                           const uint8_t e_pub[32], const uint8_t r_pub[32])
{
	uint8_t tweak[32], shared[32], salt[64];
	int error;

	error = tweak_scalar(tweak, pub);
	if (error < 0)
		goto done;
	if (crypto_scalarmult(shared, tweak, dh) != 0) {
		error = veil_error_set(VEIL_EFORMAT, "ssh-ed25519 shared secret is all zero");
		goto done;
	}
	memcpy(salt, e_pub, 32);
	memcpy(salt + 32, r_pub, 32);
	error = veil_hkdf_sha256(key, 32, shared, sizeof(shared), salt, sizeof(salt),
	                         (const uint8_t *)SSH_LABEL, strlen(SSH_LABEL));
done:
	sodium_memzero(tweak, sizeof(tweak));
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(salt, sizeof(salt));
	return error;
}

int veil_sshed25519__wrap(veil_stanza *out, const veil_recipient *r,
                          const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	uint8_t eph[32], e_pub[32], dh[32], key[32], body[VEIL_WRAPPED_KEY_LEN];
	char e_b64[44];
	const char *args[3];
	int error;

	randombytes_buf(eph, sizeof(eph));
	if (crypto_scalarmult_base(e_pub, eph) != 0 || crypto_scalarmult(dh, eph, r->x_pub) != 0) {
		error = veil_error_set(VEIL_EFORMAT, "ssh-ed25519 recipient is a low-order point");
		goto done;
	}
	error = derive_wrap_key(key, dh, &r->ssh, e_pub, r->x_pub);
	if (error < 0)
		goto done;
	veil_keys__aead_seal(body, key, file_key);
	veil_b64_encode_raw(e_b64, e_pub, sizeof(e_pub));
	args[0] = SSH_TYPE;
	args[1] = r->ssh.tag;
	args[2] = e_b64;
	error = veil_keys__stanza_build(out, args, 3, body, sizeof(body));
done:
	sodium_memzero(eph, sizeof(eph));
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(body, sizeof(body));
	return error;
}

int veil_sshed25519__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                            const veil_stanza *s)
{
	uint8_t e_pub[32], dh[32], key[32];
	int error;

	if (strcmp(s->args[0], SSH_TYPE) != 0)
		return VEIL_ENOMATCH;
	if (s->nargs != 3)
		return veil_error_set(VEIL_EFORMAT,
		                      "ssh-ed25519 stanza has %zu arguments, expected 2",
		                      s->nargs - 1);
	if (veil_keys__decode_arg(e_pub, sizeof(e_pub), s->args[2]) < 0)
		return veil_error_set(
		        VEIL_EFORMAT,
		        "ssh-ed25519 stanza share is not the canonical base64 of 32 bytes");
	/* Another SSH key's stanza: not ours, and not worth any work. */
	if (strcmp(s->args[1], id->ssh.tag) != 0)
		return VEIL_ENOMATCH;
	if (id->why_locked[0])
		return veil_error_set(VEIL_EUNSUPPORTED, "%s", id->why_locked);
	if (s->body_len != VEIL_WRAPPED_KEY_LEN)
		return veil_error_set(VEIL_EFORMAT,
		                      "ssh-ed25519 stanza body is %zu bytes, expected %d",
		                      s->body_len, VEIL_WRAPPED_KEY_LEN);
	if (crypto_scalarmult(dh, id->secret, e_pub) != 0) {
		error = veil_error_set(
		        VEIL_EFORMAT,
		        "ssh-ed25519 stanza share is a low-order point (all-zero shared secret)");
		goto done;
	}
	error = derive_wrap_key(key, dh, &id->ssh, e_pub, id->x_pub);
	if (error < 0)
		goto done;
	error = veil_keys__aead_open(file_key, key, s->body);
done:
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(key, sizeof(key));
	return error;
}
