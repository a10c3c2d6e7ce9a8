/* A container's inspect reply (GET /containers/{id}/json) mapped into
 * berth_container_info as it is read: events from parse/jstream.h fill the
 * record; members berth does not keep are skipped without being stored.
 * Pure: bytes in, a record out.
 *
 * What is read, by path:
 *   Id Name Image Created Path Args[] RestartCount
 *   State.{Status Running OOMKilled ExitCode Pid Error StartedAt FinishedAt}
 *   State.Health | State.Healthcheck (Podman's older name):
 *       {Status FailingStreak Log[{Start End Output ExitCode}]}
 *   Config.{Image Env[] Labels{} Tty OpenStdin}
 *   Config.Healthcheck.{Test[] Interval Timeout StartPeriod Retries}
 *   Mounts[{Type Source Destination Name RW}]  HostConfig.Tmpfs{path: opts}
 *   NetworkSettings.Networks{name: {IPAddress GlobalIPv6Address Gateway MacAddress}}
 *   NetworkSettings.Ports{"80/tcp": [{HostIp HostPort}] | null}
 * Members may come in any order (Path after Args, HostConfig before
 * Mounts): what depends on another member is settled at the end. A member
 * of the wrong type reads as absent, one given twice keeps its last value,
 * as the tree mapping before this one did. */
#include "eapi_parse.h"

#include "lib/parse/jstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the container open at a level is. */
typedef enum {
	N_SKIP, N_ROOT, N_ARGS, N_STATE, N_HEALTH, N_HEALTH_OLD, N_HLOG, N_HRUN, N_CONFIG, N_ENV, N_LABELS,
	N_HC, N_HC_TEST, N_MOUNTS, N_MOUNT, N_HOSTCONFIG, N_TMPFS, N_NETSET, N_NETWORKS, N_NETWORK, N_PORTS,
	N_BINDS, N_BIND,
} node;

#define MAX_TRACKED 8  /* deeper levels are never read */

/* A health block (State.Health and State.Healthcheck are read apart; the
 * first that is an object wins at the end). */
typedef struct health_block {
	bool seen;           /* the member was an object */
	char *status;
	int64_t streak;
	health_run *log;
	size_t len, cap;
} health_block;

typedef struct tmpfs_entry {
	char *path;
	bool ro;
} tmpfs_entry;

typedef struct inspect_map {
	berth_container_info *x;
	node nodes[MAX_TRACKED];
	char key[MAX_TRACKED][24];       /* a fixed member's name at each level ("" = other) */
	sbuf dyn;                        /* the last key, for maps keyed by data */
	char *path;                      /* Path, put before Args at the end */
	strv args;
	health_block health[2];          /* [0] State.Health, [1] State.Healthcheck */
	size_t mounts_cap, networks_cap, ports_cap;
	char *mount_name;                /* the current mount's Name (kept for volumes) */
	tmpfs_entry *tmpfs;
	size_t tmpfs_len, tmpfs_cap;
	int bind_cport;                  /* the port key being read: number (0 = unusable) */
	char bind_proto[8];
	char *bind_ip, *bind_port;
	const char *what;
} inspect_map;

/* Room for one more item (array_grow), the new capacity zeroed: a slot
 * past len is always zero, also after a member given twice was cleared. */
static int grow(void **items, size_t *cap, size_t len, size_t size)
{
	size_t old = *cap;
	void *p = array_grow(*items, cap, len, size, 4);
	if (!p)
		return -ENOMEM;
	if (*cap > old)
		memset((char *)p + old * size, 0, (*cap - old) * size);
	*items = p;
	return 0;
}

static int set_str(char **slot, const char *s, size_t len)
{
	char *p = strndup(s, len);
	if (!p)
		return -ENOMEM;
	free(*slot);
	*slot = p;
	return 0;
}

/* A string member: its text, or "" when the value is not a string. */
static int set_member(char **slot, js_kind kind, const char *s, size_t len)
{
	return kind == JS_STRING ? set_str(slot, s, len) : set_str(slot, "", 0);
}

