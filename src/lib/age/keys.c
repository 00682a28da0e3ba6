/* Identities and recipients: allocation, the Bech32 text forms, passphrase
 * keys, and the dispatch of wrap/unwrap to the per-type files. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "age/keys_int.h"
#include "util/b64.h"
#include "util/bech32.h"
#include "util/secret.h"

#define IDENTITY_HRP  "age-secret-key-"
#define RECIPIENT_HRP "age"

int veil_keys__identity_alloc(veil_identity **out, veil_key_type type, size_t secret_len)
{
	veil_identity *id = calloc(1, sizeof(*id));

	*out = NULL;
	if (id == NULL) {
		veil_error_oom();
		return VEIL_ENOMEM;
	}
	id->type = type;
	id->secret = veil_secure_alloc(secret_len);
	if (id->secret == NULL) {
		free(id);
		return VEIL_ENOMEM;
	}
	id->secret_len = secret_len;
	*out = id;
	return 0;
}

int veil_keys__recipient_alloc(veil_recipient **out, veil_key_type type)
{
	veil_recipient *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL) {
		veil_error_oom();
		return VEIL_ENOMEM;
	}
	r->type = type;
	*out = r;
	return 0;
}

veil_key_type veil_identity_type(const veil_identity *id)
{
	return id->type;
}

void veil_identity_free(veil_identity *id)
{
	if (id == NULL)
		return;
	veil_secure_free(id->secret);
	veil_sshrsa__key_dispose(&id->rsa);
	veil_secure_free(id->plugin.text);
	sodium_memzero(id, sizeof(*id));
	free(id);
}

veil_key_type veil_recipient_type(const veil_recipient *r)
{
	return r->type;
}

void veil_recipient_free(veil_recipient *r)
{
	if (r == NULL)
		return;
	veil_secure_free(r->pass);
	veil_sshrsa__key_dispose(&r->rsa);
	if (r->plugin.is_identity)
		veil_secure_free(r->plugin.text);
	else
		free(r->plugin.text);
	sodium_memzero(r, sizeof(*r));
	free(r);
}

/* Sets the X25519 public point of a scalar identity. */
static int set_public(veil_identity *id)
{
	if (crypto_scalarmult_base(id->x_pub, id->secret) != 0)
		return veil_error_set(VEIL_EFORMAT, "invalid X25519 identity");
	return 0;
}

int veil_identity_generate(veil_identity **out)
{
	veil_identity *id = NULL;
	int error;

	*out = NULL;
	error = veil_keys__identity_alloc(&id, VEIL_KEY_X25519, 32);
	if (error < 0)
		return error;
	randombytes_buf(id->secret, 32);
	error = set_public(id);
	if (error < 0) {
		veil_identity_free(id);
		return error;
	}
	*out = id;
	return 0;
}

static int has_byte_in(const char *s, size_t len, char lo, char hi)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= lo && s[i] <= hi)
			return 1;
	return 0;
}

int veil_identity_parse(veil_identity **out, const char *str, size_t len)
{
	veil_identity *id = NULL;
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t data_len = 0;
	int error;

	*out = NULL;
	/* The canonical form is uppercase; age and typage refuse any other. */
	if (has_byte_in(str, len, 'a', 'z') ||
	    veil_bech32_decode(&hrp, &data, &data_len, str, len) < 0 ||
	    strcmp(hrp, IDENTITY_HRP) != 0 || data_len != 32) {
		error = veil_error_set(VEIL_EFORMAT, "not an AGE-SECRET-KEY-1 identity");
		goto done;
	}
	error = veil_keys__identity_alloc(&id, VEIL_KEY_X25519, 32);
	if (error < 0)
		goto done;
	memcpy(id->secret, data, 32);
	error = set_public(id);
	if (error < 0)
		goto done;
	*out = id;
	id = NULL;
done:
	veil_identity_free(id);
	if (data != NULL)
		veil_wipe_free(data, data_len);
	free(hrp);
	return error;
}

