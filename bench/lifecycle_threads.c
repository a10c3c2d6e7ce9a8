/* lifecycle_threads: N container lifecycles through ONE berth_client shared
 * by T threads.
 *
 *   lifecycle_threads URI ENGINE IMAGE PREFIX N THREADS
 *
 * URI is passed as the client's host (so no discovery), ENGINE is docker or
 * podman. A lifecycle is what `berth run -d --name NAME -l io.berth.bench=1
 * IMAGE sleep 3600` followed by `berth rm -f NAME` does: a spec (name,
 * command, label), berth_container_run (create + start), then
 * berth_container_remove with force. The names are PREFIX-01 .. PREFIX-N;
 * the threads take the next number from a shared counter, so the N
 * lifecycles are spread over the T threads as they finish. The client is
 * opened (and the engine pinged) before the clock starts.
 *
 * Prints one JSON line: {"impl":"berth-lib","n":N,"threads":T,"ok":OK,
 * "wall_s":..,"user_s":..,"sys_s":..} where user/sys are the CPU time of
 * this whole process (all threads) while the lifecycles ran. Exits 1 when
 * any lifecycle failed (each failure is reported on stderr).
 */
#include <berth/berth.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static berth_client *client;
static const char *image, *prefix;
static long total;
static atomic_long next_i;
static atomic_long ok_count;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cpu_s(double *user, double *sys)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int lifecycle(const char *name, berth_error *err)
{
	static const char *const cmd[] = { "sleep", "3600" };
	berth_spec *spec = NULL;
	char *id = NULL;
	int r = berth_spec_new(&spec, image, err);
	if (r == 0)
		r = berth_spec_set_name(spec, name, err);
	if (r == 0)
		r = berth_spec_set_cmd(spec, cmd, 2, err);
	if (r == 0)
		r = berth_spec_add_label(spec, "io.berth.bench", "1", err);
	if (r == 0)
		r = berth_container_run(&id, client, spec, err);
	if (r == 0) {
		berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
		ro.force = 1;
		r = berth_container_remove(client, id, &ro, err);
	}
	berth_free(id);
	berth_spec_free(spec);
	return r;
}

static void *worker(void *arg)
{
	(void)arg;
	char name[256];
	for (;;) {
		long i = atomic_fetch_add(&next_i, 1) + 1;
		if (i > total)
			break;
		snprintf(name, sizeof name, "%s-%02ld", prefix, i);
		berth_error err = BERTH_ERROR_INIT;
		if (lifecycle(name, &err) < 0)
			fprintf(stderr, "lifecycle_threads: %s: %s\n", name, err.message);
		else
			atomic_fetch_add(&ok_count, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: lifecycle_threads URI ENGINE IMAGE PREFIX N THREADS\n");
		return 2;
	}
	image = argv[3];
	prefix = argv[4];
	total = strtol(argv[5], NULL, 10);
	long nthreads = strtol(argv[6], NULL, 10);
	if (total <= 0 || nthreads <= 0 || nthreads > 256) {
		fprintf(stderr, "lifecycle_threads: bad N or THREADS\n");
		return 2;
	}

	berth_error err = BERTH_ERROR_INIT;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = argv[1];
	if (berth_engine_from_name(&o.engine, argv[2], &err) < 0) {
		fprintf(stderr, "lifecycle_threads: %s\n", err.message);
		return 2;
	}
	if (berth_client_open(&client, &o, &err) < 0 || berth_ping(client, &err) < 0) {
		fprintf(stderr, "lifecycle_threads: open %s: %s\n", argv[1], err.message);
		return 1;
	}

	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	if (!th)
		return 1;
	double u0, s0, u1, s1;
	cpu_s(&u0, &s0);
	double t0 = now_s();
	long started = 0;
	for (long i = 0; i < nthreads; i++) {
		if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
			fprintf(stderr, "lifecycle_threads: pthread_create failed\n");
			break;
		}
		started++;
	}
	if (started == 0)
		worker(NULL);
	for (long i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	double wall = now_s() - t0;
	cpu_s(&u1, &s1);

	long ok = atomic_load(&ok_count);
	printf("{\"impl\":\"berth-lib\",\"n\":%ld,\"threads\":%ld,\"ok\":%ld,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f}\n",
	       total, started ? started : 1, ok, wall, u1 - u0, s1 - s0);
	free(th);
	berth_client_free(client);
	return ok == total ? 0 : 1;
}
