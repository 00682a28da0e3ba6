#ifndef VEIL_SOPS_TYPED_H
#define VEIL_SOPS_TYPED_H
/*
 * The bytes of a typed value: what gets encrypted, and what the MAC digests.
 * sops MACs Go's canonical text of the decoded value (decimal ints, shortest
 * floats, True/False, RFC 3339 times). veil encrypts the spelling the file
 * had whenever Go's parser for the type reads it as the same value (so
 * "1.50" or "true" come back unchanged on decrypt) and the canonical text
 * otherwise (hex ints, .inf, dates), which sops can always read.
 */
#include "sops/value.h"
#include "util/buf.h"
#include "veil/doc.h"
#include <stddef.h>

/* The sops type tag for a scalar of doc type t (VEIL_SOPS_STR for str). */
veil_sops_type veil_sops__type_of(veil_scalar_type t);
veil_scalar_type veil_sops__scalar_type_of(veil_sops_type t);

/* Appends the plaintext to encrypt for the scalar text (of type t). */
int veil_sops__typed_plaintext(veil_buf *out, const char *text, size_t len, veil_scalar_type t);

/* Appends the MAC bytes of text read as type t (the plaintext of an
 * encrypted value, or an unencrypted scalar's text). VEIL_EFORMAT if text
 * is not a valid value of t. */
int veil_sops__typed_mac_bytes(veil_buf *out, const char *text, size_t len, veil_scalar_type t);

/* Does the integer text fit Go's int (int64)? go-yaml reads a larger one
 * as uint64, which sops cannot encrypt or put in the MAC. */
int veil_sops__int_fits_int64(const char *text, size_t len);

#endif
