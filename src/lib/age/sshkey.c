/* OpenSSH private key files ("openssh-key-v1", PROTOCOL.key in OpenSSH):
 * only unencrypted files holding one ssh-ed25519 key are accepted. The
 * decoded key material lives in secret memory. */
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
	                      "%s: SSH key type %.*s is not supported (only ssh-ed25519)", name,
	                      (int)type.len, (const char *)type.p);
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

/* The private section: checkint, checkint, type, pub, priv (seed || pub),
 * comment, padding 1, 2, 3... Equal checkints are how OpenSSH detects a
 * wrong passphrase; for an unencrypted key they catch corruption. */
static int parse_private(veil_identity *id, veil_sshwire priv, const char *name)
{
	uint32_t check1, check2;
	veil_sshwire type, pub, sk, comment;
	uint8_t derived_pk[32], derived_sk[64];
	size_t i;
	int error;

	if (veil_sshwire__u32(&priv, &check1) < 0 || veil_sshwire__u32(&priv, &check2) < 0 ||
	    veil_sshwire__string(&priv, &type) < 0 || veil_sshwire__string(&priv, &pub) < 0 ||
	    veil_sshwire__string(&priv, &sk) < 0 || veil_sshwire__string(&priv, &comment) < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: truncated OpenSSH private key", name);
	if (check1 != check2)
		return veil_error_set(VEIL_EFORMAT, "%s: OpenSSH private key check failed", name);
	for (i = 0; i < priv.len; i++)
		if (priv.p[i] != (uint8_t)(i + 1))
			return veil_error_set(VEIL_EFORMAT, "%s: bad OpenSSH private key padding",
			                      name);
	if (!veil_sshwire__is(&type, "ssh-ed25519") || pub.len != 32 || sk.len != 64 ||
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

static int parse_container(veil_identity *id, const uint8_t *raw, size_t raw_len, const char *name)
{
	veil_sshwire w = { raw, raw_len }, cipher, kdf, kdfopts, pub_blob, priv;
	uint32_t nkeys;

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
	if (veil_sshed25519__pub_from_blob(&id->ssh, id->x_pub, pub_blob.p, pub_blob.len) < 0)
		return unsupported_type(&pub_blob, name);
	if (!veil_sshwire__is(&cipher, "none"))
		return veil_error_set(
		        VEIL_EUNSUPPORTED,
		        "%s: passphrase-protected SSH keys are not supported; use an unencrypted "
		        "key or an age identity",
		        name);
	if (!veil_sshwire__is(&kdf, "none"))
		return veil_error_set(VEIL_EFORMAT, "%s: unencrypted OpenSSH key names a KDF",
		                      name);
	return parse_private(id, priv, name);
}

int veil_sshed25519__parse_identity(veil_identity **out, const char *data, size_t len,
                                    const char *name)
{
	veil_identity *id = NULL;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	int error;

	*out = NULL;
	if (len > MAX_KEY_FILE)
		return veil_error_set(VEIL_ELIMIT, "%s: SSH key file is larger than %u bytes", name,
		                      MAX_KEY_FILE);
	if (len < strlen(PEM_BEGIN) || memcmp(data, PEM_BEGIN, strlen(PEM_BEGIN)) != 0)
		return veil_error_set(VEIL_EFORMAT, "%s: not an OpenSSH private key", name);
	error = pem_decode(&raw, &raw_len, data, len, name);
	if (error < 0)
		goto done;
	error = veil_keys__identity_alloc(&id, VEIL_KEY_SSH_ED25519, 32);
	if (error < 0)
		goto done;
	error = parse_container(id, raw, raw_len, name);
	if (error < 0)
		goto done;
	*out = id;
	id = NULL;
done:
	veil_identity_free(id);
	veil_secure_free(raw);
	return error;
}
