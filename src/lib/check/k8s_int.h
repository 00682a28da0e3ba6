#ifndef VEIL_CHECK_K8S_INT_H
#define VEIL_CHECK_K8S_INT_H
/*
 * Inside the Kubernetes checks: k8s.c judges objects (Secrets,
 * SealedSecrets, kubeconfig, docker config, the last-applied annotation),
 * k8s_kustomize.c what kustomize and Flux read (generators, patches, the
 * files they name). This is what they share.
 */
#include "check/detect_int.h"
#include "check/kview.h"

#define MAX_OBJECT_DEPTH 8

/* Values reported in a document, by offset: a value an alias or a merge
 * key reaches many times is one finding. */
struct veil_check__reported {
	size_t *off;
	size_t n, cap; /* cap: a power of two */
};

/* Where a walk stands: the scanner, the blob, the view being walked. */
struct veil_check__kctx {
	struct veil_check__reported *seen;
	veil_check *c;
	const veil_check__src *src;
	veil_check__kview *v;
	const char *text; /* what the view was read from (raw spans) */
	size_t len;
	int sops;     /* the document has a sops block: a pasted value */
	int root_obj; /* the object being judged is its document's root */
	int templ;    /* the text is a template ({{ ... }}): a chart's */
	int depth;    /* of the object being judged: texts inside go deeper */
};

/* How the entries of a data/stringData map are judged (kview_each's fn is
 * veil_check__k8s_value, arg this). */
struct veil_check__kvalues {
	struct veil_check__kctx *k;
	const char *field; /* "data", "stringData" */
	const char *rule, *fmt, *fix;
	int decode; /* base64 data: scan what it decodes to */
};

/* k8s.c */
int veil_check__k8s_object(struct veil_check__kctx *k, const veil_check__kn *obj, int depth,
                           int as_secret);
int veil_check__k8s_value(void *arg, const veil_check__kn *key, const veil_check__kn *val);
/* The value a reader gets at val: 1 with it in *s when it is plaintext. */
int veil_check__k8s_plaintext(const struct veil_check__kctx *k, const veil_check__kn *val,
                              const char **s, size_t *len);
int veil_check__k8s_report(struct veil_check__kctx *k, const veil_check__kn *at, const char *rule,
                           const char *s, size_t len, const char *fix, const char *msg);
/* A key's name for messages: printable, bounded. */
const char *veil_check__k8s_name(const veil_check__kn *key, char *buf, size_t cap);

/* k8s_kustomize.c: a kustomization (secretGenerator literals and files,
 * inline patches, a Flux Kustomization that decrypts with sops), and a
 * SecretGenerator's own config. */
int veil_check__k8s_kustomization(struct veil_check__kctx *k, const veil_check__kn *obj,
                                  const veil_check__kn *api);
int veil_check__k8s_generator(struct veil_check__kctx *k, const veil_check__kn *g);

#endif
