/* TLS transport (src/lib/transport/tls.c over socket.c) against real TLS
 * servers: socat with certificates made by the openssl CLI at start-up,
 * plus small in-process TCP servers and a record-level proxy for the cases
 * socat cannot produce (no TLS answer, plain HTTP, dropped close_notify).
 *
 * Needs the `openssl` and `socat` programs (else it exits with 77, "skipped")
 * and libssl.so.3 at run time.
 * Build (until the build system has it):
 *   gcc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -DBERTH_BUILDING_LIBRARY \
 *       -Iinclude -Isrc tests/unit/test_tls.c src/lib/transport/tls.c \
 *       src/lib/transport/socket.c src/lib/error.c src/util/util.c \
 *       -lcmocka -ldl -lpthread -o test_tls
 * Built with -DBERTH_LIBSSL_NAMES='"libberth-no-such-ssl.so"' (for both
 * files), it checks only the "libssl cannot be loaded" answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lib/transport/socket.h"

#ifndef BERTH_LIBSSL_NAMES

/* ---- helpers ------------------------------------------------------------ */

static char tmpdir[64];

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static int run(const char *fmt, ...) _printf_(1, 2);
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void make_ep(endpoint *ep, const char *scheme, const char *host, int port, int tls_mode, const char *dir)
{
	char uri[128], path[128];
	snprintf(uri, sizeof uri, "%s://%s:%d", scheme, host, port);
	snprintf(path, sizeof path, "%s/%s", tmpdir, dir);
	berth_error err = BERTH_ERROR_INIT;
	int r = endpoint_parse(ep, uri, tls_mode, path, &err);
	if (r < 0)
		fail_msg("endpoint_parse(%s): %s", uri, err.message);
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks. */
static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static int connect_port(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Open a connection, send req (and body), read until the server closes. */
static int exchange(const endpoint *ep, const char *req, const char *body, size_t body_len, sbuf *out,
		    berth_error *err)
{
	conn *c = NULL;
	int r = conn_open(&c, ep, 5000, err);
	if (r < 0)
		return r;
	int64_t deadline = now_ms() + 20000;
	r = conn_write_all(c, req, strlen(req), deadline, ep, err);
	if (r == 0 && body_len)
		r = conn_write_all(c, body, body_len, deadline, ep, err);
	while (r >= 0) {
		r = conn_fill(c, deadline, ep, err);
		if (r > 0) {
			sbuf_add(out, c->rbuf + c->rpos, c->rlen - c->rpos);
			c->rpos = c->rlen;
		} else if (r == 0) {
			break;
		}
	}
	conn_close(c);
	return r < 0 ? r : 0;
}

/* ---- socat servers -------------------------------------------------------- */

static struct server {
	const char *name;
	const char *options;  /* socat OPENSSL-LISTEN options besides the port */
	int port;
	pid_t pid;
} servers[] = {
	/* The engine: certificate for 127.0.0.1 and localhost, client
	 * certificates required (like dockerd --tlsverify). */
	{ "main", "cert=%1$s/server.pem,key=%1$s/server-key.pem,cafile=%1$s/ca.pem,verify=1", 0, 0 },
	/* Certificate for another name; no client certificate asked. */
	{ "elsewhere", "cert=%1$s/elsewhere.pem,key=%1$s/elsewhere-key.pem,verify=0", 0, 0 },
	/* TLS 1.2 only, so that its close_notify is a visible alert record. */
	{ "tls12", "cert=%1$s/server.pem,key=%1$s/server-key.pem,verify=0,max-version=TLS1.2", 0, 0 },
};
#define MAIN (&servers[0])
#define ELSEWHERE (&servers[1])
#define TLS12 (&servers[2])

static const char handler_sh[] =
	"#!/bin/sh\n"
	"# One HTTP request per connection: echo the request line, count a PUT\n"
	"# body, or send a large body.\n"
	"CR=$(printf '\\r')\n"
	"IFS= read -r line || exit 0\n"
	"line=${line%\"$CR\"}\n"
	"len=0\n"
	"while IFS= read -r h; do\n"
	"  h=${h%\"$CR\"}\n"
	"  [ -z \"$h\" ] && break\n"
	"  case \"$h\" in [Cc]ontent-[Ll]ength:*) len=${h#*: } ;; esac\n"
	"done\n"
	"case \"$line\" in\n"
	"'PUT /sink '*) body=\"got $(head -c \"$len\" | wc -c)\" ;;\n"
	"'GET /big '*)\n"
	"  printf 'HTTP/1.1 200 OK\\r\\nContent-Length: 1048576\\r\\n\\r\\n'\n"
	"  head -c 1048576 /dev/zero | tr '\\0' x\n"
	"  exit 0 ;;\n"
	"*) body=\"echo: $line\" ;;\n"
	"esac\n"
	"printf 'HTTP/1.1 200 OK\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s' \"${#body}\" \"$body\"\n";

static int start_server(struct server *s)
{
	int fd = listen_any(&s->port);  /* find a free port, then free it */
	if (fd < 0)
		return -1;
	close(fd);
	char opts[512], addr[768], handler[128], log[128];
	snprintf(opts, sizeof opts, s->options, tmpdir);
	snprintf(addr, sizeof addr, "OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,%s", s->port, opts);
	snprintf(handler, sizeof handler, "EXEC:%s/handler.sh", tmpdir);
	snprintf(log, sizeof log, "%s/socat-%s.log", tmpdir, s->name);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int nfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		dup2(nfd, 0);
		dup2(lfd, 1);
		dup2(lfd, 2);
		execlp("socat", "socat", "-d", addr, handler, (char *)NULL);
		_exit(127);
	}
	/* Wait until it listens. */
	for (int i = 0; i < 500; i++) {
		int c = connect_port(s->port);
		if (c >= 0) {
			close(c);
			return 0;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		usleep(10000);
	}
	return -1;
}

static const char certs_sh[] =
	"set -e; cd '%1$s'\n"
	"q() { \"$@\" >/dev/null 2>&1 || { echo \"failed: $*\" >&2; exit 1; }; }\n"
	"EC='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'\n"
	"ca() { q openssl req -x509 $EC -keyout $1-key.pem -out $1.pem -days 2 -subj \"/CN=$2\" "
	"-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; }\n"
	"leaf() { # name cn extensions [ca]\n"
	"  ca=${4:-ca}\n"
	"  q openssl req $EC -keyout $1-key.pem -out $1.csr -subj \"/CN=$2\"\n"
	"  printf '%%s\\n' \"$3\" > $1.ext\n"
	"  q openssl x509 -req -in $1.csr -CA $ca.pem -CAkey $ca-key.pem -CAcreateserial -days 2 "
	"-out $1.pem -extfile $1.ext; }\n"
	"ca ca 'berth test CA'\n"
	"ca other-ca 'berth other CA'\n"
	"leaf server 127.0.0.1 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth'\n"
	"leaf elsewhere elsewhere.test 'subjectAltName=DNS:elsewhere.test\nextendedKeyUsage=serverAuth'\n"
	"leaf client berth-client 'extendedKeyUsage=clientAuth'\n"
	"leaf foreign berth-foreign 'extendedKeyUsage=clientAuth' other-ca\n"
	"d() { mkdir -p $1; }\n"
	"d good; cp ca.pem good/ca.pem; cp client.pem good/cert.pem; cp client-key.pem good/key.pem\n"
	"d wrongca; cp other-ca.pem wrongca/ca.pem; cp client.pem wrongca/cert.pem; cp client-key.pem wrongca/key.pem\n"
	"d nocert; cp ca.pem nocert/ca.pem\n"
	"d foreign; cp ca.pem foreign/ca.pem; cp foreign.pem foreign/cert.pem; cp foreign-key.pem foreign/key.pem\n"
	"d empty\n"
	"d halfpair; cp ca.pem halfpair/ca.pem; cp client.pem halfpair/cert.pem\n"
	"d badcert; cp ca.pem badcert/ca.pem; echo 'not a certificate' > badcert/cert.pem; cp client-key.pem badcert/key.pem\n"
	"d badca; echo 'not a certificate' > badca/ca.pem\n"
	"d keymismatch; cp ca.pem keymismatch/ca.pem; cp client.pem keymismatch/cert.pem; cp server-key.pem keymismatch/key.pem\n"
	"d enckey; cp ca.pem enckey/ca.pem; cp client.pem enckey/cert.pem\n"
	"q openssl pkey -in client-key.pem -aes256 -passout pass:secret -out enckey/key.pem\n";

static int group_setup(void **state)
{
	(void)state;
	/* A raised SIGPIPE must kill this test, whatever the parent set. */
	signal(SIGPIPE, SIG_DFL);
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/berth-tls-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (run(certs_sh, tmpdir) != 0) {
		fprintf(stderr, "cannot make test certificates with openssl in %s\n", tmpdir);
		return -1;
	}
	char path[128];
	snprintf(path, sizeof path, "%s/handler.sh", tmpdir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(handler_sh, f) < 0 || fclose(f) != 0 || chmod(path, 0755) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(servers); i++)
		if (start_server(&servers[i]) < 0) {
			fprintf(stderr, "cannot start socat (%s); is it installed?\n", servers[i].name);
			return -1;
		}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(servers); i++)
		if (servers[i].pid > 0) {
			kill(servers[i].pid, SIGTERM);
			waitpid(servers[i].pid, NULL, 0);
		}
	if (tmpdir[0] && !getenv("BERTH_TEST_KEEP"))
		run("rm -rf '%s'", tmpdir);
	return 0;
}

/* ---- in-process servers --------------------------------------------------- */

enum fake_mode {
	FAKE_CLOSE,       /* accept, then close at once */
	FAKE_PLAIN_HTTP,  /* answer the ClientHello like a plain HTTP server */
};

struct fake {
	int lfd, port;
	enum fake_mode mode;
	pthread_t th;
};

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd p = { .fd = f->lfd, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1)
		return NULL;
	int c = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return NULL;
	if (f->mode == FAKE_PLAIN_HTTP) {
		char buf[4096];
		if (recv(c, buf, sizeof buf, 0) > 0) {
			static const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
			(void)!send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
			shutdown(c, SHUT_WR);
			/* Wait for the client to go, so that no reset loses the reply. */
			while (recv(c, buf, sizeof buf, 0) > 0)
				;
		}
	}
	close(c);
	return NULL;
}

