/* ctrd_cniconf.c: the pure half of the CNI network (see ctrd_cni.h): plugin
 * configurations out, plugin results, errors and berth's records in. No
 * I/O. */
#include "ctrd_cni.h"
#include "lib/parse/json_util.h"
#include "lib/parse/netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>


static const char *const plugin_types[CNI_N_PLUGINS] = { "bridge", "portmap", "firewall" };

const char *ctrd_cni_plugin_type(size_t i)
{
	return i < CNI_N_PLUGINS ? plugin_types[i] : NULL;
}

void ctrd_cni_net_release(cni_net *n)
{
	free(n->ports);
	free(n->names);
	*n = (cni_net){ 0 };
}

/* berth's bridges are IPv4: an address in a record is checked as one (it
 * reaches iptables rules and /etc/hosts), not taken as text. */
static bool ipv4_ok(const char *s)
{
	struct in_addr a;
	return s && inet_pton(AF_INET, s, &a) == 1;
}

static bool ipv4_cidr_ok(const char *s)
{
	net_cidr c;
	return s && strlen(s) < 48 && net_cidr_parse(&c, s, "subnet", NULL) == 0 && c.base.family == AF_INET;
}

void ctrd_cni_netdef_default(cni_netdef *d)
{
	*d = (cni_netdef){ .internal = false };
	snprintf(d->cni_name, sizeof d->cni_name, "%s", CNI_NETWORK);
	snprintf(d->bridge, sizeof d->bridge, "%s", CNI_BRIDGE);
	snprintf(d->subnet, sizeof d->subnet, "%s", CNI_SUBNET);
	snprintf(d->gateway, sizeof d->gateway, "%s", CNI_GATEWAY);
}

int ctrd_cni_netdef_named(cni_netdef *d, const char *id, const char *subnet, const char *gateway, bool internal)
{
	size_t n = strlen(strempty(id));
	if (n < 12 || n >= sizeof d->id || strspn(id, "0123456789abcdef") != n || !ipv4_cidr_ok(subnet) ||
	    !ipv4_ok(gateway))
		return -EINVAL;
	*d = (cni_netdef){ .internal = internal };
	memcpy(d->id, id, n + 1);
	snprintf(d->cni_name, sizeof d->cni_name, "berth-%.12s", id);
	snprintf(d->bridge, sizeof d->bridge, "bn-%.12s", id);
	snprintf(d->subnet, sizeof d->subnet, "%s", subnet);
	snprintf(d->gateway, sizeof d->gateway, "%s", gateway);
	return 0;
}

static const char *proto_name(berth_proto p)
{
	return p == BERTH_PROTO_UDP ? "udp" : p == BERTH_PROTO_SCTP ? "sctp" : "tcp";
}

