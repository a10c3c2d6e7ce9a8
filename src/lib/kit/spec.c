/* The container spec: a validated builder. Each setter checks its whole
 * input first and changes the spec only when all of it is good;
 * spec_check() does the checks that involve several fields, and
 * berth_spec_canonical_json() writes a spec in one stable form. Nothing
 * here knows an engine: the backends render the spec themselves
 * (engines/engineapi/create.c for Docker and Podman). */
#include "lib/internal.h"
#include "lib/model/model.h"
#include "lib/parse/imageref.h"
#include "lib/parse/netaddr.h"
#include "util/sha256.h"

#include <berth/owner.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <strings.h>

/* ---- image references and names ---------------------------------------- */

static bool alnum(char c) { return isalnum((unsigned char)c) != 0; }

/* A reference (parse/imageref.c has the grammar), or an image id: a
 * digest ("sha256:<hex>"), or its 64 hex digits alone. */
int berth_validate_image_ref(const char *ref, berth_error *err)
{
	if (!ref)
		return berth_fail(err, BERTH_EINVAL, "image: no reference given");
	size_t at;
	if (!imageref_check_digest(ref, &at) || (strlen(ref) == 64 && strspn(ref, "0123456789abcdef") == 64))
		return 0;
	return imageref_check(ref, err);
}

int berth_validate_container_name(const char *name, berth_error *err)
{
	if (!name || !*name)
		return berth_fail(err, BERTH_EINVAL, "name: empty container name");
	size_t n = strlen(name);
	if (n > 255)
		return berth_fail(err, BERTH_EINVAL, "name: longer than 255 bytes");
	if (n < 2 || !alnum(name[0]))
		goto bad;
	for (size_t i = 1; i < n; i++)
		if (!alnum(name[i]) && !strchr("_.-", name[i]))
			goto bad;
	return 0;
bad:
	return berth_fail(err, BERTH_EINVAL,
			  "name \"%.200s\": a container name is [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at least 2 characters)", name);
}

/* ---- helpers ------------------------------------------------------------------ */

#define STRV_TAKE(v) ({ strv _tv = (v); (v) = (strv)STRV_INIT; _tv; })

/* Strings reach the engines inside JSON: they must be UTF-8 (no overlong
 * forms, no surrogates). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n;
		uint32_t cp;
		if ((*p & 0xE0) == 0xC0) {
			n = 1;
			cp = *p & 0x1F;
		} else if ((*p & 0xF0) == 0xE0) {
			n = 2;
			cp = *p & 0x0F;
		} else if ((*p & 0xF8) == 0xF0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false; /* also stops at the terminator */
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
		if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

static int check_text(const char *field, const char *s, berth_error *err)
{
	return utf8_valid(s) ? 0 : berth_fail(err, BERTH_EINVAL, "%s: not valid UTF-8", field);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

/* Replace *slot with a copy of s; NULL clears it. */
static int set_string(char **slot, const char *s, berth_error *err)
{
	char *copy = NULL;
	if (s && !(copy = strdup(s)))
		return BERTH_NOMEM(err);
	free(*slot);
	*slot = copy;
	return 0;
}

/* Room for one more element at the end of an array, zeroed; the caller
 * counts it once it is filled in. NULL when out of memory. */
static void *array_slot(void *items_ptr, size_t len, size_t size)
{
	void **items = items_ptr;
	void *p = realloc(*items, (len + 1) * size);
	if (!p)
		return NULL;
	*items = p;
	void *slot = (char *)p + len * size;
	memset(slot, 0, size);
	return slot;
}

/* Copy an argv, checking each argument. */
static int argv_copy(strv *out, const char *field, const char *const *argv, size_t argc, berth_error *err)
{
	_cleanup_strv_ strv v = STRV_INIT;
	for (size_t i = 0; i < argc; i++) {
		if (!argv[i])
			return berth_fail(err, BERTH_EINVAL, "%s: argument %zu is NULL", field, i);
		int r = check_text(field, argv[i], err);
		if (r < 0)
			return r;
		if (strv_push(&v, argv[i]) < 0)
			return BERTH_NOMEM(err);
	}
	*out = STRV_TAKE(v);
	return 0;
}

/* Sorted sets of strings (capabilities). */
static int set_insert(strv *set, const char *s)
{
	if (labels_find(set, s) >= 0)
		return 0;
	size_t at = 0;
	while (at < set->len && strcmp(set->items[at], s) < 0)
		at++;
	return strv_insert(set, at, s);
}

static void set_remove(strv *set, const char *s)
{
	ssize_t i = labels_find(set, s);
	if (i < 0)
		return;
	free(set->items[i]);
	memmove(set->items + i, set->items + i + 1, (set->len - (size_t)i - 1) * sizeof *set->items);
	set->items[--set->len] = NULL;
}

static bool ip_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* A decimal number without sign, within max. */
static bool parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* An absolute path. Bind and volume mounts travel as "src:dst:opts" and
 * devices as "host:ctr:perms", so ':' and ',' are refused in all paths. */
static int check_path(const char *field, const char *what, const char *path, berth_error *err)
{
	if (isempty(path))
		return berth_fail(err, BERTH_EINVAL, "%s: empty %s", field, what);
	if (path[0] != '/')
		return berth_fail(err, BERTH_EINVAL, "%s: %s \"%.200s\" is not an absolute path", field, what, path);
	if (strlen(path) > 4096)
		return berth_fail(err, BERTH_EINVAL, "%s: %s longer than 4096 bytes", field, what);
	if (has_control(path))
		return berth_fail(err, BERTH_EINVAL, "%s: %s has control characters", field, what);
	const char *bad = strpbrk(path, ":,");
	if (bad)
		return berth_fail(err, BERTH_EINVAL, "%s: %s \"%.200s\" holds '%c', which cannot be mounted", field,
				  what, path, *bad);
	return check_text(field, path, err);
}

/* The path without trailing slashes ("/" stays "/"). */
static char *path_clean(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return strndup(path, n);
}

/* label(.label)*: RFC 1123 labels of [a-zA-Z0-9-], neither end a '-'. */
static bool hostname_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!alnum(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || i - start > 63 || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* A name or id as a namespace mode names it: "container:<x>". */
static bool container_ref_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* ---- making and freeing ------------------------------------------------------- */

int berth_spec_new(berth_spec **out, const char *image, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	int r = berth_validate_image_ref(image, err);
	if (r < 0)
		return r;
	berth_spec *s = calloc(1, sizeof *s);
	if (!s || !(s->image = strdup(image))) {
		free(s);
		return BERTH_NOMEM(err);
	}
	s->stop_timeout = -1;
	*out = s;
	return 0;
}

void berth_spec_free(berth_spec *s)
{
	if (!s)
		return;
	free(s->image);
	free(s->name);
	strv_release(&s->cmd);
	strv_release(&s->entrypoint);
	strv_release(&s->env);
	strv_release(&s->label_keys);
	strv_release(&s->label_values);
	free(s->workdir);
	free(s->user);
	free(s->hostname);
	free(s->pid_mode);
	free(s->ipc_mode);
	free(s->network_mode);
	strv_release(&s->network_aliases);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].target);
		free(s->mounts[i].options);
	}
	free(s->mounts);
	for (size_t i = 0; i < s->n_ports; i++)
		free(s->ports[i].host_ip);
	free(s->ports);
	strv_release(&s->extra_hosts);
	strv_release(&s->dns);
	strv_release(&s->group_add);
	strv_release(&s->cap_add);
	strv_release(&s->cap_drop);
	free(s->ulimits);
	for (size_t i = 0; i < s->n_devices; i++) {
		free(s->devices[i].host);
		free(s->devices[i].container);
	}
	free(s->devices);
	strv_release(&s->sysctl_keys);
	strv_release(&s->sysctl_values);
	strv_release(&s->security_opts);
	strv_release(&s->health_test);
	free(s->log_driver);
	strv_release(&s->log_opt_keys);
	strv_release(&s->log_opt_values);
	free(s);
}

