/* The sops metadata block: reading, writing, and the data key it wraps. */
#include "sops/metadata.h"
#include "sops/shamir.h"
#include "util/buf.h"
#include "veil/age.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The key types sops knows and veil cannot use, in sorted order (as sops
 * 3.13 writes them). */
static const char *const foreign_lists[] = {
	"azure_kv", "gcp_kms", "hc_vault", "hckms", "kms", "pgp",
};

static const veil_node *deref(const veil_node *n)
{
	return n && n->kind == VEIL_NODE_ALIAS ? n->target : n;
}

static const char *text_of(const veil_node *map, const char *key)
{
	const veil_node *n = deref(veil_node_get(map, key));

	return n && n->kind == VEIL_NODE_SCALAR && n->type != VEIL_SCALAR_NULL ? n->value : NULL;
}

static int meta_error(const char *name, const char *what)
{
	return veil_error_set(VEIL_EFORMAT, "%s: sops metadata: %s", name, what);
}

static int dup_text(char **out, const char *s)
{
	if (!s)
		return 0;
	if (!(*out = strdup(s)))
		return veil_error_oom();
	return 0;
}

static size_t count_items(const veil_node *list)
{
	size_t n = 0;

	list = deref(list);
	if (!list || list->kind != VEIL_NODE_SEQ)
		return 0;
	for (size_t i = 0; i < list->nitems; i++)
		n += list->items[i]->kind != VEIL_NODE_COMMENT;
	return n;
}

/* "pgp FP, kms ARN, ..." for the keys of types veil cannot use, so a refusal
 * can name them. The field that names each entry, per type. */
static int name_foreign(veil_sops_keygroup *g, const veil_node *map)
{
	static const char *const fields[] = { "fp",        "arn",      "resource_id",
		                              "vault_url", "key_name", "key_id" };
	veil_buf b = VEIL_BUF_INIT(0);
	int error = 0;

	for (size_t i = 0; i < sizeof(foreign_lists) / sizeof(foreign_lists[0]); i++) {
		const veil_node *list = deref(veil_node_get(map, foreign_lists[i]));
		for (size_t k = 0; list && list->kind == VEIL_NODE_SEQ && k < list->nitems; k++) {
			const veil_node *e = deref(list->items[k]);
			const char *id = NULL;
			if (e->kind == VEIL_NODE_COMMENT)
				continue;
			for (size_t f = 0; e->kind == VEIL_NODE_MAP && !id && f < 6; f++)
				id = text_of(e, fields[f]);
			if ((error = veil_buf_printf(&b, "%s%s %s", b.len ? ", " : "",
			                             foreign_lists[i], id ? id : "?")) < 0)
				goto done;
		}
	}
	if (b.len)
		g->foreign = (char *)veil_buf_detach(&b, NULL);
done:
	veil_buf_dispose(&b);
	return error;
}

/* Reads one group's age list and counts the key types veil cannot use. */
static int read_group(veil_sops_keygroup *g, const veil_node *map, const char *name)
{
	const veil_node *age = deref(veil_node_get(map, "age"));
	int error;

	g->node = map;
	for (size_t i = 0; i < sizeof(foreign_lists) / sizeof(foreign_lists[0]); i++)
		g->nforeign += count_items(veil_node_get(map, foreign_lists[i]));
	if (g->nforeign && (error = name_foreign(g, map)) < 0)
		return error;
	if (!age || (age->kind == VEIL_NODE_SCALAR && age->type == VEIL_SCALAR_NULL))
		return 0;
	if (age->kind != VEIL_NODE_SEQ)
		return meta_error(name, "age must be a list");
	g->age = calloc(age->nitems ? age->nitems : 1, sizeof(*g->age));
	if (!g->age)
		return veil_error_oom();
	for (size_t i = 0; i < age->nitems; i++) {
		const veil_node *e = deref(age->items[i]);
		const char *r, *enc;
		if (e->kind == VEIL_NODE_COMMENT)
			continue;
		r = e->kind == VEIL_NODE_MAP ? text_of(e, "recipient") : NULL;
		enc = e->kind == VEIL_NODE_MAP ? text_of(e, "enc") : NULL;
		if (!r || !enc)
			return meta_error(name, "an age entry lacks recipient or enc");
		if ((error = dup_text(&g->age[g->nage].recipient, r)) < 0 ||
		    (error = dup_text(&g->age[g->nage].enc, enc)) < 0)
			return error;
		g->nage++;
	}
	return 0;
}

