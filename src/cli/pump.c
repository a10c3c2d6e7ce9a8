/* The I/O between the local terminal (or pipes) and a process's stream,
 * for exec, attach and the foreground run. Output frames go to stdout and
 * stderr byte for byte; local stdin goes to the process, its end is a
 * half-close. With a TTY the local terminal is put in raw mode (restored
 * on every way out, signals included) and its size follows SIGWINCH. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* ---- the local terminal and signals --------------------------------------- */

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;
static int sig_pipe[2] = { -1, -1 };

static void terminal_restore(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
		tio_saved = 0;
	}
}

/* Set while a pump runs without passing signals on (exec, run -t): the
 * handler then ends berth itself, even when the loop is stuck in a write
 * to a stdout nobody reads. */
static volatile sig_atomic_t die_on_signal;

static void on_signal(int signo)
{
	if (die_on_signal && signo != SIGWINCH) {
		if (tio_saved)
			tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);   /* async-signal-safe */
		_exit(128 + signo);
	}
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* the loop is behind; dropping a repeated signal is fine */
	}
	errno = saved;
}

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void signals_setup(void)
{
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaction(forwarded_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void signals_reset(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		signal(forwarded_signals[i], SIG_DFL);
}

/* Raw mode on the local terminal, when stdin is one. */
static void terminal_raw(void)
{
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	struct termios raw = saved_tio;
	cfmakeraw(&raw);   /* the remote terminal does the line discipline */
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0) {
		tio_saved = 1;
		atexit(terminal_restore);
	}
}

static bool terminal_size(unsigned *rows, unsigned *cols)
{
	struct winsize ws;
	int fds[] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (ioctl(fds[i], TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
			*rows = ws.ws_row;
			*cols = ws.ws_col;
			return true;
		}
	return false;
}

/* Give the remote terminal the local size. Right after a start the
 * process may not be there yet: try a few times. */
static void resize_remote(berth_stream *s, bool retry)
{
	unsigned rows, cols;
	if (!terminal_size(&rows, &cols))
		return;
	for (int i = 0; i < (retry ? 10 : 1); i++) {
		if (berth_stream_resize(s, rows, cols, NULL) == 0)
			return;
		usleep(20000);
	}
}

/* ---- the pump ----------------------------------------------------------------- */


static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				poll(&p, 1, 1000);
				continue;
			}
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Handle the signals that came in; returns an exit code to end with, or 0. */
static int pump_signals(pump *p)
{
	unsigned char sigs[16];
	ssize_t n = read(sig_pipe[0], sigs, sizeof sigs);
	for (ssize_t i = 0; i < n; i++) {
		int signo = sigs[i];
		if (signo == SIGWINCH) {
			if (p->tty)
				resize_remote(p->s, false);
			continue;
		}
		if (p->sig_proxy && p->container) {
			berth_error err = BERTH_ERROR_INIT;
			if (berth_container_kill(p->client, p->container, signo, &err) < 0 &&
			    err.code != BERTH_ECONFLICT)
				cli_fail(&err);
			continue;
		}
		return 128 + signo;
	}
	return 0;
}

#define STDIN_CHUNK (16 * 1024)

/* Copy until the stream ends. Returns 0, or an exit code.
 * Stdin is written only when the connection has room (POLLOUT) and in
 * chunks well below what that guarantees, so a process that does not read
 * its input while it writes output cannot wedge berth: the output keeps
 * being read, signals keep being handled. */
static int pump_run(pump *p)
{
	bool stdin_open = p->forward_stdin;
	char buf[STDIN_CHUNK];
	size_t pending = 0;   /* stdin bytes read, not yet sent */
	for (;;) {
		/* drain what the stream has */
		for (;;) {
			berth_frame f;
			berth_error err = BERTH_ERROR_INIT;
			int r = berth_stream_next(p->s, &f, 0, &err);
			if (r == BERTH_ETIMEDOUT)
				break;
			if (r == BERTH_ITEROVER)
				return 0;
			if (r < 0) {
				terminal_restore();
				return cli_fail125(&err);
			}
			int fd = f.channel == BERTH_CHANNEL_STDOUT ? STDOUT_FILENO : STDERR_FILENO;
			if (write_all(fd, f.data, f.len) < 0 && errno == EPIPE)
				return EXIT_FAIL;
		}
		struct pollfd fds[4] = {
			{ .fd = berth_stream_fd(p->s), .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
			{ .fd = stdin_open && !pending ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = pending ? berth_stream_stdin_fd(p->s) : -1, .events = POLLOUT },
		};
		int n = poll(fds, 4, 250);
		if (n < 0 && errno != EINTR)
			return EXIT_ENGINE;
		if (n <= 0)
			continue;
		if (fds[1].revents & POLLIN) {
			int rc = pump_signals(p);
			if (rc)
				return rc;
		}
		bool stop_stdin = false;
		if (fds[3].revents & (POLLOUT | POLLERR | POLLHUP)) {
			berth_error err = BERTH_ERROR_INIT;
			if (berth_stream_write(p->s, buf, pending, 10000, &err) == 0)
				pending = 0;
			else
				stop_stdin = true;   /* the process is gone or stopped reading */
		}
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
			if (got > 0)
				pending = (size_t)got;
			else if (got == 0 || (errno != EINTR && errno != EAGAIN))
				stop_stdin = true;   /* local end of input */
		}
		if (stop_stdin && stdin_open) {
			/* the process reads end of file, its output goes on */
			stdin_open = false;
			pending = 0;
			berth_stream_close_stdin(p->s, NULL);
		}
	}
}

/* Set up terminal and signals around pump_run. */
int cli_pump_go(pump *p)
{
	die_on_signal = !(p->sig_proxy && p->container);
	signals_setup();
	if (p->tty) {
		/* raw only when the keys go to the process (as docker): with -t
		 * alone, ^C stays a local interrupt */
		if (p->forward_stdin)
			terminal_raw();
		resize_remote(p->s, true);
	}
	int rc = pump_run(p);
	terminal_restore();
	signals_reset();
	die_on_signal = 0;
	return rc;
}

/* How the container ended, once its stream is over: its exit code, or 0
 * when it still runs (the stream was cut by a detach or by the engine). */
int cli_container_exit_code(berth_client *client, const char *id)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_wait_outcome w = BERTH_WAIT_OUTCOME_INIT;
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 10000;
	if (berth_container_wait(&w, client, id, &wo, &err) < 0)
		return err.code == BERTH_ETIMEDOUT ? EXIT_OK : cli_fail125(&err);
	return w.exit_code < 0 ? EXIT_ENGINE : w.exit_code;
}

