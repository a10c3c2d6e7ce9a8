/* What went wrong on an ssh connection, read from what the ssh client (and
 * the command it ran on the remote side) wrote to its standard error, and
 * its exit status. A pure reader, no I/O; fuzzed by fuzz/fuzz_sshdiag.c. */
#ifndef BERTH_PARSE_SSHDIAG_H
#define BERTH_PARSE_SSHDIAG_H

#include "lib/internal.h"

/* Classify the text ssh wrote to stderr (text need not end in a NUL; len
 * bytes are read) together with its exit status (0..255, or -1 when it is
 * unknown: killed by a signal, reaped by someone else). Returns the
 * BERTH_E* code that fits, and writes one printable line to msg (at least
 * 64 bytes): what happened, then the telling line of ssh's own words in
 * parentheses. The rules, first match wins:
 *   host key refused or changed                  -> BERTH_EPERM
 *   authentication refused ("Permission denied (publickey...)")
 *                                                -> BERTH_EPERM
 *   connection refused, host unknown, unreachable, closed during the
 *   handshake                                    -> BERTH_EUNAVAILABLE
 *   connection or handshake timed out            -> BERTH_ETIMEDOUT
 *   ssh refused its own options or configuration -> BERTH_EINVAL
 *   the remote command is missing (exit 127, "not found")
 *                                                -> BERTH_EUNAVAILABLE
 *   the remote engine's socket: missing          -> BERTH_ENOTFOUND
 *                               permission denied -> BERTH_EPERM
 *                               not answering     -> BERTH_EUNAVAILABLE
 *   forwarding to a socket (ssh -W) forbidden    -> BERTH_EPERM
 *                              failed otherwise  -> BERTH_EUNAVAILABLE
 *   anything else                                -> BERTH_EUNAVAILABLE
 * Only the line that matched (or the last meaningful one) is quoted, cut
 * to fit: never the whole text. Lines ssh writes on success ("Warning:
 * Permanently added ...") are not meaningful. */
int ssh_diagnose(char *msg, size_t size, const char *text, size_t len, int exit_status);

#endif
