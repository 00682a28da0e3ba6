/* The ssh-rsa recipient type. The age spec does not define it; this follows
 * the reference implementation (age's agessh package): the file key is
 * encrypted with RSAES-OAEP (SHA-256 for the hash and MGF1, label
 * "age-encryption.org/v1/ssh-rsa") under the SSH key, in a stanza tagged
 * with the same short fingerprint as ssh-ed25519. libsodium has no RSA, so
 * OpenSSL's libcrypto does the arithmetic. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include "age/sshwire.h"
#include "age/keys_int.h"
#include "util/b64.h"
#include "util/secret.h"

#define RSA_LABEL    "age-encryption.org/v1/ssh-rsa"
#define RSA_TYPE     "ssh-rsa"
#define RSA_MIN_BITS 2048  /* age refuses smaller keys when encrypting */
#define RSA_MAX_BITS 16384 /* OpenSSH's own limit */
#define RSA_MAX_BLOB 4096

void veil_sshrsa__key_dispose(veil_rsa_key *k)
{
	free(k->blob);
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof(*k));
}

/* A BIGNUM from an SSH mpint: positive, minimal (no needless leading 0). */
static BIGNUM *mpint(const veil_sshwire *m, int secret)
{
	BIGNUM *bn;

	if (m->len == 0 || (m->p[0] & 0x80) || (m->len > 1 && m->p[0] == 0 && !(m->p[1] & 0x80)))
		return NULL;
	bn = secret ? BN_secure_new() : BN_new();
	if (bn != NULL && BN_bin2bn(m->p, (int)m->len, bn) == NULL) {
		BN_free(bn);
		bn = NULL;
	}
	return bn;
}

/* An EVP_PKEY from its parts (the private ones may be NULL). */
static EVP_PKEY *build_pkey(BIGNUM *n, BIGNUM *e, BIGNUM *const priv[6])
{
	static const char *const names[6] = {
		OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
		OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	};
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int ok, i;

	ok = bld != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	for (i = 0; ok && priv != NULL && i < 6; i++)
		ok = OSSL_PARAM_BLD_push_BN(bld, names[i], priv[i]);
	if (ok)
		params = OSSL_PARAM_BLD_to_param(bld);
	ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL) : NULL;
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <=
	            0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* n and e of a public blob; the blob must be exactly "ssh-rsa", e, n. */
static int blob_numbers(BIGNUM **n, BIGNUM **e, const uint8_t *blob, size_t len)
{
	veil_sshwire w = { blob, len }, type, me, mn;
	int bits;

	*n = *e = NULL;
	if (len > RSA_MAX_BLOB || veil_sshwire__string(&w, &type) < 0 ||
	    !veil_sshwire__is(&type, RSA_TYPE) || veil_sshwire__string(&w, &me) < 0 ||
	    veil_sshwire__string(&w, &mn) < 0 || w.len != 0 || (*e = mpint(&me, 0)) == NULL ||
	    (*n = mpint(&mn, 0)) == NULL)
		goto bad;
	bits = BN_num_bits(*n);
	if (!BN_is_odd(*e) || BN_is_one(*e) || BN_num_bits(*e) > 64 || !BN_is_odd(*n))
		goto bad;
	if (bits < RSA_MIN_BITS)
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "ssh-rsa key of %d bits: age needs at least %d", bits,
		                      RSA_MIN_BITS);
	if (bits > RSA_MAX_BITS)
		return veil_error_set(VEIL_ELIMIT, "ssh-rsa key of %d bits is too large", bits);
	return 0;
bad:
	return veil_error_set(VEIL_EFORMAT, "invalid ssh-rsa public key");
}

/* blob copy and tag. */
static int set_public(veil_rsa_key *k, veil_ssh_pub *pub, const uint8_t *blob, size_t len)
{
	uint8_t hash[crypto_hash_sha256_BYTES];

	k->blob = malloc(len);
	if (k->blob == NULL)
		return veil_error_oom();
	memcpy(k->blob, blob, len);
	k->blob_len = len;
	crypto_hash_sha256(hash, blob, len);
	veil_b64_encode_raw(pub->tag, hash, 4);
	return 0;
}

