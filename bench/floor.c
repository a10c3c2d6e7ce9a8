/* floor: the cheapest possible per-process Engine API client, used as the
 * yardstick that every other client in the benchmark is divided by.
 *
 *   floor SOCKET METHOD TARGET [BODY] [METHOD TARGET BODY]...
 *
 * For each request: connect to the unix socket, send it with
 * "Connection: close" (and the body as JSON when BODY is not empty), read
 * the reply to EOF, strip the headers, undo chunked encoding if the engine
 * used it, and write the body to stdout. Exits 1 when a reply is not 2xx,
 * 2 on a usage or transport error. Only libc; no allocations on the hot path
 * beyond one growing buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char *buf;
static size_t cap;

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Decode a chunked body in place; returns its decoded length. */
static size_t unchunk(char *p, size_t n)
{
	size_t in = 0, out = 0;
	for (;;) {
		char *end;
		unsigned long len = strtoul(p + in, &end, 16);
		char *eol = memchr(p + in, '\n', n - in);
		if (!eol || end == p + in)
			break;
		in = (size_t)(eol - p) + 1;
		if (len == 0 || len > n - in)
			break;
		memmove(p + out, p + in, len);
		out += len;
		in += len + 2; /* data, then CRLF */
		if (in >= n)
			break;
	}
	return out;
}

/* One request on a fresh connection; returns the HTTP status. */
static int request(const char *sock, const char *method, const char *target, const char *body)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(sock) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		die(sock);
	}
	strcpy(sa.sun_path, sock);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die(sock);

	char head[4096];
	size_t blen = body ? strlen(body) : 0;
	int hn;
	if (blen)
		hn = snprintf(head, sizeof head,
			      "%s %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
			      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			      method, target, blen);
	else
		hn = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n",
			      method, target);
	if (hn < 0 || (size_t)hn >= sizeof head) {
		fprintf(stderr, "floor: request line too long\n");
		exit(2);
	}
	if (write_all(fd, head, (size_t)hn) < 0 || (blen && write_all(fd, body, blen) < 0))
		die("write");

	size_t len = 0;
	for (;;) {
		if (cap - len < 16384) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				die("realloc");
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';

	int status = 0;
	if (len < 12 || sscanf(buf, "HTTP/1.%*c %d", &status) != 1) {
		fprintf(stderr, "floor: not an HTTP reply\n");
		exit(2);
	}
	char *sep = strstr(buf, "\r\n\r\n");
	if (!sep) {
		fprintf(stderr, "floor: reply without end of headers\n");
		exit(2);
	}
	*sep = '\0';
	char *bodyp = sep + 4;
	size_t bodylen = len - (size_t)(bodyp - buf);
	/* Header names are case-insensitive; values are what Go writes. */
	for (char *h = strstr(buf, "\r\n"); h; h = strstr(h + 2, "\r\n")) {
		if (strncasecmp(h + 2, "transfer-encoding:", 18) == 0 && strstr(h + 20, "chunked")) {
			bodylen = unchunk(bodyp, bodylen);
			break;
		}
	}
	if (write_all(1, bodyp, bodylen) < 0)
		die("write stdout");
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: floor SOCKET METHOD TARGET [BODY] [METHOD TARGET BODY]...\n");
		return 2;
	}
	int bad = 0;
	for (int i = 2; i + 1 < argc; i += 3) {
		const char *body = i + 2 < argc ? argv[i + 2] : NULL;
		int status = request(argv[1], argv[i], argv[i + 1], body);
		if (status < 200 || status > 299) {
			fprintf(stderr, "floor: %s %s: HTTP %d\n", argv[i], argv[i + 1], status);
			bad = 1;
		}
	}
	return bad;
}
