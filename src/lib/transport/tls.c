/* TLS for tcp:// endpoints, with OpenSSL 3 loaded at run time.
 *
 * libberth does not link OpenSSL: linking it adds about 1.3 ms to every
 * start of the CLI, and most runs talk to a unix socket. The first TLS
 * connection dlopen()s libssl.so.3 and looks up the few functions used
 * here into a table, once per process (pthread_once). No OpenSSL header is
 * included either: the opaque types and the constants are declared below.
 * The library stays loaded until the process exits (OpenSSL registers its
 * own exit handler, so unloading it is never safe).
 *
 * Conventions follow Docker's: the certificate directory holds ca.pem
 * (the CA that signed the engine's certificate), cert.pem and key.pem (the
 * client's). With verification the engine's chain is checked against
 * ca.pem and its name against the host of the address; without it (plain
 * https://) anything is accepted. The client certificate is offered
 * whenever both of its files exist.
 *
 * I/O: the socket stays non-blocking; OpenSSL returns WANT_READ or
 * WANT_WRITE when it would block and we poll() until the deadline.
 *
 * SIGPIPE: OpenSSL's own socket BIO (SSL_set_fd) writes with write(),
 * which raises SIGPIPE when the engine has closed the connection, and a
 * library must not change the process's signal dispositions or rely on
 * the caller's. So OpenSSL gets a small BIO of our own instead, whose
 * write is send(..., MSG_NOSIGNAL) and whose read is recv(): the error
 * then comes back as EPIPE, per call, with nothing global touched. The BIO
 * also records errno and end of stream, which OpenSSL's error queue does
 * not always keep, so that errors can be classified afterwards. */
#include "tls.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>

/* Library names tried in order; a distribution may override the list. */
#ifndef BERTH_LIBSSL_NAMES
#define BERTH_LIBSSL_NAMES "libssl.so.3", "libssl.so"
#endif

/* ---- what we use of OpenSSL's ABI -------------------------------------- */

/* Opaque handles (we never look inside). */
typedef struct ossl_ssl ossl_ssl;
typedef struct ossl_ctx ossl_ctx;
typedef struct ossl_method ossl_method;
typedef struct ossl_bio ossl_bio;
typedef struct ossl_bio_method ossl_bio_method;

/* OpenSSL 3's ABI values (the same numbers as its headers; checked against
 * /usr/include/openssl of 3.0). They are part of the binary interface of
 * libssl.so.3, which is why only major version 3 is accepted below. */
enum {
	SSL_ERROR_NONE = 0,
	SSL_ERROR_SSL = 1,
	SSL_ERROR_WANT_READ = 2,
	SSL_ERROR_WANT_WRITE = 3,
	SSL_ERROR_SYSCALL = 5,
	SSL_ERROR_ZERO_RETURN = 6,

	SSL_VERIFY_NONE = 0,
	SSL_VERIFY_PEER = 1,
	SSL_FILETYPE_PEM = 1,
	X509_V_OK = 0,

	SSL_CTRL_SET_TLSEXT_HOSTNAME = 55,
	TLSEXT_NAMETYPE_host_name = 0,
	SSL_CTRL_SET_MIN_PROTO_VERSION = 123,
	TLS1_2_VERSION = 0x0303,

	BIO_TYPE_SOURCE_SINK = 0x0400,
	BIO_CTRL_FLUSH = 11,
	BIO_FLAGS_READ = 0x01,
	BIO_FLAGS_WRITE = 0x02,
	BIO_FLAGS_IO_SPECIAL = 0x04,
	BIO_FLAGS_SHOULD_RETRY = 0x08,

	/* Error codes: bit 31 (ERR_SYSTEM_FLAG below) marks a system error;
	 * otherwise the library is in bits 23-30 and the reason in 0-22. */
	ERR_LIB_OFFSET = 23,
	ERR_LIB_MASK = 0xff,
	ERR_REASON_MASK = 0x7fffff,
	ERR_LIB_SSL = 20,

