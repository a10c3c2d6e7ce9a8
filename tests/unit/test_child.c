/* kit/child.c: helper programs run to their end, bounded in time and
 * output, killed whole (their process group) and reaped when they are
 * not done in time. */
#include "../common/test.h"

#include "lib/kit/child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define RUN_MAX 4096

static int run_sh(char *buf, size_t *len, int *status, const char *script, const char *input, int timeout_ms)
{
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };
	return child_run(buf, RUN_MAX, len, status, "/bin/sh", argv, NULL, input, input ? strlen(input) : 0,
			 timeout_ms);
}


static void test_exchange(void **state)
{
	(void)state;
	char buf[RUN_MAX + 1];
	size_t len = 99;
	int status = -1;
	assert_int_equal(run_sh(buf, &len, &status, "cat; echo; echo \"$0 argv\"", "in put", 5000), 0);
	assert_string_equal(buf, "in put\nsh argv\n");
	assert_int_equal(len, strlen(buf));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* exit status, no input, no output */
	assert_int_equal(run_sh(buf, &len, &status, "exit 3", NULL, 5000), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	/* stderr goes nowhere */
	assert_int_equal(run_sh(buf, &len, &status, "echo oops >&2; echo out", NULL, 5000), 0);
	assert_string_equal(buf, "out\n");
	/* a program that reads nothing of a large input: no SIGPIPE here */
	static char big[1 << 20];
	memset(big, 'x', sizeof big - 1);
	assert_int_equal(run_sh(buf, &len, &status, "exit 0", big, 5000), 0);
	/* the environment is passed on */
	setenv("BERTH_TEST_CHILD_ENV", "seen", 1);
	assert_int_equal(run_sh(buf, &len, &status, "printf %s \"$BERTH_TEST_CHILD_ENV\"", NULL, 5000), 0);
	assert_string_equal(buf, "seen");
	unsetenv("BERTH_TEST_CHILD_ENV");
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)"printf %s \"$ONLY\"", NULL };
	char *const envp[] = { (char *)"ONLY=this", NULL };
	assert_int_equal(child_run(buf, RUN_MAX, &len, &status, "/bin/sh", argv, envp, NULL, 0, 5000), 0);
	assert_string_equal(buf, "this");
	assert_no_children();
}

/* A daemon: its own session, left to init (no child here to reap), the
 * descriptors given as 3 and 4 and none of this process's others. */
static void test_daemon(void **state)
{
	(void)state;
	int in[2], out[2], stray[2];
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe(stray), 0); /* inheritable: must not reach it */
	const char *script = "read x <&3; echo \"$x $(cut -d' ' -f6 /proc/$$/stat)\" >&4; sleep 2";
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)script, NULL };
	const int fds[] = { in[0], out[1] };
	assert_int_equal(child_spawn_daemon("/bin/sh", argv, fds, 2), 0);
	assert_no_children();
	close(in[0]);
	close(out[1]);
	assert_int_equal(write(in[1], "hello\n", 6), 6);
	close(in[1]);
	char buf[64] = "";
	size_t len = 0;
	while (len < sizeof buf - 1 && !memchr(buf, '\n', len)) {
		ssize_t n = read(out[0], buf + len, sizeof buf - 1 - len);
		assert_true(n > 0);
		len += (size_t)n;
	}
	/* the session of the first fork, not this one */
	assert_true(strncmp(buf, "hello ", 6) == 0);
	long sid = atol(buf + 6);
	assert_true(sid > 1 && sid != (long)getsid(0));
	/* the daemon still runs (sleep 2) and holds no end of the stray pipe */
	close(stray[1]);
	struct pollfd p = { stray[0], POLLIN, 0 };
	assert_int_equal(poll(&p, 1, 1000), 1);
	assert_int_equal(read(stray[0], buf, 1), 0);
	close(stray[0]);
	close(out[0]);
}

