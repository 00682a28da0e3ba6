/* The public age API: header + stanzas + (optional) armor + STREAM.
 *
 * Decryption follows the order of the Go reference (age.go Decrypt):
 * parse the whole header, enforce "scrypt stands alone", unwrap the file
 * key with the identities, verify the header MAC, read the payload nonce,
 * then stream. The file key is wiped on every path. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "veil/age.h"
#include "age/armor.h"
#include "age/format.h"
#include "age/keys_int.h"
#include "age/plugin.h"
#include "age/stanza.h"
#include "age/stream.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/io.h"
#include "util/secret.h"

#define READ_BUF   (64u * 1024)
#define ARMOR_PEEK (1024 + sizeof(VEIL_ARMOR_BEGIN) + 1)

/* Where the age file is read from: the raw input, or the armor reader
 * over it with its own line buffer. */
typedef struct age_input {
	veil_bufreader raw;
	veil_armor_reader *ar;
	veil_bufreader dearmored;
	veil_bufreader *br;
} age_input;

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Armor if, after leading whitespace, the input starts with "-----" (a
 * BEGIN line, maybe a malformed one) or carries a BEGIN line within the
 * peek window (garbage before it): the armor reader then says precisely
 * what is wrong. Anything else goes to the header parser.
 */
static int looks_armored(const uint8_t *p, size_t n)
{
	static const char begin[] = "-----BEGIN";
	size_t i = 0;

	while (i < n && is_space(p[i]))
		i++;
	if (n - i >= 5 && !memcmp(p + i, "-----", 5))
		return 1;
	if (n - i >= 4 && !memcmp(p + i, "age-", 4))
		return 0;
	for (i = 0; i + sizeof(begin) - 1 <= n; i++)
		if (!memcmp(p + i, begin, sizeof(begin) - 1))
			return 1;
	return 0;
}

static int input_open(age_input *in, veil_read_fn rd, void *payload)
{
	size_t avail;
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = veil_bufreader__init(&in->raw, rd, payload, READ_BUF)) < 0 ||
	    (error = veil_bufreader__peek(&in->raw, ARMOR_PEEK)) < 0)
		return error;
	in->br = &in->raw;
	/* Look at the peek window only: the buffer may hold more, depending on
	 * how much the reader returned, and the answer must not. */
	avail = in->raw.end - in->raw.start;
	if (avail > ARMOR_PEEK)
		avail = ARMOR_PEEK;
	if (!looks_armored(in->raw.buf + in->raw.start, avail))
		return 0;
	if ((error = veil_armor__reader_new(&in->ar, veil_bufreader__read, &in->raw)) < 0 ||
	    (error = veil_bufreader__init(&in->dearmored, veil_armor__read, in->ar, READ_BUF)) < 0)
		return error;
	in->br = &in->dearmored;
	return 0;
}

static void input_close(age_input *in)
{
	if (in->dearmored.buf)
		veil_bufreader__dispose(&in->dearmored);
	veil_armor__reader_free(in->ar);
	if (in->raw.buf)
		veil_bufreader__dispose(&in->raw);
	memset(in, 0, sizeof(*in));
}

/* Tries id on every stanza: 0, VEIL_ENOMATCH, or a hard error (header
 * failure) with the stanza named in the message. */
static int try_identity(uint8_t *file_key, const veil_identity *id, const veil_header *h)
{
	char msg[256];
	size_t i;
	int error;

	for (i = 0; i < h->nstanzas; i++) {
		const veil_stanza *s = &h->stanzas[i];

		error = veil_identity__unwrap(file_key, id, s);
		if (error == 0)
			return 0;
		if (error == VEIL_ENOMATCH)
			continue;
		snprintf(msg, sizeof(msg), "%s", veil_error_last());
		return veil_error_set(error, "header: stanza %zu (%.40s): %s", i + 1, s->args[0],
		                      msg);
	}
	return VEIL_ENOMATCH;
}

/* The "no identity matched" message, listing the distinct stanza types
 * and what the plugins said. */
