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
#include "util/cpu.h"
#include "util/yamlmark.h"
#include "util/secret.h"
#include "veil/error.h"
#include "veil/sops.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIECE_DEFAULT (256u * 1024)
#define MAX_THREADS   4

typedef struct piece {
	size_t start, end;
} piece;

/* What one piece gave, kept until it is its turn to be consumed in order. */
typedef struct result {
	char *text; /* its plaintext text */
	size_t text_len;
	veil_buf mac;   /* its MAC bytes */
	uint64_t *keys; /* hashes of its root keys */
	size_t nkeys;
	int step;      /* the indent step it was rendered with (0: the default) */
	int multiline; /* its values brought line breaks */
	int error;
	char why[256]; /* the message of a failure */
	atomic_int done;
} result;

typedef struct pieces {
	const char *src;
	size_t len;
	const char *name;
	piece *v;
	size_t n, sops; /* sops: index of the metadata piece */
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
	veil_sops_walk_opts walk; /* shared by every piece (mac_bytes set per piece) */
	result *res;
	atomic_size_t next; /* the next piece to claim */
	atomic_int stop;    /* a piece failed: claim no more */
	/* consumer side, in file order */
	size_t drained;
	uint64_t *keys; /* every root key's hash (open addressing) */
	size_t keys_cap, nkeys;
	veil_sops_mac mac;
	int step;    /* the file's indent step, once a piece showed it */
	int fragile; /* line breaks laid out before the step was known */
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
	return veil_yaml_marker(s + p, len - p) != 0;
}

