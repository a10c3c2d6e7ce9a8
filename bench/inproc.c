/* inproc: many calls through ONE berth_client, timed one by one.
 *
 *   inproc URI ENGINE OP N [WARMUP] [NAME]
 *
 * URI is passed as the client's host (so no discovery), ENGINE is docker or
 * podman, OP is ping | list | inspect | version (list = all containers, as
 * `ps -a`; inspect needs NAME). The client is opened before the clock starts;
 * each timed call includes everything an application pays for: building the
 * request, the round trip on the kept-alive connection, parsing the JSON
 * into berth's records, and freeing them.
 *
 * Prints one JSON line in the same shape as floor_keepalive (cpu_us: user +
 * system CPU time of this process per call).
 */
#include <berth/berth.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

enum op { OP_PING, OP_LIST, OP_INSPECT, OP_VERSION };

static int one_call(berth_client *c, enum op op, const char *name, berth_error *err)
{
	switch (op) {
	case OP_PING:
		return berth_ping(c, err);
	case OP_LIST: {
		berth_list_options lo = BERTH_LIST_OPTIONS_INIT;
		lo.all = 1;
		berth_container_list *l = NULL;
		int r = berth_container_list_get(&l, c, &lo, err);
		berth_container_list_free(l);
		return r;
	}
	case OP_INSPECT: {
		berth_container_info *info = NULL;
		int r = berth_container_inspect(&info, c, name, err);
		berth_container_info_free(info);
		return r;
	}
	case OP_VERSION: {
		berth_version *v = NULL;
		int r = berth_version_get(&v, c, err);
		berth_version_free(v);
		return r;
	}
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: inproc URI ENGINE ping|list|inspect|version N [WARMUP] [NAME]\n");
		return 2;
	}
	static const char *const ops[] = { "ping", "list", "inspect", "version" };
	int op = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(argv[3], ops[i]) == 0)
			op = i;
	long n = strtol(argv[4], NULL, 10);
	long warm = argc > 5 ? strtol(argv[5], NULL, 10) : 20;
	const char *name = argc > 6 ? argv[6] : NULL;
	if (op < 0 || n <= 0 || warm < 0 || (op == OP_INSPECT && !name)) {
		fprintf(stderr, "inproc: bad arguments\n");
		return 2;
	}

	berth_error err = BERTH_ERROR_INIT;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.host = argv[1];
	if (berth_engine_from_name(&o.engine, argv[2], &err) < 0) {
		fprintf(stderr, "inproc: %s\n", err.message);
		return 2;
	}
	berth_client *c = NULL;
	if (berth_client_open(&c, &o, &err) < 0) {
		fprintf(stderr, "inproc: open %s: %s\n", argv[1], err.message);
		return 1;
	}
	double *t = malloc((size_t)n * sizeof *t);
	if (!t)
		return 1;
	for (long i = 0; i < warm; i++)
		if (one_call(c, (enum op)op, name, &err) < 0) {
			fprintf(stderr, "inproc: %s: %s\n", ops[op], err.message);
			return 1;
		}
	double total = 0, cpu0 = cpu_us();
	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		int r = one_call(c, (enum op)op, name, &err);
		t[i] = now_us() - t0;
		total += t[i];
		if (r < 0) {
			fprintf(stderr, "inproc: %s: %s\n", ops[op], err.message);
			return 1;
		}
	}
	double cpu = (cpu_us() - cpu0) / (double)n;
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("{\"impl\":\"berth\",\"calls\":%ld,\"mean_us\":%.2f,\"median_us\":%.2f,\"p90_us\":%.2f,\"cpu_us\":%.2f}\n",
	       n, total / (double)n, t[n / 2], t[(n * 9) / 10], cpu);
	free(t);
	berth_client_free(c);
	return 0;
}
