#ifndef VEIL_K8S_KUBEAPI_H
#define VEIL_K8S_KUBEAPI_H
/* Internal to src/lib/k8s: the Secret response parser (public API:
 * include/veil/k8s.h). */
#include <stddef.h>
#include "veil/k8s.h"
#include "veil/keys.h"

/*
 * The response parser on its own (also the fuzz target): body is the JSON
 * of a v1 Secret; appends the identities of the chosen entry as above. what
 * names the Secret in messages. The caller wipes body.
 */
int veil_kube__secret_parse(veil_identities *list, const char *body, size_t len, const char *key,
                            const char *what);

#endif
