/* The age v1 header: a buffered reader, the strict line parser, the
 * canonical encoder and the header MAC.
 *
 * The parser accepts exactly the headers the encoder produces (every
 * accepted header re-encodes byte for byte), so MACing the received bytes
 * is equivalent to MACing a re-serialisation as the Go reference does. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "age/format.h"
#include "util/b64.h"
#include "util/hkdf.h"
#include "util/secret.h"
#include "util/array.h"

#define COLUMNS        64 /* base64 characters per full body line */
#define BYTES_PER_LINE 48 /* bytes encoded by a full body line */
#define MAC_B64_LEN    43 /* raw base64 of 32 bytes */
#define INTRO_LEN      (sizeof(VEIL_AGE_INTRO) - 1)

/* Every parse error is a header failure with a "header: " message. */
#define HEADER_ERROR(...) veil_error_set(VEIL_EFORMAT, "header: " __VA_ARGS__)

/* Internal result of next_line(): the line did not fit in max bytes. */
#define LINE_TOO_LONG 1

int veil_bufreader__init(veil_bufreader *br, veil_read_fn rd, void *payload, size_t cap)
{
	memset(br, 0, sizeof(*br));
	br->buf = malloc(cap);
	if (!br->buf)
		return veil_error_set(VEIL_ENOMEM, "out of memory (read buffer of %zu bytes)", cap);
	br->read = rd;
	br->payload = payload;
	br->cap = cap;
	return 0;
}

void veil_bufreader__dispose(veil_bufreader *br)
{
	/* Only what was read into: wiping the untouched rest of a 64 KiB
	 * buffer faulted in 16 fresh pages to decrypt a 100-byte key. */
	if (br->buf)
		veil_wipe_free(br->buf, br->used);
	memset(br, 0, sizeof(*br));
}

/* Reads more input after the buffered bytes (moving them to the front
 * first). Returns the count read, 0 at end of input or when the buffer is
 * full, or a negative code. */
static long bufreader_fill(veil_bufreader *br)
{
	long n;

	if (br->start > 0) {
		memmove(br->buf, br->buf + br->start, br->end - br->start);
		br->end -= br->start;
		br->start = 0;
	}
	if (br->eof || br->end == br->cap)
		return 0;
	n = br->read(br->payload, br->buf + br->end, br->cap - br->end);
	if (n < 0)
		return n;
	if (n == 0)
		br->eof = 1;
	br->end += (size_t)n;
	if (br->end > br->used)
		br->used = br->end;
	return n;
}

int veil_bufreader__peek(veil_bufreader *br, size_t n)
{
	long got;

	if (n > br->cap)
		n = br->cap;
	while (br->end - br->start < n && !br->eof) {
		got = bufreader_fill(br);
		if (got < 0)
			return (int)got;
	}
	return 0;
}

long veil_bufreader__read(void *payload, uint8_t *buf, size_t len)
{
	veil_bufreader *br = payload;
	size_t avail = br->end - br->start;
	long n;

	if (len == 0)
		return 0;
	if (avail > 0) {
		if (avail > len)
			avail = len;
		memcpy(buf, br->buf + br->start, avail);
		br->start += avail;
		return (long)avail;
	}
	if (br->eof)
		return 0;
	/* Nothing buffered: read straight into the caller's buffer. */
	n = br->read(br->payload, buf, len);
	if (n == 0)
		br->eof = 1;
	return n;
}

/*
 * Finds the next line (through its LF) of at most max bytes. Returns 0 with
 * the line and its length set (the length counts the LF); VEIL_ENOTFOUND at
 * end of input, the length then being the bytes left without an LF (not
 * consumed); LINE_TOO_LONG; or a negative code from the underlying reader.
 */
static int next_line(veil_bufreader *br, const uint8_t **line, size_t *len, size_t max)
{
	size_t scanned = 0;
	long n;

	if (max > br->cap)
		max = br->cap;
	for (;;) {
		size_t avail = br->end - br->start;
		size_t lim = avail < max ? avail : max;
		const uint8_t *p = br->buf + br->start;
		const uint8_t *lf = memchr(p + scanned, '\n', lim - scanned);

		if (lf) {
			*line = p;
			*len = (size_t)(lf - p) + 1;
			br->start += *len;
			return 0;
		}
		if (avail >= max)
			return LINE_TOO_LONG;
		scanned = lim;
		n = bufreader_fill(br);
		if (n < 0)
			return (int)n;
		if (n == 0 && br->eof) {
			*line = br->buf + br->start;
			*len = br->end - br->start;
			return VEIL_ENOTFOUND;
		}
	}
}

