/* The body of GET .../secrets/NAME: a v1 Secret in JSON whose data entries
 * are base64. Only the chosen entries are decoded, into secret memory; every
 * string cJSON copied out of the body is wiped before the tree is freed. */
#include "k8s/kubeapi.h"

#include <string.h>
#include <cjson/cJSON.h>
#include "util/dynlib.h"
#include <sodium.h>

#include "util/b64.h"
#include "util/buf.h"
#include "util/secret.h"

#define ENTRY_MAX     (1024 * 1024) /* one decoded entry: a Secret is <= 1 MiB */
#define AGEKEY_SUFFIX ".agekey"

/* cJSON is loaded by the one command that reads a Secret from the API (as
 * libcurl is): linked, it was one more shared library mapped and relocated
 * at the start of every veil process. */
static struct {
	__typeof__(cJSON_ParseWithLength) *parse;
	__typeof__(cJSON_Delete) *del;
	__typeof__(cJSON_GetObjectItemCaseSensitive) *get;
	__typeof__(cJSON_GetStringValue) *string_value;
	__typeof__(cJSON_IsObject) *is_object;
	__typeof__(cJSON_IsString) *is_string;
} cj;

static int cjson_load(void)
{
	static const veil_dynsym syms[] = {
		{ "cJSON_ParseWithLength", (void **)&cj.parse },
		{ "cJSON_Delete", (void **)&cj.del },
		{ "cJSON_GetObjectItemCaseSensitive", (void **)&cj.get },
		{ "cJSON_GetStringValue", (void **)&cj.string_value },
		{ "cJSON_IsObject", (void **)&cj.is_object },
		{ "cJSON_IsString", (void **)&cj.is_string },
	};

	if (cj.parse)
		return 0;
	return veil_dynlib__load(VEIL_CJSON_SONAME, "libcjson1", syms,
	                         sizeof(syms) / sizeof(syms[0]));
}

/* cJSON frees with plain free(): overwrite every string first, since the
 * base64 of the key was copied into one of them. Depth is bounded by
 * cJSON's own nesting limit. */
static void wipe_tree(cJSON *item)
{
	for (; item; item = item->next) {
		if (item->valuestring)
			sodium_memzero(item->valuestring, strlen(item->valuestring));
		if (item->child)
			wipe_tree(item->child);
	}
}

static int agekey_entry(const char *name)
{
	size_t n = strlen(name), s = strlen(AGEKEY_SUFFIX);

	return n > s && !strcmp(name + n - s, AGEKEY_SUFFIX);
}

static int load_entry(veil_identities *list, const cJSON *e, const char *what)
{
	const char *b64 = cj.string_value(e);
	char label[512];
	uint8_t *raw = NULL;
	size_t n, len = 0;
	int error;

	snprintf(label, sizeof(label), "%s entry %s", what, e->string);
	if (!b64)
		return veil_error_set(VEIL_EFORMAT, "%s: data value is not a string", label);
	n = strlen(b64);
	if (n / 4 * 3 > ENTRY_MAX)
		return veil_error_set(VEIL_ELIMIT, "%s is larger than %d bytes", label, ENTRY_MAX);
	raw = veil_secure_alloc(n / 4 * 3 + 1);
	if (!raw)
		return VEIL_ENOMEM;
	error = veil_b64_decode_padded(raw, n / 4 * 3 + 1, &len, b64, n);
	if (error < 0) {
		error = veil_error_set(VEIL_EFORMAT, "%s is not valid base64", label);
		goto done;
	}
	error = veil_identities_parse(list, (const char *)raw, len, label);
done:
	veil_secure_free(raw);
	return error;
}

/* The entry names, for "which one did you mean" (names are not secret). */
static void names_of(const cJSON *data, char *out, size_t cap)
{
	const cJSON *e;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(e, data)
	{
		int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "",
		                 e->string ? e->string : "?");

		if (n < 0 || (size_t)n >= cap - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
}

static int load_default(veil_identities *list, const cJSON *data, const char *what)
{
	const cJSON *e;
	char names[256];
	int found = 0, error = 0;

	/* As Flux: every *.agekey entry, which also lets a rotation keep the
	 * old and the new key side by side in one Secret. */
	cJSON_ArrayForEach(e, data)
	{
		if (!e->string || !agekey_entry(e->string))
			continue;
		error = load_entry(list, e, what);
		if (error < 0)
			return error;
		found++;
	}
	if (found)
		return 0;
	e = cj.get(data, "keys.txt");
	if (e)
		return load_entry(list, e, what);
	names_of(data, names, sizeof(names));
	return veil_error_set(VEIL_ENOTFOUND,
	                      "%s has no *.agekey or keys.txt entry (entries: %s); name the entry "
	                      "identity.agekey or give NAMESPACE/NAME/KEY",
	                      what, names[0] ? names : "none");
}

int veil_kube__secret_parse(veil_identities *list, const char *body, size_t len, const char *key,
                            const char *what)
{
	const cJSON *kind, *data, *e;
	cJSON *root;
	char names[256];
	int error;

	if (len > VEIL_K8S_RESPONSE_MAX)
		return veil_error_set(VEIL_ELIMIT, "%s: response larger than %ld bytes", what,
		                      VEIL_K8S_RESPONSE_MAX);
	if ((error = cjson_load()) < 0)
		return error;
	root = cj.parse(body, len);
	if (!root)
		return veil_error_set(VEIL_EFORMAT, "%s: the API answer is not JSON", what);
	kind = cj.get(root, "kind");
	data = cj.get(root, "data");
	if (!cj.is_object(root) || !cj.is_string(kind) || strcmp(kind->valuestring, "Secret")) {
		error = veil_error_set(VEIL_EFORMAT, "%s: the API answer is not a v1 Secret", what);
		goto done;
	}
	if (!cj.is_object(data) || !data->child) {
		error = veil_error_set(VEIL_ENOTFOUND, "%s has no data", what);
		goto done;
	}
	if (!key || !*key) {
		error = load_default(list, data, what);
		goto done;
	}
	e = cj.get(data, key);
	if (!e) {
		names_of(data, names, sizeof(names));
		error = veil_error_set(VEIL_ENOTFOUND, "%s has no entry \"%s\" (entries: %s)", what,
		                       key, names);
		goto done;
	}
	error = load_entry(list, e, what);
done:
	wipe_tree(root);
	cj.del(root);
	return error;
}
