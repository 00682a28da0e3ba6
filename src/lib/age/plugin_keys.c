/* Plugin recipients (age1NAME1...) and identities (AGE-PLUGIN-NAME-1...):
 * Bech32 strings whose human-readable part names the plugin (C2SP
 * age-plugin.md "Recipients and identities"). veil keeps the text and hands
 * it to age-plugin-NAME, which alone knows what the data means. */
#include <stdlib.h>
#include <string.h>
#include "age/keys_int.h"
#include "util/bech32.h"
#include "util/secret.h"

#define IDENTITY_PREFIX "age-plugin-"

/* Plugin names: [a-z0-9+-._], as the spec allows (lowercased here). No '/'
 * can reach the binary name age-plugin-NAME looked up in PATH. */
static int valid_name(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len >= sizeof(((veil_plugin_key *)0)->name))
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		      c == '.' || c == '_'))
			return 0;
	}
	/* "." and ".." would be path parts of the binary name. */
	return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}

/* Checks the Bech32 string and extracts the plugin name from its HRP:
 * hrp = prefix + NAME (+ "-" for identities). */
static int plugin_name(char *out, const char *str, size_t len, const char *prefix, int identity)
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t data_len = 0, plen = strlen(prefix), hlen, nlen;
	int ok;

	if (veil_bech32_decode(&hrp, &data, &data_len, str, len) < 0)
		return VEIL_EFORMAT;
	hlen = strlen(hrp);
	ok = hlen > plen + (size_t)identity && !strncmp(hrp, prefix, plen) &&
	     (!identity || hrp[hlen - 1] == '-');
	nlen = ok ? hlen - plen - (size_t)identity : 0;
	ok = ok && valid_name(hrp + plen, nlen);
	if (ok) {
		memcpy(out, hrp + plen, nlen);
		out[nlen] = '\0';
	}
	if (data != NULL)
		veil_wipe_free(data, data_len);
	free(hrp);
	return ok ? 0 : VEIL_EFORMAT;
}

int veil_keys__plugin_identity_parse(veil_identity **out, const char *str, size_t len)
{
	veil_identity *id = NULL;
	size_t i;
	int error;

	*out = NULL;
	for (i = 0; i < len; i++)
		if (str[i] >= 'a' && str[i] <= 'z')
			return veil_error_set(VEIL_EFORMAT, "a plugin identity is all uppercase");
	error = veil_keys__identity_alloc(&id, VEIL_KEY_PLUGIN, 1);
	if (error < 0)
		return error;
	if (plugin_name(id->plugin.name, str, len, IDENTITY_PREFIX, 1) < 0) {
		veil_identity_free(id);
		return veil_error_set(VEIL_EFORMAT, "malformed plugin identity");
	}
	id->plugin.text = veil_secure_alloc(len + 1);
	if (id->plugin.text == NULL) {
		veil_identity_free(id);
		return veil_error_oom();
	}
	memcpy(id->plugin.text, str, len);
	id->plugin.text[len] = '\0';
	id->plugin.text_len = len;
	*out = id;
	return 0;
}

int veil_keys__plugin_recipient_parse(veil_recipient **out, const char *str, size_t len)
{
	veil_recipient *r = NULL;
	size_t i;
	int error;

	*out = NULL;
	for (i = 0; i < len; i++)
		if (str[i] >= 'A' && str[i] <= 'Z')
			return veil_error_set(VEIL_EFORMAT, "a plugin recipient is all lowercase");
	error = veil_keys__recipient_alloc(&r, VEIL_KEY_PLUGIN);
	if (error < 0)
		return error;
	if (plugin_name(r->plugin.name, str, len, "age1", 0) < 0) {
		veil_recipient_free(r);
		return veil_error_set(VEIL_EFORMAT, "malformed plugin recipient");
	}
	r->plugin.text = strndup(str, len);
	if (r->plugin.text == NULL) {
		veil_recipient_free(r);
		return veil_error_oom();
	}
	r->plugin.text_len = len;
	*out = r;
	return 0;
}

int veil_identity_for_plugin(veil_identity **out, const char *name)
{
	char hrp[sizeof(((veil_plugin_key *)0)->name) + sizeof(IDENTITY_PREFIX) + 1];
	char *text = NULL;
	size_t n = name ? strlen(name) : 0, i;
	int error;

	*out = NULL;
	if (n == 0 || n >= sizeof(((veil_plugin_key *)0)->name))
		return veil_error_set(VEIL_EINVAL, "invalid plugin name");
	strcpy(hrp, IDENTITY_PREFIX);
	for (i = 0; i < n; i++) /* names are case-insensitive */
		hrp[strlen(IDENTITY_PREFIX) + i] =
		        (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	hrp[strlen(IDENTITY_PREFIX) + n] = '\0';
	if (!valid_name(hrp + strlen(IDENTITY_PREFIX), n))
		return veil_error_set(VEIL_EINVAL, "invalid plugin name \"%.64s\"", name);
	strcat(hrp, "-");
	/* The identity with no data: the plugin's default (age -j NAME). */
	error = veil_bech32_encode(&text, hrp, NULL, 0, 1);
	if (error < 0)
		return error;
	error = veil_keys__plugin_identity_parse(out, text, strlen(text));
	free(text);
	return error;
}