static void fake_start(struct fake *f, enum fake_mode mode)
{
	f->mode = mode;
	f->lfd = listen_any(&f->port);
	assert_true(f->lfd >= 0);
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->lfd);
}

/* A TCP proxy for one connection that reads the SNI name from the
 * ClientHello and, optionally, drops the server's alert records (with TLS
 * 1.2 these are in clear: close_notify among them). */
struct proxy {
	int lfd, port, target_port;
	bool drop_alerts;
	pthread_t th;
	sbuf hello;      /* client's first bytes, until the ClientHello record is whole */
	bool hello_done;
	bool sni_seen;
	char sni[256];
	sbuf down;       /* server bytes not yet forwarded (drop_alerts) */
	int dropped;     /* alert records dropped */
};

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

static void parse_client_hello(struct proxy *px)
{
	const unsigned char *p = (const unsigned char *)px->hello.data;
	size_t n = px->hello.len;
	if (n < 5)
		return;
	if (p[0] != 22 || n < 5 + be16(p + 3)) {
		px->hello_done = p[0] != 22;
		return;
	}
	px->hello_done = true;
	n = be16(p + 3);
	p += 5;
	if (n < 4 || p[0] != 1)
		return;
	p += 4;  /* handshake type, length */
	n -= 4;
	size_t off = 2 + 32;  /* version, random */
	if (off + 1 > n)
		return;
	off += 1 + p[off];  /* session id */
	if (off + 2 > n)
		return;
	off += 2 + be16(p + off);  /* cipher suites */
	if (off + 1 > n)
		return;
	off += 1 + p[off];  /* compression methods */
	if (off + 2 > n)
		return;
	size_t end = off + 2 + be16(p + off);
	off += 2;
	if (end > n)
		end = n;
	while (off + 4 <= end) {
		unsigned type = be16(p + off), len = be16(p + off + 2);
		off += 4;
		if (off + len > end)
			return;
		if (type == 0 && len >= 5) {  /* server_name: list, type, length, name */
			size_t nl = be16(p + off + 3);
			if (5 + nl <= len && nl < sizeof px->sni) {
				memcpy(px->sni, p + off + 5, nl);
				px->sni[nl] = '\0';
				px->sni_seen = true;
			}
			return;
		}
		off += len;
	}
}

