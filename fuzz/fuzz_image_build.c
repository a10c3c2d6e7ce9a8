/* Fuzz target: docker's --change lines applied to image configs, and the
 * configs of new images (parse/image_build.c), on containerd's commit and
 * import path.
 *
 * The input after the first byte is "CHANGE\nCONFIG": the first line is
 * one change, the rest a base config. The first byte's low bit picks
 * image_change_apply_text (the rest as a "config" object) or
 * image_config_build (the rest as a whole image config, the change as its
 * only change; with bit 1 the base also as the container's settings).
 * What must hold: no crash or overread; a success gives
 * JSON that parses again, with the new diff id last in rootfs.diff_ids. */
#include "fuzz.h"

#include "lib/parse/image_build.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	const char *nl = memchr(body, '\n', len);
	size_t clen = nl ? (size_t)(nl - body) : len;
	char *change = strndup(body, clen);
	const char *rest = nl ? nl + 1 : body + len;
	size_t rlen = len - (size_t)(rest - body);
	sbuf out = SBUF_INIT;
	berth_error err = BERTH_ERROR_INIT;
	int r;
	if (!change)
		goto done;
	if (data[0] & 1) {
		r = image_change_apply_text(&out, rest, rlen, change, &err);
	} else {
		const char *changes[] = { change };
		char *view = (data[0] & 2) && rlen ? strndup(rest, rlen) : NULL;
		image_build_args a = { .diff_id = "sha256:0123", .created = "2026-12-06T08:00:00Z",
				       .created_by = "fuzz", .os = "linux", .arch = "amd64",
				       .container_config = view,
				       .changes = changes, .change_count = clen ? 1 : 0 };
		r = image_config_build(&out, rest, rlen, &a, &err);
		free(view);
		if (r == 0) {
			json_t *j = json_loads(out.data, 0, NULL);
			json_t *ids = json_object_get(json_object_get(j, "rootfs"), "diff_ids");
			const char *last = json_string_value(json_array_get(ids, json_array_size(ids) - 1));
			if (!last || strcmp(last, "sha256:0123") != 0)
				abort();
			json_decref(j);
		}
	}
	if (r == 0) {
		json_t *j = json_loads(out.data, 0, NULL);
		if (!j)
			abort();
		json_decref(j);
	} else {
		fuzz_use(err.message);
	}
done:
	sbuf_release(&out);
	free(change);
	free(body);
	return 0;
}
