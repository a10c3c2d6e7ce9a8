/* Archives of images and containers: load (import), save, import of a
 * root file system, export and commit. Arguments are checked here, before
 * any request; archives read from a file or a pipe go through the
 * decompressing reader (kit/decompress.c) and are checked to be tars. */
#include "lib/engine.h"
#include "lib/kit/decompress.h"
#include "lib/kit/validate.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest archive an engine without a streamed load gets in memory. */
#define IMPORT_MAX ((size_t)8 << 30)
#define SAVE_NAMES_MAX 256

/* ---- the input of a load or an import ----------------------------------- */

static ssize_t fd_source(void *buf, size_t cap, void *payload)
{
	int fd = *(const int *)payload;
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return berth_code_from_errno(errno);
	}
}

/* The archive given as a path or an fd: *fd is the one to read (*own the
 * one opened here, closed by the caller). */
static int open_input(int *fd, int *own, const char *path, int given, const char *what, berth_error *err)
{
	if ((path != NULL) == (given >= 0))
		return berth_fail(err, BERTH_EINVAL, "%s: give either path or fd", what);
	if (path && !*path)
		return berth_fail(err, BERTH_EINVAL, "%s: empty path", what);
	if (!path) {
		*fd = given;
		return 0;
	}
	*own = open(path, O_RDONLY | O_CLOEXEC);
	if (*own < 0)
		return berth_fail_full(err, errno == ENOENT ? BERTH_ENOTFOUND : berth_code_from_errno(errno), 0, errno,
				       "%s: %s: %s", what, path, strerror(errno));
	*fd = *own;
	return 0;
}

/* An upload that failed because reading failed says why reading did. */
static int reader_verdict(int r, const decomp *d, berth_error *err)
{
	const berth_error *e = decomp_error(d);
	if (r < 0 && e->code) {
		if (err)
			*err = *e;
		return e->code;
	}
	return r;
}

/* ---- load (docker's load; berth_image_import) ---------------------------- */

/* A regular file read from its start whose first bytes are no
 * compression's: mapped as it is. */
static bool plain_file(int fd, struct stat *st)
{
	uint8_t m[4] = { 0 };
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size < 512 || lseek(fd, 0, SEEK_CUR) != 0)
		return false;
	ssize_t n = pread(fd, m, sizeof m, 0);
	if (n < 4)
		return false;
	return !(m[0] == 0x1f && m[1] == 0x8b) && !(m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd);
}

/* The plain archive written out to an unlinked file of $TMPDIR (or
 * /var/tmp): *out is its fd, *len its size. */
static int spool(int *out, size_t *len, decomp *d, berth_error *err)
{
	const char *dir = NULL;
	_cleanup_close_ int fd = spool_file_open(&dir, "load", err);
	if (fd < 0)
		return fd;
	_cleanup_free_ char *buf = malloc(65536);
	if (!buf)
		return BERTH_NOMEM(err);
	size_t total = 0;
	for (;;) {
		ssize_t n = decomp_read(buf, 65536, d);
		if (n < 0)
			return reader_verdict((int)n, d, err);
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > IMPORT_MAX)
			return berth_fail(err, BERTH_EINVAL, "load: archive larger than %zu bytes", IMPORT_MAX);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "load: writing to %s: %s",
						       dir, strerror(errno));
			off += w;
		}
	}
	*len = total;
	*out = fd;
	fd = -1;
	return 0;
}

/* The engine's load from memory: the file mapped, or the plain archive
 * spooled first. */
static int load_mapped(char **out_names, berth_client *c, int fd, decomp *d, berth_error *err)
{
	struct stat st;
	_cleanup_close_ int tmp = -1;
	size_t len = 0;
	if (plain_file(fd, &st)) {
		if ((uint64_t)st.st_size > IMPORT_MAX)
			return berth_fail(err, BERTH_EINVAL, "load: archive larger than %zu bytes", IMPORT_MAX);
		len = (size_t)st.st_size;
		uint8_t head[512];
		if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head || !decomp_tar_header_ok(head))
			return berth_fail(err, BERTH_EINVAL, "load: not a tar archive (nor a gzip or zstd compressed one)");
	} else {
		int r = decomp_prime_tar(d, err);
		if (r == 0)
			r = spool(&tmp, &len, d, err);
		if (r < 0)
			return r;
		fd = tmp;
	}
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "load: mapping the archive: %s",
				       strerror(errno));
	int r = c->ops->image_import(out_names, c, map, len, err);
	munmap(map, len);
	return r;
}

