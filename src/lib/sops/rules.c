/* .sops.yaml: finding it, reading creation rules, matching a file. */
#include "sops/rules.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "veil/doc.h"
#include "veil/error.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sel_names[] = {
	[VEIL_SEL_NONE] = "",
	[VEIL_SEL_UNENCRYPTED_SUFFIX] = "unencrypted_suffix",
	[VEIL_SEL_ENCRYPTED_SUFFIX] = "encrypted_suffix",
	[VEIL_SEL_UNENCRYPTED_REGEX] = "unencrypted_regex",
	[VEIL_SEL_ENCRYPTED_REGEX] = "encrypted_regex",
	[VEIL_SEL_UNENCRYPTED_COMMENT_REGEX] = "unencrypted_comment_regex",
	[VEIL_SEL_ENCRYPTED_COMMENT_REGEX] = "encrypted_comment_regex",
};

/* Key types sops knows and veil does not: a rule naming them is refused
 * rather than silently producing a file those keys cannot open. */
static const char *const foreign_keys[] = {
	"pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms", "hc_vault",
};

int veil_sops__sel_encrypts(veil_sops_sel_kind sel, int matched)
{
	switch (sel) {
	case VEIL_SEL_ENCRYPTED_SUFFIX:
	case VEIL_SEL_ENCRYPTED_REGEX:
	case VEIL_SEL_ENCRYPTED_COMMENT_REGEX:
		return matched;
	case VEIL_SEL_UNENCRYPTED_SUFFIX:
	case VEIL_SEL_UNENCRYPTED_REGEX:
	case VEIL_SEL_UNENCRYPTED_COMMENT_REGEX:
		return !matched;
	default:
		return 1;
	}
}

int veil_sops__sel_by_comment(veil_sops_sel_kind sel)
{
	return sel == VEIL_SEL_ENCRYPTED_COMMENT_REGEX || sel == VEIL_SEL_UNENCRYPTED_COMMENT_REGEX;
}

const char *veil_sops__sel_name(veil_sops_sel_kind kind)
{
	return sel_names[kind];
}

veil_sops_sel_kind veil_sops__sel_from_name(const char *name)
{
	for (int k = VEIL_SEL_UNENCRYPTED_SUFFIX; k <= VEIL_SEL_ENCRYPTED_COMMENT_REGEX; k++)
		if (!strcmp(sel_names[k], name))
			return (veil_sops_sel_kind)k;
	return VEIL_SEL_NONE;
}

/* Follows a YAML alias to its anchored node (anchors are common in
 * .sops.yaml: "age: *admins"). */
static const veil_node *deref(const veil_node *n)
{
	return n && n->kind == VEIL_NODE_ALIAS ? n->target : n;
}

static const char *scalar(const veil_node *n)
{
	n = deref(n);
	return n && n->kind == VEIL_NODE_SCALAR && n->type != VEIL_SCALAR_NULL ? n->value : NULL;
}

static int rule_error(const char *name, const veil_node *n, const char *what)
{
	char copy[512];

	/* what may be veil_error_last() itself: copy it before overwriting */
	snprintf(copy, sizeof(copy), "%s", what);
	return veil_error_set(VEIL_EFORMAT, "%s:%u:%u: %s", name, n ? n->span.line : 0,
	                      n ? n->span.col : 0, copy);
}

/* Appends the comma-separated, trimmed, non-empty entries of s to g. */
static int add_age_list(veil_sops_group *g, const char *s)
{
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *a = s, *b = s + len;
		char **grown;
		while (a < b && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' || b[-1] == '\r'))
			b--;
		if (b > a) {
			if (!(grown = realloc(g->age, (g->nage + 1) * sizeof(*grown))))
				return veil_error_oom();
			g->age = grown;
			if (!(g->age[g->nage] = strndup(a, (size_t)(b - a))))
				return veil_error_oom();
			g->nage++;
		}
		s += len + (end ? 1 : 0);
	}
	return 0;
}