	/* Reasons of the SSL library. Alerts from the peer are 1000 + the
	 * alert number. */
	SSL_R_CERTIFICATE_VERIFY_FAILED = 134,
	SSL_R_PACKET_LENGTH_TOO_LONG = 198,
	SSL_R_WRONG_VERSION_NUMBER = 267,
	SSL_R_UNEXPECTED_EOF_WHILE_READING = 294,
	SSL_AD_REASON_OFFSET = 1000,
	SSL_AD_NO_CERTIFICATE = 41,
	SSL_AD_BAD_CERTIFICATE = 42,          /* ... up to 46: unsupported, */
	SSL_AD_CERTIFICATE_UNKNOWN = 46,      /* revoked, expired, unknown */
	SSL_AD_UNKNOWN_CA = 48,
	SSL_AD_ACCESS_DENIED = 49,
	SSL_AD_CERTIFICATE_REQUIRED = 116,
};

#define ERR_SYSTEM_FLAG 0x80000000UL

typedef int passwd_cb(char *buf, int size, int rwflag, void *userdata);
typedef int verify_cb(int ok, void *store_ctx);
typedef int bio_write_fn(ossl_bio *b, const char *buf, int len);
typedef int bio_read_fn(ossl_bio *b, char *buf, int len);
typedef long bio_ctrl_fn(ossl_bio *b, int cmd, long num, void *ptr);

/* Every function we call: return type, name, parameters. libcrypto's are
 * found through libssl's handle, since dlsym() on a handle also searches
 * the libraries it depends on. */
#define OSSL_FUNCTIONS(X) \
	X(unsigned long, OpenSSL_version_num, (void)) \
	X(const ossl_method *, TLS_client_method, (void)) \
	X(ossl_ctx *, SSL_CTX_new, (const ossl_method *)) \
	X(void, SSL_CTX_free, (ossl_ctx *)) \
	X(long, SSL_CTX_ctrl, (ossl_ctx *, int, long, void *)) \
	X(void, SSL_CTX_set_verify, (ossl_ctx *, int, verify_cb *)) \
	X(void, SSL_CTX_set_default_passwd_cb, (ossl_ctx *, passwd_cb *)) \
	X(int, SSL_CTX_load_verify_locations, (ossl_ctx *, const char *, const char *)) \
	X(int, SSL_CTX_set_default_verify_paths, (ossl_ctx *)) \
	X(int, SSL_CTX_use_certificate_chain_file, (ossl_ctx *, const char *)) \
	X(int, SSL_CTX_use_PrivateKey_file, (ossl_ctx *, const char *, int)) \
	X(ossl_ssl *, SSL_new, (ossl_ctx *)) \
	X(void, SSL_free, (ossl_ssl *)) \
	X(long, SSL_ctrl, (ossl_ssl *, int, long, void *)) \
	X(int, SSL_set1_host, (ossl_ssl *, const char *)) \
	X(void, SSL_set_bio, (ossl_ssl *, ossl_bio *, ossl_bio *)) \
	X(int, SSL_connect, (ossl_ssl *)) \
	X(int, SSL_read, (ossl_ssl *, void *, int)) \
	X(int, SSL_write, (ossl_ssl *, const void *, int)) \
	X(int, SSL_get_error, (const ossl_ssl *, int)) \
	X(int, SSL_pending, (const ossl_ssl *)) \
	X(long, SSL_get_verify_result, (const ossl_ssl *)) \
	X(unsigned long, ERR_get_error, (void)) \
	X(void, ERR_clear_error, (void)) \
	X(void, ERR_error_string_n, (unsigned long, char *, size_t)) \
	X(const char *, X509_verify_cert_error_string, (long)) \
	X(int, BIO_get_new_index, (void)) \
	X(ossl_bio_method *, BIO_meth_new, (int, const char *)) \
	X(int, BIO_meth_set_write, (ossl_bio_method *, bio_write_fn *)) \
	X(int, BIO_meth_set_read, (ossl_bio_method *, bio_read_fn *)) \
	X(int, BIO_meth_set_ctrl, (ossl_bio_method *, bio_ctrl_fn *)) \
	X(ossl_bio *, BIO_new, (const ossl_bio_method *)) \
	X(void, BIO_set_data, (ossl_bio *, void *)) \
	X(void *, BIO_get_data, (ossl_bio *)) \
	X(void, BIO_set_init, (ossl_bio *, int)) \
	X(void, BIO_set_flags, (ossl_bio *, int)) \
	X(void, BIO_clear_flags, (ossl_bio *, int))

