/* Services files: loading a project (files, .env, env_file, names) and
 * turning each service into a spec. The YAML is read by
 * parse/compose_yaml.c; what runs it is api/compose_run.c. */
#include "lib/api/compose_int.h"
#include "lib/parse/compose_yaml.h"

#include <berth/owner.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

#define MAX_FILE (4u << 20)

static const char *const default_files[] = { "compose.yaml", "compose.yml", "docker-compose.yaml",
					     "docker-compose.yml" };

/* ---- the environment for ${VAR}s ----------------------------------------------- */

static int env_put(strv *keys, strv *values, const char *kv, bool keep, berth_error *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return 0;
	_cleanup_free_ char *k = strndup(kv, (size_t)(eq - kv));
	if (!k)
		return BERTH_NOMEM(err);
	if (keep && labels_find(keys, k) >= 0)
		return 0;
	return labels_set(keys, values, k, eq + 1) < 0 ? BERTH_NOMEM(err) : 0;
}

/* The process's (or the caller's) variables, then PROJECT_DIR/.env for
 * what neither gives. */
static int load_env(berth_compose *x, const berth_compose_options *o, berth_error *err)
{
	int r = 0;
	if (o && o->env) {
		for (size_t i = 0; r == 0 && i < o->env_count; i++)
			r = o->env[i] ? env_put(&x->env_keys, &x->env_values, o->env[i], false, err) : 0;
	} else {
		for (char **e = environ; r == 0 && e && *e; e++)
			r = env_put(&x->env_keys, &x->env_values, *e, false, err);
	}
	if (r < 0)
		return r;
	_cleanup_free_ char *path = NULL, *text = NULL;
	size_t len = 0;
	if (asprintf(&path, "%s/.env", x->dir) < 0)
		return BERTH_NOMEM(err);
	int e = read_file(path, MAX_FILE, &text, &len);
	if (e == -ENOENT)
		return 0;
	if (e < 0)
		return berth_fail_full(err, berth_code_from_errno(-e), 0, -e, "%s: %s", path, strerror(-e));
	_cleanup_strv_ strv k = STRV_INIT;
	_cleanup_strv_ strv v = STRV_INIT;
	r = compose_dotenv_parse(&k, &v, text, len, path, err);
	for (size_t i = 0; r == 0 && i < k.len; i++)
		if (labels_find(&x->env_keys, k.items[i]) < 0 && labels_set(&x->env_keys, &x->env_values, k.items[i],
									   v.items[i]) < 0)
			r = BERTH_NOMEM(err);
	return r;
}

/* ---- names --------------------------------------------------------------------- */

/* docker compose's rule: lower case, only [a-z0-9_-], starting with a
 * letter or digit. NULL when nothing is left. */
static char *normalize_name(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	for (; *s; s++) {
		char ch = (char)tolower((unsigned char)*s);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (n && (ch == '_' || ch == '-')))
			out[n++] = ch;
	}
	out[n] = '\0';
	return out;
}

