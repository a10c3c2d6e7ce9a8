/* ctrd_cni.c: the processes and namespaces of the bridge network (see ctrd_cni.h):
 * a network namespace per task, the CNI plugins executed per the CNI
 * specification (the command and container in the environment, the
 * configuration on stdin, the result or an error on stdout), and the
 * lifecycle's hooks (ctrd_net_up / ctrd_net_down in ctrd_lifecycle.h). */
#include "ctrd_cni.h"
#include "ctrd_lifecycle.h"
#include "lib/kit/child.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glob.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PLUGIN_TIMEOUT_MS 30000
#define PLUGIN_OUTPUT_MAX (1 << 20)
#define NET_RECORD "network.json"
#define NETNS_FILE "netns"
#define ADD_RESULT "cni-result.json"

/* ---- the namespace ------------------------------------------------------------- */

/* The child of ctrd_cni_netns_create: between fork and _exit only system
 * calls (the library may have other threads, holding locks). */
static _Noreturn void netns_child(const char *path)
{
	if (unshare(CLONE_NEWNET) < 0)
		_exit(10);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		_exit(11);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		_exit(11);
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		_exit(12);
	_exit(0);
}

int ctrd_cni_netns_create(const char *path, berth_error *err)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0 && errno == EEXIST) {
		ctrd_cni_netns_remove(path); /* a leftover of a berth that died */
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
	}
	if (fd < 0)
		return berth_fail_full(err, BERTH_EENGINE, 0, errno, "network namespace %s: %s", path, strerror(errno));
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		netns_child(path);
	int status = 0;
	if (pid < 0) {
		int e = errno;
		unlink(path);
		return berth_fail_full(err, BERTH_EENGINE, 0, e, "network namespace: fork: %s", strerror(e));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		ctrd_cni_netns_remove(path);
		return berth_fail(err, BERTH_EENGINE, "network namespace %s: %s failed", path,
				  code == 10 ? "unshare" : code == 11 ? "bringing up lo" : code == 12 ? "the bind mount" : "the child");
	}
	return 0;
}

void ctrd_cni_netns_remove(const char *path)
{
	while (umount2(path, MNT_DETACH) == 0)
		;
	unlink(path);
}

/* ---- running a plugin ------------------------------------------------------------ */

