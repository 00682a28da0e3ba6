/*
 * veil git mergetool FILE: resolves the values `veil git merge` left
 * conflicting (other conflicts: cmd_git_mergetool_text.c). The three versions it recorded are merged again in memory;
 * each conflicting value is shown as base/ours/theirs (JSON strings) in a
 * file in the private directory `veil edit` uses, the user keeps one line
 * per value (or writes a new one) in their editor, and FILE is written
 * merged and sealed with a fresh MAC. The plaintext file is wiped and
 * removed afterwards, whatever happens.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_git.h"
#include "privdir.h"
#include "sops_cli.h"
#include "veil/git.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/jsonstr.h"
#include "util/secret.h"

static const char *const labels[3] = { "base", "ours", "theirs" };

typedef struct tool {
	veil_buf text; /* the file the user edits: plaintext, wiped */
	char (*types)[3][8];
	size_t n, cap;
} tool;

static int show(void *payload, const veil_sops_merge_conflict *c,
                const veil_sops_merge_value sides[3])
{
	tool *t = payload;
	int error;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char(*types)[3][8] = realloc(t->types, cap * sizeof(*types));
		if (!types)
			return veil_error_set(VEIL_ENOMEM, "out of memory");
		t->types = types;
		t->cap = cap;
	}
	if ((error = veil_buf_printf(&t->text, "\npath %s\n", c->path)) < 0)
		return error;
	for (int i = 0; i < 3; i++) {
		snprintf(t->types[t->n][i], sizeof(t->types[t->n][i]), "%s",
		         sides[i].type ? sides[i].type : "str");
		if (!sides[i].pt) {
			error = veil_buf_printf(&t->text, "# %s: (no such value)\n", labels[i]);
		} else if ((error = veil_buf_printf(&t->text, "%s: ", labels[i])) == 0 &&
		           (error = veil_json_string(&t->text, (const char *)sides[i].pt,
		                                     sides[i].len, 0)) == 0) {
			error = veil_buf_putc(&t->text, '\n');
		}
		if (error < 0)
			return error == VEIL_EFORMAT
			               ? veil_error_set(VEIL_EFORMAT,
			                                "%s: a value that is not UTF-8 "
			                                "cannot be shown",
			                                c->path)
			               : error;
	}
	t->n++;
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16u;
		if (v == 16)
			return -1;
		*out = *out << 4 | v;
	}
	return 0;
}

static int put_utf8(veil_buf *b, unsigned cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80)
		u[0] = (uint8_t)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (uint8_t)(0xc0 | cp >> 6), u[1] = (uint8_t)(0x80 | (cp & 0x3f)), n = 2;
	else if (cp < 0x10000)
		u[0] = (uint8_t)(0xe0 | cp >> 12), u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)),
		u[2] = (uint8_t)(0x80 | (cp & 0x3f)), n = 3;
	else
		u[0] = (uint8_t)(0xf0 | cp >> 18), u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f)),
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (uint8_t)(0x80 | (cp & 0x3f)),
		n = 4;
	return veil_buf_append(b, u, n);
}

