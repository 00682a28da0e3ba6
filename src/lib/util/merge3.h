#ifndef VEIL_UTIL_MERGE3_H
#define VEIL_UTIL_MERGE3_H
/*
 * A three-way merge of text by lines, as `git merge-file` does it: the
 * changes each side made to the base (a Myers diff) are applied together;
 * identical changes merge, and changes whose base ranges overlap (or an
 * insertion that touches the other side's change) conflict. Unlike git,
 * changes to adjacent lines do not conflict: a line-per-value document
 * whose neighbouring values changed on different sides merges.
 *
 * The texts are the encrypted-file texts the sops merge builds (values
 * already replaced by tokens), never plaintext; nothing is wiped.
 */
#include "util/buf.h"
#include <stddef.h>

/* Beyond this many differing lines between the base and one side the diff
 * gives up on that region and takes it as one change (more conflicts, no
 * wrong merges): memory grows with its square. */
#define VEIL_MERGE3_MAX_EDITS 2048

typedef struct veil_merge3_conflict {
	size_t base_line;  /* 1-based first base line of the conflicting region */
	size_t ours_line;  /* 1-based first line of ours' side of it */
	size_t ours_lines; /* lines of ours in it (0: ours deleted or inserted nothing) */
} veil_merge3_conflict;

typedef struct veil_merge3_result {
	veil_buf text;                   /* merged text; with conflicts, ours' side kept */
	veil_merge3_conflict *conflicts; /* malloc'd */
	size_t nconflicts;
	size_t nunions; /* places resolved by VEIL_MERGE3_UNION */
} veil_merge3_result;

/* Where both sides inserted different lines at one place of the base (and
 * changed nothing else there), keep ours' lines, then theirs': two keys
 * added to one map. Whether that reads right is for the caller to check. */
#define VEIL_MERGE3_UNION   1u
/* A conflict is written as git writes it with merge.conflictStyle diff3:
 * "<<<<<<< ours", ours' lines, "||||||| base", the base's, "=======",
 * theirs', ">>>>>>> theirs" (for a person to settle), instead of ours'. */
#define VEIL_MERGE3_MARKERS 2u

/* Merges ours and theirs against base into r (zeroed first); 0 or
 * VEIL_ENOMEM. Conflicts are not an error: r->nconflicts says. */
int veil_merge3(veil_merge3_result *r, unsigned flags, const char *base, size_t base_len,
                const char *ours, size_t ours_len, const char *theirs, size_t theirs_len);
void veil_merge3_dispose(veil_merge3_result *r);

#endif