static int check_project_name(const char *name, berth_error *err)
{
	bool ok = !isempty(name) && strlen(name) <= 63 && (islower((unsigned char)name[0]) || isdigit((unsigned char)name[0]));
	for (const char *p = name; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '-';
	if (!ok)
		return berth_fail(err, BERTH_EINVAL,
				  "project name \"%.80s\": want lower-case letters, digits, '_' and '-', starting with a "
				  "letter or digit (at most 63)",
				  strempty(name));
	return 0;
}

/* The service's environment as KEY=VALUE: env_file entries first, then
 * environment: (a bare KEY from the variables, left out when unset). */
static int resolve_env(berth_compose *x, const compose_service *s, strv *out, berth_error *err)
{
	_cleanup_strv_ strv keys = STRV_INIT;
	_cleanup_strv_ strv values = STRV_INIT;
	_cleanup_strv_ strv order = STRV_INIT; /* keys in first-seen order */
	for (size_t i = 0; i < s->env_files.len; i++) {
		const char *f = s->env_files.items[i];
		_cleanup_free_ char *path = NULL, *text = NULL;
		size_t len = 0;
		if ((f[0] == '/' ? asprintf(&path, "%s", f) : asprintf(&path, "%s/%s", x->dir, f)) < 0)
			return BERTH_NOMEM(err);
		int e = read_file(path, MAX_FILE, &text, &len);
		if (e < 0)
			return berth_fail_full(err, e == -ENOENT ? BERTH_ENOTFOUND : berth_code_from_errno(-e), 0, -e,
					       "service %s: env_file %s: %s", s->name, path, strerror(-e));
		_cleanup_strv_ strv k = STRV_INIT;
		_cleanup_strv_ strv v = STRV_INIT;
		int r = compose_dotenv_parse(&k, &v, text, len, path, err);
		if (r < 0)
			return r;
		for (size_t j = 0; j < k.len; j++) {
			if (labels_find(&keys, k.items[j]) < 0 && strv_push(&order, k.items[j]) < 0)
				return BERTH_NOMEM(err);
			if (labels_set(&keys, &values, k.items[j], v.items[j]) < 0)
				return BERTH_NOMEM(err);
		}
	}
	for (size_t i = 0; i < s->env_keys.len; i++) {
		const char *k = s->env_keys.items[i], *v = s->env_values.items[i];
		if (!v) {
			ssize_t at = labels_find(&x->env_keys, k);
			if (at < 0)
				continue;
			v = x->env_values.items[at];
		}
		if (labels_find(&keys, k) < 0 && strv_push(&order, k) < 0)
			return BERTH_NOMEM(err);
		if (labels_set(&keys, &values, k, v) < 0)
			return BERTH_NOMEM(err);
	}
	for (size_t i = 0; i < order.len; i++) {
		ssize_t at = labels_find(&keys, order.items[i]);
		char *kv = NULL;
		if (asprintf(&kv, "%s=%s", order.items[i], values.items[at]) < 0 || strv_push_take(out, kv) < 0) {
			free(kv);
			return BERTH_NOMEM(err);
		}
	}
	return 0;
}

/* ---- loading -------------------------------------------------------------------- */

static int finish(berth_compose *x, const berth_compose_options *o, berth_error *err)
{
	const char *name = o && o->project_name ? o->project_name : x->p.name;
	if (name) {
		x->name = strdup(name);
	} else {
		_cleanup_free_ char *d = strdup(x->dir);
		x->name = d ? normalize_name(basename(d)) : NULL;
	}
	if (!x->name)
		return BERTH_NOMEM(err);
	int r = check_project_name(x->name, err);
	if (r < 0)
		return r;
	x->n = x->p.n_services;
	x->svc = calloc(x->n ? x->n : 1, sizeof *x->svc);
	if (!x->svc)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < x->n; i++) {
		const compose_service *s = &x->p.services[i];
		compose_svc *v = &x->svc[i];
		v->s = s;
		if (s->container_name ? !(v->cname = strdup(s->container_name))
				      : asprintf(&v->cname, "%s-%s-1", x->name, s->name) < 0)
			return BERTH_NOMEM(err);
		r = resolve_env(x, s, &v->env, err);
		if (r < 0)
			return r;
	}
	/* every spec once now: what berth refuses is said before anything runs */
	for (size_t i = 0; i < x->n; i++) {
		berth_spec *spec = NULL;
		r = compose_build_spec(&spec, NULL, x, &x->svc[i], err);
		berth_spec_free(spec);
		if (r < 0)
			return r;
	}
	return 0;
}

static berth_compose *compose_new(const berth_compose_options *o, const char *first_file, berth_error *err)
{
	berth_compose *x = calloc(1, sizeof *x);
	if (!x) {
		BERTH_NOMEM(err);
		return NULL;
	}
	char buf[PATH_MAX];
	const char *dir = o && o->project_dir ? o->project_dir : NULL;
	_cleanup_free_ char *fcopy = first_file ? strdup(first_file) : NULL;
	if (!dir && fcopy)
		dir = dirname(fcopy);
	if (!dir)
		dir = ".";
	x->dir = realpath(dir, buf) ? strdup(buf) : strdup(dir);
	if (!x->dir) {
		free(x);
		BERTH_NOMEM(err);
		return NULL;
	}
	return x;
}

static int parse_one(compose_project *out, const berth_compose *x, const char *text, size_t len, const char *file,
		     berth_error *err)
{
	*out = (compose_project){ 0 };
	return compose_yaml_parse(out, text, len, file, &x->env_keys, &x->env_values, err);
}

