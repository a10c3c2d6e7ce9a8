/* Endpoints: the addresses berth speaks to (unix sockets, TCP with or
 * without TLS, an ssh child's stdio), parsed once; and the bounded wait on a socket that both
 * plain and TLS connections use. */
#include "endpoint.h"

#include <poll.h>
#include <stdio.h>
#include <sys/un.h>

void endpoint_release(endpoint *ep)
{
	free(ep->uri);
	free(ep->path);
	free(ep->host);
	free(ep->port);
	free(ep->user);
	free(ep->cert_dir);
	memset(ep, 0, sizeof *ep);
}

static int parse_unix(endpoint *ep, const char *path, const char *uri, berth_error *err)
{
	if (*path != '/')
		return berth_fail(err, BERTH_EINVAL, "%s: a unix socket path must be absolute", uri);
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return berth_fail(err, BERTH_EINVAL, "%s: socket path longer than %zu bytes", uri,
				  sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	ep->kind = ENDPOINT_UNIX;
	ep->path = strdup(path);
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (!ep->path || sbuf_printf(&b, "unix://%s", path) < 0)
		return BERTH_NOMEM(err);
	ep->uri = sbuf_steal(&b);
	return ep->uri ? 0 : BERTH_NOMEM(err);
}

static bool valid_port(const char *p)
{
	if (!*p || strlen(p) > 5)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	long n = strtol(p, NULL, 10);
	return n >= 1 && n <= 65535;
}

static int parse_tcp(endpoint *ep, const char *hostport, bool tls, const char *uri, berth_error *err)
{
	char host[256];
	const char *port = NULL;
	size_t n = strcspn(hostport, "/?#");
	if (hostport[n] == '/' && hostport[n + 1] != '\0')
		return berth_fail(err, BERTH_EINVAL, "%s: a path after the address is not supported", uri);
	if (hostport[n] == '?' || hostport[n] == '#')
		return berth_fail(err, BERTH_EINVAL, "%s: unexpected characters after the address", uri);
	if (n == 0)
		return berth_fail(err, BERTH_EINVAL, "%s: no host", uri);
	if (hostport[0] == '[') {
		const char *close = memchr(hostport, ']', n);
		if (!close || (size_t)(close - hostport - 1) >= sizeof host)
			return berth_fail(err, BERTH_EINVAL, "%s: malformed IPv6 address", uri);
		memcpy(host, hostport + 1, (size_t)(close - hostport - 1));
		host[close - hostport - 1] = '\0';
		if (close + 1 < hostport + n) {
			if (close[1] != ':')
				return berth_fail(err, BERTH_EINVAL, "%s: malformed address", uri);
			port = close + 2;
		}
	} else {
		const char *colon = memchr(hostport, ':', n);
		size_t hl = colon ? (size_t)(colon - hostport) : n;
		if (hl == 0 || hl >= sizeof host)
			return berth_fail(err, BERTH_EINVAL, "%s: malformed host", uri);
		memcpy(host, hostport, hl);
		host[hl] = '\0';
		if (colon)
			port = colon + 1;
	}
	char portbuf[8];
	if (port) {
		size_t pl = (size_t)(hostport + n - port);
		if (pl == 0 || pl >= sizeof portbuf)
			return berth_fail(err, BERTH_EINVAL, "%s: malformed port", uri);
		memcpy(portbuf, port, pl);
		portbuf[pl] = '\0';
	} else {
		strcpy(portbuf, tls ? "2376" : "2375");
	}
	if (!valid_port(portbuf))
		return berth_fail(err, BERTH_EINVAL, "%s: port must be a number from 1 to 65535", uri);
	for (const char *h = host; *h; h++)
		if ((unsigned char)*h <= ' ' || *h == '@' || *h == '/')
			return berth_fail(err, BERTH_EINVAL, "%s: malformed host", uri);
	ep->kind = ENDPOINT_TCP;
	ep->tls = tls;
	ep->host = strdup(host);
	ep->port = strdup(portbuf);
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	bool v6 = strchr(host, ':') != NULL;
	if (!ep->host || !ep->port ||
	    sbuf_printf(&b, "tcp://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", portbuf) < 0)
		return BERTH_NOMEM(err);
	ep->uri = sbuf_steal(&b);
	return ep->uri ? 0 : BERTH_NOMEM(err);
}

/* A user or host name of ssh://: what goes into ssh's command line, so
 * nothing it could take for an option or a shell could take for syntax. */
static bool ssh_name_ok(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ssh://[user@]host[:port][/path]. The whole URI is not repeated in a
 * message that refuses a password: it would carry it. */
static int parse_ssh(endpoint *ep, const char *rest, const char *uri, berth_error *err)
{
	/* a ':' before the last '@' is a password, wherever the '/' falls */
	const char *last_at = strrchr(rest, '@');
	if (last_at && memchr(rest, ':', (size_t)(last_at - rest)) && !memchr(rest, '[', (size_t)(last_at - rest)))
		return berth_fail(err, BERTH_EINVAL,
				  "ssh:// address: a password in the address is not supported (use a key or an agent)");
	size_t auth_len = strcspn(rest, "/?#");
	const char *after = rest + auth_len;
	if (*after == '?' || *after == '#')
		return berth_fail(err, BERTH_EINVAL, "%s: an ssh:// address takes no query or fragment", uri);
	const char *at = memchr(rest, '@', auth_len);
	const char *hostport = rest;
	if (at) {
		if (memchr(rest, ':', (size_t)(at - rest)))
			return berth_fail(err, BERTH_EINVAL,
					  "ssh:// address: a password in the address is not supported (use a key or an agent)");
		if (!ssh_name_ok(rest, (size_t)(at - rest)))
			return berth_fail(err, BERTH_EINVAL, "%s: malformed user name", uri);
		ep->user = strndup(rest, (size_t)(at - rest));
		if (!ep->user)
			return BERTH_NOMEM(err);
		hostport = at + 1;
	}
	size_t hp_len = (size_t)(after - hostport);
	if (hp_len == 0)
		return berth_fail(err, BERTH_EINVAL, "%s: no host", uri);
	const char *host = hostport, *port = NULL;
	size_t host_len;
	if (hostport[0] == '[') {
		const char *close = memchr(hostport, ']', hp_len);
		if (!close)
			return berth_fail(err, BERTH_EINVAL, "%s: malformed IPv6 address", uri);
		host = hostport + 1;
		host_len = (size_t)(close - host);
		for (size_t i = 0; i < host_len; i++)
			if (!strchr("0123456789abcdefABCDEF:.", host[i]))
				return berth_fail(err, BERTH_EINVAL, "%s: malformed IPv6 address", uri);
		if (host_len == 0)
			return berth_fail(err, BERTH_EINVAL, "%s: malformed IPv6 address", uri);
		if (close + 1 < after) {
			if (close[1] != ':')
				return berth_fail(err, BERTH_EINVAL, "%s: malformed address", uri);
			port = close + 2;
		}
	} else {
		const char *colon = memchr(hostport, ':', hp_len);
		host_len = colon ? (size_t)(colon - hostport) : hp_len;
		if (!ssh_name_ok(host, host_len))
			return berth_fail(err, BERTH_EINVAL, "%s: malformed host", uri);
		if (colon)
			port = colon + 1;
	}
	if (port) {
		char portbuf[8];
		size_t pl = (size_t)(after - port);
		if (pl == 0 || pl >= sizeof portbuf)
			return berth_fail(err, BERTH_EINVAL, "%s: port must be a number from 1 to 65535", uri);
		memcpy(portbuf, port, pl);
		portbuf[pl] = '\0';
		if (!valid_port(portbuf))
			return berth_fail(err, BERTH_EINVAL, "%s: port must be a number from 1 to 65535", uri);
		if (!(ep->port = strdup(portbuf)))
			return BERTH_NOMEM(err);
	}
	/* the remote socket: "/" alone is no path */
	if (*after == '/' && after[1] != '\0') {
		size_t pl = strlen(after);
		if (pl >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return berth_fail(err, BERTH_EINVAL, "%s: socket path longer than %zu bytes", uri,
					  sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		for (const char *q = after; *q; q++)
			if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
			      strchr("/._+-", *q)))
				return berth_fail(err, BERTH_EINVAL,
						  "%s: the socket path may hold only letters, digits and \"/._+-\"", uri);
		if (!(ep->path = strdup(after)))
			return BERTH_NOMEM(err);
	}
	ep->kind = ENDPOINT_SSH;
	if (!(ep->host = strndup(host, host_len)))
		return BERTH_NOMEM(err);
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	bool v6 = strchr(ep->host, ':') != NULL;
	if (sbuf_printf(&b, "ssh://%s%s%s%s%s%s%s%s", strempty(ep->user), ep->user ? "@" : "", v6 ? "[" : "",
			ep->host, v6 ? "]" : "", ep->port ? ":" : "", strempty(ep->port), strempty(ep->path)) < 0)
		return BERTH_NOMEM(err);
	ep->uri = sbuf_steal(&b);
	return ep->uri ? 0 : BERTH_NOMEM(err);
}

int endpoint_parse(endpoint *ep, const char *uri, int tls_mode, const char *cert_dir, berth_error *err)
{
	memset(ep, 0, sizeof *ep);
	if (isempty(uri))
		return berth_fail(err, BERTH_EINVAL, "empty engine address");
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return berth_fail(err, BERTH_EINVAL, "engine address has control characters");

	int r;
	bool env_tls = !isempty(getenv("DOCKER_TLS_VERIFY")) && strcmp(getenv("DOCKER_TLS_VERIFY"), "0") != 0;
	if (startswith(uri, "unix://"))
		r = parse_unix(ep, uri + 7, uri, err);
	else if (uri[0] == '/')
		r = parse_unix(ep, uri, uri, err);
	else if (startswith(uri, "tcp://"))
		r = parse_tcp(ep, uri + 6, tls_mode > 0 || (tls_mode == 0 && env_tls), uri, err);
	else if (startswith(uri, "http://"))
		r = parse_tcp(ep, uri + 7, tls_mode > 0, uri, err);
	else if (startswith(uri, "https://"))
		r = parse_tcp(ep, uri + 8, true, uri, err);
	else if (startswith(uri, "ssh://"))
		r = parse_ssh(ep, uri + 6, uri, err);
	else if (startswith(uri, "npipe://"))
		r = berth_fail(err, BERTH_EUNSUPPORTED, "%s: named pipes exist only on Windows", uri);
	else
		r = berth_fail(err, BERTH_EINVAL, "%s: unknown address scheme (want unix://, tcp://, http://, https:// or ssh://)", uri);
	if (r < 0) {
		endpoint_release(ep);
		return r;
	}
	if (ep->tls && tls_mode == 3) {
		ep->tls_verify = ep->registry_certs = true;
		if (cert_dir && !(ep->cert_dir = strdup(cert_dir))) {
			endpoint_release(ep);
			return BERTH_NOMEM(err);
		}
	} else if (ep->tls) {
		ep->tls_verify = tls_mode == 1 || (tls_mode == 0 && env_tls);
		const char *dir = cert_dir ? cert_dir : getenv("DOCKER_CERT_PATH");
		_cleanup_sbuf_ sbuf b = SBUF_INIT;
		if (isempty(dir)) {
			const char *home = getenv("HOME");
			if (sbuf_printf(&b, "%s/.docker", home ? home : "/root") < 0)
				return BERTH_NOMEM(err);
			dir = b.data;
		}
		ep->cert_dir = strdup(dir);
		if (!ep->cert_dir) {
			endpoint_release(ep);
			return BERTH_NOMEM(err);
		}
	}
	return 0;
}

int fd_wait(int fd, short events, int64_t deadline, const endpoint *ep, const char *what, berth_error *err)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int ms = remaining_ms(deadline);
		int n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n == 0)
			return berth_fail_full(err, BERTH_ETIMEDOUT, 0, ETIMEDOUT, "%s: %s: no answer in time", ep->uri, what);
		if (errno != EINTR)
			return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "%s: poll: %s", ep->uri, strerror(errno));
	}
}
