/* Key custody for the k8s commands: --identity files and directories,
 * --key-from-secret, Argo CD per-project keys, and the default lookup. */
#include "k8s_keys.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "veil/k8s.h"

#define DIR_FILES_MAX 256 /* *.agekey files taken from one directory */

void veil_cli__k8s_keys_init(veil_k8s_keys *k, const char *cmd)
{
	memset(k, 0, sizeof(*k));
	k->cmd = cmd;
}

static int push(veil_k8s_keys *k, const char **list, size_t *n, const char *opt, const char *arg)
{
	if (!arg || !*arg) {
		veil_cli__usage(k->cmd, "--%s needs a value", opt);
		return VEIL_OPT_ERROR;
	}
	if (*n >= VEIL_K8S_KEYS_MAX) {
		veil_cli__usage(k->cmd, "at most %d --%s options", VEIL_K8S_KEYS_MAX, opt);
		return VEIL_OPT_ERROR;
	}
	list[(*n)++] = arg;
	return 1;
}

static int parse_ms(veil_k8s_keys *k, const char *arg)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(arg ? arg : "", &end, 10);
	if (errno || !arg || end == arg || *end || v <= 0 || v > 3600L * 1000) {
		veil_cli__usage(k->cmd, "--kube-timeout takes milliseconds (1 to 3600000)");
		return VEIL_OPT_ERROR;
	}
	k->kube_timeout_ms = v;
	return 1;
}

int veil_cli__k8s_keys_opt(veil_k8s_keys *k, int id, const char *arg)
{
	switch (id) {
	case VEIL_K8S_OPT_IDENTITY:
		return push(k, k->identities, &k->nidentities, "identity", arg);
	case VEIL_K8S_OPT_KEY_FROM_SECRET:
		return push(k, k->secrets, &k->nsecrets, "key-from-secret", arg);
	case VEIL_K8S_OPT_PROJECT_KEYS:
		if (!arg || !*arg) {
			veil_cli__usage(k->cmd, "--project-keys needs a directory");
			return VEIL_OPT_ERROR;
		}
		k->project_dir = arg;
		return 1;
	case VEIL_K8S_OPT_KUBE_TIMEOUT:
		return parse_ms(k, arg);
	default:
		return 0;
	}
}

int veil_cli__k8s_keys_option(veil_k8s_keys *k, const char *name, const char *arg)
{
	static const struct {
		const char *name;
		int id;
	} names[] = {
		{ "identity", VEIL_K8S_OPT_IDENTITY },
		{ "key-from-secret", VEIL_K8S_OPT_KEY_FROM_SECRET },
		{ "project-keys", VEIL_K8S_OPT_PROJECT_KEYS },
		{ "kube-timeout", VEIL_K8S_OPT_KUBE_TIMEOUT },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(names[i].name, name))
			return veil_cli__k8s_keys_opt(k, names[i].id, arg);
	}
	return 0;
}

void veil_cli__k8s_keys_usage(FILE *f)
{
	fputs("Keys (all given sources are loaded together, for key rotation):\n"
	      "  --identity PATH  age identity file, or a directory: every *.agekey file in\n"
	      "                   it (a mounted Secret); repeatable\n"
	      "  --key-from-secret NAMESPACE/NAME[/KEY]\n"
	      "                   read the identity from a Secret through the Kubernetes API\n"
	      "                   (in-cluster service account; needs RBAC get on secrets);\n"
	      "                   default KEY: every *.agekey entry, else keys.txt; repeatable\n"
	      "  --project-keys DIR\n"
	      "                   Argo CD: only DIR/$ARGOCD_APP_PROJECT_NAME.agekey\n"
	      "  --kube-timeout MS  total time for one API request (default 15000)\n"
	      "  Default without these: every key sops would find, together: VEIL_AGE_KEY,\n"
	      "  VEIL_AGE_KEY_FILE, ~/.config/veil/keys.txt, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,\n"
	      "  SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt, SOPS_AGE_SSH_PRIVATE_KEY_FILE\n"
	      "  and _CMD, ~/.ssh/id_ed25519, ~/.ssh/id_rsa\n",
	      f);
}

static int load_file(veil_identities *ids, const char *path)
{
	int error = veil_cli__identities_load(ids, path, NULL);

	if (error < 0)
		veil_cli__lib_error(path, error);
	return error;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int agekey_name(const char *name)
{
	size_t n = strlen(name);

	/* Skip the ..data / ..2026_... entries of a mounted Secret volume. */
	return name[0] != '.' && n > 7 && !strcmp(name + n - 7, ".agekey");
}

/* Every *.agekey file of a directory, in name order (deterministic). */
static int load_dir(veil_identities *ids, const char *dir)
{
	char *names[DIR_FILES_MAX];
	char path[PATH_MAX];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d = opendir(dir);
	int error = 0;

	if (!d) {
		veil_cli__error("cannot open directory %s: %s", dir, strerror(errno));
		return VEIL_EIO;
	}
	while ((e = readdir(d)) != NULL) {
		if (!agekey_name(e->d_name))
			continue;
		if (n == DIR_FILES_MAX) {
			veil_cli__error("%s: more than %d *.agekey files", dir, DIR_FILES_MAX);
			error = VEIL_ELIMIT;
			goto done;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			error = VEIL_ENOMEM;
			goto done;
		}
		n++;
	}
	if (n == 0) {
		veil_cli__error("%s: no *.agekey file in this directory", dir);
		veil_cli__hint("name the Secret entry e.g. identity.agekey (as Flux expects)");
		error = VEIL_ENOTFOUND;
		goto done;
	}
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n && error >= 0; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		if (len < 0 || (size_t)len >= sizeof(path)) {
			veil_cli__error("%s: path too long", dir);
			error = VEIL_ELIMIT;
			break;
		}
		error = load_file(ids, path);
	}
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	return error;
}

