/* TLS placeholder: replaced by the dlopen'd OpenSSL implementation. */
#include "socket.h"

int tls_connect(tls_conn **out, int fd, const endpoint *ep, int64_t deadline, berth_error *err)
{
	(void)out; (void)fd; (void)deadline;
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s: TLS is not available in this build", ep->uri);
}
int tls_read(tls_conn *t, int fd, void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err)
{ (void)t; (void)fd; (void)buf; (void)len; (void)deadline; (void)ep; return berth_fail(err, BERTH_EUNSUPPORTED, "TLS"); }
int tls_write(tls_conn *t, int fd, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err)
{ (void)t; (void)fd; (void)buf; (void)len; (void)deadline; (void)ep; return berth_fail(err, BERTH_EUNSUPPORTED, "TLS"); }
bool tls_pending(tls_conn *t) { (void)t; return false; }
void tls_free(tls_conn *t) { (void)t; }
