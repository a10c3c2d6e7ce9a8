/* Container spec (validated builder) and the lifecycle entry points. Every
 * argument is checked here, before any request leaves the process. */
#include "engine.h"

#include <ctype.h>

/* ---- validation ------------------------------------------------------------ */

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool alnum(char c) { return isalnum((unsigned char)c) != 0; }

/* path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static const char *check_path_component(const char *s, size_t n)
{
	if (n == 0)
		return "empty path component";
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]))
			return "repository names must be lowercase";
	if (!lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return "a path component must start and end with a letter or digit";
	for (size_t i = 0; i < n;) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && !lower_alnum(s[j]))
			j++;
		size_t len = j - i;
		bool dashes = true;
		for (size_t k = i; k < j; k++)
			dashes = dashes && s[k] == '-';
		bool ok = dashes || (len == 1 && (s[i] == '.' || s[i] == '_')) || (len == 2 && s[i] == '_' && s[i + 1] == '_');
		if (!ok)
			return "invalid separator in a path component (use '.', '_', '__' or '-')";
		i = j;
	}
	return NULL;
}

/* domain := label(.label)*(:port)?  label := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? */
static const char *check_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;
	if (hn == 0)
		return "empty registry host";
	for (size_t i = 0, start = 0; i <= hn; i++) {
		if (i < hn && s[i] != '.') {
			if (!alnum(s[i]) && s[i] != '-')
				return "invalid character in the registry host";
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return "malformed registry host";
		start = i + 1;
	}
	if (colon) {
		size_t pn = n - hn - 1;
		if (pn == 0 || pn > 5)
			return "malformed registry port";
		for (size_t i = hn + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return "malformed registry port";
	}
	return NULL;
}

static const char *check_digest(const char *d)
{
	const char *colon = strchr(d, ':');
	if (!colon || colon == d)
		return "a digest is ALGORITHM:HEX";
	for (const char *p = d; p < colon; p++)
		if (!alnum(*p) && !strchr("+.-_", *p))
			return "invalid digest algorithm";
	size_t hex = 0;
	for (const char *p = colon + 1; *p; p++, hex++)
		if (!isxdigit((unsigned char)*p))
			return "a digest's value must be hexadecimal";
	if (hex < 32)
		return "a digest's value must be at least 32 hex digits";
	return NULL;
}

static const char *check_tag(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128)
		return "a tag must be 1 to 128 characters";
	if (!alnum(t[0]) && t[0] != '_')
		return "a tag must start with a letter, digit or '_'";
	for (size_t i = 1; i < n; i++)
		if (!alnum(t[i]) && !strchr("_.-", t[i]))
			return "invalid character in the tag";
	return NULL;
}

static const char *check_image(const char *ref)
{
	size_t len = strlen(ref);
	if (len == 0)
		return "empty image reference";
	if (len > 512)
		return "image reference too long";
	for (const char *p = ref; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return "image reference has white space or control characters";
	/* a bare id: sha256:<64 hex> */
	if (startswith(ref, "sha256:"))
		return check_digest(ref);

	char buf[600];
	memcpy(buf, ref, len + 1);
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		const char *e = check_digest(at + 1);
		if (e)
			return e;
	}
	char *slash = strrchr(buf, '/');
	char *colon = strrchr(slash ? slash : buf, ':');
	if (colon) {
		*colon = '\0';
		const char *e = check_tag(colon + 1);
		if (e)
			return e;
	}
	size_t nlen = strlen(buf);
	if (nlen == 0)
		return "no repository name";
	if (nlen > 255)
		return "repository name longer than 255 characters";
	char *p = buf;
	char *first_slash = strchr(p, '/');
	if (first_slash) {
		size_t fn = (size_t)(first_slash - p);
		bool domain = memchr(p, '.', fn) || memchr(p, ':', fn) || (fn == 9 && memcmp(p, "localhost", 9) == 0);
		for (size_t i = 0; i < fn && !domain; i++)
			domain = isupper((unsigned char)p[i]);
		if (domain) {
			const char *e = check_domain(p, fn);
			if (e)
				return e;
			p = first_slash + 1;
		}
	}
	for (;;) {
		char *next = strchr(p, '/');
		size_t n = next ? (size_t)(next - p) : strlen(p);
		const char *e = check_path_component(p, n);
		if (e)
			return e;
		if (!next)
			break;
		p = next + 1;
	}
	return NULL;
}

int berth_validate_image_ref(const char *ref, berth_error *err)
{
	if (!ref)
		return berth_fail(err, BERTH_EINVAL, "image: no reference given");
	const char *e = check_image(ref);
	if (e)
		return berth_fail(err, BERTH_EINVAL, "image \"%.200s\": %s", ref, e);
	return 0;
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

/* A name or id argument of an operation: checked before any request. */
static int check_id(const char *id, berth_error *err)
{
	if (!id || !*id)
		return berth_fail(err, BERTH_EINVAL, "container: empty name or id");
	if (strlen(id) > 255)
		return berth_fail(err, BERTH_EINVAL, "container \"%.40s...\": name or id longer than 255 bytes", id);
	for (const char *p = id; *p; p++)
		if (!alnum(*p) && !strchr("_.-", *p))
			return berth_fail(err, BERTH_EINVAL,
					  "container \"%.200s\": not a valid name or id (character '%c')", id,
					  isprint((unsigned char)*p) ? *p : '?');
	return 0;
}

/* Replace a string field with a copy of value (NULL clears it). */
static int set_string(char **field, const char *value, berth_error *err)
{
	char *copy = value ? strdup(value) : NULL;
	if (value && !copy)
		return BERTH_NOMEM(err);
	free(*field);
	*field = copy;
	return 0;
}

/* ---- spec -------------------------------------------------------------------- */

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
	strv_release(&s->env);
	strv_release(&s->label_keys);
	strv_release(&s->label_values);
	free(s->create_json);
	free(s);
}