static bool send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Forward the whole records of px->down. At an alert (close_notify), end
 * the client's stream there without it, as an engine that just closes the
 * TCP connection would. Returns 1 to go on, 0 when ended, -1 on error. */
static int forward_records(struct proxy *px, int to)
{
	const unsigned char *p = (const unsigned char *)px->down.data;
	size_t off = 0;
	while (px->down.len - off >= 5) {
		size_t rec = 5 + be16(p + off + 3);
		if (px->down.len - off < rec)
			break;
		if (p[off] == 21) {
			px->dropped++;
			shutdown(to, SHUT_WR);
			return 0;
		}
		if (!send_all(to, p + off, rec))
			return -1;
		off += rec;
	}
	memmove(px->down.data, px->down.data + off, px->down.len - off);
	px->down.len -= off;
	return 1;
}

static void *proxy_main(void *arg)
{
	struct proxy *px = arg;
	struct pollfd lp = { .fd = px->lfd, .events = POLLIN };
	if (poll(&lp, 1, 5000) != 1)
		return NULL;
	int c = accept4(px->lfd, NULL, NULL, SOCK_CLOEXEC);
	int s = connect_port(px->target_port);
	bool up_open = true, down_open = true;
	char buf[16384];
	while (c >= 0 && s >= 0 && (up_open || down_open)) {
		struct pollfd p[2] = { { .fd = up_open ? c : -1, .events = POLLIN },
				       { .fd = down_open ? s : -1, .events = POLLIN } };
		if (poll(p, 2, 10000) <= 0)
			break;
		if (p[0].revents) {
			ssize_t n = recv(c, buf, sizeof buf, 0);
			if (n <= 0) {
				up_open = false;
				shutdown(s, SHUT_WR);
			} else {
				if (!px->hello_done) {
					sbuf_add(&px->hello, buf, (size_t)n);
					parse_client_hello(px);
				}
				if (!send_all(s, buf, (size_t)n))
					break;
			}
		}
		if (p[1].revents) {
			ssize_t n = recv(s, buf, sizeof buf, 0);
			if (n <= 0) {
				down_open = false;
				shutdown(c, SHUT_WR);
			} else if (px->drop_alerts) {
				sbuf_add(&px->down, buf, (size_t)n);
				int f = forward_records(px, c);
				if (f < 0)
					break;
				if (f == 0) {
					down_open = false;
					shutdown(s, SHUT_WR);
				}
			} else if (!send_all(c, buf, (size_t)n)) {
				break;
			}
		}
	}
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	return NULL;
}

