/* Fuzz target: the network parsers. The same input as an Engine API
 * network inspect reply, list reply and prune reply
 * (parse/network_json.c), and as the words berth checks before a request
 * (parse/netaddr.c: an address, a subnet, a name). */
#include "fuzz.h"
#include "lib/parse/netaddr.h"
#include "lib/parse/network_json.h"

#include <stdlib.h>
#include <sys/socket.h>

static void use_info(const berth_network_info *n)
{
	if (!berth_network_info_id(n) || !berth_network_info_name(n) || !berth_network_info_raw_json(n) ||
	    !berth_network_info_created(n) || !berth_network_info_driver(n))
		abort();
	if (berth_network_info_subnet_count(n) && !berth_network_info_gateway(n, berth_network_info_subnet_count(n) - 1))
		abort();
	for (size_t i = 0; i < berth_network_info_container_count(n); i++) {
		fuzz_use(berth_network_info_container_name(n, i));
		fuzz_use(berth_network_info_container_ipv4(n, i));
		fuzz_use(berth_network_info_container_ipv6(n, i));
		if (i && strcmp(berth_network_info_container_name(n, i - 1), berth_network_info_container_name(n, i)) > 0)
			abort();
	}
	for (size_t i = 0; i < berth_network_info_label_count(n); i++)
		if (berth_network_info_label(n, berth_network_info_label_key(n, i)) != berth_network_info_label_value(n, i))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	berth_network_info *n = NULL;
	if (network_info_parse(&n, s, size, NULL) == 0) {
		use_info(n);
		berth_network_info_free(n);
	}
	berth_network_list *l = NULL;
	if (network_list_parse(&l, s, size, NULL) == 0) {
		for (size_t i = 0; i < berth_network_list_count(l); i++)
			use_info(berth_network_list_at(l, i));
		berth_network_list_free(l);
	}
	berth_prune_result *p = NULL;
	if (network_prune_parse(&p, s, size, NULL) == 0) {
		for (size_t i = 0; i < berth_prune_result_count(p); i++)
			fuzz_use(berth_prune_result_id(p, i));
		berth_prune_result_free(p);
	}
	/* the words: a NUL-terminated copy */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	net_addr a;
	net_cidr c;
	bool addr = net_addr_parse(&a, text, "fuzz", NULL) == 0;
	if (net_cidr_parse(&c, text, "fuzz", NULL) == 0) {
		if (c.prefix > (c.base.family == AF_INET ? 32u : 128u) || !net_cidr_contains(&c, &c.base))
			abort();
		if (addr)
			abort(); /* no text is both */
	}
	fuzz_use(net_name_ok(text, 128) ? "y" : "n");
	free(text);
	return 0;
}