/* [{"hostIP":..,"hostPort":..,"containerPort":..,"protocol":..}] */
static json_t *ports_json(const cni_port *ports, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		json_t *o = json_pack("{s:i,s:i,s:s}", "hostPort", ports[i].host_port, "containerPort",
				      ports[i].container_port, "protocol", ports[i].proto);
		if (o && ports[i].host_ip[0] && json_object_set_new(o, "hostIP", json_string(ports[i].host_ip)) < 0) {
			json_decref(o);
			o = NULL;
		}
		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Plugin i of network d. The route out goes to the primary interface of
 * a network that is not internal; an internal one gets no masquerade. */
static json_t *plugin_json(size_t i, const cni_netdef *d, bool primary)
{
	switch (i) {
	case 0: {
		bool out = primary && !d->internal;
		json_t *routes = out ? json_pack("[{s:s}]", "dst", "0.0.0.0/0") : json_array();
		return json_pack("{s:s,s:s,s:b,s:b,s:b,s:{s:s,s:[[{s:s,s:s}]],s:o,s:s}}", "type", "bridge", "bridge",
				 d->bridge, "isGateway", 1, "ipMasq", !d->internal, "hairpinMode", 1, "ipam", "type",
				 "host-local", "ranges", "subnet", d->subnet, "gateway", d->gateway, "routes", routes,
				 "dataDir", CNI_DATA_DIR);
	}
	case 1:
		return json_pack("{s:s,s:{s:b}}", "type", "portmap", "capabilities", "portMappings", 1);
	default:
		return json_pack("{s:s}", "type", plugin_types[i < CNI_N_PLUGINS ? i : 2]);
	}
}

int ctrd_cni_conflist(char **out, const cni_netdef *d)
{
	_cleanup_json_ json_t *plugins = json_array();
	for (size_t i = 0; plugins && i < CNI_N_PLUGINS; i++)
		if (json_array_append_new(plugins, plugin_json(i, d, true)) < 0)
			return -ENOMEM;
	_cleanup_json_ json_t *o = plugins ? json_pack("{s:s,s:s,s:O}", "cniVersion", CNI_VERSION, "name", d->cni_name,
						       "plugins", plugins)
					   : NULL;
	char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
	if (!text)
		return -ENOMEM;
	*out = text;
	return 0;
}

int ctrd_cni_plugin_conf(char **out, size_t i, const char *prev_result, const cni_port *ports, size_t n_ports,
			 berth_error *err)
{
	return ctrd_cni_plugin_conf_on(out, i, NULL, true, prev_result, ports, n_ports, err);
}

int ctrd_cni_plugin_conf_on(char **out, size_t i, const cni_netdef *d, bool primary, const char *prev_result,
			    const cni_port *ports, size_t n_ports, berth_error *err)
{
	cni_netdef def;
	if (!d) {
		ctrd_cni_netdef_default(&def);
		d = &def;
	}
	_cleanup_json_ json_t *prev = NULL;
	if (prev_result) {
		json_error_t jerr;
		prev = json_loads(prev_result, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(prev))
			return berth_fail(err, BERTH_EPROTOCOL, "CNI %s: the previous plugin's result is no JSON object",
					  strempty(ctrd_cni_plugin_type(i)));
	}
	_cleanup_json_ json_t *conf = plugin_json(i, d, primary);
	if (!conf || json_object_set_new(conf, "cniVersion", json_string(CNI_VERSION)) < 0 ||
	    json_object_set_new(conf, "name", json_string(d->cni_name)) < 0 ||
	    (prev && json_object_set(conf, "prevResult", prev) < 0))
		return BERTH_NOMEM(err);
	if (i == CNI_PORTMAP) {
		json_t *pm = ports_json(ports, n_ports);
		if (!pm || json_object_set_new(conf, "runtimeConfig", json_pack("{s:o}", "portMappings", pm)) < 0)
			return BERTH_NOMEM(err);
	}
	char *text = json_dumps(conf, JSON_COMPACT);
	if (!text)
		return BERTH_NOMEM(err);
	*out = text;
	return 0;
}

static bool copy_str(char *out, size_t size, const char *s)
{
	if (!s || strlen(s) >= size)
		return false;
	memcpy(out, s, strlen(s) + 1);
	return true;
}

/* A network interface's name that is safe in a /sys path. */
static bool if_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= 16 || STREQ(s, ".") || STREQ(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

int ctrd_cni_result_parse(cni_net *out, const char *json, size_t len, berth_error *err)
{
	return ctrd_cni_result_parse_on(out, json, len, CNI_IFNAME, CNI_BRIDGE, err);
}

int ctrd_cni_result_parse_on(cni_net *out, const char *json, size_t len, const char *ifname, const char *bridge,
			     berth_error *err)
{
	json_error_t jerr;
	_cleanup_json_ json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "CNI result: not a JSON object");
	json_t *ifaces = json_object_get(root, "interfaces"), *ips = json_object_get(root, "ips");
	size_t i;
	json_t *ip;
	json_array_foreach(ips, i, ip) {
		const char *addr = json_string_value(json_object_get(ip, "address"));
		if (!addr || !strchr(addr, '.') || strchr(addr, ':'))
			continue;
		cni_net n = { .prefix = 32 };
		size_t al = strcspn(addr, "/");
		if (al >= sizeof n.ip)
			continue;
		memcpy(n.ip, addr, al);
		n.ip[al] = '\0';
		if (addr[al] == '/') {
			char *end;
			long p = strtol(addr + al + 1, &end, 10);
			if (*end || end == addr + al + 1 || p < 0 || p > 32)
				continue;
			n.prefix = (int)p;
		}
		const char *gw = json_string_value(json_object_get(ip, "gateway"));
		if (gw && !copy_str(n.gateway, sizeof n.gateway, gw))
			continue;
		/* the interface the address is on: its index, else the one
		 * named CNI_IFNAME inside a sandbox */
		json_t *idx = json_object_get(ip, "interface"), *iface = NULL;
		if (json_is_integer(idx) && json_integer_value(idx) >= 0)
			iface = json_array_get(ifaces, (size_t)json_integer_value(idx));
		size_t k;
		json_t *f;
		json_array_foreach(ifaces, k, f)
			if (!iface && json_string_value(json_object_get(f, "sandbox")) &&
			    STREQ(strempty(json_string_value(json_object_get(f, "name"))), ifname))
				iface = f;
		const char *mac = json_string_value(json_object_get(iface, "mac"));
		if (mac)
			(void)copy_str(n.mac, sizeof n.mac, mac);
		/* the host's end: no sandbox, not the bridge */
		json_array_foreach(ifaces, k, f) {
			const char *name = json_string_value(json_object_get(f, "name"));
			if (name && !json_object_get(f, "sandbox") && !STREQ(name, bridge) && if_name_ok(name)) {
				memcpy(n.host_if, name, strlen(name) + 1);
				break;
			}
		}
		n.ports = out->ports;
		n.n_ports = out->n_ports;
		n.names = out->names;
		n.def = out->def;
		n.primary = out->primary;
		memcpy(n.ifname, out->ifname, sizeof n.ifname);
		*out = n;
		return 0;
	}
	return berth_fail(err, BERTH_EPROTOCOL, "CNI result: no IPv4 address");
}

int ctrd_cni_error_text(char *out, size_t size, const char *json, size_t len)
{
	json_error_t jerr;
	_cleanup_json_ json_t *root = json_loadb(json, len, 0, &jerr);
	json_t *code = json_object_get(root, "code");
	const char *msg = json_string_value(json_object_get(root, "msg"));
	if (!json_is_integer(code) || !msg || json_integer_value(code) < 0 || json_integer_value(code) > 1000000)
		return -1;
	const char *details = json_string_value(json_object_get(root, "details"));
	if (size)
		snprintf(out, size, "%s%s%s", msg, !isempty(details) ? ": " : "", strempty(details));
	return (int)json_integer_value(code);
}

int ctrd_cni_ports_format(char **out, const spec_port *ports, size_t n)
{
	cni_port p[n ? n : 1];
	for (size_t i = 0; i < n; i++) {
		p[i] = (cni_port){ .host_port = ports[i].host_port, .container_port = ports[i].container_port };
		snprintf(p[i].proto, sizeof p[i].proto, "%s", proto_name(ports[i].proto));
		if (ports[i].host_ip && !copy_str(p[i].host_ip, sizeof p[i].host_ip, ports[i].host_ip))
			return -EINVAL;
	}
	_cleanup_json_ json_t *a = ports_json(p, n);
	char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
	if (!text)
		return -ENOMEM;
	*out = text;
	return 0;
}

static int ports_from(cni_port **out, size_t *n, json_t *a, berth_error *err)
{
	if (!json_is_array(a))
		return berth_fail(err, BERTH_EPROTOCOL, "CNI ports: not a JSON array");
	size_t len = json_array_size(a);
	_cleanup_free_ cni_port *p = calloc(len ? len : 1, sizeof *p);
	if (!p)
		return BERTH_NOMEM(err);
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o) {
		json_t *hp = json_object_get(o, "hostPort"), *cp = json_object_get(o, "containerPort");
		const char *proto = json_string_value(json_object_get(o, "protocol"));
		const char *ip = json_string_value(json_object_get(o, "hostIP"));
		if (!json_is_integer(hp) || !json_is_integer(cp) || json_integer_value(hp) < 0 ||
		    json_integer_value(hp) > 65535 || json_integer_value(cp) < 1 || json_integer_value(cp) > 65535 ||
		    !proto || !(STREQ(proto, "tcp") || STREQ(proto, "udp") || STREQ(proto, "sctp")) ||
		    (ip && !copy_str(p[i].host_ip, sizeof p[i].host_ip, ip)))
			return berth_fail(err, BERTH_EPROTOCOL, "CNI ports: entry %zu is malformed", i);
		p[i].host_port = (int)json_integer_value(hp);
		p[i].container_port = (int)json_integer_value(cp);
		snprintf(p[i].proto, sizeof p[i].proto, "%s", proto);
	}
	*out = TAKE_PTR(p);
	*n = len;
	return 0;
}

