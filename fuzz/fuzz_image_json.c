/* Fuzz target: the image JSON parsers (parse/image_json.c), every one of
 * them on the same input: the Engine API's list, inspect and load reply,
 * OCI indexes, manifests and configs, histories (the Engine API's and a
 * config's), docker-save's manifest.json, and the OCI runtime spec reader
 * (parse/ocispec.c). */
#include "fuzz.h"
#include "lib/parse/image_json.h"
#include "lib/parse/ocispec.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	berth_image_list *l = NULL;
	if (image_list_parse(&l, s, size, NULL) == 0) {
		for (size_t i = 0; i < berth_image_list_count(l); i++)
			if (!berth_image_list_id(l, i))
				abort();
		berth_image_list_free(l);
	}
	berth_image_info *x = NULL;
	if (image_info_parse(&x, s, size, NULL) == 0) {
		if (!berth_image_info_id(x) || !berth_image_info_raw_json(x))
			abort();
		berth_image_info_free(x);
	}
	sbuf names = SBUF_INIT;
	image_load_reply_parse(&names, s, size, NULL);
	sbuf_release(&names);
	image_desc *d = NULL;
	size_t n = 0;
	if (image_index_parse(&d, &n, s, size, NULL) == 0)
		image_descs_free(d, n);
	image_desc cfg = { 0 };
	if (image_manifest_parse(&cfg, &d, &n, s, size, NULL) == 0) {
		image_desc_release(&cfg);
		image_descs_free(d, n);
	}
	strv ids = STRV_INIT;
	image_config_diff_ids(&ids, s, size, NULL);
	strv_release(&ids);
	/* histories: the Engine API's and an image config's (with sizes for
	 * fewer layers than it may name) */
	berth_image_history *h = NULL;
	static const int64_t sizes[] = { 100, 0, 7 };
	for (int k = 0; k < 2; k++) {
		int r = k ? image_config_history(&h, s, size, sizes, 3, "sha256:top", NULL)
			  : image_history_parse(&h, s, size, NULL);
		if (r != 0)
			continue;
		for (size_t i = 0; i < berth_image_history_count(h); i++) {
			if (!berth_image_history_id(h, i) || !berth_image_history_created_by(h, i) ||
			    !berth_image_history_comment(h, i) || berth_image_history_size(h, i) < 0)
				abort();
			fuzz_use(berth_image_history_id(h, i));
			fuzz_use(berth_image_history_created_by(h, i));
		}
		berth_image_history_free(h);
		h = NULL;
	}
	save_image *si = NULL;
	if (save_manifest_parse(&si, &n, s, size, NULL) == 0)
		save_images_free(si, n);
	/* a search's answer and a registry's catalog: every entry named */
	for (int k = 0; k < 2; k++) {
		berth_search_result *sr = calloc(1, sizeof *sr);
		if (!sr)
			break;
		int rr = k ? registry_catalog_parse(sr, s, size, "h:1", k == 1 ? "" : "a", 10, NULL)
			   : image_search_parse(sr, s, size, NULL);
		if (rr == 0 && k && berth_search_result_count(sr) > 10)
			abort();
		for (size_t i = 0; i < berth_search_result_count(sr); i++) {
			fuzz_use(berth_search_result_name(sr, i));
			fuzz_use(berth_search_result_description(sr, i));
		}
		berth_search_result_free(sr);
	}
	/* a registry's tag list: every tag there and not empty */
	strv tags = STRV_INIT;
	if (registry_tags_parse(&tags, s, size, NULL) == 0)
		for (size_t i = 0; i < tags.len; i++)
			if (!tags.items[i][0])
				abort();
	strv_release(&tags);
	/* the OCI runtime spec of a containerd container record */
	berth_container_info *ci = calloc(1, sizeof *ci);
	if (ci) {
		int read = oci_spec_read(ci, s, size);
		/* the list's command, read no further than process.args, is the
		 * whole read's args joined by spaces */
		char *cmd = NULL;
		int r = oci_spec_command(&cmd, s, size);
		if (read == 0 && r == 0) {
			sbuf b = SBUF_INIT;
			for (size_t i = 0; i < ci->cmd.len; i++)
				if ((i && sbuf_addc(&b, ' ') < 0) || sbuf_adds(&b, ci->cmd.items[i]) < 0)
					abort();
			if (!STREQ(cmd, b.data ? b.data : ""))
				abort();
			sbuf_release(&b);
		}
		free(cmd);
		berth_container_info_free(ci);
	}
	bool ro;
	strv dests = STRV_INIT;
	oci_spec_rootfs(&ro, &dests, s, size);
	strv_release(&dests);
	return 0;
}
