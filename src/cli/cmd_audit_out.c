/* veil audit's reports: the text table, JSON, and --recipient's list. */
#include "cmd_audit.h"
#include "util/buf.h"
#include "util/jsonstr.h"
#include <stdio.h>
#include <string.h>

/* 0: r is not in the file; else a bit per key group holding it (the
 * first 64 groups: a key in a group beyond is not shown as such). */
static unsigned long long groups_of(const veil_cli_audit_file *f, const char *r)
{
	unsigned long long bits = 0;

	for (size_t g = 0; g < f->meta.ngroups && g < 64; g++)
		for (size_t i = 0; i < f->meta.groups[g].nage; i++)
			if (!strcmp(f->meta.groups[g].age[i].recipient, r))
				bits |= 1ull << g;
	return bits;
}

static size_t count_bits(unsigned long long bits)
{
	size_t n = 0;

	for (; bits; bits &= bits - 1)
		n++;
	return n;
}

/* How many key groups must come together to open the file. */
static size_t needed(const veil_cli_audit_file *f)
{
	if (f->meta.ngroups < 2)
		return 1;
	return f->meta.shamir_threshold > 0 ? (size_t)f->meta.shamir_threshold : f->meta.ngroups;
}

static const char *rule_text(const veil_cli_audit_file *f)
{
	return !f->rule ? "-" : *f->rule ? f->rule : "(catch-all)";
}

/* A table cell: x (the one group holds it), the group numbers, or '.'. */
static void cell(char *buf, size_t cap, const veil_cli_audit_file *f, const char *r)
{
	unsigned long long bits = groups_of(f, r);
	size_t n = 0;

	snprintf(buf, cap, ".");
	if (!bits)
		return;
	if (f->meta.ngroups < 2) {
		snprintf(buf, cap, "x");
		return;
	}
	for (size_t g = 0; g < 64 && n + 4 < cap; g++)
		if (bits & (1ull << g))
			n += (size_t)snprintf(buf + n, cap - n, "%s%zu", n ? "," : "", g + 1);
}

static void keys_text(char *buf, size_t cap, const veil_cli_audit_file *f)
{
	if (f->meta.ngroups < 2)
		snprintf(buf, cap, "any");
	else
		snprintf(buf, cap, "%zu of %zu", needed(f), f->meta.ngroups);
}

int veil_cli__audit_text(const veil_cli_audit *a)
{
	int wpath = 4, wrule = 4, wmod = 12, wcol[512];
	char buf[64];

	if (!a->nf) {
		veil_cli__hint("no sops-encrypted files found");
		return 0;
	}
	printf("recipients:\n");
	for (size_t i = 0; i < a->nrcp; i++)
		printf("  [%zu] %s\n", i + 1, a->rcp[i]);
	for (size_t i = 0; i < a->nf; i++) {
		const veil_cli_audit_file *f = &a->f[i];
		if ((int)strlen(f->path) > wpath)
			wpath = (int)strlen(f->path);
		if ((int)strlen(rule_text(f)) > wrule)
			wrule = (int)strlen(rule_text(f));
		if ((int)strlen(f->meta.lastmodified) > wmod)
			wmod = (int)strlen(f->meta.lastmodified);
	}
	for (size_t k = 0; k < a->nrcp && k < 512; k++) {
		wcol[k] = snprintf(buf, sizeof(buf), "[%zu]", k + 1);
		for (size_t i = 0; i < a->nf; i++) {
			cell(buf, sizeof(buf), &a->f[i], a->rcp[k]);
			if ((int)strlen(buf) > wcol[k])
				wcol[k] = (int)strlen(buf);
		}
	}
	printf("\n%-*s  %-*s  %-17s  %-*s  %-8s", wpath, "FILE", wrule, "RULE", "CIPHER", wmod,
	       "LASTMODIFIED", "KEYS");
	for (size_t k = 0; k < a->nrcp && k < 512; k++) {
		snprintf(buf, sizeof(buf), "[%zu]", k + 1);
		printf("  %-*s", k + 1 < a->nrcp ? wcol[k] : 0, buf);
	}
	putchar('\n');
	for (size_t i = 0; i < a->nf; i++) {
		const veil_cli_audit_file *f = &a->f[i];
		keys_text(buf, sizeof(buf), f);
		printf("%-*s  %-*s  %-17s  %-*s  %-8s", wpath, f->path, wrule, rule_text(f),
		       f->cipher, wmod, f->meta.lastmodified, buf);
		for (size_t k = 0; k < a->nrcp && k < 512; k++) {
			cell(buf, sizeof(buf), f, a->rcp[k]);
			printf("  %-*s", k + 1 < a->nrcp ? wcol[k] : 0, buf);
		}
		putchar('\n');
	}
	/* keys veil does not use are still keys that open the file */
	for (size_t i = 0; i < a->nf; i++)
		for (size_t g = 0; g < a->f[i].meta.ngroups; g++)
			if (a->f[i].meta.groups[g].foreign)
				printf("%s: key group %zu also has %s\n", a->f[i].path, g + 1,
				       a->f[i].meta.groups[g].foreign);
	return 0;
}

