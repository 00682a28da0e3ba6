/* The scrypt (passphrase) recipient type (age spec "The scrypt recipient type"). */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "age/keys_int.h"
#include "age/plugin.h"
#include "util/b64.h"

#define SCRYPT_LABEL       "age-encryption.org/v1/scrypt"
#define SCRYPT_LABEL_LEN   (sizeof(SCRYPT_LABEL) - 1)
#define SCRYPT_SALT_LEN    16
/* From 2^18 (age's default, about a second here) the user is told it is working. */
#define NOTICE_WORK_FACTOR 18

/* key = scrypt(pass, label || salt16, N = 2^log_n, r = 8, p = 1, 32 bytes). */
static int derive_key(uint8_t key[32], const uint8_t *pass, size_t pass_len,
                      const uint8_t salt16[SCRYPT_SALT_LEN], int log_n)
{
	uint8_t salt[SCRYPT_LABEL_LEN + SCRYPT_SALT_LEN];

	memcpy(salt, SCRYPT_LABEL, SCRYPT_LABEL_LEN);
	memcpy(salt + SCRYPT_LABEL_LEN, salt16, SCRYPT_SALT_LEN);
	if (crypto_pwhash_scryptsalsa208sha256_ll(pass, pass_len, salt, sizeof(salt),
	                                          (uint64_t)1 << log_n, 8, 1, key, 32) != 0) {
		/* libsodium fails with ENOMEM/EFBIG when N is too large to run. */
		sodium_memzero(key, 32);
		return veil_error_set(
		        VEIL_ENOMEM, "scrypt with work factor %d could not run (not enough memory)",
		        log_n);
	}
	return 0;
}

int veil_scrypt__wrap(veil_stanza *out, const veil_recipient *r,
                      const uint8_t file_key[VEIL_FILE_KEY_LEN])
{
	uint8_t salt16[SCRYPT_SALT_LEN], key[32], body[VEIL_WRAPPED_KEY_LEN];
	char salt_b64[24], log_n[12];
	const char *args[3];
	int error;

	randombytes_buf(salt16, sizeof(salt16));
	error = derive_key(key, r->pass, r->pass_len, salt16, r->work_factor);
	if (error < 0)
		goto done;
	veil_keys__aead_seal(body, key, file_key);
	veil_b64_encode_raw(salt_b64, salt16, sizeof(salt16));
	snprintf(log_n, sizeof(log_n), "%d", r->work_factor);
	args[0] = "scrypt";
	args[1] = salt_b64;
	args[2] = log_n;
	error = veil_keys__stanza_build(out, args, 3, body, sizeof(body));
done:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(body, sizeof(body));
	return error;
}

/* The work factor must match ^[1-9][0-9]*$ (no sign, no leading zero, no
 * hex); values that do not fit are reported as too large, never wrapped. */
static int parse_work_factor(int *out, const char *s, int max)
{
	size_t len = strlen(s), i;
	long v = 0;

	if (len == 0 || s[0] < '1' || s[0] > '9')
		return veil_error_set(VEIL_EFORMAT, "scrypt work factor is not a decimal number");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return veil_error_set(VEIL_EFORMAT,
			                      "scrypt work factor is not a decimal number");
		if (v <= 1000)
			v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return veil_error_set(VEIL_EFORMAT,
		                      "scrypt work factor %.*s%s above the maximum %d", 20, s,
		                      len > 20 ? "..." : "", max);
	*out = (int)v;
	return 0;
}

int veil_scrypt__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                        const veil_stanza *s)
{
	uint8_t salt16[SCRYPT_SALT_LEN], key[32];
	int log_n = 0, error;

	if (strcmp(s->args[0], "scrypt") != 0)
		return VEIL_ENOMATCH;
	if (s->nargs != 3)
		return veil_error_set(VEIL_EFORMAT, "scrypt stanza has %zu arguments, expected 2",
		                      s->nargs - 1);
	if (veil_keys__decode_arg(salt16, sizeof(salt16), s->args[1]) < 0)
		return veil_error_set(VEIL_EFORMAT,
		                      "scrypt stanza salt is not the canonical base64 of 16 bytes");
	error = parse_work_factor(&log_n, s->args[2], id->max_work_factor);
	if (error < 0)
		return error;
	if (s->body_len != VEIL_WRAPPED_KEY_LEN)
		return veil_error_set(VEIL_EFORMAT, "scrypt stanza body is %zu bytes, expected %d",
		                      s->body_len, VEIL_WRAPPED_KEY_LEN);
	if (log_n >= NOTICE_WORK_FACTOR && veil_plugin__ui()->notice) {
		char msg[160];

		snprintf(msg, sizeof(msg),
		         "deriving the key from the passphrase (scrypt, work factor %d): this "
		         "takes %s",
		         log_n, log_n >= 20 ? "several seconds" : "a second or so");
		veil_plugin__ui()->notice(msg, veil_plugin__ui()->payload);
	}
	error = derive_key(key, id->secret, id->secret_len, salt16, log_n);
	if (error < 0)
		goto done;
	error = veil_keys__aead_open(file_key, key, s->body);
	if (error == VEIL_ENOMATCH)
		veil_error_set(VEIL_ENOMATCH, "incorrect passphrase (or wrong work factor)");
done:
	sodium_memzero(key, sizeof(key));
	return error;
}