int veil_sshrsa__recipient_from_blob(veil_recipient **out, const uint8_t *blob, size_t len)
{
	veil_recipient *r = NULL;
	BIGNUM *n = NULL, *e = NULL;
	int error;

	*out = NULL;
	if ((error = blob_numbers(&n, &e, blob, len)) < 0 ||
	    (error = veil_keys__recipient_alloc(&r, VEIL_KEY_SSH_RSA)) < 0 ||
	    (error = set_public(&r->rsa, &r->ssh, blob, len)) < 0)
		goto done;
	r->rsa.pkey = build_pkey(n, e, NULL);
	if (r->rsa.pkey == NULL) {
		error = veil_error_set(VEIL_EFORMAT, "invalid ssh-rsa public key");
		goto done;
	}
	*out = r;
	r = NULL;
done:
	veil_recipient_free(r);
	BN_free(n);
	BN_free(e);
	return error;
}

int veil_sshrsa__key_copy_public(veil_rsa_key *dst, const veil_rsa_key *src)
{
	BIGNUM *n = NULL, *e = NULL;
	int error;

	memset(dst, 0, sizeof(*dst));
	if ((error = blob_numbers(&n, &e, src->blob, src->blob_len)) < 0)
		return error;
	dst->blob = malloc(src->blob_len);
	dst->pkey = dst->blob ? build_pkey(n, e, NULL) : NULL;
	BN_free(n);
	BN_free(e);
	if (dst->pkey == NULL) {
		veil_sshrsa__key_dispose(dst);
		return veil_error_oom();
	}
	memcpy(dst->blob, src->blob, src->blob_len);
	dst->blob_len = src->blob_len;
	return 0;
}

/* dmp1 = d mod (p-1), dmq1 = d mod (q-1): OpenSSH files do not store them. */
static int crt_exponents(BIGNUM *priv[6])
{
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *t = BN_secure_new();
	int ok;

	priv[3] = BN_secure_new();
	priv[4] = BN_secure_new();
	ok = ctx && t && priv[3] && priv[4] && BN_sub(t, priv[1], BN_value_one()) &&
	     BN_mod(priv[3], priv[0], t, ctx) && BN_sub(t, priv[2], BN_value_one()) &&
	     BN_mod(priv[4], priv[0], t, ctx);
	BN_clear_free(t);
	BN_CTX_free(ctx);
	return ok;
}

int veil_sshrsa__identity_from_blob(veil_identity **out, const uint8_t *blob, size_t len)
{
	veil_identity *id = NULL;
	BIGNUM *n = NULL, *e = NULL;
	int error;

	*out = NULL;
	if ((error = blob_numbers(&n, &e, blob, len)) < 0 ||
	    (error = veil_keys__identity_alloc(&id, VEIL_KEY_SSH_RSA, 1)) < 0 ||
	    (error = set_public(&id->rsa, &id->ssh, blob, len)) < 0)
		goto done;
	*out = id;
	id = NULL;
done:
	veil_identity_free(id);
	BN_free(n);
	BN_free(e);
	return error;
}

/* Is the private key really the one of the public blob? */
static int check_pair(veil_identity *id, const BIGNUM *n, const BIGNUM *e)
{
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int ok;

	ok = blob_numbers(&bn, &be, id->rsa.blob, id->rsa.blob_len) == 0 && !BN_cmp(bn, n) &&
	     !BN_cmp(be, e);
	ctx = ok ? EVP_PKEY_CTX_new_from_pkey(NULL, id->rsa.pkey, NULL) : NULL;
	ok = ctx != NULL && EVP_PKEY_pairwise_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	BN_free(bn);
	BN_free(be);
	return ok ? 0
	          : veil_error_set(VEIL_EFORMAT,
	                           "ssh-rsa private key does not match its public key");
}

