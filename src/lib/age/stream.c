/*
 * The age STREAM payload (age-format.md §6): 64 KiB chunks sealed with
 * ChaCha20-Poly1305-IETF, nonce = 11-byte big-endian counter || final flag.
 *
 * Chunks are independent given their counter, so the payload is processed
 * in batches: the caller's thread reads batch k+1 and writes batch k-1 while
 * worker threads (and then the caller) seal or open batch k. Memory stays
 * constant: two batch buffers to encrypt (sealed in place), three to decrypt
 * (opened out of place, so a failed try leaves the ciphertext for the other
 * flag), rotating roles. An input that fits in one batch never starts a
 * thread.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "age/stream.h"
#include "age/stream_pool.h"
#include "util/hkdf.h"

#define CHUNK       VEIL_STREAM_CHUNK
#define TAG         VEIL_STREAM_TAG
#define CT          (CHUNK + TAG)
/* Chunks per batch: with threads spinning between batches, 8 was as fast as
 * 16 here and keeps the buffers at 1 MiB (encrypt) and 1.5 MiB (decrypt). */
#define BATCH       8
#define BATCH_BYTES ((size_t)BATCH * CT)

int veil_stream__key(uint8_t key[32], const uint8_t file_key[16], const uint8_t nonce[16])
{
	static const uint8_t info[] = "payload";

	return veil_hkdf_sha256(key, 32, file_key, 16, nonce, 16, info, sizeof(info) - 1);
}

static void chunk_nonce(uint8_t n[12], uint64_t counter, int final)
{
	int i;

	/* The top 3 of the 11 counter bytes stay zero: 2^64 chunks is 2^80 bytes. */
	memset(n, 0, 12);
	for (i = 0; i < 8; i++)
		n[10 - i] = (uint8_t)(counter >> (8 * i));
	n[11] = final ? 1 : 0;
}

/* The input side: a read callback plus one byte of look-ahead, which is how a
 * full batch learns whether its last chunk is the final one. */
struct source {
	veil_read_fn rd;
	void *payload;
	int have_peek;
	uint8_t peek;
	int eof;
};

/* Reads len bytes, fewer only at end of input. Returns the count or < 0. */
static long source_fill(struct source *s, uint8_t *buf, size_t len)
{
	size_t got = 0;
	long n;

	if (len > 0 && s->have_peek) {
		buf[0] = s->peek;
		s->have_peek = 0;
		got = 1;
	}
	while (got < len && !s->eof) {
		n = s->rd(s->payload, buf + got, len - got);
		if (n < 0)
			return n;
		if ((size_t)n > len - got)
			return veil_error_set(VEIL_EIO, "read callback returned more than asked");
		if (n == 0)
			s->eof = 1;
		got += (size_t)n;
	}
	return (long)got;
}

/* 1 if the input is exhausted, 0 if more follows (kept as look-ahead), < 0. */
static int source_at_end(struct source *s)
{
	long n;

	if (s->have_peek)
		return 0;
	n = source_fill(s, &s->peek, 1);
	if (n < 0)
		return (int)n;
	s->have_peek = n == 1;
	return n == 0;
}

/* One batch: n chunks, all CHUNK (plaintext) or CT (ciphertext) bytes long
 * except the last, which is last_len bytes. `at_end`: the input ends after it. */
struct batch {
	const uint8_t *key;
	uint8_t *in;
	uint8_t *out;   /* decrypt only: plaintext at stride CHUNK */
	uint64_t first; /* counter of chunk 0 */
	size_t n;
	size_t last_len;
	int at_end;
	signed char res[BATCH]; /* decrypt only: per-chunk outcome */
};

/* Buffers wiped and freed at the end: only the bytes ever used are wiped. */
struct buffer {
	uint8_t *p;
	size_t used;
};

static int buffer_get(struct buffer *b)
{
	if (b->p)
		return 0;
	b->p = malloc(BATCH_BYTES);
	if (!b->p)
		return veil_error_set(VEIL_ENOMEM, "cannot allocate %zu bytes for the payload",
		                      BATCH_BYTES);
	return 0;
}

