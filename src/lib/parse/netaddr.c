/* Addresses, subnets and names of networks: see netaddr.h. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>

int net_addr_parse(net_addr *out, const char *text, const char *what, berth_error *err)
{
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "%s: empty address", what);
	net_addr a = { 0 };
	if (inet_pton(AF_INET, text, a.bytes) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\" is not an IPv4 or IPv6 address", what, text);
	*out = a;
	return 0;
}

/* Clear the bits of a beyond prefix. */
static void mask(net_addr *a, unsigned prefix)
{
	size_t n = a->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
		a->bytes[i] &= (unsigned char)(0xff00u >> keep);
	}
}

int net_cidr_parse(net_cidr *out, const char *text, const char *what, berth_error *err)
{
	if (isempty(text))
		return berth_fail(err, BERTH_EINVAL, "%s: empty subnet", what);
	const char *slash = strchr(text, '/');
	if (!slash || slash == text || strlen(text) > 64)
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\" is not a subnet ADDRESS/PREFIX", what, text);
	char host[65];
	snprintf(host, sizeof host, "%.*s", (int)(slash - text), text);
	net_cidr c = { { 0 }, 0 };
	int r = net_addr_parse(&c.base, host, what, err);
	if (r < 0)
		return r;
	unsigned max = c.base.family == AF_INET ? 32 : 128, prefix = 0;
	const char *p = slash + 1;
	if (!*p || strlen(p) > 3)
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\": the prefix length is missing or too long", what, text);
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\": the prefix length is not a number", what, text);
		prefix = prefix * 10 + (unsigned)(*p - '0');
	}
	if (prefix > max)
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\": a prefix of at most %u bits", what, text, max);
	c.prefix = prefix;
	net_addr base = c.base;
	mask(&base, prefix);
	if (memcmp(base.bytes, c.base.bytes, sizeof base.bytes) != 0) {
		char meant[INET6_ADDRSTRLEN];
		inet_ntop(base.family, base.bytes, meant, sizeof meant);
		return berth_fail(err, BERTH_EINVAL, "%s: \"%.64s\" has bits set beyond the prefix (%s/%u?)", what, text,
				  meant, prefix);
	}
	*out = c;
	return 0;
}

bool net_cidr_contains(const net_cidr *c, const net_addr *a)
{
	if (a->family != c->base.family)
		return false;
	net_addr x = *a;
	mask(&x, c->prefix);
	return memcmp(x.bytes, c->base.bytes, sizeof x.bytes) == 0;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '.' || ch == '-';
}

bool net_name_ok(const char *name, size_t max)
{
	if (isempty(name) || strlen(name) > max || !name_char(name[0]) || strchr("_.-", name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!name_char(*p))
			return false;
	return true;
}
