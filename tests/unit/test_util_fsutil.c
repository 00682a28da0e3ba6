#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "util/fsutil.h"
#include "util/secret.h"
#include "veil/error.h"

/* Each test works in its own fresh directory under $TMPDIR. */
static char *make_dir(char *tmpl, size_t cap)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpl, cap, "%s/veil-fsutil-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(tmpl);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	for (e = readdir(d); e; e = readdir(d))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static int file_is(const char *path, const char *text)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int same;

	if (veil_file_read(&data, &len, path, 0) < 0)
		return 0;
	same = len == strlen(text) && memcmp(data, text, len) == 0;
	free(data);
	return same;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];

	if (!d)
		return;
	for (e = readdir(d); e; e = readdir(d)) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

TEST(test_util_fsutil__read_whole_file_bounded)
{
	char dir[256], path[300];
	uint8_t *data = NULL;
	size_t len = 0;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/in", dir);
	put_file(path, "0123456789");
	CHECK_INT(veil_file_read(&data, &len, path, 10), 0);
	CHECK_INT(len, 10);
	CHECK(data && data[10] == '\0' && memcmp(data, "0123456789", 10) == 0);
	veil_wipe_free(data, len);
	data = NULL;
	CHECK_INT(veil_file_read(&data, &len, path, 9), VEIL_ELIMIT);
	CHECK(data == NULL);
	CHECK(strstr(veil_error_last(), path) != NULL);
	put_file(path, "");
	CHECK_INT(veil_file_read(&data, &len, path, 9), 0);
	CHECK_INT(len, 0);
	CHECK(data && data[0] == '\0');
	free(data);
	remove_dir(dir);
}

TEST(test_util_fsutil__read_errors_name_the_path)
{
	uint8_t *data = NULL;
	size_t len;
	char dir[256], path[300];

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK_INT(veil_file_read(&data, &len, path, 0), VEIL_ENOTFOUND);
	CHECK(strstr(veil_error_last(), path) != NULL);
	CHECK_INT(veil_file_read(&data, &len, dir, 0), VEIL_EIO); /* a directory */
	CHECK(strstr(veil_error_last(), dir) != NULL);
	CHECK(data == NULL);
	remove_dir(dir);
}

