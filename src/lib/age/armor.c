/* ASCII armor: a strict streaming PEM reader (the rules of the age spec
 * and the reference reader, each one a CCTV vector) and a writer whose
 * output is byte-identical to the reference writer's. Both work line by
 * line in constant memory. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "age/armor.h"
#include "util/b64.h"
#include "util/secret.h"

#define COLUMNS        64
#define BYTES_PER_LINE 48
#define MAX_WHITESPACE 1024 /* before BEGIN and after END, like age >= 1.3 */
#define BEGIN_LEN      (sizeof(VEIL_ARMOR_BEGIN) - 1)
#define END_LEN        (sizeof(VEIL_ARMOR_END) - 1)
#define IN_CAP         65536         /* input read per call; large to keep syscalls rare */
#define LINE_CAP       (COLUMNS + 2) /* 64 columns, a CR, and one more to detect overflow */

enum { ST_BEGIN, ST_BODY, ST_TRAILER, ST_DONE, ST_FAILED };

struct veil_armor_reader {
	veil_read_fn rd;
	void *payload;
	int state;
	int error;         /* sticky code once ST_FAILED */
	char message[200]; /* sticky message, re-set on every later call */
	int last_seen;     /* a short or padded line was read: only END may follow */
	size_t nline;
	size_t in_pos, in_len;
	size_t in_used; /* high-water mark of in_len: what is wiped */
	int in_eof;
	char line[LINE_CAP];
	size_t line_len;
	uint8_t out[BYTES_PER_LINE];
	size_t out_pos, out_len;
	uint8_t in[IN_CAP]; /* last: neither zeroed nor wiped past in_used */
};

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int fail(veil_armor_reader *ar, const char *msg)
{
	ar->state = ST_FAILED;
	ar->error = VEIL_EARMOR;
	snprintf(ar->message, sizeof(ar->message), "armor: %s", msg);
	return veil_error_set(VEIL_EARMOR, "%s", ar->message);
}

/* Makes input available: 1 if there is some, 0 at end of input, < 0. */
static int more_input(veil_armor_reader *ar)
{
	long n;

	if (ar->in_pos < ar->in_len)
		return 1;
	if (ar->in_eof)
		return 0;
	n = ar->rd(ar->payload, ar->in, sizeof(ar->in));
	if (n < 0) {
		/* Keep the reader's own error and message: it is not an armor error. */
		ar->state = ST_FAILED;
		ar->error = (int)n;
		snprintf(ar->message, sizeof(ar->message), "%s", veil_error_last());
		return (int)n;
	}
	ar->in_pos = 0;
	ar->in_len = (size_t)n;
	if (ar->in_len > ar->in_used)
		ar->in_used = ar->in_len;
	if (n == 0)
		ar->in_eof = 1;
	return n > 0;
}

/* Skips whitespace, at most MAX_WHITESPACE bytes in all; 0 or < 0. */
static int skip_space(veil_armor_reader *ar, const char *where)
{
	size_t count = 0;
	int got;

	while ((got = more_input(ar)) > 0) {
		while (ar->in_pos < ar->in_len && is_space(ar->in[ar->in_pos])) {
			ar->in_pos++;
			if (++count > MAX_WHITESPACE)
				return fail(ar, where);
		}
		if (ar->in_pos < ar->in_len)
			return 0;
	}
	return got;
}

/*
 * Reads one line into ar->line without its LF and one trailing CR.
 * Returns 1 for a line ended by LF, 0 for a last line ended by the end of
 * input (line_len may be 0), < 0 on error. Longer than LINE_CAP - 1 bytes
 * is an armor error.
 */
static int read_line(veil_armor_reader *ar)
{
	int got;

	ar->line_len = 0;
	ar->nline++;
	while ((got = more_input(ar)) > 0) {
		const uint8_t *p = ar->in + ar->in_pos;
		size_t avail = ar->in_len - ar->in_pos;
		const uint8_t *lf = memchr(p, '\n', avail);
		size_t take = lf ? (size_t)(lf - p) : avail;

		if (ar->line_len + take > LINE_CAP - 1)
			return fail(ar, "line longer than 64 columns");
		memcpy(ar->line + ar->line_len, p, take);
		ar->line_len += take;
		ar->in_pos += take + (lf ? 1 : 0);
		if (lf)
			break;
	}
	if (got < 0)
		return got;
	if (ar->line_len > 0 && ar->line[ar->line_len - 1] == '\r')
		ar->line_len--;
	return got > 0;
}

/*
 * Full 64-column lines carry no padding and no leftover bits, so strict
 * decoding is just "every character is in the alphabet". Armor is
 * ciphertext, not a secret, so this plain decoder (about 10x faster than
 * the constant-time one) is fine; short and padded lines still go through
 * the canonical decoder of util/b64.
 */
