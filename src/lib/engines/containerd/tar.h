/* A small tar reader over an archive in memory (docker save and OCI layout
 * archives): ustar, GNU long names and pax path records. Pure: no I/O,
 * fuzzed by fuzz/fuzz_tar.c. */
#ifndef BERTH_CONTAINERD_TAR_H
#define BERTH_CONTAINERD_TAR_H

#include <stddef.h>
#include <stdint.h>

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
int tar_next(tar_entry *e, const uint8_t *buf, size_t len, size_t *pos);

/* The regular file called name, or NULL. */
const tar_entry *tar_find(const tar_entry *entries, size_t n, const char *name);

#endif