/* age: a scalar "a,b" or a list whose entries are themselves splittable. */
static int read_age(veil_sops_group *g, const veil_node *n, const char *name)
{
	n = deref(n);
	if (!n || (n->kind == VEIL_NODE_SCALAR && n->type == VEIL_SCALAR_NULL))
		return 0;
	if (n->kind == VEIL_NODE_SCALAR)
		return add_age_list(g, n->value);
	if (n->kind != VEIL_NODE_SEQ)
		return rule_error(name, n, "age must be a string or a list of strings");
	for (size_t i = 0; i < n->nitems; i++) {
		const veil_node *it = deref(n->items[i]);
		int error;
		if (it->kind == VEIL_NODE_COMMENT)
			continue;
		if (it->kind != VEIL_NODE_SCALAR)
			return rule_error(name, it, "age entries must be strings");
		if ((error = add_age_list(g, it->value)) < 0)
			return error;
	}
	return 0;
}

/* The first field of a key entry that names it (kms: {arn: ...}). */
static const char *key_name(const veil_node *e)
{
	static const char *const fields[] = { "arn", "resource_id", "key_id", "vaultUrl", "key" };

	e = deref(e);
	if (e && e->kind == VEIL_NODE_SCALAR)
		return e->value;
	for (size_t i = 0; e && e->kind == VEIL_NODE_MAP && i < sizeof(fields) / sizeof(*fields);
	     i++)
		if (scalar(veil_node_get(e, fields[i])))
			return scalar(veil_node_get(e, fields[i]));
	return "?";
}

/* Appends "type name" for every key of a type veil cannot use in map to
 * r->foreign ("pgp 85D7..., kms arn:aws:kms:..."): the rule still loads, but
 * matching it is refused with those names (veil_sops_config_match). */
static int note_foreign_keys(veil_sops_rule *r, const veil_node *map)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int error = 0;

	if (r->foreign && (error = veil_buf_printf(&b, "%s", r->foreign)) < 0)
		goto done;
	for (size_t i = 0; i < sizeof(foreign_keys) / sizeof(foreign_keys[0]); i++) {
		const veil_node *v = deref(veil_node_get(map, foreign_keys[i]));
		for (size_t k = 0; v && k < (v->kind == VEIL_NODE_SEQ ? v->nitems : 1); k++) {
			const veil_node *e = v->kind == VEIL_NODE_SEQ ? v->items[k] : v;
			if (e->kind == VEIL_NODE_COMMENT ||
			    (e->kind == VEIL_NODE_SCALAR &&
			     (e->type == VEIL_SCALAR_NULL || e->value_len == 0)))
				continue;
			if ((error = veil_buf_printf(&b, "%s%s %s", b.len ? ", " : "",
			                             foreign_keys[i], key_name(e))) < 0)
				goto done;
		}
	}
	if (b.len) {
		free(r->foreign);
		r->foreign = (char *)veil_buf_detach(&b, NULL);
	}
done:
	veil_buf_dispose(&b);
	return error;
}

static int read_group(veil_sops_rule *r, veil_sops_group *g, const veil_node *map, const char *name,
                      int depth)
{
	const veil_node *merge;
	int error;

	map = deref(map);
	if (!map || map->kind != VEIL_NODE_MAP)
		return rule_error(name, map, "a key group must be a mapping");
	if (depth > 8)
		return rule_error(name, map, "key group merges nested too deeply");
	if ((error = note_foreign_keys(r, map)) < 0 ||
	    (error = read_age(g, veil_node_get(map, "age"), name)) < 0)
		return error;
	merge = deref(veil_node_get(map, "merge"));
	if (!merge)
		return 0;
	if (merge->kind != VEIL_NODE_SEQ)
		return rule_error(name, merge, "merge must be a list of key groups");
	for (size_t i = 0; i < merge->nitems; i++) {
		if (merge->items[i]->kind == VEIL_NODE_COMMENT)
			continue;
		if ((error = read_group(r, g, merge->items[i], name, depth + 1)) < 0)
			return error;
	}
	return 0;
}

static int add_group(veil_sops_rule *r, veil_sops_group **out)
{
	veil_sops_group *grown = realloc(r->groups, (r->ngroups + 1) * sizeof(*grown));

	if (!grown)
		return veil_error_oom();
	r->groups = grown;
	memset(&grown[r->ngroups], 0, sizeof(*grown));
	*out = &grown[r->ngroups++];
	return 0;
}

