/* %YAML directives that go-yaml, and so sops, cannot read (see
 * veil_doc_yaml_drop_versions in include/veil/doc.h). */
#include "doc/internal.h"
#include "doc/yaml.h"
#include "util/buf.h"
#include "util/secret.h"
#include <stdlib.h>
#include <string.h>

/* The source without the recorded directive lines. */
static int without_versions(veil_buf *out, const veil_doc *doc, const veil_yaml_state *st)
{
	size_t at = 0;
	int error = 0;

	for (size_t i = 0; i < st->nversion_lines && !error; i++) {
		error = veil_buf_append(out, doc->src + at, st->version_lines[i][0] - at);
		at = st->version_lines[i][1];
	}
	return error ? error : veil_buf_append(out, doc->src + at, doc->src_len - at);
}

int veil_doc_yaml_drop_versions(veil_doc *doc, size_t *count)
{
	veil_buf b = VEIL_BUF_INIT(0);
	char *text = NULL;
	size_t len = 0;
	int error = 0;

	*count = 0;
	if (doc->format != VEIL_FMT_YAML || !doc->codec_state ||
	    !((veil_yaml_state *)doc->codec_state)->nversion_lines)
		return 0;
	if (veil_doc_edits_mark(doc) > 0) {
		/* the recorded lines are source positions: start from the render */
		if ((error = veil_doc_render(&text, &len, doc)) < 0 ||
		    (error = veil_doc_reset(doc, text, len)) < 0)
			goto done;
		if (!((veil_yaml_state *)doc->codec_state)->nversion_lines)
			goto done;
	}
	*count = ((veil_yaml_state *)doc->codec_state)->nversion_lines;
	if ((error = without_versions(&b, doc, doc->codec_state)) == 0)
		error = veil_doc_reset(doc, b.data ? (char *)b.data : "", b.len);
done:
	if (error < 0)
		*count = 0;
	veil_buf_dispose(&b);
	veil_wipe_free(text, len);
	return error;
}
