/* updatekeys and rotate over many files: collect, plan, ask once, apply. */
#include "rekey_many.h"
#include "util/array.h"
#include "util/fsutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int veil_cli__rekey_note(veil_cli_rekey_item *it, int which, const char *r)
{
	const char ***list = which ? &it->gain : &it->lose;
	size_t *n = which ? &it->ngain : &it->nlose;
	const char **grown;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], r))
			return 0;
	if (!(grown = realloc(*list, (*n + 1) * sizeof(*grown)))) {
		veil_cli__error("out of memory");
		return VEIL_EXIT_FAIL;
	}
	grown[(*n)++] = r;
	*list = grown;
	return 0;
}

int veil_cli__meta_has(const veil_sops_meta *m, const char *recipient)
{
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->groups[g].nage; i++)
			if (!strcmp(m->groups[g].age[i].recipient, recipient))
				return 1;
	return 0;
}

int veil_cli__rekey_confirmed(void)
{
	char line[64];

	for (;;) {
		fputs("Is this okay? (y/n): ", stdout);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "y") || !strcmp(line, "n"))
			return line[0] == 'y';
	}
}

/* A file met in a directory: parsed only when it may be a sops file;
 * one that is not is passed over (*skip), with a warning when it looked
 * like one. */
static int load_walked(veil_cli_rekey *rk, veil_cli_rekey_item *it, int *skip)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int error = veil_file_read(&text, &len, it->path, VEIL_DOC_MAX_SIZE);

	*skip = 1;
	if (error == 0 && !veil_cli__files_sops_like((char *)text, len)) {
		free(text);
		return 0;
	}
	if (error == 0 &&
	    (error = veil_doc_parse(&it->doc, veil_cli__doc_format(it->path, rk->fmt), (char *)text,
	                            len, it->path)) == 0 &&
	    !veil_sops_is_encrypted(it->doc))
		error = veil_error_set(VEIL_EFORMAT, "no sops metadata with a mac");
	if (error < 0) {
		veil_cli__warning("%s: skipped: %s", it->path, veil_error_last());
		free(text);
		return 0;
	}
	it->text = (char *)text;
	it->len = len;
	*skip = 0;
	return 0;
}

/* Reads and plans one file; *skip when it is no sops file of a walk. */
static int load_one(veil_cli_rekey *rk, const veil_cli_file *f, veil_cli_rekey_item *it, int *skip)
{
	int rc;

	it->path = f->path;
	*skip = 0;
	if (!f->named) {
		if ((rc = load_walked(rk, it, skip)) != 0 || *skip)
			return rc;
	} else {
		if (!strcmp(f->path, "-"))
			return veil_cli__usage(rk->cmd, "FILE is changed in place: stdin cannot "
			                                "be used");
		if ((rc = veil_cli__doc_load(&it->doc, &it->text, &it->len, f->path, rk->fmt)) != 0)
			return rc;
		if (!veil_sops_is_encrypted(it->doc))
			return veil_cli__not_encrypted(it->doc, f->path);
	}
	return rk->plan(rk, it);
}

static void item_dispose(veil_cli_rekey_item *it)
{
	veil_doc_free(it->doc);
	veil_sops_rekey_dispose(&it->old);
	free(it->text);
	free(it->gain);
	free(it->lose);
	memset(it, 0, sizeof(*it));
}

/* Every file read and planned. A failure stops the plan unless
 * keep_going (the file is then left out of it). */
static int plan_all(veil_cli_rekey *rk, size_t *failed)
{
	for (size_t i = 0; i < rk->files.n; i++) {
		veil_cli_rekey_item *it, *grown;
		int skip = 0, rc;

		grown = veil_array_grow(rk->items, &rk->cap, rk->n + 1, sizeof(*grown));
		if (!grown) {
			veil_cli__error("out of memory");
			return VEIL_EXIT_FAIL;
		}
		rk->items = grown;
		it = &rk->items[rk->n];
		memset(it, 0, sizeof(*it));
		rc = load_one(rk, &rk->files.items[i], it, &skip);
		if (skip) {
			item_dispose(it);
			continue;
		}
		rk->n++;
		if (rc == 0)
			continue;
		it->rc = rc;
		it->todo = 0;
		++*failed;
		if (!rk->keep_going)
			return rc;
	}
	return 0;
}

/* Who gains and who loses access over all files, with the counts: one
 * pass, a count per distinct recipient (few, however many files). */
static int print_totals(const veil_cli_rekey *rk)
{
	struct total {
		const char *r;
		size_t n[2];
	} *t = NULL, *grown;
	size_t nt = 0, cap = 0;
	int error = 0;

	for (size_t i = 0; i < rk->n && !error; i++) {
		const veil_cli_rekey_item *it = &rk->items[i];
		for (int which = 0; which < 2 && !error; which++)
			for (size_t k = 0; k < (which ? it->ngain : it->nlose); k++) {
				const char *r = (which ? it->gain : it->lose)[k];
				size_t j = 0;

				while (j < nt && strcmp(t[j].r, r))
					j++;
				if (j == nt) {
					if (!(grown = veil_array_grow(t, &cap, nt + 1,
					                              sizeof(*t)))) {
						error = VEIL_EXIT_FAIL;
						break;
					}
					t = grown;
					t[nt].r = r;
					t[nt].n[0] = t[nt].n[1] = 0;
					nt++;
				}
				t[j].n[which]++;
			}
	}
	for (int which = 1; which >= 0 && !error; which--)
		for (size_t j = 0; j < nt; j++)
			if (t[j].n[which])
				printf("  %c %s %s %zu file%s\n", which ? '+' : '-', t[j].r,
				       which ? "gains access to" : "loses access to", t[j].n[which],
				       t[j].n[which] == 1 ? "" : "s");
	free(t);
	if (error)
		veil_cli__error("out of memory");
	return error;
}