/* Execute plugin i with command cmd; its stdout in out. */
static int run_plugin(sbuf *out, const char *cmd, size_t i, const char *id, const char *netns, const char *conf,
		      berth_error *err)
{
	const char *type = ctrd_cni_plugin_type(i);
	char exe[256];
	snprintf(exe, sizeof exe, "%s/%s", CNI_PLUGIN_DIR, type);
	if (access(exe, X_OK) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE,
				  "CNI plugin %s is missing (install containernetworking-plugins for bridge networking on "
				  "containerd)", exe);
	_cleanup_free_ char *e_cmd = NULL, *e_id = NULL, *e_ns = NULL;
	if (asprintf(&e_cmd, "CNI_COMMAND=%s", cmd) < 0 || asprintf(&e_id, "CNI_CONTAINERID=%s", id) < 0 ||
	    asprintf(&e_ns, "CNI_NETNS=%s", netns) < 0)
		return BERTH_NOMEM(err);
	char *const envp[] = { e_cmd, e_id, e_ns, (char *)"CNI_IFNAME=" CNI_IFNAME,
			       (char *)"CNI_PATH=" CNI_PLUGIN_DIR,
			       /* portmap and firewall run iptables */
			       (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char *const argv[] = { (char *)type, NULL };
	if (sbuf_reserve(out, PLUGIN_OUTPUT_MAX) < 0)
		return BERTH_NOMEM(err);
	int status = 0;
	size_t got = 0;
	int r = child_run(out->data + out->len, PLUGIN_OUTPUT_MAX, &got, &status, exe, argv, envp, conf, strlen(conf),
			  PLUGIN_TIMEOUT_MS);
	out->len += got;
	if (r == -ETIMEDOUT)
		return berth_fail(err, BERTH_ETIMEDOUT, "CNI %s %s: no answer within %d ms", type, cmd, PLUGIN_TIMEOUT_MS);
	if (r < 0)
		return berth_fail_full(err, BERTH_EENGINE, 0, -r, "CNI %s %s: %s", type, cmd, strerror(-r));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char msg[512];
	int code = ctrd_cni_error_text(msg, sizeof msg, out->data ? out->data : "", out->len);
	if (code < 0)
		return berth_fail(err, BERTH_EENGINE, "CNI %s %s failed (status %d) without an error reply", type, cmd,
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return berth_fail_full(err, BERTH_EENGINE, code, 0, "CNI %s %s: %s", type, cmd, msg);
}

/* A socket of port p's protocol bound to its host address and port
 * (port 0: the kernel picks). The fd, or -errno (-EINVAL: no address). */
static int bind_port(const cni_port *p, int port, int *got)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (!p->host_ip[0] || inet_pton(AF_INET, p->host_ip, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		sl = sizeof *a4;
	} else if (inet_pton(AF_INET6, p->host_ip, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		sl = sizeof *a6;
	} else {
		return -EINVAL;
	}
	bool udp = STREQ(p->proto, "udp");
	int fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	int one = 1;
	/* a connection of the port's last user in TIME_WAIT is no user */
	if (fd >= 0 && !udp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return -e;
	}
	*got = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
	return fd;
}

static bool clashes(const cni_port *p, int port, const cni_port *taken, size_t n_taken)
{
	for (size_t k = 0; k < n_taken; k++)
		if (ctrd_cni_port_clash(p, port, &taken[k]))
			return true;
	return false;
}

int ctrd_cni_host_ports(cni_port *ports, size_t n, const cni_port *taken, size_t n_taken, berth_error *err)
{
	/* sockets kept open until every port is settled, so two of them never
	 * get the same one */
	int fds[n ? n * 8 : 1];
	size_t nfd = 0;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *ip = ports[i].host_ip[0] ? ports[i].host_ip : "0.0.0.0";
		int want = ports[i].host_port, got = 0, fd = -EADDRINUSE;
		/* another container of berth's has it (portmap binds nothing),
		 * or a port of this container before it */
		bool used = want && (clashes(&ports[i], want, taken, n_taken) || clashes(&ports[i], want, ports, i));
		for (int attempt = 0; !used && attempt < 8 && fd == -EADDRINUSE; attempt++) {
			fd = bind_port(&ports[i], want, &got);
			if (fd >= 0 && !want && (clashes(&ports[i], got, taken, n_taken) || clashes(&ports[i], got, ports, i))) {
				fds[nfd++] = fd; /* keep it: the next bind gets another */
				fd = -EADDRINUSE;
			}
			if (want)
				break;
		}
		if (used || fd == -EADDRINUSE)
			r = want ? berth_fail(err, BERTH_ECONFLICT, "Bind for %s:%d failed: port is already allocated", ip, want)
				 : berth_fail(err, BERTH_EENGINE, "port: no free host port on %s", ip);
		else if (fd == -EINVAL)
			r = berth_fail(err, BERTH_EINVAL, "port: host address \"%s\" is no IP address", ports[i].host_ip);
		else if (fd < 0)
			r = berth_fail_full(err, BERTH_EENGINE, 0, -fd, "port: %s:%d: %s", ip, want, strerror(-fd));
		else {
			fds[nfd++] = fd;
			ports[i].host_port = got;
		}
	}
	for (size_t k = 0; k < nfd; k++)
		close(fds[k]);
	return r;
}

int ctrd_cni_del(const char *id, const char *netns, const cni_port *ports, size_t n_ports, const char *result,
		 berth_error *err)
{
	int first = 0;
	for (size_t k = CNI_N_PLUGINS; k-- > 0;) {
		if (k == CNI_PORTMAP && !n_ports)
			continue;
		_cleanup_free_ char *conf = NULL;
		_cleanup_sbuf_ sbuf out = SBUF_INIT;
		berth_error e = BERTH_ERROR_INIT;
		int r = ctrd_cni_plugin_conf(&conf, k, result, ports, n_ports, &e);
		if (r == 0)
			r = run_plugin(&out, "DEL", k, id, netns, conf, &e);
		if (r < 0 && first == 0) {
			first = r;
			if (err)
				*err = e;
		}
	}
	return first;
}

int ctrd_cni_add(cni_net *out, char **result, const char *id, const char *netns, const cni_port *ports, size_t n_ports,
		 berth_error *err)
{
	_cleanup_free_ cni_port *p = calloc(n_ports ? n_ports : 1, sizeof *p);
	if (!p)
		return BERTH_NOMEM(err);
	if (n_ports)
		memcpy(p, ports, n_ports * sizeof *p);
	int r = 0;
	_cleanup_free_ char *prev = NULL;
	for (size_t i = 0; i < CNI_N_PLUGINS; i++) {
		if (i == CNI_PORTMAP && !n_ports)
			continue; /* nothing to map: one process (and its iptables runs) less each way */
		_cleanup_free_ char *conf = NULL;
		_cleanup_sbuf_ sbuf res = SBUF_INIT;
		if ((r = ctrd_cni_plugin_conf(&conf, i, prev, p, n_ports, err)) < 0 ||
		    (r = run_plugin(&res, "ADD", i, id, netns, conf, err)) < 0)
			break;
		free(prev);
		if (!(prev = sbuf_steal(&res))) {
			r = BERTH_NOMEM(err);
			break;
		}
	}
	cni_net n = { 0 };
	if (r == 0)
		r = ctrd_cni_result_parse(&n, prev, strlen(prev), err);
	if (r < 0) {
		ctrd_cni_del(id, netns, p, n_ports, prev, NULL);
		return r;
	}
	n.ports = TAKE_PTR(p);
	n.n_ports = n_ports;
	*out = n;
	*result = TAKE_PTR(prev);
	return 0;
}

/* ---- the lifecycle's hooks ------------------------------------------------------- */

static int state_path(char *out, size_t size, const berth_client *c, const char *id, const char *name)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return -ENAMETOOLONG;
	int n = snprintf(out, size, "%s/%s", dir, name);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

int ctrd_netns_path(char *out, size_t size, const berth_client *c, const char *id)
{
	return state_path(out, size, c, id, NETNS_FILE);
}

/* Write the file name of the container's state directory. */
static int write_state(const berth_client *c, const char *id, const char *name, const char *text)
{
	char dir[3072];
	return ctrd_state_dir(dir, sizeof dir, c, id) < 0 ? -ENAMETOOLONG : ctrd_write_file(dir, name, text);
}

/* The container's /etc/hosts names it on its address now. */
static int hosts_update(const berth_client *c, const char *id, const char *ip)
{
	char hosts[4096], hostname[4096];
	if (state_path(hosts, sizeof hosts, c, id, "hosts") < 0 || state_path(hostname, sizeof hostname, c, id, "hostname") < 0)
		return -ENAMETOOLONG;
	_cleanup_free_ char *text = NULL, *name = NULL, *updated = NULL;
	size_t len;
	if (read_file(hosts, 1 << 20, &text, &len) < 0 || read_file(hostname, 4096, &name, &len) < 0)
		return 0; /* a mount of the spec's own in their place */
	name[strcspn(name, "\n")] = '\0';
	if (!*name)
		return 0;
	if (ctrd_cni_hosts_with_ip(&updated, text, name, ip) < 0)
		return -ENOMEM;
	return write_state(c, id, "hosts", updated);
}

/* The host ports berth's other bridged containers have (their records,
 * in every namespace of the state root). 0 or -ENOMEM. */
static int ports_taken(cni_port **out, size_t *n, const berth_client *c, const char *id)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return 0;
	/* <root>/<namespace>/<id>: the records are two levels under the root */
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return 0;
		*slash = '\0';
	}
	_cleanup_free_ char *pattern = NULL;
	if (asprintf(&pattern, "%s/*/*/" NET_RECORD, dir) < 0)
		return -ENOMEM;
	glob_t g;
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	int r = 0;
	for (size_t i = 0; r == 0 && i < g.gl_pathc; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		cni_net net = { 0 };
		if (strstr(g.gl_pathv[i], id) || read_file(g.gl_pathv[i], 1 << 20, &text, &len) < 0 ||
		    ctrd_cni_net_parse(&net, text, len, NULL) < 0)
			continue;
		/* a record without published ports takes none (and must not be
		 * mistaken for a failed allocation while *out is still NULL) */
		cni_port *grown = net.n_ports ? realloc(*out, (*n + net.n_ports) * sizeof **out) : NULL;
		if (net.n_ports && !grown) {
			r = -ENOMEM;
		} else if (net.n_ports) {
			memcpy(grown + *n, net.ports, net.n_ports * sizeof *grown);
			*out = grown;
			*n += net.n_ports;
		}
		ctrd_cni_net_release(&net);
	}
	globfree(&g);
	return r;
}

int ctrd_net_up(const berth_client *c, const char *id, const char *network, const char *ports_label, berth_error *err)
{
	if (!network || !STREQ(network, "bridge"))
		return 0;
	ctrd_net_down(c, id); /* a leftover of a task berth did not see end */
	char netns[4096], record[4096], saved[4096];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0 || state_path(record, sizeof record, c, id, NET_RECORD) < 0 ||
	    state_path(saved, sizeof saved, c, id, ADD_RESULT) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	_cleanup_free_ cni_port *ports = NULL;
	size_t n_ports = 0;
	int r = ctrd_cni_ports_parse(&ports, &n_ports, ports_label, strlen(strempty(ports_label)), err);
	if (r < 0)
		return r;
	_cleanup_free_ cni_port *taken = NULL;
	size_t n_taken = 0;
	if (n_ports && (r = ports_taken(&taken, &n_taken, c, id)) < 0)
		return BERTH_NOMEM(err);
	if ((r = ctrd_cni_host_ports(ports, n_ports, taken, n_taken, err)) < 0)
		return r;
	if ((r = ctrd_cni_netns_create(netns, err)) < 0)
		return r;
	cni_net net = { 0 };
	_cleanup_free_ char *result = NULL;
	if ((r = ctrd_cni_add(&net, &result, id, netns, ports, n_ports, err)) < 0) {
		ctrd_cni_netns_remove(netns);
		return r;
	}
	_cleanup_free_ char *text = NULL;
	r = write_state(c, id, ADD_RESULT, result);
	if (r == 0)
		r = ctrd_cni_net_format(&text, &net);
	if (r == 0)
		r = write_state(c, id, NET_RECORD, text);
	if (r == 0)
		r = hosts_update(c, id, net.ip);
	if (r < 0) {
		ctrd_cni_del(id, netns, net.ports, net.n_ports, result, NULL);
		ctrd_cni_netns_remove(netns);
		unlink(record);
		unlink(saved);
		ctrd_cni_net_release(&net);
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: %s", record, strerror(-r));
	}
	ctrd_cni_net_release(&net);
	return 0;
}

void ctrd_net_down(const berth_client *c, const char *id)
{
	char netns[4096], record[4096], saved[4096];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0 || state_path(record, sizeof record, c, id, NET_RECORD) < 0 ||
	    state_path(saved, sizeof saved, c, id, ADD_RESULT) < 0)
		return;
	struct stat st;
	bool has_ns = lstat(netns, &st) == 0, has_record = lstat(record, &st) == 0;
	if (!has_ns && !has_record)
		return;
	_cleanup_free_ char *text = NULL, *result = NULL;
	size_t len = 0;
	cni_net net = { 0 };
	if (has_record && read_file(record, 1 << 20, &text, &len) == 0)
		(void)ctrd_cni_net_parse(&net, text, len, NULL);
	if (read_file(saved, 1 << 20, &result, &len) < 0)
		result = NULL;
	/* without a record (an ADD that did not finish) bridge and portmap
	 * find what is theirs by the container id */
	ctrd_cni_del(id, netns, net.ports, net.n_ports, result, NULL);
	ctrd_cni_net_release(&net);
	ctrd_cni_netns_remove(netns);
	unlink(record);
	unlink(saved);
}

