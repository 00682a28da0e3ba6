/* The Kubernetes API key source without a network: Secret references, the
 * in-cluster configuration from the environment, and the response parser. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "k8s/kubeapi.h"
#include "util/b64.h"
#include "veil/keys.h"

/* A v1 Secret JSON whose entries hold the given identity files, base64. */
static char *secret_json(const char *const *names, const char *const *files, size_t n)
{
	static char json[8192];
	size_t used = 0, i;

	used += (size_t)snprintf(
	        json, sizeof(json),
	        "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"k\"},"
	        "\"type\":\"Opaque\",\"data\":{");
	for (i = 0; i < n; i++) {
		char b64[2048];

		veil_b64_encode_padded(b64, (const uint8_t *)files[i], strlen(files[i]));
		used += (size_t)snprintf(json + used, sizeof(json) - used, "%s\"%s\":\"%s\"",
		                         i ? "," : "", names[i], b64);
	}
	snprintf(json + used, sizeof(json) - used, "}}");
	return json;
}

static char *new_key(void)
{
	veil_identity *id = NULL;
	char *s = NULL, *copy;

	if (veil_identity_generate(&id) < 0 || veil_identity_encode(&s, id) < 0)
		abort();
	copy = malloc(strlen(s) + 2);
	snprintf(copy, strlen(s) + 2, "%s\n", s);
	veil_secret_string_free(s);
	veil_identity_free(id);
	return copy;
}

static int parse(const char *json, const char *key, size_t *count)
{
	veil_identities *ids = NULL;
	int error;

	if (veil_identities_new(&ids) < 0)
		abort();
	error = veil_kube__secret_parse(ids, json, strlen(json), key, "secret ns/k");
	*count = veil_identities_count(ids);
	veil_identities_free(ids);
	return error;
}

TEST(test_k8s_kubeapi__ref_parses_namespace_name_and_key)
{
	char ns[64], name[64], key[64];

	CHECK_INT(veil_k8s_secret_ref_parse("argocd/veil-age-key", ns, name, key, 64), 0);
	CHECK_STR(ns, "argocd");
	CHECK_STR(name, "veil-age-key");
	CHECK_STR(key, "");
	CHECK_INT(veil_k8s_secret_ref_parse("a/b.c/id_1.agekey", ns, name, key, 64), 0);
	CHECK_STR(name, "b.c");
	CHECK_STR(key, "id_1.agekey");
}

TEST(test_k8s_kubeapi__ref_rejects_what_could_escape_the_url)
{
	char ns[64], name[64], key[64];

	CHECK_INT(veil_k8s_secret_ref_parse("noslash", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("../x", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/..", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/a?b", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("NS/a", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/a/..", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/a/k/extra", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/", ns, name, key, 64), VEIL_EINVAL);
	CHECK_INT(veil_k8s_secret_ref_parse("ns/a%2f", ns, name, key, 64), VEIL_EINVAL);
}

TEST(test_k8s_kubeapi__config_from_in_cluster_env)
{
	veil_k8s_api_config cfg;

	unsetenv("VEIL_KUBE_API");
	unsetenv("VEIL_KUBE_TOKEN_FILE");
	unsetenv("VEIL_KUBE_CA_FILE");
	unsetenv("VEIL_KUBE_TIMEOUT_MS");
	unsetenv("KUBERNETES_SERVICE_HOST");
	CHECK_INT(veil_k8s_api_config_from_env(&cfg), VEIL_ENOTFOUND);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
	CHECK_INT(veil_k8s_api_config_from_env(&cfg), 0);
	CHECK_STR(cfg.api_url, "https://[fd00::1]:6443");
	CHECK_STR(cfg.token_file, VEIL_K8S_SA_DIR "/token");
	CHECK_STR(cfg.ca_file, VEIL_K8S_SA_DIR "/ca.crt");
	CHECK_INT(cfg.timeout_ms, VEIL_K8S_TIMEOUT_MS_DEFAULT);
	setenv("VEIL_KUBE_TIMEOUT_MS", "250", 1);
	setenv("VEIL_KUBE_API", "https://127.0.0.1:1", 1);
	CHECK_INT(veil_k8s_api_config_from_env(&cfg), 0);
	CHECK_INT(cfg.timeout_ms, 250);
	CHECK_STR(cfg.api_url, "https://127.0.0.1:1");
	setenv("VEIL_KUBE_TIMEOUT_MS", "soon", 1);
	CHECK_INT(veil_k8s_api_config_from_env(&cfg), VEIL_EINVAL);
	unsetenv("VEIL_KUBE_TIMEOUT_MS");
	unsetenv("VEIL_KUBE_API");
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

TEST(test_k8s_kubeapi__secret_default_loads_every_agekey_entry)
{
	char *k1 = new_key(), *k2 = new_key();
	const char *names[] = { "old.agekey", "README", "new.agekey" };
	const char *files[] = { k1, "not a key", k2 };
	size_t n = 0;

	CHECK_INT(parse(secret_json(names, files, 3), NULL, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(parse(secret_json(names, files, 3), "new.agekey", &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(parse(secret_json(names, files, 3), "README", &n), VEIL_EFORMAT);
	CHECK_INT(parse(secret_json(names, files, 3), "missing", &n), VEIL_ENOTFOUND);
	CHECK(strstr(veil_error_last(), "old.agekey, README, new.agekey") != NULL);
	free(k1);
	free(k2);
}

TEST(test_k8s_kubeapi__secret_keys_txt_fallback_and_no_entry)
{
	char *k = new_key();
	const char *names[] = { "keys.txt" };
	const char *wrong[] = { "age.key" };
	const char *files[] = { k };
	size_t n = 0;

	CHECK_INT(parse(secret_json(names, files, 1), NULL, &n), 0);
	CHECK_INT(n, 1);
	/* Flux's classic mistake: the entry is not named *.agekey. */
	CHECK_INT(parse(secret_json(wrong, files, 1), NULL, &n), VEIL_ENOTFOUND);
	CHECK(strstr(veil_error_last(), "age.key") != NULL);
	CHECK(strstr(veil_error_last(), "AGE-SECRET") == NULL);
	free(k);
}

TEST(test_k8s_kubeapi__secret_rejects_other_answers_without_echoing_them)
{
	size_t n = 0;

	CHECK_INT(parse("{\"kind\":\"Status\",\"code\":403}", NULL, &n), VEIL_EFORMAT);
	CHECK_INT(parse("not json", NULL, &n), VEIL_EFORMAT);
	CHECK_INT(parse("{\"kind\":\"Secret\"}", NULL, &n), VEIL_ENOTFOUND);
	CHECK_INT(parse("{\"kind\":\"Secret\",\"data\":{\"identity.agekey\":\"QUdFLVNF@\"}}", NULL,
	                &n),
	          VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "QUdF") == NULL);
	CHECK_INT(parse("{\"kind\":\"Secret\",\"data\":{\"identity.agekey\":7}}", NULL, &n),
	          VEIL_EFORMAT);
	CHECK_INT(n, 0);
}
