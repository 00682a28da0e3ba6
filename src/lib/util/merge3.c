/* Three-way line merge: two Myers diffs against the base, applied together. */
#include "util/merge3.h"
#include "veil/error.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct line {
	const char *p;
	size_t len; /* with its '\n', if any */
	uint64_t h;
} line;

typedef struct lines {
	line *at;
	size_t n;
} lines;

/* A change: base lines [o0, o1) became the side's lines [x0, x1). */
typedef struct hunk {
	size_t o0, o1, x0, x1;
} hunk;

typedef struct hunks {
	hunk *at;
	size_t n, cap;
} hunks;

static int split(lines *out, const char *s, size_t len)
{
	size_t n = 0, cap = 0;

	out->at = NULL;
	out->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		uint64_t h = 1469598103934665603ull;

		if (n == cap) {
			size_t c = cap ? 2 * cap : 64;
			line *t = realloc(out->at, c * sizeof(*t));
			if (!t)
				return VEIL_ENOMEM;
			out->at = t;
			cap = c;
		}
		for (size_t j = i; j < end; j++)
			h = (h ^ (unsigned char)s[j]) * 1099511628211ull;
		out->at[n++] = (line){ s + i, end - i, h };
		i = end;
	}
	out->n = n;
	return 0;
}

static int same(const line *a, const line *b)
{
	return a->h == b->h && a->len == b->len && !memcmp(a->p, b->p, a->len);
}

static int hunk_add(hunks *hs, size_t o0, size_t o1, size_t x0, size_t x1)
{
	if (hs->n == hs->cap) {
		size_t c = hs->cap ? 2 * hs->cap : 16;
		hunk *t = realloc(hs->at, c * sizeof(*t));
		if (!t)
			return VEIL_ENOMEM;
		hs->at = t;
		hs->cap = c;
	}
	hs->at[hs->n++] = (hunk){ o0, o1, x0, x1 };
	return 0;
}

/* Myers's greedy search over the middle o[pre, pre+n) / x[pre, pre+m),
 * keeping each round's furthest points to walk back; *dout = -1 when more
 * than VEIL_MERGE3_MAX_EDITS edits are needed. trace is malloc'd. */
static int myers(long **trace_out, long *dout, const lines *o, const lines *x, size_t pre, long n,
                 long m)
{
	long max = n + m < VEIL_MERGE3_MAX_EDITS ? n + m : VEIL_MERGE3_MAX_EDITS;
	long *v = calloc((size_t)(2 * max + 3), sizeof(*v)), off = max + 1;
	long *trace = NULL;
	size_t tcap = 0;

	*dout = -1;
	if (!v)
		return VEIL_ENOMEM;
	for (long d = 0; d <= max; d++) {
		size_t need = (size_t)((d + 1) * (d + 1));
		if (need > tcap) {
			size_t c = tcap ? 2 * tcap : 256;
			long *t = realloc(trace, (c < need ? need : c) * sizeof(*t));
			if (!t) {
				free(v);
				free(trace);
				return VEIL_ENOMEM;
			}
			trace = t;
			tcap = c < need ? need : c;
		}
		for (long k = -d; k <= d; k += 2) {
			long xk = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
			                  ? v[off + k + 1]
			                  : v[off + k - 1] + 1;
			long yk = xk - k;
			while (xk < n && yk < m &&
			       same(&o->at[pre + (size_t)xk], &x->at[pre + (size_t)yk]))
				xk++, yk++;
			v[off + k] = xk;
			trace[d * d + k + d] = xk;
			if (xk >= n && yk >= m && *dout < 0)
				*dout = d;
		}
		if (*dout >= 0)
			break;
	}
	free(v);
	*trace_out = trace;
	return 0;
}

/* Hunks from the runs of equal lines the search found: walking back from
 * the end, each round's edit is followed by a (possibly empty) run. */
