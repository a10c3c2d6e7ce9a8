/* See http_harness.h. */
#include "fuzz.h"
#include "http_harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

transport *fuzz_transport(void)
{
	static transport *t;
	if (!t) {
		berth_error err = BERTH_ERROR_INIT;
		/* Nothing listens there: any attempt to open a fresh
		 * connection fails fast instead of reaching a real engine. */
		if (transport_new(&t, "unix:///nonexistent", -1, NULL, 1000, 1000, &err) < 0)
			return NULL;
	}
	return t;
}

void fuzz_transport_drain(transport *t)
{
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nidle; i++) {
		conn_close(t->idle[i]);
		t->idle[i] = NULL;
	}
	t->nidle = 0;
	pthread_mutex_unlock(&t->lock);
	conn_close(t->preset); /* set but never used: the request failed early */
	t->preset = NULL;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

conn *fuzz_conn_with_reply(const uint8_t *data, size_t size, int *peer)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return NULL;
	/* Both ends block while the reply goes in (it fits the socket
	 * buffer, see FUZZ_SOCKET_INPUT_MAX); then the writer half-closes. */
	if (!write_all(sv[1], data, size) || shutdown(sv[1], SHUT_WR) < 0)
		goto fail;
	/* The client's own connections are non-blocking: make this one so
	 * too, so its reads go through the same poll-with-deadline path. */
	int fl = fcntl(sv[0], F_GETFL);
	if (fl < 0 || fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;
	conn *c = calloc(1, sizeof *c);
	if (!c)
		goto fail;
	c->fd = sv[0];
	*peer = sv[1];
	return c;
fail:
	close(sv[0]);
	close(sv[1]);
	return NULL;
}
