/* bench/event_latency: how soon does a die event reach a subscriber?
 *
 *   event_latency SOCKET BERTH_CLI N [containerd]
 *
 * Starts N `sleep` containers labelled for this run, then three subscribers
 * with the same label filter: curl (`curl -sN --unix-socket SOCKET
 * .../events?filters=...`), the berth CLI (`berth events --format json`),
 * both as processes whose stdout lines this program reads, and libberth in
 * this process (berth_events_watch). A second thread kills the containers
 * one at a time (SIGKILL through the API, 150 ms apart) and notes when each
 * call began; each subscriber's arrival time of the container's die minus
 * that is its latency. Prints one line per subscriber:
 *   <name> <n> <median_us> <p90_us> <median of (it - curl)_us>
 * and the berth CLI's peak RSS (KiB, from its rusage) as "berth_rss_kib N".
 *
 * With "containerd" SOCKET is containerd's: the peer is `ctr events` (its
 * /tasks/exit line; named "ctr"), the CLI runs with -E containerd and its
 * JSON line carries the same topic, libberth opens the containerd backend. */
#include <berth/berth.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXN 200
enum { CURL, CLI, LIB, NSUB };
static const char *sub_names[NSUB] = { "curl", "berth_cli", "libberth" };
static const char *die_word = "\"die\"";   /* what marks a die line */

static int n;
static char *ids[MAXN];
static int64_t t_kill[MAXN];   /* ns, monotonic; 0 = not yet */
static int64_t t_seen[NSUB][MAXN];
static berth_client *killer;

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const berth_error *e)
{
	fprintf(stderr, "event_latency: %s: %s\n", what, e ? e->message : strerror(errno));
	exit(2);
}

static int index_of(const char *line)
{
	for (int i = 0; i < n; i++)
		if (strstr(line, ids[i]))
			return i;
	return -1;
}

static void note(int sub, const char *line)
{
	if (!strstr(line, die_word))
		return;
	int i = index_of(line);
	if (i >= 0 && !t_seen[sub][i])
		t_seen[sub][i] = mono_ns();
}

static void *kill_all(void *arg)
{
	(void)arg;
	usleep(500 * 1000);   /* the subscribers are in */
	for (int i = 0; i < n; i++) {
		berth_error e = BERTH_ERROR_INIT;
		t_kill[i] = mono_ns();
		if (berth_container_kill(killer, ids[i], SIGKILL, &e) < 0)
			die("kill", &e);
		usleep(150 * 1000);
	}
	return NULL;
}

static pid_t spawn(int *out_fd, char *const argv[])
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe", NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

/* Split what came on a pipe into lines. */
typedef struct linebuf {
	char buf[1 << 16];
	size_t len;
} linebuf;