static int add_group(veil_sops_meta *m, veil_sops_keygroup **out)
{
	veil_sops_keygroup *grown = realloc(m->groups, (m->ngroups + 1) * sizeof(*grown));

	if (!grown)
		return veil_error_oom();
	m->groups = grown;
	memset(&grown[m->ngroups], 0, sizeof(*grown));
	*out = &grown[m->ngroups++];
	return 0;
}

/* Flat lists win over key_groups when any is non-empty, as in sops. */
static int read_groups(veil_sops_meta *m, const veil_node *tree, const char *name)
{
	const veil_node *kg = deref(veil_node_get(tree, "key_groups"));
	veil_sops_keygroup *g = NULL; /* set by add_group; -O3 cannot see that */
	int error;

	if ((error = add_group(m, &g)) < 0 || (error = read_group(g, tree, name)) < 0)
		return error;
	if (g->nage || g->nforeign || !kg || kg->kind != VEIL_NODE_SEQ)
		return 0;
	m->ngroups = 0;
	free(g->age);
	m->grouped = 1;
	for (size_t i = 0; i < kg->nitems; i++) {
		const veil_node *gm = deref(kg->items[i]);
		if (gm->kind == VEIL_NODE_COMMENT)
			continue;
		if (gm->kind != VEIL_NODE_MAP)
			return meta_error(name, "a key group must be a mapping");
		if ((error = add_group(m, &g)) < 0 || (error = read_group(g, gm, name)) < 0)
			return error;
	}
	return 0;
}

static int read_selection(veil_sops_meta *m, const veil_node *tree, const char *name)
{
	for (int k = VEIL_SEL_UNENCRYPTED_SUFFIX; k <= VEIL_SEL_ENCRYPTED_COMMENT_REGEX; k++) {
		const char *v = text_of(tree, veil_sops__sel_name((veil_sops_sel_kind)k));
		int error;
		if (!v || !*v)
			continue;
		if (m->sel.kind != VEIL_SEL_NONE)
			return meta_error(name, "more than one selection rule");
		m->sel.kind = (veil_sops_sel_kind)k;
		if ((error = dup_text(&m->sel.value, v)) < 0)
			return error;
	}
	if (m->sel.kind == VEIL_SEL_NONE) {
		/* sops reads a block without a rule as the default suffix rule */
		m->sel.kind = VEIL_SEL_UNENCRYPTED_SUFFIX;
		return dup_text(&m->sel.value, "_unencrypted");
	}
	return 0;
}

int veil_sops__meta_read(veil_sops_meta *out, const veil_node *tree, const char *name)
{
	const char *v;
	size_t keys = 0;
	int error;

	memset(out, 0, sizeof(*out));
	tree = deref(tree);
	if (!tree || tree->kind != VEIL_NODE_MAP)
		return meta_error(name, "not a mapping");
	if ((error = read_groups(out, tree, name)) < 0 ||
	    (error = read_selection(out, tree, name)) < 0)
		goto done;
	for (size_t g = 0; g < out->ngroups; g++)
		keys += out->groups[g].nage + out->groups[g].nforeign;
	if (keys == 0) {
		error = meta_error(name, "no keys found");
		goto done;
	}
	if ((v = text_of(tree, "shamir_threshold")))
		out->shamir_threshold = atoi(v);
	v = text_of(tree, "mac_only_encrypted");
	out->mac_only_encrypted = v && (!strcmp(v, "true") || !strcmp(v, "True") ||
	                                !strcmp(v, "TRUE") || !strcmp(v, "1"));
	if ((error = dup_text(&out->lastmodified, text_of(tree, "lastmodified"))) < 0 ||
	    (error = dup_text(&out->mac, text_of(tree, "mac"))) < 0 ||
	    (error = dup_text(&out->version, text_of(tree, "version"))) < 0 ||
	    (error = dup_text(&out->scope, text_of(tree, "veil_scope"))) < 0 ||
	    (error = dup_text(&out->sorted_mac, text_of(tree, "veil_sorted_mac"))) < 0)
		goto done;
	if (!out->lastmodified || !out->mac)
		error = meta_error(name, out->mac ? "lastmodified is missing" : "mac is missing");
done:
	if (error < 0)
		veil_sops_meta_dispose(out);
	return error;
}