/* The value of each base64 character, -1 for everything else. */
static const int8_t b64_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62,
	-1, -1, -1, 63, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1, -1, 0,
	1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
	23, 24, 25, -1, -1, -1, -1, -1, -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
	39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int decode_full_line(uint8_t out[BYTES_PER_LINE], const char *line)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < COLUMNS / 4; i++) {
		const uint8_t *q = (const uint8_t *)line + 4 * i;
		int a = b64_values[q[0]], b = b64_values[q[1]], c = b64_values[q[2]],
		    d = b64_values[q[3]];
		unsigned long v;

		bad |= a | b | c | d;
		v = (unsigned long)(a & 63) << 18 | (unsigned long)(b & 63) << 12 |
		    (unsigned long)(c & 63) << 6 | (unsigned long)(d & 63);
		out[3 * i] = (uint8_t)(v >> 16);
		out[3 * i + 1] = (uint8_t)(v >> 8);
		out[3 * i + 2] = (uint8_t)v;
	}
	return bad < 0 ? -1 : 0;
}

static int is_line(const veil_armor_reader *ar, const char *s, size_t n)
{
	return ar->line_len == n && !memcmp(ar->line, s, n);
}

static int read_begin(veil_armor_reader *ar)
{
	int got;

	if ((got = skip_space(ar, "more than 1024 bytes of whitespace before the BEGIN line")) < 0)
		return got;
	got = read_line(ar);
	if (got < 0)
		return ar->error == VEIL_EARMOR ? fail(ar, "invalid BEGIN line") : got;
	if (!is_line(ar, VEIL_ARMOR_BEGIN, BEGIN_LEN))
		return fail(ar, "the first line is not \"" VEIL_ARMOR_BEGIN "\"");
	ar->state = ST_BODY;
	return 0;
}

/* After END: only whitespace (at most 1024 bytes) until the end of input. */
static int read_trailer(veil_armor_reader *ar)
{
	int got = skip_space(ar, "more than 1024 bytes of whitespace after the END line");

	if (got < 0)
		return got;
	if (more_input(ar) != 0)
		return ar->state == ST_FAILED ? ar->error : fail(ar, "data after the END line");
	ar->state = ST_DONE;
	return 0;
}

/* Decodes the next data line into ar->out, or moves on to the trailer. */
static int read_body_line(veil_armor_reader *ar)
{
	char msg[80];
	int error, got = read_line(ar);

	if (got < 0)
		return got;
	if (is_line(ar, VEIL_ARMOR_END, END_LEN)) {
		/* The END line may be the last bytes of the input (no LF). */
		ar->state = got ? ST_TRAILER : ST_DONE;
		return got ? read_trailer(ar) : 0;
	}
	if (got == 0)
		return fail(ar, "missing END line");
	if (ar->line_len >= 5 && !memcmp(ar->line, "-----", 5))
		return fail(ar, "invalid END line");
	if (ar->last_seen)
		return fail(ar, "data after the last (short or padded) base64 line");
	if (ar->line_len == 0)
		return fail(ar, "empty line");
	if (ar->line_len > COLUMNS)
		return fail(ar, "line longer than 64 columns");
	if (ar->line_len < COLUMNS || memchr(ar->line, '=', ar->line_len))
		ar->last_seen = 1;
	if (!ar->last_seen) {
		error = decode_full_line(ar->out, ar->line);
		ar->out_len = BYTES_PER_LINE;
	} else {
		error = veil_b64_decode_padded(ar->out, sizeof(ar->out), &ar->out_len, ar->line,
		                               ar->line_len);
	}
	if (error < 0) {
		snprintf(msg, sizeof(msg), "line %zu is not canonical padded base64", ar->nline);
		return fail(ar, msg);
	}
	ar->out_pos = 0;
	return 0;
}

int veil_armor__reader_new(veil_armor_reader **out, veil_read_fn rd, void *payload)
{
	/* Only the fields are zeroed: a 64 KiB input buffer zeroed for a
	 * 300-byte armored key cost 16 page faults. */
	veil_armor_reader *ar = malloc(sizeof(*ar));

	*out = NULL;
	if (!ar)
		return veil_error_oom();
	memset(ar, 0, offsetof(veil_armor_reader, in));
	ar->rd = rd;
	ar->payload = payload;
	ar->state = ST_BEGIN;
	*out = ar;
	return 0;
}

long veil_armor__read(void *armor_reader, uint8_t *buf, size_t len)
{
	veil_armor_reader *ar = armor_reader;
	size_t done = 0;
	int error = 0;

	while (done < len) {
		if (ar->out_pos < ar->out_len) {
			size_t n = ar->out_len - ar->out_pos;

			if (n > len - done)
				n = len - done;
			memcpy(buf + done, ar->out + ar->out_pos, n);
			ar->out_pos += n;
			done += n;
			continue;
		}
		/* Hand over what is decoded before reporting a later error. */
		if (ar->state == ST_DONE || (ar->state == ST_FAILED && done > 0))
			break;
		if (ar->state == ST_FAILED)
			return veil_error_set(ar->error, "%s", ar->message);
		if (ar->state == ST_BEGIN)
			error = read_begin(ar);
		else if (ar->state == ST_TRAILER)
			error = read_trailer(ar);
		else
			error = read_body_line(ar);
		if (error < 0 && done == 0)
			return error;
	}
	return (long)done;
}

