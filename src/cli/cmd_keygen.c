/* veil keygen: make an X25519 identity in age-keygen's format, or (-y) print
 * the recipients of the identities in a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "util/fsutil.h"
#include "util/secret.h"

enum { OPT_OUTPUT = 1, OPT_CONVERT, OPT_PQ, OPT_HELP };

const veil_opt veil_cli__opts_keygen[] = {
	{ "output", 'o', 1, OPT_OUTPUT },
	{ NULL, 'y', 0, OPT_CONVERT },
	{ "pq", 0, 0, OPT_PQ },
	{ "help", 'h', 0, OPT_HELP },
	{ NULL, 0, 0, 0 },
};

static void keygen_usage(FILE *f)
{
	fputs("usage: veil keygen [-o OUTPUT]\n"
	      "       veil keygen -y [-o OUTPUT] [INPUT]\n"
	      "\n"
	      "Generates a new X25519 identity in the age-keygen format. With -o the file is\n"
	      "created with mode 0600 and an existing file is never overwritten; the public\n"
	      "key is printed on stderr as \"Public key: age1...\".\n"
	      "\n"
	      "  -o, --output FILE   write the identity to FILE (default: stdout)\n"
	      "  -y                  read identities from INPUT (default: stdin) and print\n"
	      "                      their recipients, one per line (X25519, ssh-ed25519 and\n"
	      "                      ssh-rsa)\n"
	      "  -pq                 refused: post-quantum keys need ML-KEM-768, which no\n"
	      "                      library veil builds on offers (libsodium 1.0.18,\n"
	      "                      OpenSSL 3.0); veil never implements a KEM itself\n",
	      f);
}

/* "# created: ...\n# public key: ...\nAGE-SECRET-KEY-1...\n", in secret memory. */
static int keygen_text(char **out, size_t *out_len, const char *secret, const char *public)
{
	char created[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t cap = strlen(secret) + strlen(public) + 128;
	char *text;
	int n;

	if (!gmtime_r(&now, &tm) || !strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return veil_error_set(VEIL_ERROR, "cannot format the current time");
	text = veil_secure_alloc(cap);
	if (!text)
		return VEIL_ENOMEM;
	n = snprintf(text, cap, "# created: %s\n# public key: %s\n%s\n", created, public, secret);
	if (n < 0 || (size_t)n >= cap) {
		veil_secure_free(text);
		return veil_error_set(VEIL_ERROR, "identity text does not fit");
	}
	*out = text;
	*out_len = (size_t)n;
	return 0;
}

static int generate(const char *output)
{
	veil_identity *id = NULL;
	veil_recipient *r = NULL;
	veil_outfile *f = NULL;
	char *secret = NULL, *public = NULL, *text = NULL;
	size_t text_len = 0;
	int error, rc = VEIL_EXIT_FAIL;

	error = veil_identity_generate(&id);
	if (error >= 0)
		error = veil_identity_encode(&secret, id);
	if (error >= 0)
		error = veil_identity_to_recipient(&r, id);
	if (error >= 0)
		error = veil_recipient_encode(&public, r);
	if (error >= 0)
		error = keygen_text(&text, &text_len, secret, public);
	if (error < 0) {
		veil_cli__lib_error("generating an identity", error);
		goto done;
	}
	error = veil_outfile_open(&f, output, output ? VEIL_OUT_EXCL : 0);
	if (error >= 0)
		error = veil_outfile_write(f, (const uint8_t *)text, text_len);
	if (error < 0) {
		veil_outfile_abort(f);
		veil_cli__lib_error(output ? output : "writing the identity", error);
		goto done;
	}
	error = veil_outfile_commit(f);
	if (error < 0) {
		veil_cli__lib_error(output ? output : "writing the identity", error);
		goto done;
	}
	/* As age-keygen: the public key goes to stderr unless the identity
	 * itself is being shown on a terminal (where it is already visible). */
	if (output || !isatty(STDOUT_FILENO))
		fprintf(stderr, "Public key: %s\n", public);
	rc = VEIL_EXIT_OK;
done:
	veil_secure_free(text);
	veil_secret_string_free(secret);
	free(public);
	veil_recipient_free(r);
	veil_identity_free(id);
	return rc;
}

/* -y: one recipient line per identity. */
static int convert(const char *input, const char *output)
{
	const char *name = input ? input : "-";
	veil_identities *ids = NULL;
	veil_outfile *f = NULL;
	size_t i, n;
	int error;

	error = veil_identities_new(&ids);
	if (error >= 0)
		error = veil_cli__identities_load(ids, name, NULL);
	if (error < 0) {
		veil_cli__lib_error(strcmp(name, "-") ? name : "standard input", error);
		goto done;
	}
	error = veil_outfile_open(&f, output, 0);
	n = veil_identities_count(ids);
	for (i = 0; i < n && error >= 0; i++) {
		veil_recipient *r = NULL;
		char *line = NULL;

		error = veil_identity_to_recipient(&r, veil_identities_get(ids, i));
		if (error >= 0)
			error = veil_recipient_encode(&line, r);
		if (error >= 0)
			error = veil_outfile_write(f, (const uint8_t *)line, strlen(line));
		if (error >= 0)
			error = veil_outfile_write(f, (const uint8_t *)"\n", 1);
		free(line);
		veil_recipient_free(r);
	}
	if (error >= 0) {
		error = veil_outfile_commit(f);
		f = NULL;
	}
	if (error < 0)
		veil_cli__lib_error(output ? output : "writing the recipients", error);
done:
	veil_outfile_abort(f);
	veil_identities_free(ids);
	return error < 0 ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
}

/* age-keygen -pq (age 1.3) makes a post-quantum key. */
static int refuse_pq(void)
{
	veil_cli__error("post-quantum keys (age-keygen -pq) are not supported: they need "
	                "ML-KEM-768, which neither libsodium 1.0.18 nor OpenSSL 3.0 provides, "
	                "and veil never implements a KEM itself");
	veil_cli__hint("generate an X25519 key with 'veil keygen', or use age 1.3's "
	               "age-keygen -pq");
	return VEIL_EXIT_FAIL;
}

int veil_cli__cmd_keygen(int argc, char **argv)
{
	char *operands[argc > 0 ? argc : 1];
	const char *output = NULL, *arg;
	veil_optstate st;
	int id, to_public = 0;

	for (id = 1; id < argc; id++)
		if (!strcmp(argv[id], "-pq")) /* age's spelling, one dash */
			return refuse_pq();
	veil_cli__opt_init(&st, argc, argv, operands, "keygen");
	for (;;) {
		id = veil_cli__opt_next(&st, veil_cli__opts_keygen, &arg);
		if (id <= 0)
			break;
		switch (id) {
		case OPT_OUTPUT:
			if (output)
				return veil_cli__usage("keygen", "-o given more than once");
			output = arg;
			break;
		case OPT_CONVERT:
			to_public = 1;
			break;
		case OPT_PQ:
			return refuse_pq();
		case OPT_HELP:
			keygen_usage(stdout);
			return VEIL_EXIT_OK;
		}
	}
	if (id == VEIL_OPT_ERROR)
		return VEIL_EXIT_USAGE;
	if (output && !strcmp(output, "-"))
		output = NULL;
	if (!to_public && st.noperands > 0)
		return veil_cli__usage("keygen", "unexpected argument '%s' (did you mean -y?)",
		                       st.operands[0]);
	if (st.noperands > 1)
		return veil_cli__usage("keygen",
		                       "only one input file is allowed, got '%s' and '%s'",
		                       st.operands[0], st.operands[1]);
	if (to_public)
		return convert(st.noperands ? st.operands[0] : NULL, output);
	return generate(output);
}
