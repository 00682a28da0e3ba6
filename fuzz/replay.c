/* Replay driver for builds without libFuzzer (gcc, CI): runs the target's
 * LLVMFuzzerTestOneInput once on every file named on the command line,
 * recursing into directories. A crash or sanitizer report ends the process,
 * so "exit 0" means every input ran cleanly. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static size_t replayed;

/* Reads the whole file into *out, a buffer of exactly its size (at least one
 * byte allocated), so the sanitizers see a read past the end as they would
 * under libFuzzer. */
static int read_file(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *f = NULL;
	uint8_t *data = NULL, *exact = NULL;
	size_t len = 0, cap = 0;
	int error = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto done;
	}
	for (;;) {
		uint8_t chunk[65536];
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		uint8_t *grown;

		if (n == 0)
			break;
		if (len + n > cap) {
			cap = (len + n) * 2;
			grown = realloc(data, cap);
			if (grown == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				goto done;
			}
			data = grown;
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		goto done;
	}
	exact = malloc(len > 0 ? len : 1);
	if (exact == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto done;
	}
	if (len > 0)
		memcpy(exact, data, len);
	*out = exact;
	*out_len = len;
	error = 0;
done:
	free(data);
	if (f != NULL)
		fclose(f);
	return error;
}

static int replay_file(const char *path)
{
	uint8_t *data;
	size_t len;

	if (read_file(path, &data, &len) < 0)
		return -1;
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	replayed++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path);

/* Replays a directory's entries in name order, so runs are reproducible. */
static int replay_dir(const char *path)
{
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int error = -1;

	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto done;
	}
	for (;;) {
		char **grown;

		e = readdir(d);
		if (e == NULL)
			break;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				goto done;
			names = grown;
		}
		names[n] = strdup(e->d_name);
		if (names[n] == NULL)
			goto done;
		n++;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t plen = strlen(path) + 1 + strlen(names[i]) + 1;
		char *child = malloc(plen);
		int rc;

		if (child == NULL)
			goto done;
		snprintf(child, plen, "%s/%s", path, names[i]);
		rc = replay_path(child);
		free(child);
		if (rc < 0)
			goto done;
	}
	error = 0;
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		closedir(d);
	return error;
}

static int replay_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path);
	return replay_file(path);
}

int main(int argc, char **argv)
{
	int i;

	veil_fuzz_init();
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (replay_path(argv[i]) < 0)
			return 1;
	}
	printf("replayed %zu inputs\n", replayed);
	return 0;
}
