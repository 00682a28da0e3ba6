/* ENC[...] values: parsing, formatting, and the two AEADs behind them. */
#include "sops/value.h"
#include "util/sopsenc.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/secret.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CHACHA_IV_LEN 12
#define GCM_IV_LEN    32 /* what sops writes; any length is accepted when reading */

static const struct {
	veil_sops_type type;
	const char *name;
} type_names[] = {
	{ VEIL_SOPS_STR, "str" },     { VEIL_SOPS_INT, "int" },   { VEIL_SOPS_FLOAT, "float" },
	{ VEIL_SOPS_BOOL, "bool" },   { VEIL_SOPS_TIME, "time" }, { VEIL_SOPS_COMMENT, "comment" },
	{ VEIL_SOPS_BYTES, "bytes" },
};

const char *veil_sops__type_name(veil_sops_type t)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "str";
}

int veil_sops__type_parse(veil_sops_type *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strlen(type_names[i].name) == len && !memcmp(type_names[i].name, s, len)) {
			*out = type_names[i].type;
			return 0;
		}
	}
	return veil_error_set(VEIL_EFORMAT, "encrypted value: unknown type '%.*s'",
	                      (int)(len > 16 ? 16 : len), s);
}

const char *veil_sops_cipher_name(veil_sops_cipher c)
{
	return c == VEIL_SOPS_CHACHA20_POLY1305 ? "CHACHA20_POLY1305" : "AES256_GCM";
}

veil_sops_cipher veil_sops_cipher_parse(const char *name)
{
	if (!strcmp(name, "aes256_gcm") || !strcmp(name, "aes256-gcm"))
		return VEIL_SOPS_AES256_GCM;
	if (!strcmp(name, "chacha20_poly1305") || !strcmp(name, "chacha20-poly1305"))
		return VEIL_SOPS_CHACHA20_POLY1305;
	return 0;
}

veil_sops_cipher veil_sops_cipher_of_value(const char *s, size_t len)
{
	/* util's numbering is this enum's */
	return (veil_sops_cipher)veil_sopsenc_cipher(s, len);
}

int veil_sops_value_is_encrypted(const char *s, size_t len)
{
	return veil_sopsenc_marked(s, len);
}

/* Takes "<name>:<text>" up to the separator sep (or to the end when sep is
 * NULL) from *p, returning the text span. */
static int take_field(const char **text, size_t *text_len, const char **p, const char *end,
                      const char *name, const char *sep)
{
	size_t nlen = strlen(name);
	const char *stop;

	if ((size_t)(end - *p) < nlen || memcmp(*p, name, nlen) != 0)
		return veil_error_set(VEIL_EFORMAT, "encrypted value: expected '%s'", name);
	*p += nlen;
	stop = end;
	if (sep) {
		size_t slen = strlen(sep);
		const char *q = *p;

		/* memchr for the separator's first byte: values are long */
		for (stop = NULL; q < end; q++) {
			q = memchr(q, sep[0], (size_t)(end - q));
			if (!q || (size_t)(end - q) < slen)
				break;
			if (!memcmp(q, sep, slen)) {
				stop = q;
				break;
			}
		}
		if (!stop)
			return veil_error_set(VEIL_EFORMAT, "encrypted value: missing '%s'", sep);
	}
	*text = *p;
	*text_len = (size_t)(stop - *p);
	*p = sep ? stop + 1 : end;
	if (*text_len == 0)
		return veil_error_set(VEIL_EFORMAT, "encrypted value: empty '%s' field", name);
	return 0;
}

static int decode_field(uint8_t *out, size_t cap, size_t *out_len, const char *text, size_t len,
                        const char *name)
{
	/* iv, tag and data are public: the table decoder is fine here */
	if (veil_b64_decode_padded_public(out, cap, out_len, text, len) < 0)
		return veil_error_set(VEIL_EFORMAT, "encrypted value: '%s' is not valid base64",
		                      name);
	return 0;
}

static int parse_cipher(veil_sops_enc *out, const char **p, const char *end)
{
	static const char aes[] = "AES256_GCM,", chacha[] = "CHACHA20_POLY1305,";

	if ((size_t)(end - *p) > sizeof(aes) - 1 && !memcmp(*p, aes, sizeof(aes) - 1)) {
		out->cipher = VEIL_SOPS_AES256_GCM;
		*p += sizeof(aes) - 1;
		return 0;
	}
	if ((size_t)(end - *p) > sizeof(chacha) - 1 && !memcmp(*p, chacha, sizeof(chacha) - 1)) {
		out->cipher = VEIL_SOPS_CHACHA20_POLY1305;
		*p += sizeof(chacha) - 1;
		return 0;
	}
	return veil_error_set(VEIL_EFORMAT, "encrypted value: unsupported cipher "
	                                    "(expected AES256_GCM or CHACHA20_POLY1305)");
}

