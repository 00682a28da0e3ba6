#ifndef VEIL_SOPS_GOFMT_H
#define VEIL_SOPS_GOFMT_H
/* Go's text forms of typed values, which are the plaintext bytes sops
 * encrypts and MACs: strconv.FormatFloat(v, 'f', -1, 64) and bools as
 * "True"/"False". */
#include <stddef.h>

/* Longest 'f' form of a double: 309 integer digits or 324 fraction digits. */
#define VEIL_GOFMT_FLOAT_MAX 400

/* Shortest decimal that reads back as v, never with an exponent; "+Inf",
 * "-Inf", "NaN", "-0" as Go writes them. Returns the length. */
size_t veil_sops__format_float(char out[VEIL_GOFMT_FLOAT_MAX], double v);

#endif