#define OSSL_MEMBER(ret, name, params) ret (*name) params;
static struct {
	OSSL_FUNCTIONS(OSSL_MEMBER)
} ossl;
#undef OSSL_MEMBER

/* Set once by load_openssl(), read only after pthread_once() returned. */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool ossl_ready;
static ossl_bio_method *socket_bio;

/* dlsym() gives a void *; POSIX guarantees it converts to a function
 * pointer, and copying the bytes avoids the ISO C cast warning. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers differ from void *");

static bool resolve_all(void *h)
{
	void *sym;
#define OSSL_RESOLVE(ret, name, params) \
	if (!(sym = dlsym(h, #name))) \
		return false; \
	memcpy(&ossl.name, &sym, sizeof sym);
	OSSL_FUNCTIONS(OSSL_RESOLVE)
#undef OSSL_RESOLVE
	return true;
}

static bio_write_fn socket_bio_write;
static bio_read_fn socket_bio_read;
static bio_ctrl_fn socket_bio_ctrl;

static void load_openssl(void)
{
	static const char *const names[] = { BERTH_LIBSSL_NAMES };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h)
			continue;
		/* The constants above are OpenSSL 3's: refuse anything else
		 * (libssl.so may be a development link to another version).
		 * Only OpenSSL_version_num() has run, which sets nothing up, so
		 * closing is safe. */
		if (!resolve_all(h) || ossl.OpenSSL_version_num() >> 28 != 3) {
			memset(&ossl, 0, sizeof ossl);
			dlclose(h);
			continue;
		}
		/* The BIO method is shared by all connections and never freed. */
		ossl_bio_method *m = ossl.BIO_meth_new(ossl.BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "berth socket");
		if (!m || ossl.BIO_meth_set_write(m, socket_bio_write) != 1 ||
		    ossl.BIO_meth_set_read(m, socket_bio_read) != 1 ||
		    ossl.BIO_meth_set_ctrl(m, socket_bio_ctrl) != 1)
			return;
		socket_bio = m;
		ossl_ready = true;
		return;
	}
}

/* ---- connections -------------------------------------------------------- */

struct tls_conn {
	ossl_ctx *ctx;
	ossl_ssl *ssl;
	int fd;
	int io_errno;      /* errno of the last failed send() or recv(), or 0 */
	bool eof;          /* recv() saw the end of the stream */
	bool client_cert;  /* cert.pem and key.pem are offered */
};

void tls_free(tls_conn *t)
{
	if (!t)
		return;
	/* No SSL_shutdown(): sending close_notify could block, and Docker's
	 * engines do not need it. SSL_free() also frees our BIO. */
	if (t->ssl)
		ossl.SSL_free(t->ssl);
	if (t->ctx)
		ossl.SSL_CTX_free(t->ctx);
	free(t);
}
DEFINE_CLEANUP(tls_conn, tls_free)

