/* Fuzzes the key and key-file parsers. The first input byte selects the
 * parser, the rest is its input (copied so nothing can rely on a NUL after
 * it):
 *   0  veil_identities_parse  (age-keygen files, OpenSSH ed25519 private keys)
 *   1  veil_recipients_parse  (-R files)
 *   2  veil_recipient_parse   (one "age1..." or "ssh-ed25519 ..." string)
 *   3  veil_identity_parse    (one "AGE-SECRET-KEY-1..." string)
 *   4-7  veil_identities_parse_ext with a passphrase source (work factor at
 *        most 4), for identity files that are themselves age-encrypted
 * (byte % 8, so the seeds can start with the digits '0'..'4').
 * Whatever parses must encode, and the encodings must be fixed points:
 * parsing an encoding gives the same encoding back. A single identity string
 * is accepted only in its exact canonical form, so it must encode to itself. */
#include <string.h>
#include "fuzz.h"

/* Encodes r, re-parses the text and requires the same text. */
static void check_recipient(const veil_recipient *r)
{
	veil_recipient *again = NULL;
	char *text = NULL, *text2 = NULL;

	if (veil_recipient_type(r) == VEIL_KEY_SCRYPT)
		return;
	if (veil_recipient_encode(&text, r) < 0)
		__builtin_trap();
	if (veil_recipient_parse(&again, text, strlen(text)) < 0)
		__builtin_trap();
	if (veil_recipient_encode(&text2, again) < 0 || strcmp(text, text2) != 0)
		__builtin_trap();
	if (veil_recipient_type(again) != veil_recipient_type(r))
		__builtin_trap();
	free(text);
	free(text2);
	veil_recipient_free(again);
}

/* An identity must yield its recipient; X25519 ones must round-trip. */
static void check_identity(const veil_identity *id)
{
	veil_recipient *r = NULL;
	veil_identity *again = NULL;
	char *text = NULL, *text2 = NULL;

	/* a plugin identity's recipient is known to its plugin only */
	if (veil_identity_type(id) == VEIL_KEY_SCRYPT || veil_identity_type(id) == VEIL_KEY_PLUGIN)
		return;
	if (veil_identity_to_recipient(&r, id) < 0)
		__builtin_trap();
	check_recipient(r);
	veil_recipient_free(r);
	if (veil_identity_type(id) != VEIL_KEY_X25519)
		return;
	if (veil_identity_encode(&text, id) < 0)
		__builtin_trap();
	if (veil_identity_parse(&again, text, strlen(text)) < 0)
		__builtin_trap();
	if (veil_identity_encode(&text2, again) < 0 || strcmp(text, text2) != 0)
		__builtin_trap();
	veil_secret_string_free(text);
	veil_secret_string_free(text2);
	veil_identity_free(again);
}

static void fuzz_identities_file(const char *s, size_t len)
{
	veil_identities *list = NULL;
	size_t i;

	if (veil_identities_new(&list) < 0)
		abort();
	if (veil_identities_parse(list, s, len, "fuzz") == 0) {
		if (veil_identities_count(list) == 0)
			__builtin_trap(); /* at least one is required */
		for (i = 0; i < veil_identities_count(list); i++)
			check_identity(veil_identities_get(list, i));
	}
	veil_identities_free(list);
}

/* The passphrase of fuzz/seeds (craft_age.py), capped so scrypt stays cheap. */
static int fuzz_passphrase(veil_identity **out, void *payload)
{
	static const char pass[] = "veil fuzz passphrase";

	(void)payload;
	return veil_identity_from_passphrase(out, pass, sizeof(pass) - 1, 4);
}

static void fuzz_identities_file_ext(const char *s, size_t len)
{
	veil_identities *list = NULL;
	size_t i;

	if (veil_identities_new(&list) < 0)
		abort();
	if (veil_identities_parse_ext(list, s, len, "fuzz", fuzz_passphrase, NULL) == 0) {
		if (veil_identities_count(list) == 0)
			__builtin_trap();
		for (i = 0; i < veil_identities_count(list); i++)
			check_identity(veil_identities_get(list, i));
	}
	veil_identities_free(list);
}

static void fuzz_recipients_file(const char *s, size_t len)
{
	veil_recipients *list = NULL;
	size_t i, skipped = 0;

	if (veil_recipients_new(&list) < 0)
		abort();
	if (veil_recipients_parse(list, s, len, "fuzz", &skipped) == 0) {
		for (i = 0; i < veil_recipients_count(list); i++)
			check_recipient(veil_recipients_get(list, i));
	}
	veil_recipients_free(list);
}

static void fuzz_one_recipient(const char *s, size_t len)
{
	veil_recipient *r = NULL;

	if (veil_recipient_parse(&r, s, len) == 0) {
		check_recipient(r);
		veil_recipient_free(r);
	}
}

static void fuzz_one_identity(const char *s, size_t len)
{
	veil_identity *id = NULL;
	char *text = NULL;

	if (veil_identity_parse(&id, s, len) == 0) {
		if (veil_identity_encode(&text, id) < 0)
			__builtin_trap();
		if (strlen(text) != len || memcmp(text, s, len) != 0)
			__builtin_trap();
		check_identity(id);
		veil_secret_string_free(text);
		veil_identity_free(id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t len;

	if (size < 1 || size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	len = size - 1;
	s = malloc(len > 0 ? len : 1);
	if (s == NULL)
		abort();
	if (len > 0)
		memcpy(s, data + 1, len);
	switch (data[0] % 8) {
	case 0:
		fuzz_identities_file(s, len);
		break;
	case 1:
		fuzz_recipients_file(s, len);
		break;
	case 2:
		fuzz_one_recipient(s, len);
		break;
	case 3:
		fuzz_one_identity(s, len);
		break;
	default:
		fuzz_identities_file_ext(s, len);
		break;
	}
	free(s);
	return 0;
}
