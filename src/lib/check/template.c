/*
 * Does a value hold a plaintext literal, once a template engine has run
 * over it? A value of a Secret is harmless when it is empty, encrypted, or
 * made only of references that fetch the value from elsewhere:
 *   {{ .Values.db.password | b64enc }}    Go templates (Helm, Argo CD, ...)
 *   ${DB_PASSWORD}                        envsubst, Flux postBuild, compose
 *   $(DB_PASSWORD)                        Kubernetes env expansion, kustomize
 * but a template can also hold the secret itself, and then it is as
 * plaintext as any other:
 *   {{ "literal-secret" }}   {{ .Values.x | default "s3cr3t-pw" }}
 *   {{ printf "%s" "hunter22" }}   {{ $p := "hunter22" }}{{ $p }}
 *   ${DB:=literal-secret}    ${DB:-literal-secret}
 *   literal-secret followed by a template comment (no reference at all)
 * So: a string literal where a template prints it (first in a command,
 * an argument of a function that passes it on, assigned to a variable) or
 * a ${NAME:-default} default counts as a literal when it is at least 6
 * bytes and no placeholder; literals a template only uses as names (include
 * "x", index . "key", required "message", eq .x "prod", printf's format)
 * do not. The text around the references (postgres://{{ .u }}:{{ .p }}@db)
 * is structure, unless it has a token that looks like a password, or no
 * reference is there at all (then it is the value, all of it).
 */
#include "check/detect_int.h"
#include <string.h>

#define MIN_LITERAL 6
#define MAX_NEST    8

static int has(const char *v, size_t n, const char *w)
{
	return veil_check__memmem(v, n, w, strlen(w)) != NULL;
}

int veil_check__templated(const char *v, size_t n)
{
	return has(v, n, "{{") || has(v, n, "${") || has(v, n, "$(");
}

static int ident_start(int ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z' ? 1 : ch == '_';
}

static int ident_char(int ch)
{
	return ident_start(ch) || (ch >= '0' && ch <= '9');
}

/* A literal a template prints: a secret unless short or a placeholder. */
static int secret_literal(const char *s, size_t n)
{
	while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	return n >= MIN_LITERAL && !veil_check__placeholder(s, n);
}

/* Text between references: a token in it that looks like a password. */
static int secret_token(const char *s, size_t n)
{
	static const char seps[] = " \t\r\n:/@?&=,;\"'()[]{}<>|`";
	size_t i = 0;

	while (i < n) {
		size_t e = i;
		while (e < n && !memchr(seps, s[e], sizeof(seps) - 1))
			e++;
		if (e > i && !veil_check__placeholder(s + i, e - i) &&
		    ((e - i >= 8 && veil_check__classes(s + i, e - i) >= 3) ||
		     (e - i >= 16 && veil_check__classes(s + i, e - i) >= 2 &&
		      veil_check__entropy(s + i, e - i) >= 3.5)))
			return 1;
		i = e + 1;
	}
	return 0;
}

/* Functions whose literal arguments come out in what they print. */
static int passes_on(const char *f, size_t n)
{
	static const char *const fns[] = { "default",  "print",   "println", "printf",  "cat",
		                           "quote",    "squote",  "b64enc",  "b32enc",  "upper",
		                           "lower",    "title",   "trim",    "nospace", "toString",
		                           "coalesce", "ternary", "list",    "dict",    "tpl",
		                           "toYaml",   "toJson",  "indent",  "nindent", "trunc",
		                           "repeat",   "htpasswd" };

	for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++)
		if (strlen(fns[i]) == n && !memcmp(fns[i], f, n))
			return 1;
	return 0;
}

