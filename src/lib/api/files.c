/* Entry points and accessors of stats, top, diff, path stat and archives.
 * Arguments are checked here, before any request; then the engine is
 * called. */
#include "lib/engine.h"
#include "lib/kit/validate.h"
#include "lib/model/io_model.h"

int berth_container_stats(berth_stats **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_stats, err, out, c, id, err);
}

int berth_container_stats_stream(berth_stream **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_stats_stream, err, out, c, id, err);
}

int berth_container_top(berth_top **out, berth_client *c, const char *id, const char *ps_args, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	if (r == 0 && ps_args && strlen(ps_args) > 1024)
		r = berth_fail(err, BERTH_EINVAL, "top %s: ps_args longer than 1024 bytes", id);
	return r < 0 ? r : ENGINE_CALL(c, container_top, err, out, c, id, isempty(ps_args) ? NULL : ps_args, err);
}

int berth_container_diff(berth_changes **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_diff, err, out, c, id, err);
}

/* An absolute path inside the container; `what` names the argument. */
static int check_path(const char *path, const char *verb, const char *what, berth_error *err)
{
	if (isempty(path) || path[0] != '/')
		return berth_fail(err, BERTH_EINVAL, "%s: %s \"%s\" is not an absolute path", verb, what,
				  strempty(path));
	if (strlen(path) > 4096)
		return berth_fail(err, BERTH_EINVAL, "%s: %s longer than 4096 bytes", verb, what);
	return 0;
}

int berth_container_stat_path(berth_path_info **out, berth_client *c, const char *id, const char *path,
			      berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	if (r == 0)
		r = check_path(path, "stat", "path", err);
	return r < 0 ? r : ENGINE_CALL(c, container_stat_path, err, out, c, id, path, err);
}

int berth_container_get_archive(berth_stream **out, berth_client *c, const char *id, const char *path,
				berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	if (r == 0)
		r = check_path(path, "get archive", "path", err);
	return r < 0 ? r : ENGINE_CALL(c, container_get_archive, err, out, c, id, path, err);
}

int berth_container_put_archive(berth_client *c, const char *id, const char *dest_dir, berth_read_cb read,
				void *payload, const berth_put_archive_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_ARG(read, err, "read callback is NULL");
	CHECK_OPTS(opts, BERTH_PUT_ARCHIVE_OPTIONS_VERSION, err);
	berth_put_archive_options o = BERTH_PUT_ARCHIVE_OPTIONS_INIT;
	if (opts)
		o = *opts;
	int r = check_id(id, err);
	if (r == 0)
		r = check_path(dest_dir, "put archive", "dest_dir", err);
	return r < 0 ? r : ENGINE_CALL(c, container_put_archive, err, c, id, dest_dir, read, payload, &o, err);
}