int veil_identity_encode(char **out, const veil_identity *id)
{
	char *tmp = NULL;
	size_t len;
	int error;

	*out = NULL;
	if (id == NULL || id->type != VEIL_KEY_X25519)
		return veil_error_set(VEIL_EINVAL, "only X25519 identities have a text form");
	error = veil_bech32_encode(&tmp, IDENTITY_HRP, id->secret, 32, 1);
	if (error < 0)
		return error;
	len = strlen(tmp);
	*out = veil_secure_alloc(len + 1);
	if (*out == NULL)
		error = VEIL_ENOMEM;
	else
		memcpy(*out, tmp, len + 1);
	veil_wipe_free_str(tmp);
	return error;
}

int veil_identity_from_passphrase(veil_identity **out, const char *pass, size_t len,
                                  int max_work_factor)
{
	veil_identity *id = NULL;
	int error;

	*out = NULL;
	if (max_work_factor == 0)
		max_work_factor = VEIL_SCRYPT_MAX_WORK_FACTOR;
	if (pass == NULL || len == 0)
		return veil_error_set(VEIL_EINVAL, "the passphrase is empty");
	if (max_work_factor < VEIL_SCRYPT_MIN_WORK_FACTOR ||
	    max_work_factor > VEIL_SCRYPT_LIMIT_WORK_FACTOR)
		return veil_error_set(VEIL_EINVAL, "maximum scrypt work factor %d is not in 1..%d",
		                      max_work_factor, VEIL_SCRYPT_LIMIT_WORK_FACTOR);
	error = veil_keys__identity_alloc(&id, VEIL_KEY_SCRYPT, len);
	if (error < 0)
		return error;
	memcpy(id->secret, pass, len);
	id->max_work_factor = max_work_factor;
	*out = id;
	return 0;
}

int veil_recipient_from_passphrase(veil_recipient **out, const char *pass, size_t len,
                                   int work_factor)
{
	veil_recipient *r = NULL;
	int error;

	*out = NULL;
	if (work_factor == 0)
		work_factor = VEIL_SCRYPT_WORK_FACTOR;
	if (pass == NULL || len == 0)
		return veil_error_set(VEIL_EINVAL, "the passphrase is empty");
	if (work_factor < VEIL_SCRYPT_MIN_WORK_FACTOR ||
	    work_factor > VEIL_SCRYPT_LIMIT_WORK_FACTOR)
		return veil_error_set(VEIL_EINVAL, "scrypt work factor %d is not in 1..%d",
		                      work_factor, VEIL_SCRYPT_LIMIT_WORK_FACTOR);
	error = veil_keys__recipient_alloc(&r, VEIL_KEY_SCRYPT);
	if (error < 0)
		return error;
	r->pass = veil_secure_alloc(len);
	if (r->pass == NULL) {
		veil_recipient_free(r);
		return VEIL_ENOMEM;
	}
	memcpy(r->pass, pass, len);
	r->pass_len = len;
	r->work_factor = work_factor;
	*out = r;
	return 0;
}

int veil_identity_to_recipient(veil_recipient **out, const veil_identity *id)
{
	veil_recipient *r = NULL;
	int error;

	*out = NULL;
	if (id == NULL || id->type == VEIL_KEY_SCRYPT)
		return veil_error_set(VEIL_EINVAL, "a passphrase identity has no recipient");
	error = veil_keys__recipient_alloc(&r, id->type);
	if (error < 0)
		return error;
	memcpy(r->x_pub, id->x_pub, sizeof(r->x_pub));
	r->ssh = id->ssh;
	if (id->type == VEIL_KEY_PLUGIN) {
		/* Encrypting "to an identity" (age -e -j NAME): the plugin is told
		 * add-identity, and the text stays a secret. */
		r->plugin = id->plugin;
		r->plugin.is_identity = 1;
		r->plugin.text = veil_secure_alloc(id->plugin.text_len + 1);
		if (r->plugin.text == NULL) {
			veil_recipient_free(r);
			return VEIL_ENOMEM;
		}
		memcpy(r->plugin.text, id->plugin.text, id->plugin.text_len + 1);
		*out = r;
		return 0;
	}
	if (id->type == VEIL_KEY_SSH_RSA &&
	    (error = veil_sshrsa__key_copy_public(&r->rsa, &id->rsa)) < 0) {
		veil_recipient_free(r);
		return error;
	}
	*out = r;
	return 0;
}

