/* The age plugin protocol's two state machines, client side (C2SP
 * age-plugin.md "Wrapping with recipient-v1", "Unwrapping with
 * identity-v1"). Messages are age stanzas both ways (format.c reads and
 * writes them); phase 1 is ours and one-way, phase 2 is the plugin's:
 * every command it sends gets one answer, unknown ones "unsupported". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "age/plugin.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/secret.h"

#define MAX_COMMANDS 4096 /* phase-2 commands one session may send */
#define MAX_LABELS   64
#define MAX_TEXT     4096 /* a message shown to the user */
#define MAX_RESULTS  256  /* stanzas one plugin may return */

static veil_age_ui current_ui;
static int have_ui;

void veil_age_set_ui(const veil_age_ui *ui)
{
	have_ui = ui != NULL && ui->version == VEIL_AGE_UI_VERSION;
	if (have_ui)
		current_ui = *ui;
	else
		memset(&current_ui, 0, sizeof(current_ui));
}

const veil_age_ui *veil_plugin__ui(void)
{
	return &current_ui;
}

/* Sends one stanza: args (NULL-terminated) and an optional body. */
static int send_cmd(veil_plugin_conn *c, const char *const *args, const uint8_t *body,
                    size_t body_len)
{
	veil_buf b = VEIL_BUF_INIT(0);
	veil_stanza s;
	size_t n = 0;
	int error;

	while (args[n])
		n++;
	s.args = (char **)args;
	s.nargs = n;
	s.body = (uint8_t *)body;
	s.body_len = body_len;
	error = veil_stanza__encode(&b, &s);
	if (error == 0)
		error = c->write(c->write_payload, b.data, b.len);
	veil_buf_dispose(&b); /* wipes: a body may be a secret */
	return error;
}

static int send_word(veil_plugin_conn *c, const char *w1, const char *w2)
{
	const char *args[3] = { w1, w2, NULL };

	return send_cmd(c, args, NULL, 0);
}

/* The body as a NUL-terminated string, bytes that are not printable kept
 * out (a plugin's text goes to a terminal). */
static void body_text(char *out, size_t cap, const veil_stanza *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->body_len && n + 1 < cap; i++) {
		uint8_t ch = s->body[i];

		out[n++] = (ch >= 0x20 && ch != 0x7f) || ch == '\n' || ch == '\t' ? (char)ch : '?';
	}
	out[n] = '\0';
}

