/*
 * veil_sops_decrypt_pieces: a large YAML file decrypted a group of root
 * entries at a time. As one tree, a 22 MB file costs about four times its
 * size in fresh memory (nodes, value copies, edits), and on a VM fresh
 * pages are the largest cost. In pieces of about 256 KiB of source, the
 * arena pages of one piece serve the next, and memory stays near the file
 * plus its plaintext.
 *
 * Why pieces give the whole file's answer: a piece starts at a line whose
 * first byte can only begin a root key, so every token, block scalar and
 * flow collection that parses inside one piece parses the same in the file
 * (one cut inside a token leaves a piece that fails to parse, and then the
 * caller takes the whole-file path). The walk visits the same values in the
 * same order with the same key paths, continuing one MAC. What the pieces
 * cannot see is refused up front or checked here: several documents,
 * directives, CRLF, a root key twice, an alias across pieces (a parse
 * error), comment-regex and scope rules (their state crosses root entries),
 * and the indent step a later piece teaches.
 */
#include "sops/metadata.h"
#include "sops/walk.h"
#include "util/buf.h"
#include "util/secret.h"
#include "veil/error.h"
#include "veil/sops.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PIECE_DEFAULT (256u * 1024)

typedef struct piece {
	size_t start, end;
} piece;

typedef struct pieces {
	const char *src;
	size_t len;
	const char *name;
	piece *v;
	size_t n, sops; /* sops: index of the metadata piece */
	uint64_t *keys; /* hashes of the root keys seen (open addressing) */
	size_t keys_cap, nkeys;
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	int step;       /* indent step of the file, once a piece showed it */
	int fragile;    /* a piece rendered line breaks before the step was known */
} pieces;

static int unsupported(const char *why)
{
	return veil_error_set(VEIL_EUNSUPPORTED, "decrypting in pieces: %s", why);
}

/* Can a line starting at p only begin a root entry? */
static int root_line(const char *s, size_t len, size_t p)
{
	return p < len && !strchr(" \t\n#-", s[p]);
}

static int sops_line(const char *s, size_t len, size_t p)
{
	return len - p >= 5 && !memcmp(s + p, "sops:", 5) &&
	       (len - p == 5 || s[p + 5] == ' ' || s[p + 5] == '\n');
}

/* A document marker or directive: the stream has more than one document. */
static int marker_line(const char *s, size_t len, size_t p)
{
	if (p < len && s[p] == '%')
		return 1;
	return len - p >= 3 && (!memcmp(s + p, "---", 3) || !memcmp(s + p, "...", 3)) &&
	       (len - p == 3 || strchr(" \t\n", s[p + 3]));
}

static int add_piece(pieces *ps, size_t start, size_t end)
{
	if (start < end)
		ps->v[ps->n++] = (piece){start, end};
	return 0;
}

/* Cuts src at root lines, about target bytes apart; the sops: entry is a
 * piece of its own, because the others need its data key first. */
static int split(pieces *ps, size_t target)
{
	const char *s = ps->src;
	size_t len = ps->len, start = 0, p = 0, sops_at = (size_t)-1;
	int has_root = 0; /* the current piece holds a root line: it may end */

	if (memchr(s, '\r', len) || (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)))
		return unsupported("CRLF line breaks or a byte order mark");
	ps->v = calloc(len / (target ? target : 1) + 4, sizeof(*ps->v));
	if (!ps->v)
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	for (p = 0; p < len;) {
		const char *nl = memchr(s + p, '\n', len - p);
		size_t next = nl ? (size_t)(nl - s) + 1 : len;

		if (marker_line(s, len, p))
			return unsupported("several documents or a directive");
		if (root_line(s, len, p)) {
			int is_sops = sops_line(s, len, p);

			if (is_sops && sops_at != (size_t)-1)
				return unsupported("two sops: entries");
			if (p > 0 && (is_sops || start == sops_at || (has_root && p - start >= target))) {
				if (start == sops_at)
					ps->sops = ps->n;
				add_piece(ps, start, p);
				start = p;
			}
			if (is_sops)
				sops_at = p;
			has_root = 1;
		}
		p = next;
	}
	if (start == sops_at)
		ps->sops = ps->n;
	add_piece(ps, start, len);
	if (sops_at == (size_t)-1)
		return unsupported("no sops: entry at the root");
	return 0;
}