int berth_image_import(char **out_names, berth_client *c, const berth_image_import_options *opts, berth_error *err)
{
	CHECK_ARG(c && opts, err, "client or options is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_IMPORT_OPTIONS_VERSION, err);
	_cleanup_close_ int own = -1;
	int fd = -1;
	int r = open_input(&fd, &own, opts->path, opts->fd, "load", err);
	if (r < 0)
		return r;
	if (!c->ops->image_load && !c->ops->image_import)
		return engine_unsupported(c, "image_load", err);
	_cleanup_decomp_ decomp *d = NULL;
	r = decomp_new(&d, fd_source, &fd, "load", err);
	if (r < 0)
		return r;
	_cleanup_free_ char *names = NULL;
	if (c->ops->image_load) {
		r = decomp_prime_tar(d, err);
		if (r == 0)
			r = reader_verdict(c->ops->image_load(&names, c, decomp_read, d, err), d, err);
	} else {
		r = load_mapped(&names, c, fd, d, err);
	}
	if (r == 0 && out_names)
		*out_names = TAKE_PTR(names);
	return r;
}

/* ---- import of a root file system ---------------------------------------- */

int berth_image_import_rootfs(char **out_id, berth_client *c, const berth_image_import_rootfs_options *opts,
			      berth_error *err)
{
	CHECK_ARG(c && opts, err, "client or options is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_VERSION, err);
	int r = check_new_image_ref(opts->ref, "import", err);
	if (r == 0)
		r = check_image_changes(opts->changes, opts->change_count, "import", err);
	if (r == 0 && opts->message && strlen(opts->message) > 65536)
		r = berth_fail(err, BERTH_EINVAL, "import: message longer than 64 KiB");
	_cleanup_close_ int own = -1;
	int fd = -1;
	if (r == 0)
		r = open_input(&fd, &own, opts->path, opts->fd, "import", err);
	if (r < 0)
		return r;
	if (!c->ops->image_import_rootfs)
		return engine_unsupported(c, "image_import_rootfs", err);
	_cleanup_decomp_ decomp *d = NULL;
	r = decomp_new(&d, fd_source, &fd, "import", err);
	if (r == 0)
		r = decomp_prime_tar(d, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *id = NULL;
	r = reader_verdict(c->ops->image_import_rootfs(&id, c, decomp_read, d, opts, err), d, err);
	if (r == 0 && out_id)
		*out_id = TAKE_PTR(id);
	return r;
}

/* ---- save ------------------------------------------------------------------ */

int berth_image_save(berth_stream **out, berth_client *c, const char *const *names, size_t count, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	if (!names || count == 0)
		return berth_fail(err, BERTH_EINVAL, "save: no images named");
	if (count > SAVE_NAMES_MAX)
		return berth_fail(err, BERTH_EINVAL, "save: %zu images, at most %d", count, SAVE_NAMES_MAX);
	for (size_t i = 0; i < count; i++) {
		int r = check_image_name(names[i], "save", err);
		if (r < 0)
			return r;
	}
	return ENGINE_CALL(c, image_save, err, out, c, names, count, err);
}

/* ---- export, commit ---------------------------------------------------------- */

int berth_container_export(berth_stream **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_export, err, out, c, id, err);
}

int berth_container_commit(char **out_id, berth_client *c, const char *id, const berth_commit_options *opts,
			   berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_COMMIT_OPTIONS_VERSION, err);
	berth_commit_options o = BERTH_COMMIT_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_id(id, err);
	if (r == 0)
		r = check_new_image_ref(o.ref, "commit", err);
	if (r == 0)
		r = check_image_changes(o.changes, o.change_count, "commit", err);
	if (r == 0 && ((o.message && strlen(o.message) > 65536) || (o.author && strlen(o.author) > 1024)))
		r = berth_fail(err, BERTH_EINVAL, "commit: message (64 KiB) or author (1 KiB) too long");
	if (r < 0)
		return r;
	_cleanup_free_ char *new_id = NULL;
	r = ENGINE_CALL(c, container_commit, err, &new_id, c, id, &o, err);
	if (r == 0 && out_id)
		*out_id = TAKE_PTR(new_id);
	return r;
}
