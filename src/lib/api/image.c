/* Images: the public entry points (arguments checked before any request,
 * then the engine's op) and the accessors of the image models. */
#include "lib/engine.h"
#include "lib/kit/validate.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest archive berth imports. */
#define IMPORT_MAX ((size_t)8 << 30)

/* ---- entry points ------------------------------------------------------- */

/* An image name or id argument: an id ("sha256:<hex>" or hex) or a
 * reference berth_validate_image_ref() accepts. */
static int check_image_name(const char *name, const char *what, berth_error *err)
{
	if (isempty(name))
		return berth_fail(err, BERTH_EINVAL, "%s: empty image name", what);
	berth_error e = BERTH_ERROR_INIT;
	if (berth_validate_image_ref(name, &e) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: %s", what, e.message);
	return 0;
}

int berth_image_list_get(berth_image_list **out, berth_client *c, const berth_image_list_options *opts,
			 berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_LIST_OPTIONS_VERSION, err);
	berth_image_list_options o = BERTH_IMAGE_LIST_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_label_filters(o.labels, o.label_count, "image list", err);
	return r < 0 ? r : ENGINE_CALL(c, image_list, err, out, c, &o, err);
}

int berth_image_inspect(berth_image_info **out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_image_name(name, "image inspect", err);
	return r < 0 ? r : ENGINE_CALL(c, image_inspect, err, out, c, name, err);
}

int berth_image_exists(int *out, berth_client *c, const char *name, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	berth_image_info *x = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = berth_image_inspect(&x, c, name, &e);
	berth_image_info_free(x);
	if (r == 0 || r == BERTH_ENOTFOUND) {
		*out = r == 0;
		return 0;
	}
	if (err)
		*err = e;
	return r;
}

int berth_image_tag(berth_client *c, const char *source, const char *target, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_image_name(source, "image tag: source", err);
	if (r == 0)
		r = check_image_name(target, "image tag: target", err);
	if (r == 0 && (strchr(target, '@') || startswith(target, "sha256:")))
		r = berth_fail(err, BERTH_EINVAL, "image tag: target \"%s\" must be repo[:tag], not a digest", target);
	return r < 0 ? r : ENGINE_CALL(c, image_tag, err, c, source, target, err);
}

int berth_image_remove(berth_client *c, const char *name, const berth_image_remove_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_REMOVE_OPTIONS_VERSION, err);
	int r = check_image_name(name, "image remove", err);
	return r < 0 ? r : ENGINE_CALL(c, image_remove, err, c, name, opts && opts->force, err);
}

int berth_image_import(char **out_names, berth_client *c, const berth_image_import_options *opts, berth_error *err)
{
	CHECK_ARG(c && opts, err, "client or options is NULL");
	CHECK_OPTS(opts, BERTH_IMAGE_IMPORT_OPTIONS_VERSION, err);
	if ((opts->path != NULL) == (opts->fd >= 0))
		return berth_fail(err, BERTH_EINVAL, "image import: give either path or fd");
	if (opts->path && !*opts->path)
		return berth_fail(err, BERTH_EINVAL, "image import: empty path");
	if (!c->ops->image_import)
		return engine_unsupported(c, "image_import", err);
	_cleanup_close_ int own = -1;
	int fd = opts->fd;
	if (opts->path) {
		own = open(opts->path, O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return berth_fail_full(err, errno == ENOENT ? BERTH_ENOTFOUND : berth_code_from_errno(errno), 0,
					       errno, "image import: %s: %s", opts->path, strerror(errno));
		fd = own;
	}
	/* The archive in memory: a regular file read from its start is mapped;
	 * anything else (a pipe) is read to its end. */
	struct stat st;
	void *map = MAP_FAILED;
	_cleanup_sbuf_ sbuf buf = SBUF_INIT;
	if (fstat(fd, &st) < 0)
		return berth_fail_full(err, BERTH_EINVAL, 0, errno, "image import: %s", strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_size > 0 && lseek(fd, 0, SEEK_CUR) == 0) {
		if ((uint64_t)st.st_size > IMPORT_MAX)
			return berth_fail(err, BERTH_EINVAL, "image import: archive larger than %zu bytes", IMPORT_MAX);
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	if (map == MAP_FAILED) {
		for (;;) {
			if (sbuf_reserve(&buf, 65536) < 0)
				return BERTH_NOMEM(err);
			ssize_t n = read(fd, buf.data + buf.len, buf.cap - buf.len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return berth_fail_full(err, BERTH_EINVAL, 0, errno, "image import: read: %s", strerror(errno));
			if (n == 0)
				break;
			buf.len += (size_t)n;
			if (buf.len > IMPORT_MAX)
				return berth_fail(err, BERTH_EINVAL, "image import: archive larger than %zu bytes", IMPORT_MAX);
		}
	}
	const uint8_t *data = map != MAP_FAILED ? map : (const uint8_t *)buf.data;
	size_t len = map != MAP_FAILED ? (size_t)st.st_size : buf.len;
	_cleanup_free_ char *names = NULL;
	int r = len < 512 ? berth_fail(err, BERTH_EINVAL, "image import: not a tar archive (%zu bytes)", len)
			  : c->ops->image_import(&names, c, data, len, err);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (r == 0 && out_names)
		*out_names = TAKE_PTR(names);
	return r;
}
