/* A container's files on containerd: see ctrd_files.h.
 *
 * Where the files are: a container with a task (created, running or
 * paused) through its init process's root, /proc/<pid>/root, which shows
 * its mounts too; one without, through its root file system snapshot,
 * mounted for the call in a private temporary directory (read-only calls
 * stack the writable layer over the image's layers with no upper layer;
 * put_archive mounts the snapshot's own upper and work directories).
 *
 * Every path of the user or of an archive is resolved inside the
 * container's root (openat2 RESOLVE_IN_ROOT, then *at() calls on single
 * components with O_NOFOLLOW), so that links and ".." in the container
 * cannot lead to the host's files.
 *
 * A put_archive into a stopped container mounts the snapshot's own upper
 * and work directories: starting the container during that call mounts
 * them a second time, which overlayfs allows but does not make safe. The
 * call is short and berth does not lock against it. */
#include "ctrd_files.h"
#include "ctrd_containerd.h"
#include "ctrd_lifecycle.h"
#include "ctrd_tar.h"
#include "lib/kit/stream.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/parse/ocispec.h"

#include "api_services_snapshots_v1_snapshots.pb-c.h"
#include "api_types_mount.pb-c.h"

typedef Containerd__Services__Containers__V1__Container ctrd_container;

/* ---- the pure parts ------------------------------------------------------------- */

void ctrd_layers_release(ctrd_layers *l)
{
	free(l->upper);
	free(l->work);
	strv_release(&l->lowers);
	*l = (ctrd_layers){ 0 };
}

static int split_lowers(strv *out, const char *list)
{
	const char *p = list;
	while (*p) {
		const char *end = strchrnul(p, ':');
		if (end > p) {
			char *one = strndup(p, (size_t)(end - p));
			if (!one || strv_push_take(out, one) < 0)
				return -ENOMEM;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

int ctrd_layers_parse(ctrd_layers *out, const char *type, const char *source, char *const *options, size_t n)
{
	ctrd_layers l = { 0 };
	int r = 0;
	if (type && strcmp(type, "bind") == 0) {
		if (isempty(source))
			return -EINVAL;
		l.bind = true;
		if (!(l.upper = strdup(source)))
			return -ENOMEM;
		*out = l;
		return 0;
	}
	if (!type || strcmp(type, "overlay") != 0)
		return -EINVAL;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *o = options[i];
		if (!o)
			continue;
		if (startswith(o, "upperdir=") && !l.upper)
			r = (l.upper = strdup(o + 9)) ? 0 : -ENOMEM;
		else if (startswith(o, "workdir=") && !l.work)
			r = (l.work = strdup(o + 8)) ? 0 : -ENOMEM;
		else if (startswith(o, "lowerdir="))
			r = split_lowers(&l.lowers, o + 9);
	}
	if (r == 0 && (isempty(l.upper) || isempty(l.work)))
		r = -EINVAL;
	if (r < 0) {
		ctrd_layers_release(&l);
		return r;
	}
	*out = l;
	return 0;
}

int ctrd_diff_decide(change_item *items, size_t *count, const upper_entry *e, size_t n)
{
	/* marked[i]: entry i is a directory already listed as a change;
	 * mp[i] / other[i]: below directory i are mount points the runtime
	 * made / other changes. A directory of the image changed only by
	 * mount points made in it is left out with them. */
	_cleanup_free_ bool *marked = calloc(n ? 3 * n : 1, sizeof *marked);
	if (!marked)
		return -ENOMEM;
	bool *mp = marked + n, *other = marked + 2 * n;
	for (size_t i = n; i-- > 0;) {
		ssize_t p = e[i].parent;
		bool made = e[i].mount_point && !e[i].in_lower && !e[i].whiteout;
		bool mp_only = e[i].dir && e[i].in_lower && !e[i].opaque && mp[i] && !other[i];
		if (p >= 0 && (size_t)p < i) {
			if (made || mp_only)
				mp[p] = true;
			else
				other[p] = true;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		berth_change_kind kind;
		if (e[i].mount_point && !e[i].in_lower && !e[i].whiteout)
			continue;
		if (e[i].whiteout)
			kind = BERTH_CHANGE_DELETED;
		else if (e[i].opaque)
			kind = e[i].in_lower ? BERTH_CHANGE_CHANGED : BERTH_CHANGE_ADDED;
		else if (e[i].in_lower && e[i].dir && (e[i].same_as_lower || (mp[i] && !other[i])))
			continue; /* there only because something below it changed */
		else
			kind = e[i].in_lower ? BERTH_CHANGE_CHANGED : BERTH_CHANGE_ADDED;
		if (e[i].dir && !e[i].whiteout)
			marked[i] = true;
		ssize_t p = e[i].parent;
		if (kind != BERTH_CHANGE_CHANGED && p >= 0 && (size_t)p < i && !marked[p]) {
			items[k++] = (change_item){ e[p].path, BERTH_CHANGE_CHANGED };
			marked[p] = true;
		}
		items[k++] = (change_item){ e[i].path, kind };
	}
	*count = k;
	return 0;
}

/* ---- paths ------------------------------------------------------------------------ */

/* path made absolute and lexical: no ".", "..", or doubled slashes; ".."
 * stops at the root. */
static int clean_path(sbuf *out, const char *path)
{
	sbuf_reset(out);
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (out->len > 0 && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > 0)
				out->len--;
			out->data[out->len] = '\0';
		} else if (sbuf_addc(out, '/') < 0 || sbuf_add(out, p, n) < 0) {
			return -ENOMEM;
		}
		p = end;
	}
	if (out->len == 0 && sbuf_addc(out, '/') < 0)
		return -ENOMEM;
	return 0;
}

/* Open path (absolute in the container) below root, resolved as if root
 * were "/": flags as for openat (O_CLOEXEC added). A file descriptor, or
 * -errno. */
static int in_root(int root, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	for (int tries = 0;; tries++) {
		long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		/* a rename elsewhere in the tree: the kernel asks to try again */
		if (errno != EAGAIN || tries == 8)
			return -errno;
	}
}

static int fail_errno(berth_error *err, int e, const char *what)
{
	int code = e == EROFS ? BERTH_ECONFLICT
		 : e == ENOENT ? BERTH_ENOTFOUND
		 : e == EACCES || e == EPERM ? BERTH_EPERM
		 : e == ENOMEM ? BERTH_ENOMEM
		 : BERTH_EENGINE;
	return berth_fail_full(err, code, 0, e, "%s: %s", what, strerror(e));
}

/* ---- a container's root ---------------------------------------------------------- */

typedef struct ctrd_root {
	int fd;          /* the container's "/" (O_PATH) */
	char mnt[64];    /* a temporary mount of its snapshot, "" for none */
} ctrd_root;

#define CTRD_ROOT_INIT { -1, "" }

static void root_release(ctrd_root *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->mnt[0]) {
		umount2(r->mnt, MNT_DETACH);
		rmdir(r->mnt);
		r->mnt[0] = '\0';
	}
}

