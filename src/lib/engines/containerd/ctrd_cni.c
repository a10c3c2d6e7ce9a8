/* ctrd_cni.c: the processes and namespaces of the bridge network (see ctrd_cni.h):
 * a network namespace per task, the CNI plugins executed per the CNI
 * specification (the command and container in the environment, the
 * configuration on stdin, the result or an error on stdout), and the
 * lifecycle's hooks (ctrd_net_up / ctrd_net_down in ctrd_lifecycle.h). */
#include "ctrd_cni.h"
#include "ctrd_lifecycle.h"
#include "ctrd_netstore.h"
#include "lib/kit/child.h"

#include <dirent.h>
#include <ftw.h>
#include <linux/sockios.h>
#include <sys/file.h>

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
static int run_plugin(sbuf *out, const char *cmd, size_t i, const char *id, const char *netns, const char *ifname,
		      const char *conf, berth_error *err)
{
	const char *type = ctrd_cni_plugin_type(i);
	char exe[256];
	snprintf(exe, sizeof exe, "%s/%s", CNI_PLUGIN_DIR, type);
	if (access(exe, X_OK) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE,
				  "CNI plugin %s is missing (install containernetworking-plugins for bridge networking on "
				  "containerd)", exe);
	_cleanup_free_ char *e_cmd = NULL, *e_id = NULL, *e_ns = NULL, *e_if = NULL;
	if (asprintf(&e_cmd, "CNI_COMMAND=%s", cmd) < 0 || asprintf(&e_id, "CNI_CONTAINERID=%s", id) < 0 ||
	    asprintf(&e_ns, "CNI_NETNS=%s", netns) < 0 || asprintf(&e_if, "CNI_IFNAME=%s", ifname) < 0)
		return BERTH_NOMEM(err);
	char *const envp[] = { e_cmd, e_id, e_ns, e_if,
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
	return ctrd_cni_del_on(id, netns, NULL, CNI_IFNAME, true, ports, n_ports, result, err);
}

int ctrd_cni_del_on(const char *id, const char *netns, const cni_netdef *d, const char *ifname, bool primary,
		    const cni_port *ports, size_t n_ports, const char *result, berth_error *err)
{
	int first = 0;
	for (size_t k = CNI_N_PLUGINS; k-- > 0;) {
		if (k == CNI_PORTMAP && !n_ports)
			continue;
		_cleanup_free_ char *conf = NULL;
		_cleanup_sbuf_ sbuf out = SBUF_INIT;
		berth_error e = BERTH_ERROR_INIT;
		int r = ctrd_cni_plugin_conf_on(&conf, k, d, primary, result, ports, n_ports, &e);
		if (r == 0)
			r = run_plugin(&out, "DEL", k, id, netns, ifname, conf, &e);
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
	return ctrd_cni_add_on(out, result, id, netns, NULL, CNI_IFNAME, true, ports, n_ports, err);
}

int ctrd_cni_add_on(cni_net *out, char **result, const char *id, const char *netns, const cni_netdef *d,
		    const char *ifname, bool primary, const cni_port *ports, size_t n_ports, berth_error *err)
{
	cni_netdef def;
	if (!d) {
		ctrd_cni_netdef_default(&def);
		d = &def;
	}
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
		if ((r = ctrd_cni_plugin_conf_on(&conf, i, d, primary, prev, p, n_ports, err)) < 0 ||
		    (r = run_plugin(&res, "ADD", i, id, netns, ifname, conf, err)) < 0)
			break;
		free(prev);
		if (!(prev = sbuf_steal(&res))) {
			r = BERTH_NOMEM(err);
			break;
		}
	}
	cni_net n = { .def = *d, .primary = primary };
	snprintf(n.ifname, sizeof n.ifname, "%s", ifname);
	if (r == 0)
		r = ctrd_cni_result_parse_on(&n, prev, strlen(prev), ifname, d->bridge, err);
	if (r < 0) {
		ctrd_cni_del_on(id, netns, d, ifname, primary, p, n_ports, prev, NULL);
		return r;
	}
	n.ports = TAKE_PTR(p);
	n.n_ports = n_ports;
	*out = n;
	*result = TAKE_PTR(prev);
	return 0;
}

/* ---- the lifecycle's hooks ------------------------------------------------------- */

static int read_record(cni_net *out, const berth_client *c, const char *id);

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

/* The record and result files of an interface: the first one's are the
 * default bridge's old names (which inspect, ports and stats read), the
 * others are named by their network. */
static void record_names(char rec[40], char res[40], const cni_netdef *d, bool primary)
{
	if (primary) {
		snprintf(rec, 40, "%s", NET_RECORD);
		snprintf(res, 40, "%s", ADD_RESULT);
	} else {
		snprintf(rec, 40, "net-%.12s.json", d->id);
		snprintf(res, 40, "cni-%.12s.json", d->id);
	}
}

/* One interface of a container as its records hold it. */
typedef struct attachment {
	char dir[3072];     /* the container's state directory */
	char id[256];       /* the container's id (the directory's name) */
	char rec[40], res[40];
	cni_net net;
} attachment;

typedef struct attachments {
	attachment *items;
	size_t len;
} attachments;

static void attachments_release(attachments *a)
{
	for (size_t i = 0; i < a->len; i++)
		ctrd_cni_net_release(&a->items[i].net);
	free(a->items);
	*a = (attachments){ 0 };
}

/* Read the interface records of state directory dir (a container's) into
 * *a. Unreadable ones are skipped. 0 or -ENOMEM. */
static int read_attachments(attachments *a, const char *dir, const char *id)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		bool primary = STREQ(e->d_name, NET_RECORD);
		if (!primary && !(startswith(e->d_name, "net-") && endswith(e->d_name, ".json")))
			continue;
		char path[4096];
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		cni_net net = { 0 };
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
		    read_file(path, 1 << 20, &text, &len) < 0 || ctrd_cni_net_parse(&net, text, len, NULL) < 0)
			continue;
		attachment *grown = realloc(a->items, (a->len + 1) * sizeof *grown);
		if (!grown) {
			ctrd_cni_net_release(&net);
			r = -ENOMEM;
			break;
		}
		a->items = grown;
		attachment *x = &a->items[a->len++];
		memset(x, 0, sizeof *x);
		snprintf(x->dir, sizeof x->dir, "%s", dir);
		snprintf(x->id, sizeof x->id, "%s", id);
		record_names(x->rec, x->res, &net.def, primary);
		x->net = net;
	}
	closedir(d);
	return r;
}

