/* events_soak: a long events watch at constant memory, nothing lost.
 *
 *   events_soak ENGINE EVENTS [IMAGE] [image|container]
 *
 * One process, two clients of ENGINE (docker | podman | containerd): a
 * watcher thread follows the engine's image events (berth_events_watch,
 * type "image"), a generator thread tags IMAGE (default the test busybox)
 * as localhost/berth-soak-PID:N and removes that name again, over and over,
 * until about EVENTS events were made. With "container" (containerd's
 * watch carries container and task events only) the generator creates a
 * container (not started; berth-soak-PID-N, label io.berth.bench=1) and
 * removes it instead, and the watch follows type container. A short
 * calibration first counts
 * how many events one tag + remove makes on this engine (2 on Docker and
 * Podman: tag, untag; containerd: create, delete), so "lost" is exact:
 * the events made minus the events seen, counted once the stream has been
 * quiet for 3 s. The process's RSS is sampled every 5,000 events seen; the
 * first sample after the warm-up (the first 2,000) and the last are
 * reported with their ratio. Prints one JSON line. Only the public API.
 * Removes every name it made (also when stopped early with Ctrl-C).
 */
#include <berth/berth.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *engine_name, *image;
static bool container_mode;
static char repo[128];
static atomic_long seen, made_cycles;
static atomic_int stop_gen, stop_watch;
static volatile sig_atomic_t interrupted;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static berth_client *open_client(void)
{
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_engine_from_name(&o.engine, engine_name, &err) < 0) {
		fprintf(stderr, "events_soak: %s\n", err.message);
		exit(2);
	}
	berth_client *c = NULL;
	if (berth_client_open(&c, &o, &err) < 0) {
		fprintf(stderr, "events_soak: open %s: %s\n", engine_name, err.message);
		exit(2);
	}
	return c;
}

/* One tag and the removal of that name (or a container made and removed). */
static int cycle(berth_client *c, long i, berth_error *err)
{
	if (container_mode) {
		char name[96];
		snprintf(name, sizeof name, "berth-soak-%d-%ld", (int)getpid(), i);
		berth_spec *sp = NULL;
		const char *argv[] = { "sleep", "3600" };
		char *id = NULL;
		int r = berth_spec_new(&sp, image, err);
		if (r == 0)
			r = berth_spec_set_name(sp, name, err);
		if (r == 0)
			r = berth_spec_set_cmd(sp, argv, 2, err);
		if (r == 0)
			r = berth_spec_add_label(sp, "io.berth.bench", "1", err);
		if (r == 0)
			r = berth_container_create(&id, c, sp, err);
		berth_spec_free(sp);
		if (r < 0)
			return -1;
		berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
		ro.force = 1;
		r = berth_container_remove(c, id, &ro, err);
		free(id);
		return r;
	}
	char name[160];
	snprintf(name, sizeof name, "%s:t%ld", repo, i % 1000);
	if (berth_image_tag(c, image, name, err) < 0)
		return -1;
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	return berth_image_remove(c, name, &ro, err);
}

static long target_cycles;

static void *generator(void *arg)
{
	berth_client *c = arg;
	berth_error err = BERTH_ERROR_INIT;
	for (long i = 0; i < target_cycles && !atomic_load(&stop_gen) && !interrupted; i++) {
		if (cycle(c, i, &err) < 0) {
			fprintf(stderr, "events_soak: cycle %ld: %s\n", i, err.message);
			break;
		}
		atomic_fetch_add(&made_cycles, 1);
	}
	return NULL;
}

#define SAMPLES 256
static long rss_samples[SAMPLES];
static long rss_at[SAMPLES];
static int nsamples;

