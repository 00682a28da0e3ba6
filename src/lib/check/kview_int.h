#ifndef VEIL_CHECK_KVIEW_INT_H
#define VEIL_CHECK_KVIEW_INT_H
/*
 * Inside the Kubernetes view (kview.h): kview_build.c turns libyaml's
 * events into a tree per document, kview_read.c cuts and cleans the text
 * the way Kubernetes tools read it and feeds it, kview_walk.c follows
 * aliases and merge keys. This is the state they share.
 */
#include "check/kview.h"
#include "util/utf8.h"
#include <stddef.h>

#define MAX_DEPTH     256     /* nesting, as the document codec allows */
#define MAX_NODES     1000000 /* per document: beyond, it is cut short */
#define MAX_MERGE     64      /* merge keys reaching merge keys */
#define MIN_BUDGET    (1u << 20)
#define BLOCK_SIZE    65536
#define ANCHORS_MIN   64
#define TAG_BINARY    "tag:yaml.org,2002:binary"
#define TAG_NULL      "tag:yaml.org,2002:null"
#define ERR_TOO_LARGE "more than a million nodes in one document"

struct veil_check__kv_block {
	struct veil_check__kv_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct veil_check__kv_anchor {
	const char *name;
	veil_check__kn *node;
};

struct veil_check__kv_frame {
	veil_check__kn *node;
	size_t base;        /* its children start here in kids */
	const char *anchor; /* registered when it ends: no alias inside itself */
};

/* Bytes taken out of a chunk before libyaml read it: from clean offset at
 * on, total bytes were removed before. */
struct veil_check__kv_removal {
	size_t at, total;
};

struct veil_check__kview {
	size_t base; /* the offset of the chunk being read in the whole text */
	const struct veil_check__kv_removal *rm; /* bytes the cleaning took out */
	size_t nrm;
	veil_utf8_walker w;
	struct veil_check__kv_block *blocks;
	struct veil_check__kv_anchor *anchors;
	size_t nanchors, capanchors;
	struct veil_check__kv_frame stack[MAX_DEPTH];
	size_t depth;
	size_t skip;           /* nesting inside a subtree past MAX_DEPTH */
	veil_check__kn **kids; /* children of the open collections */
	size_t nkids, capkids;
	veil_check__kn *root;
	int in_doc;
	size_t nnodes;
	size_t ndocs;
	size_t doc_start;
	size_t budget;
	int exhausted;
	const char *error;  /* the document's own error (node cap, anchors) */
	int limit;          /* ... and it is a limit of veil's (not of YAML) */
	const char *syntax; /* libyaml's, for the document read when it came */
	int defer;          /* leave a document cut short to the caller */
	int between;        /* the error came between documents */
	int cut;            /* a document's own limit ended it (given already) */
	veil_check__kdoc_fn fn;
	void *arg;
};

/* kview_build.c */
/* Reads text[0, len) (a chunk at offset base of the whole, cleaned: v->rm)
 * with libyaml, giving each document to v->fn. Returns < 0 for a failure
 * of its own, the callback's non-zero return, else 0 with *stop the byte
 * offset where reading ended early (a syntax error, or a document's own
 * limit), or SIZE_MAX. With v->defer, a document a syntax error cut short
 * is left open for the caller (veil_check__kv_cut_short, or reset). */
int veil_check__kv_read_chunk(veil_check__kview *v, size_t base, size_t len, const char *text,
                              size_t *stop);
/* Gives the open document, cut short at byte off, as far as it was read. */
int veil_check__kv_cut_short(veil_check__kview *v, const char *why, size_t off);
/* Drops the document being read (wiped) and readies the next. */
void veil_check__kv_reset(veil_check__kview *v);

#endif
