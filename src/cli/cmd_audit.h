#ifndef VEIL_CLI_CMD_AUDIT_H
#define VEIL_CLI_CMD_AUDIT_H
/* veil audit: the metadata gathered (cmd_audit.c) and its reports
 * (cmd_audit_out.c). */
#include "cli.h"
#include "filewalk.h"
#include "rulecache.h"

int veil_cli__cmd_audit(int argc, char **argv);

typedef struct veil_cli_audit_file {
	const char *path;
	veil_sops_meta meta;
	const char *cipher;
	const char *config; /* the .sops.yaml whose rule matched, or NULL */
	const char *rule;   /* its path_regex ("" for a catch-all), or NULL */
	size_t rule_index;  /* 1-based */
} veil_cli_audit_file;

typedef struct veil_cli_audit {
	int json, help;
	const char *recipient, *config;
	veil_cli_files files;
	veil_cli_audit_file *f;
	size_t nf, capf;
	const char **rcp; /* every recipient, in order of first appearance */
	size_t nrcp, caprcp;
	veil_cli_rulecache rules;
	int failed;
} veil_cli_audit;

/* The reports, on stdout: 0 or a negative veil_error_code. */
int veil_cli__audit_text(const veil_cli_audit *a);
int veil_cli__audit_json(const veil_cli_audit *a);
/* --recipient: the files a->recipient opens, alone or with other shares. */
int veil_cli__audit_recipient(const veil_cli_audit *a);

#endif
