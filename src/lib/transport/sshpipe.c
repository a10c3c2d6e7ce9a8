/* The ssh child of a connection: see sshpipe.h.
 *
 * Why a socket pair: the connection code reads, writes, polls and
 * half-closes one fd; a socket pair gives ssh a stdin and stdout that are
 * the same socket, and berth a socket it treats like a unix one. shutdown()
 * of berth's write side is ssh's end of input, which it passes on to the
 * remote command (the end of an exec's stdin).
 *
 * The remote command must end when the engine closes its side: ssh keeps
 * its own stdout open until it exits, so that end reaches berth only as
 * ssh's exit. The dial-stdio relays of docker and podman do so at once.
 * (OpenSSH 9.2's -W takes no socket path; a plain socat lingers -t
 * seconds after the first end it sees, so it is the last resort.) */
#include "sshpipe.h"
#include "lib/parse/sshdiag.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define STDERR_KEEP (8 * 1024)

struct ssh_child {
	pid_t pid;
	int errfd;          /* read end of ssh's stderr, non-blocking; -1 once at its end */
	bool reaped;
	int status;         /* exit status once reaped; -1 when unknown */
	char err[STDERR_KEEP];
	size_t errlen;
};

int ssh_remote_command(sbuf *out, const endpoint *ep)
{
	if (!ep->path)
		return sbuf_adds(out, "docker system dial-stdio");
	/* The path holds only [A-Za-z0-9/._+-] (endpoint.c checks it): it
	 * needs no quoting in any shell. */
	const char *p = ep->path;
	return sbuf_printf(out,
			   "sh -c \"if command -v podman >/dev/null 2>&1; then exec podman --url unix://%s system dial-stdio; "
			   "elif command -v docker >/dev/null 2>&1; then exec docker --host unix://%s system dial-stdio; "
			   "elif command -v socat >/dev/null 2>&1; then exec socat - UNIX-CONNECT:%s; "
			   "else echo berth: podman, docker or socat not found on the remote side to reach %s >&2; exit 127; fi\"",
			   p, p, p, p);
}

/* $BERTH_SSH_OPTIONS, split at white space. */
static int push_user_options(strv *v)
{
	const char *o = getenv("BERTH_SSH_OPTIONS");
	for (const char *p = o; p && *p;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n && strv_push_take(v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
	}
	return 0;
}

int ssh_argv_build(strv *out, const endpoint *ep, int connect_timeout_ms, berth_error *err)
{
	_cleanup_strv_ strv v = STRV_INIT;
	_cleanup_sbuf_ sbuf cmd = SBUF_INIT;
	char timeout[40];
	int secs = connect_timeout_ms > 0 ? (connect_timeout_ms + 999) / 1000 : 5;
	snprintf(timeout, sizeof timeout, "ConnectTimeout=%d", secs);
	const char *prog = getenv("BERTH_SSH");
	/* ssh takes the first value it is given for an option: BatchMode
	 * (never a prompt) before the user's, the rest after them. No
	 * forwardings (a LocalForward of ~/.ssh/config would collide among
	 * the pool's connections), no new control master (closing a pooled
	 * connection must not take the others along; an existing master is
	 * still used). */
	int r = strv_push(&v, isempty(prog) ? "ssh" : prog);
	if (r == 0)
		r = strv_push(&v, "-o") < 0 || strv_push(&v, "BatchMode=yes") < 0 ? -ENOMEM : 0;
	if (r == 0)
		r = push_user_options(&v);
	const char *const fixed[] = { "-o", timeout, "-o", "ClearAllForwardings=yes", "-o", "ControlMaster=no",
				      "-T", "-x" };
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(fixed); i++)
		r = strv_push(&v, fixed[i]);
	if (r == 0 && ep->port)
		r = strv_push(&v, "-p") < 0 || strv_push(&v, ep->port) < 0 ? -ENOMEM : 0;
	if (r == 0 && ep->user)
		r = strv_push(&v, "-l") < 0 || strv_push(&v, ep->user) < 0 ? -ENOMEM : 0;
	if (r == 0)
		r = strv_push(&v, "--") < 0 || strv_push(&v, ep->host) < 0 ? -ENOMEM : 0;
	if (r == 0)
		r = ssh_remote_command(&cmd, ep) < 0 || strv_push(&v, cmd.data) < 0 ? -ENOMEM : 0;
	if (r < 0)
		return BERTH_NOMEM(err);
	*out = v;
	v = (strv)STRV_INIT;
	return 0;
}

/* An fd above the standard three, so that the child's dup2 onto 0, 1 and 2
 * never finds its source already there (a process that closed its stdin). */
static int above_stdio(int fd)
{
	if (fd > 2)
		return fd;
	int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int e = errno;
	close(fd);
	errno = e;
	return n;
}

