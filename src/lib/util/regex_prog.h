#ifndef VEIL_UTIL_REGEX_PROG_H
#define VEIL_UTIL_REGEX_PROG_H
/* RE2 patterns compiled to a Thompson NFA (see util/regex_ast.h for the
 * bounds). A compiled program is read-only: threads may share it. */
#include <stddef.h>
#include <stdint.h>

typedef struct veil_rx_prog veil_rx_prog;

/* VEIL_EFORMAT for syntax veil does not read, VEIL_ELIMIT past a bound. */
int veil_rx_prog_compile(veil_rx_prog **out, const char *pattern);
/* 1 if the pattern matches anywhere in subject[0..len), else 0; each
 * thread stepped over a byte takes one from *budget, and VEIL_ELIMIT
 * (no message set) is returned when it runs out. */
int veil_rx_prog_match(const veil_rx_prog *p, const char *subject, size_t len, uint64_t *budget);
void veil_rx_prog_free(veil_rx_prog *p);

#endif
