/* The ciphertext-reuse cache: open addressing on SHA-256 keys. */
#include "sops/ivcache.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint8_t digest[32];
	char *enc; /* NULL = empty slot */
};

struct veil_sops_ivcache {
	struct slot *slots;
	size_t cap; /* power of two */
	size_t used;
};

static void digest_of(uint8_t out[32], const char *aad, size_t aad_len, veil_sops_type type,
                      const uint8_t *pt, size_t pt_len)
{
	crypto_hash_sha256_state st;
	uint8_t lens[17];

	/* lengths first, so (aad, pt) pairs cannot collide by shifting bytes */
	for (int i = 0; i < 8; i++) {
		lens[i] = (uint8_t)((uint64_t)aad_len >> (8 * i));
		lens[8 + i] = (uint8_t)((uint64_t)pt_len >> (8 * i));
	}
	lens[16] = (uint8_t)type;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, lens, sizeof(lens));
	crypto_hash_sha256_update(&st, (const uint8_t *)aad, aad_len);
	crypto_hash_sha256_update(&st, pt, pt_len);
	crypto_hash_sha256_final(&st, out);
}

int veil_sops__ivcache_new(veil_sops_ivcache **out)
{
	veil_sops_ivcache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || !(c->slots = calloc(64, sizeof(*c->slots)))) {
		free(c);
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	}
	c->cap = 64;
	*out = c;
	return 0;
}

void veil_sops__ivcache_free(veil_sops_ivcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->slots[i].enc);
	free(c->slots);
	free(c);
}

static struct slot *find(struct slot *slots, size_t cap, const uint8_t digest[32])
{
	size_t i;

	memcpy(&i, digest, sizeof(i));
	for (i &= cap - 1;; i = (i + 1) & (cap - 1))
		if (!slots[i].enc || !memcmp(slots[i].digest, digest, 32))
			return &slots[i];
}

static int grow(veil_sops_ivcache *c)
{
	size_t cap = c->cap * 2;
	struct slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].enc)
			*find(slots, cap, c->slots[i].digest) = c->slots[i];
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

int veil_sops__ivcache_put(veil_sops_ivcache *c, const char *aad, size_t aad_len,
                           veil_sops_type type, const uint8_t *pt, size_t pt_len, const char *enc,
                           size_t enc_len)
{
	uint8_t d[32];
	struct slot *s;
	char *copy;
	int error;

	if (2 * (c->used + 1) > c->cap && (error = grow(c)) < 0)
		return error;
	if (!(copy = strndup(enc, enc_len)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	digest_of(d, aad, aad_len, type, pt, pt_len);
	s = find(c->slots, c->cap, d);
	if (!s->enc)
		c->used++;
	free(s->enc);
	memcpy(s->digest, d, 32);
	s->enc = copy;
	return 0;
}

const char *veil_sops__ivcache_get(const veil_sops_ivcache *c, const char *aad, size_t aad_len,
                                   veil_sops_type type, const uint8_t *pt, size_t pt_len)
{
	uint8_t d[32];

	digest_of(d, aad, aad_len, type, pt, pt_len);
	return find(c->slots, c->cap, d)->enc;
}
