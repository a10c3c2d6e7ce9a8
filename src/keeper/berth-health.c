/* berth-health: runs one container's health check at its interval, on
 * engines that run none by themselves (Podman without systemd, containerd).
 *
 *   berth-health --engine ENGINE --host URI [--namespace NS]
 *                --lock-prefix PREFIX -- CONTAINER
 *
 * libberth starts it, detached, when it starts a container there and when
 * a readiness wait finds none (src/lib/api/health.c); it is not meant to be
 * run by hand, but doing so is harmless. It uses libberth's public API
 * only: inspect, and berth_container_health_run (which on Podman asks the
 * engine to run the check and record it, on containerd runs it by exec and
 * records it in berth's state directory and publishes the change as an
 * event). So the engine (or berth's record) computes the status with
 * Docker's rules, and inspect, ps, events and readiness waits see it.
 *
 * The schedule is Docker's: the first check one interval after the start,
 * then one interval after the end of the last check, whoever ran it (a
 * readiness wait, `podman healthcheck run`): the last run in the
 * container's health log sets the time of the next one.
 *
 * One keeper per container: it holds an open file description lock on
 * PREFIX<full id>.lock for its life; one that finds the lock taken leaves.
 * It leaves when the container is removed or has no health check, and when
 * it has not been running for STOPPED_LEAVE_S (a restart policy brings a
 * container back well within that; a later `berth start` starts a new
 * keeper). While the engine does not answer it tries again, for
 * UNREACHABLE_LEAVE_S at most.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <berth/berth.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_INTERVAL_MS 30000
#define STOPPED_LEAVE_S 300
#define UNREACHABLE_LEAVE_S 600
#define POLL_STOPPED_MAX_MS 10000

static volatile sig_atomic_t stop_asked;

static void on_term(int sig)
{
	(void)sig;
	stop_asked = 1;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Sleep ms, or less when SIGTERM comes. */
static void pause_ms(int64_t ms)
{
	if (ms <= 0 || stop_asked)
		return;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int64_t time_ms(const char *text)
{
	int64_t ns = 0;
	if (!text || !text[0] || berth_time_parse(&ns, text, NULL) < 0 || ns <= 0)
		return -1;
	return ns / 1000000;
}

/* mkdir -p of the directory part of path. */
static void make_dirs(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	mkdir(dir, 0700);
}

/* Take the container's lock: the descriptor, or -1 when another keeper
 * holds it (or it cannot be made). A file replaced between open and lock
 * (a keeper leaving unlinks its own) is opened again. */
static int take_lock(const char *path)
{
	make_dirs(path);
	for (int tries = 0; tries < 5; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
			close(fd);
			return -1;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: berth-health --engine ENGINE --host URI [--namespace NS] --lock-prefix PREFIX -- "
			"CONTAINER\n(started by libberth; see berth-health.c)\n");
}

int main(int argc, char **argv)
{
	const char *engine = NULL, *host = NULL, *ns = NULL, *prefix = NULL, *ref = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0 && i + 1 < argc) {
			ref = argv[i + 1];
			break;
		}
		if (i + 1 >= argc) {
			usage();
			return 2;
		}
		if (strcmp(a, "--engine") == 0)
			engine = argv[++i];
		else if (strcmp(a, "--host") == 0)
			host = argv[++i];
		else if (strcmp(a, "--namespace") == 0)
			ns = argv[++i];
		else if (strcmp(a, "--lock-prefix") == 0)
			prefix = argv[++i];
		else {
			usage();
			return 2;
		}
	}
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	berth_error err = BERTH_ERROR_INIT;
	if (!engine || !host || !prefix || !ref || berth_engine_from_name(&o.engine, engine, &err) < 0) {
		usage();
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	o.host = host;
	o.containerd_namespace = ns;

	berth_client *c = NULL;
	int64_t unreachable_since = -1;
	while (berth_client_open(&c, &o, &err) < 0) {
		if (unreachable_since < 0)
			unreachable_since = mono_s();
		if (stop_asked || mono_s() - unreachable_since > UNREACHABLE_LEAVE_S)
			return 1;
		pause_ms(5000);
	}
	berth_container_info *x = NULL;
	if (berth_container_inspect(&x, c, ref, &err) < 0 || !berth_container_info_has_healthcheck(x)) {
		berth_container_info_free(x);
		berth_client_free(c);
		return 0;
	}
	char id[80];
	snprintf(id, sizeof id, "%s", berth_container_info_id(x));
	berth_container_info_free(x);
	x = NULL;
	char lock_path[4096];
	if (snprintf(lock_path, sizeof lock_path, "%s%s.lock", prefix, id) >= (int)sizeof lock_path)
		return 2;
	int lock = take_lock(lock_path);
	if (lock < 0) {
		berth_client_free(c);
		return 0; /* another keeper looks after it */
	}

	int64_t not_running_since = -1;
	int64_t stopped_poll_ms = 500;
	int64_t own_run_end = 0;
	unreachable_since = -1;
	while (!stop_asked) {
		int r = berth_container_inspect(&x, c, id, &err);
		if (r == BERTH_ENOTFOUND)
			break;
		if (r < 0) {
			if (unreachable_since < 0)
				unreachable_since = mono_s();
			if (mono_s() - unreachable_since > UNREACHABLE_LEAVE_S)
				break;
			pause_ms(5000);
			continue;
		}
		unreachable_since = -1;
		if (!berth_container_info_has_healthcheck(x)) {
			berth_container_info_free(x);
			x = NULL;
			break;
		}
		int64_t interval = berth_container_info_healthcheck_interval_ms(x);
		if (interval <= 0)
			interval = DEFAULT_INTERVAL_MS;
		berth_state st = berth_container_info_state(x);
		if (st != BERTH_STATE_RUNNING) {
			berth_container_info_free(x);
			x = NULL;
			if (st == BERTH_STATE_PAUSED) {
				not_running_since = -1;
				pause_ms(interval);
				continue;
			}
			if (not_running_since < 0)
				not_running_since = mono_s();
			if (mono_s() - not_running_since > STOPPED_LEAVE_S)
				break;
			pause_ms(stopped_poll_ms);
			stopped_poll_ms = stopped_poll_ms * 2 > POLL_STOPPED_MAX_MS ? POLL_STOPPED_MAX_MS : stopped_poll_ms * 2;
			continue;
		}
		not_running_since = -1;
		stopped_poll_ms = 500;
		/* the next check: an interval after the end of the last one of
		 * this run of the container, or after its start */
		int64_t started = time_ms(berth_container_info_started_at(x));
		size_t n = berth_container_info_health_log_count(x);
		int64_t last = n ? time_ms(berth_container_info_health_log_end(x, n - 1)) : -1;
		int64_t base = last > started ? last : started;
		int64_t now = wall_ms();
		int64_t due = base > 0 ? base + interval : now;
		if (due < own_run_end + interval)
			due = own_run_end + interval; /* in case the engine did not log ours */
		if (due > now + interval)
			due = now + interval; /* a clock that went back */
		berth_container_info_free(x);
		x = NULL;
		if (now < due) {
			pause_ms(due - now);
			continue;
		}
		r = berth_container_health_run(c, id, &err);
		own_run_end = wall_ms();
		if (r == BERTH_EUNSUPPORTED)
			break;
		if (r < 0)
			pause_ms(interval < 1000 ? interval : 1000); /* stopped meanwhile, or a slow engine */
	}
	berth_container_info_free(x);
	unlink(lock_path);
	close(lock);
	berth_client_free(c);
	return 0;
}
