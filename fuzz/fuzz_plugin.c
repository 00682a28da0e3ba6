/* Fuzzes the client side of the age plugin protocol: the input is what a
 * plugin says in phase 2 (stanzas: msg, confirm, request-*, file-key,
 * recipient-stanza, labels, error, done, anything else), and the
 * identity-v1 (first byte even) or recipient-v1 (odd) session runs against
 * it with a UI that answers every question. Must hold: no crash or leak;
 * everything the client writes is a well-formed stanza stream; identity-v1
 * succeeds only with a file-key of 16 bytes for file 0; recipient-v1
 * succeeds only with at least one stanza, each with a type. */
#include <string.h>
#include "fuzz.h"
#include "age/plugin.h"
#include "util/buf.h"
#include "util/io.h"
#include "util/secret.h"

static int ui_message(const char *plugin, const char *text, void *payload)
{
	(void)plugin;
	(void)payload;
	return text[0] == 'x' ? -1 : 0; /* both answers get exercised */
}

static int ui_confirm(const char *plugin, const char *text, const char *yes, const char *no,
                      void *payload)
{
	(void)plugin;
	(void)yes;
	(void)payload;
	return no ? (text[0] == 'n' ? 0 : 1) : -1;
}

static int ui_request(char **out, const char *plugin, const char *text, int secret, void *payload)
{
	(void)plugin;
	(void)payload;
	if (text[0] == 'f')
		return -1;
	*out = veil_secure_alloc(8);
	if (*out == NULL)
		return -1;
	memcpy(*out, secret ? "123456" : "public", 7);
	return 0;
}

static int contains(const uint8_t *p, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (!memcmp(p + i, word, w))
			return 1;
	return 0;
}

/* The client's words must parse back as stanzas. */
static void check_written(const veil_buf *w)
{
	veil_memreader mr = { w->data, w->len, 0 };
	veil_bufreader br;
	veil_stanza s;
	int error;

	if (veil_bufreader__init(&br, veil_mem_read, &mr, 128 * 1024) < 0)
		abort();
	while ((error = veil_stanza__read(&s, &br)) == 0)
		veil_stanza__dispose(&s);
	if (error != VEIL_ENOTFOUND)
		__builtin_trap();
	veil_bufreader__dispose(&br);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static veil_age_ui ui = {
		VEIL_AGE_UI_VERSION, ui_message, ui_confirm, ui_request, NULL, NULL, 0
	};
	static const char *stanza_args[] = { "X25519", "abc" };
	veil_memreader mr;
	veil_plugin_conn c;
	veil_buf written = VEIL_BUF_INIT(0);
	veil_identity *id = NULL;
	veil_recipient *r = NULL;
	veil_stanza in = { (char **)stanza_args, 2, (uint8_t *)"0123456789abcdef0123456789abcdef",
		           32 };
	uint8_t key[VEIL_FILE_KEY_LEN];
	char why[512];
	int error;

	if (size < 1 || size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	veil_age_set_ui(&ui);
	mr.data = data + 1;
	mr.len = size - 1;
	mr.pos = 0;
	memset(&c, 0, sizeof(c));
	c.write = veil_buf_writer;
	c.write_payload = &written;
	c.name = "fuzz";
	if (veil_bufreader__init(&c.in, veil_mem_read, &mr, VEIL_AGE_MAX_STANZA_LINE + 1024) < 0 ||
	    veil_identity_for_plugin(&id, "fuzz") < 0)
		abort();
	if (data[0] % 2 == 0) {
		const veil_identity *ids[1] = { id };

		error = veil_plugin__unwrap_session(&c, ids, 1, &in, 1, key, why, sizeof(why));
		if (error == 0 && !contains(data + 1, size - 1, "-> file-key 0\n"))
			__builtin_trap();
	} else {
		const veil_recipient *rs[1];
		veil_stanza *out = NULL;
		size_t nout = 0;
		char *labels = NULL;

		if (veil_identity_to_recipient(&r, id) < 0)
			abort();
		rs[0] = r;
		error = veil_plugin__wrap_session(&c, rs, 1, key, &out, &nout, &labels);
		if (error == 0 && nout == 0)
			__builtin_trap();
		for (size_t i = 0; i < nout; i++) {
			if (out[i].nargs < 1 || out[i].args[0][0] == '\0')
				__builtin_trap();
			veil_stanza__dispose(&out[i]);
		}
		free(out);
		free(labels);
	}
	check_written(&written);
	veil_buf_dispose(&written);
	veil_bufreader__dispose(&c.in);
	veil_recipient_free(r);
	veil_identity_free(id);
	return 0;
}
