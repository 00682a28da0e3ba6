#ifndef VEIL_K8S_KUBEAPI_H
#define VEIL_K8S_KUBEAPI_H
/*
 * A minimal Kubernetes API client for one job: reading an age identity from
 * a Secret with the in-cluster service account. HTTPS only, TLS verified
 * against the service-account CA, libcurl loaded on first use (never linked).
 * Response bodies are never put in messages: a Secret holds the key.
 */
#include <stddef.h>
#include "veil/keys.h"

/* The in-cluster defaults (the kubelet mounts these in every pod that has a
 * service-account token). */
#define VEIL_KUBE_SA_DIR                     "/var/run/secrets/kubernetes.io/serviceaccount"
#define VEIL_KUBE_CONNECT_TIMEOUT_MS_DEFAULT 5000L
#define VEIL_KUBE_TIMEOUT_MS_DEFAULT         15000L
/* A Secret is at most 1 MiB in etcd; its JSON (base64 + metadata) a bit more. */
#define VEIL_KUBE_RESPONSE_MAX               (2L * 1024 * 1024)

typedef struct veil_kube_config {
	const char *api_url;    /* "https://host:port", no trailing path */
	const char *token_file; /* re-read on every request: the kubelet rotates it */
	const char *ca_file;
	long connect_timeout_ms;
	long timeout_ms;     /* the whole request */
	size_t max_response; /* bytes; larger answers fail with VEIL_ELIMIT */
} veil_kube_config;

/*
 * Fills cfg from the environment: VEIL_KUBE_API (else
 * https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, IPv6 bracketed),
 * VEIL_KUBE_TOKEN_FILE, VEIL_KUBE_CA_FILE (else the service-account files),
 * VEIL_KUBE_CONNECT_TIMEOUT_MS, VEIL_KUBE_TIMEOUT_MS. The strings live in a
 * static buffer (one config per process). VEIL_ENOTFOUND when neither an API
 * URL nor the in-cluster variables are set (not running in a pod).
 */
int veil_kube__config_from_env(veil_kube_config *cfg);

/* A Secret reference "NAMESPACE/NAME[/KEY]" split into caller buffers (each
 * of cap bytes; key is "" when absent). Names are checked against the
 * Kubernetes DNS-1123 rules so nothing odd reaches the URL. */
int veil_kube__parse_ref(const char *ref, char *ns, char *name, char *key, size_t cap);

/*
 * GET /api/v1/namespaces/NS/secrets/NAME and append the identities of its
 * entry KEY (or, with key "" or NULL: every entry ending in ".agekey", as
 * Flux imports them, else "keys.txt"). HTTP and TLS failures get messages
 * that say what to fix (401 token, 403 RBAC verb and resource, 404, CA,
 * timeout); the body is never echoed.
 */
int veil_kube__secret_identities(veil_identities *list, const veil_kube_config *cfg, const char *ns,
                                 const char *name, const char *key);

/*
 * The response parser on its own (also the fuzz target): body is the JSON
 * of a v1 Secret; appends the identities of the chosen entry as above. what
 * names the Secret in messages. The caller wipes body.
 */
int veil_kube__secret_parse(veil_identities *list, const char *body, size_t len, const char *key,
                            const char *what);

#endif
