/* An engine reached through the system's ssh client (sshpipe.c): one ssh
 * process per connection, its stdin and stdout one end of a socket pair,
 * the other end the connection's fd; its stderr captured to say what went
 * wrong. Only transport/ includes this. */
#ifndef BERTH_TRANSPORT_SSHPIPE_H
#define BERTH_TRANSPORT_SSHPIPE_H

#include "endpoint.h"

typedef struct ssh_child ssh_child;

/* How many idle ssh connections a transport keeps (each is a process and
 * a session on the server). */
#define SSH_POOL_MAX 4

/* Start `ssh ... HOST CMD` for an ssh endpoint: without a path on the
 * endpoint CMD is `docker system dial-stdio`; with one it relays stdio to
 * that socket on the remote side (`podman --url unix://PATH system
 * dial-stdio`, else docker's with --host, else socat). *fd gets berth's end of the socket pair
 * (non-blocking, close-on-exec). The program is $BERTH_SSH or "ssh" from
 * PATH; $BERTH_SSH_OPTIONS adds arguments (split at white space) before
 * berth's own options, which, BatchMode=yes aside, they override. Nothing
 * is waited for: a failure to connect shows on the first read. */
int ssh_child_start(ssh_child **out, int *fd, const endpoint *ep, int connect_timeout_ms, berth_error *err);

/* The connection ended (end of stream, or a broken pipe): wait a little
 * (until the deadline, at most 2 s) for ssh to end, then say why from its
 * exit status and stderr. Returns 0 when it ended well (the remote command
 * exited 0: an orderly close), else a BERTH_E* code with a message that
 * names the endpoint. */
int ssh_child_verdict(ssh_child *c, const endpoint *ep, int64_t deadline, berth_error *err);

/* Read what ssh has written to stderr so far (kept, bounded). */
void ssh_child_drain(ssh_child *c);

/* Stop ssh (its process group: SIGTERM, SIGKILL when it lingers) and reap
 * it; NULL-safe. Close the connection's fd first. */
void ssh_child_stop(ssh_child *c);

/* The argument vector ssh is started with, NULL-terminated in out->items
 * (tests look at it). */
int ssh_argv_build(strv *out, const endpoint *ep, int connect_timeout_ms, berth_error *err);

/* The command run on the remote side, into out. */
int ssh_remote_command(sbuf *out, const endpoint *ep);

#endif