static void proxy_start(struct proxy *px, int target_port, bool drop_alerts)
{
	memset(px, 0, sizeof *px);
	px->target_port = target_port;
	px->drop_alerts = drop_alerts;
	px->lfd = listen_any(&px->port);
	assert_true(px->lfd >= 0);
	assert_int_equal(pthread_create(&px->th, NULL, proxy_main, px), 0);
}

static void proxy_stop(struct proxy *px)
{
	pthread_join(px->th, NULL);
	close(px->lfd);
	sbuf_release(&px->hello);
	sbuf_release(&px->down);
}

/* ---- tests ---------------------------------------------------------------- */

/* First test: several threads make the first TLS connections at once
 * (the library is loaded exactly once under pthread_once). */
struct worker {
	pthread_t th;
	int result;
	char message[BERTH_ERROR_MESSAGE_MAX];
	bool echoed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	endpoint ep;
	char uri[64], dir[128];
	snprintf(uri, sizeof uri, "tcp://127.0.0.1:%d", MAIN->port);
	snprintf(dir, sizeof dir, "%s/good", tmpdir);
	berth_error err = BERTH_ERROR_INIT;
	w->result = endpoint_parse(&ep, uri, 1, dir, &err);
	sbuf out = SBUF_INIT;
	if (w->result == 0)
		w->result = exchange(&ep, "GET /thread HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, &out, &err);
	w->echoed = out.data && strstr(out.data, "echo: GET /thread HTTP/1.1");
	memcpy(w->message, err.message, sizeof w->message);
	sbuf_release(&out);
	endpoint_release(&ep);
	return NULL;
}

static void test_concurrent_first_use(void **state)
{
	(void)state;
	struct worker w[6];
	memset(w, 0, sizeof w);
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].result != 0)
			fail_msg("thread %zu: %s", i, w[i].message);
		assert_true(w[i].echoed);
	}
}