const char *berth_spec_image(const berth_spec *s) { return s ? s->image : NULL; }

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
	for (size_t i = 0; i < argc; i++) {
		if (!argv[i]) {
			strv_release(&v);
			return berth_fail(err, BERTH_EINVAL, "cmd: argument %zu is NULL", i);
		}
		if (strv_push(&v, argv[i]) < 0) {
			strv_release(&v);
			return BERTH_NOMEM(err);
		}
	}
	strv_release(&s->cmd);
	s->cmd = v;
	s->has_cmd = argc > 0;
	return 0;
}

int berth_spec_add_env(berth_spec *s, const char *key, const char *value, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	if (isempty(key))
		return berth_fail(err, BERTH_EINVAL, "env: empty variable name");
	if (strchr(key, '='))
		return berth_fail(err, BERTH_EINVAL, "env: variable name \"%.100s\" contains '='", key);
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p < ' ')
			return berth_fail(err, BERTH_EINVAL, "env: variable name has control characters");
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
	if (STREQ(key, BERTH_LABEL_MANAGED) || STREQ(key, BERTH_LABEL_OWNER))
		return berth_fail(err, BERTH_EINVAL, "label: %s is written by berth itself", key);
	if (labels_set(&s->label_keys, &s->label_values, key, strempty(value)) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

int spec_set_create_json(berth_spec *s, const char *json, berth_error *err)
{
	CHECK_ARG(s, err, "spec is NULL");
	return set_string(&s->create_json, json, err);
}

/* ---- lifecycle ------------------------------------------------------------------ */

int berth_container_create(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	CHECK_ARG(out_id && c && spec, err, "out_id, client or spec is NULL");
	return ENGINE_CALL(c, container_create, err, out_id, c, spec, err);
}

int berth_container_start(berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_start, err, c, id, err);
}

int berth_container_run(char **out_id, berth_client *c, const berth_spec *spec, berth_error *err)
{
	_cleanup_free_ char *id = NULL;
	int r = berth_container_create(&id, c, spec, err);
	if (r < 0)
		return r;
	r = berth_container_start(c, id, err);
	if (r < 0) {
		/* Leave nothing behind: this call made the container. */
		berth_error ignored = BERTH_ERROR_INIT;
		if (c->ops->container_remove)
			c->ops->container_remove(c, id, true, true, &ignored);
		return r;
	}
	if (out_id)
		*out_id = TAKE_PTR(id);
	return 0;
}

int berth_container_stop(berth_client *c, const char *id, const berth_stop_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_STOP_OPTIONS_VERSION, err);
	int grace = opts ? opts->grace_seconds : -1;
	if (grace < -1)
		return berth_fail(err, BERTH_EINVAL, "stop: grace period %d (want -1 for the default, or >= 0)", grace);
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_stop, err, c, id, grace, err);
}

int berth_container_remove(berth_client *c, const char *id, const berth_remove_options *opts, berth_error *err)
{
	CHECK_ARG(c, err, "client is NULL");
	CHECK_OPTS(opts, BERTH_REMOVE_OPTIONS_VERSION, err);
	int r = check_id(id, err);
	bool force = opts && opts->force, volumes = opts && opts->anonymous_volumes;
	return r < 0 ? r : ENGINE_CALL(c, container_remove, err, c, id, force, volumes, err);
}

int berth_container_inspect(berth_container_info **out, berth_client *c, const char *id, berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	int r = check_id(id, err);
	return r < 0 ? r : ENGINE_CALL(c, container_inspect, err, out, c, id, err);
}

int berth_container_list_get(berth_container_list **out, berth_client *c, const berth_list_options *opts,
			     berth_error *err)
{
	CHECK_ARG(out && c, err, "out or client is NULL");
	CHECK_OPTS(opts, BERTH_LIST_OPTIONS_VERSION, err);
	berth_list_options o = BERTH_LIST_OPTIONS_INIT;
	if (opts)
		o = *opts;
	CHECK_ARG(o.labels || o.label_count == 0, err, "labels is NULL");
	for (size_t i = 0; i < o.label_count; i++)
		if (isempty(o.labels[i]) || o.labels[i][0] == '=')
			return berth_fail(err, BERTH_EINVAL, "list: label filter %zu is empty (want KEY or KEY=VALUE)", i);
	if (o.name && !*o.name)
		return berth_fail(err, BERTH_EINVAL, "list: empty name filter");
	return ENGINE_CALL(c, container_list, err, out, c, &o, err);
}