static bool key_is(const inspect_map *m, unsigned level, const char *name)
{
	return STREQ(m->key[level], name);
}

static int64_t number(js_kind kind, const char *s, size_t len) { return kind == JS_NUMBER ? js_int64(s, len) : 0; }

static int64_t dur_ms(js_kind kind, const char *s, size_t len)
{
	int64_t ns = number(kind, s, len);
	return ns > 0 ? ns / 1000000 : 0;
}

static void health_release(health_block *h)
{
	free(h->status);
	for (size_t i = 0; i < h->len; i++) {
		free(h->log[i].start);
		free(h->log[i].end);
		free(h->log[i].output);
	}
	free(h->log);
	memset(h, 0, sizeof *h);
}

static berth_mount_type mount_type_of(const char *s, size_t n)
{
#define IS(word) (n == sizeof word - 1 && memcmp(s, word, n) == 0)
	return IS("bind") ? BERTH_MOUNT_BIND : IS("volume") ? BERTH_MOUNT_VOLUME : IS("tmpfs") ? BERTH_MOUNT_TMPFS
	       : BERTH_MOUNT_OTHER;
#undef IS
}

/* A port number 1..65535 from decimal text, else 0. */
static int port_number(const char *s, size_t len)
{
	int v = 0;
	if (len == 0 || len > 5)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/* Whether a comma-separated option list holds `opt` as a whole word. */
static bool has_option(const char *list, size_t n, const char *opt)
{
	size_t on = strlen(opt);
	for (size_t i = 0; i < n;) {
		size_t len = 0;
		while (i + len < n && list[i + len] != ',')
			len++;
		if (len == on && memcmp(list + i, opt, on) == 0)
			return true;
		i += len + 1;
	}
	return false;
}

/* ---- the node a container opens, from its parent and key ------------------- */

static node child_of(const inspect_map *m, node parent, unsigned level)
{
	switch (parent) {
	case N_ROOT:
		return key_is(m, level, "Args") ? N_ARGS : key_is(m, level, "State") ? N_STATE
		       : key_is(m, level, "Config") ? N_CONFIG : key_is(m, level, "Mounts") ? N_MOUNTS
		       : key_is(m, level, "HostConfig") ? N_HOSTCONFIG
		       : key_is(m, level, "NetworkSettings") ? N_NETSET : N_SKIP;
	case N_STATE:
		return key_is(m, level, "Health") ? N_HEALTH : key_is(m, level, "Healthcheck") ? N_HEALTH_OLD : N_SKIP;
	case N_HEALTH:
	case N_HEALTH_OLD:
		return key_is(m, level, "Log") ? N_HLOG : N_SKIP;
	case N_HLOG: return N_HRUN;
	case N_CONFIG:
		return key_is(m, level, "Env") ? N_ENV : key_is(m, level, "Labels") ? N_LABELS
		       : key_is(m, level, "Healthcheck") ? N_HC : N_SKIP;
	case N_HC: return key_is(m, level, "Test") ? N_HC_TEST : N_SKIP;
	case N_MOUNTS: return N_MOUNT;
	case N_HOSTCONFIG: return key_is(m, level, "Tmpfs") ? N_TMPFS : N_SKIP;
	case N_NETSET:
		return key_is(m, level, "Networks") ? N_NETWORKS : key_is(m, level, "Ports") ? N_PORTS : N_SKIP;
	case N_NETWORKS: return N_NETWORK;
	case N_PORTS: return N_BINDS;
	case N_BINDS: return N_BIND;
	default: return N_SKIP;
	}
}

/* Members given twice: what the first filled is freed and zeroed, so the
 * slots can be filled again. */
static void mounts_clear(berth_container_info *x)
{
	for (size_t i = 0; i < x->mounts_len; i++) {
		free(x->mounts[i].source); free(x->mounts[i].destination); free(x->mounts[i].volume_name);
	}
	if (x->mounts_len)
		memset(x->mounts, 0, x->mounts_len * sizeof *x->mounts);
	x->mounts_len = 0;
}

static void networks_clear(berth_container_info *x)
{
	for (size_t i = 0; i < x->networks_len; i++) {
		network_info *ni = &x->networks[i];
		free(ni->name); free(ni->ipv4); free(ni->ipv6); free(ni->gateway); free(ni->mac);
	}
	if (x->networks_len)
		memset(x->networks, 0, x->networks_len * sizeof *x->networks);
	x->networks_len = 0;
}

static void ports_clear(berth_container_info *x)
{
	for (size_t i = 0; i < x->ports_len; i++)
		free(x->ports[i].host_ip);
	if (x->ports_len)
		memset(x->ports, 0, x->ports_len * sizeof *x->ports);
	x->ports_len = 0;
}

static void tmpfs_clear(inspect_map *m)
{
	for (size_t i = 0; i < m->tmpfs_len; i++)
		free(m->tmpfs[i].path);
	if (m->tmpfs_len)
		memset(m->tmpfs, 0, m->tmpfs_len * sizeof *m->tmpfs);
	m->tmpfs_len = 0;
}

static void hlog_clear(health_block *h)
{
	for (size_t i = 0; i < h->len; i++) {
		free(h->log[i].start); free(h->log[i].end); free(h->log[i].output);
	}
	if (h->len)
		memset(h->log, 0, h->len * sizeof *h->log);
	h->len = 0;
}

static health_block *block_of(inspect_map *m, node n) { return &m->health[n == N_HEALTH_OLD]; }

/* ---- values at a level, by the node around them ---------------------------- */

/* A member (or item) whose value starts here: a scalar, or a container's
 * start (then `kind` is JS_START_MAP / JS_START_ARRAY). Resets what a
 * member given twice replaces, and makes the records keyed by data. */
static int value(inspect_map *m, node n, unsigned level, js_kind kind, const char *s, size_t len)
{
	berth_container_info *x = m->x;
	bool map = kind == JS_START_MAP, arr = kind == JS_START_ARRAY;
	switch (n) {
	case N_ROOT:
		if (key_is(m, level, "Id")) return set_member(&x->id, kind, s, len);
		if (key_is(m, level, "Name")) return set_member(&x->name, kind, s, len);
		if (key_is(m, level, "Image")) return set_member(&x->image_id, kind, s, len);
		if (key_is(m, level, "Created")) return set_member(&x->created, kind, s, len);
		if (key_is(m, level, "Path")) return set_member(&m->path, kind, s, len);
		if (key_is(m, level, "RestartCount")) { x->restart_count = number(kind, s, len); return 0; }
		if (key_is(m, level, "Args")) { strv_release(&m->args); return 0; }
		if (key_is(m, level, "Mounts")) {
			mounts_clear(x);
			return 0;
		}
		if (key_is(m, level, "State")) {
			health_release(&m->health[0]);
			health_release(&m->health[1]);
		}
		return 0;
	case N_STATE:
		if (key_is(m, level, "Status")) {
			char word[32] = "";
			if (kind == JS_STRING && len < sizeof word)
				memcpy(word, s, len);
			x->state = state_from_string(word);
			return 0;
		}
		if (key_is(m, level, "Running")) { x->running = kind == JS_BOOL && s[0] == 't'; return 0; }
		if (key_is(m, level, "OOMKilled")) { x->oom_killed = kind == JS_BOOL && s[0] == 't'; return 0; }
		if (key_is(m, level, "ExitCode")) { x->exit_code = (int)number(kind, s, len); return 0; }
		if (key_is(m, level, "Pid")) { x->pid = number(kind, s, len); return 0; }
		if (key_is(m, level, "Error")) return set_member(&x->error, kind, s, len);
		if (key_is(m, level, "StartedAt")) return set_member(&x->started_at, kind, s, len);
		if (key_is(m, level, "FinishedAt")) return set_member(&x->finished_at, kind, s, len);
		if (key_is(m, level, "Health") || key_is(m, level, "Healthcheck")) {
			health_block *h = &m->health[key_is(m, level, "Healthcheck")];
			health_release(h);
			h->seen = map;
		}
		return 0;
	case N_HEALTH:
	case N_HEALTH_OLD: {
		health_block *h = block_of(m, n);
		if (key_is(m, level, "Status")) return set_member(&h->status, kind, s, len);
		if (key_is(m, level, "FailingStreak")) { h->streak = number(kind, s, len); return 0; }
		if (key_is(m, level, "Log"))
			hlog_clear(h);
		return 0;
	}
	case N_HLOG: {
		/* every item is a run; one that is not an object has empty fields */
		health_block *h = block_of(m, m->nodes[level - 1]);
		if (grow((void **)&h->log, &h->cap, h->len, sizeof *h->log) < 0)
			return -ENOMEM;
		health_run *r = &h->log[h->len++];
		if (set_str(&r->start, "", 0) < 0 || set_str(&r->end, "", 0) < 0 || set_str(&r->output, "", 0) < 0)
			return -ENOMEM;
		return 0;
	}
	case N_HRUN: {
		health_block *h = block_of(m, m->nodes[level - 2]);
		health_run *r = &h->log[h->len - 1];
		if (key_is(m, level, "Start")) return set_member(&r->start, kind, s, len);
		if (key_is(m, level, "End")) return set_member(&r->end, kind, s, len);
		if (key_is(m, level, "Output")) return set_member(&r->output, kind, s, len);
		if (key_is(m, level, "ExitCode")) {
			int64_t code = number(kind, s, len);
			r->exit_code = code >= INT32_MIN && code <= INT32_MAX ? (int)code : -1;
		}
		return 0;
	}
	case N_CONFIG:
		if (key_is(m, level, "Image")) return set_member(&x->image, kind, s, len);
		if (key_is(m, level, "Tty")) { x->tty = kind == JS_BOOL && s[0] == 't'; return 0; }
		if (key_is(m, level, "OpenStdin")) { x->stdin_open = kind == JS_BOOL && s[0] == 't'; return 0; }
		if (key_is(m, level, "Env")) strv_release(&x->env);
		if (key_is(m, level, "Labels")) {
			strv_release(&x->label_keys);
			strv_release(&x->label_values);
		}
		if (key_is(m, level, "Healthcheck")) {
			strv_release(&x->hc_test);
			x->hc_interval_ms = x->hc_timeout_ms = x->hc_start_period_ms = 0;
			x->hc_retries = 0;
		}
		return 0;
	case N_ARGS:
	case N_ENV:
	case N_HC_TEST:
		if (kind != JS_STRING)
			return 0;
		{
			_cleanup_free_ char *v = strndup(s, len);
			strv *into = n == N_ARGS ? &m->args : n == N_ENV ? &x->env : &x->hc_test;
			return v ? strv_push(into, v) : -ENOMEM;
		}
	case N_LABELS: {
		_cleanup_free_ char *k = strndup(m->dyn.data ? m->dyn.data : "", m->dyn.len);
		_cleanup_free_ char *v = strndup(kind == JS_STRING ? s : "", kind == JS_STRING ? len : 0);
		if (!k || !v)
			return -ENOMEM;
		return labels_set(&x->label_keys, &x->label_values, k, v) < 0 ? -ENOMEM : 0;
	}
	case N_HC:
		if (key_is(m, level, "Interval")) x->hc_interval_ms = dur_ms(kind, s, len);
		else if (key_is(m, level, "Timeout")) x->hc_timeout_ms = dur_ms(kind, s, len);
		else if (key_is(m, level, "StartPeriod")) x->hc_start_period_ms = dur_ms(kind, s, len);
		else if (key_is(m, level, "Retries")) {
			int64_t r = number(kind, s, len);
			x->hc_retries = r > 0 && r < INT32_MAX ? (int)r : 0;
		} else if (key_is(m, level, "Test"))
			strv_release(&x->hc_test);
		return 0;
	case N_MOUNTS:
		if (!map)
			return 0; /* not an object: no mount */
		if (grow((void **)&x->mounts, &m->mounts_cap, x->mounts_len, sizeof *x->mounts) < 0)
			return -ENOMEM;
		x->mounts_len++;
		free(m->mount_name);
		m->mount_name = NULL;
		return 0;
	case N_MOUNT: {
		mount_info *mi = &x->mounts[x->mounts_len - 1];
		if (key_is(m, level, "Type")) {
			mi->type = kind == JS_STRING ? mount_type_of(s, len) : BERTH_MOUNT_OTHER;
			return 0;
		}
		if (key_is(m, level, "Source")) return set_member(&mi->source, kind, s, len);
		if (key_is(m, level, "Destination")) return set_member(&mi->destination, kind, s, len);
		if (key_is(m, level, "Name")) return set_member(&m->mount_name, kind, s, len);
		if (key_is(m, level, "RW")) mi->read_only = kind == JS_BOOL && s[0] == 'f';
		return 0;
	}
	case N_HOSTCONFIG:
		if (key_is(m, level, "Tmpfs"))
			tmpfs_clear(m);
		return 0;
	case N_TMPFS: {
		if (grow((void **)&m->tmpfs, &m->tmpfs_cap, m->tmpfs_len, sizeof *m->tmpfs) < 0)
			return -ENOMEM;
		tmpfs_entry *t = &m->tmpfs[m->tmpfs_len];
		if (set_str(&t->path, m->dyn.data ? m->dyn.data : "", m->dyn.len) < 0)
			return -ENOMEM;
		t->ro = kind == JS_STRING && has_option(s, len, "ro");
		m->tmpfs_len++;
		return 0;
	}
	case N_NETSET:
		if (key_is(m, level, "Networks"))
			networks_clear(x);
		if (key_is(m, level, "Ports"))
			ports_clear(x);
		return 0;
	case N_NETWORKS: {
		/* every member is a network; one that is not an object has no addresses */
		if (grow((void **)&x->networks, &m->networks_cap, x->networks_len, sizeof *x->networks) < 0)
			return -ENOMEM;
		network_info *ni = &x->networks[x->networks_len++];
		return set_str(&ni->name, m->dyn.data ? m->dyn.data : "", m->dyn.len);
	}
	case N_NETWORK: {
		network_info *ni = &x->networks[x->networks_len - 1];
		if (key_is(m, level, "IPAddress")) return set_member(&ni->ipv4, kind, s, len);
		if (key_is(m, level, "GlobalIPv6Address")) return set_member(&ni->ipv6, kind, s, len);
		if (key_is(m, level, "Gateway")) return set_member(&ni->gateway, kind, s, len);
		if (key_is(m, level, "MacAddress")) return set_member(&ni->mac, kind, s, len);
		return 0;
	}
	case N_PORTS: {
		/* "8080/tcp": the number and protocol of the bindings that follow */
		const char *k = m->dyn.data ? m->dyn.data : "";
		size_t numlen = strcspn(k, "/");
		const char *proto = k[numlen] == '/' ? k + numlen + 1 : "tcp";
		m->bind_cport = arr ? port_number(k, numlen) : 0;
		if (!*proto || strlen(proto) >= sizeof m->bind_proto || strlen(k) != m->dyn.len)
			m->bind_cport = 0;
		else
			snprintf(m->bind_proto, sizeof m->bind_proto, "%s", proto);
		return 0;
	}
	case N_BINDS:
		free(m->bind_ip);
		free(m->bind_port);
		m->bind_ip = m->bind_port = NULL;
		return 0;
	case N_BIND:
		if (key_is(m, level, "HostIp")) return set_member(&m->bind_ip, kind, s, len);
		if (key_is(m, level, "HostPort")) return set_member(&m->bind_port, kind, s, len);
		return 0;
	case N_SKIP:
		return 0;
	}
	(void)arr;
	return 0;
}

/* A container at `level` (its node n) closes. */
static int closed(inspect_map *m, node n)
{
	berth_container_info *x = m->x;
	if (n == N_MOUNT) {
		mount_info *mi = &x->mounts[x->mounts_len - 1];
		const char *name = mi->type == BERTH_MOUNT_VOLUME && m->mount_name ? m->mount_name : "";
		if ((!mi->source && set_str(&mi->source, "", 0) < 0) ||
		    (!mi->destination && set_str(&mi->destination, "", 0) < 0) ||
		    set_str(&mi->volume_name, name, strlen(name)) < 0)
			return -ENOMEM;
	} else if (n == N_BIND) {
		const char *hp = strempty(m->bind_port), *ip = strempty(m->bind_ip);
		int hport = port_number(hp, strlen(hp));
		if (m->bind_cport && hport) {
			if (grow((void **)&x->ports, &m->ports_cap, x->ports_len, sizeof *x->ports) < 0)
				return -ENOMEM;
			port_info *pi = &x->ports[x->ports_len++];
			pi->container_port = m->bind_cport;
			pi->host_port = hport;
			snprintf(pi->proto, sizeof pi->proto, "%s", m->bind_proto);
			if (set_str(&pi->host_ip, *ip ? ip : "0.0.0.0", strlen(*ip ? ip : "0.0.0.0")) < 0)
				return -ENOMEM;
		}
		free(m->bind_ip);
		free(m->bind_port);
		m->bind_ip = m->bind_port = NULL;
	}
	return 0;
}

static int on_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	inspect_map *m = ctx;
	int r = 0;
	if (level == 0) {
		if (kind != JS_START_MAP && kind != JS_END_MAP)
			return berth_fail(err, BERTH_EPROTOCOL, "%s: reply is not a JSON object", m->what);
		if (kind == JS_START_MAP) {
			m->nodes[1] = N_ROOT;
			m->key[1][0] = '\0';
		}
		return 0;
	}
	if (level >= MAX_TRACKED)
		return 0;
	node n = m->nodes[level];
	if (n == N_SKIP) {
		/* inside a skipped container everything is skipped */
		if ((kind == JS_START_MAP || kind == JS_START_ARRAY) && level + 1 < MAX_TRACKED)
			m->nodes[level + 1] = N_SKIP;
		return 0;
	}
	switch (kind) {
	case JS_KEY:
		js_key_copy(m->key[level], sizeof m->key[level], s, len);
		sbuf_reset(&m->dyn);
		if (sbuf_add(&m->dyn, s, len) < 0)
			r = -ENOMEM;
		break;
	case JS_START_MAP:
	case JS_START_ARRAY:
		r = value(m, n, level, kind, NULL, 0);
		if (r == 0 && level + 1 < MAX_TRACKED) {
			node child = child_of(m, n, level);
			/* each node is an object or an array: the other shape is skipped */
			bool want_array = child == N_ARGS || child == N_HLOG || child == N_ENV || child == N_HC_TEST ||
					  child == N_MOUNTS || child == N_BINDS;
			if (child != N_SKIP && want_array != (kind == JS_START_ARRAY))
				child = N_SKIP;
			m->nodes[level + 1] = child;
			m->key[level + 1][0] = '\0';
		}
		break;
	case JS_END_MAP:
	case JS_END_ARRAY:
		if (level + 1 < MAX_TRACKED)
			r = closed(m, m->nodes[level + 1]);
		break;
	default:
		r = value(m, n, level, kind, s, len);
		break;
	}
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

static void map_release(inspect_map *m)
{
	berth_container_info_free(m->x);
	sbuf_release(&m->dyn);
	free(m->path);
	strv_release(&m->args);
	health_release(&m->health[0]);
	health_release(&m->health[1]);
	free(m->mount_name);
	for (size_t i = 0; i < m->tmpfs_len; i++)
		free(m->tmpfs[i].path);
	free(m->tmpfs);
	free(m->bind_ip);
	free(m->bind_port);
}

static int network_cmp(const void *a, const void *b)
{
	return strcmp(((const network_info *)a)->name, ((const network_info *)b)->name);
}

/* What depends on more than one member, once all are read. */
static int settle(inspect_map *m)
{
	berth_container_info *x = m->x;
	char **strs[] = { &x->id, &x->name, &x->image, &x->image_id, &x->error, &x->created, &x->started_at,
			  &x->finished_at };
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		if (!*strs[i] && set_str(strs[i], "", 0) < 0)
			return -ENOMEM;
	if (x->name[0] == '/')
		memmove(x->name, x->name + 1, strlen(x->name));
	/* engines say "never" with the zero time; berth says "" */
	char **times[] = { &x->created, &x->started_at, &x->finished_at };
	for (size_t i = 0; i < ARRAY_SIZE(times); i++)
		if (startswith(*times[i], "0001-01-01"))
			(*times[i])[0] = '\0';
	/* cmd = Path, then Args */
	if (m->path && *m->path && strv_push(&x->cmd, m->path) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < m->args.len; i++)
		if (strv_push(&x->cmd, m->args.items[i]) < 0)
			return -ENOMEM;
	/* health: Config.Healthcheck says whether there is a check */
	x->has_healthcheck = x->hc_test.len && !STREQ(x->hc_test.items[0], "NONE");
	health_block *h = m->health[0].seen ? &m->health[0] : m->health[1].seen ? &m->health[1] : NULL;
	const char *word = h ? strempty(h->status) : "";
	x->health = STREQ(word, "starting") ? BERTH_HEALTH_STARTING
		    : STREQ(word, "healthy") ? BERTH_HEALTH_HEALTHY
		    : STREQ(word, "unhealthy") ? BERTH_HEALTH_UNHEALTHY : BERTH_HEALTH_NONE;
	if (x->health == BERTH_HEALTH_NONE && x->has_healthcheck)
		x->health = BERTH_HEALTH_STARTING;
	if (h) {
		x->failing_streak = h->streak > 0 && h->streak < INT32_MAX ? (int)h->streak : 0;
		x->health_log = h->log;
		x->health_log_len = h->len;
		h->log = NULL;
		h->len = h->cap = 0;
	}
	/* HostConfig.Tmpfs entries that Mounts does not list */
	for (size_t i = 0; i < m->tmpfs_len; i++) {
		bool listed = false;
		for (size_t k = 0; k < x->mounts_len && !listed; k++)
			listed = STREQ(x->mounts[k].destination, m->tmpfs[i].path);
		if (listed)
			continue;
		if (grow((void **)&x->mounts, &m->mounts_cap, x->mounts_len, sizeof *x->mounts) < 0)
			return -ENOMEM;
		mount_info *mi = &x->mounts[x->mounts_len++];
		mi->type = BERTH_MOUNT_TMPFS;
		mi->destination = m->tmpfs[i].path;
		m->tmpfs[i].path = NULL;
		mi->read_only = m->tmpfs[i].ro;
		if (set_str(&mi->source, "", 0) < 0 || set_str(&mi->volume_name, "", 0) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < x->networks_len; i++) {
		network_info *ni = &x->networks[i];
		char **f[] = { &ni->ipv4, &ni->ipv6, &ni->gateway, &ni->mac };
		for (size_t k = 0; k < ARRAY_SIZE(f); k++)
			if (!*f[k] && set_str(f[k], "", 0) < 0)
				return -ENOMEM;
	}
	if (x->networks_len > 1)
		qsort(x->networks, x->networks_len, sizeof *x->networks, network_cmp);
	if (x->ports_len > 1)
		qsort(x->ports, x->ports_len, sizeof *x->ports, port_info_cmp);
	return 0;
}

int engineapi_parse_inspect(berth_container_info **out, const char *body, size_t len, const char *what, berth_error *err)
{
	inspect_map m = { .dyn = SBUF_INIT, .args = STRV_INIT, .what = what };
	m.x = calloc(1, sizeof *m.x);
	if (!m.x)
		return BERTH_NOMEM(err);
	int r = js_parse(on_event, &m, what, body, len, err);
	if (r == 0 && settle(&m) < 0)
		r = BERTH_NOMEM(err);
	if (r == 0 && !m.x->id[0])
		r = berth_fail(err, BERTH_EPROTOCOL, "inspect: reply has no Id");
	if (r == 0) {
		/* the escape hatch: the reply's own bytes */
		m.x->raw = strndup(body ? body : "", len);
		if (!m.x->raw)
			r = BERTH_NOMEM(err);
	}
	if (r == 0) {
		*out = m.x;
		m.x = NULL;
	}
	map_release(&m);
	return r;
}