static void test_verified_ip(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "good");
	assert_true(ep.tls && ep.tls_verify);
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n", NULL, 0, &out, &err);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(startswith(out.data, "HTTP/1.1 200 OK\r\n"));
	assert_true(endswith(out.data, "\r\n\r\necho: GET /_ping HTTP/1.1"));
	sbuf_release(&out);
	endpoint_release(&ep);
}

static void test_verified_name_sends_sni(void **state)
{
	(void)state;
	struct proxy px;
	proxy_start(&px, MAIN->port, false);
	endpoint ep;
	make_ep(&ep, "tcp", "localhost", px.port, 1, "good");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /name HTTP/1.1\r\nHost: docker\r\n\r\n", NULL, 0, &out, &err);
	proxy_stop(&px);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(endswith(out.data, "echo: GET /name HTTP/1.1"));
	assert_true(px.sni_seen);
	assert_string_equal(px.sni, "localhost");
	sbuf_release(&out);
	endpoint_release(&ep);
}

static void test_no_sni_for_ip(void **state)
{
	(void)state;
	struct proxy px;
	proxy_start(&px, MAIN->port, false);
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", px.port, 1, "good");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /ip HTTP/1.1\r\nHost: docker\r\n\r\n", NULL, 0, &out, &err);
	proxy_stop(&px);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(px.hello_done);
	assert_false(px.sni_seen);
	sbuf_release(&out);
	endpoint_release(&ep);
}

static void test_wrong_ca(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "wrongca");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = conn_open(&c, &ep, 5000, &err);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EPERM);
	assert_null(c);
	assert_true(startswith(err.message, ep.uri));
	assert_contains(err.message, ": TLS handshake: certificate verify failed: ");
	/* which of the two depends on whether the server sends its CA along */
	if (!strstr(err.message, "self-signed certificate in certificate chain"))
		assert_contains(err.message, "unable to get local issuer certificate");
	endpoint_release(&ep);
}