int veil_sshrsa__identity_from_fields(veil_identity *id, veil_sshwire *w)
{
	veil_sshwire mn, me, md, miqmp, mp, mq;
	BIGNUM *n = NULL, *e = NULL, *priv[6] = { NULL };
	int error = 0, i;

	if (veil_sshwire__string(w, &mn) < 0 || veil_sshwire__string(w, &me) < 0 ||
	    veil_sshwire__string(w, &md) < 0 || veil_sshwire__string(w, &miqmp) < 0 ||
	    veil_sshwire__string(w, &mp) < 0 || veil_sshwire__string(w, &mq) < 0)
		return veil_error_set(VEIL_EFORMAT, "truncated ssh-rsa private key");
	n = mpint(&mn, 0);
	e = mpint(&me, 0);
	priv[0] = mpint(&md, 1);
	priv[1] = mpint(&mp, 1);
	priv[2] = mpint(&mq, 1);
	priv[5] = mpint(&miqmp, 1);
	if (!n || !e || !priv[0] || !priv[1] || !priv[2] || !priv[5] || BN_is_one(priv[1]) ||
	    BN_is_one(priv[2]) || !crt_exponents(priv) ||
	    (id->rsa.pkey = build_pkey(n, e, priv)) == NULL) {
		error = veil_error_set(VEIL_EFORMAT, "malformed ssh-rsa private key");
		goto done;
	}
	error = check_pair(id, n, e);
done:
	BN_free(n);
	BN_free(e);
	for (i = 0; i < 6; i++)
		BN_clear_free(priv[i]);
	return error;
}

/* string "ssh-rsa" || mpint e || mpint n (BN_bn2mpi writes SSH's mpint). */
static int pem_blob(uint8_t **out, size_t *out_len, const BIGNUM *n, const BIGNUM *e)
{
	int le = BN_bn2mpi(e, NULL), ln = BN_bn2mpi(n, NULL);
	size_t len = 4 + strlen(RSA_TYPE) + (size_t)le + (size_t)ln;
	uint8_t *b = malloc(len);

	if (b == NULL)
		return veil_error_oom();
	b[0] = b[1] = b[2] = 0;
	b[3] = (uint8_t)strlen(RSA_TYPE);
	memcpy(b + 4, RSA_TYPE, strlen(RSA_TYPE));
	BN_bn2mpi(e, b + 4 + strlen(RSA_TYPE));
	BN_bn2mpi(n, b + 4 + strlen(RSA_TYPE) + le);
	*out = b;
	*out_len = len;
	return 0;
}

/* OpenSSL asks for a passphrase only for an encrypted PEM: say so. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)u = 1;
	return -1;
}

int veil_sshrsa__identity_from_pem(veil_identity **out, const char *data, size_t len,
                                   const char *name)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;
	veil_identity *id = NULL;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	int asked = 0, error;

	*out = NULL;
	if (bio == NULL)
		return veil_error_oom();
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &asked);
	if (pkey == NULL) {
		error = asked ? veil_error_set(
		                        VEIL_EUNSUPPORTED,
		                        "%s: passphrase-protected PEM keys are not supported; "
		                        "remove the passphrase (ssh-keygen -p) or use an "
		                        "age identity",
		                        name)
		              : veil_error_set(VEIL_EFORMAT, "%s: malformed PEM private key", name);
		goto done;
	}
	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		error = veil_error_set(VEIL_EUNSUPPORTED,
		                       "%s: only RSA keys are supported in PEM files", name);
		goto done;
	}
	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e)) {
		error = veil_error_set(VEIL_EFORMAT, "%s: malformed RSA private key", name);
		goto done;
	}
	if ((error = pem_blob(&blob, &blob_len, n, e)) < 0 ||
	    (error = veil_sshrsa__identity_from_blob(&id, blob, blob_len)) < 0)
		goto done;
	id->rsa.pkey = pkey;
	pkey = NULL;
	if ((error = check_pair(id, n, e)) < 0)
		goto done;
	*out = id;
	id = NULL;
done:
	veil_identity_free(id);
	EVP_PKEY_free(pkey);
	BN_free(n);
	BN_free(e);
	free(blob);
	BIO_free(bio);
	ERR_clear_error(); /* our message says what failed; leave no stale queue */
	return error;
}

