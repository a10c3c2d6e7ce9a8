/* floor_keepalive: the in-process yardstick. Sends the same GET request N
 * times over ONE kept-alive unix-socket connection and times each call
 * (request written -> whole reply read). Replies are framed by
 * Content-Length or chunked encoding, parsed just enough to know where a
 * reply ends; the body is not looked at otherwise.
 *
 *   floor_keepalive SOCKET TARGET N [WARMUP]
 *
 * Prints one JSON line: {"impl":"floor","calls":N,"mean_us":..,"median_us":..,
 * "p90_us":..,"cpu_us":..,"reconnects":..}; cpu_us is this process's user +
 * system CPU time per call (getrusage), which other load disturbs far less
 * than wall time. Only libc.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char *buf;
static size_t cap, len;
static const char *sock_path;
static int fd = -1;
static int reconnects;

static void die(const char *what)
{
	fprintf(stderr, "floor_keepalive: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void connect_sock(void)
{
	if (fd >= 0)
		close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die(sock_path);
	len = 0;
}

/* How long the reply at the start of buf is, 0 while it is incomplete.
 * *status gets the HTTP status once the headers are in. */
static size_t reply_length(int *status)
{
	char *end = memmem(buf, len, "\r\n\r\n", 4);
	if (!end)
		return 0;
	size_t hlen = (size_t)(end - buf) + 4;
	if (sscanf(buf, "HTTP/1.%*c %d", status) != 1) {
		fprintf(stderr, "floor_keepalive: not an HTTP reply\n");
		exit(2);
	}
	long clen = -1;
	int chunked = 0;
	for (char *h = memchr(buf, '\n', hlen); h && h < end; h = memchr(h, '\n', (size_t)(end - h))) {
		h++;
		if (strncasecmp(h, "content-length:", 15) == 0)
			clen = strtol(h + 15, NULL, 10);
		else if (strncasecmp(h, "transfer-encoding:", 18) == 0)
			chunked = 1; /* the only coding engines use */
	}
	if (*status == 204 || *status == 304)
		return hlen;
	if (!chunked) {
		if (clen < 0) {
			fprintf(stderr, "floor_keepalive: reply without a length\n");
			exit(2);
		}
		return len >= hlen + (size_t)clen ? hlen + (size_t)clen : 0;
	}
	size_t at = hlen;
	for (;;) {
		char *eol = memmem(buf + at, len - at, "\r\n", 2);
		if (!eol)
			return 0;
		unsigned long n = strtoul(buf + at, NULL, 16);
		at = (size_t)(eol - buf) + 2;
		if (n == 0) /* last chunk; no trailers from the engines */
			return len >= at + 2 ? at + 2 : 0;
		if (len < at + n + 2)
			return 0;
		at += n + 2;
	}
}

/* One request/reply; returns the status. */
static int call(const char *req, size_t reqlen)
{
	for (int attempt = 0;; attempt++) {
		size_t off = 0;
		while (off < reqlen) {
			ssize_t w = send(fd, req + off, reqlen - off, MSG_NOSIGNAL);
			if (w < 0)
				break;
			off += (size_t)w;
		}
		int status = 0;
		size_t rlen = 0;
		int closed = off < reqlen;
		while (!closed && !(rlen = reply_length(&status))) {
			if (cap - len < 16384) {
				cap = cap ? cap * 2 : 65536;
				if (!(buf = realloc(buf, cap)))
					die("realloc");
			}
			ssize_t r = read(fd, buf + len, cap - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				closed = 1;
			else
				len += (size_t)r;
		}
		if (!closed) {
			memmove(buf, buf + rlen, len - rlen);
			len -= rlen;
			return status;
		}
		/* The engine closed an idle connection: one retry on a new one. */
		if (attempt)
			die("connection closed");
		reconnects++;
		connect_sock();
	}
}

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

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: floor_keepalive SOCKET TARGET N [WARMUP]\n");
		return 2;
	}
	sock_path = argv[1];
	long n = strtol(argv[3], NULL, 10);
	long warm = argc > 4 ? strtol(argv[4], NULL, 10) : 20;
	if (n <= 0 || warm < 0)
		return 2;
	char req[4096];
	int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: docker\r\n\r\n", argv[2]);
	if (reqlen < 0 || (size_t)reqlen >= sizeof req)
		return 2;
	double *t = malloc((size_t)n * sizeof *t);
	if (!t)
		die("malloc");
	connect_sock();
	for (long i = 0; i < warm; i++)
		if (call(req, (size_t)reqlen) / 100 != 2) {
			fprintf(stderr, "floor_keepalive: GET %s failed\n", argv[2]);
			return 1;
		}
	double total = 0, cpu0 = cpu_us();
	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		int status = call(req, (size_t)reqlen);
		t[i] = now_us() - t0;
		total += t[i];
		if (status / 100 != 2) {
			fprintf(stderr, "floor_keepalive: GET %s: HTTP %d\n", argv[2], status);
			return 1;
		}
	}
	double cpu = (cpu_us() - cpu0) / (double)n;
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("{\"impl\":\"floor\",\"calls\":%ld,\"mean_us\":%.2f,\"median_us\":%.2f,\"p90_us\":%.2f,"
	       "\"cpu_us\":%.2f,\"reconnects\":%d}\n",
	       n, total / (double)n, t[n / 2], t[(n * 9) / 10], cpu, reconnects);
	close(fd);
	free(t);
	free(buf);
	return 0;
}