static void test_name_mismatch(void **state)
{
	(void)state;
	static const struct { const char *host, *why; } cases[] = {
		{ "127.0.0.1", "IP address mismatch" },
		{ "localhost", "hostname mismatch" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		endpoint ep;
		make_ep(&ep, "tcp", cases[i].host, ELSEWHERE->port, 1, "good");
		conn *c = NULL;
		berth_error err = BERTH_ERROR_INIT;
		int r = conn_open(&c, &ep, 5000, &err);
		print_message("      -> %s\n", err.message);
		assert_int_equal(r, BERTH_EPERM);
		assert_contains(err.message, "certificate verify failed");
		assert_contains(err.message, cases[i].why);
		endpoint_release(&ep);
	}
}

/* https:// without verification: any server certificate is accepted, and
 * the client certificate is still sent when there is one. */
static void test_unverified(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "https", "127.0.0.1", ELSEWHERE->port, 0, "wrongca");
	assert_true(ep.tls && !ep.tls_verify);
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /any HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(endswith(out.data, "echo: GET /any HTTP/1.1"));
	sbuf_release(&out);
	endpoint_release(&ep);

	/* main requires a client certificate signed by its CA */
	make_ep(&ep, "https", "127.0.0.1", MAIN->port, 0, "good");
	r = exchange(&ep, "GET /client HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(endswith(out.data, "echo: GET /client HTTP/1.1"));
	sbuf_release(&out);
	endpoint_release(&ep);
}

/* Without cert.pem/key.pem a server that wants a client certificate
 * refuses: with TLS 1.3 its alert comes after the handshake. */
static void test_client_cert_required(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "nocert");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /nocert HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EPERM);
	assert_contains(err.message, "certificate required");
	assert_contains(err.message, "cert.pem and key.pem");
	sbuf_release(&out);
	endpoint_release(&ep);
}

/* The same, writing only once the refusal has arrived: the write meets a
 * reset, and the alert behind it is what gets reported. */
static void test_client_cert_required_late_write(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "nocert");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(conn_open(&c, &ep, 5000, &err), 0);
	usleep(200 * 1000);
	static const char req[] = "GET /late HTTP/1.1\r\n\r\n";
	int r = conn_write_all(c, req, sizeof req - 1, now_ms() + 5000, &ep, &err);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EPERM);
	assert_contains(err.message, ": write: ");
	assert_contains(err.message, "certificate required");
	conn_close(c);
	endpoint_release(&ep);
}

/* A client certificate from a CA the engine does not trust. */
static void test_client_cert_refused(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "foreign");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /foreign HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EPERM);
	assert_contains(err.message, "refused the client certificate");
	assert_contains(err.message, "/foreign/cert.pem");
	sbuf_release(&out);
	endpoint_release(&ep);
}

static void test_bad_files(void **state)
{
	(void)state;
	static const struct { const char *dir; int verify; const char *file, *what; } cases[] = {
		{ "empty", 1, "/empty/ca.pem", "No such file or directory" },
		{ "no-such-dir", 1, "/no-such-dir/ca.pem", "No such file or directory" },
		{ "badca", 1, "/badca/ca.pem", "cannot load CA certificates" },
		{ "halfpair", 1, "/halfpair/key.pem", "is missing" },
		{ "halfpair", 0, "/halfpair/key.pem", "is missing" },
		{ "badcert", 1, "/badcert/cert.pem", "cannot load the client certificate" },
		{ "keymismatch", 1, "/keymismatch/key.pem", "cannot load the client key" },
		{ "enckey", 1, "/enckey/key.pem", "encrypted" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		endpoint ep;
		make_ep(&ep, cases[i].verify ? "tcp" : "https", "127.0.0.1", MAIN->port, cases[i].verify, cases[i].dir);
		conn *c = NULL;
		berth_error err = BERTH_ERROR_INIT;
		int r = conn_open(&c, &ep, 5000, &err);
		print_message("      -> %s\n", err.message);
		assert_int_equal(r, BERTH_EINVAL);
		assert_true(startswith(err.message, ep.uri));
		assert_contains(err.message, cases[i].file);
		assert_contains(err.message, cases[i].what);
		endpoint_release(&ep);
	}
}

/* Without verification a missing ca.pem does not matter. */
static void test_unverified_needs_no_ca(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "https", "127.0.0.1", ELSEWHERE->port, 0, "empty");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /noca HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(endswith(out.data, "echo: GET /noca HTTP/1.1"));
	sbuf_release(&out);
	endpoint_release(&ep);
}

