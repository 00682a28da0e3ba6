/* A parsed pattern (util/regex_ast.h) as a Thompson NFA, matched by
 * simulating every thread at once: each subject byte costs at most one
 * step per instruction, so no pattern or subject can make a match take
 * more than len * VEIL_REGEX_MAX_PROG steps (glibc's regexec, which this
 * replaces, is quadratic or worse on patterns such as (a|aa)*b). */
#include "util/regex_prog.h"
#include "util/regex_ast.h"
#include "veil/error.h"
#include <stdlib.h>
#include <string.h>

enum { OP_CLASS, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH };
#define NONE 0xffffu /* no instruction (programs are shorter) */

typedef struct {
	uint8_t op;
	uint16_t x, y; /* CLASS: class; SPLIT: both targets; JMP: target */
} inst;

struct veil_rx_prog {
	inst *code;
	size_t n;
	veil_rx_class *classes;
};

static size_t emit(veil_rx_prog *p, uint8_t op, size_t x, size_t y)
{
	p->code[p->n] = (inst){ op, (uint16_t)x, (uint16_t)y };
	return p->n++;
}

static void compile(veil_rx_prog *p, const veil_rx_ast *a, size_t node);

static void compile_repeat(veil_rx_prog *p, const veil_rx_ast *a, const veil_rx_node *x)
{
	size_t loop = p->n;

	if (x->max < 0 && x->min == 0) { /* x*: split over a body that jumps back */
		loop = emit(p, OP_SPLIT, p->n + 1, 0);
		compile(p, a, x->child);
		emit(p, OP_JMP, loop, 0);
		p->code[loop].y = (uint16_t)p->n;
		return;
	}
	for (int k = 0; k < x->min; k++) {
		loop = p->n;
		compile(p, a, x->child);
	}
	if (x->max < 0) { /* x{n,}: the last copy loops */
		emit(p, OP_SPLIT, loop, p->n + 1);
		return;
	}
	for (int k = x->min; k < x->max; k++) { /* x{n,m}: m - n optional copies */
		size_t split = emit(p, OP_SPLIT, p->n + 1, 0);
		compile(p, a, x->child);
		p->code[split].y = (uint16_t)p->n;
	}
}

/* Each branch but the last: split to it or onward, and jump to the end
 * after it; the pending jumps are chained through their targets. */
static void compile_alt(veil_rx_prog *p, const veil_rx_ast *a, size_t first)
{
	size_t pending = NONE;

	for (size_t c = first; c; c = a->nodes[c].next) {
		size_t split = 0;
		if (a->nodes[c].next)
			split = emit(p, OP_SPLIT, p->n + 1, 0);
		compile(p, a, c);
		if (a->nodes[c].next) {
			pending = emit(p, OP_JMP, pending, 0);
			p->code[split].y = (uint16_t)p->n;
		}
	}
	while (pending != NONE) {
		size_t prev = p->code[pending].x;
		p->code[pending].x = (uint16_t)p->n;
		pending = prev;
	}
}

static void compile(veil_rx_prog *p, const veil_rx_ast *a, size_t node)
{
	const veil_rx_node *x = &a->nodes[node];

	switch (x->kind) {
	case VEIL_RX_CLASS:
		emit(p, OP_CLASS, x->cls, 0);
		break;
	case VEIL_RX_BOL:
	case VEIL_RX_EOL:
		emit(p, x->kind == VEIL_RX_BOL ? OP_BOL : OP_EOL, 0, 0);
		break;
	case VEIL_RX_CAT:
		for (size_t c = x->child; c; c = a->nodes[c].next)
			compile(p, a, c);
		break;
	case VEIL_RX_ALT:
		compile_alt(p, a, x->child);
		break;
	case VEIL_RX_REPEAT:
		compile_repeat(p, a, x);
		break;
	default:
		break;
	}
}