static int no_match(const veil_header *h, int tried_passphrase, const char *plugins)
{
	char types[300] = "";
	size_t i, j, used = 0;

	if (h->nstanzas == 0)
		return veil_error_set(VEIL_ENOMATCH, "the file has no recipient stanzas");
	if (tried_passphrase && h->nstanzas == 1 && !strcmp(h->stanzas[0].args[0], "scrypt"))
		return veil_error_set(VEIL_ENOMATCH, "incorrect passphrase");
	for (i = 0; i < h->nstanzas && used < sizeof(types) - 1; i++) {
		const char *t = h->stanzas[i].args[0];
		int n;

		for (j = 0; j < i; j++)
			if (!strcmp(h->stanzas[j].args[0], t))
				break;
		if (j < i)
			continue;
		n = snprintf(types + used, sizeof(types) - used, "%s%.40s", used ? ", " : "", t);
		if (n > 0)
			used += (size_t)n;
	}
	if (used >= sizeof(types))
		used = sizeof(types) - 1;
	return veil_error_set(VEIL_ENOMATCH,
	                      "no identity matched any of the file's recipients (%.*s)%s%.900s",
	                      (int)used, types, plugins[0] ? "; " : "", plugins);
}

/* Plugin identities, after the native ones failed: one age-plugin-NAME
 * session per plugin, with all its identities and the whole header. A
 * plugin that is missing or fails does not stop the others; what it said
 * goes into notes. */
static int try_plugins(uint8_t *file_key, const veil_header *h, const veil_identities *ids,
                       char *notes, size_t cap)
{
	size_t i, j, n = veil_identities_count(ids), k, used;
	const veil_identity **group = n ? calloc(n, sizeof(*group)) : NULL;
	char why[1024];
	int error = VEIL_ENOMATCH;

	for (i = 0; i < n && error == VEIL_ENOMATCH; i++) {
		const veil_identity *id = veil_identities_get(ids, i);

		if (id->type != VEIL_KEY_PLUGIN || group == NULL)
			continue;
		for (j = 0; j < i; j++) /* this plugin had its session already */
			if (veil_identities_get(ids, j)->type == VEIL_KEY_PLUGIN &&
			    !strcmp(veil_identities_get(ids, j)->plugin.name, id->plugin.name))
				break;
		if (j < i)
			continue;
		for (k = 0, j = i; j < n; j++)
			if (veil_identities_get(ids, j)->type == VEIL_KEY_PLUGIN &&
			    !strcmp(veil_identities_get(ids, j)->plugin.name, id->plugin.name))
				group[k++] = veil_identities_get(ids, j);
		error = veil_plugin__unwrap(group, k, h->stanzas, h->nstanzas, file_key, why,
		                            sizeof(why));
		if (error == VEIL_EFORMAT)
			break; /* the plugin found the header invalid */
		used = strlen(notes);
		if (error != 0 && error != VEIL_ENOMATCH)
			snprintf(why, sizeof(why), "%s", veil_error_last());
		if (error != 0 && why[0])
			snprintf(notes + used, cap - used, "%s%.400s", used ? "; " : "", why);
		if (error != 0)
			error = VEIL_ENOMATCH;
	}
	free(group);
	return error;
}

