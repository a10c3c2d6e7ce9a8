/* Fuzz target: the event line parser (engineapi/eapi_events_parse.c), the
 * accessors of the events it builds, and the since/until time parser.
 *
 * The first byte is the mode: bit 0 picks the dialect (0 Docker, 1 Podman),
 * bit 1 also feeds the body to berth_time_parse() as text. The rest is one
 * event line, in an exactly sized heap block with no NUL after it.
 *
 * What must hold whatever the bytes: no crash or overread; success or
 * BERTH_EPROTOCOL (or ENOMEM) and nothing else; on success every string
 * accessor gives a terminated string, the kind is a known one, the exit
 * code and signal are -1 or not negative, and keys pair with values. */
#include "fuzz.h"

#include "lib/engines/engineapi/eapi_events_parse.h"

#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	const events_dialect *d = (data[0] & 1) ? &eapi_podman_events_dialect : &eapi_docker_events_dialect;
	berth_event *ev = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = engineapi_parse_event(&ev, body, len, d, &err);
	if (r == 0) {
		if (!ev)
			abort();
		berth_event_kind k = berth_event_get_kind(ev);
		if (k < BERTH_EVENT_OTHER || k > BERTH_EVENT_DESTROYED)
			abort();   /* DISCONNECTED / RECONNECTED come from berth only */
		fuzz_use(berth_event_kind_name(k));
		fuzz_use(berth_event_type(ev));
		fuzz_use(berth_event_action(ev));
		fuzz_use(berth_event_id(ev));
		fuzz_use(berth_event_name(ev));
		fuzz_use(berth_event_image(ev));
		if (berth_event_exit_code(ev) < -1 || berth_event_signal(ev) < -1)
			abort();
		if (k != BERTH_EVENT_DIED && berth_event_exit_code(ev) != -1)
			abort();
		size_t n = berth_event_attribute_count(ev);
		for (size_t i = 0; i < n; i++) {
			fuzz_use(berth_event_attribute_key(ev, i));
			fuzz_use(berth_event_attribute_value(ev, i));
		}
		if (berth_event_attribute_key(ev, n) || berth_event_attribute_value(ev, n))
			abort();
		event_free(ev);
	} else if (r != BERTH_EPROTOCOL && r != BERTH_ENOMEM) {
		abort();
	} else if (ev) {
		abort();
	}
	if (data[0] & 2) {
		char *text = strndup(body, len);
		int64_t ns;
		if (text && berth_time_parse(&ns, text, &err) == 0 && ns < 0)
			abort();
		free(text);
	}
	free(body);
	return 0;
}