/* Records a root key; a repeat (or a hash collision) sends the file to the
 * whole-file path, which names the duplicate. */
static int key_seen(pieces *ps, const char *key)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;
	size_t i;

	if (ps->nkeys * 2 >= ps->keys_cap) {
		size_t cap = ps->keys_cap ? ps->keys_cap * 2 : 1024;
		uint64_t *old = ps->keys, *t = calloc(cap, sizeof(*t));

		if (!t)
			return veil_error_set(VEIL_ENOMEM, "out of memory");
		ps->keys = t;
		ps->keys_cap = cap;
		ps->nkeys = 0;
		for (i = 0; old && i < cap / 2; i++) {
			if (old[i]) {
				size_t j = old[i] & (cap - 1);
				while (t[j])
					j = (j + 1) & (cap - 1);
				t[j] = old[i];
				ps->nkeys++;
			}
		}
		free(old);
	}
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), ps->hash_key);
	memcpy(&v, h, sizeof(v));
	v |= 1; /* 0 marks an empty slot */
	for (i = v & (ps->keys_cap - 1); ps->keys[i]; i = (i + 1) & (ps->keys_cap - 1))
		if (ps->keys[i] == v)
			return unsupported("a root key twice (or a hash collision)");
	ps->keys[i] = v;
	ps->nkeys++;
	return 0;
}

/* One block-map root, no "sops" key, no root key seen before. */
static int check_root(pieces *ps, const veil_doc *d)
{
	const veil_node *root = veil_doc_count(d) == 1 ? veil_doc_root(d, 0) : NULL;
	int error = 0;

	if (!root || root->kind != VEIL_NODE_MAP || root->flow)
		return unsupported("a piece is not one block map");
	for (size_t i = 0; i < root->nitems && !error; i++) {
		const char *k = root->items[i]->key;
		if (!k)
			continue; /* a comment */
		if (!strcmp(k, "sops"))
			return unsupported("a quoted sops key");
		error = key_seen(ps, k);
	}
	return error;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (const char *p = s; (p = memchr(p, '\n', len - (size_t)(p - s))); p++)
		n++;
	return n;
}

/* The indent step: the file's is the first a piece shows. A piece rendered
 * before it was known and whose values brought line breaks may have laid
 * out a block scalar with the default step. */
static void share_step(pieces *ps, veil_doc *d)
{
	if (!ps->step)
		ps->step = veil_doc_indent_step(d);
	if (ps->step)
		veil_doc_set_indent_step(d, ps->step);
}

static int render_into(pieces *ps, veil_buf *out, veil_doc *d, const piece *pc)
{
	char *text = NULL;
	size_t n = 0;
	int error = veil_doc_render(&text, &n, d);

	if (error < 0)
		return error;
	if (!ps->step && count_lines(text, n) != count_lines(ps->src + pc->start, pc->end - pc->start))
		ps->fragile = 1;
	error = veil_buf_append(out, text, n);
	veil_wipe_free(text, n);
	return error;
}

static int decrypt_piece(pieces *ps, veil_buf *out, const piece *pc, veil_sops_walk_opts *w)
{
	veil_doc *d = NULL;
	char hex[VEIL_SOPS_MAC_HEX + 1];
	int error = veil_doc_parse(&d, VEIL_FMT_YAML, ps->src + pc->start, pc->end - pc->start,
	                           ps->name);

	if (error < 0)
		return error;
	if ((error = check_root(ps, d)) < 0)
		goto done;
	share_step(ps, d);
	if ((error = veil_sops__walk(d, w, hex)) < 0)
		goto done;
	error = render_into(ps, out, d, pc);
done:
	veil_doc_free(d);
	return error;
}

/* The metadata piece: its data key, and what is left of it once the entry
 * is removed (comments or blank lines after it). */