static int walk_back(hunks *hs, const long *trace, long dmax, size_t pre, long n, long m)
{
	long *runs = malloc((size_t)(4 * (dmax + 1)) * sizeof(*runs)); /* (x, y) pairs */
	long cx = n, cy = m, ox = 0, oy = 0;
	size_t nruns = 0;
	int error = 0;

	if (!runs)
		return VEIL_ENOMEM;
	for (long d = dmax; d > 0; d--) {
		long k = cx - cy, base = (d - 1) * (d - 1) + (d - 1);
		int down = k == -d || (k != d && trace[base + k - 1] < trace[base + k + 1]);
		long pk = down ? k + 1 : k - 1, px = trace[base + pk];
		long mx = down ? px : px + 1;

		if (cx > mx) { /* equal lines from (mx, mx - k) to (cx, cy) */
			runs[2 * nruns] = mx;
			runs[2 * nruns++ + 1] = mx - k;
			runs[2 * nruns] = cx;
			runs[2 * nruns++ + 1] = cy;
		}
		cx = px;
		cy = px - pk;
	}
	if (cx > 0) {
		runs[2 * nruns] = 0;
		runs[2 * nruns++ + 1] = 0;
		runs[2 * nruns] = cx;
		runs[2 * nruns++ + 1] = cy;
	}
	/* runs were found back to front; each is a (start, end) pair of points */
	for (size_t i = nruns; i >= 2 && !error; i -= 2) {
		long sx = runs[2 * (i - 2)], sy = runs[2 * (i - 2) + 1];
		long ex = runs[2 * (i - 1)], ey = runs[2 * (i - 1) + 1];
		if (sx > ox || sy > oy)
			error = hunk_add(hs, pre + (size_t)ox, pre + (size_t)sx, pre + (size_t)oy,
			                 pre + (size_t)sy);
		ox = ex;
		oy = ey;
	}
	if (!error && (ox < n || oy < m))
		error = hunk_add(hs, pre + (size_t)ox, pre + (size_t)n, pre + (size_t)oy,
		                 pre + (size_t)m);
	free(runs);
	return error;
}

/* The changes that turn o into x, in base order, none adjacent. */
static int diff(hunks *hs, const lines *o, const lines *x)
{
	size_t pre = 0, suf = 0;
	long *trace = NULL, d;
	int error;

	memset(hs, 0, sizeof(*hs));
	while (pre < o->n && pre < x->n && same(&o->at[pre], &x->at[pre]))
		pre++;
	while (suf < o->n - pre && suf < x->n - pre &&
	       same(&o->at[o->n - 1 - suf], &x->at[x->n - 1 - suf]))
		suf++;
	long n = (long)(o->n - pre - suf), m = (long)(x->n - pre - suf);
	if (n == 0 && m == 0)
		return 0;
	if (n == 0 || m == 0)
		return hunk_add(hs, pre, pre + (size_t)n, pre, pre + (size_t)m);
	if ((error = myers(&trace, &d, o, x, pre, n, m)) < 0)
		return error;
	error = d < 0 ? hunk_add(hs, pre, pre + (size_t)n, pre, pre + (size_t)m)
	              : walk_back(hs, trace, d, pre, n, m);
	free(trace);
	return error;
}

/* Side text of a region: its lines from lo + delta to hi + delta'. */
typedef struct span {
	const lines *l;
	size_t from, to;
} span;

static int spans_equal(const span *a, const span *b)
{
	if (a->to - a->from != b->to - b->from)
		return 0;
	for (size_t i = 0; i < a->to - a->from; i++)
		if (!same(&a->l->at[a->from + i], &b->l->at[b->from + i]))
			return 0;
	return 1;
}

static int emit(veil_buf *out, const lines *l, size_t from, size_t to)
{
	int error = 0;

	for (size_t i = from; i < to && !error; i++)
		error = veil_buf_append(out, l->at[i].p, l->at[i].len);
	return error;
}

static int add_conflict(veil_merge3_result *r, size_t base_line, const span *ours)
{
	veil_merge3_conflict *t = realloc(r->conflicts, (r->nconflicts + 1) * sizeof(*t));

	if (!t)
		return VEIL_ENOMEM;
	r->conflicts = t;
	t[r->nconflicts++] =
	        (veil_merge3_conflict){ base_line + 1, ours->from + 1, ours->to - ours->from };
	return 0;
}

/* Does hunk h join a region ending at hi? It overlaps it, or touches it
 * where one of the two is an insertion (which side's lines come first
 * would be a guess). Changes that only abut merge. */
static int joins(const hunk *h, size_t hi, int insert_at_hi)
{
	return h->o0 < hi || (h->o0 == hi && (h->o0 == h->o1 || insert_at_hi));
}

/* The state of the walk over both sides' hunks. */
typedef struct merger {
	const lines *o, *a, *b;
	hunks ha, hb;
	size_t i, j; /* next hunk of each side */
	long da, db; /* line offset of each side before the base position */
	size_t pos;  /* base lines before pos are done */
	unsigned flags;
} merger;

/* Lines from..to of l, ending in a newline whatever the last one had. */
static int emit_lines(veil_buf *out, const lines *l, size_t from, size_t to)
{
	int error = emit(out, l, from, to);

	if (!error && out->len && out->data[out->len - 1] != '\n')
		error = veil_buf_putc(out, '\n');
	return error;
}

