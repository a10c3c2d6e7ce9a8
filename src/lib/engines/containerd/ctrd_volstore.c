/* berth's volume store for containerd: see ctrd_volstore.h. A volume is
 * made in a hidden directory and renamed into place whole, and removed by
 * being renamed away first, so that nobody sees half of one. */
#include "ctrd_volstore.h"
#include "ctrd_record.h"
#include "lib/parse/volume_json.h"

#include "api_services_containers_v1_containers.pb-c.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VOLUME_JSON "volume.json"
#define VOLUME_JSON_MAX (1 << 20)

/* $BERTH_CONTAINERD_VOLUME_DIR or the default, then /<namespace>. */
static int store_dir(char *out, size_t size, const berth_client *c)
{
	return ctrd_store_dir(out, size, c, "BERTH_CONTAINERD_VOLUME_DIR", "/var/lib/berth/containerd/volumes");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf, staying on this file system and never following a link. */
static int remove_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 ? -errno : 0;
}

static int read_record(berth_volume_info **out, const char *dir, const char *name, berth_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/" VOLUME_JSON, dir, name);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, VOLUME_JSON_MAX, &text, &len);
	if (r == -ENOENT || r == -ENOTDIR)
		return berth_fail(err, BERTH_ENOTFOUND, "No such volume: %s", name);
	if (r < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "volume %s: %s: %s", name, path, strerror(-r));
	berth_error e = BERTH_ERROR_INIT;
	r = volume_info_parse(out, text, len, &e);
	if (r < 0)
		return berth_fail(err, r, "volume %s: %s: %s", name, path, e.message);
	return 0;
}

/* Only what berth can do for the local driver: a bind of a directory. The
 * device, when there is one, goes to *device. */
static int check_options(const char **device, const volume_request *q, berth_error *err)
{
	if (!STREQ(q->driver, "local"))
		return berth_fail(err, BERTH_EUNSUPPORTED, "volume driver %s: only local exists on containerd", q->driver);
	*device = NULL;
	if (!q->opt_keys.len)
		return 0;
	const char *type = NULL, *o = NULL;
	for (size_t i = 0; i < q->opt_keys.len; i++) {
		const char *k = q->opt_keys.items[i], *v = q->opt_values.items[i];
		if (STREQ(k, "type"))
			type = v;
		else if (STREQ(k, "o"))
			o = v;
		else if (STREQ(k, "device"))
			*device = v;
		else
			return berth_fail(err, BERTH_EUNSUPPORTED, "volume option %s: containerd's local volumes know type, o and device",
					  k);
	}
	if (!type || !STREQ(type, "none") || !o || !(STREQ(o, "bind") || STREQ(o, "rbind")) || isempty(*device))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "volume options: containerd's local volumes take only a bind (type=none, o=bind, device=/dir)");
	struct stat st;
	if ((*device)[0] != '/' || stat(*device, &st) < 0 || !S_ISDIR(st.st_mode))
		return berth_fail(err, BERTH_EINVAL, "volume option device=%s: not an existing directory", *device);
	return 0;
}

int ctrd_volstore_create(berth_volume_info **out, bool *made, const berth_client *c, const volume_request *q,
			 berth_error *err)
{
	*made = false;
	const char *device = NULL;
	int r = check_options(&device, q, err);
	if (r < 0)
		return r;
	char dir[3072], name[72], tmp[3400], final[3400];
	if (store_dir(dir, sizeof dir, c) < 0)
		return berth_fail(err, BERTH_EINVAL, "volume: the store's path is too long");
	if (isempty(q->name) ? ctrd_random_hex(name, 32) < 0 : snprintf(name, sizeof name, "%s", q->name) >= (int)sizeof name)
		return berth_fail(err, isempty(q->name) ? BERTH_EUNAVAILABLE : BERTH_EINVAL, "volume: no name");
	snprintf(final, sizeof final, "%s/%s", dir, name);
	if (access(final, F_OK) == 0)
		return out ? read_record(out, dir, name, err) : 0;
	if ((r = ctrd_mkdirs(dir)) < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "volume store %s: %s", dir, strerror(-r));
	char rnd[17];
	if (ctrd_random_hex(rnd, 8) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE, "no random bytes");
	/* made hidden (no volume name starts with '.'), renamed into place */
	snprintf(tmp, sizeof tmp, "%s/.new-%s-%s", dir, name, rnd);
	berth_volume_info v = { 0 };
	char data[3500], created[40];
	snprintf(data, sizeof data, "%s/_data", tmp);
	time_t now = time(NULL);
	struct tm tm;
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	_cleanup_free_ char *mountpoint = NULL;
	if (asprintf(&mountpoint, "%s/_data", final) < 0)
		return BERTH_NOMEM(err);
	v.name = name;
	v.driver = (char *)"local";
	v.mountpoint = device ? (char *)device : mountpoint;
	v.created = created;
	v.label_keys = q->label_keys;
	v.label_values = q->label_values;
	v.opt_keys = q->opt_keys;
	v.opt_values = q->opt_values;
	_cleanup_free_ char *text = NULL;
	if ((r = volume_json_format(&text, &v, err)) < 0)
		return r;
	if (mkdir(tmp, 0711) < 0)
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "volume %s: %s: %m", name, tmp);
	r = !device && mkdir(data, 0755) < 0 ? -errno : ctrd_write_file(tmp, VOLUME_JSON, text);
	if (r == 0 && rename(tmp, final) < 0)
		r = -errno;
	if (r < 0) {
		remove_tree(tmp);
		if (r == -EEXIST || r == -ENOTEMPTY) /* made meanwhile by another */
			return out ? read_record(out, dir, name, err) : 0;
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "volume %s: %s", name, strerror(-r));
	}
	*made = true;
	return out ? read_record(out, dir, name, err) : 0;
}