static int unwrap_file_key(uint8_t *file_key, const veil_header *h, const veil_identities *ids,
                           const veil_age_options *opts)
{
	veil_identity *prompted = NULL;
	size_t i, nids = ids ? veil_identities_count(ids) : 0;
	int has_scrypt = 0, has_pass_id = 0, tried_pass = 0, error = VEIL_ENOMATCH;
	char plugins[1024] = "";

	for (i = 0; i < h->nstanzas; i++)
		if (!strcmp(h->stanzas[i].args[0], "scrypt"))
			has_scrypt = 1;
	if (has_scrypt && h->nstanzas > 1)
		return veil_error_set(VEIL_EFORMAT, "header: a passphrase (scrypt) stanza must be "
		                                    "the only stanza of the file");
	for (i = 0; i < nids; i++)
		if (veil_identity_type(veil_identities_get(ids, i)) == VEIL_KEY_SCRYPT)
			has_pass_id = 1;
	/* Ask for a passphrase only when the file needs one and none was given. */
	if (has_scrypt && !has_pass_id && opts && opts->passphrase) {
		error = opts->passphrase(&prompted, opts->passphrase_payload);
		if (error < 0)
			goto done;
		error = VEIL_ENOMATCH;
	}
	for (i = 0; i < nids + 1 && error == VEIL_ENOMATCH; i++) {
		const veil_identity *id = i < nids ? veil_identities_get(ids, i) : prompted;

		if (!id)
			continue;
		if (veil_identity_type(id) == VEIL_KEY_SCRYPT)
			tried_pass = 1;
		error = try_identity(file_key, id, h);
	}
	if (error == VEIL_ENOMATCH && !has_scrypt && nids)
		error = try_plugins(file_key, h, ids, plugins, sizeof(plugins));
	if (error == VEIL_ENOMATCH && has_scrypt && !tried_pass)
		error = veil_error_set(VEIL_ENOMATCH, "the file is passphrase-encrypted and no "
		                                      "passphrase was given");
	else if (error == VEIL_ENOMATCH)
		error = no_match(h, tried_pass, plugins);
done:
	veil_identity_free(prompted);
	return error;
}

/* MAC check, nonce, payload key: everything between the key and STREAM. */
static int open_payload(uint8_t key[32], const uint8_t *file_key, const veil_header *h,
                        veil_bufreader *br)
{
	uint8_t mac[32], nonce[VEIL_STREAM_NONCE];
	long n;
	int error;

	if ((error = veil_header__mac(mac, file_key, h->raw.data, h->raw.len)) < 0)
		goto done;
	if (sodium_memcmp(mac, h->mac, sizeof(mac)) != 0) {
		error = veil_error_set(VEIL_EMAC, "header MAC mismatch: the header was modified");
		goto done;
	}
	n = veil_read_full(veil_bufreader__read, br, nonce, sizeof(nonce));
	if (n < 0) {
		error = (int)n;
		goto done;
	}
	if (n < (long)sizeof(nonce)) {
		error = veil_error_set(VEIL_EFORMAT,
		                       "header: payload nonce missing or short "
		                       "(%ld of 16 bytes)",
		                       n);
		goto done;
	}
	error = veil_stream__key(key, file_key, nonce);
done:
	sodium_memzero(mac, sizeof(mac));
	return error;
}

int veil_age_decrypt(veil_read_fn rd, void *rd_payload, veil_write_fn wr, void *wr_payload,
                     const veil_identities *identities, const veil_age_options *opts)
{
	age_input in;
	veil_header h;
	uint8_t *file_key = NULL, key[32];
	int error;

	memset(&h, 0, sizeof(h));
	if (opts && opts->version != VEIL_AGE_OPTIONS_VERSION)
		return veil_error_set(VEIL_EINVAL, "unknown veil_age_options version %u",
		                      opts->version);
	if ((error = input_open(&in, rd, rd_payload)) < 0 ||
	    (error = veil_header__parse(&h, in.br)) < 0)
		goto done;
	file_key = veil_secure_alloc(VEIL_FILE_KEY_LEN);
	if (!file_key) {
		error = VEIL_ENOMEM;
		goto done;
	}
	if ((error = unwrap_file_key(file_key, &h, identities, opts)) < 0 ||
	    (error = open_payload(key, file_key, &h, in.br)) < 0)
		goto done;
	veil_secure_free(file_key);
	file_key = NULL;
	error = veil_stream__decrypt(key, veil_bufreader__read, in.br, wr, wr_payload,
	                             opts ? opts->threads : 0);
done:
	sodium_memzero(key, sizeof(key));
	veil_secure_free(file_key);
	veil_header__dispose(&h);
	input_close(&in);
	return error;
}