static void buffer_touch(struct buffer *b, size_t len)
{
	if (len > b->used)
		b->used = len;
}

static void buffer_release(struct buffer *b)
{
	if (!b->p)
		return;
	sodium_memzero(b->p, b->used);
	free(b->p);
	b->p = NULL;
}

static size_t chunk_len(const struct batch *b, size_t i, size_t full)
{
	return i + 1 == b->n ? b->last_len : full;
}

static void start_pool(veil_stream__pool *pool, unsigned int threads)
{
	/* The caller's thread counts as one: it joins the crypto after its I/O.
	 * More workers than cores only made the I/O thread wait for a core. */
	veil_stream__pool_start(pool, veil_stream__threads(threads) - 1);
}

/* ---- encryption ---- */

/* Reads the plaintext of the next batch into slots of CT bytes, leaving room
 * for each tag so chunks are sealed in place and written in one piece. */
static int read_plain_batch(struct source *src, struct batch *b, struct buffer *buf)
{
	size_t i;
	long got;
	int end;

	b->in = buf->p;
	b->n = 0;
	for (i = 0; i < BATCH; i++) {
		got = source_fill(src, b->in + i * CT, CHUNK);
		if (got < 0)
			return (int)got;
		buffer_touch(buf, i * CT + (size_t)got + TAG);
		if ((size_t)got < CHUNK) {
			/* EOF. An empty read after a full chunk makes that chunk the
			 * final one; only an empty input has an empty final chunk. */
			if (got > 0 || i == 0) {
				b->n = i + 1;
				b->last_len = (size_t)got;
			}
			b->at_end = 1;
			return 0;
		}
		b->n = i + 1;
		b->last_len = CHUNK;
	}
	end = source_at_end(src);
	if (end < 0)
		return end;
	b->at_end = end;
	return 0;
}

static void seal_job(void *ctx, size_t i)
{
	const struct batch *b = ctx;
	uint8_t *c = b->in + i * CT;
	size_t len = chunk_len(b, i, CHUNK);
	uint8_t nonce[12];

	chunk_nonce(nonce, b->first + i, b->at_end && i + 1 == b->n);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(c, c + len, NULL, c, len, NULL, 0, NULL,
	                                                   nonce, b->key);
}

static size_t sealed_len(const struct batch *b)
{
	return (b->n - 1) * CT + b->last_len + TAG;
}

int veil_stream__encrypt(const uint8_t key[32], veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                         void *wr_payload, unsigned int threads)
{
	struct source src = { rd, rd_payload, 0, 0, 0 };
	struct buffer buf[2] = { { NULL, 0 }, { NULL, 0 } };
	struct batch bt[2];
	struct batch *cur = &bt[0], *next = &bt[1], *swap;
	veil_stream__pool pool;
	int pending = 0; /* `next` holds sealed chunks not yet written */
	int error;

	memset(&pool, 0, sizeof(pool));
	memset(bt, 0, sizeof(bt));
	bt[0].key = bt[1].key = key;
	error = buffer_get(&buf[0]);
	if (error < 0)
		goto done;
	error = read_plain_batch(&src, cur, &buf[0]);
	if (error < 0)
		goto done;
	if (!cur->at_end) {
		error = buffer_get(&buf[1]);
		if (error < 0)
			goto done;
		start_pool(&pool, threads);
	}
	veil_stream__pool_submit(&pool, seal_job, cur, cur->n);
	for (;;) {
		/* While batch `cur` is sealed: write the previous one, read the next. */
		if (pending) {
			error = wr(wr_payload, next->in, sealed_len(next));
			pending = 0;
		}
		if (error == 0 && !cur->at_end) {
			next->first = cur->first + cur->n;
			error = read_plain_batch(&src, next, &buf[cur == &bt[0] ? 1 : 0]);
		}
		veil_stream__pool_finish(&pool);
		if (error < 0)
			goto done;
		if (cur->at_end) {
			error = wr(wr_payload, cur->in, sealed_len(cur));
			break;
		}
		swap = cur;
		cur = next;
		next = swap;
		pending = 1;
		veil_stream__pool_submit(&pool, seal_job, cur, cur->n);
	}
done:
	veil_stream__pool_stop(&pool);
	buffer_release(&buf[0]);
	buffer_release(&buf[1]);
	return error;
}

