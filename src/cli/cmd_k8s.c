/* veil k8s: the in-cluster decrypter's commands, and what they share. */
#include "cmd_k8s.h"
#include "util/buf.h"
#include "util/jsonstr.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int veil_cli__k8s_keys_load(k8s_keys *k, const veil_k8s_keys *opts)
{
	int error;

	memset(k, 0, sizeof(*k));
	if ((error = veil_cli__k8s_keys_identities(opts, &k->ids)) < 0)
		return error == VEIL_ENOTFOUND ? VEIL_EXIT_FAIL : VEIL_EXIT_NO_KEY;
	k->recipients = calloc(veil_identities_count(k->ids) + 1, sizeof(char *));
	if (!k->recipients)
		return veil_cli__lib_error("identities", VEIL_ENOMEM);
	for (size_t i = 0; i < veil_identities_count(k->ids); i++) {
		veil_recipient *r = NULL;
		char *s = NULL;
		/* passphrase identities have no recipient to name */
		if (veil_identity_to_recipient(&r, veil_identities_get(k->ids, i)) == 0 &&
		    veil_recipient_encode(&s, r) == 0)
			k->recipients[k->nrecipients++] = s;
		veil_recipient_free(r);
	}
	veil_error_clear();
	return 0;
}

void veil_cli__k8s_keys_dispose(k8s_keys *k)
{
	for (size_t i = 0; i < k->nrecipients; i++)
		free(k->recipients[i]);
	free(k->recipients);
	veil_identities_free(k->ids);
	memset(k, 0, sizeof(*k));
}

/* A JSON string: the fields logged are names from the manifest, which an
 * attacker may choose, so every control character is escaped. */
static void json_str(FILE *f, const char *s)
{
	veil_buf b = VEIL_BUF_INIT(0);

	if (!s)
		fputs("null", f);
	else if (veil_json_string(&b, s, strlen(s), VEIL_JSON_LOG) == 0)
		fwrite(b.data, 1, b.len, f);
	else
		fputs("\"\"", f);
	veil_buf_dispose(&b);
}

static void log_json(void *payload, const veil_k8s_event *ev)
{
	FILE *f = stderr;

	(void)payload;
	/* numbered from 1, as in the error messages */
	fprintf(f, "{\"level\":\"info\",\"msg\":\"decrypted\",\"document\":%zu", ev->doc + 1);
	if (ev->item >= 0)
		fprintf(f, ",\"item\":%ld", ev->item + 1);
	fputs(",\"kind\":", f);
	json_str(f, ev->kind);
	fputs(",\"namespace\":", f);
	json_str(f, ev->ns);
	fputs(",\"name\":", f);
	json_str(f, ev->name);
	fputs(",\"recipient\":", f);
	json_str(f, ev->recipient);
	fputs("}\n", f);
	fflush(f);
}

void veil_cli__k8s_opts(veil_k8s_opts *o, const k8s_keys *k, int log)
{
	memset(o, 0, sizeof(*o));
	o->ids = k->ids;
	o->own_recipients = (const char *const *)k->recipients;
	o->nown = k->nrecipients;
	o->log = log ? log_json : NULL;
}

void veil_cli__k8s_tune_malloc(void)
{
	/* A stream is thousands of small parse/decrypt/free cycles: glibc
	 * would otherwise map and unmap each document's arena and trim the heap
	 * after it, and the page faults and syscalls cost more than the
	 * crypto. Freed memory is kept for the next document instead (the
	 * buffers that held plaintext are wiped before they are freed). */
	mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_TOP_PAD, 1024 * 1024);
}

int veil_cli__k8s_exit(int code)
{
	/* an empty stream is a plain failure, not "no such file" */
	return code == VEIL_ENOTFOUND ? VEIL_EXIT_FAIL : veil_cli__sops_exit(code);
}

static void k8s_usage(FILE *f)
{
	fputs("usage: veil k8s decrypt [options] [FILE|-]   manifest stream in, decrypted out\n"
	      "       veil k8s krm [CONFIG]                 kustomize KRM function (ResourceList\n"
	      "                                             on stdin), or legacy exec plugin\n"
	      "       veil k8s cmp COMMAND                  the Argo CD plugin's discover and\n"
	      "                                             generate (no shell needed)\n"
	      "\n"
	      "Run 'veil k8s COMMAND --help' for a command's options.\n",
	      f);
}

int veil_cli__cmd_k8s(int argc, char **argv)
{
	if (argc < 2) {
		veil_cli__error("k8s: missing subcommand");
		k8s_usage(stderr);
		return VEIL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		k8s_usage(stdout);
		return VEIL_EXIT_OK;
	}
	if (!strcmp(argv[1], "decrypt"))
		return veil_cli__cmd_k8s_decrypt(argc - 1, argv + 1);
	if (!strcmp(argv[1], "krm"))
		return veil_cli__cmd_k8s_krm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cmp"))
		return veil_cli__cmd_k8s_cmp(argc - 1, argv + 1);
	veil_cli__error("k8s: unknown subcommand '%s'", argv[1]);
	veil_cli__hint("try 'veil k8s --help'");
	return VEIL_EXIT_USAGE;
}

int veil_cli__k8s_parse(k8s_common *c, const char *cmd, const veil_opt *opts,
                        void (*usage)(FILE *f), int argc, char **argv, char **operands,
                        int *noperands)
{
	veil_optstate st;
	const char *arg;
	int id, r;

	veil_cli__k8s_keys_init(&c->keys, cmd);
	veil_cli__opt_init(&st, argc, argv, operands, cmd);
	for (;;) {
		id = veil_cli__opt_next(&st, opts, &arg);
		if (id <= 0)
			break;
		if (id == K8S_OPT_HELP) {
			usage(stdout);
			return -1;
		} else if ((r = veil_cli__k8s_keys_opt(&c->keys, id, arg)) != 0) {
			if (r < 0)
				return VEIL_EXIT_USAGE;
		} else if (id == K8S_OPT_IGNORE_MAC) {
			c->ignore_mac = 1;
		} else if (id == K8S_OPT_FLAG) {
			c->flag = 1;
		} else if (id == K8S_OPT_LOG) {
			if (strcmp(arg, "json") && strcmp(arg, "none"))
				return veil_cli__usage(cmd, "--log takes json or none");
			c->log_json = !strcmp(arg, "json");
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	*noperands = st.noperands;
	return 0;
}
