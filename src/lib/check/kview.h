#ifndef VEIL_CHECK_KVIEW_H
#define VEIL_CHECK_KVIEW_H
/*
 * The Kubernetes view of a text: its documents as the tools that deploy it
 * load them, not as its bytes read. kubectl splits a stream at "---" lines
 * and reads each piece with go-yaml v2 (sigs.k8s.io/yaml), or as a stream
 * of JSON values when it starts with '{'; kustomize reads every document
 * with go-yaml v3. So, here, from libyaml's events:
 *  - escapes, folding and quoting are decoded ("\x53ecret" is "Secret");
 *  - an alias is its anchored node, wherever it is used; "<<" merge keys
 *    bring the entries of the merged maps (kview_each), with a budget on
 *    the nodes visited, so an alias bomb ends the walk instead of the hook;
 *  - a scalar tagged !!binary (however the tag is spelled: %TAG, !<...>,
 *    URI escapes) is its decoded bytes;
 *  - keys of any type, duplicate keys and a non-map root are kept (the
 *    walk looks at every value a reader could end up with); a subtree
 *    deeper than 256 levels stands as a null (its anchored scalars kept);
 *  - a syntax error ends only its document: what was read of it is still
 *    given (partial), and reading goes on at the next "---" line (or
 *    "..."), as kubectl reads the next piece;
 *  - JSON text: each top-level value of the stream on its own, lone UTF-16
 *    surrogate escapes and invalid UTF-8 (which Go's decoder turns into
 *    U+FFFD, and libyaml refuses) replaced first.
 * Each document is built, given to the caller and freed before the next,
 * so memory follows the largest document, not the file.
 */
#include <stddef.h>
#include <stdint.h>

enum { KV_MAP = 1, KV_SEQ = 2, KV_SCALAR = 3, KV_ALIAS = 4 };

typedef struct veil_check__kn veil_check__kn;
struct veil_check__kn {
	uint8_t kind;
	uint8_t null;  /* a scalar a reader takes as null (~, null, empty, !!null) */
	uint8_t plain; /* scalar written without quotes or block indicator */
	uint8_t flow;  /* collection written in flow style ({...} / [...]) */
	const char *v; /* scalar: the value as loaded, NUL-terminated */
	size_t vlen;
	size_t start, end;      /* the node's bytes in the text */
	veil_check__kn *target; /* alias: the anchored node (never an alias) */
	veil_check__kn **kids;  /* map: key, value, key, value, ...; seq: items */
	size_t nkids;           /* 2 x entries for a map */
};

typedef struct veil_check__kview veil_check__kview;

/* One document: its root (NULL when empty), whether a syntax error cut it
 * short, and, then, the error (message and byte offset). */
typedef struct veil_check__kdoc {
	const veil_check__kn *root;
	size_t index; /* 0-based, in the order of the stream */
	int partial;
	int limit; /* cut short by a limit of veil's (nodes), not by YAML */
	const char *error;
	size_t error_off;
	size_t start; /* where the document starts in the text */
} veil_check__kdoc;

typedef int (*veil_check__kdoc_fn)(void *arg, veil_check__kview *v, const veil_check__kdoc *d);

/*
 * Reads text (len bytes, UTF-8; a UTF-8 BOM is skipped) and calls fn for
 * each document in order; stops at fn's first non-zero return, which it
 * returns. Returns VEIL_ENOMEM on a failure of its own.
 */
int veil_check__kview_read(const char *text, size_t len, veil_check__kdoc_fn fn, void *arg);

/* The node itself, or the node an alias stands for. */
static inline const veil_check__kn *veil_check__kderef(const veil_check__kn *n)
{
	return n && n->kind == KV_ALIAS ? n->target : n;
}

/* Does the walk still have budget? 0 once an alias or merge expansion went
 * past it (veil_check__kview_exhausted then says so). */
int veil_check__kview_exhausted(const veil_check__kview *v);

/*
 * The entries of map m as a reader sees them: its own (duplicates
 * included), then those merged in by "<<" (a map, an alias of one, or a
 * list of them), recursively. fn gets each key and value as written (an
 * alias stays an alias: it says where the value is used); its non-zero
 * return stops the walk and is returned. Each entry costs one unit of the
 * document's budget; when it runs out the walk stops (returns 0) and
 * kview_exhausted turns true.
 */
typedef int (*veil_check__kentry_fn)(void *arg, const veil_check__kn *key,
                                     const veil_check__kn *value);
int veil_check__kview_each(veil_check__kview *v, const veil_check__kn *m, veil_check__kentry_fn fn,
                           void *arg);

/* A scalar key or value equal to s (after following an alias). */
int veil_check__kis(const veil_check__kn *n, const char *s);

/* The value of the last entry of m with key in kview_each's order (NULL if
 * none; go-yaml v2 lets the last of duplicate or merged keys win too);
 * kind 0 = any kind, else only a value of that kind (after following
 * aliases). Where any value a reader could take matters (is it a Secret?),
 * walk them all with kview_each instead. */
const veil_check__kn *veil_check__kget(veil_check__kview *v, const veil_check__kn *m,
                                       const char *key, int kind);

#endif
