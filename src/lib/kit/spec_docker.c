/* A spec as the Engine API's create body (Docker's schema, which Podman's
 * compat API reads too). Only what the spec sets is sent, so the image's
 * and the engine's defaults stay in force for the rest. */
#include "spec_docker.h"
#include "lib/parse/json_util.h"

#include <berth/owner.h>

#include <inttypes.h>
#include <stdio.h>


/* Builders that remember a failure instead of checking every call. */
typedef struct jb {
	bool oom;
} jb;

/* Both take the value's reference, also when they fail. */
static void put(jb *b, json_t *obj, const char *key, json_t *value)
{
	if (!obj) {
		json_decref(value);
		b->oom = true;
	} else if (json_object_set_new(obj, key, value) < 0) {
		b->oom = true;
	}
}

static void push(jb *b, json_t *arr, json_t *value)
{
	if (!arr) {
		json_decref(value);
		b->oom = true;
	} else if (json_array_append_new(arr, value) < 0) {
		b->oom = true;
	}
}

static json_t *strv_json(jb *b, const strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->len; i++)
		push(b, a, json_string(v->items[i]));
	return a;
}

static json_t *map_json(jb *b, const strv *keys, const strv *values)
{
	json_t *o = json_object();
	for (size_t i = 0; i < keys->len; i++)
		put(b, o, keys->items[i], json_string(values->items[i]));
	return o;
}

/* ---- what an engine cannot honour ---------------------------------------- */

static int unsupported(const spec_docker_dialect *d, const berth_spec *s, const char *server_version,
		       berth_error *err)
{
	if (!d)
		return 0;
	if (d->health_timings_need_test && s->health == SPEC_HEALTH_SET && !s->health_test.len)
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "healthcheck: %s ignores health check timings given without a test; give the test too",
				  d->engine);
	for (size_t i = 0; d->log_opts && i < s->log_opt_keys.len; i++) {
		bool known = false;
		for (const char *const *k = d->log_opts; *k && !known; k++)
			known = STREQ(*k, s->log_opt_keys.items[i]);
		if (!known)
			return berth_fail(err, BERTH_EUNSUPPORTED, "log-opt: %s does not honour %s", d->engine,
					  s->log_opt_keys.items[i]);
	}
	bool old = d->host_gateway_since && !isempty(server_version) &&
		   api_version_cmp(server_version, d->host_gateway_since) < 0;
	for (size_t i = 0; old && i < s->extra_hosts.len; i++)
		if (endswith(s->extra_hosts.items[i], ":host-gateway"))
			return berth_fail(err, BERTH_EUNSUPPORTED, "add-host: %s %s has no host-gateway (it came in %s)",
					  d->engine, server_version, d->host_gateway_since);
	return 0;
}

/* ---- Config ----------------------------------------------------------------- */

static json_t *healthcheck_json(jb *b, const berth_spec *s)
{
	json_t *h = json_object();
	if (s->health == SPEC_HEALTH_NONE) {
		json_t *t = json_array();
		push(b, t, json_string("NONE"));
		put(b, h, "Test", t);
		return h;
	}
	if (s->health_test.len)
		put(b, h, "Test", strv_json(b, &s->health_test));
	const struct { const char *key; int64_t ms; } durations[] = {
		{ "Interval", s->health_interval_ms },
		{ "Timeout", s->health_timeout_ms },
		{ "StartPeriod", s->health_start_period_ms },
	};
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++)
		if (durations[i].ms)
			put(b, h, durations[i].key, json_integer(durations[i].ms * 1000000));
	if (s->health_retries)
		put(b, h, "Retries", json_integer(s->health_retries));
	return h;
}