TEST(test_util_fsutil__read_dash_is_stdin)
{
	int fds[2], saved;
	uint8_t *data = NULL;
	size_t len = 0;

	CHECK_INT(pipe(fds), 0);
	CHECK_INT(write(fds[1], "from stdin", 10), 10);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	CHECK_INT(veil_file_read(&data, &len, "-", 100), 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
	CHECK_INT(len, 10);
	CHECK(data && memcmp(data, "from stdin", 10) == 0);
	free(data);
}

TEST(test_util_fsutil__new_file_is_0600_and_no_temp_remains)
{
	char dir[256], path[300];
	struct stat st;
	mode_t old = umask(022);

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/out.age", dir);
	CHECK_INT(veil_file_write_atomic(path, (const uint8_t *)"secret", 6, 0), 0);
	umask(old);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK(file_is(path, "secret"));
	CHECK_INT(count_entries(dir), 1);
	remove_dir(dir);
}

TEST(test_util_fsutil__temp_is_invisible_until_commit_then_replaces)
{
	char dir[256], path[300];
	veil_outfile *f = NULL;
	struct stat before, after;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/target", dir);
	put_file(path, "old contents");
	CHECK_INT(stat(path, &before), 0);
	CHECK_INT(veil_outfile_open(&f, path, 0), 0);
	CHECK_INT(veil_outfile_write(f, (const uint8_t *)"new ", 4), 0);
	CHECK_INT(veil_outfile_writer(f, (const uint8_t *)"contents", 8), 0);
	/* Until commit the target is untouched and a temp sits beside it. */
	CHECK(file_is(path, "old contents"));
	CHECK_INT(count_entries(dir), 2);
	CHECK_INT(veil_outfile_commit(f), 0);
	CHECK(file_is(path, "new contents"));
	CHECK_INT(count_entries(dir), 1);
	/* Replaced by rename: a new inode, not the old one rewritten. */
	CHECK_INT(stat(path, &after), 0);
	CHECK(before.st_ino != after.st_ino);
	remove_dir(dir);
}

TEST(test_util_fsutil__abort_removes_temp_and_keeps_target)
{
	char dir[256], path[300];
	veil_outfile *f = NULL;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/target", dir);
	put_file(path, "keep me");
	CHECK_INT(veil_outfile_open(&f, path, 0), 0);
	CHECK_INT(veil_outfile_write(f, (const uint8_t *)"partial", 7), 0);
	veil_outfile_abort(f);
	veil_outfile_abort(NULL);
	CHECK(file_is(path, "keep me"));
	CHECK_INT(count_entries(dir), 1);
	/* A new target aborted leaves nothing at all. */
	snprintf(path, sizeof(path), "%s/fresh", dir);
	CHECK_INT(veil_outfile_open(&f, path, 0), 0);
	veil_outfile_abort(f);
	CHECK_INT(count_entries(dir), 1);
	CHECK(access(path, F_OK) != 0);
	remove_dir(dir);
}

TEST(test_util_fsutil__excl_refuses_existing_target)
{
	char dir[256], path[300], link_path[300];
	veil_outfile *f = NULL;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/key.txt", dir);
	put_file(path, "existing key");
	CHECK_INT(veil_outfile_open(&f, path, VEIL_OUT_EXCL), VEIL_EINVAL);
	CHECK(f == NULL);
	CHECK(strstr(veil_error_last(), "already exists") != NULL);
	CHECK(strstr(veil_error_last(), path) != NULL);
	CHECK_INT(veil_file_write_atomic(path, (const uint8_t *)"x", 1, VEIL_OUT_EXCL),
	          VEIL_EINVAL);
	CHECK(file_is(path, "existing key"));
	/* A dangling symlink also counts as existing. */
	snprintf(link_path, sizeof(link_path), "%s/dangling", dir);
	CHECK_INT(symlink("nowhere", link_path), 0);
	CHECK_INT(veil_outfile_open(&f, link_path, VEIL_OUT_EXCL), VEIL_EINVAL);
	CHECK_INT(count_entries(dir), 2);
	remove_dir(dir);
}

TEST(test_util_fsutil__excl_is_enforced_at_commit)
{
	char dir[256], path[300];
	veil_outfile *f = NULL;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/key.txt", dir);
	CHECK_INT(veil_outfile_open(&f, path, VEIL_OUT_EXCL), 0);
	CHECK_INT(veil_outfile_write(f, (const uint8_t *)"mine", 4), 0);
	/* Someone else creates the file between open and commit. */
	put_file(path, "theirs");
	CHECK_INT(veil_outfile_commit(f), VEIL_EINVAL);
	CHECK(file_is(path, "theirs"));
	CHECK_INT(count_entries(dir), 1);
	/* Without a race it lands normally. */
	unlink(path);
	CHECK_INT(veil_file_write_atomic(path, (const uint8_t *)"mine", 4, VEIL_OUT_EXCL), 0);
	CHECK(file_is(path, "mine"));
	CHECK_INT(count_entries(dir), 1);
	remove_dir(dir);
}

TEST(test_util_fsutil__dev_null_is_written_directly)
{
	struct stat st;

	CHECK_INT(veil_file_write_atomic("/dev/null", (const uint8_t *)"discard", 7, 0), 0);
	CHECK_INT(veil_file_write_atomic("/dev/null", (const uint8_t *)"discard", 7, VEIL_OUT_EXCL),
	          0);
	CHECK_INT(stat("/dev/null", &st), 0);
	CHECK(S_ISCHR(st.st_mode));
}

TEST(test_util_fsutil__fifo_is_written_directly)
{
	char dir[256], path[300], got[16] = { 0 };
	struct stat st;
	int rd;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK_INT(mkfifo(path, 0600), 0);
	/* A reader first, so opening the writing end does not block. */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(rd >= 0);
	CHECK_INT(veil_file_write_atomic(path, (const uint8_t *)"through fifo", 12, 0), 0);
	CHECK_INT(read(rd, got, sizeof(got)), 12);
	CHECK_STR(got, "through fifo");
	close(rd);
	CHECK_INT(lstat(path, &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_INT(count_entries(dir), 1);
	remove_dir(dir);
}

TEST(test_util_fsutil__dev_stdout_and_dash_use_stdout)
{
	int fds[2], saved;
	char got[32] = { 0 };
	veil_outfile *f = NULL;

	CHECK_INT(pipe(fds), 0);
	saved = dup(STDOUT_FILENO);
	fflush(stdout);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	CHECK_INT(veil_file_write_atomic("/dev/stdout", (const uint8_t *)"A", 1, 0), 0);
	CHECK_INT(veil_file_write_atomic("-", (const uint8_t *)"B", 1, 0), 0);
	CHECK_INT(veil_outfile_open(&f, NULL, 0), 0);
	CHECK_INT(veil_outfile_write(f, (const uint8_t *)"C", 1), 0);
	CHECK_INT(veil_outfile_commit(f), 0);
	/* stdout itself must still be open after commit. */
	CHECK_INT(write(STDOUT_FILENO, "D", 1), 1);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	CHECK_INT(read(fds[0], got, sizeof(got)), 4);
	CHECK_STR(got, "ABCD");
	close(fds[0]);
}

TEST(test_util_fsutil__symlink_to_file_is_kept)
{
	char dir[256], path[300], link_path[300];
	struct stat st;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/real", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	put_file(path, "v1");
	CHECK_INT(symlink("real", link_path), 0);
	CHECK_INT(veil_file_write_atomic(link_path, (const uint8_t *)"v2", 2, 0), 0);
	CHECK_INT(lstat(link_path, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK(file_is(path, "v2"));
	CHECK_INT(count_entries(dir), 2);
	remove_dir(dir);
}

TEST(test_util_fsutil__cleanup_all_unlinks_live_temps)
{
	char dir[256], a[300], b[300];
	veil_outfile *fa = NULL, *fb = NULL;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	CHECK_INT(veil_outfile_open(&fa, a, 0), 0);
	CHECK_INT(veil_outfile_open(&fb, b, 0), 0);
	CHECK_INT(count_entries(dir), 2);
	veil_outfile__cleanup_all();
	CHECK_INT(count_entries(dir), 0);
	veil_outfile_abort(fa);
	veil_outfile_abort(fb);
	/* Committed outputs are no longer registered: cleanup leaves them. */
	CHECK_INT(veil_file_write_atomic(a, (const uint8_t *)"x", 1, 0), 0);
	veil_outfile__cleanup_all();
	CHECK(file_is(a, "x"));
	remove_dir(dir);
}

TEST(test_util_fsutil__bad_targets)
{
	char dir[256], path[300];
	veil_outfile *f = NULL;

	CHECK(make_dir(dir, sizeof(dir)) != NULL);
	CHECK_INT(veil_outfile_open(&f, dir, 0), VEIL_EINVAL); /* a directory */
	snprintf(path, sizeof(path), "%s/", dir);
	CHECK_INT(veil_outfile_open(&f, path, 0), VEIL_EINVAL);
	snprintf(path, sizeof(path), "%s/no/such/dir/file", dir);
	CHECK_INT(veil_outfile_open(&f, path, 0), VEIL_ENOTFOUND);
	CHECK(strstr(veil_error_last(), path) != NULL);
	CHECK(f == NULL);
	CHECK_INT(count_entries(dir), 0);
	remove_dir(dir);
}
