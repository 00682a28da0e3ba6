/* Fuzzes the ASCII armor (strict PEM) reader and checks the writer.
 *
 * 1. The input as an armored file: read it to the end through the armor
 *    reader in small, odd-sized reads, so every line and base64 quantum
 *    boundary falls somewhere inside a read. Decoding can only shrink data,
 *    so more output than input is a bug.
 * 2. The input as plaintext: armor it with the writer (odd-sized writes),
 *    read it back with the reader, and require the same bytes: whatever the
 *    writer produces, the strict reader must accept. */
#include <string.h>
#include "fuzz.h"
#include "age/armor.h"
#include "util/buf.h"
#include "util/io.h"

/* Read and write sizes, cycled: primes and 1 hit every boundary. */
static const size_t fuzz_steps[] = { 1, 3, 7, 64, 13, 48, 5, 257, 2, 4096 };
#define FUZZ_NSTEPS (sizeof(fuzz_steps) / sizeof(fuzz_steps[0]))

/* The round trip runs per input, so keep it to inputs that stay fast. */
#define FUZZ_MAX_ROUNDTRIP (64u * 1024)

/* Reads everything ar yields into out (if not NULL); <0 on an armor error. */
static long read_all(veil_armor_reader *ar, veil_buf *out)
{
	uint8_t buf[4096];
	size_t total = 0, i = 0;
	long n;

	for (;;) {
		n = veil_armor__read(ar, buf, fuzz_steps[i++ % FUZZ_NSTEPS]);
		if (n <= 0)
			break;
		if (out != NULL && veil_buf_append(out, buf, (size_t)n) < 0)
			abort();
		total += (size_t)n;
	}
	return n < 0 ? n : (long)total;
}

static void check_reader(const uint8_t *data, size_t size)
{
	veil_memreader mr = { data, size, 0 };
	veil_armor_reader *ar = NULL;
	long n;

	if (veil_armor__reader_new(&ar, veil_mem_read, &mr) < 0)
		abort();
	n = read_all(ar, NULL);
	if (n > 0 && (size_t)n > size)
		__builtin_trap();
	veil_armor__reader_free(ar);
}

static void check_roundtrip(const uint8_t *data, size_t size)
{
	veil_buf armored = VEIL_BUF_INIT(0), back = VEIL_BUF_INIT(0);
	veil_armor_writer *aw = NULL;
	veil_armor_reader *ar = NULL;
	veil_memreader mr;
	size_t off = 0, i = 0;

	if (veil_armor__writer_new(&aw, veil_buf_writer, &armored) < 0)
		abort();
	while (off < size) {
		size_t step = fuzz_steps[i++ % FUZZ_NSTEPS];

		if (step > size - off)
			step = size - off;
		if (veil_armor__write(aw, data + off, step) < 0)
			__builtin_trap();
		off += step;
	}
	if (veil_armor__writer_finish(aw) < 0)
		__builtin_trap();

	mr.data = armored.data;
	mr.len = armored.len;
	mr.pos = 0;
	if (veil_armor__reader_new(&ar, veil_mem_read, &mr) < 0)
		abort();
	if (read_all(ar, &back) < 0)
		__builtin_trap();
	if (back.len != size || memcmp(back.data, data, size) != 0)
		__builtin_trap();

	veil_armor__reader_free(ar);
	veil_armor__writer_free(aw);
	veil_buf_dispose(&armored);
	veil_buf_dispose(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	check_reader(data, size);
	/* An age file is never empty, so armoring nothing is not a case the
	 * reader has to accept. */
	if (size > 0 && size <= FUZZ_MAX_ROUNDTRIP)
		check_roundtrip(data, size);
	return 0;
}
