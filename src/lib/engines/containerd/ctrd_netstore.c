/* berth's network store for containerd: see ctrd_netstore.h. A record is
 * written under a hidden name and linked into place, so that a name is
 * taken once and nobody reads half of a record; creations hold a lock on
 * the namespace's store while they look for a free subnet. */
#include "ctrd_netstore.h"
#include "lib/parse/network_json.h"

#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include "lib/parse/json_util.h"

#include <jansson.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECORD_MAX (1 << 20)

/* $BERTH_CONTAINERD_NETWORK_DIR or the default, then /<namespace>. */
static int store_dir(char *out, size_t size, const berth_client *c)
{
	return ctrd_store_dir(out, size, c, "BERTH_CONTAINERD_NETWORK_DIR", "/var/lib/berth/containerd/networks");
}

/* A record's file by network name; the name has passed net_name_ok, so
 * it is a plain file name (no '/', never ".", ".."). */
static int record_path(char *out, size_t size, const char *dir, const char *name, const char *ext)
{
	int n = snprintf(out, size, "%s/%s.%s", dir, name, ext);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int read_record(berth_network_info **out, const char *path, berth_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, RECORD_MAX, &text, &len);
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? BERTH_ENOTFOUND
						     : berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "network store %s: %s",
								       path, strerror(-r));
	berth_error e = BERTH_ERROR_INIT;
	r = network_info_parse(out, text, len, &e);
	return r < 0 ? berth_fail(err, r, "network store %s: %s", path, e.message) : 0;
}

int ctrd_netstore_list(berth_network_list **out, const berth_client *c, berth_error *err)
{
	char dir[3072];
	if (store_dir(dir, sizeof dir, c) < 0)
		return berth_fail(err, BERTH_EINVAL, "network: the store's path is too long");
	berth_network_list *l = calloc(1, sizeof *l);
	if (!l)
		return BERTH_NOMEM(err);
	DIR *d = opendir(dir);
	size_t cap = 0;
	int r = 0;
	for (struct dirent *e; r == 0 && d && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 6 || !STREQ(e->d_name + n - 5, ".json"))
			continue; /* ".", "..", records being written, conflists */
		if (l->len == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			berth_network_info *grown = realloc(l->items, ncap * sizeof *grown);
			if (!grown) {
				r = BERTH_NOMEM(err);
				break;
			}
			l->items = grown;
			cap = ncap;
		}
		char path[4096];
		berth_network_info *one = NULL;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
		    read_record(&one, path, NULL) < 0)
			continue; /* removed meanwhile, or not berth's */
		l->items[l->len++] = *one;
		free(one);
	}
	if (d)
		closedir(d);
	if (r < 0) {
		berth_network_list_free(l);
		return r;
	}
	for (size_t i = 1; i < l->len; i++) /* by name: few networks */
		for (size_t k = i; k > 0 && strcmp(l->items[k - 1].name, l->items[k].name) > 0; k--) {
			berth_network_info t = l->items[k];
			l->items[k] = l->items[k - 1];
			l->items[k - 1] = t;
		}
	*out = l;
	return 0;
}

int ctrd_netstore_get(berth_network_info **out, const berth_client *c, const char *ref, berth_error *err)
{
	char dir[3072], path[4096];
	if (store_dir(dir, sizeof dir, c) < 0 || record_path(path, sizeof path, dir, ref, "json") < 0)
		return berth_fail(err, BERTH_EINVAL, "network: the store's path is too long");
	int r = strchr(ref, '/') || ref[0] == '.' ? BERTH_ENOTFOUND : read_record(out, path, err);
	if (r != BERTH_ENOTFOUND)
		return r;
	/* an id, or a unique prefix of one */
	berth_network_list *l = NULL;
	if ((r = ctrd_netstore_list(&l, c, err)) < 0)
		return r;
	ssize_t found = -1;
	size_t n = strlen(ref), hits = 0;
	for (size_t i = 0; i < l->len; i++) {
		if (STREQ(l->items[i].id, ref)) {
			found = (ssize_t)i;
			hits = 1;
			break;
		}
		if (strncmp(l->items[i].id, ref, n) == 0) {
			found = (ssize_t)i;
			hits++;
		}
	}
	if (hits != 1) {
		berth_network_list_free(l);
		return hits ? berth_fail(err, BERTH_ECONFLICT, "network %s is ambiguous (%zu networks)", ref, hits)
			    : berth_fail(err, BERTH_ENOTFOUND, "network %s not found", ref);
	}
	berth_network_info *one = calloc(1, sizeof *one);
	if (!one) {
		berth_network_list_free(l);
		return BERTH_NOMEM(err);
	}
	*one = l->items[found];
	l->items[found] = l->items[--l->len];
	berth_network_list_free(l);
	*out = one;
	return 0;
}