int veil_sops_meta_of(veil_sops_meta *out, const veil_doc *doc, const char *name)
{
	const veil_node *tree = veil_doc_metadata(doc);

	memset(out, 0, sizeof(*out));
	if (!tree)
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: no sops metadata: the file is not encrypted", name);
	return veil_sops__meta_read(out, tree, name);
}

void veil_sops_meta_dispose(veil_sops_meta *m)
{
	for (size_t g = 0; g < m->ngroups; g++) {
		for (size_t i = 0; i < m->groups[g].nage; i++) {
			free(m->groups[g].age[i].recipient);
			free(m->groups[g].age[i].enc);
		}
		free(m->groups[g].age);
		free(m->groups[g].foreign);
	}
	free(m->groups);
	free(m->lastmodified);
	free(m->mac);
	free(m->sel.value);
	free(m->version);
	free(m->scope);
	free(m->sorted_mac);
	memset(m, 0, sizeof(*m));
}

static int add_text(veil_doc *doc, veil_node *map, const char *key, const char *value,
                    veil_scalar_type type)
{
	veil_node *n;

	if (!value)
		return 0;
	n = veil_doc_build_scalar(doc, value, strlen(value), type);
	return n ? veil_doc_add_item(map, key, n) : VEIL_ENOMEM;
}

static int build_age(veil_node **out, veil_doc *doc, const veil_sops_keygroup *g)
{
	veil_node *list = veil_doc_build_seq(doc);
	int error = list ? 0 : VEIL_ENOMEM;

	for (size_t i = 0; !error && i < g->nage; i++) {
		veil_node *e = veil_doc_build_map(doc);
		if (!e)
			return VEIL_ENOMEM;
		/* sops 3.13 writes "enc" before "recipient" (sorted keys) */
		if ((error = add_text(doc, e, "enc", g->age[i].enc, VEIL_SCALAR_STR)) < 0 ||
		    (error = add_text(doc, e, "recipient", g->age[i].recipient, VEIL_SCALAR_STR)) <
		            0)
			return error;
		error = veil_doc_add_item(list, NULL, e);
	}
	*out = list;
	return error;
}

/* A copy of n (aliases followed) built in doc: how the key types veil
 * cannot use travel unchanged from the old block to the new one. */
static veil_node *copy_node(veil_doc *doc, const veil_node *n, int depth)
{
	veil_node *c;

	n = deref(n);
	if (!n || depth > 16)
		return NULL;
	if (n->kind == VEIL_NODE_SCALAR)
		return veil_doc_build_scalar(doc, n->value, n->value_len, n->type);
	c = n->kind == VEIL_NODE_MAP ? veil_doc_build_map(doc) : veil_doc_build_seq(doc);
	for (size_t i = 0; c && i < n->nitems; i++) {
		veil_node *item;
		if (n->items[i]->kind == VEIL_NODE_COMMENT)
			continue;
		item = copy_node(doc, n->items[i], depth + 1);
		if (!item || veil_doc_add_item(c, n->items[i]->key, item) < 0)
			return NULL;
	}
	return c;
}

/* The block's entries before they are added in sops 3.13's sorted order. */
typedef struct meta_entry {
	const char *key;
	veil_node *value;
} meta_entry;

#define META_ENTRIES 32

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const meta_entry *)a)->key, ((const meta_entry *)b)->key);
}

static int add_sorted(veil_node *map, meta_entry *e, size_t n)
{
	int error = 0;

	qsort(e, n, sizeof(*e), compare_entries);
	for (size_t i = 0; i < n && error == 0; i++)
		error = veil_doc_add_item(map, e[i].key, e[i].value);
	return error;
}

static int entry(meta_entry *e, size_t *n, const char *key, veil_node *value)
{
	if (!value || *n == META_ENTRIES)
		return veil_error_oom();
	e[*n].key = key;
	e[(*n)++].value = value;
	return 0;
}

static int text_entry(veil_doc *doc, meta_entry *e, size_t *n, const char *key, const char *value,
                      veil_scalar_type type)
{
	return value ? entry(e, n, key, veil_doc_build_scalar(doc, value, strlen(value), type)) : 0;
}

/* A group's age list and, copied as they were, its keys of other types. */
static int group_entries(veil_doc *doc, meta_entry *e, size_t *n, const veil_sops_keygroup *g)
{
	veil_node *age = NULL;
	int error;

	if ((error = build_age(&age, doc, g)) < 0 || (error = entry(e, n, "age", age)) < 0)
		return error;
	for (size_t i = 0; g->nforeign && i < sizeof(foreign_lists) / sizeof(foreign_lists[0]);
	     i++) {
		const veil_node *list = deref(veil_node_get(g->node, foreign_lists[i]));
		if (count_items(list) &&
		    (error = entry(e, n, foreign_lists[i], copy_node(doc, list, 0))) < 0)
			return error;
	}
	return 0;
}