static void *watcher(void *arg)
{
	berth_client *c = arg;
	berth_events_options eo = BERTH_EVENTS_OPTIONS_INIT;
	const char *types[] = { container_mode ? "container" : "image" };
	eo.types = types;
	eo.type_count = 1;
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_events_watch(&s, c, &eo, &err) < 0) {
		fprintf(stderr, "events_soak: watch: %s\n", err.message);
		exit(2);
	}
	long next_sample = 2000;
	while (!atomic_load(&stop_watch) && !interrupted) {
		berth_frame f;
		int r = berth_stream_next(s, &f, 200, &err);
		if (r == BERTH_ETIMEDOUT)
			continue;
		if (r < 0) {
			fprintf(stderr, "events_soak: stream: %s\n", err.message);
			break;
		}
		const berth_event *ev = f.item;
		if (!ev || f.channel == BERTH_CHANNEL_SYSTEM)
			continue;
		long n = atomic_fetch_add(&seen, 1) + 1;
		if (n >= next_sample && nsamples < SAMPLES) {
			rss_at[nsamples] = n;
			rss_samples[nsamples++] = rss_kib("VmRSS");
			next_sample += 5000;
		}
	}
	berth_stream_free(s);
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: events_soak ENGINE EVENTS [IMAGE]\n");
		return 2;
	}
	engine_name = argv[1];
	long events = strtol(argv[2], NULL, 10);
	image = argc > 3 ? argv[3] : "localhost/berth-test/busybox:latest";
	container_mode = argc > 4 && strcmp(argv[4], "container") == 0;
	snprintf(repo, sizeof repo, "localhost/berth-soak-%d", (int)getpid());
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	berth_client *wc = open_client(), *gc = open_client();
	pthread_t w, g;
	pthread_create(&w, NULL, watcher, wc);
	usleep(500000); /* subscribed */

	/* calibration: events per cycle on this engine */
	berth_error err = BERTH_ERROR_INIT;
	for (long i = 0; i < 50; i++)
		if (cycle(gc, i, &err) < 0) {
			fprintf(stderr, "events_soak: calibration: %s\n", err.message);
			return 2;
		}
	long last = -1;
	while (atomic_load(&seen) != last) {
		last = atomic_load(&seen);
		sleep(2);
	}
	long per_cycle = (last + 25) / 50;
	if (per_cycle < 1) {
		fprintf(stderr, "events_soak: no image events seen on %s\n", engine_name);
		return 2;
	}
	long before = last;
	target_cycles = events / per_cycle;

	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	double t0 = now_s();
	pthread_create(&g, NULL, generator, gc);
	pthread_join(g, NULL);
	double gen_s = now_s() - t0;
	/* drained: quiet for 3 s */
	last = -1;
	while (atomic_load(&seen) != last) {
		last = atomic_load(&seen);
		sleep(3);
	}
	getrusage(RUSAGE_SELF, &ru1);
	atomic_store(&stop_watch, 1);
	pthread_join(w, NULL);

	long made = atomic_load(&made_cycles) * per_cycle;
	long got = atomic_load(&seen) - before;
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
		     (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	long rss_first = nsamples ? rss_samples[0] : -1, rss_last = nsamples ? rss_samples[nsamples - 1] : -1;
	printf("{\"engine\":\"%s\",\"per_cycle\":%ld,\"events_made\":%ld,\"events_seen\":%ld,\"lost\":%ld,"
	       "\"seconds\":%.1f,\"cpu_s\":%.2f,\"rss_first_kib\":%ld,\"rss_first_at\":%ld,\"rss_last_kib\":%ld,"
	       "\"rss_last_at\":%ld,\"rss_ratio\":%.3f,\"hwm_kib\":%ld,\"samples\":%d}\n",
	       engine_name, per_cycle, made, got, made - got, gen_s, cpu, rss_first, nsamples ? rss_at[0] : 0, rss_last,
	       nsamples ? rss_at[nsamples - 1] : 0, rss_first > 0 ? (double)rss_last / (double)rss_first : 0.0,
	       rss_kib("VmHWM"), nsamples);

	/* every name this run may have left (an interrupted cycle) */
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	for (long i = 0; i < 1000 && !container_mode; i++) {
		char name[160];
		snprintf(name, sizeof name, "%s:t%ld", repo, i);
		berth_error e = BERTH_ERROR_INIT;
		berth_image_remove(gc, name, &ro, &e);
		if (i >= made_cycles + 50 && i >= 50)
			break;
	}
	berth_client_free(wc);
	berth_client_free(gc);
	return made == got ? 0 : 1;
}
