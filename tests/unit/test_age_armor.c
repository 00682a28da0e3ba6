/* ASCII armor: writer layout, strict reader, streaming in small pieces. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "harness.h"
#include "age/armor.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/io.h"

static long trickle_read(void *payload, uint8_t *buf, size_t len)
{
	return veil_mem_read(payload, buf, len ? 1 : 0);
}

/* The expected armor of data, built from one whole-buffer encoding. */
static void expected_armor(veil_buf *out, const uint8_t *data, size_t n)
{
	size_t elen = veil_b64_padded_len(n), off;
	char *enc = malloc(elen + 1);

	veil_b64_encode_padded(enc, data, n);
	veil_buf_append(out, VEIL_ARMOR_BEGIN "\n", strlen(VEIL_ARMOR_BEGIN) + 1);
	for (off = 0; off < elen; off += 64) {
		veil_buf_append(out, enc + off, elen - off < 64 ? elen - off : 64);
		veil_buf_putc(out, '\n');
	}
	veil_buf_append(out, VEIL_ARMOR_END "\n", strlen(VEIL_ARMOR_END) + 1);
	free(enc);
}

/* Armors data written in pieces of step bytes. */
static int armor(veil_buf *out, const uint8_t *data, size_t n, size_t step)
{
	veil_armor_writer *aw = NULL;
	size_t off;
	int error = veil_armor__writer_new(&aw, veil_buf_writer, out);

	for (off = 0; error == 0 && off < n; off += step)
		error = veil_armor__write(aw, data + off, n - off < step ? n - off : step);
	if (error == 0)
		error = veil_armor__writer_finish(aw);
	veil_armor__writer_free(aw);
	return error;
}

/* Dearmors text; returns the last code (0 at a clean end). */
static int dearmor(veil_buf *out, const char *text, size_t n, int trickle)
{
	veil_memreader mr = { (const uint8_t *)text, n, 0 };
	veil_armor_reader *ar = NULL;
	uint8_t chunk[100];
	long got;
	int error = veil_armor__reader_new(&ar, trickle ? trickle_read : veil_mem_read, &mr);

	while (error == 0) {
		got = veil_armor__read(ar, chunk, trickle ? 7 : sizeof(chunk));
		if (got <= 0) {
			error = (int)got;
			break;
		}
		veil_buf_append(out, chunk, (size_t)got);
	}
	veil_armor__reader_free(ar);
	return error;
}

TEST(test_age_armor__writer_wraps_at_64_columns_with_end_line)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 47, 48, 49, 96, 1000, 4096 * 3 + 5 };
	static const size_t steps[] = { 1, 7, 48, 100000 };
	uint8_t *data = malloc(20000);
	size_t i, j;

	randombytes_buf(data, 20000);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		veil_buf want = VEIL_BUF_INIT(0);

		expected_armor(&want, data, sizes[i]);
		for (j = 0; j < sizeof(steps) / sizeof(steps[0]); j++) {
			veil_buf got = VEIL_BUF_INIT(0), back = VEIL_BUF_INIT(0);

			CHECK_INT(armor(&got, data, sizes[i], steps[j]), 0);
			CHECK_INT(got.len, want.len);
			CHECK(got.len == want.len && !memcmp(got.data, want.data, got.len));
			CHECK_INT(dearmor(&back, (const char *)got.data, got.len, j == 0), 0);
			CHECK_INT(back.len, sizes[i]);
			CHECK(back.len == sizes[i] &&
			      (sizes[i] == 0 || !memcmp(back.data, data, sizes[i])));
			veil_buf_dispose(&got);
			veil_buf_dispose(&back);
		}
		veil_buf_dispose(&want);
	}
	free(data);
}

#define BEGIN VEIL_ARMOR_BEGIN "\n"
#define END   VEIL_ARMOR_END "\n"
#define FULL  "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY"
#define LAST  "yPC8DpksHoMx+2Y="

static int dearmor_str(const char *text, size_t *len)
{
	veil_buf out = VEIL_BUF_INIT(0);
	int error = dearmor(&out, text, strlen(text), 0), error2;
	veil_buf out2 = VEIL_BUF_INIT(0);

	/* The trickled reader must reach the same verdict. */
	error2 = dearmor(&out2, text, strlen(text), 1);
	if (error2 != error || out2.len != out.len)
		error = 99;
	if (len)
		*len = out.len;
	veil_buf_dispose(&out);
	veil_buf_dispose(&out2);
	return error;
}

