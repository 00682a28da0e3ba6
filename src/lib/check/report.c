/* Findings as text, JSON, SARIF 2.1.0, or .veilignore lines. */
#include "check/detect_int.h"
#include "util/buf.h"
#include "util/jsonstr.h"
#include <stdio.h>
#include <string.h>

static int json_str(veil_buf *b, const char *s)
{
	return veil_json_string(b, s, strlen(s), VEIL_JSON_LOG);
}

/* A path as SARIF wants it: a relative URI reference. */
static int uri(veil_buf *b, const char *s)
{
	int error = veil_buf_putc(b, '"');

	for (; *s && !error; s++) {
		unsigned char ch = (unsigned char)*s;
		if (veil_check__b64url(ch) || ch == '/' || ch == '.' || ch == '~')
			error = veil_buf_putc(b, ch);
		else
			error = veil_buf_printf(b, "%%%02X", ch);
	}
	return error ? error : veil_buf_putc(b, '"');
}

static const char *level(veil_check_severity s)
{
	return s == VEIL_CHECK_WARNING ? "warning" : "error";
}

static int text(veil_check *c, veil_buf *b)
{
	int error = 0;
	size_t nerr = 0, nwarn = 0;

	for (size_t i = 0; i < c->nf && !error; i++) {
		const struct veil_check__finding *f = &c->f[i];
		if (f->severity == VEIL_CHECK_WARNING)
			nwarn++;
		else
			nerr++;
		error = veil_buf_printf(
		        b, "%s:%u:%u %s%s: %s%s%s%s\n    fix: %s\n", f->path, f->line, f->col,
		        f->rule, f->severity == VEIL_CHECK_WARNING ? " (warning)" : "", f->message,
		        f->masked[0] ? " [" : "", f->masked, f->masked[0] ? "]" : "", f->fix);
	}
	if (!error && c->nf)
		error = veil_buf_printf(
		        b,
		        "%zu error(s), %zu warning(s). To accept a finding on purpose, "
		        "add \"veil:allow\" to its line or its entry from "
		        "`veil check --print-ignore` to .veilignore.\n",
		        nerr, nwarn);
	return error;
}

static int json(veil_check *c, veil_buf *b)
{
	int error = veil_buf_printf(b, "{\"version\":1,\"findings\":[");

	for (size_t i = 0; i < c->nf && !error; i++) {
		const struct veil_check__finding *f = &c->f[i];
		error = veil_buf_printf(b, "%s{\"path\":", i ? "," : "");
		if (!error)
			error = json_str(b, f->path);
		if (!error)
			error = veil_buf_printf(b,
			                        ",\"line\":%u,\"column\":%u,\"rule\":\"%s\","
			                        "\"severity\":\"%s\",\"message\":",
			                        f->line, f->col, f->rule, level(f->severity));
		if (!error)
			error = json_str(b, f->message);
		if (!error)
			error = veil_buf_printf(b, ",\"secret\":");
		if (!error)
			error = json_str(b, f->masked);
		if (!error)
			error = veil_buf_printf(b, ",\"sha256\":\"%s\",\"fix\":", f->sha256);
		if (!error)
			error = json_str(b, f->fix);
		/* only --history knows the commit; the field is absent otherwise */
		if (!error && f->commit[0])
			error = veil_buf_printf(b, ",\"commit\":\"%s\"", f->commit);
		if (!error)
			error = veil_buf_putc(b, '}');
	}
	if (!error)
		error = veil_buf_printf(b, "],\"errors\":%zu,\"warnings\":%zu}\n",
		                        veil_check_count(c, VEIL_CHECK_ERROR),
		                        veil_check_count(c, VEIL_CHECK_WARNING));
	return error;
}

static int sarif_rules(veil_check *c, veil_buf *b, const char **ids, size_t *nids)
{
	int error = 0;

	*nids = 0;
	for (size_t i = 0; i < c->nf && !error; i++) {
		size_t k;
		for (k = 0; k < *nids && strcmp(ids[k], c->f[i].rule); k++)
			;
		if (k < *nids || *nids == 128)
			continue;
		ids[(*nids)++] = c->f[i].rule;
		error = veil_buf_printf(
		        b,
		        "%s{\"id\":\"%s\",\"shortDescription\":{\"text\":\"veil check "
		        "rule %s\"},\"defaultConfiguration\":{\"level\":\"%s\"}}",
		        k ? "," : "", c->f[i].rule, c->f[i].rule, level(c->f[i].severity));
	}
	return error;
}

