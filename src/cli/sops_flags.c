/* sops mode's command-line parser: Go's flag package as urfave/cli v1.22.17
 * drives it (see sops_mode.h). */
#include "sops_mode.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const veil_opt *find_name(const veil_opt *opts, const char *name, size_t len)
{
	for (; opts->id; opts++) {
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
		if (opts->short_name && len == 1 && opts->short_name == name[0])
			return opts;
	}
	return NULL;
}

const char *veil_cli__sops_flag_name(int id)
{
	for (const veil_opt *o = veil_cli__sops_global_opts; o->id; o++)
		if (o->id == id && o->long_name)
			return o->long_name;
	for (const sops_command *c = veil_cli__sops_commands; c->name; c++) {
		for (const sops_command *s = c->subs; s && s->name; s++)
			for (const veil_opt *o = s->opts; o && o->id; o++)
				if (o->id == id)
					return o->long_name;
		for (const veil_opt *o = c->opts; o && o->id; o++)
			if (o->id == id)
				return o->long_name;
	}
	return "?";
}

/* strconv.ParseBool */
static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(s, yes[i]))
			return *out = 1, 0;
		if (!strcmp(s, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

/* strconv.ParseInt(s, 0, 64), without Go's "_" separators */
static int parse_int(const char *s, long *out)
{
	char *end;

	errno = 0;
	if (!*s)
		return -1;
	*out = strtol(s, &end, 0);
	return *end || errno ? -1 : 0;
}

static int slice_add(sops_val *v, const char *s, size_t len)
{
	char **grown = realloc(v->list, (v->nlist + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	v->list = grown;
	if (!(v->list[v->nlist] = strndup(s, len)))
		return -1;
	v->nlist++;
	return 0;
}

static int oom(void)
{
	veil_cli__error("out of memory");
	return -1;
}

/* Sets one flag from its text (Go's flag.Value.Set). */
static int set_value(sops_val *v, int id, const char *name, const char *text, int from_env)
{
	const sops_flag_info *f = &veil_cli__sops_flags[id];

	v->set = 1;
	v->from_env = from_env;
	switch (f->kind) {
	case SK_BOOL:
	case SK_BOOLT:
		if (from_env && !*text)
			return v->b = 0, 0;
		if (parse_bool(text, &v->b) == 0)
			return 0;
		veil_cli__error("invalid boolean value \"%s\" for %s%s", text,
		                from_env ? "the variable of -" : "-", name);
		return -1;
	case SK_INT:
		if (parse_int(text, &v->n) == 0)
			return 0;
		veil_cli__error("invalid value \"%s\" for flag -%s: parse error", text, name);
		return -1;
	case SK_SLICE:
		if (!from_env)
			return slice_add(v, text, strlen(text)) < 0 ? oom() : 0;
		/* a variable holds a comma list, entries trimmed */
		for (const char *p = text;;) {
			const char *comma = strchr(p, ',');
			const char *e = comma ? comma : p + strlen(p);
			const char *b = p;
			while (b < e && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
				b++;
			while (e > b &&
			       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
				e--;
			if (slice_add(v, b, (size_t)(e - b)) < 0)
				return oom();
			if (!comma)
				return 0;
			p = comma + 1;
		}
	default:
		v->s = text;
		return 0;
	}
}

/* Defaults first: BoolT flags are true, and sops's environment variables
 * give values before the command line does. */
static int apply_env(sops_val *vals, const veil_opt *opts)
{
	for (const veil_opt *o = opts; o->id; o++) {
		const sops_flag_info *f = &veil_cli__sops_flags[o->id];
		const char *env = f->env ? getenv(f->env) : NULL;

		if (f->kind == SK_BOOLT && !vals[o->id].set)
			vals[o->id].b = 1;
		if (env && !vals[o->id].set && set_value(&vals[o->id], o->id, f->env, env, 1) < 0)
			return -1;
	}
	return 0;
}

/* urfave's argIsFlag: "-x", "--x", "-x=v" naming one of opts. */
static int arg_is_flag(const veil_opt *opts, const char *a)
{
	size_t len;

	if (a[0] != '-' || !strcmp(a, "-") || !strcmp(a, "--"))
		return 0;
	a += a[1] == '-' ? 2 : 1;
	len = strcspn(a, "=");
	return find_name(opts, a, len) != NULL;
}

/* urfave's reorderArgs: the flags (with the argument after each, unless it
 * is a flag or the flag had "=") go first, then the operands; "--" and
 * everything after it stay last, "--" first among them. */
static void reorder(const veil_opt *opts, char **args, int nargs, char **out)
{
	int nflags = 0, nrest = 0, may_be_value = 0, dashdash = -1;
	char **rest = out + nargs; /* scratch: out holds 2 * nargs */

	for (int i = 0; i < nargs; i++) {
		const char *a = args[i];

		if (may_be_value && !arg_is_flag(opts, a)) {
			may_be_value = 0;
			out[nflags++] = args[i];
		} else if (!strcmp(a, "--")) {
			dashdash = i;
			break;
		} else if (arg_is_flag(opts, a)) {
			out[nflags++] = args[i];
			may_be_value = strchr(a, '=') == NULL;
		} else {
			rest[nrest++] = args[i];
		}
	}
	if (dashdash >= 0) {
		memmove(rest + 1, rest, (size_t)nrest * sizeof(*rest));
		rest[0] = args[dashdash];
		nrest++;
		for (int i = dashdash + 1; i < nargs; i++)
			rest[nrest++] = args[i];
	}
	memmove(out + nflags, rest, (size_t)nrest * sizeof(*rest));
}

/* One step of flag.FlagSet.parseOne: 1 a flag was taken, 0 the flags end
 * here, -1 an error (printed). */
static int parse_one(sops_val *vals, const veil_opt *opts, char **args, int nargs, int *i)
{
	const char *s = args[*i], *name, *eq, *value = NULL;
	const veil_opt *o;
	size_t len;

	if (strlen(s) < 2 || s[0] != '-')
		return 0;
	name = s + 1;
	if (s[1] == '-') {
		if (!s[2]) {
			(*i)++; /* "--" ends the flags and is dropped */
			return 0;
		}
		name++;
	}
	if (!*name || *name == '-' || *name == '=') {
		veil_cli__error("bad flag syntax: %s", s);
		return -1;
	}
	(*i)++;
	eq = strchr(name + 1, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	if (!(o = find_name(opts, name, len))) {
		veil_cli__error("flag provided but not defined: -%.*s", (int)len, name);
		return -1;
	}
	if (veil_cli__sops_flags[o->id].kind == SK_BOOL ||
	    veil_cli__sops_flags[o->id].kind == SK_BOOLT)
		value = eq ? eq + 1 : "true";
	else if (eq)
		value = eq + 1;
	else if (*i < nargs)
		value = args[(*i)++];
	if (!value) {
		veil_cli__error("flag needs an argument: -%.*s", (int)len, name);
		return -1;
	}
	/* a repeated string flag: the last one wins, as in Go */
	return set_value(&vals[o->id], o->id, o->long_name ? o->long_name : name, value, 0) < 0 ? -1
	                                                                                        : 1;
}

int veil_cli__sops_parse(sops_val *vals, const veil_opt *opts, char **args, int nargs,
                         int reorder_args, char ***rest, int *nrest)
{
	char **work = calloc(2 * (size_t)nargs + 1, sizeof(char *));
	int i = 0, rc;

	*rest = NULL;
	*nrest = 0;
	if (!work)
		return oom();
	if (apply_env(vals, opts) < 0) {
		free(work);
		return -1;
	}
	if (reorder_args)
		reorder(opts, args, nargs, work);
	else
		memcpy(work, args, (size_t)nargs * sizeof(char *));
	while (i < nargs && (rc = parse_one(vals, opts, work, nargs, &i)) != 0) {
		if (rc < 0) {
			free(work);
			return -1;
		}
	}
	/* the operands, moved to the front of the same array */
	memmove(work, work + i, (size_t)(nargs - i) * sizeof(char *));
	work[nargs - i] = NULL;
	*rest = work;
	*nrest = nargs - i;
	return 0;
}

void veil_cli__sops_vals_free(sops_val *vals)
{
	for (int id = 0; id < SF_COUNT; id++) {
		for (size_t k = 0; k < vals[id].nlist; k++)
			free(vals[id].list[k]);
		free(vals[id].list);
		vals[id].list = NULL;
		vals[id].nlist = 0;
	}
}