static int build_groups(veil_doc *doc, meta_entry *e, size_t *n, const veil_sops_meta *m)
{
	veil_node *list;
	int error;

	if (!m->grouped)
		return group_entries(doc, e, n, &m->groups[0]);
	if (!(list = veil_doc_build_seq(doc)))
		return VEIL_ENOMEM;
	for (size_t g = 0; g < m->ngroups; g++) {
		meta_entry ge[META_ENTRIES];
		size_t gn = 0;
		veil_node *gm = veil_doc_build_map(doc);
		if (!gm)
			return VEIL_ENOMEM;
		if ((error = group_entries(doc, ge, &gn, &m->groups[g])) < 0 ||
		    (error = add_sorted(gm, ge, gn)) < 0 ||
		    (error = veil_doc_add_item(list, NULL, gm)) < 0)
			return error;
	}
	return entry(e, n, "key_groups", list);
}

/* Keys in sops 3.13's sorted order, the selection rule among them. */
int veil_sops__meta_build(veil_node **out, veil_doc *doc, const veil_sops_meta *m)
{
	veil_node *tree = veil_doc_build_map(doc);
	const char *sel = m->sel.kind ? veil_sops__sel_name(m->sel.kind) : NULL;
	meta_entry e[META_ENTRIES];
	size_t n = 0;
	char thr[16];
	int error;

	*out = NULL;
	if (!tree)
		return veil_error_oom();
	snprintf(thr, sizeof(thr), "%d", m->shamir_threshold);
	if ((error = build_groups(doc, e, &n, m)) < 0 ||
	    (sel && (error = text_entry(doc, e, &n, sel, m->sel.value, VEIL_SCALAR_STR)) < 0) ||
	    (error = text_entry(doc, e, &n, "lastmodified", m->lastmodified, VEIL_SCALAR_STR)) <
	            0 ||
	    (error = text_entry(doc, e, &n, "mac", m->mac, VEIL_SCALAR_STR)) < 0 ||
	    (error = text_entry(doc, e, &n, "mac_only_encrypted",
	                        m->mac_only_encrypted ? "true" : NULL, VEIL_SCALAR_BOOL)) < 0 ||
	    (error = text_entry(doc, e, &n, "shamir_threshold",
	                        m->grouped && m->shamir_threshold ? thr : NULL, VEIL_SCALAR_INT)) <
	            0 ||
	    (error = text_entry(doc, e, &n, "veil_scope", m->scope, VEIL_SCALAR_STR)) < 0 ||
	    (error = text_entry(doc, e, &n, "veil_sorted_mac", m->sorted_mac, VEIL_SCALAR_STR)) <
	            0 ||
	    (error = text_entry(doc, e, &n, "version",
	                        m->version ? m->version : VEIL_SOPS_FORMAT_VERSION,
	                        VEIL_SCALAR_STR)) < 0 ||
	    (error = add_sorted(tree, e, n)) < 0)
		return error;
	*out = tree;
	return 0;
}

/* Opens the first entry of g that an identity can: *out (secret memory) is
 * the key (one group) or the group's share (len 33). */
static int open_group(uint8_t **out, size_t *out_len, const veil_sops_keygroup *g,
                      const veil_identities *ids, int *last_error)
{
	for (size_t i = 0; i < g->nage; i++) {
		const char *enc = g->age[i].enc;
		uint8_t *pt = NULL;
		size_t len = 0;
		int error;

		veil_identities_prepare(ids, g->age[i].recipient); /* e.g. SOPS_AGE_KEY_CMD */
		error = veil_age_decrypt_mem(&pt, &len, (const uint8_t *)enc, strlen(enc), ids,
		                             NULL);
		if (error == 0 && (len == 32 || len == 33)) {
			*out = pt;
			*out_len = len;
			return 0;
		}
		if (pt) {
			sodium_memzero(pt, len);
			free(pt);
		}
		if (error == 0)
			error = veil_error_set(VEIL_EFORMAT,
			                       "the data key wrapped for %s has "
			                       "length %zu",
			                       g->age[i].recipient, len);
		if (error != VEIL_ENOMATCH)
			*last_error = error;
	}
	return VEIL_ENOMATCH;
}