static void test_handshake_timeout(void **state)
{
	(void)state;
	int port;
	int lfd = listen_any(&port);  /* the kernel accepts; nobody answers */
	assert_true(lfd >= 0);
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", port, 1, "good");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int64_t t0 = now_ms();
	int r = conn_open(&c, &ep, 300, &err);
	int64_t took = now_ms() - t0;
	print_message("      -> %s (%lld ms)\n", err.message, (long long)took);
	assert_int_equal(r, BERTH_ETIMEDOUT);
	assert_in_range(took, 290, 1000);
	assert_contains(err.message, "TLS handshake: no answer in time");
	close(lfd);
	endpoint_release(&ep);
}

static void test_read_timeout(void **state)
{
	(void)state;
	/* The handler answers once the headers end, and we send only the
	 * request line: the server stays silent. */
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "good");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(conn_open(&c, &ep, 5000, &err), 0);
	static const char half[] = "GET /half HTTP/1.1\r\n";
	assert_int_equal(conn_write_all(c, half, sizeof half - 1, now_ms() + 5000, &ep, &err), 0);
	int64_t t0 = now_ms();
	int r = conn_fill(c, now_ms() + 200, &ep, &err);
	int64_t took = now_ms() - t0;
	print_message("      -> %s (%lld ms)\n", err.message, (long long)took);
	assert_int_equal(r, BERTH_ETIMEDOUT);
	assert_in_range(took, 190, 1000);
	assert_contains(err.message, "read: no answer in time");
	conn_close(c);
	endpoint_release(&ep);
}

static void test_peer_closes(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, FAKE_CLOSE);
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", f.port, 1, "good");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = conn_open(&c, &ep, 5000, &err);
	fake_stop(&f);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EUNAVAILABLE);
	assert_true(startswith(err.message, ep.uri));
	assert_contains(err.message, "TLS handshake: ");
	endpoint_release(&ep);
}

static void test_plain_http_server(void **state)
{
	(void)state;
	struct fake f;
	fake_start(&f, FAKE_PLAIN_HTTP);
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", f.port, 1, "good");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = conn_open(&c, &ep, 5000, &err);
	fake_stop(&f);
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EPROTOCOL);
	assert_contains(err.message, "plain HTTP");
	endpoint_release(&ep);
}

/* Large bodies both ways: many records, WANT_WRITE while the handler is
 * slower than us, partial reads and SSL_pending. */
static void test_large_transfers(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "good");
	size_t size = 4u << 20;
	char *body = malloc(size);
	assert_non_null(body);
	memset(body, 'b', size);
	char req[128];
	snprintf(req, sizeof req, "PUT /sink HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", size);
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, req, body, size, &out, &err);
	free(body);
	if (r < 0)
		fail_msg("%s", err.message);
	char want[64];
	snprintf(want, sizeof want, "\r\n\r\ngot %zu", size);
	assert_true(endswith(out.data, want));
	sbuf_release(&out);

	/* 1 MiB down, read through tls_read directly with a small buffer. */
	conn *c = NULL;
	assert_int_equal(conn_open(&c, &ep, 5000, &err), 0);
	static const char get[] = "GET /big HTTP/1.1\r\n\r\n";
	assert_int_equal(conn_write_all(c, get, sizeof get - 1, now_ms() + 5000, &ep, &err), 0);
	char small[100];
	size_t total = 0, xs = 0;
	bool saw_pending = false;
	for (;;) {
		int n = tls_read(c->tls, c->fd, small, sizeof small, now_ms() + 10000, &ep, &err);
		if (n < 0)
			fail_msg("%s", err.message);
		if (n == 0)
			break;
		total += (size_t)n;
		for (int i = 0; i < n; i++)
			xs += small[i] == 'x';
		saw_pending |= tls_pending(c->tls);
	}
	assert_int_equal(xs, 1048576);
	assert_true(total > xs);
	assert_true(saw_pending);
	assert_false(tls_pending(c->tls));
	conn_close(c);
	endpoint_release(&ep);
}

