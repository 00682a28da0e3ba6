#ifndef VEIL_CLI_CMD_AGE_H
#define VEIL_CLI_CMD_AGE_H
/* The checked arguments of `veil age`, passed from cmd_age.c (parsing) to
 * cmd_age_run.c (doing). */
#include <stddef.h>

typedef struct age_args {
	int encrypt, decrypt, passphrase, armor;
	const char *input;    /* NULL or "-" = stdin */
	const char *output;   /* NULL = stdout; "-" = stdout, forced */
	const char *passfile; /* --passphrase-file */
	const char **recipients, **rfiles, **ifiles, **plugins; /* plugins: -j NAME */
	size_t nrecipients, nrfiles, nifiles, nplugins;
} age_args;

/* Both return an exit code; they print their own errors. */
int veil_cli__age_encrypt(const age_args *a);
int veil_cli__age_decrypt(const age_args *a);

#endif