void veil_armor__reader_free(veil_armor_reader *ar)
{
	if (ar)
		veil_wipe_free(ar, offsetof(veil_armor_reader, in) + ar->in_used);
}

struct veil_armor_writer {
	veil_write_fn wr;
	void *payload;
	int started;
	uint8_t pend[BYTES_PER_LINE];
	size_t pend_len;
	size_t out_len;
	size_t out_used;  /* high-water mark of out_len: what is wiped */
	char out[IN_CAP]; /* whole lines, flushed when the next would not fit */
};

int veil_armor__writer_new(veil_armor_writer **out, veil_write_fn wr, void *payload)
{
	veil_armor_writer *aw = malloc(sizeof(*aw)); /* out[] is not zeroed: see reader_new */

	*out = NULL;
	if (!aw)
		return veil_error_oom();
	memset(aw, 0, offsetof(veil_armor_writer, out));
	aw->wr = wr;
	aw->payload = payload;
	*out = aw;
	return 0;
}

static int flush_out(veil_armor_writer *aw)
{
	int error = 0;

	if (aw->out_len > 0)
		error = aw->wr(aw->payload, (const uint8_t *)aw->out, aw->out_len);
	aw->out_len = 0;
	return error;
}

/* Appends s (n bytes, at most one line) to the output buffer. */
static int put(veil_armor_writer *aw, const char *s, size_t n)
{
	int error;

	if (aw->out_len + n > sizeof(aw->out) && (error = flush_out(aw)) < 0)
		return error;
	memcpy(aw->out + aw->out_len, s, n);
	aw->out_len += n;
	if (aw->out_len > aw->out_used)
		aw->out_used = aw->out_len;
	return 0;
}

/* Encodes n (<= 48) bytes as one armor line with its LF; full lines with
 * a plain table encoder (public data, see decode_full_line). */
static int put_line(veil_armor_writer *aw, const uint8_t *data, size_t n)
{
	static const char alphabet[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[COLUMNS + 1];
	size_t i, len = veil_b64_padded_len(n);

	if (n < BYTES_PER_LINE) {
		veil_b64_encode_padded(line, data, n);
	} else {
		for (i = 0; i < BYTES_PER_LINE / 3; i++) {
			unsigned long v = (unsigned long)data[3 * i] << 16 |
			                  (unsigned long)data[3 * i + 1] << 8 | data[3 * i + 2];

			line[4 * i] = alphabet[v >> 18];
			line[4 * i + 1] = alphabet[(v >> 12) & 63];
			line[4 * i + 2] = alphabet[(v >> 6) & 63];
			line[4 * i + 3] = alphabet[v & 63];
		}
	}
	line[len] = '\n';
	return put(aw, line, len + 1);
}

static int start(veil_armor_writer *aw)
{
	if (aw->started)
		return 0;
	aw->started = 1;
	return put(aw, VEIL_ARMOR_BEGIN "\n", BEGIN_LEN + 1);
}

int veil_armor__write(void *armor_writer, const uint8_t *buf, size_t len)
{
	veil_armor_writer *aw = armor_writer;
	int error;

	if ((error = start(aw)) < 0)
		return error;
	while (len > 0) {
		size_t n = BYTES_PER_LINE - aw->pend_len;

		if (aw->pend_len == 0 && len >= BYTES_PER_LINE) {
			/* Whole lines straight from the caller's buffer. */
			if ((error = put_line(aw, buf, BYTES_PER_LINE)) < 0)
				return error;
			buf += BYTES_PER_LINE;
			len -= BYTES_PER_LINE;
			continue;
		}
		if (n > len)
			n = len;
		memcpy(aw->pend + aw->pend_len, buf, n);
		aw->pend_len += n;
		buf += n;
		len -= n;
		if (aw->pend_len == BYTES_PER_LINE) {
			if ((error = put_line(aw, aw->pend, BYTES_PER_LINE)) < 0)
				return error;
			aw->pend_len = 0;
		}
	}
	return 0;
}

int veil_armor__writer_finish(veil_armor_writer *aw)
{
	int error;

	if ((error = start(aw)) < 0)
		return error;
	if (aw->pend_len > 0 && (error = put_line(aw, aw->pend, aw->pend_len)) < 0)
		return error;
	aw->pend_len = 0;
	if ((error = put(aw, VEIL_ARMOR_END "\n", END_LEN + 1)) < 0)
		return error;
	return flush_out(aw);
}

void veil_armor__writer_free(veil_armor_writer *aw)
{
	if (aw)
		veil_wipe_free(aw, offsetof(veil_armor_writer, out) + aw->out_used);
}
