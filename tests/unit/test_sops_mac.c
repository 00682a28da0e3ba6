/* The SOPS MAC. Expected digests computed with Python's hashlib. */
#include <sodium.h>
#include <stdlib.h>
#include "harness.h"
#include "sops/mac.h"
#include "veil/error.h"

TEST(test_sops_mac__digest_of_values_in_order_upper_hex)
{
	veil_sops_mac m;
	char hex[VEIL_SOPS_MAC_HEX + 1];

	veil_sops__mac_init(&m, 0);
	veil_sops__mac_update(&m, (const uint8_t *)"value", 5);
	veil_sops__mac_update(&m, (const uint8_t *)"42", 2);
	veil_sops__mac_update(&m, (const uint8_t *)"True", 4);
	veil_sops__mac_update(&m, (const uint8_t *)"", 0);
	veil_sops__mac_final(&m, hex);
	CHECK_STR(hex, "A1C1C25DE09336E730CA54A8B1A72F82F45F78B807F3EDA29C5740FBCE02BA81"
	               "12A786CC5E31FFFDBE3ADC7BA31626ED1BD35D8FFFA1E8E17CA1AD901B40A8E2");
}

TEST(test_sops_mac__only_encrypted_prefix)
{
	veil_sops_mac m;
	char hex[VEIL_SOPS_MAC_HEX + 1];

	veil_sops__mac_init(&m, 1);
	veil_sops__mac_update(&m, (const uint8_t *)"value", 5);
	veil_sops__mac_final(&m, hex);
	CHECK_STR(hex, "06CBD6BE5FE9C54B4D61D094FF23CDEC9FF317FD84AC1BEC6B49A34994B9C055"
	               "CDDC92B9BAFE8188407CFB213C7FB04C26720CA2A6776255BC5AB5288CBADB9F");
}

TEST(test_sops_mac__time_canonical_like_go)
{
	char out[VEIL_SOPS_TIME_MAX];
	static const char *const ok[][2] = {
		{ "2026-11-22T21:05:51Z", "2026-11-22T21:05:51Z" },
		{ "2026-11-22T21:05:51+00:00", "2026-11-22T21:05:51Z" },
		{ "2026-11-22T21:05:51.123456789Z", "2026-11-22T21:05:51Z" },
		{ "2026-11-22T21:05:51-07:30", "2026-11-22T21:05:51-07:30" },
	};
	static const char *const bad[] = {
		"2026-11-22 21:05:51Z",  "2026-11-22T21:05:51",      "2026-13-22T21:05:51Z",
		"2026-11-22T21:05:51.Z", "2026-11-22T21:05:51+0000", "now",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(veil_sops__time_canonical(out, ok[i][0], strlen(ok[i][0])), 0);
		CHECK_STR(out, ok[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(veil_sops__time_canonical(out, bad[i], strlen(bad[i])), VEIL_EFORMAT);
	veil_sops__time_now(out);
	CHECK(strlen(out) == 20 && out[10] == 'T' && out[19] == 'Z');
}

TEST(test_sops_mac__seal_then_check_and_tamper)
{
	uint8_t key[32];
	char hex[VEIL_SOPS_MAC_HEX + 1], *sealed = NULL;
	veil_sops_mac m;

	randombytes_buf(key, sizeof(key));
	veil_sops__mac_init(&m, 0);
	veil_sops__mac_update(&m, (const uint8_t *)"x", 1);
	veil_sops__mac_final(&m, hex);
	CHECK_INT(veil_sops__mac_seal(&sealed, VEIL_SOPS_AES256_GCM, key, hex,
	                              "2026-11-22T21:05:51Z"),
	          0);
	CHECK(sealed != NULL);
	if (!sealed)
		return;
	/* +00:00 is the same instant and Go formats it as Z, so it verifies */
	CHECK_INT(
	        veil_sops__mac_check(key, sealed, strlen(sealed), "2026-11-22T21:05:51+00:00", hex),
	        0);
	CHECK_INT(veil_sops__mac_check(key, sealed, strlen(sealed), "2026-11-22T21:05:52Z", hex),
	          VEIL_EMAC);
	hex[0] = hex[0] == 'A' ? 'B' : 'A';
	CHECK_INT(veil_sops__mac_check(key, sealed, strlen(sealed), "2026-11-22T21:05:51Z", hex),
	          VEIL_EMAC);
	free(sealed);
}
