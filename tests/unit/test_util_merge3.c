/* The three-way line merge under the sops merge. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "util/merge3.h"

static size_t run_flags(unsigned flags, const char *o, const char *a, const char *b,
                        const char *want)
{
	veil_merge3_result r;
	size_t n;

	CHECK_INT(veil_merge3(&r, flags, o, strlen(o), a, strlen(a), b, strlen(b)), 0);
	n = r.nconflicts;
	if (want) {
		CHECK(r.text.len == strlen(want) && !memcmp(r.text.data, want, r.text.len));
		if (r.text.len != strlen(want) || memcmp(r.text.data, want, r.text.len))
			fprintf(stderr, "--- got\n%.*s--- want\n%s", (int)r.text.len,
			        r.text.data ? (const char *)r.text.data : "", want);
	}
	veil_merge3_dispose(&r);
	return n;
}

static size_t run(const char *o, const char *a, const char *b, const char *want)
{
	return run_flags(0, o, a, b, want);
}

TEST(test_util_merge3__changes_on_both_sides)
{
	/* neighbouring lines changed on different sides merge (git would stop) */
	CHECK_INT(run("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n", "a\nB\nC\nd\n"), 0);
	/* far apart, insertions and deletions */
	CHECK_INT(run("1\n2\n3\n4\n5\n6\n", "0\n1\n2\n3\n4\n5\n6\n", "1\n2\n3\n5\n6\n7\n",
	              "0\n1\n2\n3\n5\n6\n7\n"),
	          0);
	/* the same change on both sides */
	CHECK_INT(run("a\nb\n", "a\nX\n", "a\nX\n", "a\nX\n"), 0);
	/* one side only; the other side unchanged */
	CHECK_INT(run("a\nb\n", "a\nb\n", "z\na\n", "z\na\n"), 0);
	/* empty base: both added the same */
	CHECK_INT(run("", "x\n", "x\n", "x\n"), 0);
	/* no final newline */
	CHECK_INT(run("a\nb", "A\nb", "a\nB", "A\nB"), 0);
}

TEST(test_util_merge3__conflicts_keep_ours)
{
	veil_merge3_result r;

	/* the same line changed differently */
	CHECK_INT(run("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n", "a\nB1\nc\n"), 1);
	/* both inserted at the same place */
	CHECK_INT(run("a\nc\n", "a\nb1\nc\n", "a\nb2\nc\n", "a\nb1\nc\n"), 1);
	/* an insertion touching the other side's change */
	CHECK_INT(run("a\nb\nc\n", "a\nB\nc\n", "a\nb\nnew\nc\n", NULL), 1);
	/* changed on one side, removed on the other */
	CHECK_INT(run("a\nb\nc\n", "a\nB\nc\n", "a\nc\n", NULL), 1);
	CHECK_INT(veil_merge3(&r, 0, "x\ny\nz\n", 6, "x\nY\nz\n", 6, "x\nQ\nz\n", 6), 0);
	CHECK_INT(r.nconflicts, 1);
	CHECK(r.nconflicts && r.conflicts[0].base_line == 2 && r.conflicts[0].ours_line == 2 &&
	      r.conflicts[0].ours_lines == 1);
	veil_merge3_dispose(&r);
}

TEST(test_util_merge3__large_inputs)
{
	/* many lines, scattered edits on both sides, and a side beyond the
	 * edit cap (taken as one change: still merged where it can be) */
	size_t n = 5000;
	char *o = malloc(n * 8), *a = malloc(n * 8), *b = malloc(n * 8), *w = malloc(n * 8);
	size_t lo = 0, la = 0, lb = 0, lw = 0;
	veil_merge3_result r;

	for (size_t i = 0; i < n; i++) {
		lo += (size_t)sprintf(o + lo, "%zu\n", i);
		la += (size_t)sprintf(a + la, i % 100 == 1 ? "a%zu\n" : "%zu\n", i);
		lb += (size_t)sprintf(b + lb, i % 100 == 50 ? "b%zu\n" : "%zu\n", i);
		lw += (size_t)sprintf(w + lw,
		                      i % 100 == 1    ? "a%zu\n"
		                      : i % 100 == 50 ? "b%zu\n"
		                                      : "%zu\n",
		                      i);
	}
	CHECK_INT(veil_merge3(&r, 0, o, lo, a, la, b, lb), 0);
	CHECK_INT(r.nconflicts, 0);
	CHECK(r.text.len == lw && !memcmp(r.text.data, w, lw));
	veil_merge3_dispose(&r);
	free(o);
	free(a);
	free(b);
	free(w);
}

TEST(test_util_merge3__union_of_insertions)
{
	/* both added a line at one place: ours, then theirs */
	CHECK_INT(run_flags(VEIL_MERGE3_UNION, "a\nc\n", "a\nb1\nc\n", "a\nb2\nc\n",
	                    "a\nb1\nb2\nc\n"),
	          0);
	CHECK_INT(run_flags(VEIL_MERGE3_UNION, "a\n", "a\nx\n", "a\ny\n", "a\nx\ny\n"), 0);
	/* a change is no insertion: still a conflict */
	CHECK_INT(run_flags(VEIL_MERGE3_UNION, "a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n", NULL), 1);
	CHECK_INT(run_flags(VEIL_MERGE3_UNION, "a\nb\nc\n", "a\nB\nc\n", "a\nb\nnew\nc\n", NULL),
	          1);
}

TEST(test_util_merge3__conflict_markers)
{
	CHECK_INT(
	        run_flags(VEIL_MERGE3_MARKERS, "a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n",
	                  "a\n<<<<<<< ours\nB1\n||||||| base\nb\n=======\nB2\n>>>>>>> theirs\nc\n"),
	        1);
	/* a last line without a newline still gets its marker on a line of its own */
	CHECK_INT(run_flags(VEIL_MERGE3_MARKERS, "a\nb", "a\nx", "a\ny",
	                    "a\n<<<<<<< ours\nx\n||||||| base\nb\n=======\ny\n>>>>>>> theirs\n"),
	          1);
}
