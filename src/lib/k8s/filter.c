/* veil_k8s_decrypt_stream: every document of a stream through
 * manifest.c, all output held back until the last one succeeded. */
#define _GNU_SOURCE /* memmem */
#include "k8s/k8s.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int json_has_content(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '{')
			return 1;
	return 0;
}

/* The "mac: ENC[...]" line of a document's sops block, or NULL. sops and
 * veil write a multi-document file with the same block in each document
 * and one MAC over all of them. */
static const char *mac_line(const char *s, size_t len, size_t *mlen)
{
	const char *m = memmem(s, len, "mac: ENC[", 9), *eol;

	if (!m || !memmem(s, len, "sops:", 5))
		return NULL;
	eol = memchr(m, '\n', len - (size_t)(m - s));
	*mlen = eol ? (size_t)(eol - m) : len - (size_t)(m - s);
	return m;
}

/* How many documents from segs[i] on carry the same MAC (1 if none). */
static size_t same_file_run(const veil_k8s_seg *segs, size_t n, size_t i, const char *src)
{
	size_t mlen = 0, olen = 0, j = i + 1;
	const char *m = mac_line(src + segs[i].start, segs[i].end - segs[i].start, &mlen), *other;

	for (; m && j < n; j++) {
		other = mac_line(src + segs[j].start, segs[j].end - segs[j].start, &olen);
		if (!other || olen != mlen || memcmp(m, other, mlen) != 0)
			break;
	}
	return j - i;
}

/* Documents i..i+count-1 of one multi-document file, opened together so
 * their shared MAC verifies. */
static int decrypt_run(veil_buf *out, const char *s, size_t len, size_t first, size_t count,
                       const veil_k8s_opts *o)
{
	veil_doc *doc = NULL;
	char what[96], *text = NULL;
	size_t tlen = 0;
	int error;

	snprintf(what, sizeof(what), "documents %zu to %zu (one encrypted file)", first + 1,
	         first + count);
	error = veil_doc_parse(&doc, VEIL_FMT_YAML, s, len, what);
	if (error == 0)
		error = veil_k8s__open_doc(&text, &tlen, doc, what, first, -1, o);
	if (error == 0)
		error = veil_buf_append(out, text, tlen);
	if (text) {
		sodium_memzero(text, tlen);
		free(text);
	}
	veil_doc_free(doc);
	return error;
}

/* One document with content: a JSON object (of a JSON stream, or alone
 * after a "---" line) is decrypted as JSON, the lines before it kept. */
static int decrypt_one(veil_buf *out, const char *s, size_t n, int json, size_t index,
                       const veil_k8s_opts *o)
{
	size_t body = json ? 0 : veil_k8s__json_body(s, n);
	int error;

	if (json || body == n)
		return veil_k8s__decrypt_doc(out, s, n, json ? VEIL_FMT_JSON : VEIL_FMT_YAML, index,
		                             o);
	if ((error = veil_buf_append(out, s, body)) < 0)
		return error;
	return veil_k8s__decrypt_doc(out, s + body, n - body, VEIL_FMT_JSON, index, o);
}

int veil_k8s_decrypt_stream(char **out, size_t *out_len, size_t *ndocs, const char *src, size_t len,
                            int allow_empty, const veil_k8s_opts *o)
{
	veil_buf buf = VEIL_BUF_INIT(0);
	veil_k8s_seg *segs = NULL;
	size_t nsegs = 0, counted = 0;
	int json = 0, error;

	*out = NULL;
	*out_len = 0;
	*ndocs = 0;
	if ((error = veil_k8s__split(&segs, &nsegs, &json, src, len)) < 0)
		goto done;
	for (size_t i = 0; i < nsegs && !error; i++) {
		const char *s = src + segs[i].start;
		size_t n = segs[i].end - segs[i].start;
		int content = json ? json_has_content(s, n) : veil_k8s__has_content(s, n);
		size_t run = content && !json ? same_file_run(segs, nsegs, i, src) : 1;

		if (run > 1) {
			error = decrypt_run(&buf, s, segs[i + run - 1].end - segs[i].start, counted,
			                    run, o);
			counted += run;
			i += run - 1;
			continue;
		}
		/* documents are numbered as a reader counts them: with content */
		if (content)
			error = decrypt_one(&buf, s, n, json, counted++, o);
		else
			error = veil_buf_append(&buf, s, n);
	}
	if (!error && counted == 0 && !allow_empty)
		error = veil_error_set(VEIL_ENOTFOUND,
		                       "the stream holds no document (an empty render would "
		                       "make Argo CD or Flux prune everything; pass --allow-empty "
		                       "if that is intended)");
done:
	free(segs);
	if (error < 0) {
		veil_buf_dispose(&buf);
		return error;
	}
	*ndocs = counted;
	if (!buf.data) { /* an empty stream with --allow-empty: "" */
		if (veil_buf_putc(&buf, 0) < 0)
			return veil_error_oom();
		buf.len = 0;
	}
	*out = (char *)veil_buf_detach(&buf, out_len);
	return 0;
}