static int is_vchar(uint8_t c)
{
	return c >= 0x21 && c <= 0x7e;
}

static int parse_intro(veil_header *h, veil_bufreader *br)
{
	const uint8_t *line = NULL;
	size_t len = 0;
	int error = next_line(br, &line, &len, 64);

	if (error < 0 && error != VEIL_ENOTFOUND)
		return error;
	if (error == VEIL_ENOTFOUND && len == 0)
		return HEADER_ERROR("the input is empty, not an age file");
	if (error == 0 && len == INTRO_LEN && !memcmp(line, VEIL_AGE_INTRO, INTRO_LEN))
		return veil_buf_append(&h->raw, line, len);
	if (error == 0 && len == INTRO_LEN + 1 && !memcmp(line, VEIL_AGE_INTRO, INTRO_LEN - 1) &&
	    line[INTRO_LEN - 1] == '\r')
		return HEADER_ERROR("the version line ends in CRLF: the file "
		                    "was altered by a text-mode conversion");
	if (len >= 19 && !memcmp(line, "age-encryption.org/", 19))
		return HEADER_ERROR("unsupported age version (only "
		                    "\"age-encryption.org/v1\" is known)");
	return HEADER_ERROR("not an age file (the first line is not "
	                    "\"age-encryption.org/v1\")");
}

/* Splits the stanza line after "->" (p, n without the LF) into s->args:
 * one or more arguments, each a non-empty run of VCHAR after one space. */
static int parse_args(veil_stanza *s, const uint8_t *p, size_t n, size_t idx)
{
	size_t i = 0, count = 0, k;

	if (n == 0)
		return HEADER_ERROR("stanza %zu: no stanza type after \"->\"", idx);
	for (k = 0; k < n; k++) {
		if (p[k] == ' ')
			count++;
		else if (!is_vchar(p[k]))
			return HEADER_ERROR("stanza %zu: byte 0x%02x is not "
			                    "allowed in an argument (only printable ASCII)",
			                    idx, p[k]);
	}
	if (p[0] != ' ')
		return HEADER_ERROR("stanza %zu: expected a space after \"->\"", idx);
	s->args = calloc(count, sizeof(*s->args));
	if (!s->args)
		return veil_error_oom();
	while (i < n) {
		size_t start = ++i, alen;

		while (i < n && p[i] != ' ')
			i++;
		alen = i - start;
		if (alen == 0)
			return HEADER_ERROR("stanza %zu: empty argument (two "
			                    "spaces in a row or a trailing space)",
			                    idx);
		if (alen > VEIL_AGE_MAX_ARG_LEN)
			return HEADER_ERROR("stanza %zu: argument %zu is longer "
			                    "than %d bytes",
			                    idx, s->nargs + 1, VEIL_AGE_MAX_ARG_LEN);
		s->args[s->nargs] = malloc(alen + 1);
		if (!s->args[s->nargs])
			return veil_error_oom();
		memcpy(s->args[s->nargs], p + start, alen);
		s->args[s->nargs][alen] = '\0';
		s->nargs++;
	}
	return 0;
}

/* Reads the body lines of stanza idx: full 64-column lines, then one
 * shorter (possibly empty) line that ends the stanza. */
static int parse_body(veil_stanza *s, veil_header *h, veil_bufreader *br, size_t idx)
{
	veil_buf body = VEIL_BUF_INIT(VEIL_AGE_MAX_HEADER);
	uint8_t chunk[BYTES_PER_LINE];
	size_t nline = 0, clen = 0;
	int error;

	for (;;) {
		const uint8_t *line = NULL;
		size_t len = 0;

		nline++;
		error = next_line(br, &line, &len, COLUMNS + 2);
		if (error == LINE_TOO_LONG) {
			error = HEADER_ERROR("stanza %zu: body line %zu longer "
			                     "than %d columns",
			                     idx, nline, COLUMNS);
			goto done;
		}
		if (error == VEIL_ENOTFOUND) {
			error = HEADER_ERROR("stanza %zu: input ends inside "
			                     "the body",
			                     idx);
			goto done;
		}
		if (error < 0)
			goto done;
		if ((len >= 2 && !memcmp(line, "->", 2)) || (len >= 3 && !memcmp(line, "---", 3))) {
			error = HEADER_ERROR(
			        "stanza %zu: missing final body "
			        "line (a body ends with a line shorter than %d columns, possibly "
			        "empty)",
			        idx, COLUMNS);
			goto done;
		}
		if (len - 1 > COLUMNS) {
			error = HEADER_ERROR("stanza %zu: body line %zu longer "
			                     "than %d columns",
			                     idx, nline, COLUMNS);
			goto done;
		}
		error = veil_b64_decode_raw(chunk, sizeof(chunk), &clen, (const char *)line,
		                            len - 1);
		if (error < 0) {
			error = HEADER_ERROR(
			        "stanza %zu: body line %zu is "
			        "not canonical unpadded base64%s",
			        idx, nline,
			        len >= 2 && line[len - 2] == '\r' ? " (it ends in CRLF)" : "");
			goto done;
		}
		if ((error = veil_buf_append(&h->raw, line, len)) < 0 ||
		    (error = veil_buf_append(&body, chunk, clen)) < 0)
			goto done;
		if (len - 1 < COLUMNS)
			break;
	}
	s->body_len = body.len;
	s->body = body.len ? veil_buf_detach(&body, &s->body_len) : NULL;
	error = 0;
done:
	veil_buf_dispose(&body);
	sodium_memzero(chunk, sizeof(chunk));
	return error;
}