static void config(jb *b, json_t *body, const berth_spec *s, const char *owner, const char *hash)
{
	json_t *labels = json_object();
	put(b, body, "Labels", labels);
	for (size_t i = 0; i < s->label_keys.len; i++)
		put(b, labels, s->label_keys.items[i], json_string(s->label_values.items[i]));
	put(b, labels, BERTH_LABEL_MANAGED, json_string("true"));
	if (owner)
		put(b, labels, BERTH_LABEL_OWNER, json_string(owner));
	put(b, labels, BERTH_LABEL_SPEC_HASH, json_string(hash));
	put(b, body, "Image", json_string(s->image));
	if (s->has_cmd)
		put(b, body, "Cmd", strv_json(b, &s->cmd));
	if (s->has_entrypoint) {
		/* An empty entrypoint is sent as [""], as the docker CLI does: both
		 * engines read it as "clear the image's". */
		json_t *e = strv_json(b, &s->entrypoint);
		if (!s->entrypoint.len)
			push(b, e, json_string(""));
		put(b, body, "Entrypoint", e);
	}
	if (s->env.len)
		put(b, body, "Env", strv_json(b, &s->env));
	const struct { const char *key; const char *value; } strings[] = {
		{ "WorkingDir", s->workdir }, { "User", s->user }, { "Hostname", s->hostname },
	};
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
		if (strings[i].value)
			put(b, body, strings[i].key, json_string(strings[i].value));
	if (s->tty)
		put(b, body, "Tty", json_true());
	if (s->stdin_open)
		put(b, body, "OpenStdin", json_true());
	if (s->stdin_once)
		put(b, body, "StdinOnce", json_true());
	if (s->stop_signal) {
		const char *name = berth_signal_name(s->stop_signal);
		char num[16];
		snprintf(num, sizeof num, "%d", s->stop_signal);
		put(b, body, "StopSignal", json_string(name ? name : num));
	}
	if (s->stop_timeout >= 0)
		put(b, body, "StopTimeout", json_integer(s->stop_timeout));
	if (s->health != SPEC_HEALTH_IMAGE)
		put(b, body, "Healthcheck", healthcheck_json(b, s));
	if (s->n_ports) {
		json_t *exposed = json_object();
		put(b, body, "ExposedPorts", exposed);
		for (size_t i = 0; i < s->n_ports; i++) {
			char key[32];
			snprintf(key, sizeof key, "%d/%s", s->ports[i].container_port, berth_proto_name(s->ports[i].proto));
			put(b, exposed, key, json_object());
		}
	}
	json_t *volumes = NULL;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const spec_mount *m = &s->mounts[i];
		if (m->kind != SPEC_MOUNT_VOLUME || m->source)
			continue;
		if (!volumes)
			put(b, body, "Volumes", volumes = json_object());
		put(b, volumes, m->target, json_object());
	}
}

/* ---- HostConfig ------------------------------------------------------------- */

/* "src:dst[:ro,opts]" for Binds; "opts[,ro]" for Tmpfs. */
static char *mount_string(const spec_mount *m)
{
	_cleanup_sbuf_ sbuf t = SBUF_INIT;
	int r = 0;
	if (m->kind != SPEC_MOUNT_TMPFS) {
		r = sbuf_printf(&t, "%s:%s", m->source, m->target);
		if (r == 0 && (m->read_only || m->options))
			r = sbuf_addc(&t, ':');
		if (r == 0 && m->read_only)
			r = sbuf_printf(&t, "ro%s", m->options ? "," : "");
		if (r == 0 && m->options)
			r = sbuf_adds(&t, m->options);
	} else {
		if (m->options)
			r = sbuf_adds(&t, m->options);
		if (r == 0 && m->read_only)
			r = sbuf_printf(&t, "%sro", m->options ? "," : "");
	}
	return r < 0 ? NULL : sbuf_steal(&t);
}

static void mounts(jb *b, json_t *hc, const berth_spec *s)
{
	json_t *binds = NULL, *tmpfs = NULL;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const spec_mount *m = &s->mounts[i];
		if (m->kind == SPEC_MOUNT_VOLUME && !m->source)
			continue; /* anonymous: Config.Volumes */
		_cleanup_free_ char *text = mount_string(m);
		if (!text) {
			b->oom = true;
			return;
		}
		if (m->kind == SPEC_MOUNT_TMPFS) {
			if (!tmpfs)
				put(b, hc, "Tmpfs", tmpfs = json_object());
			put(b, tmpfs, m->target, json_string(text));
		} else {
			if (!binds)
				put(b, hc, "Binds", binds = json_array());
			push(b, binds, json_string(text));
		}
	}
}

static void ports(jb *b, json_t *hc, const berth_spec *s)
{
	if (!s->n_ports)
		return;
	json_t *bindings = json_object();
	put(b, hc, "PortBindings", bindings);
	for (size_t i = 0; i < s->n_ports; i++) {
		const spec_port *p = &s->ports[i];
		char key[32], host_port[8] = "";
		snprintf(key, sizeof key, "%d/%s", p->container_port, berth_proto_name(p->proto));
		if (p->host_port)
			snprintf(host_port, sizeof host_port, "%d", p->host_port);
		json_t *list = json_object_get(bindings, key);
		if (!list)
			put(b, bindings, key, list = json_array());
		json_t *one = json_object();
		put(b, one, "HostIp", json_string(strempty(p->host_ip)));
		put(b, one, "HostPort", json_string(host_port));
		push(b, list, one);
	}
}