/* Functions that fetch or make the value: a reference like .Values. */
static int fetches(const char *f, size_t n)
{
	static const char *const fns[] = {
		"lookup",    "include",           "template",     "tpl",
		"env",       "expandenv",         "required",     "now",
		"uuidv4",    "genPrivateKey",     "genCA",        "derivePassword",
		"randBytes", "genSelfSignedCert", "genSignedCert"
	};

	if (n > 4 && !memcmp(f, "rand", 4))
		return 1;
	for (size_t i = 0; i < sizeof(fns) / sizeof(*fns); i++)
		if (strlen(fns[i]) == n && !memcmp(fns[i], f, n))
			return 1;
	return 0;
}

/* Control words: what follows is a condition or a name, not output. */
static int control(const char *f, size_t n)
{
	static const char *const words[] = { "if",    "else", "with",     "range", "define",
		                             "block", "end",  "template", "break", "continue" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], f, n))
			return 1;
	return 0;
}

struct action {
	int literal;   /* prints a literal that looks like a secret */
	int reference; /* reads a value from elsewhere */
};

/* One command of a Go template action, from its first token. */
struct cmd {
	const char *fn; /* its function, NULL before the first token */
	size_t fnlen;
	int args;     /* literal arguments seen */
	int silent;   /* a control word: no output */
	int first;    /* the next token is the command's first */
	int assigned; /* after := or = */
};

static void literal_token(struct action *a, struct cmd *c, const char *s, size_t n)
{
	int out;

	if (c->assigned || c->first)
		out = !c->silent;
	else
		out = !c->silent && c->fn && passes_on(c->fn, c->fnlen) &&
		      !(c->fnlen == 6 && !memcmp(c->fn, "printf", 6) && c->args == 0);
	c->args++;
	c->first = 0;
	c->assigned = 0;
	if (out && secret_literal(s, n))
		a->literal = 1;
}

/* The body of {{ ... }} (trim markers and all). */
static void action(struct action *a, const char *b, size_t n)
{
	struct cmd c = { NULL, 0, 0, 0, 1, 0 };
	size_t i = 0;

	while (i < n && (b[i] == '-' || b[i] == ' ' || b[i] == '\t' || b[i] == '\n'))
		i++;
	if (n - i >= 2 && b[i] == '/' && b[i + 1] == '*')
		return; /* a comment */
	while (i < n) {
		char ch = b[i];
		if (ch == '"' || ch == '`') {
			size_t s = ++i;
			while (i < n && b[i] != ch) {
				if (ch == '"' && b[i] == '\\')
					i++;
				i++;
			}
			literal_token(a, &c, b + s, (i < n ? i : n) - s);
			i++;
		} else if (ch == '|' || ch == '(') {
			c = (struct cmd){ NULL, 0, 0, 0, 1, 0 };
			i++;
		} else if (ch == ':' && i + 1 < n && b[i + 1] == '=') {
			c.assigned = 1;
			i += 2;
		} else if (ch == '=' && !c.fn) {
			c.assigned = 1;
			i++;
		} else if (ch == '$' || ch == '.') {
			/* $var, $, .Field, or . itself: the data the engine has */
			a->reference = 1;
			for (i++; i < n && (ident_char(b[i]) || b[i] == '.'); i++)
				;
			c.first = 0;
		} else if (ch >= '0' && ch <= '9') {
			while (i < n &&
			       ((b[i] >= '0' && b[i] <= '9') || b[i] == '.' || b[i] == 'e'))
				i++;
			c.first = 0;
		} else if (ident_start(ch)) {
			size_t s = i;
			while (i < n && ident_char(b[i]))
				i++;
			if (control(b + s, i - s)) {
				c.silent = 1;
				c.first = 0;
			} else if (!c.fn) {
				c.fn = b + s;
				c.fnlen = i - s;
				c.first = 0;
			}
			if (fetches(b + s, i - s))
				a->reference = 1;
		} else {
			i++;
		}
	}
}