static int add_stanza(veil_header *h, size_t *cap)
{
	veil_stanza *grown;
	size_t old = *cap;

	if (h->nstanzas < *cap)
		return 0;
	if (h->nstanzas >= VEIL_AGE_MAX_STANZAS)
		return HEADER_ERROR("more than %d stanzas", VEIL_AGE_MAX_STANZAS);
	grown = veil_array_grow(h->stanzas, cap, h->nstanzas + 1, sizeof(*grown));
	if (!grown)
		return VEIL_ENOMEM;
	memset(grown + old, 0, (*cap - old) * sizeof(*grown));
	h->stanzas = grown;
	return 0;
}

/* "--- " + 43 base64 characters + LF; only "---" goes into raw. */
static int parse_mac_line(veil_header *h, const uint8_t *line, size_t len)
{
	size_t mlen = 0;

	if (len != 3 + 1 + MAC_B64_LEN + 1 || line[3] != ' ' ||
	    veil_b64_decode_raw(h->mac, sizeof(h->mac), &mlen, (const char *)line + 4,
	                        MAC_B64_LEN) < 0 ||
	    mlen != sizeof(h->mac))
		return HEADER_ERROR("malformed MAC line (expected \"--- \" "
		                    "and 43 characters of canonical base64)");
	return veil_buf_append(&h->raw, line, 3);
}

static int parse_stanza_line(veil_header *h, veil_bufreader *br, const uint8_t *line, size_t len,
                             size_t *cap)
{
	veil_stanza *s;
	size_t idx = h->nstanzas + 1;
	int error;

	if ((error = add_stanza(h, cap)) < 0)
		return error;
	s = &h->stanzas[h->nstanzas++];
	if ((error = parse_args(s, line + 2, len - 3, idx)) < 0 ||
	    (error = veil_buf_append(&h->raw, line, len)) < 0)
		return error;
	return parse_body(s, h, br, idx);
}

int veil_stanza__read(veil_stanza *out, veil_bufreader *br)
{
	veil_header h;
	const uint8_t *line = NULL;
	size_t len = 0, cap = 0;
	int error;

	memset(&h, 0, sizeof(h));
	memset(out, 0, sizeof(*out));
	h.raw.max = VEIL_AGE_MAX_HEADER;
	error = next_line(br, &line, &len, VEIL_AGE_MAX_STANZA_LINE);
	if (error == VEIL_ENOTFOUND && len == 0)
		return VEIL_ENOTFOUND;
	if (error == LINE_TOO_LONG)
		error = HEADER_ERROR("stanza line longer than %d bytes", VEIL_AGE_MAX_STANZA_LINE);
	else if (error == VEIL_ENOTFOUND)
		error = HEADER_ERROR("input ends inside a stanza line");
	else if (error == 0 && (len < 3 || memcmp(line, "->", 2) != 0))
		error = HEADER_ERROR("expected a stanza (\"-> ...\")");
	if (error == 0)
		error = parse_stanza_line(&h, br, line, len, &cap);
	if (error == 0 && h.nstanzas == 1) {
		*out = h.stanzas[0];
		h.nstanzas = 0;
	}
	veil_header__dispose(&h);
	return error;
}

