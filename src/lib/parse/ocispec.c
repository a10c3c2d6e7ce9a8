/* Read the parts of an OCI runtime spec (the JSON containerd keeps on a
 * container record) that inspect reports. No I/O: bytes in, model out;
 * fuzzed through fuzz/fuzz_image_json.c. */
#include "ocispec.h"
#include "json_util.h"
#include "jstream.h"

/* The mounts every spec has: not the user's. */
static bool default_mount(const char *dest)
{
	static const char *const d[] = { "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
					 "/sys/fs/cgroup", "/run", "/etc/resolv.conf", "/etc/hosts", "/etc/hostname" };
	for (size_t i = 0; i < ARRAY_SIZE(d); i++)
		if (STREQ(dest, d[i]))
			return true;
	return false;
}

static int read_mounts(berth_container_info *x, json_t *mounts)
{
	size_t i;
	json_t *m;
	json_array_foreach(mounts, i, m) {
		const char *dest = json_string_value(json_object_get(m, "destination"));
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *src = json_string_value(json_object_get(m, "source"));
		if (!dest || default_mount(dest))
			continue;
		bool bind = type && STREQ(type, "bind"), ro = false;
		size_t j;
		json_t *o;
		json_array_foreach(json_object_get(m, "options"), j, o) {
			const char *s = json_string_value(o);
			if (s && (STREQ(s, "bind") || STREQ(s, "rbind")))
				bind = true;
			if (s && STREQ(s, "ro"))
				ro = true;
		}
		mount_info *n = realloc(x->mounts, (x->mounts_len + 1) * sizeof *n);
		if (!n)
			return -ENOMEM;
		x->mounts = n;
		mount_info *mi = &n[x->mounts_len];
		*mi = (mount_info){ .type = bind ? BERTH_MOUNT_BIND : type && STREQ(type, "tmpfs") ? BERTH_MOUNT_TMPFS
												 : BERTH_MOUNT_OTHER,
				    .read_only = ro };
		x->mounts_len++;
		mi->source = strdup(bind ? strempty(src) : "");
		mi->destination = strdup(dest);
		if (!mi->source || !mi->destination)
			return -ENOMEM;
	}
	return 0;
}

int oci_spec_read(berth_container_info *x, const char *json, size_t len)
{
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	json_t *proc = json_object_get(root, "process");
	int r = json_strv_append(&x->cmd, json_object_get(proc, "args"));
	if (r == 0)
		r = json_strv_append(&x->env, json_object_get(proc, "env"));
	x->tty = json_is_true(json_object_get(proc, "terminal"));
	if (r == 0)
		r = read_mounts(x, json_object_get(root, "mounts"));
	json_decref(root);
	return r;
}

int oci_spec_rootfs(bool *readonly, strv *dests, const char *json, size_t len)
{
	*readonly = false;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	*readonly = json_is_true(json_object_get(json_object_get(root, "root"), "readonly"));
	size_t i;
	json_t *m;
	int r = 0;
	json_array_foreach(json_object_get(root, "mounts"), i, m) {
		const char *dest = json_string_value(json_object_get(m, "destination"));
		if (dest && strv_push(dests, dest) < 0) {
			r = -ENOMEM;
			break;
		}
	}
	json_decref(root);
	return r;
}

/* ---- the command only, for lists ------------------------------------------------ */

typedef struct args_map {
	sbuf *out;
	bool in_process, in_args, done;
	unsigned n;
} args_map;

static int args_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	(void)err;
	args_map *m = ctx;
	if (level == 0)
		return kind == JS_START_MAP || kind == JS_END_MAP ? 0 : -EINVAL;
	if (level == 1) {
		if (kind == JS_KEY)
			m->in_process = len == 7 && memcmp(s, "process", 7) == 0;
		else if (kind == JS_START_MAP || kind == JS_START_ARRAY)
			m->in_process = m->in_process && kind == JS_START_MAP;
		return 0;
	}
	if (!m->in_process)
		return 0;
	if (level == 2) {
		if (kind == JS_KEY)
			m->in_args = len == 4 && memcmp(s, "args", 4) == 0;
		else if (kind == JS_START_ARRAY && m->in_args)
			return 0;
		else if (kind == JS_END_ARRAY && m->in_args)
			return BERTH_ITEROVER; /* read: the rest of the spec is not needed */
		else
			m->in_args = false;
		return 0;
	}
	if (level == 3 && m->in_args && kind == JS_STRING) {
		if ((m->n++ && sbuf_addc(m->out, ' ') < 0) || sbuf_add(m->out, s, strnlen(s, len)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int oci_spec_command(char **out, const char *json, size_t len)
{
	sbuf b = SBUF_INIT;
	args_map m = { .out = &b };
	int r = js_parse(args_event, &m, "runtime spec", json, len, NULL);
	if (r == BERTH_ITEROVER || r == 0) {
		*out = b.data ? sbuf_steal(&b) : strdup("");
		sbuf_release(&b);
		return *out ? 0 : -ENOMEM;
	}
	sbuf_release(&b);
	return r == -ENOMEM || r == BERTH_ENOMEM ? -ENOMEM : -EINVAL;
}
