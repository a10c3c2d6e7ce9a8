/* TLS over a connected socket (tls.c). Only transport/ includes this. */
#ifndef BERTH_TRANSPORT_TLS_H
#define BERTH_TRANSPORT_TLS_H

#include "endpoint.h"

typedef struct tls_conn tls_conn;

/* TLS (tls.c): OpenSSL is loaded the first time a TLS endpoint is used. */
int tls_connect(tls_conn **out, int fd, const endpoint *ep, int64_t deadline, berth_error *err);
/* >0 bytes, 0 end, <0 BERTH_E* */
int tls_read(tls_conn *t, int fd, void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err);
int tls_write(tls_conn *t, int fd, const void *buf, size_t len, int64_t deadline, const endpoint *ep, berth_error *err);
bool tls_pending(tls_conn *t);
void tls_free(tls_conn *t);

#endif