/* The namespace's directory of state directories (the parent of id's). */
static int ns_dir(char *out, size_t size, const berth_client *c, const char *id)
{
	if (ctrd_state_dir(out, size, c, id) < 0)
		return -ENAMETOOLONG;
	char *slash = strrchr(out, '/');
	if (!slash || slash == out)
		return -EINVAL;
	*slash = '\0';
	return 0;
}

/* Every interface record of the namespace. */
static int read_all_attachments(attachments *a, const char *nsd)
{
	DIR *d = opendir(nsd);
	if (!d)
		return 0;
	int r = 0;
	for (struct dirent *e; r == 0 && (e = readdir(d));) {
		char dir[3072];
		if (e->d_name[0] == '.' || snprintf(dir, sizeof dir, "%s/%s", nsd, e->d_name) >= (int)sizeof dir)
			continue;
		r = read_attachments(a, dir, e->d_name);
	}
	closedir(d);
	return r;
}

/* Rewrite path in place (a bind mount of the file holds its inode, so a
 * rename would never reach the container): the new bytes over the old in
 * one write, then the length cut. 0 or -errno. */
static int rewrite_in_place(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	for (size_t off = 0; off < len;) {
		ssize_t n = pwrite(fd, text + off, len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	return ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
}

/* Whether container x's interfaces include one on named network netid. */
static bool on_network(const attachments *all, const char *cid, const char *netid)
{
	for (size_t i = 0; i < all->len; i++)
		if (STREQ(all->items[i].id, cid) && all->items[i].net.def.id[0] && STREQ(all->items[i].net.def.id, netid))
			return true;
	return false;
}

/* One container's /etc/hosts from its base, its first address and the
 * peers on its named networks (itself among them: its aliases). */
static void hosts_of(const attachments *all, const char *cid, const char *dir)
{
	char base_path[3200], hosts_path[3200], name_path[3200];
	snprintf(base_path, sizeof base_path, "%s/hosts.base", dir);
	snprintf(hosts_path, sizeof hosts_path, "%s/hosts", dir);
	snprintf(name_path, sizeof name_path, "%s/hostname", dir);
	_cleanup_free_ char *base = NULL, *hostname = NULL, *text = NULL;
	size_t len;
	if (read_file(base_path, 1 << 20, &base, &len) < 0 || read_file(name_path, 4096, &hostname, &len) < 0)
		return; /* made before berth kept a base, or not berth's */
	hostname[strcspn(hostname, "\n")] = '\0';
	const char *own_ip = NULL;
	_cleanup_free_ cni_peer *peers = calloc(all->len ? all->len : 1, sizeof *peers);
	if (!peers)
		return;
	size_t n = 0;
	for (size_t i = 0; i < all->len; i++) {
		const attachment *x = &all->items[i];
		if (STREQ(x->id, cid) && x->net.primary)
			own_ip = x->net.ip;
		if (x->net.def.id[0] && on_network(all, cid, x->net.def.id))
			peers[n++] = (cni_peer){ x->net.ip, x->net.names };
	}
	if (ctrd_cni_hosts_with_peers(&text, base, hostname, own_ip, peers, n) == 0)
		(void)rewrite_in_place(hosts_path, text);
}

static bool has_text(const strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (STREQ(v->items[i], s))
			return true;
	return false;
}

/* Rewrite the /etc/hosts of container self and of every container that
 * shares a named network with it now or shared one of nets (those it
 * just left), under the namespace's lock (two berths never write a
 * stale view last). */
static void hosts_refresh(const berth_client *c, const char *self, const strv *nets)
{
	char nsd[3072], lock_path[3200];
	if (ns_dir(nsd, sizeof nsd, c, self) < 0)
		return;
	snprintf(lock_path, sizeof lock_path, "%s/.hosts.lock", nsd);
	_cleanup_close_ int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return;
	attachments all = { 0 };
	if (read_all_attachments(&all, nsd) < 0) {
		attachments_release(&all);
		return;
	}
	_cleanup_strv_ strv done = STRV_INIT;
	_cleanup_strv_ strv touched = STRV_INIT;
	for (size_t i = 0; i < nets->len; i++)
		(void)strv_push(&touched, nets->items[i]);
	for (size_t i = 0; i < all.len; i++)
		if (STREQ(all.items[i].id, self) && all.items[i].net.def.id[0])
			(void)strv_push(&touched, all.items[i].net.def.id);
	char self_dir[3072];
	if (ctrd_state_dir(self_dir, sizeof self_dir, c, self) == 0) {
		hosts_of(&all, self, self_dir);
		(void)strv_push(&done, self);
	}
	for (size_t i = 0; i < all.len; i++) {
		const attachment *x = &all.items[i];
		if (has_text(&done, x->id))
			continue;
		for (size_t k = 0; k < touched.len; k++)
			if (on_network(&all, x->id, touched.items[k])) {
				hosts_of(&all, x->id, x->dir);
				(void)strv_push(&done, x->id);
				break;
			}
	}
	attachments_release(&all);
}

/* The names a container answers to on a named network: its name, its
 * short id, its aliases (the label's "+a,b"). */
static char *names_for(const char *name, const char *id, const char *aliases)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (sbuf_printf(&b, "%s %.12s", name, id) < 0)
		return NULL;
	for (const char *p = strempty(aliases); *p == '+' || *p == ',';) {
		p++;
		size_t k = strcspn(p, ",");
		if (k && sbuf_printf(&b, " %.*s", (int)k, p) < 0)
			return NULL;
		p += k;
	}
	return sbuf_steal(&b);
}

/* ADD container id to network d as ifname, its record written. */
static int attach_one(const berth_client *c, const char *id, const char *netns, const cni_netdef *d, const char *ifname,
		      bool primary, const cni_port *ports, size_t n_ports, const char *names, berth_error *err)
{
	cni_net net = { 0 };
	_cleanup_free_ char *result = NULL, *text = NULL;
	int r = ctrd_cni_add_on(&net, &result, id, netns, d, ifname, primary, ports, n_ports, err);
	if (r < 0)
		return r;
	char rec[40], res[40];
	record_names(rec, res, d, primary);
	if (!(net.names = strdup(strempty(names))))
		r = -ENOMEM;
	if (r == 0)
		r = write_state(c, id, res, result);
	if (r == 0)
		r = ctrd_cni_net_format(&text, &net);
	if (r == 0)
		r = write_state(c, id, rec, text);
	if (r < 0) {
		ctrd_cni_del_on(id, netns, d, ifname, primary, net.ports, net.n_ports, result, NULL);
		ctrd_cni_net_release(&net);
		char dir[3072];
		if (ctrd_state_dir(dir, sizeof dir, c, id) == 0) {
			char path[3200];
			snprintf(path, sizeof path, "%s/%s", dir, rec);
			unlink(path);
			snprintf(path, sizeof path, "%s/%s", dir, res);
			unlink(path);
		}
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: network record: %s", id, strerror(-r));
	}
	ctrd_cni_net_release(&net);
	return 0;
}

/* DEL one interface of its records and remove them. */
static void detach_one(const berth_client *c, const char *id, const char *netns, const attachment *x)
{
	char path[3200];
	_cleanup_free_ char *result = NULL;
	size_t len;
	snprintf(path, sizeof path, "%s/%s", x->dir, x->res);
	if (read_file(path, 1 << 20, &result, &len) < 0)
		result = NULL;
	ctrd_cni_del_on(id, netns, &x->net.def, x->net.ifname, x->net.primary, x->net.ports, x->net.n_ports, result,
			NULL);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s", x->dir, x->rec);
	unlink(path);
	(void)c;
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int ctrd_net_up(berth_client *c, const char *id, const Containerd__Services__Containers__V1__Container *k,
		berth_error *err)
{
	const char *first = ctrd_label(k, CTRD_LABEL_NETWORK);
	bool bridged = first && STREQ(first, "bridge");
	/* the named networks, the first one's id first, then by id */
	_cleanup_strv_ strv nets = STRV_INIT;
	for (size_t i = 0; i < k->n_labels; i++)
		if (k->labels[i]->key && startswith(k->labels[i]->key, CTRD_LABEL_NET_PREFIX) &&
		    strv_push(&nets, k->labels[i]->key + strlen(CTRD_LABEL_NET_PREFIX)) < 0)
			return BERTH_NOMEM(err);
	if (!bridged && !nets.len)
		return 0;
	if (nets.len > 1)
		qsort(nets.items, nets.len, sizeof *nets.items, by_text);
	for (size_t i = 1; first && !bridged && i < nets.len; i++)
		if (STREQ(nets.items[i], first)) {
			char *t = nets.items[0];
			nets.items[0] = nets.items[i];
			nets.items[i] = t;
		}
	ctrd_net_down(c, id); /* a leftover of a task berth did not see end */
	char netns[4096];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	_cleanup_free_ cni_port *ports = NULL;
	size_t n_ports = 0;
	const char *ports_label = ctrd_label(k, CTRD_LABEL_PORTS);
	int r = ctrd_cni_ports_parse(&ports, &n_ports, ports_label, strlen(strempty(ports_label)), err);
	if (r < 0)
		return r;
	_cleanup_free_ cni_port *taken = NULL;
	size_t n_taken = 0;
	if (n_ports && (r = ports_taken(&taken, &n_taken, c, id)) < 0)
		return BERTH_NOMEM(err);
	if ((r = ctrd_cni_host_ports(ports, n_ports, taken, n_taken, err)) < 0)
		return r;
	/* every named network there, before anything is made */
	size_t total = nets.len + (bridged ? 1 : 0);
	_cleanup_free_ cni_netdef *defs = calloc(total, sizeof *defs);
	if (!defs)
		return BERTH_NOMEM(err);
	size_t at = 0;
	if (bridged)
		ctrd_cni_netdef_default(&defs[at++]);
	for (size_t i = 0; i < nets.len; i++) {
		berth_network_info *n = NULL;
		if ((r = ctrd_netstore_get(&n, c, nets.items[i], err)) == 0)
			r = ctrd_netstore_def(&defs[at++], n, err);
		berth_network_info_free(n);
		if (r < 0)
			return r;
	}
	if ((r = ctrd_cni_netns_create(netns, err)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < total; i++) {
		char ifname[16], key[200];
		snprintf(ifname, sizeof ifname, "eth%u", (unsigned)(i & 0xff));
		_cleanup_free_ char *names = NULL;
		if (defs[i].id[0]) {
			snprintf(key, sizeof key, CTRD_LABEL_NET_PREFIX "%s", defs[i].id);
			if (!(names = names_for(ctrd_name_of(k), id, ctrd_label(k, key))))
				r = BERTH_NOMEM(err);
		}
		if (r == 0)
			r = attach_one(c, id, netns, &defs[i], ifname, i == 0, i == 0 ? ports : NULL, i == 0 ? n_ports : 0,
				       names, err);
	}
	if (r < 0) {
		ctrd_net_down(c, id);
		return r;
	}
	char base[4096];
	struct stat st;
	if (state_path(base, sizeof base, c, id, "hosts.base") == 0 && stat(base, &st) == 0) {
		strv none = STRV_INIT;
		hosts_refresh(c, id, &none);
		return 0;
	}
	/* a container made before berth kept the base: its own line only */
	cni_net mine = { 0 };
	if (read_record(&mine, c, id) == 0)
		r = hosts_update(c, id, mine.ip);
	ctrd_cni_net_release(&mine);
	return r < 0 ? berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: /etc/hosts: %s", id, strerror(-r)) : 0;
}

void ctrd_net_down(const berth_client *c, const char *id)
{
	char netns[4096], dir[3072];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0 || ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return;
	attachments a = { 0 };
	(void)read_attachments(&a, dir, id);
	struct stat st;
	bool has_ns = lstat(netns, &st) == 0;
	if (!has_ns && !a.len) {
		attachments_release(&a);
		return;
	}
	_cleanup_strv_ strv left = STRV_INIT;
	bool primary_seen = false;
	for (size_t i = 0; i < a.len; i++) {
		detach_one(c, id, netns, &a.items[i]);
		primary_seen |= a.items[i].net.primary;
		if (a.items[i].net.def.id[0])
			(void)strv_push(&left, a.items[i].net.def.id);
	}
	/* without a record (an ADD that did not finish) bridge and portmap
	 * find what is theirs by the container id */
	if (!primary_seen && has_ns)
		ctrd_cni_del(id, netns, NULL, 0, NULL, NULL);
	attachments_release(&a);
	ctrd_cni_netns_remove(netns);
	if (left.len)
		hosts_refresh(c, id, &left);
}

int ctrd_net_attach(berth_client *c, const char *id, const char *name, const cni_netdef *d, const char *aliases,
		    berth_error *err)
{
	char netns[4096], dir[3072];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0 || ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	struct stat st;
	if (lstat(netns, &st) < 0)
		return 0; /* not running with a network: the next start joins it */
	attachments a = { 0 };
	if (read_attachments(&a, dir, id) < 0) {
		attachments_release(&a);
		return BERTH_NOMEM(err);
	}
	/* the first interface name no record has */
	char ifname[16] = "";
	for (int n = 0; n < 64 && !ifname[0]; n++) {
		char cand[16];
		snprintf(cand, sizeof cand, "eth%d", n);
		bool used = false;
		for (size_t i = 0; i < a.len; i++)
			used |= STREQ(a.items[i].net.ifname, cand);
		if (!used)
			memcpy(ifname, cand, sizeof cand);
	}
	bool primary = a.len == 0;
	attachments_release(&a);
	_cleanup_free_ char *names = names_for(name, id, aliases);
	if (!names)
		return BERTH_NOMEM(err);
	int r = attach_one(c, id, netns, d, ifname, primary, NULL, 0, names, err);
	if (r == 0) {
		strv none = STRV_INIT;
		hosts_refresh(c, id, &none);
	}
	return r;
}

void ctrd_net_detach(berth_client *c, const char *id, const char *netid)
{
	char netns[4096], dir[3072];
	if (ctrd_netns_path(netns, sizeof netns, c, id) < 0 || ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return;
	attachments a = { 0 };
	(void)read_attachments(&a, dir, id);
	bool found = false;
	for (size_t i = 0; i < a.len; i++)
		if (STREQ(a.items[i].net.def.id, netid)) {
			detach_one(c, id, netns, &a.items[i]);
			found = true;
		}
	attachments_release(&a);
	if (found) {
		_cleanup_strv_ strv left = STRV_INIT;
		(void)strv_push(&left, netid);
		hosts_refresh(c, id, &left);
	}
}

int ctrd_net_addresses(strv *out, const berth_client *c, const char *id, const char *netid)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return 0;
	attachments a = { 0 };
	int r = read_attachments(&a, dir, id);
	for (size_t i = 0; r == 0 && i < a.len; i++) {
		if (!STREQ(a.items[i].net.def.id, netid))
			continue;
		_cleanup_free_ char *text = NULL;
		if (asprintf(&text, "%s/%d", a.items[i].net.ip, a.items[i].net.prefix) < 0 || strv_push(out, text) < 0)
			r = -ENOMEM;
	}
	attachments_release(&a);
	return r;
}

/* rm -rf of a leases directory, on this file system, following no link. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

void ctrd_net_gone(const cni_netdef *d)
{
	/* the bridge stays after its last DEL: down, then deleted */
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		struct ifreq ifr;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", d->bridge);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
			ifr.ifr_flags &= ~IFF_UP;
			(void)ioctl(s, SIOCSIFFLAGS, &ifr);
			(void)ioctl(s, SIOCBRDELBR, d->bridge);
		}
		close(s);
	}
	char leases[256];
	snprintf(leases, sizeof leases, "%s/%s", CNI_DATA_DIR, d->cni_name);
	(void)nftw(leases, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
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
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return 0;
	attachments a = { 0 };
	int r = read_attachments(&a, dir, id);
	if (r < 0 || !a.len) {
		attachments_release(&a);
		return r;
	}
	const cni_net *first = NULL;
	for (size_t i = 0; i < a.len; i++)
		if (a.items[i].net.primary)
			first = &a.items[i].net;
	if (!(x->networks = calloc(a.len, sizeof *x->networks)) ||
	    (first && first->n_ports && !(x->ports = calloc(first->n_ports, sizeof *x->ports))))
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < a.len; i++) {
		const cni_net *net = &a.items[i].net;
		network_info *ni = &x->networks[x->networks_len++];
		berth_network_info *n = NULL;
		if (net->def.id[0] && ctrd_netstore_get(&n, c, net->def.id, NULL) == 0)
			ni->name = strdup(n->name);
		else
			ni->name = strdup(net->def.id[0] ? net->def.id : CNI_INSPECT_NAME);
		berth_network_info_free(n);
		ni->ipv4 = strdup(net->ip);
		ni->ipv6 = strdup("");
		ni->gateway = strdup(net->gateway);
		ni->mac = strdup(net->mac);
		if (!ni->name || !ni->ipv4 || !ni->ipv6 || !ni->gateway || !ni->mac)
			r = -ENOMEM;
	}
	for (size_t i = 0; r == 0 && first && i < first->n_ports; i++) {
		port_info *pi = &x->ports[x->ports_len++];
		pi->container_port = first->ports[i].container_port;
		pi->host_port = first->ports[i].host_port;
		snprintf(pi->proto, sizeof pi->proto, "%s", first->ports[i].proto);
		pi->host_ip = strdup(first->ports[i].host_ip[0] ? first->ports[i].host_ip : "0.0.0.0");
		if (!pi->host_ip)
			r = -ENOMEM;
	}
	attachments_release(&a);
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
