/* ctrd_specgen.c: the OCI runtime spec for containerd, made the way Docker makes it (its
 * default mounts, capabilities, masked paths and device rules), from the
 * image config and a berth_spec. Pure: see ctrd_specgen.h. */
#include "ctrd_specgen.h"
#include "lib/parse/json_util.h"
#include "ctrd_cni.h"

#include "util/sha256.h"

#include <berth/owner.h>

#include <ctype.h>
#include <inttypes.h>
#include "lib/parse/json_util.h"
#include <stdio.h>


/* ---- the image config ------------------------------------------------------ */

static int dup_string(char **out, json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s || !*s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

void ctrd_oci_image_config_release(oci_image_config *c)
{
	strv_release(&c->env);
	strv_release(&c->entrypoint);
	strv_release(&c->cmd);
	strv_release(&c->diff_ids);
	strv_release(&c->label_keys);
	strv_release(&c->label_values);
	strv_release(&c->health_test);
	free(c->user);
	free(c->workdir);
	free(c->stop_signal);
	*c = (oci_image_config){ 0 };
}

static int config_fields(oci_image_config *c, json_t *root)
{
	json_t *cfg = json_object_get(root, "config");
	if (!json_is_object(cfg))
		cfg = json_object_get(root, "Config"); /* Docker's own spelling in older configs */
	json_t *rootfs = json_object_get(root, "rootfs");
	if (json_strv_append(&c->diff_ids, json_object_get(rootfs, "diff_ids")) < 0)
		return -ENOMEM;
	if (!json_is_object(cfg))
		return 0;
	json_t *ep = json_object_get(cfg, "Entrypoint"), *cmd = json_object_get(cfg, "Cmd");
	c->has_entrypoint = json_is_array(ep);
	c->has_cmd = json_is_array(cmd);
	if (json_strv_append(&c->env, json_object_get(cfg, "Env")) < 0 || json_strv_append(&c->entrypoint, ep) < 0 ||
	    json_strv_append(&c->cmd, cmd) < 0 || dup_string(&c->user, cfg, "User") < 0 ||
	    dup_string(&c->workdir, cfg, "WorkingDir") < 0 || dup_string(&c->stop_signal, cfg, "StopSignal") < 0)
		return -ENOMEM;
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(cfg, "Labels"), key, v)
		if (json_is_string(v) && labels_set(&c->label_keys, &c->label_values, key, json_string_value(v)) < 0)
			return -ENOMEM;
	json_t *hc = json_object_get(cfg, "Healthcheck");
	if (json_is_object(hc)) {
		c->has_health = true;
		if (json_strv_append(&c->health_test, json_object_get(hc, "Test")) < 0)
			return -ENOMEM;
		/* nanoseconds in the config */
		c->health_interval_ms = json_integer_value(json_object_get(hc, "Interval")) / 1000000;
		c->health_timeout_ms = json_integer_value(json_object_get(hc, "Timeout")) / 1000000;
		c->health_start_period_ms = json_integer_value(json_object_get(hc, "StartPeriod")) / 1000000;
		json_int_t retries = json_integer_value(json_object_get(hc, "Retries"));
		c->health_retries = retries > 0 && retries < 1000000 ? (int)retries : 0;
		if (c->health_interval_ms < 0 || c->health_timeout_ms < 0 || c->health_start_period_ms < 0)
			c->health_interval_ms = c->health_timeout_ms = c->health_start_period_ms = 0;
	}
	return 0;
}

int ctrd_oci_image_config_parse(oci_image_config *out, const char *json, size_t len, berth_error *err)
{
	*out = (oci_image_config){ 0 };
	json_error_t jerr;
	_cleanup_json_ json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root))
		return berth_fail(err, BERTH_EPROTOCOL, "image config: not a JSON object (%.80s)",
				  root ? "wrong type" : jerr.text);
	if (config_fields(out, root) < 0) {
		ctrd_oci_image_config_release(out);
		return BERTH_NOMEM(err);
	}
	return 0;
}

int ctrd_oci_chain_id(char out[72], const strv *diff_ids, berth_error *err)
{
	if (!diff_ids->len)
		return berth_fail(err, BERTH_EINVAL, "image: the config lists no layers");
	char chain[72] = "";
	for (size_t i = 0; i < diff_ids->len; i++) {
		const char *d = diff_ids->items[i];
		bool ok = startswith(d, "sha256:") && strlen(d) == 71;
		for (size_t k = 7; ok && k < 71; k++)
			ok = isxdigit((unsigned char)d[k]) && !isupper((unsigned char)d[k]);
		if (!ok)
			return berth_fail(err, BERTH_EINVAL, "image: malformed layer digest \"%.80s\"", d);
		if (i == 0) {
			memcpy(chain, d, 72);
			continue;
		}
		char text[160], hex[65];
		int n = snprintf(text, sizeof text, "%s %s", chain, d);
		sha256_hex(hex, text, (size_t)n);
		snprintf(chain, sizeof chain, "sha256:%s", hex);
	}
	memcpy(out, chain, 72);
	return 0;
}

/* ---- users ------------------------------------------------------------------- */

static bool parse_id(const char *s, size_t n, uint32_t *out)
{
	if (n == 0 || n > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > 4294967294u)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Field `k` (0-based) of a ':'-separated line [line, end): pointer and length. */
static bool field_of(const char *line, const char *end, int k, const char **f, size_t *n)
{
	const char *p = line;
	for (int i = 0; i < k; i++) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return false;
		p = c + 1;
	}
	const char *c = memchr(p, ':', (size_t)(end - p));
	*f = p;
	*n = (size_t)((c ? c : end) - p);
	return true;
}

