/* GET a Secret from the Kubernetes API over HTTPS with libcurl, loaded with
 * dlopen on first use (linking it would cost every veil process ~12 ms). */
#include "k8s/kubeapi.h"

#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <sodium.h>

#include "util/buf.h"
#include "util/dynlib.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include "veil/veil.h"

#define TOKEN_MAX (64 * 1024)

static struct {
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
} curl;

static int curl_load(void)
{
	static const veil_dynsym syms[] = {
		{ "curl_easy_init", (void **)&curl.easy_init },
		{ "curl_easy_setopt", (void **)&curl.easy_setopt },
		{ "curl_easy_perform", (void **)&curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&curl.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&curl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&curl.easy_strerror },
		{ "curl_slist_append", (void **)&curl.slist_append },
		{ "curl_slist_free_all", (void **)&curl.slist_free_all },
	};

	if (curl.easy_init)
		return 0;
	return veil_dynlib__load(VEIL_CURL_SONAME, "libcurl4", syms,
	                         sizeof(syms) / sizeof(syms[0]));
}

typedef struct response {
	veil_buf body;
	int too_big;
} response;

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	response *r = payload;

	if (veil_buf_append(&r->body, data, size * n) < 0) {
		r->too_big = 1;
		return 0; /* libcurl aborts the transfer with CURLE_WRITE_ERROR */
	}
	return size * n;
}

/* "Authorization: Bearer <token>" in secret memory. The token file is read
 * on every request: the kubelet rotates projected tokens in place. */
static int auth_header(char **out, const char *token_file)
{
	static const char prefix[] = "Authorization: Bearer ";
	uint8_t *tok = NULL;
	size_t len = 0, i;
	char *h = NULL;
	int error;

	*out = NULL;
	error = veil_file_read(&tok, &len, token_file, TOKEN_MAX);
	if (error < 0) {
		if (error == VEIL_ENOTFOUND)
			error = veil_error_set(
			        error,
			        "no service-account token at %s (does the "
			        "pod mount one? automountServiceAccountToken may be false; "
			        "VEIL_KUBE_TOKEN_FILE names another file)",
			        token_file);
		return error;
	}
	while (len > 0 && (tok[len - 1] == '\n' || tok[len - 1] == '\r' || tok[len - 1] == ' '))
		len--;
	for (i = 0; i < len; i++) {
		if (tok[i] < 0x21 || tok[i] > 0x7e)
			break;
	}
	if (len == 0 || i < len) {
		error = veil_error_set(
		        VEIL_EFORMAT, "the token in %s is %s", token_file,
		        len == 0 ? "empty" : "not a bearer token (control characters or spaces)");
		goto done;
	}
	h = veil_secure_alloc(sizeof(prefix) + len);
	if (!h) {
		error = VEIL_ENOMEM;
		goto done;
	}
	memcpy(h, prefix, sizeof(prefix) - 1);
	memcpy(h + sizeof(prefix) - 1, tok, len);
	h[sizeof(prefix) - 1 + len] = '\0';
	*out = h;
done:
	veil_wipe_free(tok, len);
	return error;
}

/* What went wrong, in words that say what to fix; never the body. */
static int http_error(long status, const veil_k8s_api_config *cfg, const char *ns, const char *name)
{
	switch (status) {
	case 401:
		return veil_error_set(
		        VEIL_EIO,
		        "the API server rejected the service-account token (401 Unauthorized): "
		        "it is expired, revoked or not for this cluster; it is re-read from %s on "
		        "every request",
		        cfg->token_file);
	case 403:
		return veil_error_set(
		        VEIL_EIO,
		        "forbidden (403): the service account may not read this Secret; it needs "
		        "verb \"get\" on resource \"secrets\" (API group \"\") in namespace "
		        "\"%s\", "
		        "e.g. a Role with resourceNames: [\"%s\"] and a RoleBinding to it",
		        ns, name);
	case 404:
		return veil_error_set(
		        VEIL_ENOTFOUND,
		        "not found (404): there is no Secret \"%s\" in namespace \"%s\"", name, ns);
	default:
		return veil_error_set(VEIL_EIO, "the API server answered HTTP %ld", status);
	}
}

