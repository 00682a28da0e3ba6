/* stream-bench: runs only the age STREAM payload over files, to measure the
 * batch pipeline without the header code.
 *   stream-bench -e|-d [-t THREADS] IN OUT     (- = stdin / stdout)
 * The key is fixed: this is a throughput tool, not an encryption tool. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "age/stream.h"
#include "util/io.h"
#include "veil/veil.h"

static int open_in(const char *path)
{
	return strcmp(path, "-") ? open(path, O_RDONLY) : 0;
}

static int open_out(const char *path)
{
	return strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : 1;
}

int main(int argc, char **argv)
{
	static const uint8_t key[32] = { 42 };
	unsigned int threads = 0;
	int encrypt, in, out, rc, argi = 2;
	char *end;

	if (argc >= 4 && !strcmp(argv[2], "-t")) {
		threads = (unsigned int)strtoul(argv[3], &end, 10);
		argi = 4;
	}
	if (argc - argi != 2 || (strcmp(argv[1], "-e") && strcmp(argv[1], "-d"))) {
		fputs("usage: stream-bench -e|-d [-t THREADS] IN OUT\n", stderr);
		return 2;
	}
	if (veil_init() < 0)
		return 1;
	encrypt = !strcmp(argv[1], "-e");
	in = open_in(argv[argi]);
	out = open_out(argv[argi + 1]);
	if (in < 0 || out < 0) {
		perror("stream-bench: open");
		return 1;
	}
	if (encrypt)
		rc = veil_stream__encrypt(key, veil_fd_read, &in, veil_fd_write, &out, threads);
	else
		rc = veil_stream__decrypt(key, veil_fd_read, &in, veil_fd_write, &out, threads);
	if (rc < 0) {
		fprintf(stderr, "stream-bench: %s\n", veil_error_last());
		return 1;
	}
	return close(out) < 0 ? 1 : 0;
}