/* The engine closes TCP without close_notify: the reply ends normally. */
static void test_eof_without_close_notify(void **state)
{
	(void)state;
	struct proxy px;
	proxy_start(&px, TLS12->port, true);
	endpoint ep;
	make_ep(&ep, "https", "127.0.0.1", px.port, 0, "good");
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r = exchange(&ep, "GET /truncated HTTP/1.1\r\n\r\n", NULL, 0, &out, &err);
	proxy_stop(&px);
	if (r < 0)
		fail_msg("%s", err.message);
	assert_true(endswith(out.data, "echo: GET /truncated HTTP/1.1"));
	assert_true(px.dropped >= 1);  /* there was a close_notify, and it was dropped */
	sbuf_release(&out);
	endpoint_release(&ep);
}

/* Writing to a connection the engine has closed gives EUNAVAILABLE, and
 * no SIGPIPE (whose default action would end this process). */
static void test_write_after_close(void **state)
{
	(void)state;
	endpoint ep;
	make_ep(&ep, "tcp", "127.0.0.1", MAIN->port, 1, "good");
	conn *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(conn_open(&c, &ep, 5000, &err), 0);
	static const char req[] = "GET /bye HTTP/1.1\r\n\r\n";
	assert_int_equal(conn_write_all(c, req, sizeof req - 1, now_ms() + 5000, &ep, &err), 0);
	int r;
	while ((r = conn_fill(c, now_ms() + 5000, &ep, &err)) > 0)
		c->rpos = c->rlen;
	assert_int_equal(r, 0);
	/* The server has gone: writes fail once the kernel knows. */
	char chunk[16384];
	memset(chunk, 'z', sizeof chunk);
	r = 0;
	for (int i = 0; i < 200 && r == 0; i++) {
		r = conn_write_all(c, chunk, sizeof chunk, now_ms() + 2000, &ep, &err);
		if (r == 0)
			usleep(5000);
	}
	print_message("      -> %s\n", err.message);
	assert_int_equal(r, BERTH_EUNAVAILABLE);
	assert_contains(err.message, "write: ");
	assert_true(err.sys_errno == EPIPE || err.sys_errno == ECONNRESET);
	conn_close(c);
	endpoint_release(&ep);
}

static void test_pending_and_free_null(void **state)
{
	(void)state;
	assert_false(tls_pending(NULL));
	tls_free(NULL);
}

int main(void)
{
	/* 77: "skipped" for meson and automake */
	if (run("command -v openssl >/dev/null && command -v socat >/dev/null") != 0) {
		fprintf(stderr, "test_tls: skipped, needs the openssl and socat programs\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_first_use),
		cmocka_unit_test(test_verified_ip),
		cmocka_unit_test(test_verified_name_sends_sni),
		cmocka_unit_test(test_no_sni_for_ip),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_unverified),
		cmocka_unit_test(test_unverified_needs_no_ca),
		cmocka_unit_test(test_client_cert_required),
		cmocka_unit_test(test_client_cert_required_late_write),
		cmocka_unit_test(test_client_cert_refused),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_handshake_timeout),
		cmocka_unit_test(test_read_timeout),
		cmocka_unit_test(test_peer_closes),
		cmocka_unit_test(test_plain_http_server),
		cmocka_unit_test(test_large_transfers),
		cmocka_unit_test(test_eof_without_close_notify),
		cmocka_unit_test(test_write_after_close),
		cmocka_unit_test(test_pending_and_free_null),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

#else /* BERTH_LIBSSL_NAMES */

/* Built with a library name that does not exist. */
static void test_no_libssl(void **state)
{
	(void)state;
	endpoint ep;
	memset(&ep, 0, sizeof ep);
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(endpoint_parse(&ep, "tcp://127.0.0.1:2376", 1, "/nonexistent", &err), 0);
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	tls_conn *t = NULL;
	assert_int_equal(tls_connect(&t, fds[0], &ep, -1, &err), BERTH_EUNSUPPORTED);
	assert_null(t);
	assert_string_equal(err.message, "tcp://127.0.0.1:2376: TLS needs libssl.so.3 (install libssl3)");
	close(fds[0]);
	close(fds[1]);
	endpoint_release(&ep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_libssl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
