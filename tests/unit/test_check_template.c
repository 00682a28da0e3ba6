/* veil_check__holds_literal (src/lib/check/template.c): a templated value
 * of a Secret is harmless only when it cannot hold a literal. */
#include "harness.h"
#include "check/check_int.h"
#include <string.h>

static int holds(const char *v)
{
	return veil_check__holds_literal(v, strlen(v));
}

TEST(test_check_template__references_are_harmless)
{
	CHECK_INT(holds(""), 0);
	CHECK_INT(holds("{{ .Values.db.password }}"), 0);
	CHECK_INT(holds("{{ .Values.x | b64enc | quote }}"), 0);
	CHECK_INT(holds("{{- .Values.x -}}"), 0);
	CHECK_INT(holds("{{ required \"token is required\" .Values.token | b64enc }}"), 0);
	CHECK_INT(holds("{{ include \"app.fullname\" . }}"), 0);
	CHECK_INT(holds("{{ index . \"password\" }}"), 0);
	CHECK_INT(holds("{{ .Values.x | default (randAlphaNum 24) }}"), 0);
	CHECK_INT(holds("{{ .Values.x | default \"changeme\" }}"), 0); /* a placeholder */
	CHECK_INT(holds("{{ if eq .Values.env \"production\" }}{{ .Values.a }}{{ end }}"), 0);
	CHECK_INT(holds("postgres://{{ .Values.user }}:{{ .Values.pw }}@db.example.com:5432/app"),
	          0);
	CHECK_INT(holds("token: {{ index . \"api_token\" }}\nmode: strict\n"), 0);
	CHECK_INT(holds("${DB_PASSWORD}"), 0);
	CHECK_INT(holds("${DB_PASSWORD:?must be set}"), 0);
	CHECK_INT(holds("${DB_PASSWORD:-}"), 0);
	CHECK_INT(holds("$(DB_PASSWORD)"), 0);
	CHECK_INT(holds("${A}${B}"), 0);
}

TEST(test_check_template__literals_are_plaintext)
{
	/* issue 11: the exact reproducers */
	CHECK_INT(holds("{{ \"literal-secret\" }}"), 1);
	CHECK_INT(holds("${DB:=literal-secret}"), 1);
	/* and their class */
	CHECK_INT(holds("${DB:-literal-secret}"), 1);
	CHECK_INT(holds("${DB=literal-secret}"), 1);
	CHECK_INT(holds("${DB:-${OTHER:-literal-secret}}"), 1);
	CHECK_INT(holds("{{ \"literal-secret\" | b64enc }}"), 1);
	CHECK_INT(holds("{{ `literal-secret` }}"), 1);
	CHECK_INT(holds("{{ .Values.x | default \"hunter2-Zq8\" }}"), 1);
	CHECK_INT(holds("{{ printf \"%s\" \"literal-secret\" }}"), 1);
	CHECK_INT(holds("{{ $p := \"literal-secret\" }}{{ $p }}"), 1);
	CHECK_INT(holds("literal-secret{{/* nothing */}}"), 1);
	CHECK_INT(holds("literal-secret{{- \"\" -}}"), 1);
	/* text around references: structure, unless it looks like a password */
	CHECK_INT(holds("{{ .Values.user }}:Sup3r-S3cret!x@db"), 1);
	/* no template at all: any value is a literal */
	CHECK_INT(holds("x"), 1);
	/* a look-alike of an encrypted value is plaintext */
	CHECK_INT(holds("ENC[hunter2]"), 1);
}