static int socket_bio_write(ossl_bio *b, const char *buf, int len)
{
	tls_conn *t = ossl.BIO_get_data(b);
	ossl.BIO_clear_flags(b, BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
	for (;;) {
		ssize_t n = send(t->fd, buf, len > 0 ? (size_t)len : 0, MSG_NOSIGNAL);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			ossl.BIO_set_flags(b, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY);
		else
			t->io_errno = errno;
		return -1;
	}
}

static int socket_bio_read(ossl_bio *b, char *buf, int len)
{
	tls_conn *t = ossl.BIO_get_data(b);
	ossl.BIO_clear_flags(b, BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
	if (len <= 0)
		return 0;
	for (;;) {
		ssize_t n = recv(t->fd, buf, (size_t)len, 0);
		if (n > 0)
			return (int)n;
		if (n == 0) {
			t->eof = true;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			ossl.BIO_set_flags(b, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
		else
			t->io_errno = errno;
		return -1;
	}
}

static long socket_bio_ctrl(ossl_bio *b, int cmd, long num, void *ptr)
{
	(void)b; (void)num; (void)ptr;
	/* Nothing is buffered here, so a flush always succeeds; every other
	 * request (kTLS, pending bytes, ...) is answered "no". */
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

/* Wait for what OpenSSL asked for (WANT_READ or WANT_WRITE). */
static int wait_ssl(const tls_conn *t, int want, int64_t deadline, const endpoint *ep, const char *what,
		    berth_error *err)
{
	return fd_wait(t->fd, want == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline, ep, what, err);
}

/* Take OpenSSL's oldest queued error (usually the root cause) and empty
 * the queue, which is per thread. text gets the reason part of
 * ERR_error_string_n()'s "error:0A000086:SSL routines::certificate verify
 * failed", or "" when the queue was empty. */
static unsigned long take_ssl_error(char *text, size_t size)
{
	unsigned long e = ossl.ERR_get_error();
	while (ossl.ERR_get_error() != 0)
		;
	text[0] = '\0';
	if (e == 0)
		return 0;
	char full[256];
	ossl.ERR_error_string_n(e, full, sizeof full);
	const char *reason = full;
	for (int i = 0; i < 4 && reason; i++) {
		reason = strchr(reason, ':');
		if (reason)
			reason++;
	}
	snprintf(text, size, "%s", reason && *reason ? reason : full);
	return e;
}

static int ssl_reason(unsigned long e)
{
	if (e == 0 || (e & ERR_SYSTEM_FLAG) || ((e >> ERR_LIB_OFFSET) & ERR_LIB_MASK) != ERR_LIB_SSL)
		return 0;
	return (int)(e & ERR_REASON_MASK);
}

static bool is_cert_alert(int reason)
{
	int alert = reason - SSL_AD_REASON_OFFSET;
	return (alert >= SSL_AD_NO_CERTIFICATE && alert <= SSL_AD_CERTIFICATE_UNKNOWN) ||
	       alert == SSL_AD_UNKNOWN_CA || alert == SSL_AD_ACCESS_DENIED ||
	       alert == SSL_AD_CERTIFICATE_REQUIRED;
}

/* Turn a failed SSL_connect/read/write into a BERTH_E* code and one line.
 * e and text come from take_ssl_error(). */
static int ssl_failure(tls_conn *t, int ssl_err, unsigned long e, const char *text, const endpoint *ep,
		       const char *what, berth_error *err)
{
	int reason = ssl_reason(e);
	if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
		long v = ossl.SSL_get_verify_result(t->ssl);
		const char *why = v != X509_V_OK ? ossl.X509_verify_cert_error_string(v) : NULL;
		if (ep->registry_certs)
			return berth_fail(err, BERTH_EPERM,
					  "%s: %s: %s%s%s (a registry's own CA goes into /etc/docker/certs.d/HOST:PORT/ca.crt "
					  "or /etc/containerd/certs.d/HOST:PORT/ca.crt)",
					  ep->uri, what, text, why ? ": " : "", why ? why : "");
		return berth_fail(err, BERTH_EPERM, "%s: %s: %s%s%s", ep->uri, what, text,
				  why ? ": " : "", why ? why : "");
	}
	/* The engine refused us for our certificate (Go's servers say "bad
	 * certificate" when there is none, too). */
	if (is_cert_alert(reason) && !t->client_cert)
		return berth_fail(err, BERTH_EPERM, "%s: %s: %s (the engine wants a client certificate: cert.pem and key.pem in %s)",
				  ep->uri, what, text, strempty(ep->cert_dir));
	if (is_cert_alert(reason))
		return berth_fail(err, BERTH_EPERM, "%s: %s: %s (the engine refused the client certificate %s/cert.pem)",
				  ep->uri, what, text, strempty(ep->cert_dir));
	if (t->io_errno)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, t->io_errno, "%s: %s: %s", ep->uri, what,
				       strerror(t->io_errno));
	if (t->eof || ssl_err == SSL_ERROR_ZERO_RETURN || (ssl_err == SSL_ERROR_SYSCALL && e == 0))
		return berth_fail(err, BERTH_EUNAVAILABLE, "%s: %s: connection closed by the engine", ep->uri, what);
	if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: %s (does the engine speak plain HTTP there?)",
				  ep->uri, what, text);
	return berth_fail(err, BERTH_EPROTOCOL, "%s: %s: %s", ep->uri, what, *text ? text : "TLS error");
}

/* 0 when path can be opened for reading, else -errno. */
static int probe_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Never prompt for a passphrase on the terminal (OpenSSL's default):
 * an encrypted key.pem just fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *userdata)
{
	(void)buf; (void)size; (void)rwflag; (void)userdata;
	return 0;
}

/* One file of a registry's certs.d folder. */
static int load_registry_file(tls_conn *t, const endpoint *ep, const char *name, berth_error *err)
{
	char text[256];
	size_t n = strlen(name);
	bool ca = n > 4 && STREQ(name + n - 4, ".crt");
	bool cert = n > 5 && STREQ(name + n - 5, ".cert");
	if (!ca && !cert)
		return 0;
	_cleanup_sbuf_ sbuf path = SBUF_INIT, key = SBUF_INIT;
	if (sbuf_printf(&path, "%s/%s", ep->cert_dir, name) < 0 ||
	    (cert && sbuf_printf(&key, "%s/%.*s.key", ep->cert_dir, (int)(n - 5), name) < 0))
		return BERTH_NOMEM(err);
	if (ca && ossl.SSL_CTX_load_verify_locations(t->ctx, path.data, NULL) != 1) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: cannot load the CA certificate %s: %s", ep->uri, path.data,
				  text);
	}
	if (cert && (ossl.SSL_CTX_use_certificate_chain_file(t->ctx, path.data) != 1 ||
		     ossl.SSL_CTX_use_PrivateKey_file(t->ctx, key.data, SSL_FILETYPE_PEM) != 1)) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: cannot load the client certificate %s with %s: %s", ep->uri,
				  path.data, key.data, text);
	}
	if (cert)
		t->client_cert = true;
	return 0;
}