/* The stanzas of the plugin recipients, one session per plugin, appended
 * to *stanzas. All stanzas of a file must carry the same label set (C2SP
 * age-plugin.md "extension-labels"); native ones have none. */
static int wrap_plugins(veil_stanza **stanzas, size_t *n, const veil_recipients *rs,
                        const uint8_t *file_key, int have_native)
{
	size_t i, j, k, count = veil_recipients_count(rs), nout = 0;
	const veil_recipient **group = count ? calloc(count, sizeof(*group)) : NULL;
	char *labels = NULL, *first = NULL;
	veil_stanza *out = NULL, *grown;
	int error = 0, have_first = 0;

	for (i = 0; i < count && error == 0; i++) {
		const veil_recipient *r = veil_recipients_get(rs, i);

		if (r->type != VEIL_KEY_PLUGIN)
			continue;
		for (j = 0; j < i; j++)
			if (veil_recipients_get(rs, j)->type == VEIL_KEY_PLUGIN &&
			    !strcmp(veil_recipients_get(rs, j)->plugin.name, r->plugin.name))
				break;
		if (j < i || group == NULL)
			continue;
		for (k = 0, j = i; j < count; j++)
			if (veil_recipients_get(rs, j)->type == VEIL_KEY_PLUGIN &&
			    !strcmp(veil_recipients_get(rs, j)->plugin.name, r->plugin.name))
				group[k++] = veil_recipients_get(rs, j);
		if ((error = veil_plugin__wrap(group, k, file_key, &out, &nout, &labels)) < 0)
			break;
		if ((labels && labels[0] && have_native) ||
		    (have_first && strcmp(first ? first : "", labels ? labels : ""))) {
			error = veil_error_set(VEIL_EINVAL,
			                       "age-plugin-%s's stanzas (labels \"%s\") cannot be "
			                       "combined with the other recipients",
			                       r->plugin.name, labels ? labels : "");
		} else if ((grown = realloc(*stanzas, (*n + nout) * sizeof(*grown))) == NULL) {
			error = veil_error_oom();
		} else {
			*stanzas = grown;
			memcpy(grown + *n, out, nout * sizeof(*out));
			*n += nout;
			nout = 0;
		}
		if (!have_first) {
			have_first = 1;
			first = labels;
			labels = NULL;
		}
		for (j = 0; j < nout; j++)
			veil_stanza__dispose(&out[j]);
		free(out);
		out = NULL;
		free(labels);
		labels = NULL;
	}
	free(first);
	free(group);
	return error;
}

/* Wraps the file key for every recipient and writes the header with its
 * MAC line into hdr. */
static int build_header(veil_buf *hdr, const veil_recipients *rs, const uint8_t *file_key)
{
	size_t i, n = 0, count = veil_recipients_count(rs);
	veil_stanza *stanzas = calloc(count ? count : 1, sizeof(*stanzas));
	uint8_t mac[32];
	char mac64[44];
	int error = 0;

	if (!stanzas)
		return veil_error_oom();
	for (i = 0; i < count && error == 0; i++) {
		const veil_recipient *r = veil_recipients_get(rs, i);

		if (r->type != VEIL_KEY_PLUGIN)
			error = veil_recipient__wrap(&stanzas[n++], r, file_key);
	}
	if (error == 0)
		error = wrap_plugins(&stanzas, &n, rs, file_key, n > 0);
	if (error < 0 || (error = veil_header__encode_mac_input(hdr, stanzas, n)) < 0 ||
	    (error = veil_header__mac(mac, file_key, hdr->data, hdr->len)) < 0)
		goto done;
	veil_b64_encode_raw(mac64, mac, sizeof(mac));
	if ((error = veil_buf_putc(hdr, ' ')) < 0 || (error = veil_buf_append(hdr, mac64, 43)) < 0)
		goto done;
	error = veil_buf_putc(hdr, '\n');
done:
	for (i = 0; i < n; i++)
		veil_stanza__dispose(&stanzas[i]);
	free(stanzas);
	sodium_memzero(mac, sizeof(mac));
	return error;
}