static int markers(veil_merge3_result *r, const merger *m, const span *sa, size_t lo, size_t hi,
                   const span *sb)
{
	int error;

	if ((error = veil_buf_append(&r->text, "<<<<<<< ours\n", 13)) < 0 ||
	    (error = emit_lines(&r->text, sa->l, sa->from, sa->to)) < 0 ||
	    (error = veil_buf_append(&r->text, "||||||| base\n", 13)) < 0 ||
	    (error = emit_lines(&r->text, m->o, lo, hi)) < 0 ||
	    (error = veil_buf_append(&r->text, "=======\n", 8)) < 0 ||
	    (error = emit_lines(&r->text, sb->l, sb->from, sb->to)) < 0)
		return error;
	return veil_buf_append(&r->text, ">>>>>>> theirs\n", 15);
}

/* Takes the next region (a maximal group of touching hunks) into r. */
static int region(merger *m, veil_merge3_result *r)
{
	const hunk *fa = m->i < m->ha.n ? &m->ha.at[m->i] : NULL;
	const hunk *fb = m->j < m->hb.n ? &m->hb.at[m->j] : NULL;
	size_t lo = fa && (!fb || fa->o0 <= fb->o0) ? fa->o0 : fb->o0, hi = lo;
	size_t ie = m->i, je = m->j;
	long da = m->da, db = m->db;
	int insert_at_hi = 1, grew, error;

	if ((error = emit(&r->text, m->o, m->pos, lo)) < 0)
		return error;
	do {
		grew = 0;
		for (hunks *hs = &m->ha; hs; hs = hs == &m->ha ? &m->hb : NULL) {
			size_t *e = hs == &m->ha ? &ie : &je;
			long *dd = hs == &m->ha ? &da : &db;
			while (*e < hs->n && joins(&hs->at[*e], hi, insert_at_hi)) {
				const hunk *h = &hs->at[(*e)++];
				if (h->o1 > hi)
					hi = h->o1, insert_at_hi = 0;
				if (h->o0 == h->o1 && h->o0 == hi)
					insert_at_hi = 1;
				*dd += (long)(h->x1 - h->x0) - (long)(h->o1 - h->o0);
				grew = 1;
			}
		}
	} while (grew);
	span sa = { m->a, (size_t)((long)lo + m->da), (size_t)((long)hi + da) };
	span sb = { m->b, (size_t)((long)lo + m->db), (size_t)((long)hi + db) };
	if (je == m->j || ie == m->i || spans_equal(&sa, &sb)) {
		const span *s = je == m->j ? &sa : &sb;
		error = emit(&r->text, s->l, s->from, s->to);
	} else if (lo == hi && (m->flags & VEIL_MERGE3_UNION)) {
		r->nunions++;
		if ((error = emit(&r->text, sa.l, sa.from, sa.to)) == 0)
			error = emit(&r->text, sb.l, sb.from, sb.to);
	} else if ((error = add_conflict(r, lo, &sa)) == 0) {
		error = (m->flags & VEIL_MERGE3_MARKERS) ? markers(r, m, &sa, lo, hi, &sb)
		                                         : emit(&r->text, sa.l, sa.from, sa.to);
	}
	m->i = ie;
	m->j = je;
	m->da = da;
	m->db = db;
	m->pos = hi;
	return error;
}

int veil_merge3(veil_merge3_result *r, unsigned flags, const char *base, size_t base_len,
                const char *ours, size_t ours_len, const char *theirs, size_t theirs_len)
{
	lines o, a, b;
	merger m;
	int error;

	memset(r, 0, sizeof(*r));
	memset(&m, 0, sizeof(m));
	m.flags = flags;
	m.o = &o;
	m.a = &a;
	m.b = &b;
	a.at = b.at = NULL;
	if ((error = split(&o, base, base_len)) < 0 || (error = split(&a, ours, ours_len)) < 0 ||
	    (error = split(&b, theirs, theirs_len)) < 0 || (error = diff(&m.ha, &o, &a)) < 0 ||
	    (error = diff(&m.hb, &o, &b)) < 0)
		goto done;
	while (!error && (m.i < m.ha.n || m.j < m.hb.n))
		error = region(&m, r);
	if (!error)
		error = emit(&r->text, &o, m.pos, o.n);
done:
	free(o.at);
	free(a.at);
	free(b.at);
	free(m.ha.at);
	free(m.hb.at);
	if (error < 0) {
		veil_merge3_dispose(r);
		return veil_error_set(VEIL_ENOMEM, "out of memory (merging)");
	}
	return 0;
}

void veil_merge3_dispose(veil_merge3_result *r)
{
	veil_buf_dispose(&r->text);
	free(r->conflicts);
	memset(r, 0, sizeof(*r));
}
