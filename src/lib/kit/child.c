/* Running a helper program to its end, bounded: see child.h. */
#include "lib/kit/child.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

/* write() to a pipe whose reader may be gone (a program that failed before
 * reading its input) without the process's SIGPIPE: blocked for this
 * thread, a pending one this write raised taken back. A library changes
 * no signal disposition. */
static ssize_t write_quiet(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t n = write(fd, buf, len);
	int e = errno;
	if (n < 0 && e == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return n;
}

/* Write the input to *fd_in (closed once done or refused), read fd_out to
 * its end into buf, within the deadline. */
static int exchange(char *buf, size_t cap, size_t *len, int *fd_in, int fd_out, const char *input, size_t input_len,
		    int64_t deadline)
{
	size_t off = 0;
	if (!input_len) {
		close(*fd_in);
		*fd_in = -1;
	}
	for (;;) {
		struct pollfd p[2] = { { fd_out, POLLIN, 0 }, { *fd_in, POLLOUT, 0 } };
		int left = remaining_ms(deadline);
		if (left <= 0)
			return -ETIMEDOUT;
		int n = poll(p, *fd_in >= 0 ? 2 : 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (*fd_in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write_quiet(*fd_in, input + off, input_len - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EINTR && errno != EAGAIN) || off == input_len) {
				close(*fd_in);
				*fd_in = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			/* one byte more than fits tells an overflow */
			ssize_t r = read(fd_out, buf + *len, cap + 1 - *len);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r < 0)
				return -errno;
			if (r == 0)
				return 0;
			*len += (size_t)r;
			if (*len > cap) {
				*len = cap;
				return -E2BIG;
			}
		}
	}
}

/* Reap pid before the deadline. */
static int reap(pid_t pid, int *status, int64_t deadline)
{
	long nap_ms = 1;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*status = 0; /* ECHILD: SIGCHLD ignored, the kernel reaped it */
			return 0;
		}
		if (remaining_ms(deadline) <= 0)
			return -ETIMEDOUT;
		struct timespec ts = { 0, nap_ms * 1000000L };
		nanosleep(&ts, NULL);
		if (nap_ms < 32)
			nap_ms *= 2;
	}
}

int child_run(char *buf, size_t cap, size_t *len, int *status, const char *exe, char *const argv[],
	      char *const envp[], const void *input, size_t input_len, int timeout_ms)
{
	*len = 0;
	buf[0] = '\0';
	*status = 0;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		int e = errno;
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		return -e;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* a group of its own, to be killed whole; no signal blocked or ignored
	 * because the calling thread had it so */
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &defaults);
	pid_t pid;
	int r = posix_spawn(&pid, exe, &fa, &at, argv, envp ? envp : environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (r != 0) {
		close(in[1]);
		close(out[0]);
		return -r;
	}
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	r = exchange(buf, cap, len, &in[1], out[0], input, input_len, deadline);
	if (in[1] >= 0)
		close(in[1]);
	close(out[0]);
	buf[*len] = '\0';
	if (r == 0)
		r = reap(pid, status, deadline);
	if (r < 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	return r;
}

int child_find_program(char *out, size_t size, const char *name)
{
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, size, "%s", name) >= size)
			return -ENAMETOOLONG;
		return access(out, X_OK) == 0 ? 0 : errno == ENOENT ? -ENOENT : -EACCES;
	}
	const char *path = getenv("PATH");
	if (isempty(path))
		path = "/usr/local/bin:/usr/bin:/bin";
	int found = -ENOENT;
	for (const char *p = path;;) {
		const char *colon = strchrnul(p, ':');
		int dn = (int)(colon - p);
		/* an empty entry is the working directory */
		int w = dn ? snprintf(out, size, "%.*s/%s", dn, p, name) : snprintf(out, size, "./%s", name);
		struct stat st;
		if (w < 0 || (size_t)w >= size)
			found = found == -ENOENT ? -ENAMETOOLONG : found;
		else if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			found = -EACCES;
		}
		if (!*colon)
			break;
		p = colon + 1;
	}
	return found;
}

/* The daemon's side of child_spawn_daemon: between the forks and the exec
 * only async-signal-safe calls (the caller may have threads). */
__attribute__((noreturn)) static void daemon_child(const char *exe, char *const argv[], const int *fds, size_t n_fds)
{
	if (setsid() < 0)
		_exit(1);
	pid_t g = fork();
	if (g != 0)
		_exit(g < 0 ? 1 : 0);
	/* out of the way of the targets first: a source may be one of them */
	int high[16];
	for (size_t i = 0; i < n_fds; i++)
		if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64)) < 0)
			_exit(1);
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(1);
	for (int i = 0; i < 3; i++)
		dup2(null, i);
	for (size_t i = 0; i < n_fds; i++)
		if (dup2(high[i], 3 + (int)i) < 0)
			_exit(1);
	syscall(SYS_close_range, 3u + (unsigned)n_fds, ~0u, 0u);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(exe, argv, environ);
	_exit(127);
}

int child_spawn_daemon(const char *exe, char *const argv[], const int *fds, size_t n_fds)
{
	if (n_fds > 16)
		return -EINVAL;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		daemon_child(exe, argv, fds, n_fds);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}