int veil_sshrsa__wrap(veil_stanza *out, const veil_recipient *r,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, r->rsa.pkey, NULL);
	uint8_t *body = NULL, *label = NULL;
	size_t body_len = 0;
	const char *args[2] = { RSA_TYPE, r->ssh.tag };
	int error = 0;

	label = (uint8_t *)OPENSSL_strdup(RSA_LABEL);
	if (ctx == NULL || label == NULL || EVP_PKEY_encrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, (int)strlen(RSA_LABEL)) <= 0) {
		error = veil_error_set(VEIL_ERROR, "ssh-rsa: cannot set up RSA-OAEP");
		goto done;
	}
	label = NULL; /* owned by ctx now */
	if (EVP_PKEY_encrypt(ctx, NULL, &body_len, file_key, VEIL_FILE_KEY_LEN) <= 0 ||
	    (body = malloc(body_len)) == NULL ||
	    EVP_PKEY_encrypt(ctx, body, &body_len, file_key, VEIL_FILE_KEY_LEN) <= 0) {
		error = veil_error_set(VEIL_ERROR, "ssh-rsa: RSA-OAEP encryption failed");
		goto done;
	}
	error = veil_keys__stanza_build(out, args, 2, body, body_len);
done:
	OPENSSL_free(label);
	free(body);
	EVP_PKEY_CTX_free(ctx);
	if (error < 0)
		ERR_clear_error();
	return error;
}

int veil_sshrsa__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s)
{
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t *plain = NULL, *label = NULL;
	size_t plain_len = 0;
	int error;

	if (strcmp(s->args[0], RSA_TYPE) != 0)
		return VEIL_ENOMATCH;
	if (s->nargs != 2)
		return veil_error_set(VEIL_EFORMAT, "ssh-rsa stanza has %zu arguments, expected 1",
		                      s->nargs - 1);
	if (strcmp(s->args[1], id->ssh.tag) != 0)
		return VEIL_ENOMATCH;
	if (id->rsa.pkey == NULL)
		return veil_error_set(VEIL_EUNSUPPORTED, "%s", id->rsa.why_locked);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, id->rsa.pkey, NULL);
	label = (uint8_t *)OPENSSL_strdup(RSA_LABEL);
	plain_len = (size_t)EVP_PKEY_get_size(id->rsa.pkey);
	plain = veil_secure_alloc(plain_len > 0 ? plain_len : 1);
	if (ctx == NULL || label == NULL || plain == NULL || EVP_PKEY_decrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, (int)strlen(RSA_LABEL)) <= 0) {
		error = veil_error_set(VEIL_ERROR, "ssh-rsa: cannot set up RSA-OAEP");
		goto done;
	}
	label = NULL;
	/* As age: a stanza with this key's tag that does not decrypt is an
	 * error, not "another key's stanza". */
	if (EVP_PKEY_decrypt(ctx, plain, &plain_len, s->body, s->body_len) <= 0 ||
	    plain_len != VEIL_FILE_KEY_LEN) {
		error = veil_error_set(VEIL_EFORMAT,
		                       "ssh-rsa stanza for this key (tag %s) does not decrypt",
		                       id->ssh.tag);
		goto done;
	}
	memcpy(file_key, plain, VEIL_FILE_KEY_LEN);
	error = 0;
done:
	OPENSSL_free(label);
	veil_secure_free(plain);
	EVP_PKEY_CTX_free(ctx);
	if (error < 0)
		ERR_clear_error();
	return error;
}
