/* A small tar reader over an archive in memory (docker save and OCI layout
 * archives): ustar, GNU long names and pax path records; the same reader
 * pulling an archive through a callback as it goes (put_archive), and the
 * header writer of get_archive. Pure: no I/O of its own, fuzzed by
 * fuzz/fuzz_tar.c. */
#ifndef BERTH_CONTAINERD_TAR_H
#define BERTH_CONTAINERD_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TAR_NAME_MAX 1024

typedef struct tar_entry {
	char name[TAR_NAME_MAX]; /* without a leading "./" */
	char type;               /* '0' file, '5' directory, '2' symlink, ... */
	const uint8_t *data;     /* points into the archive */
	size_t size;
} tar_entry;

/* The next entry at *pos (start at 0): 1 with *e filled and *pos moved
 * past it, 0 at the end of the archive, -EINVAL when it is malformed (bad
 * checksum, size beyond the end, a name longer than TAR_NAME_MAX). */
int ctrd_tar_next(tar_entry *e, const uint8_t *buf, size_t len, size_t *pos);

/* The regular file called name, or NULL. */
const tar_entry *ctrd_tar_find(const tar_entry *entries, size_t n, const char *name);

/* ---- streamed: one entry at a time, bounded memory ---------------------- */

#define TAR_PATH_MAX 4096

typedef struct tar_header {
	char name[TAR_PATH_MAX]; /* without a leading "./" */
	char link[TAR_PATH_MAX]; /* symlink or hard link target */
	char type;               /* '0' file ('\0' and '7' read as '0'), '1', '2', '3', '4', '5', '6' */
	uint64_t size;
	uint32_t mode;           /* permission bits (07777) */
	uint32_t uid, gid;
	int64_t mtime;           /* seconds */
	uint32_t devmajor, devminor;
} tar_header;

/* Fill buf with up to cap bytes: the count, 0 at the end, <0 an error
 * that the reader hands back as it is. */
typedef ssize_t (*tar_read_fn)(void *buf, size_t cap, void *ctx);

typedef struct tar_reader {
	tar_read_fn read;
	void *ctx;
	uint64_t left;   /* data bytes of the current entry not read yet */
	uint64_t pad;    /* zero bytes after them */
} tar_reader;

/* The next entry's header (its pax and GNU long-name records applied),
 * skipping what is left of the current entry's data: 1, 0 at the end of
 * the archive, TAR_EMALFORMED, or the callback's error. */
#define TAR_EMALFORMED (-100000)
int ctrd_tar_reader_next(tar_reader *r, tar_header *h);
/* The current entry's data: up to cap bytes, 0 at its end, TAR_EMALFORMED
 * when the archive ends inside it, or the callback's error. */
ssize_t ctrd_tar_reader_data(tar_reader *r, void *buf, size_t cap);

/* ---- writing -------------------------------------------------------------- */

/* The header block(s) of h into out (cap >= TAR_HEADER_MAX): a ustar
 * block, preceded by a pax header when the name or link does not fit or a
 * number is beyond ustar's octal fields. Returns the bytes written (a
 * multiple of 512), or -ENAMETOOLONG. */
#define TAR_HEADER_MAX (3 * 512 + 2 * TAR_PATH_MAX + 256)
int ctrd_tar_header_write(uint8_t *out, size_t cap, const tar_header *h);

#endif
