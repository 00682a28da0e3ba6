/*
 * Who can decrypt an encrypted file, against who should: the age
 * recipients of its sops metadata compared with those of the .sops.yaml
 * creation rule that matches it now. A recipient the rule no longer lists
 * (a teammate removed from it) can still open the file: an error, until
 * veil updatekeys re-wraps the data key. One the rule lists that the file
 * lacks cannot open it: a warning (nothing leaks, someone is locked out).
 */
#include "check/check_int.h"
#include "veil/sops.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Re-wrapping stops the removed key from opening the file's next version;
 * what it could read before is known to it, hence the rotation. */
#define FIX_REMOVED                                                                   \
	"veil updatekeys -y PATH (and veil rotate -i PATH: the removed key has held " \
	"the data key)"
#define FIX_MISSING "veil updatekeys -y PATH"

/* Does a .sops.yaml nearer than root's govern path? updatekeys walks up
 * from the file and stops at the first, so root's rule is not the file's:
 * judging it by that rule would report what veil updatekeys never fixes.
 * Such files are left alone (the rules the scanner holds are root's). */
static int nearer_config(const veil_check *c, const char *path)
{
	char probe[4096];
	size_t n = strlen(path);

	if (!c->root)
		return 0;
	while (n > 0) {
		while (n > 0 && path[n - 1] != '/')
			n--;
		if (n == 0)
			break;
		n--; /* the directory path[0..n) */
		if ((size_t)snprintf(probe, sizeof(probe), "%s/%.*s/" VEIL_SOPS_CONFIG_NAME,
		                     c->root, (int)n, path) < sizeof(probe) &&
		    access(probe, F_OK) == 0)
			return 1;
		if ((size_t)snprintf(probe, sizeof(probe), "%s/%.*s/" VEIL_SOPS_CONFIG_ALT_NAME,
		                     c->root, (int)n, path) < sizeof(probe) &&
		    access(probe, F_OK) == 0)
			return 1;
	}
	return 0;
}

static int rule_has(const veil_sops_rule *r, const char *recipient)
{
	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t i = 0; i < r->groups[g].nage; i++)
			if (!strcmp(r->groups[g].age[i], recipient))
				return 1;
	return 0;
}

static int meta_has(const veil_sops_meta *m, const char *recipient)
{
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			if (!strcmp(m->groups[g].age[i].recipient, recipient))
				return 1;
	return 0;
}

/* The same recipients in the same groups (in order, as sops keeps them)
 * and the same threshold? */
static int same_groups(const veil_sops_meta *m, const veil_sops_rule *r)
{
	size_t mt, rt;

	if (m->ngroups != r->ngroups)
		return 0;
	for (size_t g = 0; g < r->ngroups; g++) {
		if (m->groups[g].nage != r->groups[g].nage)
			return 0;
		for (size_t i = 0; i < r->groups[g].nage; i++)
			if (strcmp(m->groups[g].age[i].recipient, r->groups[g].age[i]))
				return 0;
	}
	mt = m->shamir_threshold > 0 ? (size_t)m->shamir_threshold : m->ngroups;
	rt = r->shamir_threshold > 0 ? (size_t)r->shamir_threshold : r->ngroups;
	return r->ngroups < 2 || mt == rt;
}

static int same_keys(const veil_sops_meta *m, const veil_sops_rule *r)
{
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			if (!rule_has(r, m->groups[g].age[i].recipient))
				return 0;
	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t i = 0; i < r->groups[g].nage; i++)
			if (!meta_has(m, r->groups[g].age[i]))
				return 0;
	return 1;
}

static size_t rule_count(const veil_sops_rule *r)
{
	size_t n = 0;

	for (size_t g = 0; g < r->ngroups; g++)
		n += r->groups[g].nage;
	return n;
}

/* Byte offset of the recipient in the file (its line in the sops block). */
static size_t where(const veil_check__src *src, const char *recipient)
{
	const char *p = veil_check__memmem(src->text, src->len, recipient, strlen(recipient));

	return p ? (size_t)(p - src->text) : 0;
}

static int removed(veil_check *c, const veil_check__src *src, const veil_sops_meta *m,
                   const veil_sops_rule *r, const char *rx)
{
	int error = 0;

	for (size_t g = 0; g < m->ngroups && !error; g++)
		for (size_t i = 0; i < m->groups[g].nage && !error; i++) {
			const char *rc = m->groups[g].age[i].recipient;
			if (rule_has(r, rc))
				continue;
			error = veil_check__add(
			        c, src, where(src, rc), "sops-recipient-removed", VEIL_CHECK_ERROR,
			        rc, strlen(rc), FIX_REMOVED,
			        "%.90s can still decrypt this file, but its .sops.yaml creation "
			        "rule (path_regex %.60s) no longer lists it",
			        rc, rx);
		}
	return error;
}

static int missing(veil_check *c, const veil_check__src *src, const veil_sops_meta *m,
                   const veil_sops_rule *r, const char *rx)
{
	int error = 0;

	for (size_t g = 0; g < r->ngroups && !error; g++)
		for (size_t i = 0; i < r->groups[g].nage && !error; i++) {
			const char *rc = r->groups[g].age[i];
			if (meta_has(m, rc))
				continue;
			error = veil_check__add_at(
			        c, src, 0, 0, "sops-recipient-missing", VEIL_CHECK_WARNING, rc,
			        strlen(rc), FIX_MISSING,
			        "%.90s cannot decrypt this file: its .sops.yaml creation rule "
			        "(path_regex %.60s) lists it, the file's keys do not",
			        rc, rx);
		}
	return error;
}

int veil_check__sops_recipients(veil_check *c, const veil_check__src *src, const veil_doc *doc)
{
	const veil_sops_rule *r;
	veil_sops_meta m;
	const char *rx;
	int error = 0;

	/* a past blob (--history) cannot be re-keyed: its recipients are what
	 * they were; the files of the tree are judged by what they are now */
	if (c->commit[0] || !veil_sops_is_encrypted(doc) ||
	    !(r = veil_check__keys_rule(c, src->path)) || rule_count(r) == 0 ||
	    nearer_config(c, src->path))
		return 0;
	memset(&m, 0, sizeof(m));
	if (veil_sops_meta_of(&m, doc, src->path) != 0) {
		veil_error_clear();
		return 0;
	}
	rx = r->path_regex ? r->path_regex : "(any file)";
	error = removed(c, src, &m, r, rx);
	if (!error)
		error = missing(c, src, &m, r, rx);
	/* the same keys, grouped differently: who decides changed, not who can */
	if (!error && same_keys(&m, r) && !same_groups(&m, r))
		error = veil_check__add_at(
		        c, src, 0, 0, "sops-key-groups-changed", VEIL_CHECK_WARNING, src->text,
		        src->len, FIX_MISSING,
		        "the file's key groups or Shamir threshold (%zu group%s, threshold %d) "
		        "differ from its .sops.yaml creation rule's (path_regex %.60s: %zu, %d)",
		        m.ngroups, m.ngroups == 1 ? "" : "s", m.shamir_threshold, rx, r->ngroups,
		        r->shamir_threshold);
	veil_sops_meta_dispose(&m);
	return error;
}