static int sarif(veil_check *c, veil_buf *b)
{
	const char *ids[128];
	size_t nids = 0;
	int error = veil_buf_printf(
	        b,
	        "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":"
	        "\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"veil\",\"informationUri\":"
	        "\"https://github.com/veil/veil\",\"rules\":[");

	if (!error)
		error = sarif_rules(c, b, ids, &nids);
	if (!error)
		error = veil_buf_printf(b, "]}},\"results\":[");
	for (size_t i = 0; i < c->nf && !error; i++) {
		const struct veil_check__finding *f = &c->f[i];
		size_t k = 0;
		char msg[512];

		while (k < nids && strcmp(ids[k], f->rule))
			k++;
		snprintf(msg, sizeof(msg), "%s%s%s%s. Fix: %s", f->message,
		         f->masked[0] ? " [" : "", f->masked, f->masked[0] ? "]" : "", f->fix);
		error = veil_buf_printf(b,
		                        "%s{\"ruleId\":\"%s\",\"ruleIndex\":%zu,\"level\":\"%s\","
		                        "\"message\":{\"text\":",
		                        i ? "," : "", f->rule, k, level(f->severity));
		if (!error)
			error = json_str(b, msg);
		if (!error)
			error = veil_buf_printf(b, "},\"locations\":[{\"physicalLocation\":{"
			                           "\"artifactLocation\":{\"uri\":");
		if (!error)
			error = uri(b, f->path);
		if (!error && f->line)
			error = veil_buf_printf(b,
			                        "},\"region\":{\"startLine\":%u,\"startColumn\":%u",
			                        f->line, f->col ? f->col : 1);
		if (!error)
			error = veil_buf_printf(b,
			                        "}}}],\"partialFingerprints\":{\"secretSha256/v1\":"
			                        "\"%s\"",
			                        f->sha256);
		/* the commit: SARIF has no per-result revision (versionControlProvenance
		 * is per run), so it goes where gitleaks puts it (partialFingerprints
		 * "commitSha": the same secret in two commits is two results) and in
		 * the result's property bag */
		if (!error && f->commit[0])
			error = veil_buf_printf(b,
			                        ",\"commitSha\":\"%s\"},\"properties\":{"
			                        "\"commit\":\"%s\"",
			                        f->commit, f->commit);
		if (!error)
			error = veil_buf_printf(b, "}}");
	}
	if (!error)
		error = veil_buf_printf(b, "]}]}\n");
	return error;
}

static int ignore_lines(veil_check *c, veil_buf *b)
{
	int error = 0;

	for (size_t i = 0; i < c->nf && !error; i++) {
		const struct veil_check__finding *f = &c->f[i];
		if (strchr(f->path, ' ') || strchr(f->path, '\t') || strchr(f->path, '#'))
			error = veil_buf_printf(b,
			                        "# cannot be listed (blank or '#' in the path): ");
		if (!error)
			error = veil_buf_printf(b, "%s %s %s\n", f->path, f->rule, f->sha256);
	}
	return error;
}

int veil_check_report(veil_check *c, veil_check_format fmt, veil_write_fn wr, void *payload)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int error = veil_check__finish(c);

	if (error)
		return error;
	/* SARIF rules are listed by index: more distinct rules than this are
	 * impossible (the detectors have fewer) */
	switch (fmt) {
	case VEIL_CHECK_FORMAT_TEXT:
		error = text(c, &b);
		break;
	case VEIL_CHECK_FORMAT_JSON:
		error = json(c, &b);
		break;
	case VEIL_CHECK_FORMAT_SARIF:
		error = sarif(c, &b);
		break;
	case VEIL_CHECK_FORMAT_IGNORE:
		error = ignore_lines(c, &b);
		break;
	default:
		error = veil_error_set(VEIL_EINVAL, "check: unknown report format");
	}
	if (!error && b.len)
		error = wr(payload, b.data, b.len);
	veil_buf_dispose(&b);
	return error;
}