int ssh_child_start(ssh_child **out, int *fd, const endpoint *ep, int connect_timeout_ms, berth_error *err)
{
	_cleanup_strv_ strv argv = STRV_INIT;
	int r = ssh_argv_build(&argv, ep, connect_timeout_ms, err);
	if (r < 0)
		return r;
	ssh_child *c = calloc(1, sizeof *c);
	if (!c)
		return BERTH_NOMEM(err);
	c->status = -1;
	int sv[2] = { -1, -1 }, ep2[2] = { -1, -1 };
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(ep2, O_CLOEXEC) < 0) {
		int e = errno;
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		free(c);
		return berth_fail_full(err, berth_code_from_errno(e), 0, e, "%s: socketpair/pipe: %s", ep->uri,
				       strerror(e));
	}
	sv[1] = above_stdio(sv[1]);
	ep2[1] = above_stdio(ep2[1]);
	if (sv[1] < 0 || ep2[1] < 0) {
		int e = errno;
		close(sv[0]);
		close(ep2[0]);
		if (sv[1] >= 0)
			close(sv[1]);
		if (ep2[1] >= 0)
			close(ep2[1]);
		free(c);
		return berth_fail_full(err, berth_code_from_errno(e), 0, e, "%s: fcntl: %s", ep->uri, strerror(e));
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(ep2[0], F_SETFL, O_NONBLOCK);

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_adddup2(&fa, ep2[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* the caller's own fds that lack close-on-exec stay with the caller */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	/* a process group of its own (killed whole, with a ProxyCommand's
	 * children; no terminal signals), no signal blocked, and the ones a
	 * program often ignores back to their defaults */
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGCHLD);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &defaults);
	r = posix_spawnp(&c->pid, argv.items[0], &fa, &at, argv.items, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	close(ep2[1]);
	if (r != 0) {
		close(sv[0]);
		close(ep2[0]);
		free(c);
		return berth_fail_full(err, r == ENOENT ? BERTH_EUNAVAILABLE : berth_code_from_errno(r), 0, r,
				       "%s: cannot run %s: %s%s", ep->uri, argv.items[0], strerror(r),
				       r == ENOENT ? " (install the OpenSSH client, or set BERTH_SSH)" : "");
	}
	c->errfd = ep2[0];
	*fd = sv[0];
	*out = c;
	return 0;
}

void ssh_child_drain(ssh_child *c)
{
	while (c && c->errfd >= 0) {
		char buf[4096];
		ssize_t n = read(c->errfd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(c->errfd);
				c->errfd = -1;
			}
			return;
		}
		/* keep the newest bytes (a read is smaller than the store): ssh
		 * tells the failure last */
		if (c->errlen + (size_t)n > STDERR_KEEP) {
			size_t drop = c->errlen + (size_t)n - STDERR_KEEP;
			memmove(c->err, c->err + drop, c->errlen - drop);
			c->errlen -= drop;
		}
		memcpy(c->err + c->errlen, buf, (size_t)n);
		c->errlen += (size_t)n;
	}
}

/* Reap without blocking: true once ssh is gone. */
static bool reap_now(ssh_child *c)
{
	if (c->reaped)
		return true;
	int st;
	pid_t w;
	while ((w = waitpid(c->pid, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (w == 0)
		return false;
	c->reaped = true;
	/* ECHILD: SIGCHLD ignored, or the program reaped it: status unknown */
	c->status = w == c->pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return true;
}

static void nap(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* Reap within ms milliseconds; true when it is gone. */
static bool reap_within(ssh_child *c, int ms)
{
	int64_t end = now_ms() + ms;
	long step = 1;
	while (!reap_now(c)) {
		if (now_ms() >= end)
			return false;
		nap(step);
		if (step < 20)
			step *= 2;
	}
	return true;
}

int ssh_child_verdict(ssh_child *c, const endpoint *ep, int64_t deadline, berth_error *err)
{
	int wait = 2000;
	int left = remaining_ms(deadline);
	if (left >= 0 && left < wait)
		wait = left;
	bool gone = reap_within(c, wait);
	ssh_child_drain(c);
	/* ended well, or still there with nothing to say: a plain end of
	 * stream, for the caller to judge */
	if ((gone && c->status == 0) || (!gone && c->errlen == 0))
		return 0;
	char msg[BERTH_ERROR_MESSAGE_MAX];
	int code = ssh_diagnose(msg, sizeof msg, c->err, c->errlen, gone ? c->status : -1);
	return berth_fail(err, code, "%s: %s", ep->uri, msg);
}

void ssh_child_stop(ssh_child *c)
{
	if (!c)
		return;
	if (!reap_now(c)) {
		/* still ours and not reaped: its pid (and group) cannot have
		 * been reused */
		kill(-c->pid, SIGTERM);
		if (!reap_within(c, 1000)) {
			kill(-c->pid, SIGKILL);
			int st;
			while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
				;
			c->reaped = true;
		}
	}
	if (c->errfd >= 0)
		close(c->errfd);
	free(c);
}