const char *berth_spec_image(const berth_spec *s) { return s ? s->image : NULL; }
const char *berth_spec_name(const berth_spec *s) { return s ? s->name : NULL; }

/* ---- the process ----------------------------------------------------------------- */

int berth_spec_set_name(berth_spec *s, const char *name, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (name) {
		int r = berth_validate_container_name(name, err);
		if (r < 0)
			return r;
	}
	return set_string(&s->name, name, err);
}

int berth_spec_set_cmd(berth_spec *s, const char *const *argv, size_t argc, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	CHECK_ARG(argv || argc == 0, err, "argv is NULL");
	strv v = STRV_INIT;
	int r = argv_copy(&v, "cmd", argv, argc, err);
	if (r < 0)
		return r;
	strv_release(&s->cmd);
	s->cmd = v;
	s->has_cmd = argc > 0;
	return 0;
}

int berth_spec_set_entrypoint(berth_spec *s, const char *const *argv, size_t argc, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	CHECK_ARG(argv || argc == 0, err, "argv is NULL");
	strv v = STRV_INIT;
	int r = argv_copy(&v, "entrypoint", argv, argc, err);
	if (r < 0)
		return r;
	strv_release(&s->entrypoint);
	s->entrypoint = v;
	s->has_entrypoint = argv != NULL;
	return 0;
}