/* docker run's exit codes when the command cannot be started. */
int cli_run_start_failure(const berth_error *err)
{
	/* Only the engine's reasons for a failed start: Docker sends them
	 * with 400 or 500, Podman with 500 -- or with 409 on the attach
	 * before the start, where it makes the process already. */
	bool start = startswith(err->message, "start ");
	bool attach = startswith(err->message, "attach ");
	bool engine = err->code == BERTH_EENGINE || err->code == BERTH_EINVAL;
	if (!((start && engine) || (attach && (engine || err->code == BERTH_ECONFLICT))))
		return EXIT_ENGINE;
	if (strstr(err->message, "executable file not found") || strstr(err->message, "no such file or directory"))
		return EXIT_NOT_FOUND;
	if (strstr(err->message, "permission denied"))
		return EXIT_CANNOT_RUN;
	return EXIT_ENGINE;
}

int cli_run_foreground(cli *c, berth_spec *spec)
{
	bool tty = berth_spec_tty(spec), interactive = berth_spec_stdin_open(spec), rm = berth_spec_auto_remove(spec);
	berth_error err = BERTH_ERROR_INIT;
	/* berth removes the container itself after reading its exit code:
	 * with the engine's auto-remove the code could be gone first */
	if ((rm && berth_spec_set_auto_remove(spec, 0, &err) < 0) ||
	    (interactive && berth_spec_set_stdin_once(spec, 1, &err) < 0))
		return cli_fail125(&err);
	berth_client *client = cli_client(c);
	if (!client)
		return EXIT_ENGINE;
	berth_pull_policy policy = berth_spec_pull_policy(spec);
	if (cli_pull_first(client, spec) < 0)
		return EXIT_ENGINE;
	char *id = NULL;
	int r = berth_container_create(&id, client, spec, &err);
	int pulled = cli_pull_missing(client, spec, policy, r);
	if (pulled < 0)
		return EXIT_ENGINE;
	if (pulled)
		r = berth_container_create(&id, client, spec, &err);
	if (r < 0)
		return cli_fail125(&err);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	/* attached before the start: nothing of the output is lost */
	berth_attach_options a = BERTH_ATTACH_OPTIONS_INIT;
	a.attach_stdin = interactive;
	berth_stream *s = NULL;
	int rc;
	if (berth_container_attach(&s, client, id, &a, &err) < 0 || berth_container_start(client, id, &err) < 0) {
		cli_fail(&err);
		rc = cli_run_start_failure(&err);
	} else {
		pump p = { .s = s, .forward_stdin = interactive, .tty = tty, .client = client, .container = id,
			   .sig_proxy = !tty };
		rc = cli_pump_go(&p);
		if (rc == 0)
			rc = cli_container_exit_code(client, id);
	}
	berth_stream_free(s);
	if (rm && berth_container_remove(client, id, &ro, &err) < 0 && err.code != BERTH_ENOTFOUND)
		cli_fail(&err);
	berth_free(id);
	return rc;
}
