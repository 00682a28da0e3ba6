#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.h"
#include "util/io.h"
#include "veil/error.h"

TEST(test_util_io__fd_round_trip_through_pipe)
{
	int fds[2];
	uint8_t buf[16];
	long n;

	CHECK_INT(pipe(fds), 0);
	CHECK_INT(veil_fd_write(&fds[1], (const uint8_t *)"hello world", 11), 0);
	close(fds[1]);
	n = veil_read_full(veil_fd_read, &fds[0], buf, sizeof(buf));
	CHECK_INT(n, 11);
	CHECK_MEM(buf, "hello world", 11);
	CHECK_INT(veil_fd_read(&fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
}

TEST(test_util_io__epipe_is_eio_with_message)
{
	int fds[2];
	void (*old)(int);
	int rc;

	CHECK_INT(pipe(fds), 0);
	close(fds[0]);
	old = signal(SIGPIPE, SIG_IGN);
	rc = veil_fd_write(&fds[1], (const uint8_t *)"x", 1);
	signal(SIGPIPE, old);
	close(fds[1]);
	CHECK_INT(rc, VEIL_EIO);
	CHECK(strstr(veil_error_last(), "pipe") != NULL);
}

TEST(test_util_io__bad_fd_read_fails)
{
	int fd = -1;
	uint8_t b[4];

	CHECK_INT(veil_fd_read(&fd, b, 4), VEIL_EIO);
	CHECK_INT(veil_fd_write(&fd, b, 4), VEIL_EIO);
}

TEST(test_util_io__mem_reader_and_read_full)
{
	static const uint8_t data[] = "0123456789";
	veil_memreader m = { data, 10, 0 };
	uint8_t buf[8];

	CHECK_INT(veil_mem_read(&m, buf, 3), 3);
	CHECK_MEM(buf, "012", 3);
	CHECK_INT(veil_read_full(veil_mem_read, &m, buf, 8), 7);
	CHECK_MEM(buf, "3456789", 7);
	CHECK_INT(veil_mem_read(&m, buf, 8), 0);
	CHECK_INT(veil_read_full(veil_mem_read, &m, buf, 8), 0);
}

/* A reader that yields one byte per call, to prove read_full loops. */
static long one_byte_reader(void *payload, uint8_t *buf, size_t len)
{
	veil_memreader *m = payload;

	return veil_mem_read(m, buf, len ? 1 : 0);
}

static long failing_reader(void *payload, uint8_t *buf, size_t len)
{
	(void)payload;
	(void)buf;
	(void)len;
	return veil_error_set(VEIL_EIO, "boom");
}

TEST(test_util_io__read_full_loops_and_propagates_errors)
{
	static const uint8_t data[] = "abcdef";
	veil_memreader m = { data, 6, 0 };
	uint8_t buf[6];

	CHECK_INT(veil_read_full(one_byte_reader, &m, buf, 6), 6);
	CHECK_MEM(buf, "abcdef", 6);
	CHECK_INT(veil_read_full(failing_reader, NULL, buf, 6), VEIL_EIO);
}

TEST(test_util_io__large_write_to_pipe_is_complete)
{
	/* More than a pipe's buffer: the writer must loop over short writes. */
	static uint8_t big[1 << 18], back[1 << 18];
	int fds[2];
	pid_t pid;
	long n;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	CHECK_INT(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(veil_fd_write(&fds[1], big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(fds[1]);
	n = veil_read_full(veil_fd_read, &fds[0], back, sizeof(back));
	close(fds[0]);
	CHECK_INT(n, sizeof(big));
	CHECK_MEM(back, big, sizeof(big));
	{
		int status = 0;

		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}