static int load_path(veil_identities *ids, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return load_dir(ids, path);
	return load_file(ids, path);
}

/*
 * Argo CD's own ARGOCD_APP_PROJECT_NAME picks the key: the AppProject is
 * enforced by Argo CD RBAC, while ARGOCD_ENV_* (the Application's plugin
 * env) is written by whoever may edit the Application, so it is never read.
 */
static int load_project(veil_identities *ids, const char *dir)
{
	const char *p = getenv("ARGOCD_APP_PROJECT_NAME");
	char path[PATH_MAX];
	size_t i, n;
	int len;

	if (!p || !*p) {
		veil_cli__error("--project-keys: ARGOCD_APP_PROJECT_NAME is not set "
		                "(this option is for an Argo CD plugin)");
		return VEIL_EINVAL;
	}
	n = strlen(p);
	/* Kubernetes object names: DNS-1123, so no '/', no "..", nothing hidden. */
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			break;
	}
	if (i < n || n > 253 || p[0] == '.' || strstr(p, "..")) {
		veil_cli__error("--project-keys: refusing project name \"%.64s\" (not a "
		                "Kubernetes object name)",
		                p);
		return VEIL_EINVAL;
	}
	len = snprintf(path, sizeof(path), "%s/%s.agekey", dir, p);
	if (len < 0 || (size_t)len >= sizeof(path)) {
		veil_cli__error("--project-keys: path too long");
		return VEIL_ELIMIT;
	}
	if (access(path, F_OK) != 0) {
		veil_cli__error("no key for Argo CD project \"%s\" (%s does not exist)", p, path);
		veil_cli__hint("add an entry %s.agekey to the key Secret mounted at %s", p, dir);
		return VEIL_ENOTFOUND;
	}
	return load_file(ids, path);
}

static int load_secret(veil_identities *ids, const char *ref, long timeout_ms)
{
	char ns[256], name[256], key[256];
	veil_k8s_api_config cfg;
	char what[600];
	int error;

	error = veil_k8s_secret_ref_parse(ref, ns, name, key, sizeof(ns));
	if (error >= 0)
		error = veil_k8s_api_config_from_env(&cfg);
	if (error < 0) {
		veil_cli__lib_error("--key-from-secret", error);
		return error;
	}
	if (timeout_ms > 0)
		cfg.timeout_ms = timeout_ms;
	error = veil_k8s_secret_identities(ids, &cfg, ns, name, key);
	if (error < 0) {
		snprintf(what, sizeof(what), "secret %s/%s", ns, name);
		veil_cli__lib_error(what, error);
	}
	return error;
}

int veil_cli__k8s_keys_identities(const veil_k8s_keys *k, veil_identities **out)
{
	veil_cli_keyfind kf = { NULL, 0, NULL, 0, 1, 0, 1 };
	veil_identities *ids = NULL;
	size_t i;
	int error;

	*out = NULL;
	if (!k->nidentities && !k->project_dir && !k->nsecrets) {
		/* The default sources, as sops reads them (never ARGOCD_ENV_*,
		 * which the Application's author sets); no terminal prompts. */
		if (veil_cli__identities_find(&ids, &kf) != 0)
			return VEIL_ERROR;
		if (veil_identities_count(ids) == 0 && !getenv("SOPS_AGE_KEY_CMD") &&
		    !getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD")) {
			veil_cli__error("no identity: give --identity, --key-from-secret or "
			                "--project-keys, or set SOPS_AGE_KEY_FILE");
			veil_cli__keyfind_report();
			veil_identities_free(ids);
			return VEIL_ENOTFOUND;
		}
		*out = ids;
		return 0;
	}
	error = veil_identities_new(&ids);
	if (error < 0) {
		veil_cli__lib_error("identities", error);
		return error;
	}
	for (i = 0; i < k->nidentities && error >= 0; i++)
		error = load_path(ids, k->identities[i]);
	if (error >= 0 && k->project_dir)
		error = load_project(ids, k->project_dir);
	for (i = 0; i < k->nsecrets && error >= 0; i++)
		error = load_secret(ids, k->secrets[i], k->kube_timeout_ms);
	if (error < 0) {
		veil_identities_free(ids);
		return error;
	}
	*out = ids;
	return 0;
}