/* The container's network record: 0, or -1 without a readable one. */
static int read_record(cni_net *out, const berth_client *c, const char *id)
{
	char record[4096];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (state_path(record, sizeof record, c, id, NET_RECORD) < 0 || read_file(record, 1 << 20, &text, &len) < 0 ||
	    ctrd_cni_net_parse(out, text, len, NULL) < 0)
		return -1;
	return 0;
}

int ctrd_net_inspect(berth_container_info *x, const berth_client *c, const char *id)
{
	cni_net net = { 0 };
	if (read_record(&net, c, id) < 0)
		return 0;
	int r = 0;
	if (!(x->networks = calloc(1, sizeof *x->networks)) || (net.n_ports && !(x->ports = calloc(net.n_ports, sizeof *x->ports))))
		r = -ENOMEM;
	if (r == 0) {
		network_info *ni = &x->networks[x->networks_len++];
		ni->name = strdup(CNI_INSPECT_NAME);
		ni->ipv4 = strdup(net.ip);
		ni->ipv6 = strdup("");
		ni->gateway = strdup(net.gateway);
		ni->mac = strdup(net.mac);
		if (!ni->name || !ni->ipv4 || !ni->ipv6 || !ni->gateway || !ni->mac)
			r = -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < net.n_ports; i++) {
		port_info *pi = &x->ports[x->ports_len++];
		pi->container_port = net.ports[i].container_port;
		pi->host_port = net.ports[i].host_port;
		snprintf(pi->proto, sizeof pi->proto, "%s", net.ports[i].proto);
		pi->host_ip = strdup(net.ports[i].host_ip[0] ? net.ports[i].host_ip : "0.0.0.0");
		if (!pi->host_ip)
			r = -ENOMEM;
	}
	ctrd_cni_net_release(&net);
	if (r == 0 && x->ports_len > 1)
		qsort(x->ports, x->ports_len, sizeof *x->ports, port_info_cmp);
	return r;
}