/* The combined plan; returns how many files it changes. */
static size_t print_plan(const veil_cli_rekey *rk, const char *header)
{
	size_t todo = 0, same = 0, planned = 0;

	for (size_t i = 0; i < rk->n; i++)
		planned += rk->items[i].rc == 0;
	for (size_t i = 0; i < rk->n; i++) {
		const veil_cli_rekey_item *it = &rk->items[i];
		if (it->rc)
			continue;
		if (!it->todo) {
			same++;
			if (planned == 1)
				printf("%s: already up to date\n", it->path);
			continue;
		}
		todo++;
		printf("%s: %s:\n", it->path, header);
		for (size_t k = 0; k < it->ngain; k++)
			printf("+ %s\n", it->gain[k]);
		for (size_t k = 0; k < it->nlose; k++)
			printf("- %s\n", it->lose[k]);
		if (it->regroup)
			printf("~ key groups or threshold\n");
		if (it->note)
			printf("  note: %s\n", it->note);
	}
	if (planned > 1) {
		printf("plan: %zu file%s to change, %zu already up to date\n", todo,
		       todo == 1 ? "" : "s", same);
		print_totals(rk);
	}
	return todo;
}

/* Applies one planned file, unless it changed since it was read. */
static int apply_one(veil_cli_rekey *rk, veil_cli_rekey_item *it)
{
	uint8_t *now = NULL;
	size_t len = 0;
	int error = veil_file_read(&now, &len, it->path, VEIL_DOC_MAX_SIZE), same;

	same = error == 0 && len == it->len && !memcmp(now, it->text, len);
	free(now);
	if (error < 0)
		return veil_cli__lib_error(it->path, error);
	if (!same) {
		veil_cli__error("%s: changed since the plan was made: left as it is", it->path);
		return VEIL_EXIT_FAIL;
	}
	return rk->apply(rk, it);
}

/* The failures, named, after the per-file messages; the exit code. */
static int report(const veil_cli_rekey *rk, size_t failed, size_t unattempted)
{
	size_t shown = 0;
	char names[512] = "";

	if (!failed)
		return 0;
	for (size_t i = 0; i < rk->n && shown < 8; i++)
		if (rk->items[i].rc) {
			size_t l = strlen(names);
			snprintf(names + l, sizeof(names) - l, "%s%s", shown++ ? ", " : "",
			         rk->items[i].path);
		}
	veil_cli__error("%zu file%s failed and %s left as %s: %s%s", failed, failed == 1 ? "" : "s",
	                failed == 1 ? "is" : "are", failed == 1 ? "it was" : "they were", names,
	                failed > shown ? ", ..." : "");
	if (unattempted)
		veil_cli__hint("stopped at the first failure: %zu more file%s not attempted "
		               "(--keep-going goes on past a failure)",
		               unattempted, unattempted == 1 ? "" : "s");
	if (rk->n == 1 && rk->files.n == 1)
		return rk->items[0].rc;
	return VEIL_EXIT_FAIL;
}

static int ask(const veil_cli_rekey *rk)
{
	int rc;

	if (rk->yes)
		return 1;
	if ((rc = veil_cli__rekey_confirmed()) < 0)
		veil_cli__error("no answer to the question (no terminal?): nothing changed; pass "
		                "-y to apply the changes without asking");
	else if (rc == 0)
		printf("changes not applied\n");
	return rc;
}

int veil_cli__rekey_run(veil_cli_rekey *rk)
{
	size_t failed = 0, unattempted = 0, todo;
	int rc;

	if ((rc = veil_cli__files_collect(&rk->files, rk->cmd, (char *const *)rk->operands,
	                                  rk->noperands, rk->recursive)) != 0)
		return rc;
	if ((rc = plan_all(rk, &failed)) != 0) {
		if (rk->files.n > 1 && rk->n && rk->items[rk->n - 1].rc)
			veil_cli__error("%s: planning failed, nothing changed (--keep-going leaves "
			                "it out of the plan)",
			                rk->items[rk->n - 1].path);
		return rk->files.n == 1 ? rc : VEIL_EXIT_FAIL;
	}
	if (rk->n == 0 && !failed) {
		veil_cli__hint("no sops-encrypted files found");
		return 0;
	}
	todo = print_plan(rk, rk->plan_header);
	if (todo && (rc = ask(rk)) <= 0)
		return rc < 0 ? VEIL_EXIT_FAIL : report(rk, failed, 0);
	for (size_t i = 0; i < rk->n; i++) {
		veil_cli_rekey_item *it = &rk->items[i];

		if (!it->todo || it->rc)
			continue;
		if (failed && !rk->keep_going) {
			unattempted++;
			continue;
		}
		if ((it->rc = apply_one(rk, it)) != 0)
			failed++;
		else
			printf("%s: %s\n", it->path, rk->done_verb);
	}
	return report(rk, failed, unattempted);
}

void veil_cli__rekey_dispose(veil_cli_rekey *rk)
{
	for (size_t i = 0; i < rk->n; i++)
		item_dispose(&rk->items[i]);
	free(rk->items);
	veil_cli__files_dispose(&rk->files);
	veil_cli__rules_dispose(&rk->rules);
	rk->items = NULL;
	rk->n = rk->cap = 0;
}