int ctrd_volstore_read(berth_volume_info **out, const berth_client *c, const char *name, berth_error *err)
{
	char dir[3072];
	if (store_dir(dir, sizeof dir, c) < 0)
		return berth_fail(err, BERTH_EINVAL, "volume: the store's path is too long");
	return read_record(out, dir, name, err);
}

int ctrd_volstore_list(berth_volume_list **out, const berth_client *c, berth_error *err)
{
	char dir[3072];
	if (store_dir(dir, sizeof dir, c) < 0)
		return berth_fail(err, BERTH_EINVAL, "volume: the store's path is too long");
	berth_volume_list *l = calloc(1, sizeof *l);
	if (!l)
		return BERTH_NOMEM(err);
	DIR *d = opendir(dir);
	if (!d) {
		*out = l; /* no store yet: no volumes */
		return 0;
	}
	size_t cap = 0;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", volumes being made or removed */
		if (l->len == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			berth_volume_info *n = realloc(l->items, ncap * sizeof *n);
			if (!n) {
				r = BERTH_NOMEM(err);
				break;
			}
			l->items = n;
			cap = ncap;
		}
		berth_volume_info *one = NULL;
		berth_error ignore = BERTH_ERROR_INIT;
		if (read_record(&one, dir, e->d_name, &ignore) < 0)
			continue; /* removed meanwhile, or not berth's */
		l->items[l->len++] = *one;
		free(one);
	}
	closedir(d);
	if (r < 0) {
		berth_volume_list_free(l);
		return r;
	}
	volume_list_sort(l);
	*out = l;
	return 0;
}

int ctrd_volstore_remove(const berth_client *c, const char *name, berth_error *err)
{
	char dir[3072], path[3400], gone[3400], rnd[17];
	if (store_dir(dir, sizeof dir, c) < 0)
		return berth_fail(err, BERTH_EINVAL, "volume: the store's path is too long");
	if (ctrd_random_hex(rnd, 8) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE, "no random bytes");
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(gone, sizeof gone, "%s/.gone-%s-%s", dir, name, rnd);
	if (rename(path, gone) < 0) {
		if (errno == ENOENT)
			return berth_fail(err, BERTH_ENOTFOUND, "No such volume: %s", name);
		return berth_fail_full(err, BERTH_EUNAVAILABLE, 0, errno, "volume remove %s: %m", name);
	}
	int r = remove_tree(gone);
	return r < 0 ? berth_fail_full(err, BERTH_EUNAVAILABLE, 0, -r, "volume remove %s: %s", name, strerror(-r)) : 0;
}

/* Whether the comma list has item. */
static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, item, n) == 0)
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int ctrd_volstore_users(strv *out, berth_client *c, const char *name, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *l = NULL;
	int r = ctrd_containers_list(&l, c, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < l->n_containers; i++) {
		const Containerd__Services__Containers__V1__Container *k = l->containers[i];
		const char *vols = ctrd_label(k, CTRD_LABEL_VOLUMES);
		if (isempty(vols))
			continue;
		if (name) {
			if (list_has(vols, name) && strv_push(out, ctrd_name_of(k)) < 0)
				return BERTH_NOMEM(err);
			continue;
		}
		for (const char *p = vols; *p;) {
			size_t n = strcspn(p, ",");
			_cleanup_free_ char *pair = NULL;
			if (asprintf(&pair, "%.*s\t%s", (int)n, p, ctrd_name_of(k)) < 0 || strv_push(out, pair) < 0)
				return BERTH_NOMEM(err);
			p += n + (p[n] == ',');
		}
	}
	if (out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, by_text);
	return 0;
}