int veil_sops__enc_parse(veil_sops_enc *out, const char *s, size_t len)
{
	const char *p = s + 4, *end = s + len - 1, *text;
	size_t text_len, n;
	int error;

	memset(out, 0, sizeof(*out));
	if (len > VEIL_SOPS_MAX_ENC)
		return veil_error_set(VEIL_ELIMIT, "encrypted value larger than %u bytes",
		                      VEIL_SOPS_MAX_ENC);
	if (!veil_sops_value_is_encrypted(s, len) || s[len - 1] != ']')
		return veil_error_set(VEIL_EFORMAT, "not an ENC[...] value");
	if ((error = parse_cipher(out, &p, end)) < 0)
		goto done;
	if ((error = take_field(&text, &text_len, &p, end, "data:", ",")) < 0)
		goto done;
	if (!(out->data = malloc(text_len))) {
		error = veil_error_oom();
		goto done;
	}
	if ((error = decode_field(out->data, text_len, &out->data_len, text, text_len, "data")) < 0)
		goto done;
	if ((error = take_field(&text, &text_len, &p, end, "iv:", ",")) < 0 ||
	    (error = decode_field(out->iv, sizeof(out->iv), &out->iv_len, text, text_len, "iv")) <
	            0)
		goto done;
	if ((error = take_field(&text, &text_len, &p, end, "tag:", ",")) < 0 ||
	    (error = decode_field(out->tag, sizeof(out->tag), &n, text, text_len, "tag")) < 0)
		goto done;
	if (n != VEIL_SOPS_TAG_LEN || out->iv_len == 0 ||
	    (out->cipher == VEIL_SOPS_CHACHA20_POLY1305 && out->iv_len != CHACHA_IV_LEN)) {
		error = veil_error_set(VEIL_EFORMAT, "encrypted value: wrong iv or tag length");
		goto done;
	}
	if ((error = take_field(&text, &text_len, &p, end, "type:", NULL)) < 0)
		goto done;
	error = veil_sops__type_parse(&out->type, text, text_len);
done:
	if (error < 0)
		veil_sops__enc_dispose(out);
	return error;
}

void veil_sops__enc_dispose(veil_sops_enc *e)
{
	free(e->data);
	memset(e, 0, sizeof(*e));
}

/* AES-256-GCM (sops/aesgcm.h) with sops's error messages. */
static int gcm(int enc, uint8_t *out, const uint8_t *in, size_t len, uint8_t tag[16],
               const uint8_t key[32], const uint8_t *iv, size_t iv_len, const char *aad,
               size_t aad_len)
{
	if (enc) {
		if (veil_sops__gcm_seal(out, tag, in, len, key, iv, iv_len, (const uint8_t *)aad,
		                        aad_len) != 0)
			return veil_error_set(VEIL_ERROR, "AES-GCM encryption failed");
		return 0;
	}
	if (veil_sops__gcm_open(out, tag, in, len, key, iv, iv_len, (const uint8_t *)aad,
	                        aad_len) != 0)
		return veil_error_set(VEIL_EAUTH,
		                      "encrypted value failed authentication "
		                      "(wrong key, or the value or its key path was changed)");
	return 0;
}

static int chacha(int enc, uint8_t *out, const uint8_t *in, size_t len, uint8_t tag[16],
                  const uint8_t key[32], const uint8_t *iv, const char *aad, size_t aad_len)
{
	if (enc) {
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(
		        out, tag, NULL, in, len, (const uint8_t *)aad, aad_len, NULL, iv, key);
		return 0;
	}
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(
	            out, NULL, in, len, tag, (const uint8_t *)aad, aad_len, iv, key) != 0)
		return veil_error_set(VEIL_EAUTH,
		                      "encrypted value failed authentication "
		                      "(wrong key, or the value or its key path was changed)");
	return 0;
}