static int open_meta(pieces *ps, veil_doc **meta_doc, veil_sops_meta *meta, uint8_t *key,
                     const veil_sops_decrypt_options *o)
{
	const piece *pc = &ps->v[ps->sops];
	const veil_node *tree;
	int error = veil_doc_parse(meta_doc, VEIL_FMT_YAML, ps->src + pc->start,
	                           pc->end - pc->start, ps->name);

	if (error < 0)
		return error;
	tree = veil_doc_metadata(*meta_doc);
	if (!veil_sops_is_encrypted(*meta_doc) || !tree)
		return unsupported("no sops metadata with a mac and version");
	if ((error = veil_sops__meta_read(meta, tree, "file")) < 0)
		return error;
	if (meta->sel.kind == VEIL_SEL_UNENCRYPTED_COMMENT_REGEX ||
	    meta->sel.kind == VEIL_SEL_ENCRYPTED_COMMENT_REGEX || meta->scope)
		return unsupported("comment-regex or scope rules");
	if (!o->identities || veil_identities_count(o->identities) == 0)
		return veil_error_set(VEIL_ENOMATCH, "no age identity available to decrypt with");
	return veil_sops__meta_data_key(key, meta, o->identities);
}

/* What is left of the metadata piece once its entry is removed, exactly as
 * the whole file loses it: comments or blank lines that follow. Written
 * as is, no render: a piece of comments alone is no document to check. */
static int meta_rest(pieces *ps, veil_buf *out, const veil_doc *meta_doc, const piece *pc)
{
	size_t start, end;
	int error = veil_doc_metadata_range(meta_doc, &start, &end);

	if (error < 0)
		return error;
	if ((error = veil_buf_append(out, ps->src + pc->start, start)) < 0)
		return error;
	return veil_buf_append(out, ps->src + pc->start + end, pc->end - pc->start - end);
}

static int walk_pieces(pieces *ps, veil_buf *out, veil_doc *meta_doc, const veil_sops_meta *meta,
                       const uint8_t *key, int ignore_mac)
{
	veil_sops_walk_opts w = {0};
	veil_sops_mac mac;
	char hex[VEIL_SOPS_MAC_HEX + 1];
	int error = 0;

	w.decrypt = 1;
	w.key = key;
	w.sel = meta->sel.kind;
	w.sel_value = meta->sel.value;
	w.mac_only_encrypted = meta->mac_only_encrypted;
	w.mac = &mac;
	veil_sops__mac_init(&mac, meta->mac_only_encrypted);
	for (size_t i = 0; i < ps->n && !error; i++)
		error = i == ps->sops ? meta_rest(ps, out, meta_doc, &ps->v[i])
		                      : decrypt_piece(ps, out, &ps->v[i], &w);
	veil_sops__mac_final(&mac, hex);
	if (!error && ps->fragile && ps->step)
		error = unsupported("the indent step was learned after a multi-line value");
	if (!error && !ignore_mac)
		error = veil_sops__mac_check(key, meta->mac, strlen(meta->mac), meta->lastmodified,
		                             hex);
	sodium_memzero(hex, sizeof(hex));
	return error;
}

int veil_sops_decrypt_pieces(char **out, size_t *out_len, const char *src, size_t len,
                             const char *name, const veil_sops_decrypt_options *opts,
                             size_t piece_size)
{
	pieces ps = {.src = src, .len = len, .name = name ? name : "<input>"};
	veil_buf buf = VEIL_BUF_INIT(0);
	veil_sops_meta meta = {0};
	veil_doc *meta_doc = NULL;
	uint8_t *key = veil_secure_alloc(32);
	int error;

	*out = NULL;
	*out_len = 0;
	if (!key)
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	randombytes_buf(ps.hash_key, sizeof(ps.hash_key));
	if ((error = split(&ps, piece_size ? piece_size : PIECE_DEFAULT)) < 0 ||
	    (error = open_meta(&ps, &meta_doc, &meta, key, opts)) < 0 ||
	    (error = veil_buf_reserve(&buf, len / 2)) < 0 ||
	    (error = walk_pieces(&ps, &buf, meta_doc, &meta, key, opts->ignore_mac)) < 0)
		goto done;
	*out = (char *)veil_buf_detach(&buf, out_len);
	if (!*out)
		error = VEIL_ENOMEM;
done:
	veil_buf_dispose(&buf);
	veil_doc_free(meta_doc);
	veil_sops__meta_dispose(&meta);
	veil_secure_free(key);
	free(ps.v);
	free(ps.keys);
	return error;
}