/* A registry's certificates: the system's CAs, then the certs.d folder's
 * *.crt (CAs) and NAME.cert + NAME.key (a client certificate), as Docker
 * and containerd read /etc/docker/certs.d/HOST/. */
static int load_registry_files(tls_conn *t, const endpoint *ep, berth_error *err)
{
	char text[256];
	if (ossl.SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: cannot load the system's CA certificates: %s", ep->uri, text);
	}
	ossl.SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	if (!ep->cert_dir)
		return 0;
	DIR *d = opendir(ep->cert_dir);
	if (!d)
		return 0;
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d)))
		r = load_registry_file(t, ep, de->d_name, err);
	closedir(d);
	return r;
}

static int load_files(tls_conn *t, const endpoint *ep, berth_error *err)
{
	if (ep->registry_certs)
		return load_registry_files(t, ep, err);
	char text[256];
	_cleanup_sbuf_ sbuf ca = SBUF_INIT, cert = SBUF_INIT, key = SBUF_INIT;
	const char *dir = ep->cert_dir;
	if (dir && (sbuf_printf(&ca, "%s/ca.pem", dir) < 0 || sbuf_printf(&cert, "%s/cert.pem", dir) < 0 ||
		    sbuf_printf(&key, "%s/key.pem", dir) < 0))
		return BERTH_NOMEM(err);

	if (ep->tls_verify) {
		if (!dir)
			return berth_fail(err, BERTH_EINVAL, "%s: TLS verification needs a certificate directory with ca.pem",
					  ep->uri);
		int r = probe_file(ca.data);
		if (r < 0)
			return berth_fail_full(err, BERTH_EINVAL, 0, -r, "%s: cannot read %s: %s", ep->uri, ca.data,
					       strerror(-r));
		if (ossl.SSL_CTX_load_verify_locations(t->ctx, ca.data, NULL) != 1) {
			take_ssl_error(text, sizeof text);
			return berth_fail(err, BERTH_EINVAL, "%s: cannot load CA certificates from %s: %s", ep->uri,
					  ca.data, text);
		}
		ossl.SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		ossl.SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	}

	if (!dir)
		return 0;
	int rc = probe_file(cert.data), rk = probe_file(key.data);
	if (rc == -ENOENT && rk == -ENOENT)
		return 0;  /* no client certificate */
	if (rc == -ENOENT || rk == -ENOENT)
		return berth_fail(err, BERTH_EINVAL, "%s: %s is missing (cert.pem and key.pem go together)", ep->uri,
				  rc == -ENOENT ? cert.data : key.data);
	if (rc < 0 || rk < 0)
		return berth_fail_full(err, BERTH_EINVAL, 0, rc < 0 ? -rc : -rk, "%s: cannot read %s: %s", ep->uri,
				       rc < 0 ? cert.data : key.data, strerror(rc < 0 ? -rc : -rk));
	if (ossl.SSL_CTX_use_certificate_chain_file(t->ctx, cert.data) != 1) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: cannot load the client certificate %s: %s", ep->uri,
				  cert.data, text);
	}
	if (ossl.SSL_CTX_use_PrivateKey_file(t->ctx, key.data, SSL_FILETYPE_PEM) != 1) {
		take_ssl_error(text, sizeof text);
		_cleanup_free_ char *pem = NULL;
		bool encrypted = read_file(key.data, 1 << 20, &pem, NULL) == 0 && strstr(pem, "ENCRYPTED");
		return berth_fail(err, BERTH_EINVAL, "%s: cannot load the client key %s: %s", ep->uri, key.data,
				  encrypted ? "the key is encrypted (passphrases are not supported)" : text);
	}
	t->client_cert = true;
	return 0;
}

