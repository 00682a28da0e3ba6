/* veil_sorted_mac: the MAC that survives kustomize's re-sorting (sorted.h). */
#include "sops/sorted.h"
#include "sops/value.h"
#include "veil/error.h"
#include "util/array.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define AAD_PREFIX "veil_sorted_mac:"
/* fed first: this digest never equals a sops MAC over the same values */
#define DOMAIN     "veil-sorted-mac-v1"

void veil_sops__sorted_init(veil_sops_sorted *s)
{
	veil_buf fresh = VEIL_BUF_INIT(0);

	memset(s, 0, sizeof(*s));
	s->bytes = fresh;
}

void veil_sops__sorted_dispose(veil_sops_sorted *s)
{
	veil_buf_dispose(&s->bytes);
	free(s->offsets);
	s->offsets = NULL;
	s->n = s->cap = 0;
}

static int put_len(veil_buf *b, size_t len)
{
	uint8_t be[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
		          (uint8_t)len };

	return len > 0xffffffffu ? veil_error_set(VEIL_ELIMIT, "value too large")
	                         : veil_buf_append(b, be, sizeof(be));
}

static size_t get_len(const uint8_t *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

int veil_sops__sorted_add(veil_sops_sorted *s, const char *const *keys, size_t nkeys,
                          const uint8_t *value, size_t len)
{
	size_t start = s->bytes.len, plen = 0;
	int error;

	if (s->unusable)
		return 0;
	if (s->n == s->cap) {
		size_t *o = veil_array_grow(s->offsets, &s->cap, s->n + 1, sizeof(*o));
		if (!o)
			return VEIL_ENOMEM;
		s->offsets = o;
	}
	for (size_t i = 0; i < nkeys; i++)
		plen += 4 + strlen(keys[i]);
	/* the path: its length, then each key with its length */
	if ((error = put_len(&s->bytes, plen)) < 0)
		return error;
	for (size_t i = 0; i < nkeys; i++)
		if ((error = put_len(&s->bytes, strlen(keys[i]))) < 0 ||
		    (error = veil_buf_append(&s->bytes, keys[i], strlen(keys[i]))) < 0)
			return error;
	if ((error = put_len(&s->bytes, len)) < 0 ||
	    (error = veil_buf_append(&s->bytes, value, len)) < 0)
		return error;
	s->offsets[s->n++] = start;
	return 0;
}

/* Entries compare by path, then value (bytes, shorter first on a tie). */
static _Thread_local const uint8_t *sort_base;

static int cmp_entry(const void *a, const void *b)
{
	const uint8_t *x = sort_base + *(const size_t *)a, *y = sort_base + *(const size_t *)b;
	size_t xp = get_len(x), yp = get_len(y), m = xp < yp ? xp : yp;
	size_t xv, yv;
	int c = memcmp(x + 4, y + 4, m);

	if (c || xp != yp)
		return c ? c : xp < yp ? -1 : 1;
	xv = get_len(x + 4 + xp);
	yv = get_len(y + 4 + yp);
	m = xv < yv ? xv : yv;
	c = memcmp(x + 8 + xp, y + 8 + yp, m);
	return c ? c : xv == yv ? 0 : xv < yv ? -1 : 1;
}

int veil_sops__sorted_final(veil_sops_sorted *s, char hex[VEIL_SOPS_MAC_HEX + 1])
{
	static const char digits[] = "0123456789ABCDEF";
	crypto_hash_sha512_state st;
	uint8_t digest[64], count[8];

	if (s->unusable)
		return veil_error_set(VEIL_EUNSUPPORTED, "no order-independent MAC for this file");
	/* qsort has no context argument: a per-thread pointer instead */
	sort_base = s->bytes.data;
	if (s->n > 1)
		qsort(s->offsets, s->n, sizeof(*s->offsets), cmp_entry);
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const uint8_t *)DOMAIN, sizeof(DOMAIN));
	for (int i = 0; i < 8; i++)
		count[i] = (uint8_t)((uint64_t)s->n >> (56 - 8 * i));
	crypto_hash_sha512_update(&st, count, sizeof(count));
	for (size_t i = 0; i < s->n; i++) {
		const uint8_t *e = s->bytes.data + s->offsets[i];
		size_t plen = get_len(e), vlen = get_len(e + 4 + plen);
		crypto_hash_sha512_update(&st, e, 8 + plen + vlen);
	}
	crypto_hash_sha512_final(&st, digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[VEIL_SOPS_MAC_HEX] = '\0';
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

/* "veil_sorted_mac:" + the canonical lastmodified. */
static int make_aad(char aad[sizeof(AAD_PREFIX) + VEIL_SOPS_TIME_MAX], const char *lastmodified)
{
	char t[VEIL_SOPS_TIME_MAX];
	int error = veil_sops__time_canonical(t, lastmodified, strlen(lastmodified));

	if (error < 0)
		return error;
	memcpy(aad, AAD_PREFIX, sizeof(AAD_PREFIX) - 1);
	memcpy(aad + sizeof(AAD_PREFIX) - 1, t, strlen(t) + 1);
	return 0;
}

int veil_sops__sorted_seal(char **out, veil_sops_cipher cipher,
                           const uint8_t key[VEIL_SOPS_KEY_LEN],
                           const char hex[VEIL_SOPS_MAC_HEX + 1], const char *lastmodified)
{
	char aad[sizeof(AAD_PREFIX) + VEIL_SOPS_TIME_MAX];
	int error;

	if ((error = make_aad(aad, lastmodified)) < 0)
		return error;
	error = veil_sops__encrypt(out, cipher, key, (const uint8_t *)hex, VEIL_SOPS_MAC_HEX, aad,
	                           strlen(aad), VEIL_SOPS_STR, NULL, 0);
	veil_sops__gcm_release();
	return error;
}

int veil_sops__sorted_check(const uint8_t key[VEIL_SOPS_KEY_LEN], const char *stored,
                            const char *lastmodified, const char hex[VEIL_SOPS_MAC_HEX + 1])
{
	char aad[sizeof(AAD_PREFIX) + VEIL_SOPS_TIME_MAX];
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int error;

	if ((error = make_aad(aad, lastmodified)) < 0)
		return veil_error_set(VEIL_EMAC, "%s", veil_error_last());
	if (veil_sops__decrypt(&pt, &pt_len, NULL, key, stored, strlen(stored), aad, strlen(aad)) <
	    0)
		error = veil_error_set(VEIL_EMAC, "the stored veil_sorted_mac could not be "
		                                  "decrypted (it or lastmodified was changed)");
	else if (pt_len != VEIL_SOPS_MAC_HEX || sodium_memcmp(pt, hex, VEIL_SOPS_MAC_HEX) != 0)
		error = veil_error_set(VEIL_EMAC, "MAC mismatch: an encrypted value was added, "
		                                  "removed or changed outside veil or sops");
	veil_sops__gcm_release();
	if (pt) {
		sodium_memzero(pt, pt_len);
		free(pt);
	}
	return error;
}
