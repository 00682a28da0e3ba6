#ifndef VEIL_UTIL_REGEX_AST_H
#define VEIL_UTIL_REGEX_AST_H
/*
 * The parsed form of an RE2 pattern (util/regex_parse.c) that
 * util/regex_prog.c compiles to a Thompson NFA and runs in time linear in
 * the subject. Matching is on bytes, as glibc's regexec in the C locale
 * was: '.' and negated classes match one byte, not one UTF-8 character,
 * which can only differ for patterns that count non-ASCII characters.
 */
#include <stddef.h>
#include <stdint.h>

/* Go's regexp/syntax refuses counts over 1000 and nested counted
 * repetitions whose counts multiply past 1000; RE2 does the same. */
#define VEIL_REGEX_MAX_REPEAT 1000
/* Instructions once counted repetitions are expanded: each byte of a
 * subject costs at most this many steps, and the match state sits on the
 * stack. Patterns people write in .sops.yaml need a few dozen. */
#define VEIL_REGEX_MAX_PROG   4000
#define VEIL_REGEX_MAX_NEST   32

typedef enum {
	VEIL_RX_EMPTY,
	VEIL_RX_CLASS, /* one byte out of a set */
	VEIL_RX_BOL,   /* ^ or \A: start of the subject */
	VEIL_RX_EOL,   /* $ or \z: end of the subject */
	VEIL_RX_CAT,
	VEIL_RX_ALT,
	VEIL_RX_REPEAT
} veil_rx_kind;

typedef struct {
	uint8_t kind;
	uint8_t counted; /* VEIL_RX_REPEAT written as {n,m}: Go bounds their product */
	int min, max;    /* VEIL_RX_REPEAT; max -1: no upper bound */
	size_t cls;      /* VEIL_RX_CLASS: index into the class table */
	size_t child;    /* CAT, ALT, REPEAT: first child; 0 none (node 0 is the root) */
	size_t next;     /* next sibling; 0 none */
} veil_rx_node;

typedef struct {
	uint8_t bits[32];
} veil_rx_class;

typedef struct {
	veil_rx_node *nodes;
	size_t nnodes, ncap;
	veil_rx_class *classes;
	size_t nclasses, ccap;
	size_t root;
	size_t ninst; /* program size, checked against VEIL_REGEX_MAX_PROG */
} veil_rx_ast;

/* Parses pattern (RE2 syntax as Go's regexp reads it); VEIL_EFORMAT for
 * syntax veil does not read, VEIL_ELIMIT for a pattern over the bounds. */
int veil_rx_parse(veil_rx_ast *ast, const char *pattern);
void veil_rx_ast_dispose(veil_rx_ast *ast);

#endif
