/* The ciphertext-reuse cache: open addressing on SHA-256 keys. */
#include "sops/ivcache.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Equal values at one path (list items) each keep their own ciphertext:
 * they are remembered in document order and handed out in that order. */
struct slot {
	uint8_t digest[32];
	char **encs; /* NULL = empty slot */
	size_t n;
	size_t next; /* the next one to hand out */
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
		return veil_error_oom();
	}
	c->cap = 64;
	*out = c;
	return 0;
}

void veil_sops__ivcache_free(veil_sops_ivcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		for (size_t j = 0; j < c->slots[i].n; j++)
			free(c->slots[i].encs[j]);
		free(c->slots[i].encs);
	}
	free(c->slots);
	free(c);
}

static struct slot *find(struct slot *slots, size_t cap, const uint8_t digest[32])
{
	size_t i;

	memcpy(&i, digest, sizeof(i));
	for (i &= cap - 1;; i = (i + 1) & (cap - 1))
		if (!slots[i].encs || !memcmp(slots[i].digest, digest, 32))
			return &slots[i];
}

static int grow(veil_sops_ivcache *c)
{
	size_t cap = c->cap * 2;
	struct slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return veil_error_oom();
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].encs)
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
	char *copy, **grown;
	int error;

	if (2 * (c->used + 1) > c->cap && (error = grow(c)) < 0)
		return error;
	digest_of(d, aad, aad_len, type, pt, pt_len);
	s = find(c->slots, c->cap, d);
	if (!(copy = strndup(enc, enc_len)) ||
	    !(grown = realloc(s->encs, (s->n + 1) * sizeof(*grown)))) {
		free(copy);
		return veil_error_oom();
	}
	if (!s->encs)
		c->used++;
	memcpy(s->digest, d, 32);
	s->encs = grown;
	s->encs[s->n++] = copy;
	return 0;
}

const char *veil_sops__ivcache_take(veil_sops_ivcache *c, const char *aad, size_t aad_len,
                                    veil_sops_type type, const uint8_t *pt, size_t pt_len)
{
	uint8_t d[32];
	struct slot *s;

	digest_of(d, aad, aad_len, type, pt, pt_len);
	s = find(c->slots, c->cap, d);
	if (!s->encs)
		return NULL;
	/* more equal values than before: the extra ones share the last */
	return s->encs[s->next < s->n ? s->next++ : s->n - 1];
}
