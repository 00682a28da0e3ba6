#ifndef VEIL_K8S_H
#define VEIL_K8S_H
/* Internal to src/lib/k8s (public API: include/veil/k8s.h). */
#include "util/buf.h"
#include "veil/k8s.h"
#include "veil/doc.h"
#include "veil/keys.h"
#include <stddef.h>

/* stream.c: one document of a stream, [start, end) of the source. YAML
 * bodies include their own "---" line; the bytes of the stream are exactly
 * the concatenation of its segments' surroundings and bodies. */
typedef struct veil_k8s_seg {
	size_t start;
	size_t end;
} veil_k8s_seg;

/* Splits src into documents: YAML on "---" lines (column 0, as YAML forbids
 * them inside content), or, when the first non-blank byte is '{', a
 * sequence of JSON objects. *json tells which. *segs is malloc'd. */
int veil_k8s__split(veil_k8s_seg **segs, size_t *n, int *json, const char *src, size_t len);
/* Whether a YAML body holds anything but blank lines, comments, markers. */
int veil_k8s__has_content(const char *s, size_t len);
/* Where a YAML body's content is one JSON object (an encrypted .json file
 * in a stream joined with "---" lines, as Argo CD plugins do): the offset
 * of its '{'; len otherwise. JSON is YAML, but a sops JSON file must be
 * decrypted (and its values written back) as JSON. */
size_t veil_k8s__json_body(const char *s, size_t len);

/* manifest.c: one document (or List item) text; appends to out its
 * decrypted form, or the text unchanged when it holds nothing encrypted.
 * where prefixes error messages ("document 2"). */
int veil_k8s__decrypt_doc(veil_buf *out, const char *src, size_t len, veil_doc_format fmt,
                          size_t index, const veil_k8s_opts *o);

/* Decrypts a parsed sops document (logging it) and renders it into *text
 * (malloc'd plaintext: wipe it); errors are prefixed with what. */
int veil_k8s__open_doc(char **text, size_t *tlen, veil_doc *doc, const char *what, size_t index,
                       long item, const veil_k8s_opts *o);

/* Fields of a manifest root for messages and logs (NULL when absent). */
const char *veil_k8s__field(const veil_node *root, const char *a, const char *b);

/* generator.c: the Secrets and manifests a `veil/v1 SecretGenerator`
 * config asks for, each handed to emit as one YAML document. Files are read
 * relative to the working directory (the kustomization's) and may not
 * leave it; every one must be sops-encrypted. */
typedef int (*veil_k8s_emit_fn)(void *payload, const char *doc, size_t len);
int veil_k8s__generate(const veil_node *cfg, const veil_k8s_opts *o, veil_k8s_emit_fn emit,
                       void *payload);

#endif
