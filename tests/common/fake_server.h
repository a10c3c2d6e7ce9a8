/* A scripted HTTP server for fault-injection tests.
 *
 * It listens on a unix socket inside a fresh private temp directory and is
 * run by its own thread (plus one thread per accepted connection). Every
 * complete request it reads (head up to the blank line, then Content-Length
 * bytes of body) consumes the next entry of the script; once the script is
 * used up the last entry is repeated. Entries can also decide to accept a
 * connection and never touch it, to hang, to drop the request, or to send
 * their bytes in small pieces.
 *
 * fake_stop() always returns promptly and leaves nothing behind (threads,
 * descriptors, files), even when a client still holds a connection. */
#ifndef BERTH_TESTS_FAKE_SERVER_H
#define BERTH_TESTS_FAKE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fake_reply {
	const char *data;   /* bytes to send; borrowed, must outlive the server */
	size_t len;         /* how many; 0 means strlen(data) */
	size_t split;       /* >0: write in pieces of this many bytes ... */
	int split_delay_us; /* ... pausing this long between them (0: 300 us) */
	size_t stall_at;    /* >0: send this many bytes, then wait for fake_release() */
	bool close_after;   /* close the connection once the bytes are out */
	bool hang;          /* read the request, never answer, keep the connection */
	bool drop;          /* read the request, close without answering */
	bool accept_only;   /* accept the connection, never read from it
	                       (consumed when a connection is accepted; met
	                       by a request on a kept-alive one, it hangs) */
} fake_reply;

typedef struct fake_server fake_server;

/* Start serving `replies` (copied; the bytes they point to are not).
 * n must be at least 1. Aborts the test program on setup failure. */
fake_server *fake_start(const fake_reply *replies, size_t n);

/* A listener that never calls accept(): connects succeed (the kernel
 * queues them) but nothing is ever read or answered. */
fake_server *fake_start_silent(void);

/* "unix:///tmp/berth-fake-XXXXXX/s.sock" */
const char *fake_uri(const fake_server *fs);
/* The socket's path and its private directory (mode 0700). */
const char *fake_path(const fake_server *fs);
const char *fake_dir(const fake_server *fs);

/* Connections accepted, complete requests read, connections finished
 * (closed by the server or seen closed by the client). */
unsigned fake_connections(fake_server *fs);
unsigned fake_requests(fake_server *fs);
unsigned fake_closed(fake_server *fs);

/* Wait until at least n connections have finished; false on timeout. */
bool fake_wait_closed(fake_server *fs, unsigned n, int timeout_ms);

/* A NUL-terminated copy of the last complete request (head and body), ""
 * before any. The pointer stays valid until the next call or fake_stop(). */
const char *fake_last_request(fake_server *fs);

/* Let one connection stalled at stall_at go on. */
void fake_release(fake_server *fs);

/* Stop serving, close every connection, join the threads and remove the
 * temp directory. NULL-safe. */
void fake_stop(fake_server *fs);

/* ---- a fake engine ---------------------------------------------------------- */

/* The _ping answers of the two engines (what detection tells them by). */
#define FAKE_DOCKER_PING "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\n" \
			 "Content-Length: 2\r\n\r\nOK"
#define FAKE_PODMAN_PING "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nLibpod-Api-Version: 4.3.1\r\n" \
			 "Server: Libpod/4.3.1 (linux)\r\nContent-Length: 2\r\n\r\nOK"

struct berth_client;

/* Serve `ping`, then the n (at most 7) replies of `rest` in order, and open
 * a client on it (request deadline 3 s) into *client. Aborts the test
 * program when the client cannot be opened. */
fake_server *fake_engine_start(struct berth_client **client, const char *ping, const fake_reply *rest, size_t n);

/* Free *client and stop *fs (both NULL-safe), leaving both NULL. */
void fake_engine_stop(fake_server **fs, struct berth_client **client);

/* A monotonic clock in milliseconds, to bound how long calls take. */
int64_t fake_mono_ms(void);

#endif