/* IP addresses must not be sent as SNI (RFC 6066). Host names never
 * contain ':', IPv6 literals always do. */
static bool is_ip_literal(const char *host)
{
	struct in_addr a;
	return strchr(host, ':') || inet_aton(host, &a);
}

int tls_connect(tls_conn **out, int fd, const endpoint *ep, int64_t deadline, berth_error *err)
{
	pthread_once(&load_once, load_openssl);
	if (!ossl_ready)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: TLS needs libssl.so.3 (install libssl3)", ep->uri);

	char text[256];
	ossl.ERR_clear_error();
	_cleanup_(tls_freep) tls_conn *t = calloc(1, sizeof *t);
	if (!t)
		return BERTH_NOMEM(err);
	t->fd = fd;
	t->ctx = ossl.SSL_CTX_new(ossl.TLS_client_method());
	if (!t->ctx) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: cannot set up TLS: %s", ep->uri, text);
	}
	/* Docker's engines want TLS 1.2 or later too. */
	ossl.SSL_CTX_ctrl(t->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	ossl.SSL_CTX_set_default_passwd_cb(t->ctx, no_passphrase);
	int r = load_files(t, ep, err);
	if (r < 0)
		return r;

	t->ssl = ossl.SSL_new(t->ctx);
	if (!t->ssl) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_ENOMEM, "%s: cannot set up TLS: %s", ep->uri, text);
	}
	const char *host = strempty(ep->host);
	if (*host && !is_ip_literal(host) &&
	    ossl.SSL_ctrl(t->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)host) != 1) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: host name not usable for TLS: %s", ep->uri, text);
	}
	/* Checks the certificate's names (DNS, or IP for an IP literal). */
	if (ep->tls_verify && ossl.SSL_set1_host(t->ssl, host) != 1) {
		take_ssl_error(text, sizeof text);
		return berth_fail(err, BERTH_EINVAL, "%s: host name not usable for TLS: %s", ep->uri, text);
	}
	ossl_bio *bio = ossl.BIO_new(socket_bio);
	if (!bio)
		return BERTH_NOMEM(err);
	ossl.BIO_set_data(bio, t);
	ossl.BIO_set_init(bio, 1);
	ossl.SSL_set_bio(t->ssl, bio, bio);  /* t->ssl owns the BIO now */

	for (;;) {
		ossl.ERR_clear_error();
		int rc = ossl.SSL_connect(t->ssl);
		if (rc == 1)
			break;
		int e = ossl.SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			r = wait_ssl(t, e, deadline, ep, "TLS handshake", err);
			if (r < 0)
				return r;
			continue;
		}
		unsigned long code = take_ssl_error(text, sizeof text);
		return ssl_failure(t, e, code, text, ep, "TLS handshake", err);
	}
	*out = TAKE_PTR(t);
	return 0;
}

