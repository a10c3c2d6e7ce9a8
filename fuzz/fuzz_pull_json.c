/* Fuzz target: a pull's and a push's progress lines
 * (src/lib/parse/pull_json.c), the bytes Docker's /images/create and
 * /images/NAME/push and Podman's libpod pull and push stream. The input
 * is cut at newlines and each line parsed in turn into one reused
 * berth_image_progress, as the streams do, once as a pull's and once as a
 * push's, each line in an exactly sized heap block.
 *
 * What must hold whatever the bytes: no crash, leak or over-read; every
 * answer is 0 (a filled line), 1 (skipped) or an error code with a message;
 * a filled line has a phase in range, strings that are all there (never
 * NULL), and counts of -1 or more; a layer id is at most 12 hex digits on
 * Podman's lines and never contains a newline. */
#include "fuzz.h"

#include "lib/parse/pull_json.h"

static void check_line(berth_image_progress *p, const char *line, size_t n, bool push)
{
	berth_error err = BERTH_ERROR_INIT;
	int r = pull_json_parse(p, line, n, push, &err);
	if (r == 1)
		return;
	if (r != 0) {
		if (r >= 0 || err.code != r || !err.message[0])
			abort();
		return;
	}
	berth_progress_phase ph = berth_image_progress_phase(p);
	if (ph < BERTH_PROGRESS_RESOLVING || ph > BERTH_PROGRESS_FINISHED)
		abort();
	fuzz_use(berth_image_progress_layer(p));
	fuzz_use(berth_image_progress_message(p));
	fuzz_use(berth_image_progress_digest(p));
	fuzz_use(berth_image_progress_image_id(p));
	fuzz_use(berth_progress_phase_name(ph));
	if (berth_image_progress_current(p) < -1 || berth_image_progress_total(p) < -1)
		abort();
	if (strchr(berth_image_progress_layer(p), '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	berth_image_progress p;
	memset(&p, 0, sizeof p);
	image_progress_reset(&p);
	const char *in = (const char *)data, *end = in + size;
	while (in < end) {
		const char *nl = memchr(in, '\n', (size_t)(end - in));
		size_t n = nl ? (size_t)(nl - in) : (size_t)(end - in);
		char *line = malloc(n ? n : 1);
		if (!line)
			break;
		memcpy(line, in, n);
		check_line(&p, line, n, false);
		check_line(&p, line, n, true);
		free(line);
		in += n + (nl != NULL);
	}
	image_progress_reset(&p);
	return 0;
}