TEST(test_age_armor__reader_accepts_valid_variants)
{
	size_t n = 0;
	char ws[1200];

	CHECK_INT(dearmor_str(BEGIN FULL "\n" LAST "\n" END, &n), 0);
	CHECK_INT(n, 48 + 11);
	CHECK_INT(dearmor_str(BEGIN FULL "\n" FULL "\n" END, &n), 0);
	CHECK_INT(n, 96);
	CHECK_INT(dearmor_str(VEIL_ARMOR_BEGIN "\r\n" FULL "\r\n" LAST "\r\n" VEIL_ARMOR_END "\r\n",
	                      &n),
	          0);
	CHECK_INT(n, 59);
	CHECK_INT(dearmor_str(BEGIN LAST "\n" VEIL_ARMOR_END, &n), 0);
	CHECK_INT(dearmor_str("\n\r   \t\n" BEGIN LAST "\n" END " \n\t\n", &n), 0);
	CHECK_INT(dearmor_str(BEGIN END, &n), 0);
	CHECK_INT(n, 0);
	/* Exactly 1024 whitespace bytes before BEGIN are fine, 1025 are not. */
	memset(ws, ' ', 1024);
	snprintf(ws + 1024, sizeof(ws) - 1024, "%s", BEGIN LAST "\n" END);
	CHECK_INT(dearmor_str(ws, &n), 0);
	memset(ws, ' ', 1025);
	snprintf(ws + 1025, sizeof(ws) - 1025, "%s", BEGIN LAST "\n" END);
	CHECK_INT(dearmor_str(ws, &n), VEIL_EARMOR);
}

TEST(test_age_armor__reader_rejects_every_deviation)
{
	static const char *bad[] = {
		"garbage\n" BEGIN LAST "\n" END,
		BEGIN LAST "\n" END "garbage\n",
		"-----BEGIN age ENCRYPTED FILE-----\n" LAST "\n" END,
		"----- BEGIN AGE ENCRYPTED FILE -----\n" LAST "\n" END,
		BEGIN LAST "\n----- END AGE ENCRYPTED FILE -----\n",
		BEGIN LAST "\n" VEIL_ARMOR_END " \n",
		BEGIN "\n" LAST "\n" END,
		BEGIN LAST "\n\n" END,
		BEGIN FULL "\n\n" END,
		BEGIN "Headers: are\n\n" LAST "\n" END,
		BEGIN FULL " \n" LAST "\n" END,
		BEGIN " " FULL "\n" LAST "\n" END,
		BEGIN FULL "\n" LAST " \n" END,
		BEGIN FULL FULL "\n" END,
		BEGIN "YWdlLWVuY3J5cHRp\n" FULL "\n" END,
		BEGIN FULL "\nyPC8DpksHoMx+2Y\n" END,
		BEGIN FULL "\nyPC8DpksHoMx+2Z=\n" END,
		BEGIN FULL "\nmNlxYv6gMOKyDNzgiw=\n=\n" END,
		BEGIN LAST "\n=yjEF\n" END,
		BEGIN FULL "\n*PC8DpksHoMx+2Y=\n" END,
		/* Bad characters inside full lines (the fast decoding path). */
		BEGIN "YWdl*WVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n" LAST
		      "\n" END,
		BEGIN "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3F\x80\n" LAST
		      "\n" END,
		BEGIN "YWdl=WVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n" END,
		BEGIN "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0-IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n" LAST
		      "\n" END,
		BEGIN FULL "\n" LAST "\n",
		BEGIN FULL "\n",
		"",
		BEGIN,
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int error = dearmor_str(bad[i], NULL);

		if (error != VEIL_EARMOR)
			fprintf(stderr, "  armor case %zu: got %d\n", i, error);
		CHECK_INT(error, VEIL_EARMOR);
		CHECK(strncmp(veil_error_last(), "armor: ", 7) == 0);
	}
}

TEST(test_age_armor__reader_hands_over_good_lines_before_an_error)
{
	const char *text = BEGIN FULL "\n" FULL "\n"
	                              "bad line\n" END;
	veil_memreader mr = { (const uint8_t *)text, strlen(text), 0 };
	veil_armor_reader *ar = NULL;
	uint8_t buf[200];

	CHECK_INT(veil_armor__reader_new(&ar, veil_mem_read, &mr), 0);
	CHECK_INT(veil_armor__read(ar, buf, sizeof(buf)), 96);
	CHECK_INT(veil_armor__read(ar, buf, sizeof(buf)), VEIL_EARMOR);
	/* The error is sticky. */
	CHECK_INT(veil_armor__read(ar, buf, sizeof(buf)), VEIL_EARMOR);
	CHECK(strstr(veil_error_last(), "line 4") != NULL);
	veil_armor__reader_free(ar);
}