static int read_groups(veil_sops_rule *r, const veil_node *rule, const char *name)
{
	const veil_node *kg = deref(veil_node_get(rule, "key_groups"));
	veil_sops_group *g = NULL; /* set by add_group; -O3 cannot see that */
	int error;

	if (!kg || (kg->kind == VEIL_NODE_SCALAR && kg->type == VEIL_SCALAR_NULL)) {
		/* flat form: one group from the rule's own keys */
		if ((error = note_foreign_keys(r, rule)) < 0 || (error = add_group(r, &g)) < 0)
			return error;
		return read_age(g, veil_node_get(rule, "age"), name);
	}
	if (kg->kind != VEIL_NODE_SEQ)
		return rule_error(name, kg, "key_groups must be a list");
	for (size_t i = 0; i < kg->nitems; i++) {
		if (kg->items[i]->kind == VEIL_NODE_COMMENT)
			continue;
		if ((error = add_group(r, &g)) < 0 ||
		    (error = read_group(r, g, kg->items[i], name, 0)) < 0)
			return error;
	}
	return 0;
}


static int read_selection(veil_sops_rule *r, const veil_node *rule, const char *name)
{
	for (int k = VEIL_SEL_UNENCRYPTED_SUFFIX; k <= VEIL_SEL_ENCRYPTED_COMMENT_REGEX; k++) {
		const veil_node *n = veil_node_get(rule, sel_names[k]);
		const char *v = scalar(n);
		if (!v || !*v)
			continue;
		if (r->sel.kind != VEIL_SEL_NONE)
			return rule_error(name, n,
			                  "a creation rule can set only one of the "
			                  "(un)encrypted suffix/regex/comment-regex options");
		r->sel.kind = (veil_sops_sel_kind)k;
		if (!(r->sel.value = strdup(v)))
			return veil_error_oom();
		if (k >= VEIL_SEL_UNENCRYPTED_REGEX) {
			veil_regex *check = NULL;
			int error = veil_regex_compile(&check, v);
			veil_regex_free(check);
			if (error < 0)
				return rule_error(name, n, veil_error_last());
		}
	}
	return 0;
}

static int read_options(veil_sops_rule *r, const veil_node *rule, const char *name)
{
	const char *v;
	const veil_node *n;

	n = veil_node_get(rule, "shamir_threshold");
	if ((v = scalar(n))) {
		char *end;
		long t = strtol(v, &end, 10);
		if (*end || t < 0 || t > 255)
			return rule_error(name, n, "shamir_threshold must be an integer 0..255");
		r->shamir_threshold = (int)t;
	}
	n = veil_node_get(rule, "mac_only_encrypted");
	if ((v = scalar(n)))
		r->mac_only_encrypted =
		        !strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE");
	n = veil_node_get(rule, "cipher");
	if ((v = scalar(n))) {
		if (!(r->cipher = veil_sops_cipher_parse(v)))
			return rule_error(name, n,
			                  "cipher must be aes256_gcm or chacha20_poly1305");
	}
	n = veil_node_get(rule, "scope");
	if ((v = scalar(n))) {
		if (strcmp(v, "strict") && strcmp(v, "namespace") && strcmp(v, "none"))
			return rule_error(name, n, "scope must be strict, namespace or none");
		if (strcmp(v, "none") && !(r->scope = strdup(v)))
			return veil_error_oom();
	}
	return 0;
}

static int read_rule(veil_sops_rule *r, const veil_node *rule, const char *name)
{
	const veil_node *n = veil_node_get(rule, "path_regex");
	const char *v = scalar(n);
	int error;

	if (rule->kind != VEIL_NODE_MAP)
		return rule_error(name, rule, "a creation rule must be a mapping");
	if (v && *v) {
		if (!(r->path_regex = strdup(v)))
			return veil_error_oom();
		if (veil_regex_compile(&r->path_re, v) < 0)
			return rule_error(name, n, veil_error_last());
	}
	if ((error = read_groups(r, rule, name)) < 0 || (error = read_selection(r, rule, name)) < 0)
		return error;
	return read_options(r, rule, name);
}

