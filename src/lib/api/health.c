/* Health checks where the engine runs none by itself.
 *
 * Docker runs a container's health check at its interval for as long as
 * the container runs. Podman without systemd and containerd never do: the
 * check runs when somebody asks (Podman's healthcheck endpoint; on
 * containerd berth's exec, recorded in berth's state directory). So that
 * the status moves on those engines as it does on Docker without a berth
 * process in the foreground, berth starts a keeper per container: the
 * program berth-health (src/keeper/), detached from the caller (a session
 * of its own, stdio on /dev/null, reparented to init), which runs the check
 * at its interval while the container runs and leaves when it is removed,
 * when it has no check, or when it stays stopped (see berth-health.c).
 *
 * One keeper per container: it holds an open file description lock on
 * <lock dir>/<engine>-<hash of endpoint and namespace>-<id>.lock, which
 * anybody can test without taking it (F_OFD_GETLK). The lock directory is
 * /run/berth/health for root, $XDG_RUNTIME_DIR/berth/health otherwise
 * (/tmp/berth-health-<uid> without one). */
#include "health.h"
#include "lib/kit/libexec.h"
#include "lib/kit/validate.h"

#include <berth/ready.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int berth_container_health_run(berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	if (r < 0)
		return r;
	if (!c->ops->health_run)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "%s runs health checks by itself, at their interval: there is none to run on demand",
				  berth_engine_name(c->engine));
	/* the check's own timeout is the engine's to apply; this bounds the
	 * request around it (Docker's longest default, plus a margin) */
	return c->ops->health_run(c, id, c->timeout_ms > 0 ? c->timeout_ms : 60000, err);
}

/* ---- the keeper's lock ------------------------------------------------------------------ */

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* "<dir>/<engine>-<hash>-": the keeper appends "<id>.lock". */
static int lock_prefix(char *out, size_t size, const struct berth_client *c)
{
	char dir[512];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0)
		snprintf(dir, sizeof dir, "/run/berth/health");
	else if (!isempty(xdg) && xdg[0] == '/')
		snprintf(dir, sizeof dir, "%s/berth/health", xdg);
	else
		snprintf(dir, sizeof dir, "/tmp/berth-health-%u", (unsigned)geteuid());
	uint32_t h = fnv1a(2166136261u, c->endpoint);
	h = fnv1a(fnv1a(h, "\n"), c->ns);
	int n = snprintf(out, size, "%s/%s-%08x-", dir, berth_engine_name(c->engine), (unsigned)h);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

bool health_keeper_alive(const struct berth_client *c, const char *id)
{
	char prefix[600], path[700];
	if (!c->ops->health_run || lock_prefix(prefix, sizeof prefix, c) < 0)
		return false;
	snprintf(path, sizeof path, "%s%s.lock", prefix, id);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	bool held = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd);
	return held;
}

/* ---- starting a keeper ------------------------------------------------------------------- */

/* The child's part: only async-signal-safe calls between fork and exec
 * (the caller may have threads). A second fork leaves the keeper to init,
 * so the caller never has a child to reap or a SIGCHLD to take. */
__attribute__((noreturn)) static void spawn_child(const char *path, char *const argv[])
{
	if (setsid() < 0)
		_exit(1);
	pid_t g = fork();
	if (g != 0)
		_exit(g < 0 ? 1 : 0);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	syscall(SYS_close_range, 3u, ~0u, 0u); /* the caller's descriptors stay the caller's */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT };
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, environ);
	_exit(127);
}

void health_keeper_ensure(struct berth_client *c, const char *ref)
{
	if (!c->ops->health_run || isempty(ref))
		return;
	char path[4096], prefix[600];
	int r = libexec_find(path, sizeof path, "berth-health", "BERTH_HEALTH_KEEPER");
	if (r < 0) {
		berth_log(c, BERTH_LOG_DEBUG, "no health keeper (berth-health is not in %s nor beside this program): "
			  "health checks run only while berth waits for readiness", BERTH_LIBEXECDIR);
		return;
	}
	if (lock_prefix(prefix, sizeof prefix, c) < 0)
		return;
	const char *argv[12];
	size_t n = 0;
	argv[n++] = "berth-health";
	argv[n++] = "--engine";
	argv[n++] = berth_engine_name(c->engine);
	argv[n++] = "--host";
	argv[n++] = c->endpoint;
	if (c->ns) {
		argv[n++] = "--namespace";
		argv[n++] = c->ns;
	}
	argv[n++] = "--lock-prefix";
	argv[n++] = prefix;
	argv[n++] = "--";
	argv[n++] = ref;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0) {
		berth_log(c, BERTH_LOG_DEBUG, "health keeper for %s: fork: %s", ref, strerror(errno));
		return;
	}
	if (pid == 0)
		spawn_child(path, (char *const *)argv);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	berth_log(c, BERTH_LOG_DEBUG, "health keeper for %s started (%s)", ref, path);
}