int veil_header__parse(veil_header *out, veil_bufreader *br)
{
	size_t cap = 0;
	int error;

	memset(out, 0, sizeof(*out));
	out->raw.max = VEIL_AGE_MAX_HEADER;
	if ((error = parse_intro(out, br)) < 0)
		goto done;
	for (;;) {
		const uint8_t *line = NULL;
		size_t len = 0;

		error = next_line(br, &line, &len, br->cap);
		if (error == LINE_TOO_LONG) {
			error = HEADER_ERROR("line longer than %zu bytes", br->cap);
			goto done;
		}
		if (error == VEIL_ENOTFOUND) {
			error = HEADER_ERROR("input ends before the MAC "
			                     "line (\"--- ...\")");
			goto done;
		}
		if (error < 0)
			goto done;
		if (out->raw.len + len > VEIL_AGE_MAX_HEADER) {
			error = HEADER_ERROR("larger than the %u byte limit", VEIL_AGE_MAX_HEADER);
			goto done;
		}
		if (len >= 3 && !memcmp(line, "---", 3)) {
			error = parse_mac_line(out, line, len);
			goto done;
		}
		if (len < 2 || memcmp(line, "->", 2)) {
			error = out->nstanzas
			                ? HEADER_ERROR("after stanza %zu: expected a stanza (\"-> "
			                               "\") or "
			                               "the MAC line (\"--- \")",
			                               out->nstanzas)
			                : HEADER_ERROR("after the version line: expected a stanza "
			                               "(\"-> \") or the MAC line (\"--- \")");
			goto done;
		}
		if ((error = parse_stanza_line(out, br, line, len, &cap)) < 0)
			goto done;
	}
done:
	if (error == VEIL_ELIMIT)
		error = HEADER_ERROR("larger than the %u byte limit", VEIL_AGE_MAX_HEADER);
	if (error < 0)
		veil_header__dispose(out);
	return error;
}

int veil_stanza__encode(veil_buf *out, const veil_stanza *s)
{
	char line[COLUMNS + 1];
	size_t i, off = 0;
	int error = 0;

	if (s->nargs == 0)
		return veil_error_set(VEIL_EINVAL, "stanza without a type");
	if ((error = veil_buf_append(out, "->", 2)) < 0)
		return error;
	for (i = 0; i < s->nargs; i++) {
		size_t k, alen = strlen(s->args[i]);

		for (k = 0; k < alen; k++)
			if (!is_vchar((uint8_t)s->args[i][k]))
				break;
		if (alen == 0 || k < alen)
			return veil_error_set(VEIL_EINVAL,
			                      "stanza argument %zu is empty or not "
			                      "printable ASCII",
			                      i + 1);
		if ((error = veil_buf_putc(out, ' ')) < 0 ||
		    (error = veil_buf_append(out, s->args[i], alen)) < 0)
			return error;
	}
	if ((error = veil_buf_putc(out, '\n')) < 0)
		return error;
	/* Full lines, then always one shorter (possibly empty) final line. */
	for (;;) {
		size_t n = s->body_len - off < BYTES_PER_LINE ? s->body_len - off : BYTES_PER_LINE;

		/* An empty body is NULL: no arithmetic on a null pointer (UB). */
		veil_b64_encode_raw(line, s->body ? s->body + off : NULL, n);
		if ((error = veil_buf_append(out, line, veil_b64_raw_len(n))) < 0 ||
		    (error = veil_buf_putc(out, '\n')) < 0)
			return error;
		off += n;
		if (n < BYTES_PER_LINE)
			return 0;
	}
}

int veil_header__encode_mac_input(veil_buf *out, const veil_stanza *stanzas, size_t n)
{
	size_t i;
	int error;

	if ((error = veil_buf_append(out, VEIL_AGE_INTRO, INTRO_LEN)) < 0)
		return error;
	for (i = 0; i < n; i++)
		if ((error = veil_stanza__encode(out, &stanzas[i])) < 0)
			return error;
	return veil_buf_append(out, "---", 3);
}

void veil_stanza__dispose(veil_stanza *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	if (s->body)
		veil_wipe_free(s->body, s->body_len);
	memset(s, 0, sizeof(*s));
}

void veil_header__dispose(veil_header *h)
{
	size_t i;

	for (i = 0; i < h->nstanzas; i++)
		veil_stanza__dispose(&h->stanzas[i]);
	free(h->stanzas);
	h->stanzas = NULL;
	h->nstanzas = 0;
	veil_buf_dispose(&h->raw);
	sodium_memzero(h->mac, sizeof(h->mac));
}

int veil_header__mac(uint8_t mac[32], const uint8_t file_key[VEIL_FILE_KEY_LEN],
                     const uint8_t *mac_input, size_t len)
{
	static const uint8_t info[] = "header";
	uint8_t key[32];
	int error;

	error = veil_hkdf_sha256(key, sizeof(key), file_key, VEIL_FILE_KEY_LEN, NULL, 0, info,
	                         sizeof(info) - 1);
	if (error == 0)
		veil_hmac_sha256(mac, key, sizeof(key), mac_input, len);
	sodium_memzero(key, sizeof(key));
	return error;
}