int berth_spec_add_env(berth_spec *s, const char *key, const char *value, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(key))
		return berth_fail(err, BERTH_EINVAL, "env: empty variable name");
	if (strchr(key, '='))
		return berth_fail(err, BERTH_EINVAL, "env: variable name \"%.100s\" contains '='", key);
	if (has_control(key))
		return berth_fail(err, BERTH_EINVAL, "env: variable name has control characters");
	int r = check_text("env", key, err);
	if (r == 0)
		r = check_text("env", strempty(value), err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (sbuf_printf(&b, "%s=%s", key, strempty(value)) < 0 || strv_push(&s->env, b.data) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_add_label(berth_spec *s, const char *key, const char *value, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(key))
		return berth_fail(err, BERTH_EINVAL, "label: empty key");
	if (STREQ(key, BERTH_LABEL_MANAGED) || STREQ(key, BERTH_LABEL_OWNER) || STREQ(key, BERTH_LABEL_SPEC_HASH))
		return berth_fail(err, BERTH_EINVAL, "label: %s is written by berth itself", key);
	int r = check_text("label", key, err);
	if (r == 0)
		r = check_text("label", strempty(value), err);
	if (r < 0)
		return r;
	if (labels_set(&s->label_keys, &s->label_values, key, strempty(value)) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_set_workdir(berth_spec *s, const char *path, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (path) {
		if (path[0] != '/')
			return berth_fail(err, BERTH_EINVAL, "workdir: \"%.200s\" is not an absolute path", path);
		if (has_control(path))
			return berth_fail(err, BERTH_EINVAL, "workdir: the path has control characters");
		int r = check_text("workdir", path, err);
		if (r < 0)
			return r;
	}
	return set_string(&s->workdir, path, err);
}

/* A user or group: a number up to 4294967294 or a name of [A-Za-z0-9_.-]
 * (not starting with '-'), with an optional final '$' (machine accounts). */
static bool user_part_ok(const char *p, size_t n)
{
	uint64_t id;
	if (n && isdigit((unsigned char)p[0]) && parse_u64(p, n, 4294967294u, &id))
		return true;
	if (n == 0 || n > 256 || p[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(p[i]) && !strchr("_.-", p[i]) && !(p[i] == '$' && i == n - 1))
			return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return true;
	return false; /* all digits but out of range */
}

int berth_spec_set_user(berth_spec *s, const char *user, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (user) {
		const char *colon = strchr(user, ':');
		size_t n = colon ? (size_t)(colon - user) : strlen(user);
		bool ok = user_part_ok(user, n) && (!colon || user_part_ok(colon + 1, strlen(colon + 1)));
		if (!ok)
			return berth_fail(err, BERTH_EINVAL,
					  "user: \"%.100s\" (want NAME, UID, NAME:GROUP or UID:GID; ids up to 4294967294)",
					  user);
	}
	return set_string(&s->user, user, err);
}

int berth_spec_set_hostname(berth_spec *s, const char *hostname, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (hostname && !hostname_ok(hostname, 64))
		return berth_fail(err, BERTH_EINVAL,
				  "hostname: \"%.100s\" (want labels of letters, digits and '-' joined by '.', "
				  "at most 64 bytes)", hostname);
	return set_string(&s->hostname, hostname, err);
}

#define FLAG_SETTER(fn, field) \
	int berth_spec_set_##fn(berth_spec *s, int enable, berth_error *err) \
	{ \
		CHECK_ARG(s, err, "spec is NULL"); \
		s->field = enable != 0; \
		return 0; \
	}
FLAG_SETTER(tty, tty)
FLAG_SETTER(stdin_open, stdin_open)
FLAG_SETTER(auto_remove, auto_remove)
FLAG_SETTER(privileged, privileged)
FLAG_SETTER(read_only_rootfs, read_only_rootfs)
FLAG_SETTER(stdin_once, stdin_once)
#undef FLAG_SETTER

int berth_spec_set_pull_policy(berth_spec *s, berth_pull_policy policy, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (policy != BERTH_PULL_NEVER && policy != BERTH_PULL_MISSING && policy != BERTH_PULL_ALWAYS)
		return berth_fail(err, BERTH_EINVAL, "pull policy %d: want never, missing or always", (int)policy);
	s->pull = policy;
	return 0;
}

berth_pull_policy berth_spec_pull_policy(const berth_spec *s) { return s ? s->pull : BERTH_PULL_NEVER; }

int berth_pull_policy_parse(berth_pull_policy *out, const char *text, berth_error *err)
{
	CHECK_ARG(out, err, "out is NULL");
	static const char *const words[] = { [BERTH_PULL_NEVER] = "never", [BERTH_PULL_MISSING] = "missing",
					     [BERTH_PULL_ALWAYS] = "always" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (text && STREQ(text, words[i])) {
			*out = (berth_pull_policy)i;
			return 0;
		}
	return berth_fail(err, BERTH_EINVAL, "pull policy \"%s\": want never, missing or always", strempty(text));
}

int berth_spec_tty(const berth_spec *s) { return s ? s->tty : 0; }
int berth_spec_stdin_open(const berth_spec *s) { return s ? s->stdin_open : 0; }
int berth_spec_auto_remove(const berth_spec *s) { return s ? s->auto_remove : 0; }

int berth_spec_set_init(berth_spec *s, int enable, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	s->init = enable != 0;
	s->has_init = true;
	return 0;
}

int berth_spec_set_stop_signal(berth_spec *s, const char *signal, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	int sig = 0;
	if (signal) {
		int r = berth_signal_parse(&sig, signal, err);
		if (r < 0) {
			berth_error_prefix(err, "stop-signal");
			return r;
		}
	}
	s->stop_signal = sig;
	return 0;
}

int berth_spec_set_stop_timeout(berth_spec *s, int seconds, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (seconds < -1 || seconds > 86400)
		return berth_fail(err, BERTH_EINVAL, "stop-timeout: %d s out of range (0 to 86400, or -1 for the default)",
				  seconds);
	s->stop_timeout = seconds;
	return 0;
}

/* ---- namespaces and network ----------------------------------------------------- */

/* Set a namespace mode: one of `words`, or "container:<x>" when allowed. */
static int set_mode(char **slot, const char *field, const char *mode, const char *const *words,
		    bool container_ok, bool network_names_ok, berth_error *err)
{
	if (!mode)
		return set_string(slot, NULL, err);
	for (const char *const *w = words; *w; w++)
		if (STREQ(mode, *w))
			return set_string(slot, mode, err);
	if (container_ok && startswith(mode, "container:")) {
		if (!container_ref_ok(mode + 10))
			return berth_fail(err, BERTH_EINVAL, "%s: \"%.200s\" does not name a container", field, mode);
		return set_string(slot, mode, err);
	}
	if (network_names_ok && !strchr(mode, ':') && container_ref_ok(mode) && alnum(mode[0]))
		return set_string(slot, mode, err);
	_cleanup_sbuf_ sbuf want = SBUF_INIT;
	for (const char *const *w = words; *w; w++)
		sbuf_printf(&want, "%s%s", want.len ? ", " : "", *w);
	return berth_fail(err, BERTH_EINVAL, "%s: unknown mode \"%.100s\" (want %s%s%s)", field, mode,
			  strempty(want.data), container_ok ? ", container:<name or id>" : "",
			  network_names_ok ? " or a network's name" : "");
}

int berth_spec_set_pid_mode(berth_spec *s, const char *mode, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	static const char *const words[] = { "host", NULL };
	return set_mode(&s->pid_mode, "pid mode", mode, words, true, false, err);
}

int berth_spec_set_ipc_mode(berth_spec *s, const char *mode, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	static const char *const words[] = { "none", "private", "shareable", "host", NULL };
	return set_mode(&s->ipc_mode, "ipc mode", mode, words, true, false, err);
}

int berth_spec_set_network_mode(berth_spec *s, const char *mode, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	static const char *const words[] = { "bridge", "host", "none", NULL };
	return set_mode(&s->network_mode, "network mode", mode, words, true, true, err);
}

int berth_spec_add_network_alias(berth_spec *s, const char *alias, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (!net_name_ok(alias, 253))
		return berth_fail(err, BERTH_EINVAL, "network alias: \"%.100s\" is no name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)",
				  strempty(alias));
	for (size_t i = 0; i < s->network_aliases.len; i++)
		if (STREQ(s->network_aliases.items[i], alias))
			return 0;
	if (strv_push(&s->network_aliases, alias) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

const char *berth_proto_name(berth_proto proto)
{
	static const char *const names[] = { "tcp", "udp", "sctp" };
	return (unsigned)proto < ARRAY_SIZE(names) ? names[proto] : NULL;
}

int berth_spec_add_port(berth_spec *s, const char *host_ip, int host_port, int container_port, berth_proto proto,
			berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (container_port < 1 || container_port > 65535)
		return berth_fail(err, BERTH_EINVAL, "port: %d out of range (container ports are 1-65535)", container_port);
	if (host_port < 0 || host_port > 65535)
		return berth_fail(err, BERTH_EINVAL, "port: host port %d out of range (0-65535, 0 = any free port)",
				  host_port);
	if (!berth_proto_name(proto))
		return berth_fail(err, BERTH_EINVAL, "port: unknown protocol %d (want tcp, udp or sctp)", (int)proto);
	if (isempty(host_ip))
		host_ip = NULL;
	if (host_ip && !ip_address(host_ip))
		return berth_fail(err, BERTH_EINVAL, "port: host address \"%.100s\" is not an IPv4 or IPv6 address",
				  host_ip);
	for (size_t i = 0; host_port && i < s->n_ports; i++) {
		const spec_port *p = &s->ports[i];
		bool same_ip = !p->host_ip || !host_ip || STREQ(p->host_ip, host_ip);
		if (p->host_port == host_port && p->proto == proto && same_ip)
			return berth_fail(err, BERTH_EINVAL, "port: host port %d/%s is published twice", host_port,
					  berth_proto_name(proto));
	}
	char *ip = NULL;
	if (host_ip && !(ip = strdup(host_ip)))
		return BERTH_NOMEM(err);
	spec_port *p = array_slot(&s->ports, s->n_ports, sizeof *s->ports);
	if (!p) {
		free(ip);
		return BERTH_NOMEM(err);
	}
	*p = (spec_port){ ip, host_port, container_port, proto };
	s->n_ports++;
	return 0;
}

int berth_spec_add_extra_host(berth_spec *s, const char *hostname, const char *ip, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(hostname) || strlen(hostname) > 253)
		return berth_fail(err, BERTH_EINVAL, "add-host: empty or overlong host name");
	for (const char *p = hostname; *p; p++)
		if (!alnum(*p) && !strchr("_.-", *p))
			return berth_fail(err, BERTH_EINVAL, "add-host: host name \"%.100s\" has '%c'", hostname,
					  isprint((unsigned char)*p) ? *p : '?');
	if (isempty(ip) || (!STREQ(ip, "host-gateway") && !ip_address(ip)))
		return berth_fail(err, BERTH_EINVAL,
				  "add-host: \"%.100s\" is not an IPv4 or IPv6 address (or host-gateway)", strempty(ip));
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	if (sbuf_printf(&b, "%s:%s", hostname, ip) < 0 || strv_push(&s->extra_hosts, b.data) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_add_dns(berth_spec *s, const char *server, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(server) || !ip_address(server))
		return berth_fail(err, BERTH_EINVAL, "dns: \"%.100s\" is not an IPv4 or IPv6 address", strempty(server));
	if (strv_push(&s->dns, server) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_add_group(berth_spec *s, const char *group, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	/* the same rule as the group part of a user ("NAME:GROUP") */
	if (!group || !user_part_ok(group, strlen(group)))
		return berth_fail(err, BERTH_EINVAL, "group-add: \"%.40s\" is not a group name or id", strempty(group));
	if (strv_push(&s->group_add, group) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

/* ---- storage ---------------------------------------------------------------------- */

static bool word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return true;
	return false;
}

static const char *const propagation_words[] = { "shared", "rshared", "slave", "rslave", "private", "rprivate", NULL };
static const char *const label_words[] = { "z", "Z", NULL };
static const char *const consistency_words[] = { "consistent", "cached", "delegated", NULL };
static const char *const tmpfs_flags[] = { "exec", "noexec", "suid", "nosuid", "dev", "nodev", "sync", "async",
					   "atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime",
					   "strictatime", "nostrictatime", NULL };

/* One tmpfs option "key=value": checked, appended to out normalized. */
static int tmpfs_option(sbuf *out, const char *opt, size_t n, berth_error *err)
{
	const char *eq = memchr(opt, '=', n);
	size_t kn = (size_t)(eq - opt), vn = n - kn - 1;
	const char *v = eq + 1;
	_cleanup_free_ char *value = strndup(v, vn);
	if (!value)
		return BERTH_NOMEM(err);
	uint64_t num;
	if (kn == 4 && memcmp(opt, "size", 4) == 0) {
		if (vn > 1 && v[vn - 1] == '%' && parse_u64(v, vn - 1, 100, &num) && num > 0)
			return sbuf_printf(out, "size=%s", value) < 0 ? BERTH_NOMEM(err) : 0;
		int64_t bytes;
		berth_error e2 = BERTH_ERROR_INIT;
		if (berth_size_parse(&bytes, value, &e2) < 0 || bytes <= 0)
			return berth_fail(err, BERTH_EINVAL, "tmpfs: size \"%.40s\" (want a size like 64m, or N%%)", value);
		return sbuf_printf(out, "size=%" PRId64, bytes) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (kn == 4 && memcmp(opt, "mode", 4) == 0) {
		bool ok = vn > 0 && vn <= 5;
		for (size_t i = 0; ok && i < vn; i++)
			ok = v[i] >= '0' && v[i] <= '7';
		if (!ok || strtoul(value, NULL, 8) > 07777)
			return berth_fail(err, BERTH_EINVAL, "tmpfs: mode \"%.40s\" (want octal, at most 7777)", value);
		return sbuf_printf(out, "mode=%s", value) < 0 ? BERTH_NOMEM(err) : 0;
	}
	static const char *const numeric[] = { "uid", "gid", "nr_inodes", NULL };
	if (word_in(opt, kn, numeric)) {
		if (!parse_u64(v, vn, 4294967294u, &num))
			return berth_fail(err, BERTH_EINVAL, "tmpfs: %.*s \"%.40s\" (want a number)", (int)kn, opt, value);
		return sbuf_add(out, opt, n) < 0 ? BERTH_NOMEM(err) : 0;
	}
	return berth_fail(err, BERTH_EINVAL, "tmpfs: unknown option \"%.*s\"", (int)(kn < 64 ? kn : 64), opt);
}

/* Check a comma-separated option list for a mount kind; *out gets it
 * normalized (NULL when empty). */
static int mount_options(char **out, const char *field, spec_mount_kind kind, const char *options,
			 berth_error *err)
{
	*out = NULL;
	if (isempty(options))
		return 0;
	if (has_control(options) || strchr(options, ':'))
		return berth_fail(err, BERTH_EINVAL, "%s: options hold control characters or ':'", field);
	_cleanup_sbuf_ sbuf norm = SBUF_INIT;
	int seen_prop = 0, seen_label = 0, seen_cons = 0, seen_nocopy = 0;
	_cleanup_strv_ strv tmpfs_keys = STRV_INIT; /* sorted: each key once */
	for (const char *p = options;;) {
		size_t n = strcspn(p, ",");
		if (n == 0)
			return berth_fail(err, BERTH_EINVAL, "%s: empty option in \"%.100s\"", field, options);
		if (norm.len && sbuf_addc(&norm, ',') < 0)
			return BERTH_NOMEM(err);
		if ((n == 2 && (memcmp(p, "ro", 2) == 0 || memcmp(p, "rw", 2) == 0)))
			return berth_fail(err, BERTH_EINVAL, "%s: \"%.2s\" is the read_only argument, not an option", field, p);
		int r = 0;
		if (kind == SPEC_MOUNT_TMPFS) {
			if (memchr(p, '=', n)) {
				_cleanup_free_ char *key = strndup(p, strcspn(p, "="));
				if (!key)
					return BERTH_NOMEM(err);
				if (labels_find(&tmpfs_keys, key) >= 0)
					return berth_fail(err, BERTH_EINVAL, "tmpfs: option %s given twice", key);
				if (set_insert(&tmpfs_keys, key) < 0)
					return BERTH_NOMEM(err);
				r = tmpfs_option(&norm, p, n, err);
			} else if (word_in(p, n, tmpfs_flags)) {
				r = sbuf_add(&norm, p, n) < 0 ? BERTH_NOMEM(err) : 0;
			} else {
				r = berth_fail(err, BERTH_EINVAL, "tmpfs: unknown option \"%.*s\"", (int)(n < 64 ? n : 64), p);
			}
		} else {
			int *seen = word_in(p, n, propagation_words) ? &seen_prop
				    : word_in(p, n, label_words)     ? &seen_label
				    : word_in(p, n, consistency_words) && kind == SPEC_MOUNT_BIND ? &seen_cons
				    : kind == SPEC_MOUNT_VOLUME && n == 6 && memcmp(p, "nocopy", 6) == 0 ? &seen_nocopy
													    : NULL;
			if (!seen)
				r = berth_fail(err, BERTH_EINVAL, "%s: unknown option \"%.*s\"", field, (int)(n < 64 ? n : 64), p);
			else if ((*seen)++)
				r = berth_fail(err, BERTH_EINVAL, "%s: options \"%.100s\" say the same thing twice", field,
					       options);
			else
				r = sbuf_add(&norm, p, n) < 0 ? BERTH_NOMEM(err) : 0;
		}
		if (r < 0)
			return r;
		if (!p[n])
			break;
		p += n + 1;
	}
	*out = sbuf_steal(&norm);
	return *out ? 0 : BERTH_NOMEM(err);
}

static int add_mount(berth_spec *s, spec_mount_kind kind, const char *field, const char *source,
		     const char *target, int read_only, const char *options, berth_error *err)
{
	int r = check_path(field, "container path", target, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *clean = path_clean(target);
	if (!clean)
		return BERTH_NOMEM(err);
	if (STREQ(clean, "/"))
		return berth_fail(err, BERTH_EINVAL, "%s: the container path cannot be \"/\"", field);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (STREQ(s->mounts[i].target, clean))
			return berth_fail(err, BERTH_EINVAL, "%s: %s is already a mount point of this spec", field, clean);
	_cleanup_free_ char *opts = NULL;
	r = mount_options(&opts, field, kind, options, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *src = NULL;
	if (source && !(src = strdup(source)))
		return BERTH_NOMEM(err);
	spec_mount *m = array_slot(&s->mounts, s->n_mounts, sizeof *s->mounts);
	if (!m)
		return BERTH_NOMEM(err);
	*m = (spec_mount){ kind, TAKE_PTR(src), TAKE_PTR(clean), read_only != 0, TAKE_PTR(opts) };
	s->n_mounts++;
	return 0;
}

int berth_spec_add_bind(berth_spec *s, const char *host_path, const char *container_path, int read_only,
			const char *options, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	int r = check_path("bind", "host path", host_path, err);
	return r < 0 ? r : add_mount(s, SPEC_MOUNT_BIND, "bind", host_path, container_path, read_only, options, err);
}

int berth_spec_add_volume(berth_spec *s, const char *name, const char *container_path, int read_only,
			  const char *options, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (name) {
		size_t n = strlen(name);
		bool ok = n >= 2 && n <= 255 && alnum(name[0]);
		for (size_t i = 1; ok && i < n; i++)
			ok = alnum(name[i]) || strchr("_.-", name[i]);
		if (!ok)
			return berth_fail(err, BERTH_EINVAL,
					  "volume: name \"%.100s\" (want [a-zA-Z0-9][a-zA-Z0-9_.-]+; host paths are binds)",
					  name);
	} else if (read_only || !isempty(options)) {
		return berth_fail(err, BERTH_EINVAL, "volume: an anonymous volume takes no options and is never read-only");
	}
	return add_mount(s, SPEC_MOUNT_VOLUME, "volume", name, container_path, read_only, options, err);
}

int berth_spec_add_tmpfs(berth_spec *s, const char *container_path, int read_only, const char *options,
			 berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	return add_mount(s, SPEC_MOUNT_TMPFS, "tmpfs", NULL, container_path, read_only, options, err);
}

int berth_spec_set_shm_size(berth_spec *s, int64_t bytes, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (bytes < 0)
		return berth_fail(err, BERTH_EINVAL, "shm-size: %" PRId64 " is negative", bytes);
	s->shm_size = bytes;
	return 0;
}

/* ---- privileges ------------------------------------------------------------------- */

const char *const cap_names[CAP_NAMES_COUNT] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* "net_raw", "CAP_NET_RAW", "Net_Raw" -> "CAP_NET_RAW"; "all" -> "ALL". */
static int cap_normalize(char out[40], const char *cap, berth_error *err)
{
	if (isempty(cap))
		return berth_fail(err, BERTH_EINVAL, "cap: empty capability name");
	if (strcasecmp(cap, "ALL") == 0) {
		snprintf(out, 40, "ALL");
		return 0;
	}
	const char *n = strncasecmp(cap, "CAP_", 4) == 0 ? cap + 4 : cap;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(n, cap_names[i]) == 0) {
			snprintf(out, 40, "CAP_%s", cap_names[i]);
			return 0;
		}
	return berth_fail(err, BERTH_EINVAL, "cap: unknown capability \"%.64s\"", cap);
}

/* Put cap on one list and take it off the other. */
static int cap_move(strv *onto, strv *off, const char *cap, berth_error *err)
{
	char name[40];
	int r = cap_normalize(name, cap, err);
	if (r < 0)
		return r;
	if (set_insert(onto, name) < 0)
		return BERTH_NOMEM(err);
	if (!STREQ(name, "ALL"))
		set_remove(off, name);
	return 0;
}

int berth_spec_add_cap(berth_spec *s, const char *cap, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	return cap_move(&s->cap_add, &s->cap_drop, cap, err);
}

int berth_spec_drop_cap(berth_spec *s, const char *cap, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	return cap_move(&s->cap_drop, &s->cap_add, cap, err);
}

static const char *const ulimit_names[] = {
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
	"nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
};

int berth_spec_add_ulimit(berth_spec *s, const char *name, int64_t soft, int64_t hard, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	const char *known = NULL;
	for (size_t i = 0; name && i < ARRAY_SIZE(ulimit_names); i++)
		if (strcasecmp(name, ulimit_names[i]) == 0)
			known = ulimit_names[i];
	if (!known)
		return berth_fail(err, BERTH_EINVAL, "ulimit: unknown name \"%.64s\" (want core, cpu, data, fsize, locks, "
				  "memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending or stack)",
				  strempty(name));
	if (soft < -1 || hard < -1)
		return berth_fail(err, BERTH_EINVAL, "ulimit: %s %" PRId64 ":%" PRId64 " (want values >= 0, or -1 for unlimited)",
				  known, soft, hard);
	if (hard != -1 && (soft == -1 || soft > hard))
		return berth_fail(err, BERTH_EINVAL, "ulimit: %s soft limit %" PRId64 " is above the hard limit %" PRId64,
				  known, soft, hard);
	size_t at = 0;
	while (at < s->n_ulimits && strcmp(s->ulimits[at].name, known) < 0)
		at++;
	if (at < s->n_ulimits && s->ulimits[at].name == known) {
		s->ulimits[at].soft = soft;
		s->ulimits[at].hard = hard;
		return 0;
	}
	if (!array_slot(&s->ulimits, s->n_ulimits, sizeof *s->ulimits))
		return BERTH_NOMEM(err);
	memmove(s->ulimits + at + 1, s->ulimits + at, (s->n_ulimits - at) * sizeof *s->ulimits);
	s->ulimits[at] = (spec_ulimit){ known, soft, hard };
	s->n_ulimits++;
	return 0;
}

int berth_spec_add_device(berth_spec *s, const char *host_path, const char *container_path,
			  const char *permissions, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	int r = check_path("device", "host path", host_path, err);
	if (r == 0 && container_path)
		r = check_path("device", "container path", container_path, err);
	if (r < 0)
		return r;
	const char *perms = permissions ? permissions : "rwm";
	bool ok = *perms && strlen(perms) <= 3;
	for (const char *p = perms; ok && *p; p++)
		ok = strchr("rwm", *p) && !strchr(p + 1, *p);
	if (!ok)
		return berth_fail(err, BERTH_EINVAL, "device: permissions \"%.20s\" (want a non-empty subset of \"rwm\")",
				  perms);
	_cleanup_free_ char *host = strdup(host_path);
	_cleanup_free_ char *ctr = strdup(container_path ? container_path : host_path);
	if (!host || !ctr)
		return BERTH_NOMEM(err);
	spec_device *d = array_slot(&s->devices, s->n_devices, sizeof *s->devices);
	if (!d)
		return BERTH_NOMEM(err);
	d->host = TAKE_PTR(host);
	d->container = TAKE_PTR(ctr);
	snprintf(d->perms, sizeof d->perms, "%s", perms);
	s->n_devices++;
	return 0;
}

/* Whether a sysctl belongs to the container's own namespaces (key in dot
 * form). Everything else would change the host. */
static bool sysctl_namespaced(const char *key)
{
	static const char *const ipc_uts[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
					       "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
					       "kernel.shm_rmid_forced", "kernel.domainname", NULL };
	if ((startswith(key, "net.") && key[4]) || (startswith(key, "fs.mqueue.") && key[10]))
		return true;
	for (const char *const *k = ipc_uts; *k; k++)
		if (STREQ(key, *k))
			return true;
	return false;
}

int berth_spec_add_sysctl(berth_spec *s, const char *key, const char *value, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(key) || strlen(key) > 256)
		return berth_fail(err, BERTH_EINVAL, "sysctl: empty or overlong name");
	for (const char *p = key; *p; p++)
		if (!alnum(*p) && !strchr("_.-/@", *p))
			return berth_fail(err, BERTH_EINVAL, "sysctl: name \"%.100s\" has '%c'", key,
					  isprint((unsigned char)*p) ? *p : '?');
	_cleanup_free_ char *dotted = strdup(key);
	if (!dotted)
		return BERTH_NOMEM(err);
	if (strchr(dotted, '/'))
		for (char *p = dotted; *p; p++)
			if (*p == '/')
				*p = '.';
	if (!sysctl_namespaced(dotted))
		return berth_fail(err, BERTH_EINVAL,
				  "sysctl: %.100s is not namespaced: a container cannot set it (want net.*, fs.mqueue.*, "
				  "kernel.msg*, kernel.sem, kernel.shm*, kernel.domainname)", key);
	if (!value || has_control(value))
		return berth_fail(err, BERTH_EINVAL, "sysctl: %.100s: no value, or a value with control characters", key);
	int r = check_text("sysctl", value, err);
	if (r < 0)
		return r;
	if (labels_set(&s->sysctl_keys, &s->sysctl_values, key, value) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_add_security_opt(berth_spec *s, const char *opt, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(opt))
		return berth_fail(err, BERTH_EINVAL, "security-opt: empty option");
	size_t kn = strcspn(opt, "=:");
	const char *value = opt[kn] ? opt + kn + 1 : NULL;
	const char *problem = NULL;
	if (kn == 17 && memcmp(opt, "no-new-privileges", 17) == 0) {
		if (value && !STREQ(value, "true") && !STREQ(value, "false"))
			problem = "no-new-privileges takes true or false";
	} else if (kn == 7 && memcmp(opt, "seccomp", 7) == 0) {
		if (!value || (!STREQ(value, "unconfined") && value[0] != '{'))
			problem = "seccomp wants \"unconfined\" or a profile's JSON (the CLI reads a file for you)";
	} else if (kn == 8 && memcmp(opt, "apparmor", 8) == 0) {
		if (isempty(value))
			problem = "apparmor wants a profile name";
	} else if (kn == 5 && memcmp(opt, "label", 5) == 0) {
		static const char *const prefixes[] = { "user:", "role:", "type:", "level:", "filetype:", NULL };
		bool ok = value && (STREQ(value, "disable") || STREQ(value, "nested"));
		for (const char *const *p = prefixes; !ok && value && *p; p++)
			ok = startswith(value, *p) && value[strlen(*p)];
		if (!ok)
			problem = "label wants disable, nested, user:U, role:R, type:T, level:L or filetype:F";
	} else if (kn == 11 && memcmp(opt, "systempaths", 11) == 0) {
		if (!value || !STREQ(value, "unconfined"))
			problem = "systempaths wants \"unconfined\"";
	} else {
		return berth_fail(err, BERTH_EINVAL,
				  "security-opt: unknown option \"%.*s\" (want no-new-privileges, seccomp, apparmor, label "
				  "or systempaths)", (int)(kn < 64 ? kn : 64), opt);
	}
	if (problem)
		return berth_fail(err, BERTH_EINVAL, "security-opt: %s", problem);
	int r = check_text("security-opt", opt, err);
	if (r < 0)
		return r;
	if (strv_push(&s->security_opts, opt) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int berth_spec_prepare_memlock(berth_spec *s, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	int r = berth_spec_add_ulimit(s, "memlock", -1, -1, err);
	return r < 0 ? r : berth_spec_add_cap(s, "IPC_LOCK", err);
}

/* ---- restart and health ----------------------------------------------------------- */

const char *berth_restart_policy_name(berth_restart_policy policy)
{
	static const char *const names[] = { "no", "on-failure", "always", "unless-stopped" };
	return (unsigned)policy < ARRAY_SIZE(names) ? names[policy] : NULL;
}

int berth_restart_policy_parse(berth_restart_policy *out_policy, int *out_max, const char *text,
			       berth_error *err)
{
	CHECK_ARG(out_policy && out_max, err, "out_policy or out_max_retries is NULL");
	if (!text)
		return berth_fail(err, BERTH_EINVAL, "restart: no policy given");
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);
	for (int p = BERTH_RESTART_NO; p <= BERTH_RESTART_UNLESS_STOPPED; p++) {
		const char *name = berth_restart_policy_name((berth_restart_policy)p);
		if (strlen(name) != n || memcmp(name, text, n) != 0)
			continue;
		uint64_t max = 0;
		if (colon && (p != BERTH_RESTART_ON_FAILURE || !parse_u64(colon + 1, strlen(colon + 1), INT32_MAX, &max)))
			return berth_fail(err, BERTH_EINVAL, "restart: \"%.100s\" (only on-failure takes a count: on-failure:N)",
					  text);
		*out_policy = (berth_restart_policy)p;
		*out_max = (int)max;
		return 0;
	}
	return berth_fail(err, BERTH_EINVAL,
			  "restart: unknown policy \"%.100s\" (want no, always, unless-stopped, on-failure[:N])", text);
}

int berth_spec_set_restart(berth_spec *s, berth_restart_policy policy, int max_retries, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (!berth_restart_policy_name(policy))
		return berth_fail(err, BERTH_EINVAL, "restart: unknown policy %d", (int)policy);
	if (max_retries < 0)
		return berth_fail(err, BERTH_EINVAL, "restart: max retries %d is negative", max_retries);
	if (max_retries && policy != BERTH_RESTART_ON_FAILURE)
		return berth_fail(err, BERTH_EINVAL, "restart: only on-failure takes a retry count");
	s->restart = policy;
	s->restart_max = max_retries;
	s->has_restart = true;
	return 0;
}

static int check_health_duration(const char *what, int64_t ms, berth_error *err)
{
	/* sent in nanoseconds */
	if (ms < 0 || ms > INT64_MAX / 1000000)
		return berth_fail(err, BERTH_EINVAL, "healthcheck: %s %" PRId64 " ms out of range (0, or 1 ms and up)",
				  what, ms);
	return 0;
}

int berth_spec_set_healthcheck(berth_spec *s, const berth_healthcheck *hc, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	CHECK_OPTS(hc, BERTH_HEALTHCHECK_VERSION, err);
	if (!hc) {
		strv_release(&s->health_test);
		s->health = SPEC_HEALTH_IMAGE;
		return 0;
	}
	CHECK_ARG(hc->test || hc->test_count == 0, err, "test is NULL");
	int r = check_health_duration("interval", hc->interval_ms, err);
	if (r == 0)
		r = check_health_duration("timeout", hc->timeout_ms, err);
	if (r == 0)
		r = check_health_duration("start period", hc->start_period_ms, err);
	if (r < 0)
		return r;
	if (hc->retries < 0)
		return berth_fail(err, BERTH_EINVAL, "healthcheck: retries %d is negative", hc->retries);
	strv test = STRV_INIT;
	r = argv_copy(&test, "healthcheck", hc->test, hc->test_count, err);
	if (r < 0)
		return r;
	_cleanup_strv_ strv t = test;
	if (t.len) {
		const char *kind = t.items[0];
		bool ok = (STREQ(kind, "CMD") && t.len >= 2 && *t.items[1]) ||
			  (STREQ(kind, "CMD-SHELL") && t.len == 2 && *t.items[1]) || (STREQ(kind, "NONE") && t.len == 1);
		if (!ok)
			return berth_fail(err, BERTH_EINVAL,
					  "healthcheck: the test is {\"CMD\", argv0, args...}, {\"CMD-SHELL\", \"command\"} "
					  "or {\"NONE\"}, not {\"%.40s\", ...%zu}", kind, t.len);
		if (STREQ(kind, "NONE"))
			return berth_spec_disable_healthcheck(s, err);
	}
	bool all_zero = !t.len && !hc->interval_ms && !hc->timeout_ms && !hc->start_period_ms && !hc->retries;
	strv_release(&s->health_test);
	s->health_test = STRV_TAKE(t);
	s->health = all_zero ? SPEC_HEALTH_IMAGE : SPEC_HEALTH_SET;
	s->health_interval_ms = hc->interval_ms;
	s->health_timeout_ms = hc->timeout_ms;
	s->health_start_period_ms = hc->start_period_ms;
	s->health_retries = hc->retries;
	return 0;
}

int berth_spec_disable_healthcheck(berth_spec *s, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	strv_release(&s->health_test);
	s->health = SPEC_HEALTH_NONE;
	s->health_interval_ms = s->health_timeout_ms = s->health_start_period_ms = 0;
	s->health_retries = 0;
	return 0;
}

/* ---- resources -------------------------------------------------------------------- */

#define MIN_MEMORY (6 * 1024 * 1024)

int berth_spec_set_memory(berth_spec *s, int64_t bytes, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (bytes < 0 || (bytes > 0 && bytes < MIN_MEMORY))
		return berth_fail(err, BERTH_EINVAL, "memory: must be at least 6 MiB (got %" PRId64 " bytes; 0 = no limit)",
				  bytes);
	s->memory = bytes;
	return 0;
}

int berth_spec_set_memory_swap(berth_spec *s, int64_t bytes, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (bytes < -1)
		return berth_fail(err, BERTH_EINVAL, "memory-swap: %" PRId64 " (want bytes, 0 for the default or -1 for unlimited)",
				  bytes);
	s->memory_swap = bytes;
	return 0;
}

int berth_spec_set_cpus(berth_spec *s, double cpus, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (cpus == 0) {
		s->nano_cpus = 0;
		return 0;
	}
	if (!isfinite(cpus) || cpus < 0.01 || cpus > 1e6)
		return berth_fail(err, BERTH_EINVAL, "cpus: %g out of range (0.01 to 1000000, 0 = no limit)", cpus);
	s->nano_cpus = (int64_t)(cpus * 1e9 + 0.5); /* positive: rounds to nearest */
	return 0;
}

int berth_spec_set_cpu_shares(berth_spec *s, int64_t shares, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (shares && (shares < 2 || shares > 262144))
		return berth_fail(err, BERTH_EINVAL, "cpu-shares: %" PRId64 " out of range (2 to 262144, 0 = default)", shares);
	s->cpu_shares = shares;
	return 0;
}

int berth_spec_set_pids_limit(berth_spec *s, int64_t limit, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (limit < -1)
		return berth_fail(err, BERTH_EINVAL, "pids-limit: %" PRId64 " (want > 0, -1 for unlimited, 0 for the default)",
				  limit);
	s->pids_limit = limit;
	return 0;
}

/* ---- logging ----------------------------------------------------------------------- */

int berth_spec_set_log_driver(berth_spec *s, const char *driver, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (driver) {
		bool ok = alnum(driver[0]) && strlen(driver) <= 255;
		for (const char *p = driver; ok && *p; p++)
			ok = alnum(*p) || strchr("_./:-", *p);
		if (!ok)
			return berth_fail(err, BERTH_EINVAL, "log-driver: \"%.100s\" is not a driver name", driver);
	}
	return set_string(&s->log_driver, driver, err);
}

int berth_spec_add_log_opt(berth_spec *s, const char *key, const char *value, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	bool ok = !isempty(key) && strlen(key) <= 255;
	for (const char *p = key; ok && *p; p++)
		ok = alnum(*p) || strchr("_.-", *p);
	if (!ok)
		return berth_fail(err, BERTH_EINVAL, "log-opt: key \"%.100s\" (want letters, digits, '_', '.', '-')",
				  strempty(key));
	int r = check_text("log-opt", strempty(value), err);
	if (r < 0)
		return r;
	if (labels_set(&s->log_opt_keys, &s->log_opt_values, key, strempty(value)) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

/* ---- checks across fields ---------------------------------------------------------- */

int spec_check(const berth_spec *s, berth_error *err)
{
	if (s->memory_swap > 0 && !s->memory)
		return berth_fail(err, BERTH_EINVAL, "memory-swap: needs a memory limit too");
	if (s->memory_swap > 0 && s->memory_swap < s->memory)
		return berth_fail(err, BERTH_EINVAL, "memory-swap: %" PRId64 " is below the memory limit %" PRId64,
				  s->memory_swap, s->memory);
	if (s->auto_remove && s->has_restart && s->restart != BERTH_RESTART_NO)
		return berth_fail(err, BERTH_EINVAL, "restart: %s conflicts with auto-remove",
				  berth_restart_policy_name(s->restart));
	const char *net = s->network_mode;
	bool host = net && STREQ(net, "host"), none = net && STREQ(net, "none");
	bool shared = net && startswith(net, "container:");
	if (s->n_ports && (host || none || shared))
		return berth_fail(err, BERTH_EINVAL, "port: cannot publish ports with network mode %s", net);
	if (shared && s->hostname)
		return berth_fail(err, BERTH_EINVAL, "hostname: conflicts with network mode %s", net);
	if (shared && s->dns.len)
		return berth_fail(err, BERTH_EINVAL, "dns: conflicts with network mode %s", net);
	if (shared && s->extra_hosts.len)
		return berth_fail(err, BERTH_EINVAL, "add-host: conflicts with network mode %s", net);
	if (s->network_aliases.len && (!net || host || none || shared || STREQ(net, "bridge")))
		return berth_fail(err, BERTH_EINVAL, "network alias: needs a user network (network mode %s)",
				  net ? net : "default");
	for (size_t i = 0; host && i < s->sysctl_keys.len; i++)
		if (startswith(s->sysctl_keys.items[i], "net.") || startswith(s->sysctl_keys.items[i], "net/"))
			return berth_fail(err, BERTH_EINVAL, "sysctl: %s cannot be set with network mode host",
					  s->sysctl_keys.items[i]);
	return 0;
}

/* ---- canonical serialization -------------------------------------------------------- */

/* The JSON is written without a JSON library (only the engine backend
 * uses one). An object collects its members as (key, JSON text) pairs in
 * key order, so sorted keys come for free at every depth. Escapes follow
 * the common compact form: \" \\ \b \f \n \r \t, \u00XX for the other
 * control characters, everything else as is. */
typedef struct cj {
	strv keys, values;
	bool oom;
} cj;

static int json_quote(sbuf *b, const char *s)
{
	int r = sbuf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; r == 0 && *p; p++) {
		static const char short_esc[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't' };
		if (*p == '"' || *p == '\\')
			r = sbuf_printf(b, "\\%c", *p);
		else if (*p < sizeof short_esc && short_esc[*p])
			r = sbuf_printf(b, "\\%c", short_esc[*p]);
		else if (*p < 0x20)
			r = sbuf_printf(b, "\\u%04X", *p);
		else
			r = sbuf_addc(b, (char)*p);
	}
	return r == 0 ? sbuf_addc(b, '"') : r;
}

/* Add a member whose value is JSON text (taken; NULL means out of memory). */
static void cj_put(cj *o, const char *key, char *json)
{
	if (!json || labels_set(&o->keys, &o->values, key, json) < 0)
		o->oom = true;
	free(json);
}

static char *jv_str(const char *s)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	return json_quote(&b, s) < 0 ? NULL : sbuf_steal(&b);
}

static char *jv_int(int64_t v)
{
	char *p = NULL;
	return asprintf(&p, "%" PRId64, v) < 0 ? NULL : p;
}

static char *jv_strv(const strv *v)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = sbuf_addc(&b, '[');
	for (size_t i = 0; r == 0 && i < v->len; i++) {
		if (i)
			r = sbuf_addc(&b, ',');
		if (r == 0)
			r = json_quote(&b, v->items[i]);
	}
	if (r == 0)
		r = sbuf_addc(&b, ']');
	return r < 0 ? NULL : sbuf_steal(&b);
}

/* Close an object: its JSON text (NULL when out of memory); o is released. */
static char *cj_close(cj *o)
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = o->oom ? -ENOMEM : sbuf_addc(&b, '{');
	for (size_t i = 0; r == 0 && i < o->keys.len; i++) {
		if (i)
			r = sbuf_addc(&b, ',');
		if (r == 0)
			r = json_quote(&b, o->keys.items[i]);
		if (r == 0)
			r = sbuf_printf(&b, ":%s", o->values.items[i]);
	}
	if (r == 0)
		r = sbuf_addc(&b, '}');
	strv_release(&o->keys);
	strv_release(&o->values);
	return r < 0 ? NULL : sbuf_steal(&b);
}

/* A map of strings (parallel sorted vectors) as an object. */
static char *jv_map(const strv *keys, const strv *values)
{
	cj o = { STRV_INIT, STRV_INIT, false };
	for (size_t i = 0; i < keys->len; i++)
		cj_put(&o, keys->items[i], jv_str(values->items[i]));
	return cj_close(&o);
}

/* An array of objects made by fn(spec, i). */
static char *jv_list(const berth_spec *s, size_t n, char *(*fn)(const berth_spec *s, size_t i))
{
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = sbuf_addc(&b, '[');
	for (size_t i = 0; r == 0 && i < n; i++) {
		_cleanup_free_ char *item = fn(s, i);
		r = item ? sbuf_printf(&b, "%s%s", i ? "," : "", item) : -ENOMEM;
	}
	if (r == 0)
		r = sbuf_addc(&b, ']');
	return r < 0 ? NULL : sbuf_steal(&b);
}

static char *jv_mount(const berth_spec *s, size_t i)
{
	static const char *const kinds[] = { "bind", "volume", "tmpfs" };
	const spec_mount *m = &s->mounts[i];
	cj o = { STRV_INIT, STRV_INIT, false };
	cj_put(&o, "type", jv_str(kinds[m->kind]));
	cj_put(&o, "target", jv_str(m->target));
	if (m->source)
		cj_put(&o, "source", jv_str(m->source));
	if (m->read_only)
		cj_put(&o, "read_only", strdup("true"));
	if (m->options)
		cj_put(&o, "options", jv_str(m->options));
	return cj_close(&o);
}

static char *jv_port(const berth_spec *s, size_t i)
{
	const spec_port *p = &s->ports[i];
	cj o = { STRV_INIT, STRV_INIT, false };
	cj_put(&o, "container_port", jv_int(p->container_port));
	cj_put(&o, "protocol", jv_str(berth_proto_name(p->proto)));
	if (p->host_ip)
		cj_put(&o, "host_ip", jv_str(p->host_ip));
	if (p->host_port)
		cj_put(&o, "host_port", jv_int(p->host_port));
	return cj_close(&o);
}

static char *jv_device(const berth_spec *s, size_t i)
{
	const spec_device *d = &s->devices[i];
	cj o = { STRV_INIT, STRV_INIT, false };
	cj_put(&o, "host_path", jv_str(d->host));
	cj_put(&o, "container_path", jv_str(d->container));
	cj_put(&o, "permissions", jv_str(d->perms));
	return cj_close(&o);
}

static char *jv_ulimits(const berth_spec *s)
{
	cj o = { STRV_INIT, STRV_INIT, false };
	for (size_t i = 0; i < s->n_ulimits; i++) {
		cj l = { STRV_INIT, STRV_INIT, false };
		cj_put(&l, "soft", jv_int(s->ulimits[i].soft));
		cj_put(&l, "hard", jv_int(s->ulimits[i].hard));
		cj_put(&o, s->ulimits[i].name, cj_close(&l));
	}
	return cj_close(&o);
}

static char *jv_restart(const berth_spec *s)
{
	cj o = { STRV_INIT, STRV_INIT, false };
	cj_put(&o, "policy", jv_str(berth_restart_policy_name(s->restart)));
	if (s->restart == BERTH_RESTART_ON_FAILURE)
		cj_put(&o, "max_retries", jv_int(s->restart_max));
	return cj_close(&o);
}

static char *jv_health(const berth_spec *s)
{
	cj o = { STRV_INIT, STRV_INIT, false };
	if (s->health == SPEC_HEALTH_NONE) {
		cj_put(&o, "disabled", strdup("true"));
		return cj_close(&o);
	}
	if (s->health_test.len)
		cj_put(&o, "test", jv_strv(&s->health_test));
	if (s->health_interval_ms)
		cj_put(&o, "interval_ms", jv_int(s->health_interval_ms));
	if (s->health_timeout_ms)
		cj_put(&o, "timeout_ms", jv_int(s->health_timeout_ms));
	if (s->health_start_period_ms)
		cj_put(&o, "start_period_ms", jv_int(s->health_start_period_ms));
	if (s->health_retries)
		cj_put(&o, "retries", jv_int(s->health_retries));
	return cj_close(&o);
}

int berth_spec_canonical_json(char **out, const berth_spec *s, berth_error *err)
{
	CHECK_ARG(out && s, err, "out or spec is NULL");
	cj o = { STRV_INIT, STRV_INIT, false };
	cj_put(&o, "image", jv_str(s->image));
	const struct { const char *key; const char *value; } strings[] = {
		{ "name", s->name },         { "workdir", s->workdir },   { "user", s->user },
		{ "hostname", s->hostname }, { "pid_mode", s->pid_mode }, { "ipc_mode", s->ipc_mode },
		{ "network_mode", s->network_mode }, { "log_driver", s->log_driver },
	};
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
		if (strings[i].value)
			cj_put(&o, strings[i].key, jv_str(strings[i].value));
	const struct { const char *key; bool on; } flags[] = {
		{ "tty", s->tty }, { "stdin_open", s->stdin_open }, { "privileged", s->privileged },
		{ "read_only_rootfs", s->read_only_rootfs }, { "auto_remove", s->auto_remove },
	};
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (flags[i].on)
			cj_put(&o, flags[i].key, strdup("true"));
	if (s->has_init)
		cj_put(&o, "init", strdup(s->init ? "true" : "false"));
	const struct { const char *key; int64_t value; } numbers[] = {
		{ "memory", s->memory },         { "memory_swap", s->memory_swap }, { "nano_cpus", s->nano_cpus },
		{ "cpu_shares", s->cpu_shares }, { "pids_limit", s->pids_limit },   { "shm_size", s->shm_size },
	};
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++)
		if (numbers[i].value)
			cj_put(&o, numbers[i].key, jv_int(numbers[i].value));
	if (s->stop_timeout >= 0)
		cj_put(&o, "stop_timeout", jv_int(s->stop_timeout));
	if (s->stop_signal) {
		const char *name = berth_signal_name(s->stop_signal);
		char num[16];
		snprintf(num, sizeof num, "%d", s->stop_signal);
		cj_put(&o, "stop_signal", jv_str(name ? name : num));
	}
	const struct { const char *key; const strv *v; bool always; } lists[] = {
		{ "cmd", &s->cmd, s->has_cmd }, { "entrypoint", &s->entrypoint, s->has_entrypoint },
		{ "env", &s->env, false },      { "extra_hosts", &s->extra_hosts, false },
		{ "network_aliases", &s->network_aliases, false },
		{ "dns", &s->dns, false },      { "group_add", &s->group_add, false },
		{ "cap_add", &s->cap_add, false },
		{ "cap_drop", &s->cap_drop, false }, { "security_opts", &s->security_opts, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (lists[i].always || lists[i].v->len)
			cj_put(&o, lists[i].key, jv_strv(lists[i].v));
	if (s->label_keys.len)
		cj_put(&o, "labels", jv_map(&s->label_keys, &s->label_values));
	if (s->sysctl_keys.len)
		cj_put(&o, "sysctls", jv_map(&s->sysctl_keys, &s->sysctl_values));
	if (s->log_opt_keys.len)
		cj_put(&o, "log_opts", jv_map(&s->log_opt_keys, &s->log_opt_values));
	if (s->n_mounts)
		cj_put(&o, "mounts", jv_list(s, s->n_mounts, jv_mount));
	if (s->n_ports)
		cj_put(&o, "ports", jv_list(s, s->n_ports, jv_port));
	if (s->n_devices)
		cj_put(&o, "devices", jv_list(s, s->n_devices, jv_device));
	if (s->n_ulimits)
		cj_put(&o, "ulimits", jv_ulimits(s));
	if (s->has_restart)
		cj_put(&o, "restart", jv_restart(s));
	if (s->health != SPEC_HEALTH_IMAGE)
		cj_put(&o, "healthcheck", jv_health(s));
	char *text = cj_close(&o);
	if (!text)
		return BERTH_NOMEM(err);
	*out = text;
	return 0;
}

/* The spec's identity for ownership labels (<berth/owner.h>). */
int berth_spec_hash(char out[65], const berth_spec *spec, berth_error *err)
{
	CHECK_ARG(out && spec, err, "out or spec is NULL");
	/* The name finds the container; everything else is what it runs. */
	berth_spec unnamed = *spec;
	unnamed.name = NULL;
	_cleanup_free_ char *json = NULL;
	int r = berth_spec_canonical_json(&json, &unnamed, err);
	if (r < 0)
		return r;
	sha256_hex(out, json, strlen(json));
	return 0;
}