int ctrd_netstore_def(cni_netdef *d, const berth_network_info *n, berth_error *err)
{
	if (!n->subnets.len || ctrd_cni_netdef_named(d, n->id, n->subnets.items[0], n->gateways.items[0], n->internal) < 0)
		return berth_fail(err, BERTH_EPROTOCOL, "network %s: its record has no IPv4 subnet and gateway", n->name);
	return 0;
}

/* The subnets a new network must not overlap: berth's networks', the
 * default bridge's and (unless only the others are asked for) the host's
 * own interfaces'. */
static int taken_subnets(strv *out, const berth_network_list *l, bool host)
{
	if (strv_push(out, CNI_SUBNET) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < l->len; i++)
		for (size_t k = 0; k < l->items[i].subnets.len; k++)
			if (strv_push(out, l->items[i].subnets.items[k]) < 0)
				return -ENOMEM;
	struct ifaddrs *ifa = NULL;
	if (!host || getifaddrs(&ifa) < 0)
		return 0;
	int r = 0;
	for (struct ifaddrs *p = ifa; r == 0 && p; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET || !p->ifa_netmask)
			continue;
		uint32_t a = ntohl(((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr);
		uint32_t m = ntohl(((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr);
		int prefix = __builtin_popcount(m);
		uint32_t base = a & m;
		char text[32];
		snprintf(text, sizeof text, "%u.%u.%u.%u/%d", base >> 24, (base >> 16) & 0xff, (base >> 8) & 0xff,
			 base & 0xff, prefix);
		if (strv_push(out, text) < 0)
			r = -ENOMEM;
	}
	freeifaddrs(ifa);
	return r;
}

/* Docker's network object for a new network. */
static int record_text(char **out, const char *name, const char *id, const char *subnet, const char *gateway,
		       const berth_network_create_options *o)
{
	char created[40], bridge[20];
	time_t now = time(NULL);
	struct tm tm;
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	snprintf(bridge, sizeof bridge, "bn-%.12s", id);
	_cleanup_json_ json_t *labels = json_object();
	for (size_t i = 0; labels && i < o->label_count; i++) {
		const char *eq = strchr(o->labels[i], '=');
		_cleanup_free_ char *key = strndup(o->labels[i], eq ? (size_t)(eq - o->labels[i]) : strlen(o->labels[i]));
		if (!key || json_object_set_new(labels, key, json_string(eq ? eq + 1 : "")) < 0)
			return -ENOMEM;
	}
	_cleanup_json_ json_t *rec =
		labels ? json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:{s:s,s:[{s:s,s:s}]},s:b,s:b,s:{},s:{s:s},s:O}", "Name",
				   name, "Id", id, "Created", created, "Scope", "local", "Driver", "bridge", "EnableIPv6", 0,
				   "IPAM", "Driver", "default", "Config", "Subnet", subnet, "Gateway", gateway, "Internal",
				   o->internal != 0, "Attachable", 0, "Containers", "Options",
				   "com.docker.network.bridge.name", bridge, "Labels", labels)
		       : NULL;
	char *text = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
	if (!text)
		return -ENOMEM;
	*out = text;
	return 0;
}

/* Write text as dir/final through a hidden file; link: fail with -EEXIST
 * when final exists (else it is replaced). */
static int put_file(const char *dir, const char *final, const char *text, bool link_only)
{
	char rnd[17], tmp[32], path[4200], tmp_path[4200];
	if (ctrd_random_hex(rnd, 8) < 0)
		return -EIO;
	snprintf(tmp, sizeof tmp, ".new-%s", rnd);
	if (snprintf(tmp_path, sizeof tmp_path, "%s/%s", dir, tmp) >= (int)sizeof tmp_path ||
	    snprintf(path, sizeof path, "%s/%s", dir, final) >= (int)sizeof path)
		return -ENAMETOOLONG;
	int r = ctrd_write_file(dir, tmp, text);
	if (r == 0 && (link_only ? link(tmp_path, path) : rename(tmp_path, path)) < 0)
		r = -errno;
	unlink(tmp_path);
	return r;
}

int ctrd_netstore_create(char **out_id, const berth_client *c, const char *name,
			 const berth_network_create_options *o, berth_error *err)
{
	char dir[3072], path[4096];
	if (store_dir(dir, sizeof dir, c) < 0 || record_path(path, sizeof path, dir, name, "json") < 0)
		return berth_fail(err, BERTH_EINVAL, "network: the store's path is too long");
	if (o->subnet && strchr(o->subnet, ':'))
		return berth_fail(err, BERTH_EUNSUPPORTED, "network create %s: berth's bridges on containerd are IPv4 only", name);
	int r = ctrd_mkdirs(dir);
	if (r < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "network store %s: %s", dir, strerror(-r));
	char lock_path[3200];
	snprintf(lock_path, sizeof lock_path, "%s/.lock", dir);
	_cleanup_close_ int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "network store %s: %m", lock_path);
	if (access(path, F_OK) == 0)
		return berth_fail(err, BERTH_EEXISTS, "network with name %s already exists", name);
	berth_network_list *l = NULL;
	if ((r = ctrd_netstore_list(&l, c, err)) < 0)
		return r;
	_cleanup_strv_ strv taken = STRV_INIT;
	r = taken_subnets(&taken, l, !o->subnet);
	berth_network_list_free(l);
	if (r < 0)
		return BERTH_NOMEM(err);
	char subnet[48], gateway[48], id[65];
	if (o->subnet) {
		for (size_t i = 0; i < taken.len; i++)
			if (ctrd_cni_subnets_overlap(o->subnet, taken.items[i]))
				return berth_fail(err, BERTH_ECONFLICT, "network create %s: subnet %s overlaps %s of another network",
						  name, o->subnet, taken.items[i]);
		snprintf(subnet, sizeof subnet, "%s", o->subnet);
	} else if (ctrd_cni_pick_subnet(subnet, (const char *const *)taken.items, taken.len) < 0) {
		return berth_fail(err, BERTH_EUNAVAILABLE, "network create %s: no free subnet left in 10.90.0.0/16", name);
	}
	if (o->gateway)
		snprintf(gateway, sizeof gateway, "%s", o->gateway);
	else if (ctrd_cni_first_host(gateway, subnet) < 0)
		return berth_fail(err, BERTH_EINVAL, "network create %s: subnet %s has no room for a gateway", name, subnet);
	if (ctrd_random_hex(id, 32) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE, "no random bytes");
	cni_netdef def;
	_cleanup_free_ char *text = NULL, *conflist = NULL;
	if (ctrd_cni_netdef_named(&def, id, subnet, gateway, o->internal) < 0)
		return berth_fail(err, BERTH_EINVAL, "network create %s: subnet %s or gateway %s is no IPv4 one", name, subnet,
				  gateway);
	if (record_text(&text, name, id, subnet, gateway, o) < 0 || ctrd_cni_conflist(&conflist, &def) < 0)
		return BERTH_NOMEM(err);
	char cl_name[200];
	snprintf(cl_name, sizeof cl_name, "%s.conflist", name);
	snprintf(path, sizeof path, "%s.json", name);
	if ((r = put_file(dir, cl_name, conflist, false)) < 0 || (r = put_file(dir, path, text, true)) < 0) {
		if (r == -EEXIST)
			return berth_fail(err, BERTH_EEXISTS, "network with name %s already exists", name);
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "network store %s: %s", dir, strerror(-r));
	}
	if (out_id && !(*out_id = strdup(id)))
		return BERTH_NOMEM(err);
	return 0;
}

int ctrd_netstore_remove(const berth_client *c, const berth_network_info *n, berth_error *err)
{
	char dir[3072], path[4096];
	if (store_dir(dir, sizeof dir, c) < 0 || record_path(path, sizeof path, dir, n->name, "json") < 0)
		return berth_fail(err, BERTH_EINVAL, "network: the store's path is too long");
	if (unlink(path) < 0)
		return errno == ENOENT ? berth_fail(err, BERTH_ENOTFOUND, "network %s not found", n->name)
				       : berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "network remove %s: %m", n->name);
	if (record_path(path, sizeof path, dir, n->name, "conflist") == 0)
		unlink(path);
	return 0;
}