static int curl_failure(CURLcode rc, const response *r, const char *errbuf,
                        const veil_k8s_api_config *cfg)
{
	const char *why = errbuf[0] ? errbuf : curl.easy_strerror(rc);

	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return veil_error_set(VEIL_ELIMIT, "the API answer is larger than %zu bytes",
		                      cfg->max_response);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return veil_error_set(
		        VEIL_EIO,
		        "no answer from %s within the timeout "
		        "(connect %ld ms, total %ld ms; VEIL_KUBE_TIMEOUT_MS or --kube-timeout)",
		        cfg->api_url, cfg->connect_timeout_ms, cfg->timeout_ms);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
		return veil_error_set(VEIL_EIO,
		                      "TLS with %s failed: the server's certificate "
		                      "does not verify against the CA in %s (wrong CA file?): %s",
		                      cfg->api_url, cfg->ca_file, why);
	case CURLE_SSL_CACERT_BADFILE:
		return veil_error_set(VEIL_EIO, "cannot use the CA file %s: %s", cfg->ca_file, why);
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return veil_error_set(VEIL_EIO, "cannot connect to the API server %s: %s",
		                      cfg->api_url, why);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return veil_error_set(VEIL_EINVAL, "the API URL %s is not https://", cfg->api_url);
	default:
		return veil_error_set(VEIL_EIO, "request to %s failed: %s", cfg->api_url, why);
	}
}

#define SETOPT(opt, val)                                        \
	do {                                                    \
		if (rc == CURLE_OK)                             \
			rc = curl.easy_setopt(h, (opt), (val)); \
	} while (0)

static int get(response *r, const veil_k8s_api_config *cfg, const char *url, const char *auth,
               long *status, const char *ns, const char *name)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL, *s;
	CURLcode rc = CURLE_OK;
	CURL *h;
	int error = 0;

	h = curl.easy_init();
	if (!h)
		return veil_error_set(VEIL_ENOMEM, "cannot start libcurl");
	s = curl.slist_append(NULL, "Accept: application/json");
	if (s)
		hdrs = s;
	s = s ? curl.slist_append(hdrs, auth) : NULL;
	if (!s) {
		error = veil_error_oom();
		goto done;
	}
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "https");
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_USERAGENT, "veil/" VEIL_VERSION);
	/* Only the service-account CA, not the system store as well. */
	SETOPT(CURLOPT_CAINFO, cfg->ca_file);
	SETOPT(CURLOPT_CAPATH, (char *)NULL);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_response);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, (void *)r);
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	if (rc != CURLE_OK) {
		error = veil_error_set(VEIL_EUNSUPPORTED, "libcurl refused an option: %s",
		                       curl.easy_strerror(rc));
		goto done;
	}
	rc = curl.easy_perform(h);
	if (rc != CURLE_OK) {
		error = curl_failure(rc, r, errbuf, cfg);
		goto done;
	}
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (*status != 200)
		error = http_error(*status, cfg, ns, name);
done:
	for (s = hdrs; s; s = s->next)
		sodium_memzero(s->data, strlen(s->data));
	curl.slist_free_all(hdrs);
	curl.easy_cleanup(h);
	return error;
}

int veil_k8s_secret_identities(veil_identities *list, const veil_k8s_api_config *cfg,
                               const char *ns, const char *name, const char *key)
{
	response r = { VEIL_BUF_INIT(cfg->max_response), 0 };
	char url[1024], what[600];
	size_t base = strlen(cfg->api_url);
	char *auth = NULL;
	long status = 0;
	int n, error;

	while (base > 0 && cfg->api_url[base - 1] == '/')
		base--;
	if (strncmp(cfg->api_url, "https://", 8))
		return veil_error_set(VEIL_EINVAL,
		                      "the API URL %s is not https:// (the token "
		                      "is never sent in the clear)",
		                      cfg->api_url);
	n = snprintf(url, sizeof(url), "%.*s/api/v1/namespaces/%s/secrets/%s", (int)base,
	             cfg->api_url, ns, name);
	if (n < 0 || (size_t)n >= sizeof(url))
		return veil_error_set(VEIL_ELIMIT, "API URL too long");
	snprintf(what, sizeof(what), "secret %s/%s", ns, name);
	error = curl_load();
	if (error < 0)
		return error;
	error = auth_header(&auth, cfg->token_file);
	if (error < 0)
		return error;
	error = get(&r, cfg, url, auth, &status, ns, name);
	if (error >= 0)
		error = veil_kube__secret_parse(list, (const char *)r.body.data, r.body.len, key,
		                                what);
	veil_secure_free(auth);
	veil_buf_dispose(&r.body);
	return error;
}