static int no_match(const veil_sops_meta *m, int last_error)
{
	veil_buf b = VEIL_BUF_INIT(4096);
	int error;

	if (last_error != VEIL_ENOMATCH)
		return last_error; /* e.g. a tampered enc: say what failed */
	veil_buf_printf(&b, "no identity can open the data key; the file is encrypted for:");
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			veil_buf_printf(&b, " %s", m->groups[g].age[i].recipient);
	error = veil_error_set(VEIL_ENOMATCH, "%s", b.data ? (char *)b.data : "");
	veil_buf_dispose(&b);
	return error;
}

int veil_sops__meta_data_key(uint8_t key[32], const veil_sops_meta *m, const veil_identities *ids)
{
	uint8_t *shares[VEIL_SHAMIR_MAX_PARTS];
	size_t nshares = 0, need, len = 0;
	int last_error = VEIL_ENOMATCH, error = 0;

	need = m->ngroups > 1 ? (m->shamir_threshold ? (size_t)m->shamir_threshold : m->ngroups)
	                      : 1;
	for (size_t g = 0; g < m->ngroups && g < VEIL_SHAMIR_MAX_PARTS && nshares < need; g++) {
		size_t l = 0;
		if (open_group(&shares[nshares], &l, &m->groups[g], ids, &last_error) < 0)
			continue;
		if (nshares > 0 && l != len) {
			error = veil_error_set(VEIL_EFORMAT, "key group shares differ in length");
			nshares++;
			goto done;
		}
		len = l;
		nshares++;
	}
	if (nshares < need) {
		error = no_match(m, last_error);
		goto done;
	}
	if (need == 1 && len == 32)
		memcpy(key, shares[0], 32);
	else if (need > 1 && len == 33)
		error = veil_shamir__combine(key, (const uint8_t *const *)shares, nshares, 33);
	else
		error = veil_error_set(VEIL_EFORMAT, "data key of unexpected length %zu", len);
done:
	for (size_t i = 0; i < nshares; i++) {
		sodium_memzero(shares[i], len ? len : 33);
		free(shares[i]);
	}
	return error;
}

/* Wraps secret for every recipient of g as an armored age file each. */
static int wrap_group(veil_sops_keygroup *g, const uint8_t *secret, size_t len)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	int error = 0;

	opts.armor = 1;
	for (size_t i = 0; i < g->nage && !error; i++) {
		veil_recipients *rs = NULL;
		veil_recipient *r = NULL;
		uint8_t *enc = NULL;
		size_t enc_len = 0;
		const char *text = g->age[i].recipient;
		if ((error = veil_recipient_parse(&r, text, strlen(text))) < 0 ||
		    (error = veil_recipients_new(&rs)) < 0) {
			veil_recipient_free(r);
			break;
		}
		if ((error = veil_recipients_add(rs, r)) == 0 &&
		    (error = veil_age_encrypt_mem(&enc, &enc_len, secret, len, rs, &opts)) == 0) {
			free(g->age[i].enc);
			if (!(g->age[i].enc = strndup((const char *)enc, enc_len)))
				error = veil_error_oom();
			free(enc);
		}
		veil_recipients_free(rs);
	}
	return error;
}

int veil_sops__meta_wrap(veil_sops_meta *m, const uint8_t key[32])
{
	uint8_t *shares[VEIL_SHAMIR_MAX_PARTS] = { NULL };
	size_t threshold;
	int error = 0;

	if (m->ngroups == 1 && !m->grouped)
		return wrap_group(&m->groups[0], key, 32);
	threshold = m->shamir_threshold ? (size_t)m->shamir_threshold : m->ngroups;
	if (m->ngroups > VEIL_SHAMIR_MAX_PARTS)
		return veil_error_set(VEIL_EINVAL, "too many key groups");
	for (size_t g = 0; g < m->ngroups; g++)
		if (!(shares[g] = sodium_malloc(33))) {
			error = veil_error_oom();
			goto done;
		}
	if ((error = veil_shamir__split(shares, m->ngroups, threshold, key, 32)) < 0)
		goto done;
	for (size_t g = 0; g < m->ngroups && !error; g++)
		error = wrap_group(&m->groups[g], shares[g], 33);
done:
	for (size_t g = 0; g < m->ngroups && g < VEIL_SHAMIR_MAX_PARTS; g++)
		sodium_free(shares[g]);
	return error;
}