/* ---- decryption ---- */

enum {
	OPEN_NONFINAL = 1,
	OPEN_FINAL = 2,
	OPEN_AUTH = -1,  /* no flag authenticated */
	OPEN_EMPTY = -2, /* empty final chunk after chunk 0 */
	OPEN_SHORT = -3, /* shorter than a tag */
};

static int open_chunk(const struct batch *b, size_t i, size_t len, int final)
{
	uint8_t nonce[12];
	const uint8_t *c = b->in + i * CT;

	chunk_nonce(nonce, b->first + i, final);
	/* Out of place: a failed try zeroes its output, not the ciphertext. */
	return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
	        b->out + i * CHUNK, NULL, c, len - TAG, c + len - TAG, NULL, 0, nonce, b->key);
}

static void open_job(void *ctx, size_t i)
{
	struct batch *b = ctx;
	size_t len = chunk_len(b, i, CT);
	int last = b->at_end && i + 1 == b->n;
	int first_try;

	if (len < TAG) {
		b->res[i] = OPEN_SHORT;
		return;
	}
	if (len < CT) {
		/* Only the chunk before EOF can be short; it must be final. */
		if (len == TAG && b->first + i != 0)
			b->res[i] = OPEN_EMPTY;
		else
			b->res[i] = open_chunk(b, i, len, 1) == 0 ? OPEN_FINAL : OPEN_AUTH;
		return;
	}
	/* A full chunk may be final. Try the likely flag first (final before EOF);
	 * the verdict then rejects a final chunk with data after it and a
	 * non-final chunk at EOF, after releasing it, as age does. */
	first_try = last;
	if (open_chunk(b, i, len, first_try) == 0)
		b->res[i] = first_try ? OPEN_FINAL : OPEN_NONFINAL;
	else if (open_chunk(b, i, len, !first_try) == 0)
		b->res[i] = first_try ? OPEN_NONFINAL : OPEN_FINAL;
	else
		b->res[i] = OPEN_AUTH;
}

/* Decides a batch in chunk order: sets *release to the number of leading
 * chunks that may be written and returns 0 or the error after them. */
static int verdict(const struct batch *b, size_t *release)
{
	uint64_t idx;
	size_t i;
	int last;

	for (i = 0; i < b->n; i++) {
		idx = b->first + i;
		last = b->at_end && i + 1 == b->n;
		*release = i;
		switch (b->res[i]) {
		case OPEN_AUTH:
			return veil_error_set(VEIL_EAUTH,
			                      "payload chunk %llu failed to authenticate",
			                      (unsigned long long)idx);
		case OPEN_EMPTY:
			return veil_error_set(VEIL_EPAYLOAD,
			                      "payload chunk %llu is an empty final chunk",
			                      (unsigned long long)idx);
		case OPEN_SHORT:
			return veil_error_set(
			        VEIL_EPAYLOAD,
			        "payload truncated: chunk %llu is shorter than its tag",
			        (unsigned long long)idx);
		case OPEN_FINAL:
			*release = i + 1;
			if (!last)
				return veil_error_set(
				        VEIL_EPAYLOAD,
				        "trailing data after the final payload chunk %llu",
				        (unsigned long long)idx);
			break;
		default:
			*release = i + 1;
			if (last)
				return veil_error_set(
				        VEIL_EPAYLOAD,
				        "payload truncated: no final chunk after chunk %llu",
				        (unsigned long long)idx);
			break;
		}
	}
	return 0;
}

