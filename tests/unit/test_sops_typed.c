/* Plaintext and MAC bytes of typed scalars (the forms sops's Go code uses). */
#include <stdlib.h>
#include "harness.h"
#include "sops/typed.h"
#include "veil/error.h"

static void check(int mac, const char *in, veil_scalar_type t, const char *want)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int rc = mac ? veil_sops__typed_mac_bytes(&b, in, strlen(in), t)
	             : veil_sops__typed_plaintext(&b, in, strlen(in), t);

	if (!want) {
		CHECK_INT(rc, VEIL_EFORMAT);
	} else {
		CHECK_INT(rc, 0);
		CHECK(b.len == strlen(want) && (b.len == 0 || !memcmp(b.data, want, b.len)));
		if (b.len != strlen(want) || (b.len && memcmp(b.data, want, b.len)))
			fprintf(stderr, "  %s(%s) = %.*s, want %s\n", mac ? "mac" : "plain", in,
			        (int)b.len, b.data ? (char *)b.data : "", want);
	}
	veil_buf_dispose(&b);
}

TEST(test_sops_typed__mac_bytes_are_go_canonical)
{
	check(1, "42", VEIL_SCALAR_INT, "42");
	check(1, "+007", VEIL_SCALAR_INT, "7");
	check(1, "0x1F", VEIL_SCALAR_INT, "31");
	check(1, "0o17", VEIL_SCALAR_INT, "15");
	check(1, "0b101", VEIL_SCALAR_INT, "5");
	check(1, "1_000", VEIL_SCALAR_INT, "1000");
	check(1, "-9223372036854775808", VEIL_SCALAR_INT, "-9223372036854775808");
	check(1, "18446744073709551615", VEIL_SCALAR_INT, "18446744073709551615");
	check(1, "-9223372036854775809", VEIL_SCALAR_INT, NULL);
	check(1, "-0", VEIL_SCALAR_INT, "0");
	check(1, "1.50", VEIL_SCALAR_FLOAT, "1.5");
	check(1, "3.0", VEIL_SCALAR_FLOAT, "3");
	check(1, "1e21", VEIL_SCALAR_FLOAT, "1000000000000000000000");
	check(1, "-.inf", VEIL_SCALAR_FLOAT, "-Inf");
	check(1, ".NaN", VEIL_SCALAR_FLOAT, "NaN");
	check(1, "0x1p3", VEIL_SCALAR_FLOAT, NULL);
	check(1, "true", VEIL_SCALAR_BOOL, "True");
	check(1, "FALSE", VEIL_SCALAR_BOOL, "False");
	check(1, "yes", VEIL_SCALAR_BOOL, NULL);
	check(1, "2024-01-02", VEIL_SCALAR_TIME, "2024-01-02T00:00:00Z");
	check(1, "2001-12-14t21:59:43.10-05:00", VEIL_SCALAR_TIME, "2001-12-14T21:59:43.1-05:00");
	check(1, "2001-12-14 21:59:43.10", VEIL_SCALAR_TIME, "2001-12-14T21:59:43.1Z");
	check(1, "2024-1-2T3:04:05+00:00", VEIL_SCALAR_TIME, "2024-01-02T03:04:05Z");
	check(1, "2024-01-02T03:04:05", VEIL_SCALAR_TIME, NULL);
	check(1, "anything", VEIL_SCALAR_STR, "anything");
}

TEST(test_sops_typed__plaintext_keeps_spellings_go_reads_back)
{
	check(0, "1.50", VEIL_SCALAR_FLOAT, "1.50");
	check(0, "true", VEIL_SCALAR_BOOL, "true");
	check(0, "-12", VEIL_SCALAR_INT, "-12");
	/* spellings Go's Atoi/ParseFloat would misread become canonical */
	check(0, "010", VEIL_SCALAR_INT, "8");
	check(0, "0xff", VEIL_SCALAR_INT, "255");
	check(0, ".inf", VEIL_SCALAR_FLOAT, "+Inf");
	check(0, "2024-01-02", VEIL_SCALAR_TIME, "2024-01-02T00:00:00Z");
	check(0, "", VEIL_SCALAR_STR, "");
}
