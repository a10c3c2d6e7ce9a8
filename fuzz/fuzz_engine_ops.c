/* Fuzz target: the Engine API reply parsers of the container operations
 * (engineapi/eapi_parse.c): wait, prune, update warnings, and the published
 * ports of an inspect reply with their accessors.
 *
 * The first byte picks the parser, the rest is the reply body:
 *   'w' wait   'p' prune   'u' update warnings   anything else: inspect
 * (ports). The body lives in an exactly sized heap block with no NUL. */
#include "fuzz.h"

#include "lib/engines/engineapi/eapi_parse.h"

#include <stdlib.h>
#include <string.h>

static size_t sink;
static void use(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void check_wait(const char *body, size_t len)
{
	int code = 0;
	char msg[32];
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_wait(&code, msg, sizeof msg, body, len, "wait", &err) < 0) {
		use(err.message);
		return;
	}
	if (!memchr(msg, '\0', sizeof msg))
		abort();
	use(msg);
	sink += (size_t)code;
}

static void check_prune(const char *body, size_t len)
{
	berth_prune_result *r = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_prune(&r, body, len, &err) < 0) {
		use(err.message);
		return;
	}
	size_t n = berth_prune_result_count(r);
	for (size_t i = 0; i < n; i++)
		use(berth_prune_result_id(r, i));
	if (berth_prune_result_id(r, n))
		abort();
	sink += (size_t)berth_prune_result_space_reclaimed(r);
	berth_prune_result_free(r);
}

static void check_warnings(const char *body, size_t len)
{
	strv v = STRV_INIT;
	if (engineapi_parse_warnings(&v, body, len) == 0)
		for (size_t i = 0; i < v.len; i++)
			use(v.items[i]);
	strv_release(&v);
}

/* Bindings come sorted, in range, with their strings. */
static void check_ports(const char *body, size_t len)
{
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_inspect(&x, body, len, "inspect", &err) < 0) {
		use(err.message);
		return;
	}
	size_t n = berth_container_info_port_count(x);
	for (size_t i = 0; i < n; i++) {
		int c = berth_container_info_port_container_port(x, i), h = berth_container_info_port_host_port(x, i);
		if (c < 1 || c > 65535 || h < 1 || h > 65535)
			abort();
		if (i > 0 && berth_container_info_port_container_port(x, i - 1) > c)
			abort();
		use(berth_container_info_port_proto(x, i));
		use(berth_container_info_port_host_ip(x, i));
	}
	if (berth_container_info_port_proto(x, n) || berth_container_info_port_host_port(x, n))
		abort();
	berth_container_info_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t len = size - 1;
	char *body = malloc(len ? len : 1);
	if (!body)
		return 0;
	if (len)
		memcpy(body, data + 1, len);
	switch (data[0]) {
	case 'w': check_wait(body, len); break;
	case 'p': check_prune(body, len); break;
	case 'u': check_warnings(body, len); break;
	default: check_ports(body, len); break;
	}
	free(body);
	return 0;
}
