#ifndef VEIL_K8S_PUBLIC_H
#define VEIL_K8S_PUBLIC_H
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
#include <stddef.h>
#include "veil/common.h"
#include "veil/doc.h"
#include "veil/keys.h"

VEIL_BEGIN_DECL

/* Caps on untrusted streams. */
#define VEIL_K8S_MAX_STREAM VEIL_DOC_MAX_SIZE
#define VEIL_K8S_MAX_DOCS   (1024u * 1024)

/* What was decrypted, for the --log json line. Strings may be NULL. */
typedef struct veil_k8s_event {
	size_t doc; /* 0-based index in the stream */
	long item;  /* index in the List's items, or -1 */
	const char *kind;
	const char *ns;
	const char *name;
	const char *recipient; /* the file's recipient one of our identities matches */
	const char *source;    /* the file it came from (generator), or NULL */
} veil_k8s_event;

typedef void (*veil_k8s_log_fn)(void *payload, const veil_k8s_event *ev);

typedef struct veil_k8s_opts {
	const veil_identities *ids;
	/* recipient strings of ids ("age1..."), to name the one that matched */
	const char *const *own_recipients;
	size_t nown;
	int ignore_mac; /* each value's own authentication only */
	/* with ignore_mac: verify anyway the documents that carry
	 * veil_sorted_mac, which kustomize's rewrites do not break */
	int verify_sorted;
	veil_k8s_log_fn log; /* may be NULL */
	void *log_payload;
	const char *source; /* set by the generator while it reads a file */
} veil_k8s_opts;

/*
 * filter.c: the whole stream. *out (malloc'd, wipe it: it holds
 * plaintext) is the decrypted stream; *ndocs counts documents with
 * content. An empty stream is VEIL_ENOTFOUND unless allow_empty.
 */
VEIL_EXTERN int veil_k8s_decrypt_stream(char **out, size_t *out_len, size_t *ndocs, const char *src,
                                        size_t len, int allow_empty, const veil_k8s_opts *o);

/* object.c: is root a Kubernetes object (plain string apiVersion and
 * kind), a v1 Secret? Judged as Kubernetes reads the document: an alias,
 * a tag or an encrypted value is not a plain string. */
VEIL_EXTERN int veil_k8s_is_object(const veil_node *root);
VEIL_EXTERN int veil_k8s_is_secret(const veil_node *root);
/* Is doc (YAML or JSON) one Kubernetes object: what `veil encrypt` gives a
 * veil_sorted_mac (it then survives `kustomize build`)? */
VEIL_EXTERN int veil_k8s_one_object(const veil_doc *doc);

/* Is cfg (a kustomize generator/function config root) a
 * `veil/v1 SecretGenerator`? */
VEIL_EXTERN int veil_k8s_is_generator(const veil_node *cfg);

/*
 * krm.c: a KRM function run. src is a ResourceList (kustomize exec
 * function); a SecretGenerator functionConfig replaces its items with what
 * it generates, any other config decrypts the encrypted items. *out is
 * the ResourceList to print. On failure *out (if not NULL) is a
 * ResourceList with only an error result, and the error code is returned.
 */
VEIL_EXTERN int veil_k8s_krm(char **out, size_t *out_len, const char *src, size_t len,
                             const veil_k8s_opts *o);
/* The legacy exec plugin's generator: what cfg generates, as a plain YAML
 * stream. (A legacy transformer is veil_k8s_decrypt_stream.) */
VEIL_EXTERN int veil_k8s_generate_stream(char **out, size_t *out_len, const veil_node *cfg,
                                         const veil_k8s_opts *o);

/* ---- Key custody: an age identity from a Kubernetes Secret ------------ */

/*
 * A minimal Kubernetes API client for one job: reading an age identity from
 * a Secret with the in-cluster service account. HTTPS only, TLS verified
 * against the service-account CA, libcurl loaded on first use (never linked).
 * Response bodies are never put in messages: a Secret holds the key.
 */
/* The in-cluster defaults (the kubelet mounts these in every pod that has a
 * service-account token). */
#define VEIL_K8S_SA_DIR                     "/var/run/secrets/kubernetes.io/serviceaccount"
#define VEIL_K8S_CONNECT_TIMEOUT_MS_DEFAULT 5000L
#define VEIL_K8S_TIMEOUT_MS_DEFAULT         15000L
/* A Secret is at most 1 MiB in etcd; its JSON (base64 + metadata) a bit more. */
#define VEIL_K8S_RESPONSE_MAX               (2L * 1024 * 1024)

typedef struct veil_k8s_api_config {
	const char *api_url;    /* "https://host:port", no trailing path */
	const char *token_file; /* re-read on every request: the kubelet rotates it */
	const char *ca_file;
	long connect_timeout_ms;
	long timeout_ms;     /* the whole request */
	size_t max_response; /* bytes; larger answers fail with VEIL_ELIMIT */
} veil_k8s_api_config;

/*
 * Fills cfg from the environment: VEIL_KUBE_API (else
 * https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, IPv6 bracketed),
 * VEIL_KUBE_TOKEN_FILE, VEIL_KUBE_CA_FILE (else the service-account files),
 * VEIL_KUBE_CONNECT_TIMEOUT_MS, VEIL_KUBE_TIMEOUT_MS. The strings live in a
 * static buffer (one config per process). VEIL_ENOTFOUND when neither an API
 * URL nor the in-cluster variables are set (not running in a pod).
 */
VEIL_EXTERN int veil_k8s_api_config_from_env(veil_k8s_api_config *cfg);

/* A Secret reference "NAMESPACE/NAME[/KEY]" split into caller buffers (each
 * of cap bytes; key is "" when absent). Names are checked against the
 * Kubernetes DNS-1123 rules so nothing odd reaches the URL. */
VEIL_EXTERN int veil_k8s_secret_ref_parse(const char *ref, char *ns, char *name, char *key,
                                          size_t cap);

/*
 * GET /api/v1/namespaces/NS/secrets/NAME and append the identities of its
 * entry KEY (or, with key "" or NULL: every entry ending in ".agekey", as
 * Flux imports them, else "keys.txt"). HTTP and TLS failures get messages
 * that say what to fix (401 token, 403 RBAC verb and resource, 404, CA,
 * timeout); the body is never echoed.
 */
VEIL_EXTERN int veil_k8s_secret_identities(veil_identities *list, const veil_k8s_api_config *cfg,
                                           const char *ns, const char *name, const char *key);

VEIL_END_DECL

#endif