static void add_piece(pieces *ps, size_t start, size_t end)
{
	if (start < end)
		ps->v[ps->n++] = (piece){ start, end };
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
		return veil_error_oom();
	for (p = 0; p < len;) {
		const char *nl = memchr(s + p, '\n', len - p);
		size_t next = nl ? (size_t)(nl - s) + 1 : len;

		if (marker_line(s, len, p))
			return unsupported("several documents or a directive");
		if (root_line(s, len, p)) {
			int is_sops = sops_line(s, len, p);

			if (is_sops && sops_at != (size_t)-1)
				return unsupported("two sops: entries");
			if (p > 0 &&
			    (is_sops || start == sops_at || (has_root && p - start >= target))) {
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

/* A root key's hash under this run's random key (0 is never one). */
static uint64_t key_hash(const pieces *ps, const char *key)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), ps->hash_key);
	memcpy(&v, h, sizeof(v));
	return v | 1;
}

static int keys_grow(pieces *ps)
{
	size_t cap = ps->keys_cap ? ps->keys_cap * 2 : 1024;
	uint64_t *old = ps->keys, *t = calloc(cap, sizeof(*t));

	if (!t)
		return veil_error_oom();
	for (size_t i = 0; old && i < ps->keys_cap; i++) {
		size_t j = old[i] & (cap - 1);

		if (!old[i])
			continue;
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = old[i];
	}
	free(old);
	ps->keys = t;
	ps->keys_cap = cap;
	return 0;
}

/* Records a root key; a repeat (or a hash collision) sends the file to the
 * whole-file path, which names the duplicate. */
static int key_seen(pieces *ps, uint64_t v)
{
	size_t i;
	int error;

	if (ps->nkeys * 2 >= ps->keys_cap && (error = keys_grow(ps)) < 0)
		return error;
	for (i = v & (ps->keys_cap - 1); ps->keys[i]; i = (i + 1) & (ps->keys_cap - 1))
		if (ps->keys[i] == v)
			return unsupported("a root key twice (or a hash collision)");
	ps->keys[i] = v;
	ps->nkeys++;
	return 0;
}

/* One block-map root without a "sops" key; its root keys' hashes. */
static int check_root(const pieces *ps, const veil_doc *d, result *r)
{
	const veil_node *root = veil_doc_count(d) == 1 ? veil_doc_root(d, 0) : NULL;

	if (!root || root->kind != VEIL_NODE_MAP || root->flow)
		return unsupported("a piece is not one block map");
	if (!(r->keys = calloc(root->nitems ? root->nitems : 1, sizeof(*r->keys))))
		return veil_error_oom();
	for (size_t i = 0; i < root->nitems; i++) {
		const char *k = root->items[i]->key;
		if (!k)
			continue; /* a comment */
		if (!strcmp(k, "sops"))
			return unsupported("a quoted sops key");
		r->keys[r->nkeys++] = key_hash(ps, k);
	}
	return 0;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (const char *p = s; (p = memchr(p, '\n', len - (size_t)(p - s))); p++)
		n++;
	return n;
}

static void result_clear(result *r)
{
	veil_wipe_free(r->text, r->text_len);
	veil_buf_dispose(&r->mac);
	free(r->keys);
	r->text = NULL;
	r->text_len = 0;
	r->keys = NULL;
	r->nkeys = 0;
}

/* Parses, decrypts and renders piece i into r, with the indent step its own
 * text shows, or step when it is not 0. Runs on any thread. */
static void process(pieces *ps, size_t i, result *r, int step)
{
	const piece *pc = &ps->v[i];
	veil_sops_walk_opts w = ps->walk;
	veil_doc *d = NULL;
	char hex[VEIL_SOPS_MAC_HEX + 1];
	int error = veil_doc_parse(&d, VEIL_FMT_YAML, ps->src + pc->start, pc->end - pc->start,
	                           ps->name);

	if (error < 0 || (error = check_root(ps, d, r)) < 0)
		goto done;
	if (step)
		veil_doc_set_indent_step(d, step);
	r->step = veil_doc_indent_step(d);
	w.mac_bytes = &r->mac;
	if ((error = veil_sops__walk(d, &w, hex)) < 0 ||
	    (error = veil_doc_render(&r->text, &r->text_len, d)) < 0)
		goto done;
	r->multiline = count_lines(r->text, r->text_len) !=
	               count_lines(ps->src + pc->start, pc->end - pc->start);
done:
	if (error < 0)
		snprintf(r->why, sizeof(r->why), "%s", veil_error_last());
	r->error = error;
	veil_doc_free(d);
}

/* Claims pieces until none is left or one failed. */
static void work(pieces *ps)
{
	for (;;) {
		size_t i = atomic_fetch_add(&ps->next, 1);

		if (i >= ps->n || atomic_load(&ps->stop))
			return;
		if (i != ps->sops)
			process(ps, i, &ps->res[i], 0);
		if (ps->res[i].error)
			atomic_store(&ps->stop, 1);
		atomic_store(&ps->res[i].done, 1);
	}
}

static void *worker(void *arg)
{
	work(arg);
	veil_doc_thread_cleanup();
	return NULL;
}

static int effective(int step)
{
	return step > 0 ? step : 2; /* the quoter's default */
}

/* The metadata piece without its entry, exactly as the whole file loses
 * it: comments or blank lines that follow. Written as is, no render: a
 * piece of comments alone is no document to check. */
static int meta_rest(pieces *ps, veil_buf *out, const veil_doc *meta_doc)
{
	const piece *pc = &ps->v[ps->sops];
	size_t start, end;
	int error = veil_doc_metadata_range(meta_doc, &start, &end);

	if (error < 0)
		return error;
	if ((error = veil_buf_append(out, ps->src + pc->start, start)) < 0)
		return error;
	return veil_buf_append(out, ps->src + pc->start + end, pc->end - pc->start - end);
}

/* Piece i in file order: its keys, its MAC bytes, its text. The file's
 * indent step is the first a piece shows; a piece whose values brought line
 * breaks under another step is rendered again with the file's. */
static int consume(pieces *ps, size_t i, veil_buf *out, const veil_doc *meta_doc)
{
	result *r = &ps->res[i];
	int error = 0;

	if (i == ps->sops)
		return meta_rest(ps, out, meta_doc);
	if (r->error)
		return veil_error_set(r->error, "%s", r->why);
	if (!ps->step)
		ps->step = r->step;
	if (r->multiline && !ps->step)
		ps->fragile = 1;
	if (r->multiline && ps->step && effective(r->step) != effective(ps->step)) {
		result_clear(r);
		process(ps, i, r, ps->step);
		if (r->error)
			return veil_error_set(r->error, "%s", r->why);
	}
	for (size_t k = 0; k < r->nkeys && !error; k++)
		error = key_seen(ps, r->keys[k]);
	if (!error) {
		veil_sops__mac_update(&ps->mac, r->mac.data, r->mac.len);
		error = veil_buf_append(out, r->text, r->text_len);
	}
	result_clear(r);
	return error;
}

static int drain(pieces *ps, veil_buf *out, const veil_doc *meta_doc)
{
	int error = 0;

	while (!error && ps->drained < ps->n && atomic_load(&ps->res[ps->drained].done))
		error = consume(ps, ps->drained++, out, meta_doc);
	if (error)
		atomic_store(&ps->stop, 1);
	return error;
}

/* The metadata piece: its data key; the selection rules every piece walks with. */
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
		return unsupported("no sops metadata with a mac");
	if ((error = veil_sops__meta_read(meta, tree, "file")) < 0)
		return error;
	if (meta->sel.kind == VEIL_SEL_UNENCRYPTED_COMMENT_REGEX ||
	    meta->sel.kind == VEIL_SEL_ENCRYPTED_COMMENT_REGEX || meta->scope)
		return unsupported("comment-regex or scope rules");
	if (!o->identities)
		return veil_error_set(VEIL_ENOMATCH, "no age identity available to decrypt with");
	if ((error = veil_sops__meta_data_key(key, meta, o->identities)) < 0)
		return error;
	ps->walk.decrypt = 1;
	ps->walk.key = key;
	ps->walk.sel = meta->sel.kind;
	ps->walk.sel_value = meta->sel.value;
	ps->walk.mac_only_encrypted = meta->mac_only_encrypted;
	return 0;
}