/* A base64 argument as text (confirm's button labels). */
static int arg_text(char *out, size_t cap, const char *arg)
{
	size_t n = 0, i;

	if (veil_b64_decode_raw((uint8_t *)out, cap - 1, &n, arg, strlen(arg)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if ((uint8_t)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	out[n] = '\0';
	return 0;
}

/* msg, confirm, request-public, request-secret: 1 if cmd was one of them
 * (and was answered), 0 if not, or an error. */
static int interact(veil_plugin_conn *c, const veil_stanza *cmd)
{
	const veil_age_ui *ui = veil_plugin__ui();
	const char *t = cmd->args[0];
	char text[MAX_TEXT], yes[256], no[256], *value = NULL;
	int r, error;

	if (strcmp(t, "msg") && strcmp(t, "confirm") && strcmp(t, "request-public") &&
	    strcmp(t, "request-secret"))
		return 0;
	body_text(text, sizeof(text), cmd);
	if (!strcmp(t, "msg")) {
		r = ui->message ? ui->message(c->name, text, ui->payload) : -1;
		return send_word(c, r == 0 ? "ok" : "fail", NULL) < 0 ? VEIL_EIO : 1;
	}
	if (!strcmp(t, "confirm")) {
		if (cmd->nargs < 2 || cmd->nargs > 3 ||
		    arg_text(yes, sizeof(yes), cmd->args[1]) < 0 ||
		    (cmd->nargs == 3 && arg_text(no, sizeof(no), cmd->args[2]) < 0))
			return veil_error_set(VEIL_EFORMAT,
			                      "age-plugin-%s: malformed confirm command", c->name);
		r = ui->confirm ? ui->confirm(c->name, text, yes, cmd->nargs == 3 ? no : NULL,
		                              ui->payload)
		                : -1;
		error = r < 0 ? send_word(c, "fail", NULL) : send_word(c, "ok", r ? "yes" : "no");
		return error < 0 ? error : 1;
	}
	r = ui->request
	            ? ui->request(&value, c->name, text, !strcmp(t, "request-secret"), ui->payload)
	            : -1;
	if (r < 0 || value == NULL) {
		veil_secret_string_free(value);
		return send_word(c, "fail", NULL) < 0 ? VEIL_EIO : 1;
	}
	{
		const char *ok[2] = { "ok", NULL };

		error = send_cmd(c, ok, (const uint8_t *)value, strlen(value));
	}
	veil_secret_string_free(value);
	return error < 0 ? error : 1;
}

/* Reads the plugin's next command; a clean end of input is an error here:
 * the plugin must end its phase with "done". */
static int next_cmd(veil_plugin_conn *c, veil_stanza *s, size_t *count)
{
	int error;

	if (++*count > MAX_COMMANDS)
		return veil_error_set(VEIL_ELIMIT, "age-plugin-%s sent more than %d commands",
		                      c->name, MAX_COMMANDS);
	error = veil_stanza__read(s, &c->in);
	if (error == VEIL_ENOTFOUND)
		return veil_error_set(
		        VEIL_EIO, "age-plugin-%s ended without finishing the exchange", c->name);
	if (error == VEIL_EFORMAT) {
		char why[300];

		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(VEIL_EFORMAT, "age-plugin-%s sent a malformed message (%s)",
		                      c->name, why);
	}
	return error;
}

/* "error KIND ...; MESSAGE": appended to why (they are the plugin's words). */
static void note_error(char *why, size_t cap, const veil_plugin_conn *c, const veil_stanza *s)
{
	char text[512];
	size_t used = strlen(why);

	body_text(text, sizeof(text), s);
	snprintf(why + used, cap - used, "%sage-plugin-%s: %s%s%s", used ? "; " : "", c->name,
	         s->nargs > 1 ? s->args[1] : "error", text[0] ? ": " : "", text);
}

static int is_index_zero(const veil_stanza *s)
{
	return s->nargs >= 2 && !strcmp(s->args[1], "0");
}

int veil_plugin__unwrap_session(veil_plugin_conn *c, const veil_identity *const *ids, size_t nids,
                                const veil_stanza *stanzas, size_t nstanzas,
                                uint8_t file_key[VEIL_FILE_KEY_LEN], char *why, size_t why_cap)
{
	const char **args = NULL;
	veil_stanza s = { NULL, 0, NULL, 0 };
	size_t i, j, count = 0;
	int found = 0, bad_stanza = 0, error = 0, r;

	why[0] = '\0';
	for (i = 0; i < nids && error == 0; i++)
		error = send_word(c, "add-identity", ids[i]->plugin.text);
	for (i = 0; i < nstanzas && error == 0; i++) {
		/* "recipient-stanza 0 TYPE ARGS..." with the stanza's body */
		args = calloc(stanzas[i].nargs + 3, sizeof(*args));
		if (args == NULL)
			return veil_error_oom();
		args[0] = "recipient-stanza";
		args[1] = "0";
		for (j = 0; j < stanzas[i].nargs; j++)
			args[j + 2] = stanzas[i].args[j];
		error = send_cmd(c, args, stanzas[i].body, stanzas[i].body_len);
		free(args);
	}
	if (error == 0)
		error = send_word(c, "done", NULL);
	while (error == 0 && (error = next_cmd(c, &s, &count)) == 0) {
		const char *t = s.args[0];

		if (!strcmp(t, "done")) {
			veil_stanza__dispose(&s);
			break;
		}
		r = interact(c, &s);
		if (r == 0 && !strcmp(t, "file-key")) {
			if (!is_index_zero(&s) || s.body_len != VEIL_FILE_KEY_LEN) {
				error = veil_error_set(VEIL_EFORMAT,
				                       "age-plugin-%s sent a malformed file-key",
				                       c->name);
			} else if (!found) {
				memcpy(file_key, s.body, VEIL_FILE_KEY_LEN);
				found = 1;
			}
			r = error == 0 ? (send_word(c, "ok", NULL) < 0 ? VEIL_EIO : 1) : error;
		} else if (r == 0 && !strcmp(t, "error")) {
			note_error(why, why_cap, c, &s);
			bad_stanza |= s.nargs > 1 && !strcmp(s.args[1], "stanza");
			r = send_word(c, "ok", NULL) < 0 ? VEIL_EIO : 1;
		} else if (r == 0) {
			r = send_word(c, "unsupported", NULL) < 0 ? VEIL_EIO : 1;
		}
		if (s.body)
			sodium_memzero(s.body, s.body_len);
		veil_stanza__dispose(&s);
		if (r < 0)
			error = r;
	}
	if (error < 0) {
		sodium_memzero(file_key, VEIL_FILE_KEY_LEN);
		return error;
	}
	if (bad_stanza) /* the plugin says the header is invalid */
		return veil_error_set(VEIL_EFORMAT, "header: %s", why);
	if (!found)
		return VEIL_ENOMATCH;
	return 0;
}

/* Appends a "recipient-stanza 0 TYPE ARGS..." result as a header stanza. */
static int keep_stanza(veil_stanza **out, size_t *nout, const veil_stanza *s,
                       const veil_plugin_conn *c)
{
	veil_stanza *grown;

	if (!is_index_zero(s) || s->nargs < 3)
		return veil_error_set(VEIL_EFORMAT,
		                      "age-plugin-%s sent a malformed recipient-stanza", c->name);
	if (*nout == MAX_RESULTS)
		return veil_error_set(VEIL_ELIMIT, "age-plugin-%s sent more than %d stanzas",
		                      c->name, MAX_RESULTS);
	grown = realloc(*out, (*nout + 1) * sizeof(*grown));
	if (grown == NULL)
		return veil_error_oom();
	*out = grown;
	if (veil_keys__stanza_build(&grown[*nout], (const char *const *)s->args + 2, s->nargs - 2,
	                            s->body, s->body_len) < 0)
		return VEIL_ENOMEM;
	++*nout;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The label set as one canonical string: sorted, space-separated. */
static int keep_labels(char **labels, const veil_stanza *s, const veil_plugin_conn *c)
{
	char *sorted[MAX_LABELS];
	size_t i, n = s->nargs - 1, len = 1;

	if (*labels != NULL)
		return veil_error_set(VEIL_EFORMAT, "age-plugin-%s sent labels twice", c->name);
	if (n > MAX_LABELS)
		return veil_error_set(VEIL_ELIMIT, "age-plugin-%s sent too many labels", c->name);
	for (i = 0; i < n; i++) {
		sorted[i] = s->args[i + 1];
		len += strlen(sorted[i]) + 1;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	for (i = 1; i < n; i++)
		if (!strcmp(sorted[i], sorted[i - 1]))
			return veil_error_set(VEIL_EFORMAT, "age-plugin-%s sent a label twice",
			                      c->name);
	*labels = calloc(1, len);
	if (*labels == NULL)
		return veil_error_oom();
	for (i = 0; i < n; i++) {
		if (i)
			strcat(*labels, " ");
		strcat(*labels, sorted[i]);
	}
	return 0;
}

static void free_results(veil_stanza **out, size_t *nout)
{
	size_t i;

	for (i = 0; i < *nout; i++)
		veil_stanza__dispose(&(*out)[i]);
	free(*out);
	*out = NULL;
	*nout = 0;
}

int veil_plugin__wrap_session(veil_plugin_conn *c, const veil_recipient *const *rs, size_t n,
                              const uint8_t file_key[VEIL_FILE_KEY_LEN], veil_stanza **out,
                              size_t *nout, char **labels)
{
	const char *wrap[2] = { "wrap-file-key", NULL };
	veil_stanza s = { NULL, 0, NULL, 0 };
	char why[1024] = "";
	size_t i, count = 0;
	int error = 0, r;

	*out = NULL;
	*nout = 0;
	*labels = NULL;
	for (i = 0; i < n && error == 0; i++)
		error = send_word(c, rs[i]->plugin.is_identity ? "add-identity" : "add-recipient",
		                  rs[i]->plugin.text);
	if (error == 0)
		error = send_cmd(c, wrap, file_key, VEIL_FILE_KEY_LEN);
	if (error == 0)
		error = send_word(c, "extension-labels", NULL);
	if (error == 0)
		error = send_word(c, "done", NULL);
	while (error == 0 && (error = next_cmd(c, &s, &count)) == 0) {
		const char *t = s.args[0];

		if (!strcmp(t, "done")) {
			veil_stanza__dispose(&s);
			break;
		}
		r = interact(c, &s);
		if (r == 0 && !strcmp(t, "recipient-stanza"))
			r = keep_stanza(out, nout, &s, c);
		else if (r == 0 && !strcmp(t, "labels"))
			r = keep_labels(labels, &s, c);
		else if (r == 0 && !strcmp(t, "error"))
			note_error(why, sizeof(why), c, &s);
		else if (r == 0)
			r = send_word(c, "unsupported", NULL) < 0 ? VEIL_EIO : 1;
		if (r == 0 && send_word(c, "ok", NULL) < 0)
			r = VEIL_EIO;
		veil_stanza__dispose(&s);
		if (r < 0)
			error = r;
	}
	if (error == 0 && why[0])
		error = veil_error_set(VEIL_ERROR, "%s", why);
	if (error == 0 && *nout == 0)
		error = veil_error_set(VEIL_ERROR, "age-plugin-%s wrapped the file key for nobody",
		                       c->name);
	if (error < 0) {
		free_results(out, nout);
		free(*labels);
		*labels = NULL;
	}
	return error;
}