int ctrd_cni_ports_parse(cni_port **out, size_t *n, const char *text, size_t len, berth_error *err)
{
	if (!text || !len) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	json_error_t jerr;
	_cleanup_json_ json_t *a = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	return ports_from(out, n, a, err);
}

int ctrd_cni_net_format(char **out, const cni_net *n)
{
	json_t *pm = ports_json(n->ports, n->n_ports);
	_cleanup_json_ json_t *o = pm ? json_pack("{s:s,s:i,s:s,s:s,s:s,s:o}", "ip", n->ip, "prefix", n->prefix,
						  "gateway", n->gateway, "mac", n->mac, "hostInterface", n->host_if,
						  "portMappings", pm)
				     : NULL;
	/* where it is: old records without these are the default bridge's eth0 */
	if (o && n->ifname[0] &&
	    (json_object_set_new(o, "ifname", json_string(n->ifname)) < 0 ||
	     json_object_set_new(o, "primary", json_boolean(n->primary)) < 0 ||
	     json_object_set_new(o, "names", json_string(strempty(n->names))) < 0 ||
	     json_object_set_new(o, "network",
				 json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "id", n->def.id, "cniName", n->def.cni_name,
					   "bridge", n->def.bridge, "subnet", n->def.subnet, "gateway",
					   n->def.gateway, "internal", n->def.internal)) < 0)) {
		json_decref(o);
		o = NULL;
	}
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!text)
		return -ENOMEM;
	*out = text;
	return 0;
}