static int parse_age1(veil_recipient **out, const char *str, size_t len, int echo)
{
	veil_recipient *r = NULL;
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t data_len = 0;
	int error;

	if (has_byte_in(str, len, 'A', 'Z') ||
	    veil_bech32_decode(&hrp, &data, &data_len, str, len) < 0 ||
	    strcmp(hrp, RECIPIENT_HRP) != 0 || data_len != 32) {
		if (echo)
			error = veil_error_set(VEIL_EFORMAT, "malformed age recipient: %.*s",
			                       (int)(len > 100 ? 100 : len), str);
		else
			error = veil_error_set(VEIL_EFORMAT, "malformed age recipient");
		goto done;
	}
	error = veil_keys__recipient_alloc(&r, VEIL_KEY_X25519);
	if (error < 0)
		goto done;
	memcpy(r->x_pub, data, 32);
	*out = r;
done:
	free(data);
	free(hrp);
	return error;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

int veil_keys__recipient_parse(veil_recipient **out, const char *str, size_t len, int echo)
{
	*out = NULL;
	if (str == NULL)
		return veil_error_set(VEIL_EINVAL, "no recipient given");
	/* Routed by prefix in the order the Go CLI uses. */
	if (starts_with(str, len, "age1tagpq1") || starts_with(str, len, "age1pq1"))
		return veil_error_set(VEIL_EUNSUPPORTED, "post-quantum recipient: " VEIL_PQ_REASON);
	if (starts_with(str, len, "age1tag1"))
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "tag recipients (age1tag1..., P-256 HPKE) are not supported");
	if (starts_with(str, len, "age1") && memchr(str + 4, '1', len - 4) != NULL)
		return veil_keys__plugin_recipient_parse(out, str, len);
	if (starts_with(str, len, "age1"))
		return parse_age1(out, str, len, echo);
	if (starts_with(str, len, "ssh-") || starts_with(str, len, "ecdsa-") ||
	    starts_with(str, len, "sk-"))
		return veil_sshed25519__parse_recipient(out, str, len, echo);
	if (starts_with(str, len, "AGE-"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "an identity (secret key) was given where a recipient was expected");
	if (echo)
		return veil_error_set(VEIL_EFORMAT, "unknown recipient type: %.*s",
		                      (int)(len > 100 ? 100 : len), str);
	return veil_error_set(VEIL_EFORMAT, "unknown recipient type");
}

int veil_recipient_parse(veil_recipient **out, const char *str, size_t len)
{
	return veil_keys__recipient_parse(out, str, len, 1);
}

int veil_recipient_encode(char **out, const veil_recipient *r)
{
	const char *prefix = "ssh-ed25519 ";
	const uint8_t *blob = NULL;
	size_t plen, blen = VEIL_SSH_ED25519_BLOB_LEN;

	*out = NULL;
	if (r == NULL || r->type == VEIL_KEY_SCRYPT)
		return veil_error_set(VEIL_EINVAL, "a passphrase recipient has no text form");
	if (r->type == VEIL_KEY_X25519)
		return veil_bech32_encode(out, RECIPIENT_HRP, r->x_pub, 32, 0);
	if (r->type == VEIL_KEY_PLUGIN) {
		if (r->plugin.is_identity)
			return veil_error_set(VEIL_EINVAL,
			                      "a plugin identity has no recipient text");
		*out = strndup(r->plugin.text, r->plugin.text_len);
		return *out ? 0 : veil_error_oom();
	}
	blob = r->ssh.blob;
	if (r->type == VEIL_KEY_SSH_RSA) {
		prefix = "ssh-rsa ";
		blob = r->rsa.blob;
		blen = r->rsa.blob_len;
	}
	plen = strlen(prefix);
	*out = malloc(plen + veil_b64_padded_len(blen) + 1);
	if (*out == NULL)
		return veil_error_oom();
	memcpy(*out, prefix, plen);
	veil_b64_encode_padded(*out + plen, blob, blen);
	return 0;
}

void veil_keys__stanza_clear(veil_stanza *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; s->args != NULL && i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

int veil_keys__stanza_build(veil_stanza *out, const char *const *args, size_t nargs,
                            const uint8_t *body, size_t body_len)
{
	veil_stanza s = { NULL, 0, NULL, 0 };

	s.args = calloc(nargs, sizeof(*s.args));
	if (s.args == NULL)
		goto oom;
	for (; s.nargs < nargs; s.nargs++) {
		s.args[s.nargs] = strdup(args[s.nargs]);
		if (s.args[s.nargs] == NULL)
			goto oom;
	}
	if (body_len > 0) {
		s.body = malloc(body_len);
		if (s.body == NULL)
			goto oom;
		memcpy(s.body, body, body_len);
		s.body_len = body_len;
	}
	*out = s;
	return 0;
oom:
	veil_keys__stanza_clear(&s);
	return veil_error_oom();
}

void veil_keys__aead_seal(uint8_t body[VEIL_WRAPPED_KEY_LEN], const uint8_t key[32],
                          const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, VEIL_FILE_KEY_LEN, NULL, 0,
	                                          NULL, zero_nonce, key);
}

int veil_keys__aead_open(uint8_t file_key[VEIL_FILE_KEY_LEN], const uint8_t key[32],
                         const uint8_t *body)
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (crypto_aead_chacha20poly1305_ietf_decrypt(file_key, NULL, NULL, body,
	                                              VEIL_WRAPPED_KEY_LEN, NULL, 0, zero_nonce,
	                                              key) != 0) {
		sodium_memzero(file_key, VEIL_FILE_KEY_LEN);
		return VEIL_ENOMATCH;
	}
	return 0;
}

