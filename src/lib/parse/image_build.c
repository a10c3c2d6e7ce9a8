/* Image configs for new images (containerd's commit and import), and
 * docker's --change instructions applied to them: CMD and ENTRYPOINT in
 * JSON or shell form, ENV and LABEL as KEY=VALUE pairs (ENV also as
 * "KEY VALUE"), EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, ONBUILD. */
#include "image_build.h"
#include "json_util.h"

#include <ctype.h>
#include <strings.h>

/* The words of an instruction's arguments: blanks separate them, '"' and
 * '\'' quote, '\\' escapes the next character (not inside '\''). */
static int split_words(strv *out, const char *s, berth_error *err)
{
	_cleanup_sbuf_ sbuf w = SBUF_INIT;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return 0;
		sbuf_reset(&w);
		char quote = 0;
		bool any = false;
		for (; *s && (quote || (*s != ' ' && *s != '\t')); s++) {
			if (quote && *s == quote) {
				quote = 0;
				continue;
			}
			if (!quote && (*s == '"' || *s == '\'')) {
				quote = *s;
				any = true;
				continue;
			}
			if (*s == '\\' && quote != '\'' && s[1])
				s++;
			if (sbuf_addc(&w, *s) < 0)
				return BERTH_NOMEM(err);
			any = true;
		}
		if (quote)
			return berth_fail(err, BERTH_EINVAL, "change: unterminated %c quote", quote);
		if (any && strv_push(out, w.data ? w.data : "") < 0)
			return BERTH_NOMEM(err);
	}
}

/* CMD / ENTRYPOINT / VOLUME arguments: a JSON list of strings, or the
 * shell form (["/bin/sh", "-c", rest]; VOLUME: the words). */
static int list_form(json_t **out, const char *rest, bool shell, berth_error *err)
{
	if (rest[0] == '[') {
		json_t *a = json_loads(rest, 0, NULL);
		bool ok = json_is_array(a);
		size_t i;
		json_t *v;
		json_array_foreach(a, i, v)
			ok = ok && json_is_string(v);
		if (ok) {
			*out = a;
			return 0;
		}
		json_decref(a);
		if (!shell)
			return berth_fail(err, BERTH_EINVAL, "change: \"%.60s\" is not a JSON list of strings", rest);
		/* docker too takes a malformed list as the shell form */
	}
	json_t *a = json_array();
	if (!a)
		return BERTH_NOMEM(err);
	if (shell) {
		if (json_array_append_new(a, json_string("/bin/sh")) < 0 || json_array_append_new(a, json_string("-c")) < 0 ||
		    json_array_append_new(a, json_string(rest)) < 0) {
			json_decref(a);
			return BERTH_NOMEM(err);
		}
	} else {
		_cleanup_strv_ strv words = STRV_INIT;
		int r = split_words(&words, rest, err);
		for (size_t i = 0; r == 0 && i < words.len; i++)
			if (json_array_append_new(a, json_string(words.items[i])) < 0)
				r = BERTH_NOMEM(err);
		if (r < 0) {
			json_decref(a);
			return r;
		}
	}
	*out = a;
	return 0;
}

/* ENV's list "KEY=VALUE": the key's entry replaced, or one added. */
static int env_set(json_t *cfg, const char *key, size_t klen, const char *value, berth_error *err)
{
	json_t *env = json_object_get(cfg, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		if (!env || json_object_set_new(cfg, "Env", env) < 0)
			return BERTH_NOMEM(err);
	}
	_cleanup_sbuf_ sbuf kv = SBUF_INIT;
	if (sbuf_add(&kv, key, klen) < 0 || sbuf_addc(&kv, '=') < 0 || sbuf_adds(&kv, value) < 0)
		return BERTH_NOMEM(err);
	size_t i;
	json_t *v;
	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, key, klen) == 0 && s[klen] == '=')
			return json_array_set_new(env, i, json_string(kv.data)) < 0 ? BERTH_NOMEM(err) : 0;
	}
	return json_array_append_new(env, json_string(kv.data)) < 0 ? BERTH_NOMEM(err) : 0;
}

/* obj[name] as an object, made when absent. */
static json_t *sub_object(json_t *cfg, const char *name)
{
	json_t *o = json_object_get(cfg, name);
	if (json_is_object(o))
		return o;
	o = json_object();
	if (!o || json_object_set_new(cfg, name, o) < 0)
		return NULL;
	return o;
}