/* The "network" object of a record: a named network's or the default. */
static bool netdef_from(cni_netdef *d, json_t *o)
{
	if (!o) {
		ctrd_cni_netdef_default(d);
		return true;
	}
	const char *id = json_string_value(json_object_get(o, "id"));
	json_t *internal = json_object_get(o, "internal");
	if (!id || !json_is_boolean(internal))
		return false;
	if (!*id) {
		ctrd_cni_netdef_default(d);
		return true;
	}
	return ctrd_cni_netdef_named(d, id, json_string_value(json_object_get(o, "subnet")),
				     json_string_value(json_object_get(o, "gateway")), json_is_true(internal)) == 0;
}

/* Names of a record: [a-zA-Z0-9_.-] words with single spaces between. */
static bool names_ok(const char *s)
{
	if (strlen(s) > 4096)
		return false;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-' ||
		      (*p == ' ' && p > s && p[1] && p[1] != ' ')))
			return false;
	return true;
}

int ctrd_cni_net_parse(cni_net *out, const char *json, size_t len, berth_error *err)
{
	json_error_t jerr;
	_cleanup_json_ json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	cni_net n = { 0 };
	json_t *prefix = json_object_get(o, "prefix");
	if (!json_is_object(o) || !copy_str(n.ip, sizeof n.ip, json_string_value(json_object_get(o, "ip"))) ||
	    !ipv4_ok(n.ip) ||
	    !copy_str(n.gateway, sizeof n.gateway, json_string_value(json_object_get(o, "gateway"))) ||
	    (n.gateway[0] && !ipv4_ok(n.gateway)) ||
	    !copy_str(n.mac, sizeof n.mac, json_string_value(json_object_get(o, "mac"))) || !json_is_integer(prefix) ||
	    json_integer_value(prefix) < 0 || json_integer_value(prefix) > 32)
		return berth_fail(err, BERTH_EPROTOCOL, "berth's network record: malformed");
	n.prefix = (int)json_integer_value(prefix);
	const char *host_if = json_string_value(json_object_get(o, "hostInterface"));
	if (host_if && if_name_ok(host_if))
		memcpy(n.host_if, host_if, strlen(host_if) + 1);
	const char *ifname = json_string_value(json_object_get(o, "ifname"));
	const char *names = json_string_value(json_object_get(o, "names"));
	json_t *primary = json_object_get(o, "primary");
	/* the names go into peers' /etc/hosts: checked in every record */
	if ((names && !names_ok(names)) ||
	    (ifname ? !if_name_ok(ifname) || !names || !json_is_boolean(primary) ||
			      !netdef_from(&n.def, json_object_get(o, "network"))
		    : !netdef_from(&n.def, NULL)))
		return berth_fail(err, BERTH_EPROTOCOL, "berth's network record: malformed");
	snprintf(n.ifname, sizeof n.ifname, "%s", ifname ? ifname : CNI_IFNAME);
	n.primary = ifname ? json_is_true(primary) : true;
	if (!(n.names = strdup(names ? names : "")))
		return BERTH_NOMEM(err);
	int r = ports_from(&n.ports, &n.n_ports, json_object_get(o, "portMappings"), err);
	if (r < 0) {
		free(n.names);
		return r;
	}
	*out = n;
	return 0;
}

int ctrd_cni_hosts_with_ip(char **out, const char *hosts, const char *hostname, const char *ip)
{
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	bool done = false;
	size_t hl = strlen(hostname);
	int r = 0;
	for (const char *line = strempty(hosts); *line && r == 0;) {
		size_t n = strcspn(line, "\n");
		size_t a = strcspn(line, " \t");
		const char *name = line + a;
		while (name < line + n && (*name == ' ' || *name == '\t'))
			name++;
		bool mine = !done && a < n && (size_t)(line + n - name) == hl && hl && memcmp(name, hostname, hl) == 0;
		if (mine) {
			r = sbuf_printf(&t, "%s\t%s\n", ip, hostname);
			done = true;
		} else {
			r = sbuf_add(&t, line, n) || sbuf_addc(&t, '\n');
		}
		line += n + (line[n] ? 1 : 0);
	}
	if (r == 0 && !done)
		r = sbuf_printf(&t, "%s\t%s\n", ip, hostname);
	if (r < 0 || !(*out = sbuf_steal(&t)))
		return -ENOMEM;
	return 0;
}