int veil_rx_prog_compile(veil_rx_prog **out, const char *pattern)
{
	veil_rx_ast ast;
	veil_rx_prog *p = NULL;
	int error;

	*out = NULL;
	if ((error = veil_rx_parse(&ast, pattern)) < 0)
		return error;
	if (!(p = calloc(1, sizeof(*p))) || !(p->code = calloc(ast.ninst + 1, sizeof(inst)))) {
		free(p);
		veil_rx_ast_dispose(&ast);
		return veil_error_oom();
	}
	compile(p, &ast, ast.root);
	emit(p, OP_MATCH, 0, 0);
	p->classes = ast.classes; /* the nodes are no longer needed */
	ast.classes = NULL;
	veil_rx_ast_dispose(&ast);
	*out = p;
	return 0;
}

/* The threads alive at one position, and the closure being built. */
typedef struct {
	const veil_rx_prog *p;
	uint32_t mark[VEIL_REGEX_MAX_PROG + 1]; /* == gen: already in this list */
	uint16_t stack[VEIL_REGEX_MAX_PROG + 1];
	uint16_t list[2][VEIL_REGEX_MAX_PROG + 1];
	size_t nlist[2];
	uint32_t gen;
} run;

/* Adds pc and what it reaches without consuming a byte to list l at pos;
 * 1 if that reaches the match. */
static int add(run *r, int l, size_t pc, size_t pos, size_t len)
{
	size_t sp = 0;

	if (r->mark[pc] == r->gen)
		return 0;
	r->mark[pc] = r->gen;
	r->stack[sp++] = (uint16_t)pc;
	while (sp) {
		const inst *in = &r->p->code[r->stack[--sp]];
		size_t next[2], nn = 0;

		switch (in->op) {
		case OP_MATCH:
			return 1;
		case OP_CLASS:
			r->list[l][r->nlist[l]++] = (uint16_t)(in - r->p->code);
			break;
		case OP_JMP:
			next[nn++] = in->x;
			break;
		case OP_SPLIT:
			next[nn++] = in->x;
			next[nn++] = in->y;
			break;
		default: /* ^ and $ hold only at the ends of the subject */
			if ((in->op == OP_BOL && pos == 0) || (in->op == OP_EOL && pos == len))
				next[nn++] = (size_t)(in - r->p->code) + 1;
			break;
		}
		for (size_t k = 0; k < nn; k++)
			if (r->mark[next[k]] != r->gen) {
				r->mark[next[k]] = r->gen;
				r->stack[sp++] = (uint16_t)next[k];
			}
	}
	return 0;
}

static int step(run *r, int cur, const uint8_t *s, size_t pos, size_t len)
{
	int nxt = !cur;

	r->gen++;
	r->nlist[nxt] = 0;
	for (size_t k = 0; k < r->nlist[cur]; k++) {
		const inst *in = &r->p->code[r->list[cur][k]];
		const uint8_t *bits = r->p->classes[in->x].bits;
		if (((bits[s[pos] >> 3] >> (s[pos] & 7)) & 1) &&
		    add(r, nxt, r->list[cur][k] + 1u, pos + 1, len))
			return 1;
	}
	return 0;
}

int veil_rx_prog_match(const veil_rx_prog *p, const char *subject, size_t len, uint64_t *budget)
{
	/* 40 KB of stack, so a match never fails for want of memory */
	run state, *r = &state;
	const uint8_t *s = (const uint8_t *)subject;
	int cur = 0, found = 0;

	r->p = p;
	memset(r->mark, 0, p->n * sizeof(r->mark[0]));
	r->gen = 1;
	r->nlist[0] = 0;
	for (size_t pos = 0; !found; pos++) {
		/* unanchored: a thread starts at every position */
		if ((found = add(r, cur, 0, pos, len)) != 0 || pos == len)
			break;
		if (r->nlist[cur] == 0 && pos > 0) {
			/* nothing alive and nothing can start before the end (the
			 * start's closure is the same at every inner position) */
			pos = len - 1;
			r->gen++;
			continue;
		}
		/* each live thread costs a step; the caller bounds the total */
		if (*budget <= r->nlist[cur]) {
			*budget = 0;
			return VEIL_ELIMIT;
		}
		*budget -= r->nlist[cur];
		found = step(r, cur, s, pos, len);
		cur = !cur;
	}
	return found;
}

void veil_rx_prog_free(veil_rx_prog *p)
{
	if (!p)
		return;
	free(p->code);
	free(p->classes);
	free(p);
}
