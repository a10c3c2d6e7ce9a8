/* Fuzz target: a pull's progress lines (src/lib/parse/pull_json.c), the
 * bytes Docker's /images/create and Podman's libpod pull stream. The input
 * is cut at newlines and each line parsed in turn into one reused
 * berth_pull_progress, as the pull stream does, each line in an exactly
 * sized heap block.
 *
 * What must hold whatever the bytes: no crash, leak or over-read; every
 * answer is 0 (a filled line), 1 (skipped) or an error code with a message;
 * a filled line has a phase in range, strings that are all there (never
 * NULL), and counts of -1 or more; a layer id is at most 12 hex digits on
 * Podman's lines and never contains a newline. */
#include "fuzz.h"

#include "lib/parse/pull_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	berth_pull_progress p;
	memset(&p, 0, sizeof p);
	pull_progress_reset(&p);
	const char *in = (const char *)data, *end = in + size;
	while (in < end) {
		const char *nl = memchr(in, '\n', (size_t)(end - in));
		size_t n = nl ? (size_t)(nl - in) : (size_t)(end - in);
		char *line = malloc(n ? n : 1);
		if (!line)
			break;
		memcpy(line, in, n);
		berth_error err = BERTH_ERROR_INIT;
		int r = pull_json_parse(&p, line, n, &err);
		free(line);
		if (r == 0) {
			berth_pull_phase ph = berth_pull_progress_phase(&p);
			if (ph < BERTH_PULL_RESOLVING || ph > BERTH_PULL_PULLED)
				abort();
			fuzz_use(berth_pull_progress_layer(&p));
			fuzz_use(berth_pull_progress_message(&p));
			fuzz_use(berth_pull_progress_digest(&p));
			fuzz_use(berth_pull_progress_image_id(&p));
			fuzz_use(berth_pull_phase_name(ph));
			if (berth_pull_progress_current(&p) < -1 || berth_pull_progress_total(&p) < -1)
				abort();
			if (strchr(berth_pull_progress_layer(&p), '\n'))
				abort();
		} else if (r != 1) {
			if (r >= 0 || err.code != r || !err.message[0])
				abort();
		}
		in += n + (nl != NULL);
	}
	pull_progress_reset(&p);
	return 0;
}