static int format_enc(char **out, veil_sops_cipher cipher, const uint8_t *ct, size_t ct_len,
                      const uint8_t *iv, size_t iv_len, const uint8_t tag[16], veil_sops_type type)
{
	veil_buf b = VEIL_BUF_INIT(0);
	size_t longest = ct_len > iv_len ? ct_len : iv_len;
	char *b64 = malloc(veil_b64_padded_len(longest > 16 ? longest : 16) + 1);
	int error = 0;

	if (!b64) {
		error = veil_error_oom();
		goto done;
	}
	veil_b64_encode_padded(b64, ct, ct_len);
	if ((error = veil_buf_printf(&b, "ENC[%s,data:%s,", veil_sops_cipher_name(cipher), b64)) <
	    0)
		goto done;
	veil_b64_encode_padded(b64, iv, iv_len);
	if ((error = veil_buf_printf(&b, "iv:%s,", b64)) < 0)
		goto done;
	veil_b64_encode_padded(b64, tag, 16);
	error = veil_buf_printf(&b, "tag:%s,type:%s]", b64, veil_sops__type_name(type));
done:
	free(b64);
	if (error < 0)
		veil_buf_dispose(&b);
	else
		*out = (char *)veil_buf_detach(&b, NULL);
	return error;
}

int veil_sops__encrypt(char **out, veil_sops_cipher cipher, const uint8_t key[VEIL_SOPS_KEY_LEN],
                       const uint8_t *pt, size_t pt_len, const char *aad, size_t aad_len,
                       veil_sops_type type, const uint8_t *iv, size_t iv_len)
{
	uint8_t fresh[GCM_IV_LEN], tag[16];
	uint8_t *ct = NULL;
	int error;

	*out = NULL;
	if (pt_len == 0)
		return veil_error_set(VEIL_EINVAL, "empty values are never encrypted");
	if (!iv) {
		iv_len = cipher == VEIL_SOPS_AES256_GCM ? GCM_IV_LEN : CHACHA_IV_LEN;
		randombytes_buf(fresh, iv_len);
		iv = fresh;
	}
	if (iv_len == 0 || iv_len > VEIL_SOPS_MAX_IV ||
	    (cipher == VEIL_SOPS_CHACHA20_POLY1305 && iv_len != CHACHA_IV_LEN))
		return veil_error_set(VEIL_EINVAL, "invalid IV length %zu", iv_len);
	if (!(ct = malloc(pt_len)))
		return veil_error_oom();
	if (cipher == VEIL_SOPS_AES256_GCM)
		error = gcm(1, ct, pt, pt_len, tag, key, iv, iv_len, aad, aad_len);
	else
		error = chacha(1, ct, pt, pt_len, tag, key, iv, aad, aad_len);
	if (error == 0)
		error = format_enc(out, cipher, ct, pt_len, iv, iv_len, tag, type);
	free(ct);
	return error;
}

int veil_sops__decrypt_parsed(uint8_t **pt, size_t *pt_len, const uint8_t key[VEIL_SOPS_KEY_LEN],
                              const veil_sops_enc *e, const char *aad, size_t aad_len)
{
	uint8_t tag[16];
	uint8_t *out;
	int error;

	*pt = NULL;
	*pt_len = 0;
	if (!(out = malloc(e->data_len + 1)))
		return veil_error_oom();
	memcpy(tag, e->tag, sizeof(tag));
	if (e->cipher == VEIL_SOPS_AES256_GCM)
		error = gcm(0, out, e->data, e->data_len, tag, key, e->iv, e->iv_len, aad, aad_len);
	else
		error = chacha(0, out, e->data, e->data_len, tag, key, e->iv, aad, aad_len);
	if (error < 0) {
		/* never let unauthenticated plaintext escape */
		sodium_memzero(out, e->data_len + 1);
		free(out);
		return error;
	}
	out[e->data_len] = '\0';
	*pt = out;
	*pt_len = e->data_len;
	return 0;
}

int veil_sops__decrypt(uint8_t **pt, size_t *pt_len, veil_sops_type *type,
                       const uint8_t key[VEIL_SOPS_KEY_LEN], const char *s, size_t len,
                       const char *aad, size_t aad_len)
{
	veil_sops_enc e;
	int error;

	if ((error = veil_sops__enc_parse(&e, s, len)) < 0)
		return error;
	error = veil_sops__decrypt_parsed(pt, pt_len, key, &e, aad, aad_len);
	if (error == 0 && type)
		*type = e.type;
	veil_sops__enc_dispose(&e);
	return error;
}
