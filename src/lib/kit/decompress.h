/* A reader that undoes the compression of an archive: the first bytes
 * say gzip (1f 8b), zstd (28 b5 2f fd) or neither, and the bytes read
 * come out plain. Used by the image load and import entry points, so
 * every engine gets a plain tar whatever it would take itself. */
#ifndef BERTH_KIT_DECOMPRESS_H
#define BERTH_KIT_DECOMPRESS_H

#include "lib/internal.h"

#include <sys/types.h>

typedef enum decomp_kind {
	DECOMP_PLAIN = 0,
	DECOMP_GZIP = 1,
	DECOMP_ZSTD = 2,
} decomp_kind;

typedef struct decomp decomp;

/* Where the compressed bytes come from: fill buf with up to cap bytes,
 * 0 at the end, < 0 a BERTH_E* code (with errno set for a system error). */
typedef ssize_t (*decomp_source)(void *buf, size_t cap, void *payload);

/* A reader over src. `what` names the input in messages ("load"). The
 * kind is known once the first bytes are read (decomp_kind_of). */
int decomp_new(decomp **out, decomp_source src, void *payload, const char *what, berth_error *err);
void decomp_free(decomp *d);
static inline void decomp_freep(decomp **d) { decomp_free(*d); }
#define _cleanup_decomp_ _cleanup_(decomp_freep)

/* berth_read_cb's shape: up to cap plain bytes, 0 at the end, < 0 a
 * BERTH_E* code whose message decomp_error() keeps. */
ssize_t decomp_read(void *buf, size_t cap, void *payload);

/* Read the first 512 plain bytes ahead (decomp_read hands them out
 * first) and check that they are a tar header: BERTH_EINVAL naming what
 * was found when they are not (before anything is sent anywhere). */
int decomp_prime_tar(decomp *d, berth_error *err);
/* Whether a 512-byte block is a tar header (its checksum holds). Pure. */
bool decomp_tar_header_ok(const uint8_t block[512]);

/* The compression found (after the first read). */
decomp_kind decomp_kind_of(const decomp *d);
/* The error of the last failed read (code 0 when none). */
const berth_error *decomp_error(const decomp *d);
/* "gzip", "zstd", "plain" */
const char *decomp_kind_name(decomp_kind k);

/* An unlinked temporary file to spool an archive into (O_TMPFILE in
 * $TMPDIR, else /var/tmp; mode 0600): its fd, or the BERTH_E* of the
 * failure with `what` in the message. *dir (may be NULL) gets the folder,
 * for messages. */
int spool_file_open(const char **dir, const char *what, berth_error *err);

#endif