bool ctrd_cni_port_clash(const cni_port *p, int port, const cni_port *q)
{
	if (port != q->host_port || !STREQ(p->proto, q->proto))
		return false;
	bool p_any = !p->host_ip[0] || STREQ(p->host_ip, "0.0.0.0") || STREQ(p->host_ip, "::");
	bool q_any = !q->host_ip[0] || STREQ(q->host_ip, "0.0.0.0") || STREQ(q->host_ip, "::");
	return p_any || q_any || STREQ(p->host_ip, q->host_ip);
}

/* Whether s is one word of a hosts line: [a-zA-Z0-9_.-]+. */
static bool host_word_ok(const char *s, size_t n)
{
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

int ctrd_cni_hosts_with_peers(char **out, const char *base, const char *hostname, const char *own_ip,
			      const cni_peer *peers, size_t n)
{
	_cleanup_free_ char *head = NULL;
	if (own_ip && ipv4_ok(own_ip) && !isempty(hostname)) {
		if (ctrd_cni_hosts_with_ip(&head, base, hostname, own_ip) < 0)
			return -ENOMEM;
	} else if (!(head = strdup(strempty(base)))) {
		return -ENOMEM;
	}
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	int r = sbuf_adds(&t, head);
	if (r == 0 && t.len && t.data[t.len - 1] != '\n')
		r = sbuf_addc(&t, '\n');
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!ipv4_ok(peers[i].ip))
			continue;
		_cleanup_sbuf_ sbuf line = SBUF_INIT;
		for (const char *p = strempty(peers[i].names); *p && r == 0;) {
			size_t k = strcspn(p, " ");
			if (host_word_ok(p, k))
				r = sbuf_printf(&line, "%s%.*s", line.len ? " " : "", (int)k, p);
			p += k;
			while (*p == ' ')
				p++;
		}
		if (r == 0 && line.len)
			r = sbuf_printf(&t, "%s\t%s\n", peers[i].ip, line.data);
	}
	if (r < 0 || !(*out = t.data ? sbuf_steal(&t) : strdup("")))
		return -ENOMEM;
	return 0;
}

/* The first and last address of an IPv4 subnet, host order. */
static bool v4_range(const char *cidr, uint32_t *lo, uint32_t *hi)
{
	net_cidr c;
	if (!cidr || net_cidr_parse(&c, cidr, "subnet", NULL) < 0 || c.base.family != AF_INET)
		return false;
	uint32_t a = (uint32_t)c.base.bytes[0] << 24 | (uint32_t)c.base.bytes[1] << 16 | (uint32_t)c.base.bytes[2] << 8 |
		     c.base.bytes[3];
	uint32_t mask = c.prefix ? ~(uint32_t)0 << (32 - c.prefix) : 0;
	*lo = a & mask;
	*hi = *lo | ~mask;
	return true;
}

bool ctrd_cni_subnets_overlap(const char *a, const char *b)
{
	uint32_t alo, ahi, blo, bhi;
	return v4_range(a, &alo, &ahi) && v4_range(b, &blo, &bhi) && alo <= bhi && blo <= ahi;
}

int ctrd_cni_pick_subnet(char out[20], const char *const *taken, size_t n)
{
	for (int third = 0; third < 256; third++) {
		char cand[20];
		snprintf(cand, sizeof cand, "10.90.%d.0/24", third);
		bool free_ = true;
		for (size_t i = 0; free_ && i < n; i++)
			if (ctrd_cni_subnets_overlap(cand, taken[i]))
				free_ = false;
		if (free_) {
			memcpy(out, cand, strlen(cand) + 1);
			return 0;
		}
	}
	return -ENOSPC;
}

int ctrd_cni_first_host(char out[16], const char *subnet)
{
	uint32_t lo, hi;
	if (!v4_range(subnet, &lo, &hi) || hi - lo < 2)
		return -EINVAL;
	uint32_t g = lo + 1;
	snprintf(out, 16, "%u.%u.%u.%u", g >> 24, (g >> 16) & 0xff, (g >> 8) & 0xff, g & 0xff);
	return 0;
}