char *ctrd_net_ports_text(const berth_client *c, const char *id)
{
	cni_net net = { 0 };
	if (read_record(&net, c, id) < 0)
		return strdup("");
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = 0;
	for (size_t i = 0; r == 0 && i < net.n_ports; i++) {
		const char *ip = net.ports[i].host_ip[0] ? net.ports[i].host_ip : "0.0.0.0";
		bool v6 = strchr(ip, ':') != NULL;
		r = sbuf_printf(&b, "%s%s%s%s:%d->%d/%s", i ? ", " : "", v6 ? "[" : "", ip, v6 ? "]" : "",
				net.ports[i].host_port, net.ports[i].container_port, net.ports[i].proto);
	}
	ctrd_cni_net_release(&net);
	if (r < 0)
		return NULL;
	return b.data ? sbuf_steal(&b) : strdup("");
}

/* A counter of /sys/class/net/<dev>/statistics. */
static int if_counter(uint64_t *out, const char *dev, const char *what)
{
	char path[128];
	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", dev, what);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_file(path, 64, &text, &len) < 0)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -1;
	*out = v;
	return 0;
}

int ctrd_net_counters(uint64_t *rx, uint64_t *tx, const berth_client *c, const char *id)
{
	cni_net net = { 0 };
	if (read_record(&net, c, id) < 0)
		return -1;
	uint64_t r = 0, t = 0;
	/* what the host's end sends the container receives */
	int ok = net.host_if[0] && if_counter(&r, net.host_if, "tx_bytes") == 0 &&
		 if_counter(&t, net.host_if, "rx_bytes") == 0;
	ctrd_cni_net_release(&net);
	if (!ok)
		return -1;
	*rx = r;
	*tx = t;
	return 0;
}