int tls_read(tls_conn *t, int fd, void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err)
{
	char text[256];
	int n = len > INT_MAX ? INT_MAX : (int)len;
	if (n == 0)
		return berth_fail(err, BERTH_EINVAL, "%s: read: no room in the buffer", ep->uri);
	t->fd = fd;
	for (;;) {
		ossl.ERR_clear_error();
		int rc = ossl.SSL_read(t->ssl, buf, n);
		if (rc > 0)
			return rc;
		int e = ossl.SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_ZERO_RETURN)
			return 0;  /* close_notify */
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			int r = wait_ssl(t, e, deadline, ep, "read", err);
			if (r < 0)
				return r;
			continue;
		}
		unsigned long code = take_ssl_error(text, sizeof text);
		/* The engine closed the TCP connection without close_notify:
		 * Docker's engines do that, so it ends the stream like
		 * close_notify would (HTTP's framing catches truncation). */
		if (t->eof && !t->io_errno &&
		    (code == 0 || ssl_reason(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
			return 0;
		return ssl_failure(t, e, code, text, ep, "read", err);
	}
}

/* A write failed because the engine closed the connection. An engine that
 * refuses us says why in an alert first (with TLS 1.3 the refusal of a
 * client certificate comes after our handshake is complete, and our
 * request then meets a reset), and the alert may still be unread in the
 * socket: read it, without waiting, to report it instead of the reset.
 * Returns its error, or 0 when there is none. */
static int alert_after_reset(tls_conn *t, const endpoint *ep, berth_error *err)
{
	char buf[512], text[256];
	int saved = t->io_errno;
	t->io_errno = 0;
	ossl.ERR_clear_error();
	int rc = ossl.SSL_read(t->ssl, buf, sizeof buf);
	if (rc <= 0) {
		int e = ossl.SSL_get_error(t->ssl, rc);
		unsigned long code = take_ssl_error(text, sizeof text);
		if (ssl_reason(code) > SSL_AD_REASON_OFFSET)
			return ssl_failure(t, e, code, text, ep, "write", err);
	}
	t->io_errno = saved;
	return 0;
}

int tls_write(tls_conn *t, int fd, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err)
{
	char text[256];
	int n = len > INT_MAX ? INT_MAX : (int)len;
	if (n == 0)
		return 0;
	t->fd = fd;
	for (;;) {
		/* After WANT_WRITE, OpenSSL needs the same buffer and length
		 * again, which this loop passes. */
		ossl.ERR_clear_error();
		int rc = ossl.SSL_write(t->ssl, buf, n);
		if (rc > 0)
			return rc;
		int e = ossl.SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			int r = wait_ssl(t, e, deadline, ep, "write", err);
			if (r < 0)
				return r;
			continue;
		}
		unsigned long code = take_ssl_error(text, sizeof text);
		if (t->io_errno == EPIPE || t->io_errno == ECONNRESET) {
			int r = alert_after_reset(t, ep, err);
			if (r < 0)
				return r;
		}
		return ssl_failure(t, e, code, text, ep, "write", err);
	}
}

bool tls_pending(tls_conn *t)
{
	return t && ossl.SSL_pending(t->ssl) > 0;
}