/* KEY=VALUE pairs (ENV, LABEL); ENV also takes "KEY VALUE". */
static int pairs(json_t *cfg, const char *rest, bool env, berth_error *err)
{
	_cleanup_strv_ strv words = STRV_INIT;
	int r = split_words(&words, rest, err);
	if (r < 0)
		return r;
	if (words.len == 0)
		return berth_fail(err, BERTH_EINVAL, "change: no KEY=VALUE");
	if (!strchr(words.items[0], '=')) {
		if (!env)
			return berth_fail(err, BERTH_EINVAL, "change: LABEL wants KEY=VALUE, got \"%.60s\"", words.items[0]);
		/* ENV KEY VALUE...: the value is the rest of the line */
		const char *p = rest + strspn(rest, " \t");
		size_t klen = strcspn(p, " \t");
		const char *value = p + klen + strspn(p + klen, " \t");
		return env_set(cfg, p, klen, value, err);
	}
	json_t *labels = env ? NULL : sub_object(cfg, "Labels");
	if (!env && !labels)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < words.len; i++) {
		const char *w = words.items[i];
		const char *eq = strchr(w, '=');
		if (!eq || eq == w)
			return berth_fail(err, BERTH_EINVAL, "change: want KEY=VALUE, got \"%.60s\"", w);
		if (env) {
			r = env_set(cfg, w, (size_t)(eq - w), eq + 1, err);
		} else {
			_cleanup_free_ char *k = strndup(w, (size_t)(eq - w));
			r = !k || json_object_set_new(labels, k, json_string(eq + 1)) < 0 ? BERTH_NOMEM(err) : 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Keys of an object-valued set (ExposedPorts, Volumes). */
static int set_keys(json_t *cfg, const char *name, const strv *keys, berth_error *err)
{
	json_t *o = sub_object(cfg, name);
	if (!o)
		return BERTH_NOMEM(err);
	for (size_t i = 0; i < keys->len; i++)
		if (json_object_set_new(o, keys->items[i], json_object()) < 0)
			return BERTH_NOMEM(err);
	return 0;
}

static int expose(json_t *cfg, const char *rest, berth_error *err)
{
	_cleanup_strv_ strv words = STRV_INIT, ports = STRV_INIT;
	int r = split_words(&words, rest, err);
	for (size_t i = 0; r == 0 && i < words.len; i++) {
		const char *w = words.items[i];
		size_t digits = strspn(w, "0123456789");
		const char *proto = w + digits;
		if (digits == 0 || digits > 5 || (*proto && !(STREQ(proto, "/tcp") || STREQ(proto, "/udp") ||
							      STREQ(proto, "/sctp"))))
			return berth_fail(err, BERTH_EINVAL, "change: EXPOSE wants PORT[/tcp|udp|sctp], got \"%.40s\"", w);
		char key[32];
		snprintf(key, sizeof key, "%.*s%s", (int)digits, w, *proto ? proto : "/tcp");
		if (strv_push(&ports, key) < 0)
			r = BERTH_NOMEM(err);
	}
	return r < 0 ? r : set_keys(cfg, "ExposedPorts", &ports, err);
}

static int apply_change(json_t *cfg, const char *change, berth_error *err)
{
	const char *p = change + strspn(change, " \t");
	size_t w = strcspn(p, " \t");
	const char *rest = p + w + strspn(p + w, " \t");
	/* trailing blanks are no part of the value */
	_cleanup_free_ char *arg = strdup(rest);
	if (!arg)
		return BERTH_NOMEM(err);
	for (size_t n = strlen(arg); n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t');)
		arg[--n] = '\0';
	if (!*arg || strpbrk(arg, "\r\n"))
		return berth_fail(err, BERTH_EINVAL, "change \"%.40s\": want INSTRUCTION ARGUMENTS on one line", change);
#define IS(k) (w == strlen(k) && strncasecmp(p, k, w) == 0)
	json_t *v = NULL;
	int r;
	if (IS("CMD") || IS("ENTRYPOINT")) {
		r = list_form(&v, arg, true, err);
		return r < 0 ? r : json_object_set_new(cfg, IS("CMD") ? "Cmd" : "Entrypoint", v) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (IS("VOLUME")) {
		r = list_form(&v, arg, false, err);
		if (r < 0)
			return r;
		_cleanup_strv_ strv keys = STRV_INIT;
		r = json_strv_append(&keys, v) < 0 ? BERTH_NOMEM(err) : 0;
		json_decref(v);
		return r < 0 ? r : set_keys(cfg, "Volumes", &keys, err);
	}
	if (IS("ENV") || IS("LABEL"))
		return pairs(cfg, arg, IS("ENV"), err);
	if (IS("EXPOSE"))
		return expose(cfg, arg, err);
	if (IS("USER") || IS("STOPSIGNAL"))
		return json_object_set_new(cfg, IS("USER") ? "User" : "StopSignal", json_string(arg)) < 0 ? BERTH_NOMEM(err) : 0;
	if (IS("WORKDIR")) {
		/* a relative one goes under the current one */
		const char *cur = json_string_value(json_object_get(cfg, "WorkingDir"));
		_cleanup_sbuf_ sbuf dir = SBUF_INIT;
		if (arg[0] != '/' && sbuf_printf(&dir, "%s/", isempty(cur) ? "" : cur) < 0)
			return BERTH_NOMEM(err);
		if (sbuf_adds(&dir, arg) < 0)
			return BERTH_NOMEM(err);
		return json_object_set_new(cfg, "WorkingDir", json_string(dir.data)) < 0 ? BERTH_NOMEM(err) : 0;
	}
	if (IS("ONBUILD")) {
		json_t *a = json_object_get(cfg, "OnBuild");
		if (!json_is_array(a) && (!(a = json_array()) || json_object_set_new(cfg, "OnBuild", a) < 0))
			return BERTH_NOMEM(err);
		return json_array_append_new(a, json_string(arg)) < 0 ? BERTH_NOMEM(err) : 0;
	}
#undef IS
	return berth_fail(err, BERTH_EINVAL, "change \"%.40s\": want one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, "
			  "STOPSIGNAL, USER, VOLUME, WORKDIR", change);
}

int image_change_apply_text(sbuf *out, const char *config_json, size_t len, const char *change, berth_error *err)
{
	_cleanup_json_ json_t *cfg = json_loadb(config_json ? config_json : "{}", config_json ? len : 2, 0, NULL);
	if (!json_is_object(cfg))
		return berth_fail(err, BERTH_EPROTOCOL, "change: the config is not a JSON object");
	int r = apply_change(cfg, change, err);
	if (r < 0)
		return r;
	char *text = json_dumps(cfg, JSON_COMPACT);
	r = !text || sbuf_adds(out, text) < 0 ? BERTH_NOMEM(err) : 0;
	free(text);
	return r;
}

/* The container's settings over the image's: Docker's commit keeps what
 * the container ran with. */
static int lay_container(json_t *cfg, const char *container, berth_error *err)
{
	_cleanup_json_ json_t *v = json_loads(container, 0, NULL);
	if (!json_is_object(v))
		return 0; /* nothing readable: the image's config stays */
	static const char *const replaced[] = { "Cmd", "Entrypoint", "WorkingDir", "User", "StopSignal" };
	for (size_t i = 0; i < ARRAY_SIZE(replaced); i++) {
		json_t *x = json_object_get(v, replaced[i]);
		bool set = json_is_array(x) ? json_array_size(x) > 0 : json_is_string(x) && *json_string_value(x);
		if (set && json_object_set(cfg, replaced[i], x) < 0)
			return BERTH_NOMEM(err);
	}
	/* an entrypoint of its own without a command: the image's command goes */
	if (json_array_size(json_object_get(v, "Entrypoint")) > 0 && !json_array_size(json_object_get(v, "Cmd")))
		json_object_del(cfg, "Cmd");
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(v, "Env"), i, e) {
		const char *kv = json_string_value(e);
		const char *eq = kv ? strchr(kv, '=') : NULL;
		if (eq && eq > kv) {
			int r = env_set(cfg, kv, (size_t)(eq - kv), eq + 1, err);
			if (r < 0)
				return r;
		}
	}
	json_t *ports = json_object_get(v, "ExposedPorts");
	if (json_is_object(ports) && json_object_size(ports)) {
		json_t *mine = sub_object(cfg, "ExposedPorts");
		if (!mine || json_object_update(mine, ports) < 0)
			return BERTH_NOMEM(err);
	}
	return 0;
}

int image_config_build(sbuf *out, const char *base, size_t len, const image_build_args *a, berth_error *err)
{
	_cleanup_json_ json_t *img = NULL;
	if (base && len) {
		img = json_loadb(base, len, 0, NULL);
		if (!json_is_object(img))
			return berth_fail(err, BERTH_EPROTOCOL, "the base image's config is not a JSON object");
	} else {
		img = json_pack("{s:s, s:s}", "architecture", strempty(a->arch), "os", a->os ? a->os : "linux");
		if (!img)
			return BERTH_NOMEM(err);
	}
	json_t *cfg = sub_object(img, "config");
	json_t *rootfs = sub_object(img, "rootfs");
	if (!cfg || !rootfs || json_object_set_new(rootfs, "type", json_string("layers")) < 0)
		return BERTH_NOMEM(err);
	json_t *ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids) && (!(ids = json_array()) || json_object_set_new(rootfs, "diff_ids", ids) < 0))
		return BERTH_NOMEM(err);
	if (json_array_append_new(ids, json_string(a->diff_id)) < 0)
		return BERTH_NOMEM(err);
	if (a->container_config) {
		int r = lay_container(cfg, a->container_config, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < a->change_count; i++) {
		int r = apply_change(cfg, a->changes[i], err);
		if (r < 0)
			return r;
	}
	json_t *hist = json_object_get(img, "history");
	if (!json_is_array(hist) && (!(hist = json_array()) || json_object_set_new(img, "history", hist) < 0))
		return BERTH_NOMEM(err);
	json_t *step = json_pack("{s:s, s:s}", "created", a->created, "created_by", strempty(a->created_by));
	if (!step || (a->comment && json_object_set_new(step, "comment", json_string(a->comment)) < 0) ||
	    (a->author && json_object_set_new(step, "author", json_string(a->author)) < 0) ||
	    json_array_append_new(hist, step) < 0)
		return BERTH_NOMEM(err);
	if (json_object_set_new(img, "created", json_string(a->created)) < 0 ||
	    (a->author && json_object_set_new(img, "author", json_string(a->author)) < 0) ||
	    (a->comment && json_object_set_new(img, "comment", json_string(a->comment)) < 0))
		return BERTH_NOMEM(err);
	char *text = json_dumps(img, JSON_COMPACT);
	int r = !text || sbuf_adds(out, text) < 0 ? BERTH_NOMEM(err) : 0;
	free(text);
	return r;
}