static void test_bounds(void **state)
{
	(void)state;
	char buf[RUN_MAX + 1];
	size_t len;
	int status;
	/* a hang: the program and what it started are killed and reaped */
	char pidfile[] = "/tmp/berth-child-XXXXXX";
	int fd = mkstemp(pidfile);
	assert_true(fd >= 0);
	close(fd);
	char script[200];
	snprintf(script, sizeof script, "sleep 30 & echo $! > %s; wait", pidfile);
	int64_t t0 = now_ms();
	assert_int_equal(run_sh(buf, &len, &status, script, NULL, 300), -ETIMEDOUT);
	int64_t took = now_ms() - t0;
	assert_true(took >= 250 && took < 5000);
	assert_no_children();
	char *text = NULL;
	size_t n = 0;
	assert_int_equal(read_file(pidfile, 100, &text, &n), 0);
	pid_t sleeper = (pid_t)atoi(text);
	free(text);
	unlink(pidfile);
	assert_true(sleeper > 0);
	/* gone, or a zombie waiting for its new parent */
	for (int i = 0; i < 100 && kill(sleeper, 0) == 0; i++) {
		char stat_path[64], *st = NULL;
		snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)sleeper);
		if (read_file(stat_path, 4096, &st, &n) == 0) {
			char *close_paren = strrchr(st, ')');
			bool zombie = close_paren && close_paren[2] == 'Z';
			free(st);
			if (zombie)
				break;
		}
		usleep(10000);
		if (i == 99)
			fail_msg("the helper's child %d outlived the timeout", (int)sleeper);
	}
	/* a program that closes its stdout but does not exit */
	assert_int_equal(run_sh(buf, &len, &status, "exec >&-; sleep 30", NULL, 300), -ETIMEDOUT);
	assert_no_children();
	/* too much output */
	assert_int_equal(run_sh(buf, &len, &status, "head -c 100000 /dev/zero | tr '\\0' y", NULL, 5000), -E2BIG);
	assert_int_equal(len, RUN_MAX);
	assert_no_children();
	/* exactly as much as fits */
	assert_int_equal(run_sh(buf, &len, &status, "head -c 4096 /dev/zero | tr '\\0' y", NULL, 5000), 0);
	assert_int_equal(len, RUN_MAX);
}

static void test_missing(void **state)
{
	(void)state;
	char buf[RUN_MAX + 1];
	size_t len;
	int status;
	char *const argv[] = { (char *)"x", NULL };
	assert_int_equal(child_run(buf, RUN_MAX, &len, &status, "/nonexistent/berth-x", argv, NULL, "in", 2, 1000),
			 -ENOENT);
	assert_no_children();
}

static void test_find_program(void **state)
{
	(void)state;
	char path[4096];
	char dir[] = "/tmp/berth-path-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char exe[200], plain[200];
	snprintf(exe, sizeof exe, "%s/berth-test-exe", dir);
	snprintf(plain, sizeof plain, "%s/berth-test-plain", dir);
	FILE *f = fopen(exe, "w");
	fputs("#!/bin/sh\n", f);
	fclose(f);
	chmod(exe, 0755);
	f = fopen(plain, "w");
	fclose(f);
	chmod(plain, 0644);
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char newpath[300];
	snprintf(newpath, sizeof newpath, "/nonexistent::%s", dir);
	setenv("PATH", newpath, 1);
	assert_int_equal(child_find_program(path, sizeof path, "berth-test-exe"), 0);
	assert_string_equal(path, exe);
	assert_int_equal(child_find_program(path, sizeof path, "berth-test-plain"), -EACCES);
	assert_int_equal(child_find_program(path, sizeof path, "berth-test-none"), -ENOENT);
	assert_int_equal(child_find_program(path, sizeof path, exe), 0);
	assert_int_equal(child_find_program(path, sizeof path, "/nonexistent/x"), -ENOENT);
	assert_int_equal(child_find_program(path, 8, "berth-test-exe"), -ENAMETOOLONG);
	if (old) {
		setenv("PATH", old, 1);
		free(old);
	} else {
		unsetenv("PATH");
	}
	unlink(exe);
	unlink(plain);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_find_program),
		cmocka_unit_test(test_daemon),
	};
	return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