/* The container id ref names, its absence said as "<verb> <ref>: no such
 * container"; what names the call for messages ("<verb> <ref>:<path>"). */
static int resolve_for(char id[256], char what[320], berth_client *c, const char *ref, const char *verb,
		       const char *path, berth_error *err)
{
	snprintf(what, 320, "%s %s%s%.200s", verb, ref, path ? ":" : "", strempty(path));
	int r = ctrd_resolve(id, c, ref, err);
	if (r == BERTH_ENOTFOUND)
		return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "%s %s: no such container", verb, ref);
	return r;
}

/* The read-only flag and mount destinations of a container's OCI spec
 * (none without one). */
static int spec_rootfs(bool *readonly, strv *dests, const ctrd_container *k)
{
	*readonly = false;
	if (!k->spec || !k->spec->value.len)
		return 0;
	int r = oci_spec_rootfs(readonly, dests, (const char *)k->spec->value.data, k->spec->value.len);
	return r == -ENOMEM ? r : 0;
}

static bool spec_readonly(const ctrd_container *k)
{
	bool ro;
	_cleanup_strv_ strv dests = STRV_INIT;
	(void)spec_rootfs(&ro, &dests, k);
	return ro;
}

static int mount_snapshot(ctrd_root *root, const ctrd_layers *l, bool write, const char *what, berth_error *err)
{
	snprintf(root->mnt, sizeof root->mnt, "%sXXXXXX", CTRD_FILES_MNT_PREFIX);
	if (!mkdtemp(root->mnt)) {
		int e = errno;
		root->mnt[0] = '\0';
		return fail_errno(err, e, what);
	}
	int r;
	if (l->bind) {
		r = mount(l->upper, root->mnt, NULL, MS_BIND, NULL);
		if (r == 0 && !write)
			r = mount(NULL, root->mnt, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	} else {
		_cleanup_sbuf_ sbuf o = SBUF_INIT;
		/* read-only: the writable layer as the top lower one, no work dir */
		bool fail = sbuf_adds(&o, "lowerdir=") < 0 || (!write && sbuf_printf(&o, "%s", l->upper) < 0);
		for (size_t i = 0; !fail && i < l->lowers.len; i++)
			fail = ((i > 0 || !write) && sbuf_addc(&o, ':') < 0) || sbuf_adds(&o, l->lowers.items[i]) < 0;
		if (!fail && write)
			fail = sbuf_printf(&o, ",upperdir=%s,workdir=%s", l->upper, l->work) < 0;
		if (fail)
			return BERTH_NOMEM(err);
		if (!write && l->lowers.len == 0) /* overlay wants two lower layers */
			r = mount(l->upper, root->mnt, NULL, MS_BIND, NULL) < 0 ||
			    mount(NULL, root->mnt, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 ? -1 : 0;
		else
			r = mount("overlay", root->mnt, "overlay", write ? 0 : MS_RDONLY, o.data);
	}
	if (r < 0) {
		int e = errno;
		umount2(root->mnt, MNT_DETACH);
		rmdir(root->mnt);
		root->mnt[0] = '\0';
		return berth_fail_full(err, BERTH_EENGINE, 0, e, "%s: mount of the root file system: %s", what,
				       strerror(e));
	}
	root->fd = open(root->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return root->fd < 0 ? fail_errno(err, errno, what) : 0;
}

static int snapshot_layers(ctrd_layers *out, berth_client *c, const ctrd_container *k, const char *what,
			   berth_error *err)
{
	if (isempty(k->snapshot_key))
		return berth_fail(err, BERTH_EENGINE, "%s: the container has no root file system snapshot", what);
	_cleanup_pb_ Containerd__Services__Snapshots__V1__MountsResponse *m = NULL;
	int r = ctrd_mounts_of(&m, c, k, err);
	if (r < 0)
		return r;
	if (m->n_mounts != 1 || !m->mounts[0])
		return berth_fail(err, BERTH_EPROTOCOL, "%s: the snapshot has %zu mounts, not one", what, m->n_mounts);
	const Containerd__Types__Mount *mt = m->mounts[0];
	r = ctrd_layers_parse(out, mt->type, mt->source, mt->options, mt->n_options);
	if (r == -ENOMEM)
		return BERTH_NOMEM(err);
	if (r < 0)
		return berth_fail(err, BERTH_EUNSUPPORTED, "%s: a snapshot mount of type %s is not one berth reads", what,
				  strempty(mt->type));
	return 0;
}

/* Open container id's root for reading, or for writing (ECONFLICT when its
 * root file system is read-only and it has no task to show its mounts). */
static int root_open(ctrd_root *out, berth_client *c, const char *id, bool write, const char *what,
		     berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t;
	int r = ctrd_get_container_task(&resp, &t, c, id, err);
	if (r < 0)
		return r;
	const ctrd_container *k = resp->container;
	if (t.exists && t.pid > 0 && t.state != BERTH_STATE_EXITED) {
		char p[64];
		snprintf(p, sizeof p, "/proc/%u/root", t.pid);
		out->fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (out->fd >= 0)
			return 0;
		/* the task is gone meanwhile: its snapshot then */
	}
	if (write && spec_readonly(k))
		return berth_fail(err, BERTH_ECONFLICT, "%s: the container's root file system is read-only", what);
	ctrd_layers l = { 0 };
	if ((r = snapshot_layers(&l, c, k, what, err)) < 0)
		return r;
	r = mount_snapshot(out, &l, write, what, err);
	ctrd_layers_release(&l);
	if (r < 0)
		root_release(out);
	return r;
}

static void root_releasep(ctrd_root *r) { root_release(r); }
#define _cleanup_root_ _cleanup_(root_releasep)

/* The last component of a clean absolute path ("/" for the root). */
static const char *base_of(const char *clean)
{
	const char *s = strrchr(clean, '/');
	return s && s[1] ? s + 1 : "/";
}

/* ---- stat ------------------------------------------------------------------------- */

static int64_t mtime_ns_of(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

int ctrd_container_stat_path(berth_path_info **out, berth_client *c, const char *ref, const char *path,
			     berth_error *err)
{
	char id[256], what[320];
	int r = resolve_for(id, what, c, ref, "stat", path, err);
	if (r < 0)
		return r;
	_cleanup_root_ ctrd_root root = CTRD_ROOT_INIT;
	if ((r = root_open(&root, c, id, false, what, err)) < 0)
		return r;
	_cleanup_close_ int fd = in_root(root.fd, path, O_PATH | O_NOFOLLOW);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "stat %s: no such path: %s", ref, path);
	if (fd < 0)
		return fail_errno(err, -fd, what);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail_errno(err, errno, what);
	_cleanup_sbuf_ sbuf clean = SBUF_INIT, target = SBUF_INIT;
	if (clean_path(&clean, path) < 0)
		return BERTH_NOMEM(err);
	if (S_ISLNK(st.st_mode)) {
		char link[PATH_MAX];
		ssize_t n = readlinkat(fd, "", link, sizeof link - 1);
		if (n < 0)
			return fail_errno(err, errno, what);
		link[n] = '\0';
		/* as the engines report it: absolute, from the link's directory */
		_cleanup_sbuf_ sbuf joined = SBUF_INIT;
		if (link[0] != '/' && sbuf_printf(&joined, "%s/../", clean.data) < 0)
			return BERTH_NOMEM(err);
		if (sbuf_adds(&joined, link) < 0 || clean_path(&target, joined.data) < 0)
			return BERTH_NOMEM(err);
	}
	berth_path_info *p = path_info_new(base_of(clean.data), (int64_t)st.st_size, st.st_mode & (S_IFMT | 07777),
					   mtime_ns_of(&st), target.data);
	if (!p)
		return BERTH_NOMEM(err);
	*out = p;
	return 0;
}

/* ---- get archive -------------------------------------------------------------------- */

#define ARC_CHUNK (64 * 1024)

typedef struct arc_dir {
	DIR *d;
	size_t name_len;   /* length of the archive name before this directory's */
} arc_dir;

typedef struct arc_stream {
	ctrd_root root;
	arc_dir *stack;
	size_t depth, cap;
	sbuf name;         /* the current directory's archive name, "" or ending in '/' */
	int file;          /* the regular file being sent, -1 between files */
	uint64_t left;     /* its bytes still to send */
	size_t pad;
	size_t pending;    /* the first header, in buf, not handed out yet */
	bool trailer, over;
	char what[320];
	uint8_t buf[ARC_CHUNK + TAR_HEADER_MAX];
} arc_stream;

static void arc_free(void *impl)
{
	arc_stream *x = impl;
	if (!x)
		return;
	if (x->file >= 0)
		close(x->file);
	for (size_t i = 0; i < x->depth; i++)
		closedir(x->stack[i].d);
	free(x->stack);
	sbuf_release(&x->name);
	root_release(&x->root);
	free(x);
}

static int push_dir(arc_stream *x, int dirfd, size_t name_len)
{
	if (x->depth == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;
		arc_dir *s = realloc(x->stack, cap * sizeof *s);
		if (!s)
			return -ENOMEM;
		x->stack = s;
		x->cap = cap;
	}
	DIR *d = fdopendir(dirfd);
	if (!d)
		return -errno;
	x->stack[x->depth++] = (arc_dir){ d, name_len };
	return 0;
}

/* The header of an entry; 0, or -ENOTSUP for what tar cannot hold. */
static int header_of(tar_header *h, const struct stat *st, const char *name, int at, const char *rel)
{
	memset(h, 0, sizeof *h);
	size_t n = strlen(name);
	if (n + 2 > sizeof h->name)
		return -ENAMETOOLONG;
	memcpy(h->name, name, n + 1);
	h->mode = st->st_mode & 07777;
	h->uid = st->st_uid;
	h->gid = st->st_gid;
	h->mtime = st->st_mtim.tv_sec;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG: h->type = '0'; h->size = (uint64_t)st->st_size; break;
	case S_IFDIR:
		h->type = '5';
		if (n && name[n - 1] != '/')
			memcpy(h->name + n, "/", 2);
		break;
	case S_IFLNK: {
		ssize_t k = readlinkat(at, rel, h->link, sizeof h->link - 1);
		if (k < 0)
			return -errno;
		h->link[k] = '\0';
		h->type = '2';
		break;
	}
	case S_IFCHR: h->type = '3'; break;
	case S_IFBLK: h->type = '4'; break;
	case S_IFIFO: h->type = '6'; break;
	default: return -ENOTSUP; /* sockets */
	}
	if (h->type == '3' || h->type == '4') {
		h->devmajor = major(st->st_rdev);
		h->devminor = minor(st->st_rdev);
	}
	return 0;
}

static int open_flags(const struct stat *st)
{
	return O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | (S_ISDIR(st->st_mode) ? O_DIRECTORY : O_NONBLOCK);
}

/* Put the entry `rel` of directory `at` (st its lstat; opened already as
 * `opened` when not -1, which this takes) in the archive under `name`: 1
 * with *out holding its header, 0 to pass it over, <0 -errno. */
static int arc_entry(arc_stream *x, int opened, int at, const char *rel, const struct stat *st, const char *name,
		     berth_frame *out)
{
	_cleanup_close_ int fd = opened;
	tar_header h;
	int r = header_of(&h, st, name, at, rel);
	if (r == -ENOTSUP || r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) {
		if (fd < 0 && (fd = openat(at, rel, open_flags(st))) < 0)
			return errno == ENOENT ? 0 : -errno;
		struct stat now;
		if (fstat(fd, &now) < 0)
			return -errno;
		if (now.st_ino != st->st_ino || now.st_dev != st->st_dev)
			return 0; /* replaced meanwhile */
	}
	int n = ctrd_tar_header_write(x->buf, sizeof x->buf, &h);
	if (n < 0)
		return n;
	if (S_ISDIR(st->st_mode)) {
		size_t before = x->name.len;
		sbuf_reset(&x->name);
		if (sbuf_adds(&x->name, h.name) < 0)
			return -ENOMEM;
		if ((r = push_dir(x, fd, before)) < 0)
			return r;
		fd = -1;
	} else if (S_ISREG(st->st_mode)) {
		x->file = TAKE_FD(fd);
		x->left = h.size;
		x->pad = (size_t)((512 - h.size % 512) % 512);
	}
	*out = (berth_frame){ .channel = BERTH_CHANNEL_STDOUT, .data = (const char *)x->buf, .len = (size_t)n };
	return 1;
}

static int arc_data(arc_stream *x, berth_frame *out, berth_error *err)
{
	size_t want = x->left < ARC_CHUNK ? (size_t)x->left : ARC_CHUNK;
	ssize_t n = want ? read(x->file, x->buf, want) : 0;
	if (n < 0 && errno == EINTR)
		return BERTH_ETIMEDOUT;
	if (n < 0)
		return fail_errno(err, errno, x->what);
	if (n == 0 && want) {
		/* the file shrank while being sent: zeros keep the archive whole */
		memset(x->buf, 0, want);
		n = (ssize_t)want;
	}
	x->left -= (uint64_t)n;
	size_t len = (size_t)n;
	if (x->left == 0) {
		memset(x->buf + len, 0, x->pad);
		len += x->pad;
		close(x->file);
		x->file = -1;
	}
	*out = (berth_frame){ .channel = BERTH_CHANNEL_STDOUT, .data = (const char *)x->buf, .len = len };
	return 0;
}

static int arc_next(void *impl, berth_frame *out, int timeout_ms, berth_error *err)
{
	(void)timeout_ms; /* local reads: each call does a bounded piece of work */
	arc_stream *x = impl;
	if (x->over)
		return BERTH_ITEROVER;
	if (x->pending) {
		*out = (berth_frame){ .channel = BERTH_CHANNEL_STDOUT, .data = (const char *)x->buf, .len = x->pending };
		x->pending = 0;
		return 0;
	}
	if (x->file >= 0)
		return arc_data(x, out, err);
	while (x->depth > 0) {
		arc_dir *top = &x->stack[x->depth - 1];
		errno = 0;
		struct dirent *de = readdir(top->d);
		if (!de) {
			if (errno)
				return fail_errno(err, errno, x->what);
			closedir(top->d);
			x->depth--;
			x->name.len = top->name_len;
			if (x->name.data)
				x->name.data[x->name.len] = '\0';
			continue;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(top->d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			return fail_errno(err, errno, x->what);
		}
		_cleanup_sbuf_ sbuf name = SBUF_INIT;
		if (sbuf_printf(&name, "%s%s", strempty(x->name.data), de->d_name) < 0)
			return BERTH_NOMEM(err);
		int r = arc_entry(x, -1, dirfd(top->d), de->d_name, &st, name.data, out);
		if (r < 0)
			return fail_errno(err, -r, x->what);
		if (r > 0)
			return 0;
	}
	if (!x->trailer) {
		x->trailer = true;
		memset(x->buf, 0, 1024);
		*out = (berth_frame){ .channel = BERTH_CHANNEL_STDOUT, .data = (const char *)x->buf, .len = 1024 };
		return 0;
	}
	x->over = true;
	root_release(&x->root); /* the mount goes as soon as the archive ends */
	return BERTH_ITEROVER;
}

static const stream_ops arc_ops = {
	.kind = "archive",
	.next = arc_next,
	.free = arc_free,
};

/* The archive's first entry: the path itself ("name" or "name/"), or for a
 * directory's content ("/." or the root) "./"; its header waits in buf. */
static int arc_start(arc_stream *x, const char *ref, const char *path, berth_error *err)
{
	_cleanup_close_ int fd = in_root(x->root.fd, path, O_PATH | O_NOFOLLOW);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "get archive %s: no such path: %s", ref, path);
	if (fd < 0)
		return fail_errno(err, -fd, x->what);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail_errno(err, errno, x->what);
	_cleanup_sbuf_ sbuf clean = SBUF_INIT;
	if (clean_path(&clean, path) < 0)
		return BERTH_NOMEM(err);
	size_t n = strlen(path);
	bool content = S_ISDIR(st.st_mode) &&
		       (strcmp(clean.data, "/") == 0 || (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/'));
	int opened = -1;
	if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && (opened = in_root(x->root.fd, path, open_flags(&st))) < 0)
		return fail_errno(err, -opened, x->what);
	berth_frame f;
	int r = arc_entry(x, opened, fd, "", &st, content ? "./" : base_of(clean.data), &f);
	if (r == 0)
		return berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "get archive %s: %s changed or is a socket", ref,
				       path);
	if (r < 0)
		return fail_errno(err, -r, x->what);
	x->pending = f.len;
	return 0;
}

int ctrd_container_get_archive(berth_stream **out, berth_client *c, const char *ref, const char *path,
			       berth_error *err)
{
	char id[256], what[320];
	int r = resolve_for(id, what, c, ref, "get archive", path, err);
	if (r < 0)
		return r;
	arc_stream *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	x->root = (ctrd_root)CTRD_ROOT_INIT;
	x->file = -1;
	memcpy(x->what, what, sizeof what);
	if ((r = root_open(&x->root, c, id, false, x->what, err)) < 0 || (r = arc_start(x, ref, path, err)) < 0) {
		arc_free(x);
		return r;
	}
	return stream_new(out, &arc_ops, x, err);
}

/* ---- put archive -------------------------------------------------------------------- */

typedef struct put_ctx {
	ctrd_root root;
	const char *dest;          /* clean, absolute */
	const berth_put_archive_options *o;
	const char *what;
	sbuf parent_path;          /* the last parent directory opened, and its fd */
	int parent;
	uint8_t buf[ARC_CHUNK];
} put_ctx;

/* A directory below the destination (rel clean, relative, "" for the
 * destination itself), made when missing: an O_PATH fd or -errno. */
static int open_parent(put_ctx *x, const char *rel)
{
	_cleanup_sbuf_ sbuf full = SBUF_INIT;
	if (sbuf_printf(&full, "%s/%s", x->dest, rel) < 0)
		return -ENOMEM;
	if (x->parent >= 0 && x->parent_path.data && strcmp(x->parent_path.data, full.data) == 0)
		return x->parent;
	int fd = in_root(x->root.fd, full.data, O_PATH | O_DIRECTORY);
	if (fd == -ENOENT) {
		/* make each missing directory, resolving from the root each time */
		_cleanup_sbuf_ sbuf p = SBUF_INIT;
		if (sbuf_adds(&p, x->dest) < 0)
			return -ENOMEM;
		const char *c = rel;
		fd = in_root(x->root.fd, p.data, O_PATH | O_DIRECTORY);
		while (fd >= 0 && *c) {
			const char *end = strchrnul(c, '/');
			_cleanup_free_ char *comp = strndup(c, (size_t)(end - c));
			if (!comp || sbuf_addc(&p, '/') < 0 || sbuf_adds(&p, comp) < 0) {
				close(fd);
				return -ENOMEM;
			}
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				int e = errno;
				close(fd);
				return -e;
			}
			close(fd);
			fd = in_root(x->root.fd, p.data, O_PATH | O_DIRECTORY);
			c = *end ? end + 1 : end;
		}
	}
	if (fd < 0)
		return fd;
	if (x->parent >= 0)
		close(x->parent);
	x->parent = fd;
	sbuf_reset(&x->parent_path);
	return sbuf_adds(&x->parent_path, full.data) < 0 ? -ENOMEM : fd;
}

/* An archive name made relative and clean; -EPERM when it leaves the
 * destination. */
static int entry_rel(sbuf *out, const char *name)
{
	_cleanup_sbuf_ sbuf raw = SBUF_INIT;
	int depth = 0;
	for (const char *p = name; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.' && --depth < 0)
			return -EPERM;
		if (n && !(n == 1 && p[0] == '.') && !(n == 2 && p[0] == '.' && p[1] == '.'))
			depth++;
		p = end;
	}
	if (sbuf_printf(&raw, "/%s", name) < 0 || clean_path(out, raw.data) < 0)
		return -ENOMEM;
	/* "/a/b" -> "a/b" */
	memmove(out->data, out->data + 1, out->len);
	out->len--;
	return 0;
}

static int copy_data(put_ctx *x, tar_reader *tr, int fd, berth_error *err)
{
	for (;;) {
		ssize_t n = ctrd_tar_reader_data(tr, x->buf, sizeof x->buf);
		if (n == 0)
			return 0;
		if (n == TAR_EMALFORMED)
			return berth_fail(err, BERTH_EINVAL, "%s: the archive ends inside a file", x->what);
		if (n < 0)
			return berth_fail(err, (int)n, "%s: the archive's read callback failed", x->what);
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(fd, x->buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return fail_errno(err, errno, x->what);
			done += w;
		}
	}
}

/* Owner, mode and time of what was just made as `last` in pfd (fd: the
 * entry opened, or -1 for links and nodes). */
static int set_meta(put_ctx *x, const tar_header *h, int pfd, const char *last, int fd)
{
	uid_t uid = x->o->copy_uid_gid ? h->uid : 0;
	gid_t gid = x->o->copy_uid_gid ? h->gid : 0;
	struct timespec ts[2] = { { h->mtime, 0 }, { h->mtime, 0 } };
	if (fd >= 0)
		return fchown(fd, uid, gid) < 0 || fchmod(fd, h->mode) < 0 || futimens(fd, ts) < 0 ? -errno : 0;
	if (fchownat(pfd, last, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (h->type != '2' && h->type != '1') {
		/* a node: its mode through an O_PATH handle, never a link */
		_cleanup_close_ int nfd = openat(pfd, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", nfd);
		if (nfd < 0 || chmod(proc, h->mode) < 0)
			return -errno;
	}
	return utimensat(pfd, last, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int extract_one(put_ctx *x, const tar_header *h, tar_reader *tr, berth_error *err)
{
	_cleanup_sbuf_ sbuf rel = SBUF_INIT;
	int r = entry_rel(&rel, h->name);
	if (r == -EPERM)
		return berth_fail(err, BERTH_EINVAL, "%s: the archive's entry %s leaves the destination", x->what,
				  h->name);
	if (r < 0)
		return BERTH_NOMEM(err);
	if (rel.len == 0)
		return 0; /* "./": the destination itself */
	if (!strchr("0123456", h->type))
		return 0; /* pax globals, GNU sparse and volume headers...: passed over */
	char *slash = strrchr(rel.data, '/');
	const char *last = slash ? slash + 1 : rel.data;
	if (slash)
		*slash = '\0';
	int pfd = open_parent(x, slash ? rel.data : "");
	if (pfd == -ENOTDIR || pfd == -EEXIST)
		return berth_fail(err, BERTH_ECONFLICT, "%s: a parent of %s is not a directory", x->what, h->name);
	if (pfd < 0)
		return fail_errno(err, -pfd, x->what);
	bool dir = h->type == '5';
	struct stat st;
	bool exists = fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && (S_ISDIR(st.st_mode) != dir || !dir))
		sbuf_reset(&x->parent_path); /* it may be the directory the cache holds */
	if (exists && S_ISDIR(st.st_mode) != dir) {
		if (x->o->no_overwrite_dir_non_dir)
			return berth_fail(err, BERTH_ECONFLICT, "%s: cannot overwrite %s %s with a %s", x->what,
					  dir ? "non-directory" : "directory", h->name, dir ? "directory" : "non-directory");
		if (unlinkat(pfd, last, dir ? 0 : AT_REMOVEDIR) < 0)
			return errno == ENOTEMPTY ? berth_fail(err, BERTH_ECONFLICT, "%s: cannot replace the directory %s, it is not empty", x->what, h->name)
						  : fail_errno(err, errno, x->what);
		exists = false;
	} else if (exists && !dir && unlinkat(pfd, last, 0) < 0) {
		return fail_errno(err, errno, x->what);
	}
	_cleanup_close_ int fd = -1;
	switch (h->type) {
	case '5':
		if (!exists && mkdirat(pfd, last, 0700) < 0)
			return fail_errno(err, errno, x->what);
		fd = openat(pfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		break;
	case '0':
		fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return fail_errno(err, errno, x->what);
		if ((r = copy_data(x, tr, fd, err)) < 0)
			return r;
		break;
	case '2':
		r = symlinkat(h->link, pfd, last) < 0 ? -errno : 0;
		break;
	case '1': {
		_cleanup_sbuf_ sbuf target = SBUF_INIT, full = SBUF_INIT;
		if ((r = entry_rel(&target, h->link)) == -EPERM)
			return berth_fail(err, BERTH_EINVAL, "%s: the hard link %s leads out of the destination",
					  x->what, h->name);
		if (r < 0 || sbuf_printf(&full, "%s/%s", x->dest, target.data) < 0)
			return BERTH_NOMEM(err);
		_cleanup_close_ int tfd = in_root(x->root.fd, full.data, O_PATH | O_NOFOLLOW);
		if (tfd < 0)
			return fail_errno(err, -tfd, x->what);
		r = linkat(tfd, "", pfd, last, AT_EMPTY_PATH) < 0 ? -errno : 0;
		return r < 0 ? fail_errno(err, -r, x->what) : 0;
	}
	default: {
		mode_t kind = h->type == '3' ? S_IFCHR : h->type == '4' ? S_IFBLK : S_IFIFO;
		r = mknodat(pfd, last, kind | 0600, makedev(h->devmajor, h->devminor)) < 0 ? -errno : 0;
	}
	}
	if (r == 0)
		r = set_meta(x, h, pfd, last, fd);
	return r < 0 ? fail_errno(err, -r, x->what) : 0;
}

int ctrd_container_put_archive(berth_client *c, const char *ref, const char *dest_dir, berth_read_cb read,
			       void *payload, const berth_put_archive_options *o, berth_error *err)
{
	char id[256], what[320];
	int r = resolve_for(id, what, c, ref, "put archive", dest_dir, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf dest = SBUF_INIT;
	if (clean_path(&dest, dest_dir) < 0)
		return BERTH_NOMEM(err);
	put_ctx *x = calloc(1, sizeof *x);
	if (!x)
		return BERTH_NOMEM(err);
	*x = (put_ctx){ .root = CTRD_ROOT_INIT, .dest = dest.data, .o = o, .what = what, .parent = -1 };
	r = root_open(&x->root, c, id, true, what, err);
	if (r == 0) {
		/* the destination: a directory, with links in it followed in the root */
		int fd = in_root(x->root.fd, dest_dir, O_PATH);
		struct stat st;
		if (fd == -ENOENT || fd == -ENOTDIR)
			r = berth_fail_full(err, BERTH_ENOTFOUND, 404, 0, "%s: no such directory", what);
		else if (fd < 0)
			r = fail_errno(err, -fd, what);
		else if (fstat(fd, &st) < 0)
			r = fail_errno(err, errno, what);
		else if (!S_ISDIR(st.st_mode))
			r = berth_fail(err, BERTH_ECONFLICT, "%s: not a directory", what);
		if (fd >= 0)
			close(fd);
	}
	tar_reader tr = { .read = read, .ctx = payload };
	tar_header *h = r == 0 ? malloc(sizeof *h) : NULL;
	if (r == 0 && !h)
		r = BERTH_NOMEM(err);
	while (r == 0) {
		int k = ctrd_tar_reader_next(&tr, h);
		if (k == 0)
			break;
		if (k == TAR_EMALFORMED)
			r = berth_fail(err, BERTH_EINVAL, "%s: the archive is malformed", what);
		else if (k == -ENOMEM)
			r = BERTH_NOMEM(err);
		else if (k < 0)
			r = berth_fail(err, k, "%s: the archive's read callback failed", what);
		else
			r = extract_one(x, h, &tr, err);
	}
	free(h);
	if (x->parent >= 0)
		close(x->parent);
	sbuf_release(&x->parent_path);
	root_release(&x->root);
	free(x);
	return r;
}

/* ---- diff --------------------------------------------------------------------------- */

typedef struct diff_walk {
	strv mounts;              /* the spec's mount destinations, clean */
	int *lowers;              /* the lower layers' fds */
	size_t n_lowers;
	upper_entry *e;
	size_t n, cap;
	sbuf path;                /* the current directory, "" for the top */
	const char *what;
} diff_walk;

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec) ||
	       (a->tv_sec == b->tv_sec && (a->tv_nsec == 0 || b->tv_nsec == 0));
}

static int diff_add(diff_walk *w, const char *path, ssize_t parent, const struct stat *st, bool opaque,
		    bool below_opaque)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		upper_entry *e = realloc(w->e, cap * sizeof *e);
		if (!e)
			return -ENOMEM;
		w->e = e;
		w->cap = cap;
	}
	upper_entry u = { .parent = parent, .dir = S_ISDIR(st->st_mode), .opaque = opaque,
			  .whiteout = S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0) };
	for (size_t i = 0; i < w->n_lowers && !below_opaque && !u.in_lower; i++) {
		struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV };
		long fd = syscall(SYS_openat2, w->lowers[i], path + 1, &how, sizeof how);
		struct stat ls;
		if (fd < 0)
			continue;
		if (fstat((int)fd, &ls) == 0) {
			u.in_lower = true;
			u.same_as_lower = S_ISDIR(ls.st_mode) && u.dir && ls.st_size == st->st_size &&
					  ls.st_mode == st->st_mode && same_time(&ls.st_mtim, &st->st_mtim);
		}
		close((int)fd);
	}
	for (size_t i = 0; i < w->mounts.len && !u.mount_point; i++)
		u.mount_point = strcmp(w->mounts.items[i], path) == 0;
	if (!(u.path = strdup(path)))
		return -ENOMEM;
	w->e[w->n++] = u;
	return 0;
}

/* Walk directory fd (the entry `self` of the walk, -1 for the top). */
static int diff_dir(diff_walk *w, int fd, ssize_t self, bool below_opaque, int depth)
{
	if (depth > 256)
		return -ELOOP;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	int r = 0;
	size_t base = w->path.len;
	struct dirent *de;
	while (r == 0 && (errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno == ENOENT ? 0 : -errno;
			continue;
		}
		w->path.len = base;
		w->path.data[base] = '\0';
		if (sbuf_printf(&w->path, "/%s", de->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		int sub = -1;
		bool opaque = false;
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char v[4] = "";
			opaque = sub >= 0 && fgetxattr(sub, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y';
		}
		ssize_t me = (ssize_t)w->n;
		r = diff_add(w, w->path.data, self, &st, opaque, below_opaque);
		if (r == 0 && sub >= 0) {
			r = diff_dir(w, sub, me, below_opaque || opaque, depth + 1);
			sub = -1;
		}
		if (sub >= 0)
			close(sub);
	}
	if (r == 0 && errno)
		r = -errno;
	w->path.len = base;
	if (w->path.data)
		w->path.data[base] = '\0';
	closedir(d);
	return r;
}

/* The destinations of the mounts in a container's OCI spec, cleaned. */
static int spec_mounts(strv *out, const ctrd_container *k)
{
	bool ro;
	_cleanup_strv_ strv dests = STRV_INIT;
	if (spec_rootfs(&ro, &dests, k) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < dests.len; i++) {
		_cleanup_sbuf_ sbuf clean = SBUF_INIT;
		if (clean_path(&clean, dests.items[i]) < 0 || strv_push(out, clean.data) < 0)
			return -ENOMEM;
	}
	return 0;
}

int ctrd_container_diff(berth_changes **out, berth_client *c, const char *ref, berth_error *err)
{
	char id[256], what[320];
	int r = resolve_for(id, what, c, ref, "diff", NULL, err);
	if (r < 0)
		return r;
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	if ((r = ctrd_get_container(&resp, c, id, err)) < 0)
		return r;
	ctrd_layers l = { 0 };
	if ((r = snapshot_layers(&l, c, resp->container, what, err)) < 0)
		return r;
	diff_walk w = { .what = what };
	w.lowers = calloc(l.lowers.len ? l.lowers.len : 1, sizeof *w.lowers);
	int upper = open(l.upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!w.lowers)
		r = -ENOMEM;
	else if (upper < 0)
		r = -errno;
	for (size_t i = 0; r == 0 && i < l.lowers.len; i++, w.n_lowers++)
		if ((w.lowers[i] = open(l.lowers.items[i], O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			r = -errno;
	if (r == 0 && (sbuf_reserve(&w.path, 256) < 0 || spec_mounts(&w.mounts, resp->container) < 0))
		r = -ENOMEM;
	if (r == 0) {
		r = diff_dir(&w, upper, -1, false, 0);
		upper = -1;
	}
	change_item *items = r == 0 ? calloc(2 * w.n + 1, sizeof *items) : NULL;
	size_t k = 0;
	if (r == 0 && (!items || ctrd_diff_decide(items, &k, w.e, w.n) < 0))
		r = -ENOMEM;
	berth_changes *ch = r == 0 ? changes_new(items, k) : NULL;
	if (r == 0 && !ch)
		r = -ENOMEM;
	free(items);
	for (size_t i = 0; i < w.n; i++)
		free((char *)w.e[i].path);
	free(w.e);
	for (size_t i = 0; i < w.n_lowers; i++)
		close(w.lowers[i]);
	free(w.lowers);
	if (upper >= 0)
		close(upper);
	sbuf_release(&w.path);
	strv_release(&w.mounts);
	ctrd_layers_release(&l);
	if (r == -ENOMEM)
		return BERTH_NOMEM(err);
	if (r < 0)
		return fail_errno(err, -r, what);
	*out = ch;
	return 0;
}
