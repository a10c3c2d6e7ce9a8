/* Fuzz target: what berth reads back in the containerd backend's bridge
 * network (src/lib/engines/containerd/ctrd_cniconf.c): a CNI plugin's result
 * and error replies, berth's port label and its network record, and a
 * result handed on as the next plugin's prevResult.
 *
 * A record also says where the interface is (its name, its network, the
 * names peers resolve it by); those must survive the round trip too.
 *
 * The first byte picks the parser. What must hold: no crash, leak or
 * overread on any bytes; what parses has an address without a prefix, a
 * prefix 0..32, ports in range; a parsed record formats and parses again
 * to the same values. */
#include "fuzz.h"

#include "lib/engines/containerd/ctrd_cni.h"

static void check_net(const cni_net *n)
{
	if (n->prefix < 0 || n->prefix > 32 || strchr(n->ip, '/') || strlen(n->ip) >= sizeof n->ip)
		abort();
	for (size_t i = 0; i < n->n_ports; i++)
		if (n->ports[i].host_port < 0 || n->ports[i].host_port > 65535 || n->ports[i].container_port < 1 ||
		    n->ports[i].container_port > 65535)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	switch (data[0] % 5) {
	case 0: {
		cni_net n = { 0 };
		if (ctrd_cni_result_parse(&n, body, len, NULL) == 0)
			check_net(&n);
		ctrd_cni_net_release(&n);
		break;
	}
	case 1: {
		char msg[256];
		int code = ctrd_cni_error_text(msg, sizeof msg, body, len);
		if (code >= 0 && strlen(msg) >= sizeof msg)
			abort();
		break;
	}
	case 2: {
		cni_port *p = NULL;
		size_t n = 0;
		if (ctrd_cni_ports_parse(&p, &n, body, len, NULL) == 0) {
			cni_net net = { .ports = p, .n_ports = n, .prefix = 24 };
			check_net(&net);
		}
		free(p);
		break;
	}
	case 3: {
		cni_net n = { 0 }, again = { 0 };
		char *text = NULL;
		if (ctrd_cni_net_parse(&n, body, len, NULL) == 0) {
			check_net(&n);
			if (ctrd_cni_net_format(&text, &n) == 0) {
				if (ctrd_cni_net_parse(&again, text, strlen(text), NULL) < 0 ||
				    strcmp(again.ip, n.ip) || again.prefix != n.prefix || again.n_ports != n.n_ports ||
				    strcmp(again.ifname, n.ifname) || strcmp(again.def.id, n.def.id) ||
				    strcmp(again.def.bridge, n.def.bridge) || strcmp(again.names, n.names) ||
				    again.primary != n.primary || again.def.internal != n.def.internal)
					abort();
				if (strlen(n.def.bridge) > 15 || strchr(n.names, '\n'))
					abort();
			}
		}
		free(text);
		ctrd_cni_net_release(&n);
		ctrd_cni_net_release(&again);
		break;
	}
	default: {
		/* a result as the next plugin's prevResult: NUL-terminated text */
		char *text = malloc(len + 1);
		char *conf = NULL;
		if (text) {
			memcpy(text, body, len);
			text[len] = '\0';
			(void)ctrd_cni_plugin_conf(&conf, 1, text, NULL, 0, NULL);
		}
		free(conf);
		free(text);
		break;
	}
	}
	free(body);
	return 0;
}
