/* SSH private key files: OpenSSH's "openssh-key-v1" (PROTOCOL.key in
 * OpenSSH) holding one ssh-ed25519 or ssh-rsa key, and PEM RSA keys (read
 * by sshrsa.c). A passphrase-protected OpenSSH key gives a locked identity:
 * its public half is in clear, so it is refused only when a file needs it.
 * The decoded key material lives in secret memory. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "age/sshwire.h"
#include "age/keys_int.h"
#include "util/b64.h"
#include "util/secret.h"

#define PEM_BEGIN    "-----BEGIN OPENSSH PRIVATE KEY-----"
#define PEM_END      "-----END OPENSSH PRIVATE KEY-----"
#define KEY_MAGIC    "openssh-key-v1" /* followed by a NUL byte */
#define MAX_KEY_FILE (16u * 1024)

/* The key type named by a public key blob, for messages (it is public). */
static int unsupported_type(const veil_sshwire *pub_blob, const char *name)
{
	veil_sshwire w = *pub_blob, type;
	size_t i;

	if (veil_sshwire__string(&w, &type) < 0 || type.len == 0 || type.len > 40)
		return veil_error_set(VEIL_EFORMAT, "%s: malformed OpenSSH private key", name);
	if (veil_sshwire__is(&type, "ssh-ed25519"))
		return veil_error_set(VEIL_EFORMAT, "%s: invalid ssh-ed25519 public key", name);
	for (i = 0; i < type.len; i++)
		if (type.p[i] < 0x21 || type.p[i] > 0x7e)
			return veil_error_set(VEIL_EFORMAT, "%s: malformed OpenSSH private key",
			                      name);
	return veil_error_set(VEIL_EUNSUPPORTED,
	                      "%s: SSH key type %.*s is not supported (only ssh-ed25519 and "
	                      "ssh-rsa)",
	                      name, (int)type.len, (const char *)type.p);
}