static int check_recipients(const veil_recipients *rs)
{
	size_t i, n = rs ? veil_recipients_count(rs) : 0;

	if (n == 0)
		return veil_error_set(VEIL_EINVAL, "no recipients given");
	for (i = 0; i < n; i++)
		if (veil_recipient_type(veil_recipients_get(rs, i)) == VEIL_KEY_SCRYPT && n > 1)
			return veil_error_set(VEIL_EINVAL, "a passphrase cannot be combined with "
			                                   "other recipients");
	return 0;
}

int veil_age_encrypt(veil_read_fn rd, void *rd_payload, veil_write_fn wr, void *wr_payload,
                     const veil_recipients *recipients, const veil_age_options *opts)
{
	veil_buf hdr = VEIL_BUF_INIT(VEIL_AGE_MAX_HEADER);
	veil_armor_writer *aw = NULL;
	uint8_t *file_key = NULL, nonce[VEIL_STREAM_NONCE], key[32];
	veil_write_fn out = wr;
	void *out_payload = wr_payload;
	int error;

	if (opts && opts->version != VEIL_AGE_OPTIONS_VERSION)
		return veil_error_set(VEIL_EINVAL, "unknown veil_age_options version %u",
		                      opts->version);
	if ((error = check_recipients(recipients)) < 0)
		return error;
	file_key = veil_secure_alloc(VEIL_FILE_KEY_LEN);
	if (!file_key)
		return VEIL_ENOMEM;
	randombytes_buf(file_key, VEIL_FILE_KEY_LEN);
	randombytes_buf(nonce, sizeof(nonce));
	if ((error = build_header(&hdr, recipients, file_key)) < 0 ||
	    (error = veil_stream__key(key, file_key, nonce)) < 0)
		goto done;
	veil_secure_free(file_key);
	file_key = NULL;
	if (opts && opts->armor) {
		if ((error = veil_armor__writer_new(&aw, wr, wr_payload)) < 0)
			goto done;
		out = veil_armor__write;
		out_payload = aw;
	}
	if ((error = out(out_payload, hdr.data, hdr.len)) < 0 ||
	    (error = out(out_payload, nonce, sizeof(nonce))) < 0 ||
	    (error = veil_stream__encrypt(key, rd, rd_payload, out, out_payload,
	                                  opts ? opts->threads : 0)) < 0)
		goto done;
	if (aw)
		error = veil_armor__writer_finish(aw);
done:
	sodium_memzero(key, sizeof(key));
	veil_secure_free(file_key);
	veil_armor__writer_free(aw);
	veil_buf_dispose(&hdr);
	return error;
}

int veil_age_encrypt_mem(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len,
                         const veil_recipients *recipients, const veil_age_options *opts)
{
	veil_memreader mr = { in, in_len, 0 };
	veil_buf b = VEIL_BUF_INIT(0);
	int error;

	*out = NULL;
	*out_len = 0;
	error = veil_age_encrypt(veil_mem_read, &mr, veil_buf_writer, &b, recipients, opts);
	if (error == 0) {
		*out = veil_buf_detach(&b, out_len);
		if (!*out)
			error = VEIL_ENOMEM;
	}
	veil_buf_dispose(&b);
	return error;
}

int veil_age_decrypt_mem(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len,
                         const veil_identities *identities, const veil_age_options *opts)
{
	veil_memreader mr = { in, in_len, 0 };
	veil_buf b = VEIL_BUF_INIT(0);
	int error;

	*out = NULL;
	*out_len = 0;
	error = veil_age_decrypt(veil_mem_read, &mr, veil_buf_writer, &b, identities, opts);
	if (error == 0) {
		*out = veil_buf_detach(&b, out_len);
		if (!*out)
			error = VEIL_ENOMEM;
	}
	/* Wipes any partial plaintext released before a failure. */
	veil_buf_dispose(&b);
	return error;
}
