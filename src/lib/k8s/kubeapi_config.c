/* Where the Kubernetes API is and how to authenticate: the in-cluster
 * service-account files, overridable by environment for tests and for
 * sidecars that mount them elsewhere; and Secret references. */
#include "k8s/kubeapi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int env_ms(const char *name, long def, long *out)
{
	const char *v = env(name);
	char *end = NULL;
	long n;

	*out = def;
	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n <= 0 || n > 3600L * 1000)
		return veil_error_set(VEIL_EINVAL, "%s must be milliseconds (1 to 3600000)", name);
	*out = n;
	return 0;
}

int veil_k8s_api_config_from_env(veil_k8s_api_config *cfg)
{
	static char url[512];
	const char *host, *port;
	int n, error;

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_response = VEIL_K8S_RESPONSE_MAX;
	cfg->token_file = env("VEIL_KUBE_TOKEN_FILE");
	if (!cfg->token_file)
		cfg->token_file = VEIL_K8S_SA_DIR "/token";
	cfg->ca_file = env("VEIL_KUBE_CA_FILE");
	if (!cfg->ca_file)
		cfg->ca_file = VEIL_K8S_SA_DIR "/ca.crt";
	error = env_ms("VEIL_KUBE_CONNECT_TIMEOUT_MS", VEIL_K8S_CONNECT_TIMEOUT_MS_DEFAULT,
	               &cfg->connect_timeout_ms);
	if (error >= 0)
		error = env_ms("VEIL_KUBE_TIMEOUT_MS", VEIL_K8S_TIMEOUT_MS_DEFAULT,
		               &cfg->timeout_ms);
	if (error < 0)
		return error;
	cfg->api_url = env("VEIL_KUBE_API");
	if (cfg->api_url)
		return 0;
	host = env("KUBERNETES_SERVICE_HOST");
	port = env("KUBERNETES_SERVICE_PORT");
	if (!host)
		return veil_error_set(
		        VEIL_ENOTFOUND,
		        "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set; "
		        "VEIL_KUBE_API=https://HOST:PORT names the API server explicitly)");
	/* The docs promise a certificate valid for this host, not for
	 * kubernetes.default.svc, so the address is used as given. */
	if (strchr(host, ':'))
		n = snprintf(url, sizeof(url), "https://[%s]:%s", host, port ? port : "443");
	else
		n = snprintf(url, sizeof(url), "https://%s:%s", host, port ? port : "443");
	if (n < 0 || (size_t)n >= sizeof(url))
		return veil_error_set(VEIL_ELIMIT, "KUBERNETES_SERVICE_HOST is too long");
	cfg->api_url = url;
	return 0;
}

/* DNS-1123: lowercase alphanumerics and '-' (and '.' in a subdomain),
 * starting and ending with an alphanumeric. */
static int dns1123(const char *s, size_t n, size_t max, int dots)
{
	size_t i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && c != '-' && !(dots && c == '.'))
			return 0;
		if (!alnum && (i == 0 || i == n - 1))
			return 0;
	}
	return 1;
}

/* A Secret data key: [-._a-zA-Z0-9]+, not "." or "..". */
static int data_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 253 || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

static int part(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int veil_k8s_secret_ref_parse(const char *ref, char *ns, char *name, char *key, size_t cap)
{
	const char *s1 = strchr(ref, '/');
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	const char *name_end = s2 ? s2 : ref + strlen(ref);
	const char *k = s2 ? s2 + 1 : name_end;
	size_t klen = strlen(k);

	if (!s1)
		return veil_error_set(VEIL_EINVAL, "\"%.100s\" is not NAMESPACE/NAME[/KEY]", ref);
	if (!dns1123(ref, (size_t)(s1 - ref), 63, 0))
		return veil_error_set(VEIL_EINVAL, "\"%.*s\" is not a valid namespace name",
		                      (int)(s1 - ref > 100 ? 100 : s1 - ref), ref);
	if (!dns1123(s1 + 1, (size_t)(name_end - s1 - 1), 253, 1))
		return veil_error_set(VEIL_EINVAL, "\"%.*s\" is not a valid Secret name",
		                      (int)(name_end - s1 - 1 > 100 ? 100 : name_end - s1 - 1),
		                      s1 + 1);
	if (s2 && !data_key(k, klen))
		return veil_error_set(VEIL_EINVAL, "\"%.100s\" is not a valid Secret key", k);
	if (part(ns, cap, ref, (size_t)(s1 - ref)) < 0 ||
	    part(name, cap, s1 + 1, (size_t)(name_end - s1 - 1)) < 0 || part(key, cap, k, klen) < 0)
		return veil_error_set(VEIL_ELIMIT, "Secret reference too long");
	return 0;
}