/* The end of an action starting at v[i] (just after "{{"): past "}}". */
static size_t action_end(const char *v, size_t n, size_t i)
{
	while (i < n) {
		if (v[i] == '"' || v[i] == '`') {
			char q = v[i++];
			while (i < n && v[i] != q) {
				if (q == '"' && v[i] == '\\')
					i++;
				i++;
			}
			i++;
		} else if (v[i] == '}' && i + 1 < n && v[i + 1] == '}') {
			return i + 2;
		} else {
			i++;
		}
	}
	return n;
}

/* The matching '}' of "${" whose name ends at i; n if none. */
static size_t brace_end(const char *v, size_t n, size_t i)
{
	int depth = 1;

	for (; i < n; i++) {
		if (v[i] == '{')
			depth++;
		else if (v[i] == '}' && --depth == 0)
			return i;
	}
	return n;
}

static int holds(const char *v, size_t n, int nest);

/* ${NAME...} at v[i]: sets *ref, returns where it ends, or i when it is no
 * reference; *lit when its default or replacement is a literal. */
static size_t dollar_brace(const char *v, size_t n, size_t i, int nest, int *ref, int *lit)
{
	size_t k = i + 2, e;

	if (k >= n || !ident_start(v[k]))
		return i;
	while (k < n && ident_char(v[k]))
		k++;
	e = brace_end(v, n, k);
	*ref = 1;
	if (k < n && v[k] == '}')
		return k + 1;
	/* ":?" / "?" give an error message, not a value */
	if (!(v[k] == '?' || (v[k] == ':' && k + 1 < n && v[k + 1] == '?'))) {
		size_t d = k + (v[k] == ':' && k + 1 < e ? 1 : 0);
		if (d < e && strchr("-=+", v[d]))
			d++;
		/* the default is printed: a literal, or a template again */
		if (veil_check__templated(v + d, e - d) ? holds(v + d, e - d, nest + 1)
		                                        : secret_literal(v + d, e - d))
			*lit = 1;
	}
	return e < n ? e + 1 : n;
}

/* Text between references, v[s, e): any of it (*text), a token that
 * looks like a password (*token). */
static void segment(const char *v, size_t s, size_t e, int *text, int *token)
{
	for (size_t k = s; k < e && !*text; k++)
		*text = (unsigned char)v[k] > ' ';
	if (e > s && !*token)
		*token = secret_token(v + s, e - s);
}

static int holds(const char *v, size_t n, int nest)
{
	size_t i = 0, seg = 0;
	int ref = 0, lit = 0, text = 0, token = 0;

	if (!n || nest > MAX_NEST || veil_check__is_enc(v, n))
		return 0;
	while (i < n && !lit) {
		size_t e = i;
		if (v[i] == '{' && i + 1 < n && v[i + 1] == '{') {
			struct action a = { 0, 0 };
			e = action_end(v, n, i + 2);
			action(&a, v + i + 2, (e >= i + 4 ? e - 2 : e) - (i + 2));
			lit |= a.literal;
			ref |= a.reference;
		} else if (v[i] == '$' && i + 1 < n && v[i + 1] == '{') {
			e = dollar_brace(v, n, i, nest, &ref, &lit);
		} else if (v[i] == '$' && i + 2 < n && v[i + 1] == '(' && ident_start(v[i + 2])) {
			size_t k = i + 2;
			while (k < n && (ident_char(v[k]) || v[k] == '.' || v[k] == '-'))
				k++;
			if (k < n && v[k] == ')') {
				ref = 1;
				e = k + 1;
			}
		}
		if (e == i) {
			i++;
			continue;
		}
		segment(v, seg, i, &text, &token);
		i = seg = e;
	}
	segment(v, seg, i < n ? i : n, &text, &token);
	/* without a reference the text is the value, all of it */
	return lit || (ref ? token : text);
}

int veil_check__holds_literal(const char *v, size_t n)
{
	if (!n || veil_check__is_enc(v, n))
		return 0;
	if (!veil_check__templated(v, n))
		return 1;
	return holds(v, n, 0);
}
