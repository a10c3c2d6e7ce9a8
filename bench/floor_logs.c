/* floor_logs: the bare reader of a log, the yardstick of the log
 * throughput rows.
 *
 *   floor_logs SOCKET TARGET
 *
 * Connects to the unix socket, sends "GET TARGET" with "Connection:
 * close", and reads the reply to EOF in 64 KiB reads into one fixed
 * buffer, throwing it away (no header parsing, no demultiplexing, no
 * output). Prints the byte count to stderr. Exits 2 on a transport error.
 * Only libc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor_logs SOCKET TARGET\n");
		return 2;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "floor_logs: connect: %s\n", strerror(errno));
		return 2;
	}
	char req[4096];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n", argv[2]);
	for (int off = 0; off < n;) {
		ssize_t w = write(fd, req + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "floor_logs: write: %s\n", strerror(errno));
			return 2;
		}
		off += (int)w;
	}
	static char buf[65536];
	unsigned long long total = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "floor_logs: read: %s\n", strerror(errno));
			return 2;
		}
		if (r == 0)
			break;
		total += (unsigned long long)r;
	}
	fprintf(stderr, "%llu\n", total);
	return 0;
}
