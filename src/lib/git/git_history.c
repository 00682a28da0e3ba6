/* --history: every blob reachable from HEAD and the refs, each checked once. */
#include "git/gitrepo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veil/error.h"

/* A set of object ids: open addressing, the id's first bytes are the hash. */
typedef struct oidset {
	git_oid *slots;
	unsigned char *used;
	size_t cap, n;
} oidset;

static size_t oid_hash(const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

static int oidset_grow(oidset *s)
{
	oidset t = { 0 };

	t.cap = s->cap ? s->cap * 2 : 1024;
	t.slots = malloc(t.cap * sizeof(*t.slots));
	t.used = calloc(t.cap, 1);
	if (!t.slots || !t.used) {
		free(t.slots);
		free(t.used);
		return veil_error_oom();
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->used[i])
			continue;
		for (j = oid_hash(&s->slots[i]) & (t.cap - 1); t.used[j]; j = (j + 1) & (t.cap - 1))
			;
		t.slots[j] = s->slots[i];
		t.used[j] = 1;
	}
	t.n = s->n;
	free(s->slots);
	free(s->used);
	*s = t;
	return 0;
}

/* 1 if id was added, 0 if it was there already, < 0 on error. */
static int oidset_add(oidset *s, const git_oid *id)
{
	size_t j;
	int error;

	if ((s->n + 1) * 2 > s->cap && (error = oidset_grow(s)) < 0)
		return error;
	for (j = oid_hash(id) & (s->cap - 1); s->used[j]; j = (j + 1) & (s->cap - 1))
		if (!memcmp(s->slots[j].id, id->id, sizeof(id->id)))
			return 0;
	s->slots[j] = *id;
	s->used[j] = 1;
	s->n++;
	return 1;
}

static void oidset_dispose(oidset *s)
{
	free(s->slots);
	free(s->used);
}

typedef struct hist {
	veil_git_repo *repo;
	oidset blobs, trees;
	const git_oid *commit; /* NULL: attributes from the index (bare --all) */
	char hex[GIT_OID_HEXSZ + 1];
	veil_git_blob_fn fn;
	void *payload;
	int error;
} hist;

static int visit(const char *root, const git_tree_entry *te, void *payload)
{
	hist *h = payload;
	git_object_t type = VEIL_GIT(git_tree_entry_type)(te);
	const git_oid *id = VEIL_GIT(git_tree_entry_id)(te);
	const char *name = VEIL_GIT(git_tree_entry_name)(te);
	char *path;
	size_t rl, nl;
	int added;

	if (type == GIT_OBJECT_TREE) {
		/* a tree seen before holds only blobs seen before: skip it */
		added = oidset_add(&h->trees, id);
		if (added < 0)
			h->error = added;
		return added < 0 ? -1 : added ? 0 : 1;
	}
	if (type != GIT_OBJECT_BLOB || !VEIL_GIT_REGULAR(VEIL_GIT(git_tree_entry_filemode)(te)))
		return 0;
	if ((added = oidset_add(&h->blobs, id)) <= 0) {
		h->error = added;
		return added < 0 ? -1 : 0;
	}
	rl = strlen(root);
	nl = strlen(name);
	if (!(path = malloc(rl + nl + 1))) {
		h->error = veil_error_oom();
		return -1;
	}
	memcpy(path, root, rl);
	memcpy(path + rl, name, nl + 1);
	h->error = veil_git__emit(h->repo, id, path, veil_git__attrs(h->repo, path, h->commit),
	                          h->commit ? h->hex : NULL, h->fn, h->payload);
	free(path);
	return h->error < 0 ? -1 : 0;
}

static int walk_commit(hist *h, const git_oid *commit)
{
	git_tree *tree = NULL;
	git_commit *c = NULL;
	int error;

	if ((error = VEIL_GIT(git_commit_lookup)(&c, h->repo->repo, commit)) < 0 ||
	    (error = VEIL_GIT(git_tree_lookup)(&tree, h->repo->repo,
	                                       VEIL_GIT(git_commit_tree_id)(c))) < 0) {
		error = veil_git__error(error, "reading a commit");
		goto done;
	}
	h->commit = commit;
	VEIL_GIT(git_oid_tostr)(h->hex, sizeof(h->hex), commit);
	h->error = 0;
	error = VEIL_GIT(git_tree_walk)(tree, GIT_TREEWALK_PRE, visit, h);
	if (error < 0)
		error = h->error < 0 ? h->error : veil_git__error(error, "walking a tree");
done:
	if (tree)
		VEIL_GIT(git_tree_free)(tree);
	if (c)
		VEIL_GIT(git_commit_free)(c);
	return error;
}

int veil_git_each_history(veil_git_repo *repo, veil_git_blob_fn fn, void *payload)
{
	hist h = { .repo = repo, .fn = fn, .payload = payload };
	git_revwalk *walk = NULL;
	git_oid id;
	int error, pushed = 0;

	if ((error = VEIL_GIT(git_revwalk_new)(&walk, repo->repo)) < 0) {
		error = veil_git__error(error, "walking history");
		goto done;
	}
	/* parents before children, so a blob is named by the commit that
	 * introduced it */
	VEIL_GIT(git_revwalk_sorting)(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (VEIL_GIT(git_revwalk_push_head)(walk) == 0)
		pushed = 1;
	if (VEIL_GIT(git_revwalk_push_glob)(walk, "refs/*") == 0)
		pushed = 1;
	error = 0;
	if (!pushed)
		goto done; /* no commits yet */
	for (;;) {
		int next = VEIL_GIT(git_revwalk_next)(&id, walk);

		if (next == GIT_ITEROVER)
			break;
		if (next < 0) {
			error = veil_git__error(next, "walking history");
			break;
		}
		if ((error = walk_commit(&h, &id)) < 0)
			break;
	}
done:
	if (walk)
		VEIL_GIT(git_revwalk_free)(walk);
	oidset_dispose(&h.blobs);
	oidset_dispose(&h.trees);
	return error;
}

int veil_git__each_history_head(veil_git_repo *repo, veil_git_blob_fn fn, void *payload)
{
	hist h = { .repo = repo, .fn = fn, .payload = payload };
	git_tree *tree = NULL;
	int error;

	if ((error = veil_git__head_tree(repo, &tree)) < 0 || !tree)
		return error;
	error = VEIL_GIT(git_tree_walk)(tree, GIT_TREEWALK_PRE, visit, &h);
	if (error < 0)
		error = h.error < 0 ? h.error : veil_git__error(error, "walking HEAD's tree");
	VEIL_GIT(git_tree_free)(tree);
	oidset_dispose(&h.blobs);
	oidset_dispose(&h.trees);
	return error;
}