static int pump(int sub, int fd, linebuf *lb)
{
	ssize_t got = read(fd, lb->buf + lb->len, sizeof lb->buf - 1 - lb->len);
	if (got <= 0)
		return -1;
	lb->len += (size_t)got;
	lb->buf[lb->len] = '\0';
	char *start = lb->buf, *nl;
	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		note(sub, start);
		start = nl + 1;
	}
	lb->len -= (size_t)(start - lb->buf);
	memmove(lb->buf, start, lb->len);
	return 0;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "containerd") == 0)) {
		fprintf(stderr, "usage: event_latency SOCKET BERTH_CLI N [containerd]\n");
		return 2;
	}
	const char *sock = argv[1], *cli = argv[2];
	bool ctrd = argc == 5;
	if (ctrd) {
		sub_names[CURL] = "ctr";
		die_word = "/tasks/exit";
	}
	n = atoi(argv[3]);
	if (n < 1 || n > MAXN)
		n = 20;
	char label[64], uri[300];
	snprintf(label, sizeof label, "io.berth.bench.events=%d", (int)getpid());
	snprintf(uri, sizeof uri, "unix://%s", sock);
	berth_client_options co = BERTH_CLIENT_OPTIONS_INIT;
	co.host = uri;
	co.engine = ctrd ? BERTH_ENGINE_CONTAINERD : BERTH_ENGINE_AUTO;
	berth_error e = BERTH_ERROR_INIT;
	berth_client *c = NULL;
	if (berth_client_open(&c, &co, &e) < 0 || berth_client_open(&killer, &co, &e) < 0)
		die("open", &e);
	for (int i = 0; i < n; i++) {
		berth_spec *s = NULL;
		char name[80];
		snprintf(name, sizeof name, "berth-bench-ev-%d-%d", (int)getpid(), i);
		const char *cmd[] = { "sleep", "600" };
		if (berth_spec_new(&s, "localhost/berth-test/busybox:latest", &e) < 0 ||
		    berth_spec_set_name(s, name, &e) < 0 || berth_spec_set_cmd(s, cmd, 2, &e) < 0 ||
		    berth_spec_add_label(s, "io.berth.bench", "1", &e) < 0 ||
		    berth_spec_add_label(s, "io.berth.bench.events", label + strlen("io.berth.bench.events="), &e) < 0 ||
		    berth_container_create(&ids[i], c, s, &e) < 0 || berth_container_start(c, ids[i], &e) < 0)
			die("create", &e);
		berth_spec_free(s);
	}

	char filters[256], curl_url[1024];
	snprintf(filters, sizeof filters, "{\"label\":[\"%s\"]}", label);
	int k = snprintf(curl_url, sizeof curl_url, "http://x/v1.41/events?filters=");
	for (const char *p = filters; *p && k < (int)sizeof curl_url - 4; p++)
		k += snprintf(curl_url + k, sizeof curl_url - (size_t)k,
			      strchr("{}[]\":=", *p) ? "%%%02X" : "%c", (unsigned char)*p);
	char *curl_argv[] = { "curl", "-sN", "--unix-socket", (char *)sock, curl_url, NULL };
	char filt[128];
	snprintf(filt, sizeof filt, "label=%s", label);
	char *cli_argv[] = { (char *)cli, "-H", uri, "events", "--format", "json", "--filter", filt, NULL };
	char *ctr_argv[] = { "ctr", "-a", (char *)sock, "-n", "default", "events", NULL };
	char *cli_ctrd_argv[] = { (char *)cli, "-E", "containerd", "-H", uri, "events", "--format", "json",
				  "--filter", filt, NULL };
	int fd[2];
	pid_t pids[2] = { spawn(&fd[0], ctrd ? ctr_argv : curl_argv), spawn(&fd[1], ctrd ? cli_ctrd_argv : cli_argv) };

	const char *labels[] = { label };
	berth_events_options eo = BERTH_EVENTS_OPTIONS_INIT;
	eo.labels = labels;
	eo.label_count = 1;
	berth_stream *st = NULL;
	if (berth_events_watch(&st, c, &eo, &e) < 0)
		die("watch", &e);

	pthread_t th;
	pthread_create(&th, NULL, kill_all, NULL);
	linebuf lb[2] = { 0 };
	int64_t end = mono_ns() + (int64_t)(n * 150 + 8000) * 1000000LL;
	for (;;) {
		int done = 1;
		for (int s = 0; s < NSUB; s++)
			for (int i = 0; i < n; i++)
				done &= t_seen[s][i] != 0;
		if (done || mono_ns() > end)
			break;
		struct pollfd pf[3] = { { fd[0], POLLIN, 0 }, { fd[1], POLLIN, 0 }, { berth_stream_fd(st), POLLIN, 0 } };
		poll(pf, 3, 100);
		for (int s = 0; s < 2; s++)
			if (pf[s].revents)
				pump(s, fd[s], &lb[s]);
		berth_frame f;
		while (berth_stream_next(st, &f, 0, &e) == 0) {
			const berth_event *ev = f.item;
			if (berth_event_get_kind(ev) == BERTH_EVENT_DIED) {
				int i = index_of(berth_event_id(ev));
				if (i >= 0 && !t_seen[LIB][i])
					t_seen[LIB][i] = mono_ns();
			}
		}
	}
	pthread_join(th, NULL);
	berth_stream_free(st);
	kill(pids[0], SIGTERM);
	kill(pids[1], SIGINT);
	struct rusage ru = { 0 };
	int status;
	waitpid(pids[0], &status, 0);
	wait4(pids[1], &status, 0, &ru);

	for (int s = 0; s < NSUB; s++) {
		int64_t lat[MAXN], diff[MAXN];
		int m = 0, md = 0;
		for (int i = 0; i < n; i++) {
			if (!t_seen[s][i] || !t_kill[i])
				continue;
			lat[m++] = (t_seen[s][i] - t_kill[i]) / 1000;
			if (t_seen[CURL][i])
				diff[md++] = (t_seen[s][i] - t_seen[CURL][i]) / 1000;
		}
		qsort(lat, (size_t)m, sizeof lat[0], cmp64);
		qsort(diff, (size_t)md, sizeof diff[0], cmp64);
		printf("%s %d %lld %lld %lld\n", sub_names[s], m, m ? (long long)lat[m / 2] : -1,
		       m ? (long long)lat[(m * 9) / 10 < m ? (m * 9) / 10 : m - 1] : -1,
		       md ? (long long)diff[md / 2] : -1);
	}
	printf("berth_rss_kib %ld\n", ru.ru_maxrss);
	for (int i = 0; i < n; i++) {
		berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
		ro.force = 1;
		if (berth_container_remove(c, ids[i], &ro, &e) < 0)   /* left for the caller to see */
			fprintf(stderr, "event_latency: remove %s: %s\n", ids[i], e.message);
		berth_free(ids[i]);
	}
	berth_client_free(killer);
	berth_client_free(c);
	return 0;
}
