#ifndef VEIL_ERROR_H
#define VEIL_ERROR_H

/*
 * Error convention (libgit2 model): library calls return 0 on success or a
 * negative veil_error_code; a message with context is kept per thread and
 * read with veil_error_last(). Messages never contain secret bytes.
 */

#include "veil/common.h"

VEIL_BEGIN_DECL

typedef enum veil_error_code {
	VEIL_OK = 0,
	VEIL_ERROR = -1,         /* generic failure */
	VEIL_ENOMATCH = -2,      /* no identity matched any recipient stanza */
	VEIL_EAUTH = -3,         /* an AEAD tag failed (payload chunk, value) */
	VEIL_EFORMAT = -4,       /* malformed input (age header, key, document) */
	VEIL_ENOTFOUND = -5,     /* a file, key or path does not exist */
	VEIL_EIO = -6,           /* read or write failed */
	VEIL_ENOMEM = -7,        /* allocation failed */
	VEIL_EMAC = -8,          /* the age header MAC (or a SOPS file MAC) did not verify */
	VEIL_EPAYLOAD = -9,      /* age payload truncated, empty last chunk, trailing data */
	VEIL_EARMOR = -10,       /* ASCII armor is invalid */
	VEIL_EINVAL = -11,       /* invalid argument from the caller */
	VEIL_ELIMIT = -12,       /* input exceeds a size, depth or work-factor limit */
	VEIL_EUNSUPPORTED = -13, /* a valid but unsupported feature (e.g. encrypted SSH key) */
	VEIL_EEXISTS = -14,      /* already done: file already encrypted, output exists */
	VEIL_EPLAINTEXT = -15,   /* a value the file's rules say is encrypted is plaintext */
} veil_error_code;

/* The message of the last error on this thread; never NULL. */
VEIL_EXTERN const char *veil_error_last(void);

/* Short fixed name of a code ("no identity matched", ...); never NULL. */
VEIL_EXTERN const char *veil_error_name(int code);

/* Sets the thread's message (printf-style) and returns code, so callers can
 * write `return veil_error_set(VEIL_EFORMAT, "...")`. */
VEIL_EXTERN int veil_error_set(int code, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* veil_error_set(VEIL_ENOMEM, "out of memory"): one message for every
 * allocation failure, so none is ever reported as another error. */
VEIL_EXTERN int veil_error_oom(void);

/* Clears the thread's message. */
VEIL_EXTERN void veil_error_clear(void);

VEIL_END_DECL

#endif