/* Find the line of a passwd/group file whose name (field 0) is `name`, or,
 * when name is NULL, whose id (field 2) is `id`. */
static const char *find_entry(const char *file, const char *name, size_t name_len, uint32_t id, const char **end)
{
	for (const char *line = file; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *e = nl ? nl : line + strlen(line);
		const char *f;
		size_t n;
		uint32_t v;
		if (*line != '#' && field_of(line, e, 0, &f, &n)) {
			bool hit = name ? n == name_len && memcmp(f, name, n) == 0
					: field_of(line, e, 2, &f, &n) && parse_id(f, n, &v) && v == id;
			if (hit) {
				*end = e;
				return line;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static int resolve_group(uint32_t *gid, const char *g, size_t n, const char *group, berth_error *err)
{
	if (parse_id(g, n, gid))
		return 0;
	if (!group)
		return berth_fail(err, BERTH_EUNSUPPORTED, "user: the image has no /etc/group to look up \"%.*s\" in",
				  (int)(n < 64 ? n : 64), g);
	const char *end, *line = find_entry(group, g, n, 0, &end);
	const char *f;
	size_t fn;
	if (!line || !field_of(line, end, 2, &f, &fn) || !parse_id(f, fn, gid))
		return berth_fail(err, BERTH_EINVAL, "user: no group \"%.*s\" in the image's /etc/group",
				  (int)(n < 64 ? n : 64), g);
	return 0;
}

/* The groups whose member list (field 3) names the user. */
static void supplementary(oci_user *u, const char *name, size_t name_len, const char *group)
{
	for (const char *line = group; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *e = nl ? nl : line + strlen(line);
		const char *members, *gf;
		size_t mn, gn;
		uint32_t gid;
		if (*line != '#' && field_of(line, e, 3, &members, &mn) && field_of(line, e, 2, &gf, &gn) &&
		    parse_id(gf, gn, &gid)) {
			for (const char *m = members; m < members + mn;) {
				const char *c = memchr(m, ',', (size_t)(members + mn - m));
				size_t len = (size_t)((c ? c : members + mn) - m);
				bool dup = gid == u->gid;
				for (size_t i = 0; i < u->n_gids && !dup; i++)
					dup = u->gids[i] == gid;
				if (len == name_len && memcmp(m, name, len) == 0 && !dup && u->n_gids < ARRAY_SIZE(u->gids))
					u->gids[u->n_gids++] = gid;
				m = c ? c + 1 : members + mn;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

int ctrd_oci_user_resolve(oci_user *out, const char *user, const char *passwd, const char *group, berth_error *err)
{
	oci_user u = { 0 };
	if (isempty(user))
		user = "0"; /* root, with root's groups from the image, as Docker */
	size_t un = strcspn(user, ":");
	const char *g = user[un] ? user + un + 1 : NULL;
	const char *line = NULL, *end = NULL;
	if (parse_id(user, un, &u.uid)) {
		if (passwd)
			line = find_entry(passwd, NULL, 0, u.uid, &end);
	} else {
		if (!passwd)
			return berth_fail(err, BERTH_EUNSUPPORTED, "user: the image has no /etc/passwd to look up \"%.*s\" in",
					  (int)(un < 64 ? un : 64), user);
		line = find_entry(passwd, user, un, 0, &end);
		const char *f;
		size_t n;
		if (!line || !field_of(line, end, 2, &f, &n) || !parse_id(f, n, &u.uid))
			return berth_fail(err, BERTH_EINVAL, "user: no user \"%.*s\" in the image's /etc/passwd",
					  (int)(un < 64 ? un : 64), user);
	}
	const char *f, *name = NULL;
	size_t n, name_len = 0;
	if (line && field_of(line, end, 3, &f, &n))
		(void)parse_id(f, n, &u.gid);
	if (line && field_of(line, end, 0, &name, &name_len) && group)
		supplementary(&u, name, name_len, group);
	if (g) {
		int r = resolve_group(&u.gid, g, strlen(g), group, err);
		if (r < 0)
			return r;
		u.n_gids = 0; /* a group given by name or id is the only one, as Docker */
	}
	/* The primary group is one of the process's groups too, first (Docker
	 * and Podman set it so: `id -G` lists it); once. */
	size_t keep = 0;
	for (size_t i = 0; i < u.n_gids; i++)
		if (u.gids[i] != u.gid)
			u.gids[keep++] = u.gids[i];
	u.n_gids = keep < ARRAY_SIZE(u.gids) ? keep : ARRAY_SIZE(u.gids) - 1;
	memmove(u.gids + 1, u.gids, u.n_gids * sizeof *u.gids);
	u.gids[0] = u.gid;
	u.n_gids++;
	*out = u;
	return 0;
}

/* ---- what containerd cannot do -------------------------------------------------- */

static int unsupported(const char *field, const char *why, berth_error *err)
{
	return berth_fail(err, BERTH_EUNSUPPORTED, "%s: %s on containerd", field, why);
}

bool ctrd_ocispec_bridged(const berth_spec *s)
{
	return !s->network_mode || STREQ(s->network_mode, "bridge") || STREQ(s->network_mode, "default");
}

bool ctrd_ocispec_named(const berth_spec *s)
{
	return !ctrd_ocispec_bridged(s) && !STREQ(s->network_mode, "none") && !STREQ(s->network_mode, "host") &&
	       !startswith(s->network_mode, "container:");
}

int ctrd_ocispec_check(const berth_spec *s, berth_error *err)
{
	int r = spec_check(s, err);
	if (r < 0)
		return r;
	if (!ctrd_ocispec_bridged(s) && !ctrd_ocispec_named(s) && !STREQ(s->network_mode, "none") &&
	    !STREQ(s->network_mode, "host"))
		return unsupported("network", "only berth's bridge, named networks and the modes none and host exist", err);
	bool own_net = ctrd_ocispec_bridged(s) || ctrd_ocispec_named(s);
	if (s->n_ports && !own_net)
		return unsupported("port", "published ports need a bridge network", err);
	/* containerd's restart monitor starts a task whatever the last one's
	 * exit code was, and with the stdio of its log URI only (no terminal) */
	if (s->has_restart && s->restart == BERTH_RESTART_ON_FAILURE)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "restart: on-failure is not supported on containerd: containerd's restart monitor "
				  "restarts whatever the exit code (use always or unless-stopped)");
	if (s->has_restart && s->restart != BERTH_RESTART_NO && s->tty)
		return unsupported("restart", "no restart policy for a container with a TTY (containerd's restart "
				   "monitor starts its tasks without a terminal)", err);
	if (s->log_driver)
		return unsupported("log-driver", "no log drivers (berth keeps the log itself)", err);
	if (s->log_opt_keys.len)
		return unsupported("log-opt", "no log driver options", err);
	if (s->has_init && s->init)
		return unsupported("init", "no init process", err);
	if (s->auto_remove)
		return unsupported("auto-remove", "nothing removes an exited container", err);
	if (s->pid_mode && !STREQ(s->pid_mode, "host"))
		return unsupported("pid", "only the modes host and private exist", err);
	if (s->ipc_mode && startswith(s->ipc_mode, "container:"))
		return unsupported("ipc", "no joining another container's IPC namespace", err);
	for (size_t i = 0; i < s->extra_hosts.len && !own_net; i++)
		if (endswith(s->extra_hosts.items[i], ":host-gateway"))
			return unsupported("add-host", "host-gateway needs the bridge network", err);
	for (size_t i = 0; i < s->security_opts.len; i++) {
		const char *o = s->security_opts.items[i];
		size_t kn = strcspn(o, "=:");
		const char *v = o[kn] ? o + kn + 1 : "";
		if (kn == 7 && memcmp(o, "seccomp", 7) == 0 && !STREQ(v, "unconfined"))
			return unsupported("security-opt", "no seccomp profiles (berth applies none)", err);
		if (kn == 8 && memcmp(o, "apparmor", 8) == 0 && !STREQ(v, "unconfined"))
			return unsupported("security-opt", "no AppArmor profiles", err);
		if (kn == 5 && memcmp(o, "label", 5) == 0 && !STREQ(v, "disable"))
			return unsupported("security-opt", "no SELinux labels", err);
	}
	return 0;
}

/* ---- JSON helpers ---------------------------------------------------------------- */

/* A value Go reads as the uint64 maximum (unlimited rlimits): jansson has
 * no unsigned integers, so this marker is written and replaced in the text. */
#define U64_MAX_MARK INT64_MIN
#define U64_MAX_MARK_TEXT "-9223372036854775808"

typedef struct ob {
	bool oom;
	size_t marks;
} ob;

static void set(ob *b, json_t *obj, const char *key, json_t *value)
{
	if (!obj || !value || json_object_set_new(obj, key, value) < 0) {
		if (!obj)
			json_decref(value);
		b->oom = true;
	}
}

static void append(ob *b, json_t *arr, json_t *value)
{
	if (!arr || !value || json_array_append_new(arr, value) < 0) {
		if (!arr)
			json_decref(value);
		b->oom = true;
	}
}

static json_t *strings(ob *b, const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		append(b, a, json_string(v[i]));
	return a;
}

static json_t *strv_to_json(ob *b, const strv *v)
{
	return strings(b, (const char *const *)v->items, v->len);
}

/* ---- process ----------------------------------------------------------------------- */

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Set KEY=VALUE in env, replacing an entry with the same key. */
static int env_set(strv *env, const char *kv)
{
	size_t kn = strcspn(kv, "=");
	for (size_t i = 0; i < env->len; i++)
		if (strncmp(env->items[i], kv, kn) == 0 && (env->items[i][kn] == '=' || !env->items[i][kn])) {
			char *copy = strdup(kv);
			if (!copy)
				return -ENOMEM;
			free(env->items[i]);
			env->items[i] = copy;
			return 0;
		}
	return strv_push(env, kv);
}

static int build_env(strv *env, const berth_spec *s, const oci_image_config *img, const char *hostname)
{
	_cleanup_free_ char *host = NULL;
	if (asprintf(&host, "HOSTNAME=%s", hostname) < 0)
		return -ENOMEM;
	if (strv_push(env, DEFAULT_PATH) < 0 || strv_push(env, host) < 0 || (s->tty && strv_push(env, "TERM=xterm") < 0))
		return -ENOMEM;
	for (size_t i = 0; img && i < img->env.len; i++)
		if (env_set(env, img->env.items[i]) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < s->env.len; i++)
		if (env_set(env, s->env.items[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* entrypoint + cmd as Docker combines them: a spec's entrypoint drops the
 * image's command too. */
static int build_args(strv *args, const berth_spec *s, const oci_image_config *img, berth_error *err)
{
	const strv *ep = s->has_entrypoint ? &s->entrypoint : img ? &img->entrypoint : NULL;
	const strv *cmd = s->has_cmd ? &s->cmd : (!s->has_entrypoint && img) ? &img->cmd : NULL;
	for (size_t i = 0; ep && i < ep->len; i++)
		if (strv_push(args, ep->items[i]) < 0)
			return BERTH_NOMEM(err);
	for (size_t i = 0; cmd && i < cmd->len; i++)
		if (strv_push(args, cmd->items[i]) < 0)
			return BERTH_NOMEM(err);
	if (!args->len)
		return berth_fail(err, BERTH_EINVAL, "cmd: no command (the image has none and the spec gives none)");
	return 0;
}

/* The capabilities Docker grants by default. */
static const char *const default_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
	"CAP_AUDIT_WRITE",
};

static bool in_set(const strv *set, const char *cap)
{
	for (size_t i = 0; i < set->len; i++)
		if (STREQ(set->items[i], cap))
			return true;
	return false;
}

static int build_caps(strv *caps, const berth_spec *s, int cap_last)
{
	bool all = s->privileged || in_set(&s->cap_add, "ALL");
	bool none = in_set(&s->cap_drop, "ALL") && !s->privileged;
	int last = cap_last > 0 && cap_last < CAP_NAMES_COUNT ? cap_last : CAP_NAMES_COUNT - 1;
	for (int i = 0; i <= last; i++) {
		char name[48];
		snprintf(name, sizeof name, "CAP_%s", cap_names[i]);
		bool dflt = false;
		for (size_t k = 0; k < ARRAY_SIZE(default_caps) && !dflt; k++)
			dflt = STREQ(default_caps[k], name);
		bool on = all || in_set(&s->cap_add, name) || (dflt && !none);
		if (!s->privileged && in_set(&s->cap_drop, name) && !in_set(&s->cap_add, name))
			on = false;
		if (none && !all && !in_set(&s->cap_add, name))
			on = false;
		if (on && strv_push(caps, name) < 0)
			return -ENOMEM;
	}
	return 0;
}

static const char *const rlimit_names[][2] = {
	{ "core", "RLIMIT_CORE" },         { "cpu", "RLIMIT_CPU" },           { "data", "RLIMIT_DATA" },
	{ "fsize", "RLIMIT_FSIZE" },       { "locks", "RLIMIT_LOCKS" },       { "memlock", "RLIMIT_MEMLOCK" },
	{ "msgqueue", "RLIMIT_MSGQUEUE" }, { "nice", "RLIMIT_NICE" },         { "nofile", "RLIMIT_NOFILE" },
	{ "nproc", "RLIMIT_NPROC" },       { "rss", "RLIMIT_RSS" },           { "rtprio", "RLIMIT_RTPRIO" },
	{ "rttime", "RLIMIT_RTTIME" },     { "sigpending", "RLIMIT_SIGPENDING" }, { "stack", "RLIMIT_STACK" },
};

static json_t *limit_value(ob *b, int64_t v)
{
	if (v >= 0)
		return json_integer(v);
	b->marks++;
	return json_integer(U64_MAX_MARK);
}

static json_t *rlimit(ob *b, const char *type, int64_t soft, int64_t hard)
{
	json_t *r = json_object();
	set(b, r, "type", json_string(type));
	set(b, r, "hard", limit_value(b, hard));
	set(b, r, "soft", limit_value(b, soft));
	return r;
}

static json_t *build_rlimits(ob *b, const berth_spec *s, int64_t nofile)
{
	json_t *a = json_array();
	bool has_nofile = false;
	for (size_t i = 0; i < s->n_ulimits; i++) {
		const char *type = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(rlimit_names) && !type; k++)
			if (STREQ(rlimit_names[k][0], s->ulimits[i].name))
				type = rlimit_names[k][1];
		if (!type)
			continue; /* spec.c knows no other names */
		has_nofile = has_nofile || STREQ(type, "RLIMIT_NOFILE");
		append(b, a, rlimit(b, type, s->ulimits[i].soft, s->ulimits[i].hard));
	}
	if (!has_nofile)
		append(b, a, rlimit(b, "RLIMIT_NOFILE", nofile > 0 ? nofile : 1024, nofile > 0 ? nofile : 1024));
	return a;
}

/* --group-add: each id, or name from the image's /etc/group, once. */
static int add_groups(oci_user *u, const strv *names, const char *group, berth_error *err)
{
	for (size_t i = 0; i < names->len; i++) {
		uint32_t gid;
		const char *g = names->items[i];
		int r = resolve_group(&gid, g, strlen(g), group, NULL);
		if (r == BERTH_EUNSUPPORTED)
			return berth_fail(err, r, "group-add: the image has no /etc/group to look up \"%.64s\" in", g);
		if (r < 0)
			return berth_fail(err, r, "group-add: no group \"%.64s\" in the image's /etc/group", g);
		bool dup = false;
		for (size_t k = 0; k < u->n_gids && !dup; k++)
			dup = u->gids[k] == gid;
		if (dup)
			continue;
		if (u->n_gids == ARRAY_SIZE(u->gids))
			return berth_fail(err, BERTH_EINVAL, "group-add: more than %zu groups", ARRAY_SIZE(u->gids));
		u->gids[u->n_gids++] = gid;
	}
	return 0;
}

static json_t *build_process(ob *b, const berth_spec *s, const ocispec_input *in, const char *hostname,
			     berth_error *err, int *r)
{
	const oci_image_config *img = in->image;
	_cleanup_strv_ strv args = STRV_INIT, env = STRV_INIT, caps = STRV_INIT;
	if ((*r = build_args(&args, s, img, err)) < 0)
		return NULL;
	if (build_env(&env, s, img, hostname) < 0 || build_caps(&caps, s, in->cap_last) < 0) {
		*r = BERTH_NOMEM(err);
		return NULL;
	}
	oci_user u;
	const char *user = s->user ? s->user : img ? img->user : NULL;
	if ((*r = ctrd_oci_user_resolve(&u, user, in->passwd, in->group, err)) < 0 ||
	    (*r = add_groups(&u, &s->group_add, in->group, err)) < 0)
		return NULL;

	json_t *p = json_object();
	set(b, p, "terminal", json_boolean(s->tty));
	json_t *ju = json_object();
	set(b, p, "user", ju);
	set(b, ju, "uid", json_integer(u.uid));
	set(b, ju, "gid", json_integer(u.gid));
	if (u.n_gids) {
		json_t *g = json_array();
		for (size_t i = 0; i < u.n_gids; i++)
			append(b, g, json_integer(u.gids[i]));
		set(b, ju, "additionalGids", g);
	}
	set(b, p, "args", strv_to_json(b, &args));
	set(b, p, "env", strv_to_json(b, &env));
	const char *cwd = s->workdir ? s->workdir : (img && img->workdir) ? img->workdir : "/";
	set(b, p, "cwd", json_string(cwd));
	json_t *c = json_object();
	set(b, p, "capabilities", c);
	set(b, c, "bounding", strv_to_json(b, &caps));
	set(b, c, "permitted", strv_to_json(b, &caps));
	/* as Docker: a non-root user starts with no effective capabilities */
	set(b, c, "effective", u.uid == 0 ? strv_to_json(b, &caps) : json_array());
	set(b, p, "rlimits", build_rlimits(b, s, in->nofile));
	bool nnp = false;
	for (size_t i = 0; i < s->security_opts.len; i++) {
		const char *o = s->security_opts.items[i];
		if (startswith(o, "no-new-privileges"))
			nnp = !o[17] || STREQ(o + 18, "true");
	}
	if (nnp)
		set(b, p, "noNewPrivileges", json_true());
	return p;
}

/* ---- mounts ------------------------------------------------------------------------ */

static json_t *mount(ob *b, const char *dest, const char *type, const char *source, const char *const *opts,
		     size_t n)
{
	json_t *m = json_object();
	set(b, m, "destination", json_string(dest));
	set(b, m, "type", json_string(type));
	set(b, m, "source", json_string(source));
	set(b, m, "options", strings(b, opts, n));
	return m;
}

static bool mounted_by_spec(const berth_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (STREQ(s->mounts[i].target, dest))
			return true;
	return false;
}

/* Comma list -> strv. */
static int split_opts(strv *out, const char *list)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		_cleanup_free_ char *w = strndup(p, n);
		if (!w || strv_push(out, w) < 0)
			return -ENOMEM;
		p += n + (p[n] ? 1 : 0);
	}
	return 0;
}

/* m, a volume's with its host directory in source (NULL otherwise). */
static json_t *spec_mount_json(ob *b, const spec_mount *m, const char *source)
{
	_cleanup_strv_ strv opts = STRV_INIT, given = STRV_INIT;
	if (split_opts(&given, m->options) < 0) {
		b->oom = true;
		return NULL;
	}
	int r = 0;
	if (m->kind == SPEC_MOUNT_TMPFS) {
		/* Docker's defaults, each undone by its opposite */
		static const char *const dflt[][2] = { { "noexec", "exec" }, { "nosuid", "suid" }, { "nodev", "dev" } };
		for (size_t i = 0; i < ARRAY_SIZE(dflt) && r == 0; i++)
			if (!in_set(&given, dflt[i][1]) && !in_set(&given, dflt[i][0]))
				r = strv_push(&opts, dflt[i][0]);
		for (size_t i = 0; i < given.len && r == 0; i++)
			r = strv_push(&opts, given.items[i]);
	} else {
		bool prop = false;
		r = strv_push(&opts, "rbind");
		for (size_t i = 0; i < given.len && r == 0; i++) {
			const char *o = given.items[i];
			if (STREQ(o, "z") || STREQ(o, "Z") || STREQ(o, "consistent") || STREQ(o, "cached") ||
			    STREQ(o, "delegated"))
				continue; /* no SELinux here; consistency is a no-op on Linux */
			prop = true;
			r = strv_push(&opts, o);
		}
		if (r == 0 && !prop)
			r = strv_push(&opts, "rprivate");
	}
	if (r == 0 && m->read_only)
		r = strv_push(&opts, "ro");
	if (r < 0) {
		b->oom = true;
		return NULL;
	}
	return mount(b, m->target, m->kind == SPEC_MOUNT_TMPFS ? "tmpfs" : "bind",
		     m->kind == SPEC_MOUNT_TMPFS ? "tmpfs" : source ? source : m->source, (const char *const *)opts.items,
		     opts.len);
}

static json_t *build_mounts(ob *b, const berth_spec *s, const ocispec_input *in)
{
	json_t *a = json_array();
	static const char *const proc[] = { "nosuid", "noexec", "nodev" };
	static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k" };
	static const char *const pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" };
	static const char *const sys_ro[] = { "nosuid", "noexec", "nodev", "ro" };
	static const char *const sys_rw[] = { "nosuid", "noexec", "nodev", "rw" };
	static const char *const cgroup_ro[] = { "ro", "nosuid", "noexec", "nodev" };
	static const char *const cgroup_rw[] = { "rw", "nosuid", "noexec", "nodev" };
	static const char *const mqueue[] = { "nosuid", "noexec", "nodev" };
	static const char *const bind[] = { "rbind", "rprivate" };
	append(b, a, mount(b, "/proc", "proc", "proc", proc, ARRAY_SIZE(proc)));
	append(b, a, mount(b, "/dev", "tmpfs", "tmpfs", dev, ARRAY_SIZE(dev)));
	append(b, a, mount(b, "/dev/pts", "devpts", "devpts", pts, ARRAY_SIZE(pts)));
	/* /sys of the host's network namespace may not be mounted from a new
	 * one, and the other way round: Docker makes it read-only either way */
	append(b, a, mount(b, "/sys", "sysfs", "sysfs", s->privileged ? sys_rw : sys_ro, ARRAY_SIZE(sys_ro)));
	append(b, a, mount(b, "/sys/fs/cgroup", "cgroup", "cgroup", s->privileged ? cgroup_rw : cgroup_ro,
			   ARRAY_SIZE(cgroup_ro)));
	append(b, a, mount(b, "/dev/mqueue", "mqueue", "mqueue", mqueue, ARRAY_SIZE(mqueue)));
	bool ipc_none = s->ipc_mode && STREQ(s->ipc_mode, "none");
	if (!mounted_by_spec(s, "/dev/shm") && !ipc_none) { /* "none": no /dev/shm at all, as Docker */
		if (s->ipc_mode && STREQ(s->ipc_mode, "host")) {
			append(b, a, mount(b, "/dev/shm", "bind", "/dev/shm", bind, ARRAY_SIZE(bind)));
		} else {
			char size[40];
			snprintf(size, sizeof size, "size=%" PRId64 "k", (s->shm_size > 0 ? s->shm_size : 64 << 20) / 1024);
			const char *shm[] = { "nosuid", "noexec", "nodev", "mode=1777", size };
			append(b, a, mount(b, "/dev/shm", "tmpfs", "shm", shm, ARRAY_SIZE(shm)));
		}
	}
	static const char *const files[] = { OCISPEC_HOSTS, OCISPEC_HOSTNAME, OCISPEC_RESOLV };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char dest[64], source[4096];
		snprintf(dest, sizeof dest, "/etc/%s", files[i]);
		if (mounted_by_spec(s, dest) || !in->state_dir)
			continue;
		snprintf(source, sizeof source, "%s/%s", in->state_dir, files[i]);
		append(b, a, mount(b, dest, "bind", source, bind, ARRAY_SIZE(bind)));
	}
	for (size_t i = 0; i < s->n_mounts; i++)
		append(b, a, spec_mount_json(b, &s->mounts[i], in->volume_dirs ? in->volume_dirs[i] : NULL));
	return a;
}

/* ---- linux ------------------------------------------------------------------------- */

static json_t *device_rule(ob *b, bool allow, const char *type, int64_t major, int64_t minor, const char *access)
{
	json_t *d = json_object();
	set(b, d, "allow", json_boolean(allow));
	if (type)
		set(b, d, "type", json_string(type));
	if (major >= 0)
		set(b, d, "major", json_integer(major));
	if (minor >= 0)
		set(b, d, "minor", json_integer(minor));
	set(b, d, "access", json_string(access));
	return d;
}

static json_t *build_resources(ob *b, const berth_spec *s, const ocispec_input *in)
{
	json_t *res = json_object();
	json_t *devs = json_array();
	set(b, res, "devices", devs);
	if (s->privileged) {
		append(b, devs, device_rule(b, true, NULL, -1, -1, "rwm"));
	} else {
		/* Docker's rules: deny all, then the standard character devices,
		 * mknod of any, the terminals and /dev/net/tun */
		static const struct { bool allow; const char *type; int64_t major, minor; const char *access; } rules[] = {
			{ false, NULL, -1, -1, "rwm" }, { true, "c", -1, -1, "m" },   { true, "b", -1, -1, "m" },
			{ true, "c", 1, 3, "rwm" },     { true, "c", 1, 8, "rwm" },   { true, "c", 1, 7, "rwm" },
			{ true, "c", 5, 0, "rwm" },     { true, "c", 1, 5, "rwm" },   { true, "c", 1, 9, "rwm" },
			{ true, "c", 5, 1, "rwm" },     { true, "c", 136, -1, "rwm" }, { true, "c", 5, 2, "rwm" },
			{ true, "c", 10, 200, "rwm" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
			append(b, devs, device_rule(b, rules[i].allow, rules[i].type, rules[i].major, rules[i].minor,
						    rules[i].access));
		for (size_t i = 0; i < s->n_devices && i < in->n_devices; i++) {
			char type[2] = { in->devices[i].type, 0 };
			append(b, devs, device_rule(b, true, type, in->devices[i].major, in->devices[i].minor,
						    s->devices[i].perms));
		}
	}
	if (s->memory || s->memory_swap) {
		json_t *m = json_object();
		set(b, res, "memory", m);
		if (s->memory)
			set(b, m, "limit", json_integer(s->memory));
		/* as Docker: no swap limit given means as much swap as memory */
		int64_t swap = s->memory_swap ? s->memory_swap : s->memory * 2;
		if (swap)
			set(b, m, "swap", json_integer(swap));
	}
	if (s->nano_cpus || s->cpu_shares) {
		json_t *c = json_object();
		set(b, res, "cpu", c);
		if (s->cpu_shares)
			set(b, c, "shares", json_integer(s->cpu_shares));
		if (s->nano_cpus) {
			set(b, c, "quota", json_integer(s->nano_cpus * 100000 / 1000000000));
			set(b, c, "period", json_integer(100000));
		}
	}
	if (s->pids_limit) {
		json_t *p = json_object();
		set(b, p, "limit", json_integer(s->pids_limit));
		set(b, res, "pids", p);
	}
	return res;
}

static json_t *build_linux(ob *b, const berth_spec *s, const ocispec_input *in, bool host_net)
{
	json_t *l = json_object();
	char cg[512];
	snprintf(cg, sizeof cg, "/%s/%s", strempty(in->ns), strempty(in->id));
	set(b, l, "cgroupsPath", json_string(cg));
	set(b, l, "resources", build_resources(b, s, in));
	json_t *ns = json_array();
	set(b, l, "namespaces", ns);
	const struct { const char *type; bool on; } kinds[] = {
		{ "pid", !(s->pid_mode && STREQ(s->pid_mode, "host")) },
		{ "ipc", !(s->ipc_mode && STREQ(s->ipc_mode, "host")) },
		{ "uts", true },
		{ "mount", true },
		{ "network", !host_net },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!kinds[i].on)
			continue;
		json_t *one = json_object();
		set(b, one, "type", json_string(kinds[i].type));
		if (STREQ(kinds[i].type, "network") && in->netns && (ctrd_ocispec_bridged(s) || ctrd_ocispec_named(s)))
			set(b, one, "path", json_string(in->netns));
		append(b, ns, one);
	}
	if (s->sysctl_keys.len) {
		json_t *sc = json_object();
		set(b, l, "sysctl", sc);
		for (size_t i = 0; i < s->sysctl_keys.len; i++) {
			_cleanup_free_ char *key = strdup(s->sysctl_keys.items[i]);
			if (!key) {
				b->oom = true;
				break;
			}
			for (char *p = key; *p; p++) /* runc wants dots */
				if (*p == '/')
					*p = '.';
			set(b, sc, key, json_string(s->sysctl_values.items[i]));
		}
	}
	json_t *devices = json_array();
	set(b, l, "devices", devices);
	for (size_t i = 0; i < s->n_devices && i < in->n_devices; i++) {
		const oci_device *d = &in->devices[i];
		json_t *one = json_object();
		char type[2] = { d->type, 0 };
		set(b, one, "path", json_string(s->devices[i].container));
		set(b, one, "type", json_string(type));
		set(b, one, "major", json_integer(d->major));
		set(b, one, "minor", json_integer(d->minor));
		set(b, one, "fileMode", json_integer(d->mode));
		set(b, one, "uid", json_integer(d->uid));
		set(b, one, "gid", json_integer(d->gid));
		append(b, devices, one);
	}
	bool unconfined = s->privileged;
	for (size_t i = 0; i < s->security_opts.len; i++)
		unconfined = unconfined || STREQ(s->security_opts.items[i], "systempaths=unconfined") ||
			     STREQ(s->security_opts.items[i], "systempaths:unconfined");
	if (!unconfined) {
		static const char *const masked[] = {
			"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
			"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
		};
		static const char *const readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
							"/proc/sysrq-trigger" };
		set(b, l, "maskedPaths", strings(b, masked, ARRAY_SIZE(masked)));
		set(b, l, "readonlyPaths", strings(b, readonly, ARRAY_SIZE(readonly)));
	}
	return l;
}

/* ---- the whole spec -------------------------------------------------------------- */

void ctrd_ocispec_hostname(char out[72], const berth_spec *s, const ocispec_input *in)
{
	const char *h = s->hostname;
	if (!h && s->network_mode && STREQ(s->network_mode, "host") && !isempty(in->host_hostname))
		h = in->host_hostname;
	if (h)
		snprintf(out, 72, "%.64s", h);
	else /* as Docker: the id's first 12 characters */
		snprintf(out, 72, "%.12s", !isempty(in->id) ? in->id : "localhost");
}

/* Replace each marker with the uint64 maximum; the count must match what
 * was written (a string holding the marker's text would break it). */
static int unmark(char **text, size_t marks, berth_error *err)
{
	if (!marks)
		return 0;
	_cleanup_sbuf_ sbuf out = SBUF_INIT;
	size_t seen = 0;
	const char *p = *text;
	for (const char *hit; (hit = strstr(p, U64_MAX_MARK_TEXT)); p = hit + strlen(U64_MAX_MARK_TEXT), seen++)
		if (sbuf_add(&out, p, (size_t)(hit - p)) < 0 || sbuf_adds(&out, "18446744073709551615") < 0)
			return BERTH_NOMEM(err);
	if (sbuf_adds(&out, p) < 0)
		return BERTH_NOMEM(err);
	if (seen != marks)
		return berth_fail(err, BERTH_EINVAL, "spec: a value holds the text \"%s\"", U64_MAX_MARK_TEXT);
	free(*text);
	*text = sbuf_steal(&out);
	return *text ? 0 : BERTH_NOMEM(err);
}

int ctrd_ocispec_u64_mark(char **out, size_t *marks, const char *json, size_t len)
{
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	size_t n = 0;
	static const char big[] = ":18446744073709551615";
	for (size_t i = 0; i < len;) {
		if (len - i >= sizeof big - 1 && memcmp(json + i, big, sizeof big - 1) == 0) {
			if (sbuf_adds(&t, ":" U64_MAX_MARK_TEXT) < 0)
				return -ENOMEM;
			i += sizeof big - 1;
			n++;
		} else if (sbuf_addc(&t, json[i++]) < 0) {
			return -ENOMEM;
		}
	}
	if (!(*out = sbuf_steal(&t)))
		return -ENOMEM;
	*marks = n;
	return 0;
}

int ctrd_ocispec_u64_unmark(char **text, size_t marks, berth_error *err)
{
	return unmark(text, marks, err);
}

int ctrd_ocispec_build(char **out, const berth_spec *s, const ocispec_input *in, berth_error *err)
{
	int r = ctrd_ocispec_check(s, err);
	if (r < 0)
		return r;
	if (s->n_devices && in->n_devices != s->n_devices)
		return berth_fail(err, BERTH_EUNSUPPORTED, "device: the host's device nodes were not read");
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].kind == SPEC_MOUNT_VOLUME && !(in->volume_dirs && in->volume_dirs[i]))
			return berth_fail(err, BERTH_EUNSUPPORTED, "volume %s: no host directory for it",
					  s->mounts[i].source ? s->mounts[i].source : "(anonymous)");
	bool host_net = s->network_mode && STREQ(s->network_mode, "host");
	char hostname[72];
	ctrd_ocispec_hostname(hostname, s, in);
	ob b = { false, 0 };
	_cleanup_json_ json_t *root = json_object();
	set(&b, root, "ociVersion", json_string("1.0.2-dev"));
	json_t *proc = build_process(&b, s, in, hostname, err, &r);
	if (!proc)
		return r < 0 ? r : BERTH_NOMEM(err);
	set(&b, root, "process", proc);
	json_t *rootfs = json_object();
	set(&b, rootfs, "path", json_string("rootfs"));
	if (s->read_only_rootfs)
		set(&b, rootfs, "readonly", json_true());
	set(&b, root, "root", rootfs);
	set(&b, root, "hostname", json_string(hostname));
	set(&b, root, "mounts", build_mounts(&b, s, in));
	set(&b, root, "linux", build_linux(&b, s, in, host_net));
	if (b.oom)
		return BERTH_NOMEM(err);
	_cleanup_free_ char *text = json_dumps(root, JSON_COMPACT);
	if (!text)
		return BERTH_NOMEM(err);
	if ((r = unmark(&text, b.marks, err)) < 0)
		return r;
	*out = TAKE_PTR(text);
	return 0;
}

/* ---- /etc files -------------------------------------------------------------------- */

int ctrd_ocispec_hosts_file(char **out, const berth_spec *s, const char *hostname, const char *host_hosts,
			    berth_error *err)
{
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	int r;
	if (s->network_mode && STREQ(s->network_mode, "host") && host_hosts)
		r = sbuf_adds(&t, host_hosts);
	else
		r = sbuf_printf(&t,
				"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
				"ff02::2\tip6-allrouters\n127.0.1.1\t%s\n", hostname);
	if (r == 0 && t.len && t.data[t.len - 1] != '\n')
		r = sbuf_addc(&t, '\n');
	for (size_t i = 0; r == 0 && i < s->extra_hosts.len; i++) {
		const char *e = s->extra_hosts.items[i];
		const char *colon = strchr(e, ':');
		/* the host as the bridge's gateway, as Docker has it */
		const char *addr = colon && STREQ(colon + 1, "host-gateway") ? CNI_GATEWAY : colon ? colon + 1 : NULL;
		if (addr)
			r = sbuf_printf(&t, "%s\t%.*s\n", addr, (int)(colon - e), e);
	}
	if (r < 0 || !(*out = sbuf_steal(&t)))
		return BERTH_NOMEM(err);
	return 0;
}

int ctrd_ocispec_resolv_file(char **out, const berth_spec *s, const char *host_resolv, berth_error *err)
{
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	bool host_net = s->network_mode && STREQ(s->network_mode, "host");
	int r = 0;
	for (const char *line = strempty(host_resolv); *line && r == 0;) {
		size_t n = strcspn(line, "\n");
		bool ns = n > 10 && strncmp(line, "nameserver", 10) == 0 && isspace((unsigned char)line[10]);
		bool keep = true;
		if (ns && s->dns.len)
			keep = false;
		else if (ns && !host_net) {
			const char *a = line + 11;
			while (isspace((unsigned char)*a))
				a++;
			keep = strncmp(a, "127.", 4) != 0 && strncmp(a, "::1", 3) != 0;
		}
		if (keep) {
			r = sbuf_add(&t, line, n);
			if (r == 0)
				r = sbuf_addc(&t, '\n');
		}
		line += n + (line[n] ? 1 : 0);
	}
	for (size_t i = 0; r == 0 && i < s->dns.len; i++)
		r = sbuf_printf(&t, "nameserver %s\n", s->dns.items[i]);
	if (r < 0 || !(*out = sbuf_steal(&t)))
		return BERTH_NOMEM(err);
	return 0;
}
