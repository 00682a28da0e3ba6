/* Messages on stderr, one line each, and the mapping from library errors to
 * what the user reads. stdout carries only data. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "cli.h"

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "veil: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void veil_cli__error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void veil_cli__warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void veil_cli__hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("hint", fmt, ap);
	va_end(ap);
}

int veil_cli__usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	fprintf(stderr, "veil: hint: try 'veil %s --help'\n", cmd);
	return VEIL_EXIT_USAGE;
}

/* Case-insensitive substring test, for "does the message already say it". */
static int mentions(const char *msg, const char *what)
{
	size_t n = strlen(what);

	for (; *msg; msg++) {
		if (!strncasecmp(msg, what, n))
			return 1;
	}
	return 0;
}

/* The code's name says the cause for the failures a user must tell apart
 * (no match, MAC, payload, armor, format); for the others the message alone
 * reads better ("cannot open ...: No such file or directory"). */
static int names_cause(int code)
{
	switch (code) {
	case VEIL_ENOMATCH:
	case VEIL_EAUTH:
	case VEIL_EFORMAT:
	case VEIL_EMAC:
	case VEIL_EPAYLOAD:
	case VEIL_EARMOR:
	case VEIL_ELIMIT:
	case VEIL_EUNSUPPORTED:
		return 1;
	default:
		return 0;
	}
}

int veil_cli__lib_error(const char *context, int code)
{
	const char *msg = veil_error_last();
	const char *name = veil_error_name(code);
	size_t clen = strlen(context);

	if (!strcmp(msg, "no error message"))
		msg = name;
	/* The library often names the file already ("key.txt: ...",
	 * "cannot open key.txt: ..."): say it once. */
	if (clen > 0 && !strncmp(msg, context, clen) && !strncmp(msg + clen, ": ", 2))
		msg += clen + 2;
	else if (clen > 0 && strstr(msg, context))
		context = "";
	if (!names_cause(code) || mentions(msg, name))
		name = "";
	veil_cli__error("%s%s%s%s%s", context, *context ? ": " : "", name, *name ? ": " : "", msg);
	if (code == VEIL_ENOMATCH)
		veil_cli__keyfind_report(); /* every place looked at */
	return VEIL_EXIT_FAIL;
}