/* Decodes the base64 between the PEM lines into secret memory. */
static int pem_decode(uint8_t **out, size_t *out_len, const char *data, size_t len,
                      const char *name)
{
	const char *p = data + strlen(PEM_BEGIN), *stop = NULL;
	char *text = NULL;
	size_t n = 0, cap, i;
	int error;

	*out = NULL;
	for (i = strlen(PEM_BEGIN); i + strlen(PEM_END) <= len; i++) {
		if (data[i] == '-' && memcmp(data + i, PEM_END, strlen(PEM_END)) == 0) {
			stop = data + i;
			break;
		}
	}
	if (stop == NULL)
		return veil_error_set(VEIL_EFORMAT, "%s: OpenSSH private key has no END line",
		                      name);
	text = veil_secure_alloc((size_t)(stop - p) + 1);
	cap = (size_t)(stop - p) / 4 * 3 + 3;
	*out = veil_secure_alloc(cap);
	if (text == NULL || *out == NULL) {
		error = VEIL_ENOMEM;
		goto done;
	}
	for (; p < stop; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			text[n++] = *p;
	error = veil_b64_decode_padded(*out, cap, out_len, text, n);
	if (error < 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: OpenSSH private key is not valid base64",
		                       name);
done:
	veil_secure_free(text);
	if (error < 0) {
		veil_secure_free(*out);
		*out = NULL;
	}
	return error;
}

/* An ssh-ed25519 private section after its type: pub, priv (seed || pub). */
static int ed25519_fields(veil_identity *id, const veil_sshwire *type, veil_sshwire *priv,
                          const char *name)
{
	veil_sshwire pub, sk;
	uint8_t derived_pk[32], derived_sk[64];
	int error;

	if (veil_sshwire__string(priv, &pub) < 0 || veil_sshwire__string(priv, &sk) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	if (!veil_sshwire__is(type, "ssh-ed25519") || pub.len != 32 || sk.len != 64 ||
	    memcmp(sk.p + 32, pub.p, 32) != 0 || memcmp(pub.p, id->ssh.ed_pub, 32) != 0)
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: OpenSSH private key does not match its public key",
		                      name);
	/* The seed must really produce this public key. */
	crypto_sign_seed_keypair(derived_pk, derived_sk, sk.p);
	error = sodium_memcmp(derived_pk, pub.p, 32) == 0
	                ? 0
	                : veil_error_set(VEIL_EFORMAT, "%s: OpenSSH private key is inconsistent",
	                                 name);
	if (error == 0 && crypto_sign_ed25519_sk_to_curve25519(id->secret, sk.p) != 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: invalid ssh-ed25519 private key", name);
	sodium_memzero(derived_sk, sizeof(derived_sk));
	return error;
}

/* The private section: checkint, checkint, type, key fields, comment,
 * padding 1, 2, 3... Equal checkints are how OpenSSH detects a wrong
 * passphrase; for an unencrypted key they catch corruption. */
static int parse_private(veil_identity *id, veil_sshwire priv, const char *name)
{
	uint32_t check1, check2;
	veil_sshwire type, comment;
	size_t i;
	int error;

	if (veil_sshwire__u32(&priv, &check1) < 0 || veil_sshwire__u32(&priv, &check2) < 0 ||
	    veil_sshwire__string(&priv, &type) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	if (check1 != check2)
		return veil_error_set(VEIL_EFORMAT, "%s: OpenSSH private key check failed", name);
	if (id->type == VEIL_KEY_SSH_RSA) {
		if (!veil_sshwire__is(&type, "ssh-rsa"))
			return veil_error_set(
			        VEIL_EFORMAT,
			        "%s: OpenSSH private key does not match its public key", name);
		error = veil_sshrsa__identity_from_fields(id, &priv);
		if (error < 0)
			return veil_error_set(error, "%s: %s", name, "invalid ssh-rsa private key");
	} else {
		error = ed25519_fields(id, &type, &priv, name);
		if (error < 0)
			return error;
	}
	if (veil_sshwire__string(&priv, &comment) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	for (i = 0; i < priv.len; i++)
		if (priv.p[i] != (uint8_t)(i + 1))
			return veil_error_set(VEIL_EFORMAT, "%s: bad OpenSSH private key padding",
			                      name);
	return 0;
}

/* The identity of the public key blob, without its secret yet. */
static int identity_for_blob(veil_identity **out, const veil_sshwire *pub_blob, const char *name)
{
	veil_identity *id = NULL;
	int error;

	*out = NULL;
	if (veil_sshrsa__identity_from_blob(&id, pub_blob->p, pub_blob->len) == 0) {
		*out = id;
		return 0;
	}
	error = veil_keys__identity_alloc(&id, VEIL_KEY_SSH_ED25519, 32);
	if (error < 0)
		return error;
	if (veil_sshed25519__pub_from_blob(&id->ssh, id->x_pub, pub_blob->p, pub_blob->len) < 0) {
		veil_identity_free(id);
		return unsupported_type(pub_blob, name);
	}
	*out = id;
	return 0;
}

/* A passphrase-protected key: its public half tells which stanzas are its
 * own, so it only fails when a file really needs it. */
static void lock(veil_identity *id, const char *name)
{
	char *why = id->type == VEIL_KEY_SSH_RSA ? id->rsa.why_locked : id->why_locked;

	snprintf(why, sizeof(id->why_locked),
	         "%.60s is passphrase-protected: veil cannot open OpenSSH keys protected "
	         "with bcrypt-pbkdf (neither libsodium nor libcrypto has it); remove the "
	         "passphrase with ssh-keygen -p, or use an age identity",
	         name);
}

static int parse_container(veil_identity **out, const uint8_t *raw, size_t raw_len,
                           const char *name)
{
	veil_sshwire w = { raw, raw_len }, cipher, kdf, kdfopts, pub_blob, priv;
	veil_identity *id = NULL;
	uint32_t nkeys;
	int error;

	if (raw_len < sizeof(KEY_MAGIC) || memcmp(raw, KEY_MAGIC, sizeof(KEY_MAGIC)) != 0)
		return veil_error_set(VEIL_EFORMAT, "%s: not an openssh-key-v1 private key", name);
	w.p += sizeof(KEY_MAGIC);
	w.len -= sizeof(KEY_MAGIC);
	if (veil_sshwire__string(&w, &cipher) < 0 || veil_sshwire__string(&w, &kdf) < 0 ||
	    veil_sshwire__string(&w, &kdfopts) < 0 || veil_sshwire__u32(&w, &nkeys) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	if (nkeys != 1)
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: OpenSSH private key file holds %u keys, expected 1",
		                      name, (unsigned)nkeys);
	if (veil_sshwire__string(&w, &pub_blob) < 0 || veil_sshwire__string(&w, &priv) < 0 ||
	    w.len != 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	if ((error = identity_for_blob(&id, &pub_blob, name)) < 0)
		return error;
	if (!veil_sshwire__is(&cipher, "none")) {
		lock(id, name);
		error = 0;
	} else if (!veil_sshwire__is(&kdf, "none")) {
		error = veil_error_set(VEIL_EFORMAT, "%s: unencrypted OpenSSH key names a KDF",
		                       name);
	} else {
		error = parse_private(id, priv, name);
	}
	if (error < 0) {
		veil_identity_free(id);
		return error;
	}
	*out = id;
	return 0;
}

int veil_keys__is_ssh_private_key(const char *data, size_t len)
{
	static const char *const labels[] = { PEM_BEGIN, "-----BEGIN RSA PRIVATE KEY-----",
		                              "-----BEGIN PRIVATE KEY-----" };
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (len >= strlen(labels[i]) && memcmp(data, labels[i], strlen(labels[i])) == 0)
			return 1;
	return 0;
}

int veil_keys__ssh_identity_parse(veil_identity **out, const char *data, size_t len,
                                  const char *name)
{
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	int error;

	*out = NULL;
	if (len > MAX_KEY_FILE)
		return veil_error_set(VEIL_ELIMIT, "%s: SSH key file is larger than %u bytes", name,
		                      MAX_KEY_FILE);
	if (len < strlen(PEM_BEGIN) || memcmp(data, PEM_BEGIN, strlen(PEM_BEGIN)) != 0)
		return veil_sshrsa__identity_from_pem(out, data, len, name);
	error = pem_decode(&raw, &raw_len, data, len, name);
	if (error == 0)
		error = parse_container(out, raw, raw_len, name);
	veil_secure_free(raw);
	return error;
}

int veil_sshed25519__parse_identity(veil_identity **out, const char *data, size_t len,
                                    const char *name)
{
	int error = veil_keys__ssh_identity_parse(out, data, len, name);

	if (error == 0 && veil_identity_type(*out) != VEIL_KEY_SSH_ED25519) {
		veil_identity_free(*out);
		*out = NULL;
		return veil_error_set(VEIL_EUNSUPPORTED, "%s: not an ssh-ed25519 key", name);
	}
	return error;
}
