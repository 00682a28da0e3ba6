/* veil: command dispatch. Only src/cli prints or exits. */
#include <stdio.h>
#include <string.h>
#include "veil/veil.h"

static void usage(FILE *f)
{
	fputs("usage: veil <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  keygen [-o FILE] | keygen -y [FILE]   make an age identity / print its recipient\n"
	      "  age -e|-d ...                         age-format file encryption (flags as age)\n"
	      "  version                               print versions\n",
	      f);
}

int main(int argc, char **argv)
{
	if (veil_init() < 0) {
		fprintf(stderr, "veil: error: %s\n", veil_error_last());
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("veil %s\n", VEIL_VERSION);
		return 0;
	}
	fprintf(stderr, "veil: error: unknown command '%s'\nveil: try 'veil --help'\n", argv[1]);
	return 2;
}