/* A JSON string that is all of s (blanks may follow), decoded into out. */
static int unquote(veil_buf *out, const char *s, size_t len)
{
	size_t i = 1;

	if (!len || s[0] != '"')
		return -1;
	for (; i < len && s[i] != '"'; i++) {
		const char *esc = "\"\"\\\\//b\bf\fn\nr\rt\t";
		unsigned cp, lo;
		if (s[i] != '\\') {
			if ((unsigned char)s[i] < 0x20 || veil_buf_putc(out, (uint8_t)s[i]) < 0)
				return -1;
			continue;
		}
		if (++i == len)
			return -1;
		if (s[i] != 'u') {
			const char *e = s[i] ? strchr(esc, s[i]) : NULL;
			if (!e || ((e - esc) & 1) || veil_buf_putc(out, (uint8_t)e[1]) < 0)
				return -1;
			continue;
		}
		if (i + 4 >= len || hex4(s + i + 1, &cp) < 0)
			return -1;
		i += 4;
		if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair */
			if (i + 6 >= len || s[i + 1] != '\\' || s[i + 2] != 'u' ||
			    hex4(s + i + 3, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return -1;
		}
		if (put_utf8(out, cp) < 0)
			return -1;
	}
	if (i >= len)
		return -1;
	for (i++; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return -1;
	return 0;
}

/* The user's answers, one per conflict (their pt malloc'd, wiped by
 * answers_free). */
typedef struct answers {
	veil_sops_merge_value *v;
	size_t n;
} answers;

static void answers_free(answers *a)
{
	for (size_t i = 0; a->v && i < a->n; i++)
		veil_wipe_free((void *)a->v[i].pt, a->v[i].len);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* One "LABEL: JSON" line of entry e. */
static int take_line(answers *a, const tool *t, size_t e, const char *line, size_t len,
                     size_t lineno)
{
	veil_buf v = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	const char *colon = memchr(line, ':', len), *type = "str";
	size_t llen = colon ? (size_t)(colon - line) : 0, off;
	int side = -1;

	for (int i = 0; i < 3; i++)
		if (llen == strlen(labels[i]) && !memcmp(line, labels[i], llen))
			side = i;
	if (side < 0 && !(llen == 5 && !memcmp(line, "value", 5))) {
		veil_cli__error(
		        "line %zu: expected 'path', 'base:', 'ours:', 'theirs:' or 'value:'",
		        lineno);
		return VEIL_EXIT_FAIL;
	}
	if (side >= 0)
		type = t->types[e][side];
	for (off = llen + 1; off < len && (line[off] == ' ' || line[off] == '\t'); off++)
		;
	if (unquote(&v, line + off, len - off) < 0) {
		veil_buf_dispose(&v);
		veil_cli__error("line %zu: the value is not one JSON string (\"...\")", lineno);
		return VEIL_EXIT_FAIL;
	}
	veil_sops_merge_value *cur = &a->v[e];
	if (cur->type && (strcmp(cur->type, type) || cur->len != v.len ||
	                  (v.len && memcmp(cur->pt, v.data, v.len)))) {
		veil_buf_dispose(&v);
		veil_cli__error("line %zu: a second, different value for one path: keep one",
		                lineno);
		return VEIL_EXIT_FAIL;
	}
	if (!cur->type) {
		cur->type = type;
		cur->pt = v.data ? veil_buf_detach(&v, &cur->len) : (uint8_t *)calloc(1, 1);
	}
	veil_buf_dispose(&v);
	return cur->pt ? 0 : veil_cli__lib_error("mergetool", VEIL_ENOMEM);
}

/* Reads the edited file back into one answer per conflict. */
static int parse_answers(answers *a, const tool *t, const char *text, size_t len)
{
	size_t e = SIZE_MAX, lineno = 0;
	int rc = 0;

	if (!(a->v = calloc(t->n + 1, sizeof(*a->v))))
		return veil_cli__lib_error("mergetool", VEIL_ENOMEM);
	a->n = t->n;
	for (size_t i = 0; i < len && rc == 0;) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		i += n + 1;
		lineno++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n || line[0] == '#')
			continue;
		if (n > 5 && !memcmp(line, "path ", 5)) {
			if (++e >= t->n) {
				veil_cli__error("line %zu: more paths than conflicting values",
				                lineno);
				rc = VEIL_EXIT_FAIL;
			}
			continue;
		}
		if (e == SIZE_MAX) {
			veil_cli__error("line %zu: a value before the first 'path' line", lineno);
			rc = VEIL_EXIT_FAIL;
		} else {
			rc = take_line(a, t, e, line, n, lineno);
		}
	}
	for (size_t k = 0; k < t->n && rc == 0; k++)
		if (!a->v[k].type) {
			veil_cli__error("conflict %zu of %zu has no value left: keep one of its "
			                "base/ours/theirs lines",
			                k + 1, t->n);
			rc = VEIL_EXIT_FAIL;
		}
	return rc;
}

/* FILE as git names it: relative to the working tree's root. */
static int repo_path(char **out, const char *file)
{
	veil_git_repo *repo = NULL;
	char root[PATH_MAX], dir[PATH_MAX], *copy = strdup(file), *slash;
	const char *base = file;
	int rc = VEIL_EXIT_FAIL, error;
	size_t n;

	*out = NULL;
	if (!copy)
		return veil_cli__lib_error("mergetool", VEIL_ENOMEM);
	if ((slash = strrchr(copy, '/')) != NULL) {
		*slash = '\0';
		base = slash + 1;
	}
	if ((error = veil_git_open(&repo, NULL)) < 0) {
		rc = veil_cli__lib_error("git mergetool", error);
		goto done;
	}
	if (!veil_git_workdir(repo) || !realpath(veil_git_workdir(repo), root) ||
	    !realpath(slash ? (*copy ? copy : "/") : ".", dir)) {
		veil_cli__error("%s: not in the working tree of this repository", file);
		goto done;
	}
	n = strlen(root);
	if (strncmp(dir, root, n) || (dir[n] && dir[n] != '/')) {
		veil_cli__error("%s: not in the working tree of this repository", file);
		goto done;
	}
	if (!(*out = malloc(strlen(dir + n) + strlen(base) + 2))) {
		rc = veil_cli__lib_error("mergetool", VEIL_ENOMEM);
		goto done;
	}
	sprintf(*out, "%s%s%s", dir[n] ? dir + n + 1 : "", dir[n] ? "/" : "", base);
	rc = 0;
done:
	veil_git_close(repo);
	free(copy);
	return rc;
}

/* merge_with: a conflict beyond single values, for the whole-file way */
#define WHOLE_FILE 1000

static int merge_with(veil_sops_merge_result *r, const veil_cli_merge_sides *s, const char *path,
                      const veil_identities *ids, tool *t, const answers *a)
{
	veil_sops_merge_options o = VEIL_SOPS_MERGE_OPTIONS_INIT;
	int error;

	o.identities = ids;
	o.show = t ? show : NULL;
	o.show_payload = t;
	o.choices = a ? a->v : NULL;
	o.nchoices = a ? a->n : 0;
	error = veil_sops_merge(r, veil_doc_format_from_path(path), path, (const char *)s->data[0],
	                        s->len[0], (const char *)s->data[1], s->len[1],
	                        (const char *)s->data[2], s->len[2], &o);
	if (error < 0) {
		veil_cli__lib_error(path, error);
		return veil_cli__sops_exit(error);
	}
	if (r->text)
		return 0;
	for (size_t i = 0; i < r->nconflicts; i++)
		if (r->conflicts[i].kind != VEIL_SOPS_MERGE_VALUE)
			return WHOLE_FILE;
	return 0;
}

static const char header[] =
        "# veil git mergetool: values of %s changed differently on both sides.\n"
        "# Under each path, keep one of its base/ours/theirs lines (delete the others),\n"
        "# or change one, or write 'value: \"...\"'. Values are JSON strings; a kept\n"
        "# line keeps its side's type. Save and quit to write the merged file.\n";

/* Shows the conflicts in the editor and reads the answers back. */
static int ask(answers *a, tool *t, const char *path)
{
	char dir[VEIL_CLI_PRIVDIR_MAX] = "", file[VEIL_CLI_PRIVDIR_MAX + 64];
	veil_buf all = VEIL_BUF_INIT(0);
	uint8_t *edited = NULL;
	size_t elen = 0;
	int rc, error;

	if ((error = veil_buf_printf(&all, header, path)) < 0 ||
	    (error = veil_buf_append(&all, t->text.data, t->text.len)) < 0 ||
	    (error = veil_cli__privdir_make(dir)) < 0 ||
	    (error = veil_cli__privdir_write(file, sizeof(file), dir, "conflicts.txt",
	                                     (const char *)all.data, all.len)) < 0) {
		rc = veil_cli__lib_error("mergetool", error);
		goto done;
	}
	if ((rc = veil_cli__run_editor(file, path)) != 0)
		goto done;
	if ((error = veil_file_read(&edited, &elen, file, VEIL_DOC_MAX_SIZE)) < 0) {
		rc = veil_cli__lib_error(file, error);
		goto done;
	}
	rc = parse_answers(a, t, (const char *)edited, elen);
done:
	veil_cli__privdir_remove(dir);
	veil_wipe_free(edited, elen);
	veil_buf_dispose(&all);
	return rc;
}

static int resolve(const char *file, const char *path)
{
	veil_cli_merge_sides s;
	veil_sops_merge_result r = { 0 };
	veil_identities *ids = NULL;
	tool t = { VEIL_BUF_INIT(0), NULL, 0, 0 };
	answers a = { NULL, 0 };
	int rc, error;

	if ((error = veil_cli__merge_record_load(&s, path)) < 0) {
		veil_cli__error("%s: no conflict recorded by veil git merge (%s)", file,
		                veil_error_last());
		veil_cli__hint("is merge=veil set for it in .gitattributes (veil git setup)?");
		return VEIL_EXIT_FAIL;
	}
	if ((rc = veil_cli__doc_identities(&ids, NULL, 0)) != 0)
		goto done;
	rc = merge_with(&r, &s, path, ids, &t, NULL);
	if (rc == 0 && !r.text) {
		veil_sops_merge_result_dispose(&r);
		if ((rc = ask(&a, &t, path)) == 0)
			rc = merge_with(&r, &s, path, ids, NULL, &a);
	}
	if (rc == WHOLE_FILE) {
		if ((rc = veil_cli__mergetool_text(file, path, &s, ids)) == 0) {
			veil_cli__merge_record_clear(path);
			fprintf(stderr, "veil: %s: merged; mark it with: git add %s\n", file, file);
		}
		goto done;
	}
	if (rc != 0)
		goto done;
	if (!r.text) {
		rc = veil_cli__lib_error(path, veil_error_set(VEIL_ERROR, "still conflicting"));
		goto done;
	}
	if ((rc = veil_cli__doc_write(NULL, 1, file, r.text, r.len)) != 0)
		goto done;
	veil_cli__merge_record_clear(path);
	fprintf(stderr, "veil: %s: merged (%zu value%s settled); mark it with: git add %s\n", file,
	        t.n, t.n == 1 ? "" : "s", file);
done:
	veil_sops_merge_result_dispose(&r);
	answers_free(&a);
	veil_buf_dispose(&t.text);
	free(t.types);
	veil_identities_free(ids);
	veil_cli__merge_sides_dispose(&s);
	return rc;
}

int veil_cli__git_mergetool(int argc, char **argv)
{
	char *path = NULL;
	int rc;

	if (argc > 0 && !strcmp(argv[0], "--"))
		argc--, argv++;
	if (argc != 1)
		return veil_cli__usage("git", "'veil git mergetool' takes one FILE");
	if ((rc = repo_path(&path, argv[0])) == 0)
		rc = resolve(argv[0], path);
	free(path);
	return rc;
}