/* The end of a load: the project finished into *out, or freed on failure
 * (r: how the parse went). */
static int loaded(berth_compose **out, berth_compose *x, int r, const berth_compose_options *o, berth_error *err)
{
	if (r == 0)
		r = finish(x, o, err);
	if (r < 0) {
		berth_compose_free(x);
		return r;
	}
	*out = x;
	return 0;
}

int berth_compose_load_string(berth_compose **out, const char *yaml, size_t len, const berth_compose_options *o,
			      berth_error *err)
{
	CHECK_ARG(out && (yaml || !len), err, "out or text is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_OPTIONS_VERSION, err);
	if (len > MAX_FILE)
		return berth_fail(err, BERTH_EINVAL, "compose.yaml: longer than %u bytes", MAX_FILE);
	berth_compose *x = compose_new(o, NULL, err);
	if (!x)
		return BERTH_ENOMEM;
	int r = load_env(x, o, err);
	if (r == 0)
		r = parse_one(&x->p, x, yaml ? yaml : "", len, "compose.yaml", err);
	return loaded(out, x, r, o, err);
}

int berth_compose_load(berth_compose **out, const berth_compose_options *o, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	CHECK_OPTS(o, BERTH_COMPOSE_OPTIONS_VERSION, err);
	if (o && o->file_count && !o->files)
		return berth_fail(err, BERTH_EINVAL, "compose: files is NULL");
	_cleanup_strv_ strv files = STRV_INIT;
	if (o && o->file_count) {
		for (size_t i = 0; i < o->file_count; i++)
			if (isempty(o->files[i]))
				return berth_fail(err, BERTH_EINVAL, "compose: file %zu is empty", i);
			else if (strv_push(&files, o->files[i]) < 0)
				return BERTH_NOMEM(err);
	} else {
		const char *dir = o && o->project_dir ? o->project_dir : ".";
		for (size_t i = 0; i < ARRAY_SIZE(default_files) && !files.len; i++) {
			char *p = NULL;
			if (asprintf(&p, "%s/%s", dir, default_files[i]) < 0)
				return BERTH_NOMEM(err);
			if (access(p, F_OK) == 0) {
				if (strv_push_take(&files, p) < 0) {
					free(p);
					return BERTH_NOMEM(err);
				}
			} else {
				free(p);
			}
		}
		if (!files.len)
			return berth_fail(err, BERTH_ENOTFOUND,
					  "no compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml in %s "
					  "(give one with -f)",
					  dir);
	}
	berth_compose *x = compose_new(o, files.items[0], err);
	if (!x)
		return BERTH_ENOMEM;
	int r = load_env(x, o, err);
	for (size_t i = 0; r == 0 && i < files.len; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		int e = read_file(files.items[i], MAX_FILE, &text, &len);
		if (e < 0) {
			r = berth_fail_full(err, e == -ENOENT ? BERTH_ENOTFOUND : e == -EFBIG ? BERTH_EINVAL : berth_code_from_errno(-e), 0,
					    -e, "%s: %s", files.items[i], e == -EFBIG ? "larger than 4 MiB" : strerror(-e));
			break;
		}
		if (i == 0) {
			r = parse_one(&x->p, x, text, len, files.items[i], err);
		} else {
			compose_project more;
			r = parse_one(&more, x, text, len, files.items[i], err);
			if (r == 0)
				r = compose_project_merge(&x->p, &more, err);
		}
	}
	return loaded(out, x, r, o, err);
}

void berth_compose_free(berth_compose *x)
{
	if (!x)
		return;
	for (size_t i = 0; x->svc && i < x->n; i++) {
		free(x->svc[i].cname);
		strv_release(&x->svc[i].env);
	}
	free(x->svc);
	compose_project_release(&x->p);
	strv_release(&x->env_keys);
	strv_release(&x->env_values);
	free(x->name);
	free(x->dir);
	free(x);
}

const char *berth_compose_name(const berth_compose *x)
{
	return x ? x->name : NULL;
}

size_t berth_compose_service_count(const berth_compose *x)
{
	return x ? x->n : 0;
}

const char *berth_compose_service_name(const berth_compose *x, size_t i)
{
	return x && i < x->n ? x->svc[i].s->name : NULL;
}

size_t berth_compose_warning_count(const berth_compose *x)
{
	return x ? x->p.warnings.len : 0;
}

const char *berth_compose_warning(const berth_compose *x, size_t i)
{
	return x && i < x->p.warnings.len ? x->p.warnings.items[i] : NULL;
}

int berth_compose_config(char **out, const berth_compose *x, berth_error *err)
{
	CHECK_ARG(out && x, err, "out or project is NULL");
	compose_project named = x->p;
	named.name = x->name;
	return compose_yaml_emit(out, &named, err);
}

compose_svc *compose_svc_of(const berth_compose *x, const char *name)
{
	for (size_t i = 0; name && i < x->n; i++)
		if (STREQ(x->svc[i].s->name, name))
			return &x->svc[i];
	return NULL;
}

const char *berth_compose_container_name(const berth_compose *x, const char *service)
{
	const compose_svc *v = x ? compose_svc_of(x, service) : NULL;
	return v ? v->cname : NULL;
}

/* ---- names of networks and volumes ------------------------------------------------ */

int compose_network_name(char **out, const berth_compose *x, const char *key)
{
	for (size_t i = 0; i < x->p.n_networks; i++)
		if (STREQ(x->p.networks[i].key, key) && x->p.networks[i].name)
			return (*out = strdup(x->p.networks[i].name)) ? 0 : -1;
	return asprintf(out, "%s_%s", x->name, key) < 0 ? -1 : 0;
}

int compose_volume_name(char **out, const berth_compose *x, const char *key)
{
	for (size_t i = 0; i < x->p.n_volumes; i++)
		if (STREQ(x->p.volumes[i].key, key) && x->p.volumes[i].name)
			return (*out = strdup(x->p.volumes[i].name)) ? 0 : -1;
	return asprintf(out, "%s_%s", x->name, key) < 0 ? -1 : 0;
}

/* ---- a service as a spec ------------------------------------------------------------ */

static int add_label(berth_spec *spec, const char *k, const char *v, berth_error *err)
{
	return berth_spec_add_label(spec, k, v, err);
}

/* A bind's host side: "~/x" from $HOME, a relative path from the project
 * directory. */
static int bind_source(char **out, const berth_compose *x, const char *src)
{
	if (src[0] == '~' && (src[1] == '/' || !src[1])) {
		const char *home = getenv("HOME");
		return asprintf(out, "%s%s", home ? home : "/root", src + 1) < 0 ? -1 : 0;
	}
	if (src[0] == '/')
		return (*out = strdup(src)) ? 0 : -1;
	if (src[0] == '.' && src[1] == '/')
		src += 2;
	else if (STREQ(src, "."))
		src = "";
	return asprintf(out, "%s%s%s", x->dir, *src ? "/" : "", src) < 0 ? -1 : 0;
}

static int mounts(berth_spec *spec, const berth_compose *x, const compose_service *s, berth_error *err)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const compose_mount *m = &s->mounts[i];
		int r = 0;
		if (m->kind == COMPOSE_MOUNT_BIND) {
			_cleanup_free_ char *src = NULL;
			if (bind_source(&src, x, m->source) < 0)
				return BERTH_NOMEM(err);
			r = berth_spec_add_bind(spec, src, m->target, m->read_only, NULL, err);
		} else if (m->kind == COMPOSE_MOUNT_TMPFS) {
			char opt[48] = "";
			if (m->tmpfs_size > 0)
				snprintf(opt, sizeof opt, "size=%lld", (long long)m->tmpfs_size);
			r = berth_spec_add_tmpfs(spec, m->target, m->read_only, *opt ? opt : NULL, err);
		} else if (m->source) {
			_cleanup_free_ char *vol = NULL;
			if (compose_volume_name(&vol, x, m->source) < 0)
				return BERTH_NOMEM(err);
			r = berth_spec_add_volume(spec, vol, m->target, m->read_only, NULL, err);
		} else {
			r = berth_spec_add_volume(spec, NULL, m->target, 0, NULL, err);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int health(berth_spec *spec, const compose_health *h, berth_error *err)
{
	if (!h->given)
		return 0;
	if (h->disable)
		return berth_spec_disable_healthcheck(spec, err);
	berth_healthcheck hc = BERTH_HEALTHCHECK_INIT;
	hc.test = (const char *const *)h->test.items;
	hc.test_count = h->test.len;
	hc.interval_ms = h->interval_ms;
	hc.timeout_ms = h->timeout_ms;
	hc.start_period_ms = h->start_period_ms;
	hc.retries = h->retries;
	return berth_spec_set_healthcheck(spec, &hc, err);
}

/* The service's networks: the first as the network mode (with the
 * service's name and aliases), the others connected after create
 * (compose_run.c). */
static int networks(berth_spec *spec, const berth_compose *x, const compose_service *s, berth_error *err)
{
	if (s->network_mode)
		return berth_spec_set_network_mode(spec, s->network_mode, err);
	_cleanup_free_ char *net = NULL;
	if (compose_network_name(&net, x, s->n_networks ? s->networks[0].name : "default") < 0)
		return BERTH_NOMEM(err);
	int r = berth_spec_set_network_mode(spec, net, err);
	if (r == 0)
		r = berth_spec_add_network_alias(spec, s->name, err);
	for (size_t i = 0; r == 0 && s->n_networks && i < s->networks[0].aliases.len; i++)
		r = berth_spec_add_network_alias(spec, s->networks[0].aliases.items[i], err);
	return r;
}

static int build(berth_spec *spec, const berth_compose *x, const compose_svc *v, berth_error *err)
{
	const compose_service *s = v->s;
	int r = berth_spec_set_name(spec, v->cname, err);
	if (r == 0 && s->has_command)
		r = berth_spec_set_cmd(spec, (const char *const *)s->command.items, s->command.len, err);
	if (r == 0 && s->has_entrypoint)
		r = berth_spec_set_entrypoint(spec, (const char *const *)s->entrypoint.items, s->entrypoint.len, err);
	for (size_t i = 0; r == 0 && i < v->env.len; i++) {
		const char *kv = v->env.items[i], *eq = strchr(kv, '=');
		_cleanup_free_ char *k = strndup(kv, (size_t)(eq - kv));
		r = k ? berth_spec_add_env(spec, k, eq + 1, err) : BERTH_NOMEM(err);
	}
	for (size_t i = 0; r == 0 && i < s->label_keys.len; i++)
		r = add_label(spec, s->label_keys.items[i], s->label_values.items[i], err);
	for (size_t i = 0; r == 0 && i < s->n_ports; i++) {
		const compose_port *p = &s->ports[i];
		r = berth_spec_add_port(spec, p->host_ip, p->host_port, p->container_port,
					STREQ(p->proto, "udp") ? BERTH_PROTO_UDP : BERTH_PROTO_TCP, err);
	}
	if (r == 0)
		r = mounts(spec, x, s, err);
	if (r == 0)
		r = health(spec, &s->health, err);
	if (r == 0 && s->restart) {
		berth_restart_policy pol;
		int max = 0;
		r = berth_restart_policy_parse(&pol, &max, s->restart, err);
		if (r == 0)
			r = berth_spec_set_restart(spec, pol, max, err);
	}
	if (r == 0)
		r = networks(spec, x, s, err);
	if (r == 0 && s->stop_grace_ms >= 0)
		r = berth_spec_set_stop_timeout(spec, (int)((s->stop_grace_ms + 999) / 1000), err);
	if (r == 0 && s->stop_signal)
		r = berth_spec_set_stop_signal(spec, s->stop_signal, err);
	if (r == 0 && s->user)
		r = berth_spec_set_user(spec, s->user, err);
	if (r == 0 && s->working_dir)
		r = berth_spec_set_workdir(spec, s->working_dir, err);
	if (r == 0 && s->hostname)
		r = berth_spec_set_hostname(spec, s->hostname, err);
	for (size_t i = 0; r == 0 && i < s->cap_add.len; i++)
		r = berth_spec_add_cap(spec, s->cap_add.items[i], err);
	for (size_t i = 0; r == 0 && i < s->cap_drop.len; i++)
		r = berth_spec_drop_cap(spec, s->cap_drop.items[i], err);
	for (size_t i = 0; r == 0 && i < s->n_ulimits; i++)
		r = berth_spec_add_ulimit(spec, s->ulimits[i].name, s->ulimits[i].soft, s->ulimits[i].hard, err);
	if (r == 0 && s->mem_limit > 0)
		r = berth_spec_set_memory(spec, s->mem_limit, err);
	if (r == 0 && s->cpus > 0)
		r = berth_spec_set_cpus(spec, s->cpus, err);
	if (r == 0 && s->init >= 0)
		r = berth_spec_set_init(spec, s->init, err);
	if (r == 0 && s->read_only)
		r = berth_spec_set_read_only_rootfs(spec, 1, err);
	if (r == 0 && s->privileged)
		r = berth_spec_set_privileged(spec, 1, err);
	if (r == 0 && s->tty)
		r = berth_spec_set_tty(spec, 1, err);
	if (r == 0 && s->stdin_open)
		r = berth_spec_set_stdin_open(spec, 1, err);
	for (size_t i = 0; r == 0 && i < s->extra_hosts.len; i++) {
		const char *h = s->extra_hosts.items[i], *colon = strchr(h, ':');
		_cleanup_free_ char *name = colon ? strndup(h, (size_t)(colon - h)) : NULL;
		r = !colon ? berth_fail(err, BERTH_EINVAL, "extra_hosts: \"%.100s\" (want HOST:IP)", h)
		    : name ? berth_spec_add_extra_host(spec, name, colon + 1, err)
			   : BERTH_NOMEM(err);
	}
	for (size_t i = 0; r == 0 && i < s->dns.len; i++)
		r = berth_spec_add_dns(spec, s->dns.items[i], err);
	if (r == 0) {
		berth_pull_policy pp = BERTH_PULL_MISSING;
		if (s->pull_policy)
			r = berth_pull_policy_parse(&pp, STREQ(s->pull_policy, "if_not_present") ? "missing" : s->pull_policy,
						    err);
		if (r == 0)
			r = berth_spec_set_pull_policy(spec, pp, err);
	}
	/* the labels docker compose writes */
	if (r == 0)
		r = add_label(spec, BERTH_COMPOSE_LABEL_PROJECT, x->name, err);
	if (r == 0)
		r = add_label(spec, BERTH_COMPOSE_LABEL_SERVICE, s->name, err);
	if (r == 0)
		r = add_label(spec, BERTH_COMPOSE_LABEL_NUMBER, "1", err);
	if (r == 0)
		r = add_label(spec, "com.docker.compose.oneoff", "False", err);
	if (r == 0)
		r = add_label(spec, "com.docker.compose.project.working_dir", x->dir, err);
	return r;
}

/* The config hash: the spec's hash (without this label) and the networks
 * joined after create. */
static int config_hash(char out[65], const berth_spec *spec, const compose_service *s, berth_error *err)
{
	char h[65];
	int r = berth_spec_hash(h, spec, err);
	if (r < 0)
		return r;
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, h, 64);
	for (size_t i = 1; !s->network_mode && i < s->n_networks; i++) {
		sha256_update(&c, "\n", 1);
		sha256_update(&c, s->networks[i].name, strlen(s->networks[i].name));
		for (size_t j = 0; j < s->networks[i].aliases.len; j++) {
			sha256_update(&c, ",", 1);
			sha256_update(&c, s->networks[i].aliases.items[j], strlen(s->networks[i].aliases.items[j]));
		}
	}
	unsigned char d[32];
	sha256_final(&c, d);
	for (size_t i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

int compose_build_spec(berth_spec **out, char hash_out[65], const berth_compose *x, const compose_svc *v,
		       berth_error *err)
{
	const compose_service *s = v->s;
	if (isempty(s->image))
		return berth_fail(err, BERTH_EINVAL, "service %s: no image (berth does not build images)", s->name);
	berth_spec *spec = NULL;
	int r = berth_spec_new(&spec, s->image, err);
	if (r == 0)
		r = build(spec, x, v, err);
	char hash[65];
	if (r == 0)
		r = config_hash(hash, spec, s, err);
	if (r == 0)
		r = add_label(spec, BERTH_COMPOSE_LABEL_HASH, hash, err);
	if (r < 0) {
		if (err && !startswith(err->message, "service "))
			berth_error_prefix(err, "service %s", s->name);
		berth_spec_free(spec);
		return r;
	}
	if (hash_out)
		memcpy(hash_out, hash, 65);
	*out = spec;
	return 0;
}