static int jstr(veil_buf *b, const char *s)
{
	if (!s)
		return veil_buf_append(b, "null", 4);
	return veil_json_string(b, s, strlen(s), VEIL_JSON_LOG);
}

static int json_file(veil_buf *b, const veil_cli_audit_file *f)
{
	const veil_sops_meta *m = &f->meta;
	int error = 0;

	error |= veil_buf_append(b, "{\"path\":", 8);
	error |= jstr(b, f->path);
	error |= veil_buf_append(b, ",\"cipher\":", 10);
	error |= jstr(b, f->cipher);
	error |= veil_buf_append(b, ",\"lastmodified\":", 16);
	error |= jstr(b, m->lastmodified);
	error |= veil_buf_append(b, ",\"version\":", 11);
	error |= jstr(b, m->version);
	error |= veil_buf_append(b, ",\"config\":", 10);
	error |= jstr(b, f->config);
	if (f->rule) {
		error |= veil_buf_printf(b,
		                         ",\"rule\":{\"index\":%zu,\"path_regex\":", f->rule_index);
		error |= jstr(b, *f->rule ? f->rule : NULL);
		error |= veil_buf_putc(b, '}');
	} else {
		error |= veil_buf_append(b, ",\"rule\":null", 12);
	}
	error |= veil_buf_printf(b, ",\"needed\":%zu,\"key_groups\":[", needed(f));
	for (size_t g = 0; g < m->ngroups; g++) {
		error |= veil_buf_append(b, g ? ",{\"age\":[" : "{\"age\":[", g ? 9 : 8);
		for (size_t i = 0; i < m->groups[g].nage; i++) {
			if (i)
				error |= veil_buf_putc(b, ',');
			error |= jstr(b, m->groups[g].age[i].recipient);
		}
		error |= veil_buf_append(b, "],\"other\":", 10);
		error |= jstr(b, m->groups[g].foreign);
		error |= veil_buf_putc(b, '}');
	}
	error |= veil_buf_append(b, "]}", 2);
	return error ? veil_error_oom() : 0;
}

static int flush(veil_buf *b)
{
	int error = veil_buf_putc(b, '\n');

	if (!error && fwrite(b->data, 1, b->len, stdout) != b->len)
		error = veil_error_set(VEIL_EIO, "write failed");
	veil_buf_dispose(b);
	return error;
}

int veil_cli__audit_json(const veil_cli_audit *a)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int error = veil_buf_append(&b, "{\"files\":[", 10);

	for (size_t i = 0; i < a->nf && !error; i++) {
		if (i)
			error = veil_buf_putc(&b, ',');
		if (!error)
			error = json_file(&b, &a->f[i]);
	}
	if (!error)
		error = veil_buf_append(&b, "],\"recipients\":[", 16);
	for (size_t k = 0; k < a->nrcp && !error; k++) {
		size_t n = 0;
		for (size_t i = 0; i < a->nf; i++)
			n += groups_of(&a->f[i], a->rcp[k]) != 0;
		error |= veil_buf_append(&b,
		                         k ? ",{\"recipient\":" : "{\"recipient\":", k ? 14 : 13);
		error |= jstr(&b, a->rcp[k]);
		error |= veil_buf_printf(&b, ",\"files\":%zu}", n);
	}
	if (!error)
		error = veil_buf_append(&b, "]}", 2);
	if (error) {
		veil_buf_dispose(&b);
		return veil_error_oom();
	}
	return flush(&b);
}

int veil_cli__audit_recipient(const veil_cli_audit *a)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int error = 0;

	if (a->json) {
		error |= veil_buf_append(&b, "{\"recipient\":", 13);
		error |= jstr(&b, a->recipient);
		error |= veil_buf_append(&b, ",\"files\":[", 10);
	}
	for (size_t i = 0, n = 0; i < a->nf; i++) {
		const veil_cli_audit_file *f = &a->f[i];
		unsigned long long bits = groups_of(f, a->recipient);
		int alone = count_bits(bits) >= needed(f);

		if (!bits)
			continue;
		if (!a->json) {
			if (alone)
				printf("%s\n", f->path);
			else
				printf("%s  (a share: %zu of %zu key groups needed)\n", f->path,
				       needed(f), f->meta.ngroups);
			continue;
		}
		if (n++)
			error |= veil_buf_putc(&b, ',');
		error |= veil_buf_append(&b, "{\"path\":", 8);
		error |= jstr(&b, f->path);
		error |= veil_buf_printf(&b, ",\"alone\":%s,\"needed\":%zu,\"groups\":[",
		                         alone ? "true" : "false", needed(f));
		for (size_t g = 0, k = 0; g < 64; g++)
			if (bits & (1ull << g))
				error |= veil_buf_printf(&b, "%s%zu", k++ ? "," : "", g + 1);
		error |= veil_buf_append(&b, "]}", 2);
	}
	if (!a->json)
		return 0;
	error |= veil_buf_append(&b, "]}", 2);
	if (error) {
		veil_buf_dispose(&b);
		return veil_error_oom();
	}
	return flush(&b);
}