static size_t thread_count(size_t asked, size_t npieces)
{
	size_t n = asked;

	if (!n)
		n = veil_cpu_count();
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (n > npieces / 2)
		n = npieces / 2; /* a few pieces are not worth a thread */
	return n ? n : 1;
}

/* Pieces are decrypted on up to nthreads threads (this one included) and
 * consumed in file order by this one; the MAC is hashed in that order. */
static int run_pieces(pieces *ps, veil_buf *out, const veil_doc *meta_doc, size_t nthreads)
{
	pthread_t tid[MAX_THREADS];
	size_t started = 0;
	int error = 0;

	for (size_t t = 1; t < nthreads; t++)
		if (pthread_create(&tid[started], NULL, worker, ps) == 0)
			started++;
	while (!error && atomic_load(&ps->next) < ps->n && !atomic_load(&ps->stop)) {
		size_t i = atomic_fetch_add(&ps->next, 1);

		if (i < ps->n) {
			if (i != ps->sops)
				process(ps, i, &ps->res[i], 0);
			if (ps->res[i].error)
				atomic_store(&ps->stop, 1);
			atomic_store(&ps->res[i].done, 1);
		}
		error = drain(ps, out, meta_doc);
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (!error)
		error = drain(ps, out, meta_doc);
	for (size_t i = ps->drained; !error && i < ps->n; i++)
		if (ps->res[i].error) /* a later piece failed, an earlier one was never done */
			error = veil_error_set(ps->res[i].error, "%s", ps->res[i].why);
	if (!error && ps->drained < ps->n)
		error = veil_error_set(VEIL_ERROR, "decrypting in pieces: a piece was not done");
	return error;
}

static int finish(pieces *ps, const veil_sops_meta *meta, const uint8_t *key, int ignore_mac)
{
	char hex[VEIL_SOPS_MAC_HEX + 1];
	int error = 0;

	veil_sops__mac_final(&ps->mac, hex);
	if (ps->fragile && effective(ps->step) != effective(0))
		error = unsupported("the indent step was learned after a multi-line value");
	if (!error && !ignore_mac)
		error = veil_sops__mac_check(key, meta->mac, strlen(meta->mac), meta->lastmodified,
		                             hex);
	sodium_memzero(hex, sizeof(hex));
	return error;
}

int veil_sops_decrypt_pieces(char **out, size_t *out_len, const char *src, size_t len,
                             const char *name, const veil_sops_decrypt_options *opts,
                             size_t piece_size, size_t threads)
{
	pieces ps = { .src = src, .len = len, .name = name ? name : "<input>" };
	veil_buf buf = VEIL_BUF_INIT(0);
	veil_sops_meta meta = { 0 };
	veil_doc *meta_doc = NULL;
	uint8_t *key = veil_secure_alloc(32);
	int error;

	*out = NULL;
	*out_len = 0;
	if (!key)
		return veil_error_oom();
	randombytes_buf(ps.hash_key, sizeof(ps.hash_key));
	if ((error = split(&ps, piece_size ? piece_size : PIECE_DEFAULT)) < 0 ||
	    (error = open_meta(&ps, &meta_doc, &meta, key, opts)) < 0)
		goto done;
	if (!(ps.res = calloc(ps.n, sizeof(*ps.res)))) {
		error = veil_error_oom();
		goto done;
	}
	veil_sops__mac_init(&ps.mac, meta.mac_only_encrypted);
	if ((error = veil_buf_reserve(&buf, len / 2)) < 0 ||
	    (error = run_pieces(&ps, &buf, meta_doc, thread_count(threads, ps.n))) < 0 ||
	    (error = finish(&ps, &meta, key, opts->ignore_mac)) < 0)
		goto done;
	*out = (char *)veil_buf_detach(&buf, out_len);
	if (!*out)
		error = VEIL_ENOMEM;
done:
	for (size_t i = 0; ps.res && i < ps.n; i++)
		result_clear(&ps.res[i]);
	free(ps.res);
	veil_buf_dispose(&buf);
	veil_doc_free(meta_doc);
	veil_sops_meta_dispose(&meta);
	veil_secure_free(key);
	sodium_memzero(&ps.mac, sizeof(ps.mac));
	free(ps.v);
	free(ps.keys);
	return error;
}
