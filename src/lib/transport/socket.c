/* Endpoints and connections with deadlines. */
#include "socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
static int connect_fd(int fd, const struct sockaddr *sa, socklen_t salen, int64_t deadline,
		      const endpoint *ep, berth_error *err)
{
	if (connect(fd, sa, salen) == 0)
		return 0;
	/* EAGAIN is not "in progress": a unix socket says so when the
	 * listener's accept queue is full, and polling the unconnected socket
	 * would report it writable at once. */
	if (errno != EINPROGRESS && errno != EINTR) {
		int e = errno;
		const char *hint = e == ENOENT ? " (is the engine running?)" :
				   e == ECONNREFUSED ? " (nothing listens there)" :
				   e == EACCES ? " (are you in the engine's group?)" :
				   e == EAGAIN ? " (the engine is not accepting connections)" : "";
		return berth_fail_full(err, berth_code_from_errno(e) == BERTH_ENOTFOUND ? BERTH_ENOTFOUND :
				       e == EACCES || e == EPERM ? BERTH_EPERM : BERTH_EUNAVAILABLE,
				       0, e, "%s: connect: %s%s", ep->uri, strerror(e), hint);
	}
	int r = fd_wait(fd, POLLOUT, deadline, ep, "connect", err);
	if (r < 0)
		return r;
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr)
		return berth_fail_full(err, soerr == EACCES ? BERTH_EPERM : BERTH_EUNAVAILABLE, 0, soerr,
				       "%s: connect: %s", ep->uri, strerror(soerr));
	return 0;
}

static int open_unix(const endpoint *ep, int64_t deadline, berth_error *err)
{
	struct stat st;
	if (stat(ep->path, &st) < 0) {
		int e = errno;
		return berth_fail_full(err, e == EACCES ? BERTH_EPERM : BERTH_ENOTFOUND, 0, e,
				       "%s: %s", ep->uri, strerror(e));
	}
	if (!S_ISSOCK(st.st_mode))
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, ENOTSOCK, "%s: not a socket", ep->uri);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "socket: %s", strerror(errno));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, ep->path, strlen(ep->path) + 1);
	int r = connect_fd(fd, (struct sockaddr *)&sa, sizeof sa, deadline, ep, err);
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

static int open_tcp(const endpoint *ep, int64_t deadline, berth_error *err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int g = getaddrinfo(ep->host, ep->port, &hints, &res);
	if (g != 0)
		return berth_fail(err, BERTH_EUNAVAILABLE, "%s: cannot resolve %s: %s", ep->uri, ep->host, gai_strerror(g));
	int r = BERTH_EUNAVAILABLE;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			r = berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "socket: %s", strerror(errno));
			continue;
		}
		r = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline, ep, err);
		if (r == 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			freeaddrinfo(res);
			return fd;
		}
		close(fd);
		if (r == BERTH_ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	return r == BERTH_ENOTFOUND ? BERTH_EUNAVAILABLE : r;
}

int conn_open(conn **out, const endpoint *ep, int timeout_ms, berth_error *err)
{
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	ssh_child *ssh = NULL;
	int fd;
	if (ep->kind == ENDPOINT_SSH) {
		int r = ssh_child_start(&ssh, &fd, ep, timeout_ms, err);
		if (r < 0)
			return r;
	} else {
		fd = ep->kind == ENDPOINT_UNIX ? open_unix(ep, deadline, err) : open_tcp(ep, deadline, err);
	}
	if (fd < 0)
		return fd;
	conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		ssh_child_stop(ssh);
		return BERTH_NOMEM(err);
	}
	c->fd = fd;
	c->ssh = ssh;
	if (ep->tls) {
		int r = tls_connect(&c->tls, fd, ep, deadline, err);
		if (r < 0) {
			conn_close(c);
			return r;
		}
	}
	*out = c;
	return 0;
}

void conn_close(conn *c)
{
	if (!c)
		return;
	tls_free(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	ssh_child_stop(c->ssh);
	free(c->rbuf);
	free(c);
}

static int io_error(conn *c, int e, int64_t deadline, const endpoint *ep, const char *what, berth_error *err)
{
	/* a broken ssh pipe: ssh's own words say why */
	if (c->ssh && (e == EPIPE || e == ECONNRESET)) {
		int r = ssh_child_verdict(c->ssh, ep, deadline, err);
		if (r < 0)
			return r;
	}
	int code = (e == EPIPE || e == ECONNRESET) ? BERTH_EUNAVAILABLE : berth_code_from_errno(e);
	if (code == BERTH_ENOTFOUND)
		code = BERTH_EUNAVAILABLE;
	return berth_fail_full(err, code, 0, e, "%s: %s: %s", ep->uri, what, strerror(e));
}

int conn_write_all(conn *c, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err)
{
	const char *p = buf;
	while (len > 0) {
		if (c->tls) {
			int n = tls_write(c->tls, c->fd, p, len, deadline, ep, err);
			if (n < 0)
				return n;
			p += n;
			len -= (size_t)n;
			continue;
		}
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n >= 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return io_error(c, errno, deadline, ep, "write", err);
		int r = fd_wait(c->fd, POLLOUT, deadline, ep, "write", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int conn_fill(conn *c, int64_t deadline, const endpoint *ep, berth_error *err)
{
	if (!c->rbuf) {
		c->rbuf = malloc(CONN_RBUF_SIZE);
		if (!c->rbuf)
			return BERTH_NOMEM(err);
		c->rcap = CONN_RBUF_SIZE;
	}
	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	if (c->rlen == c->rcap) {
		if (c->rpos == 0)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: read buffer full", ep->uri);
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	for (;;) {
		if (c->tls) {
			int n = tls_read(c->tls, c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, deadline, ep, err);
			if (n > 0)
				c->rlen += (size_t)n;
			return n;
		}
		if (c->drained) {
			/* a read now would most likely answer EAGAIN: wait first,
			 * which saves that system call on every streamed read */
			c->drained = false;
			int r = fd_wait(c->fd, POLLIN, deadline, ep, "read", err);
			if (r < 0)
				return r;
		}
		size_t room = c->rcap - c->rlen;
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, room, 0);
		if (n == 0 && c->ssh) {
			/* ssh ended: an orderly close, or a failure it explains */
			int r = ssh_child_verdict(c->ssh, ep, deadline, err);
			if (r < 0)
				return r;
		}
		if (n >= 0) {
			c->rlen += (size_t)n;
			c->drained = n > 0 && (size_t)n < room;
			return (int)n;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return io_error(c, errno, deadline, ep, "read", err);
		int r = fd_wait(c->fd, POLLIN, deadline, ep, "read", err);
		if (r < 0)
			return r;
	}
}

int conn_shutdown_write(conn *c)
{
	return shutdown(c->fd, SHUT_WR) < 0 ? -errno : 0;
}

bool conn_is_stale(conn *c)
{
	ssh_child_drain(c->ssh);
	if (c->rpos != c->rlen || (c->tls && tls_pending(c->tls)))
		return true;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	/* An idle keep-alive connection must have nothing to read: readable
	 * means EOF (the engine closed it) or stray bytes. */
	return poll(&p, 1, 0) != 0;
}