static size_t opened_len(const struct batch *b, size_t release)
{
	if (release == 0)
		return 0;
	if (release < b->n)
		return release * CHUNK;
	return (b->n - 1) * CHUNK + b->last_len - TAG;
}

/* Reads the ciphertext of the next batch in one piece. */
static int read_sealed_batch(struct source *src, struct batch *b, struct buffer *buf)
{
	long got;
	int end;

	b->in = buf->p;
	got = source_fill(src, b->in, BATCH_BYTES);
	if (got < 0)
		return (int)got;
	buffer_touch(buf, (size_t)got);
	b->n = ((size_t)got + CT - 1) / CT;
	b->last_len = (size_t)got - (b->n ? (b->n - 1) * CT : 0);
	if ((size_t)got < BATCH_BYTES) {
		b->at_end = 1;
		return 0;
	}
	end = source_at_end(src);
	if (end < 0)
		return end;
	b->at_end = end;
	return 0;
}

/* Opens batch `cur` from buf[in] into buf[out] while the caller writes the
 * previous plaintext from buf[io] and then reads the next ciphertext into it;
 * afterwards the roles rotate: io -> in, in -> out, out -> io. */
int veil_stream__decrypt(const uint8_t key[32], veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                         void *wr_payload, unsigned int threads)
{
	struct source src = { rd, rd_payload, 0, 0, 0 };
	struct buffer buf[3] = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 } };
	struct batch cur, next;
	size_t in = 0, out = 1, io = 2, tmp, release = 0, pending = 0;
	veil_stream__pool pool;
	int error, read_error = 0;

	memset(&pool, 0, sizeof(pool));
	memset(&cur, 0, sizeof(cur));
	memset(&next, 0, sizeof(next));
	cur.key = next.key = key;
	error = buffer_get(&buf[in]);
	if (error == 0)
		error = buffer_get(&buf[out]);
	if (error == 0)
		error = read_sealed_batch(&src, &cur, &buf[in]);
	if (error < 0)
		goto done;
	if (cur.n == 0) {
		error = veil_error_set(VEIL_EPAYLOAD, "payload truncated: no chunks");
		goto done;
	}
	if (!cur.at_end) {
		error = buffer_get(&buf[io]);
		if (error < 0)
			goto done;
		start_pool(&pool, threads);
	}
	for (;;) {
		cur.out = buf[out].p;
		/* Only what open_job can write: wiping a whole 64 KiB chunk slot
		 * for a 32-byte data key faulted in 16 pages for nothing. */
		buffer_touch(&buf[out],
		             (cur.n - 1) * CHUNK + (cur.last_len > TAG ? cur.last_len - TAG : 0));
		veil_stream__pool_submit(&pool, open_job, &cur, cur.n);
		if (pending > 0) {
			error = wr(wr_payload, buf[io].p, pending);
			pending = 0;
		}
		if (error == 0 && !cur.at_end) {
			next.first = cur.first + cur.n;
			/* A read failure waits until this batch's chunks are released. */
			read_error = read_sealed_batch(&src, &next, &buf[io]);
		}
		veil_stream__pool_finish(&pool);
		if (error < 0)
			goto done;
		error = verdict(&cur, &release);
		if (error < 0 || cur.at_end || read_error < 0) {
			if (release > 0) {
				int werr = wr(wr_payload, cur.out, opened_len(&cur, release));

				if (werr < 0)
					error = werr;
			}
			if (error == 0)
				error = read_error;
			goto done;
		}
		pending = opened_len(&cur, release);
		tmp = io;
		io = out;
		out = in;
		in = tmp;
		cur.first = next.first;
		cur.in = next.in;
		cur.n = next.n;
		cur.last_len = next.last_len;
		cur.at_end = next.at_end;
	}
done:
	veil_stream__pool_stop(&pool);
	buffer_release(&buf[0]);
	buffer_release(&buf[1]);
	buffer_release(&buf[2]);
	return error;
}