static void rule_dispose(veil_sops_rule *r)
{
	for (size_t g = 0; g < r->ngroups; g++) {
		for (size_t i = 0; i < r->groups[g].nage; i++)
			free(r->groups[g].age[i]);
		free(r->groups[g].age);
	}
	free(r->groups);
	free(r->path_regex);
	veil_regex_free(r->path_re);
	free(r->sel.value);
	free(r->scope);
	free(r->foreign);
}

void veil_sops_config_free(veil_sops_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nrules; i++)
		rule_dispose(&cfg->rules[i]);
	free(cfg->rules);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

/* stores: {yaml: {indent: N}, json: {indent: N}, json_binary: {indent: N}}:
 * the layout sops gives text it writes anew (defaults as sops: YAML 4, JSON
 * a tab, -1). */
static int read_stores(veil_sops_config *cfg, const veil_node *root, const char *name)
{
	static const char *const stores[] = { "yaml", "json", "json_binary" };
	int *slots[] = { &cfg->yaml_indent, &cfg->json_indent, &cfg->json_binary_indent };
	const veil_node *st = root ? deref(veil_node_get(root, "stores")) : NULL;

	cfg->yaml_indent = 0;
	cfg->json_indent = cfg->json_binary_indent = -1;
	for (size_t i = 0; st && st->kind == VEIL_NODE_MAP && i < 3; i++) {
		const veil_node *s = deref(veil_node_get(st, stores[i]));
		const veil_node *n =
		        s && s->kind == VEIL_NODE_MAP ? veil_node_get(s, "indent") : NULL;
		const char *v = scalar(n);
		char *end;
		long indent;

		if (!v)
			continue;
		indent = strtol(v, &end, 10);
		if (*end || end == v || indent < -1 || indent > 64)
			return rule_error(name, n, "stores: indent must be a number from -1 to 64");
		*slots[i] = (int)indent;
	}
	return 0;
}

int veil_sops_config_parse(veil_sops_config **out, const char *text, size_t len, const char *name,
                           const char *dir)
{
	veil_sops_config *cfg = calloc(1, sizeof(*cfg));
	veil_doc *doc = NULL;
	const veil_node *root, *rules;
	int error = 0;

	*out = NULL;
	if (!cfg || !(cfg->path = strdup(name)) || !(cfg->dir = strdup(dir))) {
		error = veil_error_oom();
		goto done;
	}
	if ((error = veil_doc_parse(&doc, VEIL_FMT_YAML, text, len, name)) < 0)
		goto done;
	root = veil_doc_count(doc) ? veil_doc_root(doc, 0) : NULL;
	if ((error = read_stores(cfg, root, name)) < 0)
		goto done;
	rules = root ? deref(veil_node_get(root, "creation_rules")) : NULL;
	if (rules && rules->kind != VEIL_NODE_SEQ) {
		error = rule_error(name, rules, "creation_rules must be a list");
		goto done;
	}
	for (size_t i = 0; rules && i < rules->nitems; i++) {
		const veil_node *r = deref(rules->items[i]);
		veil_sops_rule *grown;
		if (r->kind == VEIL_NODE_COMMENT)
			continue;
		if (!(grown = realloc(cfg->rules, (cfg->nrules + 1) * sizeof(*grown)))) {
			error = veil_error_oom();
			goto done;
		}
		cfg->rules = grown;
		memset(&cfg->rules[cfg->nrules], 0, sizeof(*grown));
		if ((error = read_rule(&cfg->rules[cfg->nrules++], r, name)) < 0)
			goto done;
	}
	*out = cfg;
	cfg = NULL;
done:
	veil_doc_free(doc);
	veil_sops_config_free(cfg);
	return error;
}

/* Resolves "." and ".." and repeated '/' in an absolute path, in place, as
 * Go's filepath.Clean does (lexically: symlinks are not followed). */
static void clean_in_place(char *path)
{
	const char *p = path;
	size_t n = 0;

	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && path[n - 1] != '/')
				n--;
			n = n > 0 ? n - 1 : 0;
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			/* writing never overtakes reading: n <= p - path */
			path[n++] = '/';
			memmove(path + n, p, len);
			n += len;
		}
		p += len + (e ? 1 : 0);
	}
	if (n == 0)
		path[n++] = '/';
	path[n] = '\0';
}