static void host_config(jb *b, json_t *hc, const berth_spec *s, const spec_docker_dialect *d)
{
	mounts(b, hc, s);
	ports(b, hc, s);
	const struct { const char *key; bool on; } flags[] = {
		{ "Privileged", s->privileged }, { "ReadonlyRootfs", s->read_only_rootfs },
		{ "AutoRemove", s->auto_remove },
	};
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (flags[i].on)
			put(b, hc, flags[i].key, json_true());
	if (s->has_init)
		put(b, hc, "Init", json_boolean(s->init));
	const struct { const char *key; const char *value; } modes[] = {
		{ "PidMode", s->pid_mode }, { "IpcMode", s->ipc_mode }, { "NetworkMode", s->network_mode },
	};
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].value)
			put(b, hc, modes[i].key, json_string(modes[i].value));
	const struct { const char *key; const strv *v; } lists[] = {
		{ "CapAdd", &s->cap_add }, { "CapDrop", &s->cap_drop }, { "SecurityOpt", &s->security_opts },
		{ "ExtraHosts", &s->extra_hosts }, { "Dns", &s->dns }, { "GroupAdd", &s->group_add },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (lists[i].v->len)
			put(b, hc, lists[i].key, strv_json(b, lists[i].v));
	if (s->n_ulimits) {
		json_t *u = json_array();
		put(b, hc, "Ulimits", u);
		for (size_t i = 0; i < s->n_ulimits; i++) {
			json_t *one = json_object();
			put(b, one, "Name", json_string(s->ulimits[i].name));
			put(b, one, "Soft", json_integer(s->ulimits[i].soft));
			put(b, one, "Hard", json_integer(s->ulimits[i].hard));
			push(b, u, one);
		}
	}
	if (s->n_devices) {
		json_t *devs = json_array();
		put(b, hc, "Devices", devs);
		for (size_t i = 0; i < s->n_devices; i++) {
			json_t *one = json_object();
			put(b, one, "PathOnHost", json_string(s->devices[i].host));
			put(b, one, "PathInContainer", json_string(s->devices[i].container));
			put(b, one, "CgroupPermissions", json_string(s->devices[i].perms));
			push(b, devs, one);
		}
	}
	if (s->sysctl_keys.len)
		put(b, hc, "Sysctls", map_json(b, &s->sysctl_keys, &s->sysctl_values));
	if (s->has_restart) {
		json_t *rp = json_object();
		put(b, rp, "Name", json_string(berth_restart_policy_name(s->restart)));
		put(b, rp, "MaximumRetryCount", json_integer(s->restart_max));
		put(b, hc, "RestartPolicy", rp);
	}
	int64_t swap = s->memory_swap;
	if (swap == -1 && d && d->swap_unlimited_dropped)
		swap = ENGINEAPI_MEMORY_UNLIMITED;
	const struct { const char *key; int64_t value; } numbers[] = {
		{ "Memory", s->memory },         { "MemorySwap", swap },          { "NanoCpus", s->nano_cpus },
		{ "CpuShares", s->cpu_shares },  { "PidsLimit", s->pids_limit },  { "ShmSize", s->shm_size },
	};
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		if (numbers[i].value)
			put(b, hc, numbers[i].key, json_integer(numbers[i].value));
	if (s->log_driver || s->log_opt_keys.len) {
		json_t *lc = json_object();
		put(b, lc, "Type", json_string(strempty(s->log_driver)));
		put(b, lc, "Config", map_json(b, &s->log_opt_keys, &s->log_opt_values));
		put(b, hc, "LogConfig", lc);
	}
}

int spec_docker_body(json_t **out, const berth_spec *spec, const char *owner, const spec_docker_dialect *d,
			  const char *server_version, berth_error *err)
{
	int r = unsupported(d, spec, server_version, err);
	if (r < 0)
		return r;
	char hash[65];
	r = berth_spec_hash(hash, spec, err);
	if (r < 0)
		return r;
	jb b = { false };
	_cleanup_json_ json_t *body = json_object();
	json_t *hc = json_object();
	put(&b, body, "HostConfig", hc);
	config(&b, body, spec, owner, hash);
	host_config(&b, hc, spec, d);
	if (spec->network_aliases.len) {
		/* NetworkingConfig.EndpointsConfig.<network>.Aliases */
		json_t *nc = json_object(), *eps = json_object(), *ep = json_object();
		put(&b, body, "NetworkingConfig", nc);
		put(&b, nc, "EndpointsConfig", eps);
		put(&b, eps, spec->network_mode, ep);
		put(&b, ep, "Aliases", strv_json(&b, &spec->network_aliases));
	}
	if (b.oom || !body)
		return BERTH_NOMEM(err);
	*out = TAKE_PTR(body);
	return 0;
}
