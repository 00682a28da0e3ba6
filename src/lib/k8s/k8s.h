#ifndef VEIL_K8S_H
#define VEIL_K8S_H
/*
 * The in-cluster decrypter: a stream of Kubernetes manifests (YAML documents
 * or JSON objects, e.g. `kustomize build` output) in, the same stream out
 * with every sops/veil-encrypted document, and every encrypted item of a
 * List, decrypted; all other bytes unchanged. The KRM function and the
 * SecretGenerator build on it.
 *
 * Nothing here prints. A failure names the document (index, kind,
 * namespace/name) in the error message and leaves no output.
 */
#include "util/buf.h"
#include "veil/doc.h"
#include "veil/keys.h"
#include <stddef.h>

/* Caps on untrusted streams. */
#define VEIL_CLUSTER_MAX_STREAM VEIL_DOC_MAX_SIZE
#define VEIL_CLUSTER_MAX_DOCS   (1024u * 1024)

/* What was decrypted, for the --log json line. Strings may be NULL. */
typedef struct veil_cluster_event {
	size_t doc; /* 0-based index in the stream */
	long item;  /* index in the List's items, or -1 */
	const char *kind;
	const char *ns;
	const char *name;
	const char *recipient; /* the file's recipient one of our identities matches */
	const char *source;    /* the file it came from (generator), or NULL */
} veil_cluster_event;

typedef void (*veil_cluster_log_fn)(void *payload, const veil_cluster_event *ev);

typedef struct veil_cluster_opts {
	const veil_identities *ids;
	/* recipient strings of ids ("age1..."), to name the one that matched */
	const char *const *own_recipients;
	size_t nown;
	int ignore_mac;
	veil_cluster_log_fn log; /* may be NULL */
	void *log_payload;
	const char *source; /* set by the generator while it reads a file */
} veil_cluster_opts;

/* stream.c: one document of a stream, [start, end) of the source. YAML
 * bodies include their own "---" line; the bytes of the stream are exactly
 * the concatenation of its segments' surroundings and bodies. */
typedef struct veil_cluster_seg {
	size_t start;
	size_t end;
} veil_cluster_seg;

/* Splits src into documents: YAML on "---" lines (column 0, as YAML forbids
 * them inside content), or, when the first non-blank byte is '{', a
 * sequence of JSON objects. *json tells which. *segs is malloc'd. */
int veil_cluster__split(veil_cluster_seg **segs, size_t *n, int *json, const char *src, size_t len);
/* Whether a YAML body holds anything but blank lines, comments, markers. */
int veil_cluster__has_content(const char *s, size_t len);

/* manifest.c: one document (or List item) text; appends to out its
 * decrypted form, or the text unchanged when it holds nothing encrypted.
 * where prefixes error messages ("document 2"). */
int veil_cluster__decrypt_doc(veil_buf *out, const char *src, size_t len, veil_doc_format fmt,
                              size_t index, const veil_cluster_opts *o);

/* Decrypts a parsed sops document (logging it) and renders it into *text
 * (malloc'd plaintext: wipe it); errors are prefixed with what. */
int veil_cluster__open_doc(char **text, size_t *tlen, veil_doc *doc, const char *what, size_t index,
                           long item, const veil_cluster_opts *o);

/* Fields of a manifest root for messages and logs (NULL when absent). */
const char *veil_cluster__field(const veil_node *root, const char *a, const char *b);

/*
 * filter.c: the whole stream. *out (malloc'd, wipe it: it holds
 * plaintext) is the decrypted stream; *ndocs counts documents with
 * content. An empty stream is VEIL_ENOTFOUND unless allow_empty.
 */
int veil_cluster_decrypt_stream(char **out, size_t *out_len, size_t *ndocs, const char *src,
                                size_t len, int allow_empty, const veil_cluster_opts *o);

/* generator.c: the Secrets and manifests a `veil/v1 SecretGenerator`
 * config asks for, each handed to emit as one YAML document. Files are read
 * relative to the working directory (the kustomization's) and may not
 * leave it; every one must be sops-encrypted. */
typedef int (*veil_cluster_emit_fn)(void *payload, const char *doc, size_t len);
int veil_cluster__is_generator(const veil_node *cfg);
int veil_cluster__generate(const veil_node *cfg, const veil_cluster_opts *o,
                           veil_cluster_emit_fn emit, void *payload);

/*
 * krm.c: a KRM function run. src is a ResourceList (kustomize exec
 * function); a SecretGenerator functionConfig replaces its items with what
 * it generates, any other config decrypts the encrypted items. *out is
 * the ResourceList to print. On failure *out (if not NULL) is a
 * ResourceList with only an error result, and the error code is returned.
 */
int veil_cluster_krm(char **out, size_t *out_len, const char *src, size_t len,
                     const veil_cluster_opts *o);
/* The legacy exec plugin's generator: what cfg generates, as a plain YAML
 * stream. (A legacy transformer is veil_cluster_decrypt_stream.) */
int veil_cluster_generate_stream(char **out, size_t *out_len, const veil_node *cfg,
                                 const veil_cluster_opts *o);

#endif
