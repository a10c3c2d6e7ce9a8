/* Fuzz target: the volume JSON parsers (parse/volume_json.c) on the same
 * input: a volume object (and berth's volume.json written from it and read
 * back), a list, a prune reply, a container list's names. */
#include "fuzz.h"
#include "lib/parse/volume_json.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	berth_volume_info *v = NULL;
	if (volume_info_parse(&v, s, size, NULL) == 0) {
		char *text = NULL;
		if (volume_json_format(&text, v, NULL) == 0) {
			berth_volume_info *back = NULL;
			if (volume_info_parse(&back, text, strlen(text), NULL) < 0 ||
			    !STREQ(berth_volume_info_name(back), berth_volume_info_name(v)))
				abort();
			berth_volume_info_free(back);
			free(text);
		}
		berth_volume_info_free(v);
	}
	berth_volume_list *l = NULL;
	if (volume_list_parse(&l, s, size, NULL) == 0) {
		for (size_t i = 0; i < berth_volume_list_count(l); i++)
			if (!berth_volume_list_at(l, i))
				abort();
		berth_volume_list_free(l);
	}
	berth_prune_result *p = NULL;
	if (volume_prune_parse(&p, s, size, NULL) == 0)
		berth_prune_result_free(p);
	strv u = STRV_INIT;
	volume_users_parse(&u, s, size, NULL);
	strv_release(&u);
	return 0;
}
