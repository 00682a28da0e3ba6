/* veil_cluster_decrypt_stream: every document of a stream through
 * manifest.c, all output held back until the last one succeeded. */
#include "cluster/cluster.h"
#include "veil/error.h"
#include <stdlib.h>

static int json_has_content(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '{')
			return 1;
	return 0;
}

int veil_cluster_decrypt_stream(char **out, size_t *out_len, size_t *ndocs, const char *src,
                                size_t len, int allow_empty, const veil_cluster_opts *o)
{
	veil_buf buf = VEIL_BUF_INIT(0);
	veil_cluster_seg *segs = NULL;
	size_t nsegs = 0, counted = 0;
	int json = 0, error;

	*out = NULL;
	*out_len = 0;
	*ndocs = 0;
	if ((error = veil_cluster__split(&segs, &nsegs, &json, src, len)) < 0)
		goto done;
	for (size_t i = 0; i < nsegs && !error; i++) {
		const char *s = src + segs[i].start;
		size_t n = segs[i].end - segs[i].start;
		int content = json ? json_has_content(s, n) : veil_cluster__has_content(s, n);
		/* documents are numbered as a reader counts them: with content */
		if (content)
			error = veil_cluster__decrypt_doc(
			    &buf, s, n, json ? VEIL_FMT_JSON : VEIL_FMT_YAML, counted++, o);
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
			return veil_error_set(VEIL_ENOMEM, "out of memory");
		buf.len = 0;
	}
	*out = (char *)veil_buf_detach(&buf, out_len);
	return 0;
}