/* An absolute, cleaned copy of path (malloc'd), as Go's filepath.Abs. */
static char *abs_clean(const char *path)
{
	veil_buf b = VEIL_BUF_INIT(0);
	char cwd[4096];

	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return NULL;
	if ((path[0] == '/' ? veil_buf_append(&b, path, strlen(path))
	                    : veil_buf_printf(&b, "%s/%s", cwd, path)) < 0)
		return NULL;
	clean_in_place((char *)b.data);
	return (char *)veil_buf_detach(&b, NULL);
}

int veil_sops_config_find(char **out, const char *file_path)
{
	char *dir = abs_clean(file_path);
	int error = VEIL_ENOTFOUND;

	*out = NULL;
	if (!dir)
		return veil_error_set(VEIL_ENOMEM, "cannot resolve %s", file_path);
	for (int level = 0; level < VEIL_SOPS_CONFIG_MAX_LEVELS; level++) {
		char *slash = strrchr(dir, '/');
		veil_buf cand = VEIL_BUF_INIT(0);
		struct stat st;
		if (!slash)
			break;
		*slash = '\0'; /* the first pass drops the file name itself */
		/* .sops.yaml, else .sops.yml, in the nearest directory with
		 * either (sops ignores .sops.yml with a warning: a file it
		 * names nothing to is a surprise, not a feature) */
		for (size_t k = 0; k < 2 && error < 0; k++) {
			veil_buf_clear(&cand);
			if (veil_buf_printf(&cand, "%s/%s", dir,
			                    k ? VEIL_SOPS_CONFIG_ALT_NAME : VEIL_SOPS_CONFIG_NAME) <
			    0)
				break;
			if (stat((char *)cand.data, &st) == 0 && S_ISREG(st.st_mode)) {
				*out = (char *)veil_buf_detach(&cand, NULL);
				error = 0;
			}
		}
		veil_buf_dispose(&cand);
		if (error == 0)
			break;
		if (dir[0] == '\0')
			break;
	}
	free(dir);
	if (error < 0)
		veil_error_set(VEIL_ENOTFOUND, "no %s found above %s", VEIL_SOPS_CONFIG_NAME,
		               file_path);
	return error;
}

int veil_sops_config_load(veil_sops_config **out, const char *path)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *abs = abs_clean(path), *slash;
	int error;

	*out = NULL;
	if (!abs)
		return veil_error_set(VEIL_ENOMEM, "cannot resolve %s", path);
	if ((error = veil_file_read(&text, &len, path, VEIL_SOPS_CONFIG_MAX)) == 0) {
		slash = strrchr(abs, '/');
		*slash = '\0';
		error = veil_sops_config_parse(out, (const char *)text, len, path,
		                               abs[0] ? abs : "/");
	}
	free(text);
	free(abs);
	return error;
}

int veil_sops_config_match(const veil_sops_rule **out, const veil_sops_config *cfg,
                           const char *file_path)
{
	char *abs = abs_clean(file_path);
	const char *rel;
	size_t dlen = strlen(cfg->dir);

	*out = NULL;
	if (!abs)
		return veil_error_set(VEIL_ENOMEM, "cannot resolve %s", file_path);
	rel = abs;
	if (!strncmp(abs, cfg->dir, dlen) && abs[dlen] == '/')
		rel = abs + dlen + 1;
	else if (!strcmp(cfg->dir, "/"))
		rel = abs + 1;
	for (size_t i = 0; i < cfg->nrules; i++) {
		const veil_sops_rule *r = &cfg->rules[i];
		if (!r->path_re || veil_regex_match(r->path_re, rel, strlen(rel))) {
			int error = 0;
			*out = r;
			if (r->foreign)
				error = veil_error_set(
				        VEIL_EUNSUPPORTED,
				        "%s: creation rule %zu (for %s) names keys veil "
				        "cannot use (age keys only): %s",
				        cfg->path, i + 1, rel, r->foreign);
			free(abs);
			return error;
		}
	}
	veil_error_set(VEIL_ENOTFOUND, "%s: no creation rule matches %s", cfg->path, rel);
	free(abs);
	return VEIL_ENOTFOUND;
}
