/* Fuzz target: the containerd event envelope decoder
 * (src/lib/engines/containerd/ctrd_events.c): protobuf bytes of an Envelope
 * whose Any holds a task or container event.
 *
 * What must hold whatever the bytes: no crash, leak or overread; success
 * or BERTH_EPROTOCOL (or ENOMEM) only; on success every string accessor
 * gives a terminated string, the kind is an engine kind, the exit code is
 * -1 except on DIED, and keys pair with values. */
#include "fuzz.h"

#include "lib/engines/containerd/ctrd_events.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *body = malloc(size ? size : 1);
	if (!body)
		return 0;
	if (size)
		memcpy(body, data, size);
	berth_event *ev = NULL;
	char *ns = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = ctrd_parse_envelope(&ev, &ns, body, size, &err);
	if (r == 0) {
		if (!ev || !ns)
			abort();
		berth_event_kind k = berth_event_get_kind(ev);
		if (k < BERTH_EVENT_OTHER || k > BERTH_EVENT_DESTROYED)
			abort();
		fuzz_use(berth_event_type(ev));
		fuzz_use(berth_event_action(ev));
		fuzz_use(berth_event_id(ev));
		fuzz_use(berth_event_name(ev));
		fuzz_use(berth_event_image(ev));
		fuzz_use(ns);
		if (k != BERTH_EVENT_DIED && berth_event_exit_code(ev) != -1)
			abort();
		size_t n = berth_event_attribute_count(ev);
		for (size_t i = 0; i < n; i++) {
			fuzz_use(berth_event_attribute_key(ev, i));
			fuzz_use(berth_event_attribute_value(ev, i));
		}
		event_free(ev);
		free(ns);
	} else if (r != BERTH_EPROTOCOL && r != BERTH_ENOMEM) {
		abort();
	} else if (ev || ns) {
		abort();
	}
	free(body);
	return 0;
}