int veil_keys__decode_arg(uint8_t *out, size_t len, const char *arg)
{
	size_t got = 0;

	if (veil_b64_decode_raw(out, len, &got, arg, strlen(arg)) < 0 || got != len)
		return VEIL_EFORMAT;
	return 0;
}

int veil_recipient__wrap(veil_stanza *out, const veil_recipient *r,
                         const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	switch (r->type) {
	case VEIL_KEY_X25519:
		return veil_x25519__wrap(out, r->x_pub, file_key);
	case VEIL_KEY_SSH_ED25519:
		return veil_sshed25519__wrap(out, r, file_key);
	case VEIL_KEY_SCRYPT:
		return veil_scrypt__wrap(out, r, file_key);
	case VEIL_KEY_SSH_RSA:
		return veil_sshrsa__wrap(out, r, file_key);
	case VEIL_KEY_PLUGIN:
		return veil_error_set(VEIL_EINVAL, "plugin recipients wrap through their plugin");
	}
	return veil_error_set(VEIL_EINVAL, "unknown recipient type");
}

int veil_identity__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                          const veil_stanza *s)
{
	if (s->nargs < 1 || s->args == NULL || s->args[0] == NULL)
		return VEIL_ENOMATCH;
	switch (id->type) {
	case VEIL_KEY_X25519:
		return veil_x25519__unwrap(file_key, id, s);
	case VEIL_KEY_SSH_ED25519:
		return veil_sshed25519__unwrap(file_key, id, s);
	case VEIL_KEY_SCRYPT:
		return veil_scrypt__unwrap(file_key, id, s);
	case VEIL_KEY_SSH_RSA:
		return veil_sshrsa__unwrap(file_key, id, s);
	case VEIL_KEY_PLUGIN:
		return VEIL_ENOMATCH; /* plugins see the whole header (plugin_client.c) */
	}
	return veil_error_set(VEIL_EINVAL, "unknown identity type");
}
