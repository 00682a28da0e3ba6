/* The error convention: a negative code returned, a message kept per thread. */
#include <stdarg.h>
#include <stdio.h>
#include "veil/error.h"

static _Thread_local char last_message[512];

const char *veil_error_last(void)
{
	return last_message[0] ? last_message : "no error message";
}

const char *veil_error_name(int code)
{
	switch (code) {
	case VEIL_OK:
		return "success";
	case VEIL_ENOMATCH:
		return "no identity matched";
	case VEIL_EAUTH:
		return "authentication failed";
	case VEIL_EFORMAT:
		return "malformed input";
	case VEIL_ENOTFOUND:
		return "not found";
	case VEIL_EIO:
		return "input/output error";
	case VEIL_ENOMEM:
		return "out of memory";
	case VEIL_EMAC:
		return "MAC mismatch";
	case VEIL_EPAYLOAD:
		return "truncated or corrupted payload";
	case VEIL_EARMOR:
		return "invalid armor";
	case VEIL_EINVAL:
		return "invalid argument";
	case VEIL_ELIMIT:
		return "limit exceeded";
	case VEIL_EUNSUPPORTED:
		return "unsupported";
	case VEIL_EEXISTS:
		return "already exists";
	case VEIL_EPLAINTEXT:
		return "plaintext value in an encrypted file";
	default:
		return "error";
	}
}

int veil_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	return code;
}

int veil_error_oom(void)
{
	return veil_error_set(VEIL_ENOMEM, "out of memory");
}

void veil_error_clear(void)
{
	last_message[0] = '\0';
}
