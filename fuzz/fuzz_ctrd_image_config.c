/* Fuzz target: the OCI image config parser and the chain id of its layers
 * (src/lib/engines/containerd/ctrd_specgen.c), which read what containerd's
 * content store holds.
 *
 * What must hold: no crash, leak or overread on any bytes; a parsed config
 * releases cleanly; its chain id, when there is one, is "sha256:" and 64
 * lower-case hex digits. */
#include "fuzz.h"

#include "lib/engines/containerd/ctrd_specgen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size ? size : 1);
	if (!body)
		return 0;
	if (size)
		memcpy(body, data, size);
	oci_image_config c;
	if (ctrd_oci_image_config_parse(&c, body, size, NULL) == 0) {
		char chain[72];
		if (ctrd_oci_chain_id(chain, &c.diff_ids, NULL) == 0 &&
		    (strlen(chain) != 71 || memcmp(chain, "sha256:", 7)))
			abort();
		oci_user u;
		(void)ctrd_oci_user_resolve(&u, c.user, "root:x:0:0::/:/bin/sh\n", "root:x:0:\n", NULL);
	}
	ctrd_oci_image_config_release(&c);
	free(body);
	return 0;
}
