/* The containerd lifecycle: create (image config -> OCI spec, a snapshot
 * of the image's layers, the container record), start (a task whose
 * stdout and stderr go to berth-logger), stop with grace, kill, wait with
 * outcome, pause / resume, restart, update.
 *
 * containerd keeps less than Docker: no exit code once a task is deleted,
 * no start time, no stop signal. The lifecycle keeps those in labels under
 * CTRD_LABEL_PREFIX on the container record (inspect and list read them),
 * and its files in a state directory per container (ctrd_state_dir). */
#include "ctrd_lifecycle.h"
#include "ctrd_netstore.h"
#include "lib/kit/child.h"
#include "lib/kit/libexec.h"
#include "lib/parse/json_util.h"
#include "ctrd_specgen.h"
#include "ctrd_cni.h"
#include "ctrd_volstore.h"
#include "ctrd_logfmt.h"
#include "lib/kit/spec_docker.h"

#include "util/sha256.h"

#include <berth/owner.h>

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "api_services_containers_v1_containers.pb-c.h"
#include "api_services_snapshots_v1_snapshots.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"
#include "api_services_leases_v1_leases.pb-c.h"
#include "google_protobuf_field_mask.pb-c.h"


typedef Containerd__Services__Containers__V1__Container ctrd_container;
typedef Containerd__Services__Containers__V1__Container__LabelsEntry ctrd_label_entry;

#define SPEC_TYPE_URL "types.containerd.io/opencontainers/runtime-spec/1/Spec"
#define RESOURCES_TYPE_URL "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
#define DEFAULT_STOP_TIMEOUT 10
#define KILL_WAIT_MS 30000

/* ---- images --------------------------------------------------------------------- */

/* ---- the image's /etc/passwd and /etc/group, from the snapshot's layers ------------ */

static char *read_small(const char *dir, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/etc", dir);
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL; /* a symlinked /etc is not followed out of the image */
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	if (read_file(path, 1 << 20, &buf, &len) < 0)
		return NULL;
	return buf;
}

/* The first layer directory that has the file, upper first. */
static char *layer_file(const Containerd__Types__Mount *const *mounts, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		const Containerd__Types__Mount *m = mounts[i];
		if (m->type && STREQ(m->type, "bind") && m->source)
			return read_small(m->source, rel);
		const char *upper = NULL, *lower = NULL;
		for (size_t k = 0; k < m->n_options; k++) {
			if (startswith(m->options[k], "upperdir="))
				upper = m->options[k] + 9;
			else if (startswith(m->options[k], "lowerdir="))
				lower = m->options[k] + 9;
		}
		char *text = upper ? read_small(upper, rel) : NULL;
		for (const char *p = lower; !text && p && *p;) {
			size_t len = strcspn(p, ":");
			char dir[4096];
			snprintf(dir, sizeof dir, "%.*s", (int)len, p);
			text = read_small(dir, rel);
			p += len + (p[len] ? 1 : 0);
		}
		if (text)
			return text;
	}
	return NULL;
}

/* ---- the logger ------------------------------------------------------------------ */

/* Where berth-logger is ($BERTH_LOGGER, installed, or beside this
 * program): BERTH_EUNAVAILABLE naming the places looked at when there is
 * none, so a start never ends in the shim's "fork/exec: no such file". */
static int logger_path(char *out, size_t size, berth_error *err)
{
	int r = libexec_find(out, size, "berth-logger", "BERTH_LOGGER");
	if (r == -EACCES)
		return berth_fail(err, BERTH_EUNAVAILABLE, "BERTH_LOGGER=%s is not an executable file", out);
	if (r < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE,
				  "containerd: berth-logger (which keeps a task's logs) is not in %s nor beside this program; "
				  "install berth or set BERTH_LOGGER", BERTH_LIBEXECDIR);
	return 0;
}

/* The stdio URI of container id's tasks: berth-logger writing its log. */
static int log_uri(sbuf *uri, berth_client *c, const char *id, berth_error *err)
{
	char log[4096];
	if (ctrd_log_path(log, sizeof log, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	char logger[PATH_MAX];
	int r = logger_path(logger, sizeof logger, err);
	if (r < 0)
		return r;
	if (sbuf_printf(uri, "binary://%s?log=", logger) < 0 || sbuf_add_urlenc(uri, log) < 0)
		return BERTH_NOMEM(err);
	return 0;
}

/* ---- stdin ---------------------------------------------------------------------- */

/* A task with stdin open gets the FIFO of ctrd_stdin_path as its stdin;
 * the shim holds a writer of its own on it from the task's create until
 * Tasks.CloseIO, so the process reads end of file only after that and
 * after every attach let go of it, and an attach may come and go between.
 *
 * With a terminal, the shim copies that FIFO into the terminal and the
 * output goes to berth-logger through binary:// as for any task. Without
 * one, binary:// leaves the process's stdin /dev/null (the shim hands
 * berth-logger the two output pipes and copies nothing), so such a task
 * gets FIFOs for stdout and stderr too, and berth starts berth-logger on
 * their read ends itself: the same program on the same descriptors (3 and
 * 4, ready on 5), writing the same file. It runs as a daemon of its own,
 * not as the shim's child, and ends when the shim closes the FIFOs once
 * the process's output is over (no SIGTERM comes). containerd's restart
 * monitor starts a task again with the log URI only: that task has
 * berth-logger through binary:// and no stdin. */
typedef struct task_relay {
	char out[3200], err[3200]; /* the output FIFOs, "" when not made */
	int read[2];               /* berth's readers and writers, held until */
	int hold[2];               /* the shim has its own ends open */
} task_relay;

#define RELAY_INIT { "", "", { -1, -1 }, { -1, -1 } }
#define RELAY_READY_MS 10000

static void relay_end(task_relay *t)
{
	for (int i = 0; i < 2; i++) {
		if (t->read[i] >= 0)
			close(t->read[i]);
		if (t->hold[i] >= 0)
			close(t->hold[i]);
		t->read[i] = t->hold[i] = -1;
	}
	if (*t->out)
		unlink(t->out);
	if (*t->err)
		unlink(t->err);
	*t->out = *t->err = '\0';
}

/* Wait until the logger closed its end of the ready pipe (it has the log
 * open then), as the shim does. */
static int relay_wait_ready(int fd)
{
	int64_t deadline = now_ms() + RELAY_READY_MS;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = remaining_ms(deadline);
		int n = poll(&p, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ETIMEDOUT;
		char b;
		ssize_t got = read(fd, &b, 1);
		if (got == 0)
			return 0;
		if (got < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

/* Make the output FIFOs in dir and start berth-logger on them. */
static int relay_begin(task_relay *t, const char *dir, const char *id, berth_client *c, berth_error *err)
{
	char logger[PATH_MAX], log[4096];
	int r = logger_path(logger, sizeof logger, err);
	if (r < 0)
		return r;
	if (ctrd_log_path(log, sizeof log, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	snprintf(t->out, sizeof t->out, "%s/task-out.fifo", dir);
	snprintf(t->err, sizeof t->err, "%s/task-err.fifo", dir);
	const char *paths[] = { t->out, t->err };
	for (int i = 0; i < 2; i++) {
		unlink(paths[i]); /* a berth that died in a start left it */
		/* a reader that does not block, then a writer of berth's own
		 * so that the reader sees no end before the shim's comes */
		if (mkfifo(paths[i], 0600) < 0 ||
		    (t->read[i] = open(paths[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
		    (t->hold[i] = open(paths[i], O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
			int e = errno;
			relay_end(t);
			return berth_fail_full(err, berth_code_from_errno(e), 0, e, "start %s: output FIFO %s: %s", id,
					       paths[i], strerror(e));
		}
	}
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		int e = errno;
		relay_end(t);
		return berth_fail_full(err, berth_code_from_errno(e), 0, e, "start %s: pipe: %s", id, strerror(e));
	}
	const char *argv[] = { "berth-logger", "log", log, NULL };
	const int fds[] = { t->read[0], t->read[1], ready[1] };
	r = child_spawn_daemon(logger, (char *const *)argv, fds, ARRAY_SIZE(fds));
	close(ready[1]);
	if (r == 0)
		r = relay_wait_ready(ready[0]);
	close(ready[0]);
	if (r < 0) {
		relay_end(t);
		return berth_fail_full(err, r == -ETIMEDOUT ? BERTH_ETIMEDOUT : BERTH_EUNAVAILABLE, 0, -r,
				       "start %s: berth-logger %s: %s", id, logger, strerror(-r));
	}
	return 0;
}

/* Whether spec s has a policy containerd's restart monitor keeps. */
static bool monitored(const berth_spec *s)
{
	return s->has_restart && (s->restart == BERTH_RESTART_ALWAYS || s->restart == BERTH_RESTART_UNLESS_STOPPED);
}

/* ---- create ---------------------------------------------------------------------- */


static int remove_snapshot(berth_client *c, const char *key)
{
	Containerd__Services__Snapshots__V1__RemoveSnapshotRequest sr =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__REMOVE_SNAPSHOT_REQUEST__INIT;
	sr.snapshotter = (char *)CTRD_SNAPSHOTTER;
	sr.key = (char *)key;
	return ctrd_call(NULL, c, "snapshots.v1.Snapshots/Remove", &sr.base, NULL, 0, NULL);
}

/* A lease keeps the snapshot from containerd's garbage collector between
 * its Prepare and the container record that references it; it expires by
 * itself should berth die in between. */
static int lease_create(berth_client *c, const char *id, berth_error *err)
{
	char expire[40];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	t.seconds = ts.tv_sec + 600;
	ctrd_time_format(expire, &t);
	Containerd__Services__Leases__V1__CreateRequest__LabelsEntry e =
		CONTAINERD__SERVICES__LEASES__V1__CREATE_REQUEST__LABELS_ENTRY__INIT;
	e.key = (char *)"containerd.io/gc.expire";
	e.value = expire;
	Containerd__Services__Leases__V1__CreateRequest__LabelsEntry *ep = &e;
	Containerd__Services__Leases__V1__CreateRequest req = CONTAINERD__SERVICES__LEASES__V1__CREATE_REQUEST__INIT;
	req.id = (char *)id;
	req.labels = &ep;
	req.n_labels = 1;
	return ctrd_call(NULL, c, "leases.v1.Leases/Create", &req.base, NULL, 0, err);
}

static void lease_delete(berth_client *c, const char *id)
{
	Containerd__Services__Leases__V1__DeleteRequest req = CONTAINERD__SERVICES__LEASES__V1__DELETE_REQUEST__INIT;
	req.id = (char *)id;
	ctrd_call(NULL, c, "leases.v1.Leases/Delete", &req.base, NULL, 0, NULL);
}

static int prepare_snapshot(Containerd__Services__Snapshots__V1__PrepareSnapshotResponse **out, berth_client *c,
			    const char *key, const char *parent, const char *image, berth_error *err)
{
	Containerd__Services__Snapshots__V1__PrepareSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__PREPARE_SNAPSHOT_REQUEST__INIT;
	req.snapshotter = (char *)CTRD_SNAPSHOTTER;
	req.key = (char *)key;
	req.parent = (char *)parent;
	for (int attempt = 0;; attempt++) {
		berth_error e = BERTH_ERROR_INIT;
		int r = ctrd_call_lease(out, c, key, "snapshots.v1.Snapshots/Prepare", &req.base,
					&containerd__services__snapshots__v1__prepare_snapshot_response__descriptor, 0, &e);
		if (r == BERTH_EEXISTS && attempt == 0) {
			/* left by a create that died before its container record */
			remove_snapshot(c, key);
			continue;
		}
		if (r == BERTH_ENOTFOUND)
			return berth_fail_full(err, BERTH_ENOTFOUND, e.native, 0,
					       "image %s is not unpacked for the %s snapshotter (its layers %s are missing)",
					       image, CTRD_SNAPSHOTTER, parent);
		if (r < 0 && err)
			*err = e;
		return r;
	}
}

/* The health check the container gets: the spec's, else the image's; as
 * the label's JSON, NULL when there is none. */
static char *health_label(const berth_spec *s, const oci_image_config *img)
{
	if (s->health == SPEC_HEALTH_NONE)
		return NULL;
	const strv *test = s->health_test.len ? &s->health_test : &img->health_test;
	if (!test->len || STREQ(test->items[0], "NONE"))
		return NULL;
	_cleanup_json_ json_t *h = json_object();
	json_t *t = json_array();
	for (size_t i = 0; i < test->len; i++)
		json_array_append_new(t, json_string(test->items[i]));
	json_object_set_new(h, "test", t);
	bool set = s->health == SPEC_HEALTH_SET;
	json_object_set_new(h, "interval", json_integer(set && s->health_interval_ms ? s->health_interval_ms
										     : img->health_interval_ms));
	json_object_set_new(h, "timeout", json_integer(set && s->health_timeout_ms ? s->health_timeout_ms
									       : img->health_timeout_ms));
	json_object_set_new(h, "start_period", json_integer(set && s->health_start_period_ms
									? s->health_start_period_ms
									: img->health_start_period_ms));
	json_object_set_new(h, "retries", json_integer(set && s->health_retries ? s->health_retries
									     : img->health_retries));
	return json_dumps(h, JSON_COMPACT);
}

static int stat_devices(oci_device *out, const berth_spec *s, berth_error *err)
{
	for (size_t i = 0; i < s->n_devices; i++) {
		struct stat st;
		if (stat(s->devices[i].host, &st) < 0)
			return berth_fail_full(err, BERTH_EINVAL, 0, errno, "device: %s: %s", s->devices[i].host,
					       strerror(errno));
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			return berth_fail(err, BERTH_EUNSUPPORTED, "device: %s is not a device node (directories of "
					  "devices are not supported on containerd)", s->devices[i].host);
		out[i] = (oci_device){ S_ISCHR(st.st_mode) ? 'c' : 'b', major(st.st_rdev), minor(st.st_rdev),
				       st.st_mode & 07777, st.st_uid, st.st_gid };
	}
	return 0;
}

/* The state directory's /etc files. */
static int write_etc(const char *dir, const berth_spec *s, const char *hostname, berth_error *err)
{
	int r = ctrd_mkdirs(dir);
	if (r < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "state directory %s: %s", dir, strerror(-r));
	_cleanup_free_ char *host_hosts = NULL, *host_resolv = NULL, *hosts = NULL, *resolv = NULL;
	size_t len;
	(void)read_file("/etc/hosts", 1 << 20, &host_hosts, &len);
	(void)read_file("/etc/resolv.conf", 1 << 20, &host_resolv, &len);
	if ((r = ctrd_ocispec_hosts_file(&hosts, s, hostname, host_hosts, err)) < 0 ||
	    (r = ctrd_ocispec_resolv_file(&resolv, s, host_resolv, err)) < 0)
		return r;
	_cleanup_free_ char *name_line = NULL;
	if (asprintf(&name_line, "%s\n", hostname) < 0)
		return BERTH_NOMEM(err);
	/* hosts.base: what the network hooks start from when they write the
	 * peers of named networks into hosts */
	if ((r = ctrd_write_file(dir, OCISPEC_HOSTS, hosts)) < 0 || (r = ctrd_write_file(dir, "hosts.base", hosts)) < 0 ||
	    (r = ctrd_write_file(dir, OCISPEC_RESOLV, resolv)) < 0 ||
	    (r = ctrd_write_file(dir, OCISPEC_HOSTNAME, name_line)) < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "state directory %s: %s", dir, strerror(-r));
	return 0;
}

static int64_t default_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_max == RLIM_INFINITY)
		return 1048576;
	return rl.rlim_max > 1048576 ? 1048576 : (int64_t)rl.rlim_max;
}

static int cap_last(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_file("/proc/sys/kernel/cap_last_cap", 64, &text, &len) < 0)
		return 0;
	return atoi(text);
}

typedef struct label_set {
	ctrd_label_entry entries[64];
	ctrd_label_entry *ptrs[64];
	size_t n;
} label_set;

static int label_add(label_set *l, const char *key, const char *value)
{
	if (l->n == ARRAY_SIZE(l->entries))
		return -E2BIG;
	ctrd_label_entry *e = &l->entries[l->n];
	*e = (ctrd_label_entry)CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__LABELS_ENTRY__INIT;
	e->key = (char *)key;
	e->value = (char *)value;
	l->ptrs[l->n++] = e;
	return 0;
}

/* Everything a create needs that comes from containerd and the host. */
typedef struct create_ctx {
	char id[256];
	char dir[3072];
	char chain[72];
	char *image_name;   /* the image record's */
	oci_image_config img;
	Containerd__Services__Snapshots__V1__PrepareSnapshotResponse *snap;
	char *passwd, *group, *spec_json, *health, *docker_view;
	char *ports;        /* CTRD_LABEL_PORTS */
	sbuf log_uri;       /* CTRD_RESTART_LOGURI, with a restart policy */
	char net_id[72];    /* the named network of the spec's mode */
	char net_key[200];  /* its CTRD_LABEL_NET_PREFIX label, and the value */
	sbuf net_value;
	bool snapshot_made, dir_made, lease_made;
	char **volume_dirs; /* per spec mount: a volume's host directory, or NULL */
	size_t n_volume_dirs;
	sbuf volumes;       /* CTRD_LABEL_VOLUMES */
	sbuf anon;          /* CTRD_LABEL_ANON_VOLUMES */
	strv anon_made;     /* anonymous volumes made for it: removed when it fails */
} create_ctx;

static void create_ctx_release(create_ctx *x, berth_client *c, bool failed)
{
	for (size_t i = 0; failed && i < x->anon_made.len; i++)
		ctrd_volstore_remove(c, x->anon_made.items[i], NULL);
	strv_release(&x->anon_made);
	for (size_t i = 0; i < x->n_volume_dirs; i++)
		free(x->volume_dirs[i]);
	free(x->volume_dirs);
	sbuf_release(&x->volumes);
	sbuf_release(&x->anon);
	sbuf_release(&x->log_uri);
	sbuf_release(&x->net_value);
	if (failed && x->snapshot_made)
		remove_snapshot(c, x->id);
	if (x->lease_made)
		lease_delete(c, x->id); /* the container record holds the snapshot now */
	if (failed && x->dir_made) {
		ctrd_net_down(c, x->id); /* its namespace is a mount point in the directory */
		ctrd_state_dir_remove(c, x->id);
	}
	free(x->image_name);
	pb_freep(&x->snap);
	ctrd_oci_image_config_release(&x->img);
	free(x->passwd);
	free(x->group);
	free(x->spec_json);
	free(x->health);
	free(x->docker_view);
	free(x->ports);
}

static int create_record(berth_client *c, const berth_spec *s, create_ctx *x, berth_error *err)
{
	char hash[65], stop_signal[16] = "", stop_timeout[16] = "";
	int r = berth_spec_hash(hash, s, err);
	if (r < 0)
		return r;
	int sig = s->stop_signal;
	if (!sig && x->img.stop_signal && berth_signal_parse(&sig, x->img.stop_signal, NULL) < 0)
		sig = 0;
	if (sig)
		snprintf(stop_signal, sizeof stop_signal, "%d", sig);
	if (s->stop_timeout >= 0)
		snprintf(stop_timeout, sizeof stop_timeout, "%d", s->stop_timeout);
	label_set l = { .n = 0 };
	for (size_t i = 0; i < s->label_keys.len && r == 0; i++)
		r = label_add(&l, s->label_keys.items[i], s->label_values.items[i]);
	/* the image's labels, as Docker shows them, unless the spec sets the key */
	for (size_t i = 0; i < x->img.label_keys.len && r == 0; i++)
		if (labels_find(&s->label_keys, x->img.label_keys.items[i]) < 0)
			r = label_add(&l, x->img.label_keys.items[i], x->img.label_values.items[i]);
	if (r == 0)
		r = label_add(&l, BERTH_LABEL_MANAGED, "true");
	if (r == 0 && c->owner)
		r = label_add(&l, BERTH_LABEL_OWNER, c->owner);
	if (r == 0)
		r = label_add(&l, BERTH_LABEL_SPEC_HASH, hash);
	if (r == 0 && *stop_signal)
		r = label_add(&l, CTRD_LABEL_STOP_SIGNAL, stop_signal);
	if (r == 0 && *stop_timeout)
		r = label_add(&l, CTRD_LABEL_STOP_TIMEOUT, stop_timeout);
	if (r == 0 && s->tty)
		r = label_add(&l, CTRD_LABEL_TTY, "true");
	if (r == 0 && s->stdin_open)
		r = label_add(&l, CTRD_LABEL_STDIN, s->stdin_once ? "once" : "open");
	if (r == 0 && x->health)
		r = label_add(&l, CTRD_LABEL_HEALTH, x->health);
	if (r == 0 && s->name)
		r = label_add(&l, CTRD_LABEL_NAME, s->name);
	if (r == 0 && ctrd_ocispec_bridged(s))
		r = label_add(&l, CTRD_LABEL_NETWORK, "bridge");
	if (r == 0 && x->net_id[0])
		r = label_add(&l, CTRD_LABEL_NETWORK, x->net_id);
	if (r == 0 && x->net_id[0])
		r = label_add(&l, x->net_key, x->net_value.data);
	if (r == 0 && x->ports)
		r = label_add(&l, CTRD_LABEL_PORTS, x->ports);
	if (r == 0 && x->volumes.len)
		r = label_add(&l, CTRD_LABEL_VOLUMES, x->volumes.data);
	if (r == 0 && x->anon.len)
		r = label_add(&l, CTRD_LABEL_ANON_VOLUMES, x->anon.data);
	/* the monitor's log URI now; its status label once a start succeeded */
	if (r == 0 && monitored(s))
		r = label_add(&l, CTRD_LABEL_RESTART, berth_restart_policy_name(s->restart));
	if (r == 0 && monitored(s))
		r = label_add(&l, CTRD_RESTART_LOGURI, x->log_uri.data);
	if (r < 0)
		return berth_fail(err, BERTH_EINVAL, "label: more labels than berth passes to containerd (%zu)",
				  ARRAY_SIZE(l.entries));
	Containerd__Services__Containers__V1__Container__Runtime rt =
		CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__RUNTIME__INIT;
	rt.name = (char *)CTRD_RUNTIME;
	Google__Protobuf__Any spec_any = GOOGLE__PROTOBUF__ANY__INIT;
	spec_any.type_url = (char *)SPEC_TYPE_URL;
	spec_any.value.data = (uint8_t *)x->spec_json;
	spec_any.value.len = strlen(x->spec_json);
	ctrd_container k = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	k.id = x->id;
	k.labels = l.ptrs;
	k.n_labels = l.n;
	k.image = x->image_name;
	k.runtime = &rt;
	k.spec = &spec_any;
	k.snapshotter = (char *)CTRD_SNAPSHOTTER;
	k.snapshot_key = x->id;
	/* the spec as Docker's create body: inspect shows it as Config and
	 * HostConfig, the same shape as on the other engines */
	Google__Protobuf__Any view = GOOGLE__PROTOBUF__ANY__INIT;
	Containerd__Services__Containers__V1__Container__ExtensionsEntry ext =
		CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__EXTENSIONS_ENTRY__INIT;
	Containerd__Services__Containers__V1__Container__ExtensionsEntry *extp = &ext;
	if (x->docker_view) {
		view.type_url = (char *)CTRD_DOCKER_VIEW_TYPE;
		view.value.data = (uint8_t *)x->docker_view;
		view.value.len = strlen(x->docker_view);
		ext.key = (char *)CTRD_DOCKER_VIEW_TYPE;
		ext.value = &view;
		k.extensions = &extp;
		k.n_extensions = 1;
	}
	Containerd__Services__Containers__V1__CreateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__CREATE_CONTAINER_REQUEST__INIT;
	req.container = &k;
	berth_error e = BERTH_ERROR_INIT;
	r = ctrd_call(NULL, c, "containers.v1.Containers/Create", &req.base, NULL, 0, &e);
	if (r == BERTH_EEXISTS)
		return berth_fail_full(err, BERTH_EEXISTS, e.native, 0, "container id %s is already in use", x->id);
	if (r < 0 && err)
		*err = e;
	return r;
}

/* The volumes of the spec's mounts from berth's store: a named one is made
 * on first use, as Docker does; an anonymous one gets a random name (and
 * goes with the container on a removal with its volumes). */
static int resolve_volumes(berth_client *c, const berth_spec *s, create_ctx *x, berth_error *err)
{
	if (!s->n_mounts)
		return 0;
	if (!(x->volume_dirs = calloc(s->n_mounts, sizeof *x->volume_dirs)))
		return BERTH_NOMEM(err);
	x->n_volume_dirs = s->n_mounts;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const spec_mount *m = &s->mounts[i];
		if (m->kind != SPEC_MOUNT_VOLUME)
			continue;
		volume_request q = { m->source ? m->source : "", "local", STRV_INIT, STRV_INIT, STRV_INIT, STRV_INIT };
		berth_volume_info *v = NULL;
		bool made = false;
		int r = ctrd_volstore_create(&v, &made, c, &q, err);
		if (r < 0)
			return r;
		x->volume_dirs[i] = strdup(v->mountpoint);
		bool fail = !x->volume_dirs[i] || sbuf_printf(&x->volumes, "%s%s", x->volumes.len ? "," : "", v->name) < 0;
		if (!fail && !m->source)
			fail = sbuf_printf(&x->anon, "%s%s", x->anon.len ? "," : "", v->name) < 0 ||
			       strv_push(&x->anon_made, v->name) < 0;
		berth_volume_info_free(v);
		if (fail)
			return BERTH_NOMEM(err);
	}
	return 0;
}

static int create_steps(berth_client *c, const berth_spec *s, create_ctx *x, berth_error *err)
{
	/* the name must be free before anything is made under it */
	char other[256];
	int r = s->name ? ctrd_find_by_name(other, c, s->name, err) : 0;
	if (r < 0)
		return r;
	if (r > 0)
		return berth_fail_full(err, BERTH_EEXISTS, 6, 0,
				      "Conflict. The container name \"%s\" is already in use by container \"%s\"", s->name,
				      other);
	_cleanup_sbuf_ sbuf cfg = SBUF_INIT;
	r = ctrd_image_config(&cfg, &x->image_name, c, s->image, err);
	if (r == BERTH_ENOTFOUND) /* as the Engine API backends say it */
		return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0,
				       "create: no such image: %s (pull it, or set the spec's pull policy)", s->image);
	if (r < 0 ||
	    (r = ctrd_oci_image_config_parse(&x->img, cfg.data ? cfg.data : "", cfg.len, err)) < 0 ||
	    (r = ctrd_oci_chain_id(x->chain, &x->img.diff_ids, err)) < 0)
		return r;
	if ((r = lease_create(c, x->id, err)) < 0)
		return r;
	x->lease_made = true;
	if ((r = prepare_snapshot(&x->snap, c, x->id, x->chain, s->image, err)) < 0)
		return r;
	x->snapshot_made = true;
	/* the user, root's groups and --group-add names are the image's */
	x->passwd = layer_file((const Containerd__Types__Mount *const *)x->snap->mounts, x->snap->n_mounts,
			       "etc/passwd");
	x->group = layer_file((const Containerd__Types__Mount *const *)x->snap->mounts, x->snap->n_mounts,
			      "etc/group");
	x->health = health_label(s, &x->img);
	if (ctrd_state_dir(x->dir, sizeof x->dir, c, x->id) < 0)
		return berth_fail(err, BERTH_EINVAL, "name: too long for berth's state directory");
	oci_device devices[s->n_devices ? s->n_devices : 1];
	if ((r = stat_devices(devices, s, err)) < 0)
		return r;
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	char netns[4096];
	if (ctrd_netns_path(netns, sizeof netns, c, x->id) < 0)
		return berth_fail(err, BERTH_EINVAL, "name: too long for berth's state directory");
	if (s->n_ports && ctrd_cni_ports_format(&x->ports, s->ports, s->n_ports) < 0)
		return berth_fail(err, BERTH_EINVAL, "port: a host address is too long");
	if (monitored(s) && (r = log_uri(&x->log_uri, c, x->id, err)) < 0)
		return r;
	if (ctrd_ocispec_named(s)) {
		/* the network must be there now; the label keeps its id */
		berth_network_info *n = NULL;
		if ((r = ctrd_netstore_get(&n, c, s->network_mode, err)) < 0)
			return r;
		snprintf(x->net_id, sizeof x->net_id, "%s", n->id);
		berth_network_info_free(n);
		snprintf(x->net_key, sizeof x->net_key, CTRD_LABEL_NET_PREFIX "%s", x->net_id);
		if (sbuf_addc(&x->net_value, '+') < 0)
			return BERTH_NOMEM(err);
		for (size_t i = 0; i < s->network_aliases.len; i++)
			if (sbuf_printf(&x->net_value, "%s%s", i ? "," : "", s->network_aliases.items[i]) < 0)
				return BERTH_NOMEM(err);
	}
	if ((r = resolve_volumes(c, s, x, err)) < 0)
		return r;
	ocispec_input in = { .id = x->id, .ns = c->ns, .state_dir = x->dir, .image = &x->img, .passwd = x->passwd,
			     .group = x->group, .host_hostname = host, .nofile = default_nofile(),
			     .cap_last = cap_last(), .devices = devices, .n_devices = s->n_devices, .netns = netns,
			     .volume_dirs = (const char *const *)x->volume_dirs };
	char hostname[72];
	ctrd_ocispec_hostname(hostname, s, &in);
	if ((r = ctrd_ocispec_build(&x->spec_json, s, &in, err)) < 0)
		return r;
	json_t *body = NULL;
	if ((r = spec_docker_body(&body, s, c->owner, NULL, "", err)) < 0)
		return r;
	json_object_set_new(body, "Hostname", json_string(hostname));
	if (x->health) {
		/* the check that applies (the spec's over the image's), as Docker
		 * shows it: durations in nanoseconds */
		_cleanup_json_ json_t *h = json_loads(x->health, 0, NULL);
		json_t *dh = json_object();
		json_object_set(dh, "Test", json_object_get(h, "test"));
		static const char *const keys[][2] = { { "interval", "Interval" }, { "timeout", "Timeout" },
						       { "start_period", "StartPeriod" } };
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			json_object_set_new(dh, keys[i][1],
					    json_integer(json_integer_value(json_object_get(h, keys[i][0])) * 1000000));
		json_object_set(dh, "Retries", json_object_get(h, "retries"));
		json_object_set_new(body, "Healthcheck", dh);
	}
	if (!json_object_get(body, "Cmd") && x->img.has_cmd && !s->has_entrypoint) {
		json_t *cmd = json_array();
		for (size_t i = 0; i < x->img.cmd.len; i++)
			json_array_append_new(cmd, json_string(x->img.cmd.items[i]));
		json_object_set_new(body, "Cmd", cmd);
	}
	x->docker_view = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!x->docker_view)
		return BERTH_NOMEM(err);
	x->dir_made = true;
	if ((r = write_etc(x->dir, s, hostname, err)) < 0)
		return r;
	return create_record(c, s, x, err);
}

int ctrd_container_create(char **out_id, berth_client *c, const berth_spec *s, berth_error *err)
{
	int r = ctrd_ocispec_check(s, err);
	if (r < 0)
		return r;
	create_ctx x = { .snapshot_made = false };
	if (ctrd_random_hex(x.id, 32) < 0)
		return berth_fail(err, BERTH_EUNAVAILABLE, "no random bytes for a container id");
	r = create_steps(c, s, &x, err);
	create_ctx_release(&x, c, r < 0);
	if (r < 0)
		return r;
	char *id = strdup(x.id);
	if (!id)
		return BERTH_NOMEM(err);
	*out_id = id;
	return 0;
}

/* ---- tasks ------------------------------------------------------------------------- */


/* An OOM kill in the task's memory cgroup (v1 or v2): read before the
 * task is deleted, as the cgroup goes with it. */
static bool cgroup_oom(const berth_client *c, const char *id)
{
	char path[1024];
	const char *files[] = { "/sys/fs/cgroup/memory/%s/%s/memory.oom_control", "/sys/fs/cgroup/%s/%s/memory.events" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(path, sizeof path, files[i], strempty(c->ns), id);
#pragma GCC diagnostic pop
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (read_file(path, 4096, &text, &len) < 0)
			continue;
		const char *k = strstr(text, "oom_kill ");
		return k && atoll(k + 9) > 0;
	}
	return false;
}

static int task_call(berth_client *c, const char *method, const char *id, int timeout_ms, berth_error *err)
{
	/* Pause, Resume and Delete take the same one-field request */
	Containerd__Services__Tasks__V1__PauseTaskRequest req = CONTAINERD__SERVICES__TASKS__V1__PAUSE_TASK_REQUEST__INIT;
	req.container_id = (char *)id;
	return ctrd_call(NULL, c, method, &req.base, NULL, timeout_ms, err);
}

static int task_kill(berth_client *c, const char *id, int sig, bool all, berth_error *err)
{
	Containerd__Services__Tasks__V1__KillRequest kr = CONTAINERD__SERVICES__TASKS__V1__KILL_REQUEST__INIT;
	kr.container_id = (char *)id;
	kr.signal = (uint32_t)sig;
	kr.all = all;
	return ctrd_call(NULL, c, "tasks.v1.Tasks/Kill", &kr.base, NULL, 0, err);
}

/* Tasks.Wait: the exit status, within timeout_ms (<0: none). */
static int task_wait(uint32_t *status, berth_client *c, const char *id, int timeout_ms, berth_error *err)
{
	Containerd__Services__Tasks__V1__WaitRequest wr = CONTAINERD__SERVICES__TASKS__V1__WAIT_REQUEST__INIT;
	wr.container_id = (char *)id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__WaitResponse *w = NULL;
	int64_t t0 = now_ms();
	int r = ctrd_call(&w, c, "tasks.v1.Tasks/Wait", &wr.base, &containerd__services__tasks__v1__wait_response__descriptor,
			  timeout_ms, err);
	if (r == 0)
		*status = w->exit_status;
	/* containerd passes the deadline to the shim and answers its expiry
	 * as Unknown "context deadline exceeded" */
	if (r == BERTH_EENGINE && timeout_ms > 0 && now_ms() - t0 >= timeout_ms - 20)
		return berth_fail(err, BERTH_ETIMEDOUT, "wait %s: still running after %d ms", id, timeout_ms);
	return r;
}

/* The task ended: keep its outcome in labels, then delete it (its shim and
 * rootfs mount go). */
static int task_finish(berth_client *c, const char *id, uint32_t status, berth_error *err)
{
	char code[16], at[40];
	snprintf(code, sizeof code, "%u", status);
	ctrd_now_rfc3339(at);
	bool oom = cgroup_oom(c, id);
	const char *keys[] = { CTRD_LABEL_EXIT_CODE, CTRD_LABEL_FINISHED_AT, CTRD_LABEL_OOM };
	const char *values[] = { code, at, oom ? "true" : NULL };
	Containerd__Services__Tasks__V1__DeleteTaskRequest dr = CONTAINERD__SERVICES__TASKS__V1__DELETE_TASK_REQUEST__INIT;
	dr.container_id = (char *)id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__DeleteResponse *d = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call(&d, c, "tasks.v1.Tasks/Delete", &dr.base, &containerd__services__tasks__v1__delete_response__descriptor,
			  0, &e);
	if (r < 0 && r != BERTH_ENOTFOUND) {
		if (err)
			*err = e;
		return r;
	}
	ctrd_net_down(c, id);
	if (r == 0 && d->exited_at)
		ctrd_time_format(at, d->exited_at);
	r = ctrd_set_labels(c, id, keys, values, ARRAY_SIZE(keys), err);
	return r == BERTH_ENOTFOUND ? 0 : r;
}

int ctrd_container_start(berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	ctrd_task_info t;
	int r = ctrd_get_container_task(&resp, &t, c, id, err);
	if (r < 0)
		return r;
	const ctrd_container *k = resp->container;
	if (t.exists && (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED))
		return 0;
	/* the restart monitor keeps out of a start of berth's own */
	if ((r = ctrd_restart_status(c, k, NULL, err)) < 0)
		return r;
	if (t.exists) {
		/* a task that ended (or never started): out of the way */
		if (t.state != BERTH_STATE_EXITED)
			task_kill(c, id, SIGKILL, true, NULL);
		if ((r = task_finish(c, id, t.exit_status, err)) < 0)
			return r;
	}
	if (isempty(k->snapshot_key))
		return berth_fail(err, BERTH_EENGINE, "container %s has no root filesystem snapshot", id);
	_cleanup_pb_ Containerd__Services__Snapshots__V1__MountsResponse *m = NULL;
	if ((r = ctrd_mounts_of(&m, c, k, err)) < 0)
		return r;
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	if ((r = ctrd_mkdirs(dir)) < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "%s: %s", dir, strerror(-r));
	_cleanup_sbuf_ sbuf uri = SBUF_INIT;
	if ((r = log_uri(&uri, c, id, err)) < 0)
		return r;
	/* the restart count starts again with a start of berth's own (as
	 * Docker's does): the logger of this task counts the first */
	_cleanup_close_ int starts = openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (starts >= 0) {
		int fd = openat(starts, LOGFMT_STARTS_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (fd >= 0)
			close(fd);
	}
	Containerd__Services__Tasks__V1__CreateTaskRequest cr = CONTAINERD__SERVICES__TASKS__V1__CREATE_TASK_REQUEST__INIT;
	cr.container_id = (char *)id;
	cr.rootfs = m->mounts;
	cr.n_rootfs = m->n_mounts;
	cr.stdout = uri.data;
	cr.stderr = uri.data;
	cr.terminal = STREQ(strempty(ctrd_label(k, CTRD_LABEL_TTY)), "true");
	/* stdin open: its FIFO (an attach before the start may have made it
	 * and written to it already), and without a terminal berth-logger on
	 * output FIFOs */
	char in[3200] = "";
	bool with_stdin = ctrd_label(k, CTRD_LABEL_STDIN) != NULL;
	if (with_stdin && ctrd_stdin_path(in, sizeof in, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	if (with_stdin && mkfifo(in, 0600) < 0 && errno != EEXIST)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "start %s: stdin FIFO %s: %s", id, in,
				       strerror(errno));
	cr.stdin = in;
	if ((r = ctrd_net_up(c, id, k, err)) < 0) {
		berth_error_prefix(err, "start %s", id);
		return r;
	}
	task_relay relay = RELAY_INIT;
	if (with_stdin && !cr.terminal) {
		if ((r = relay_begin(&relay, dir, id, c, err)) < 0) {
			ctrd_net_down(c, id);
			return r;
		}
		cr.stdout = relay.out;
		cr.stderr = relay.err;
	}
	berth_error e = BERTH_ERROR_INIT;
	r = ctrd_call(NULL, c, "tasks.v1.Tasks/Create", &cr.base, NULL, 0, &e);
	/* the shim has its ends of the output FIFOs open now, or never will */
	relay_end(&relay);
	if (r < 0) {
		ctrd_net_down(c, id);
		if (err)
			*err = e;
		berth_error_prefix(err, "start %s", id);
		return r == BERTH_EPROTOCOL || r == BERTH_EUNAVAILABLE || r == BERTH_ETIMEDOUT ? r : BERTH_EENGINE;
	}
	Containerd__Services__Tasks__V1__StartRequest sr = CONTAINERD__SERVICES__TASKS__V1__START_REQUEST__INIT;
	sr.container_id = (char *)id;
	/* the start time is taken before the process can run: its first
	 * output is never older than the start (logs since the start) */
	char at[40];
	ctrd_now_rfc3339(at);
	r = ctrd_call(NULL, c, "tasks.v1.Tasks/Start", &sr.base, NULL, 0, &e);
	if (r < 0) {
		/* a task that died during its start: gone again, nothing left */
		task_kill(c, id, SIGKILL, true, NULL);
		task_call(c, "tasks.v1.Tasks/Delete", id, 0, NULL);
		ctrd_net_down(c, id);
		if (err)
			*err = e;
		berth_error_prefix(err, "start %s", id);
		return r == BERTH_EUNAVAILABLE || r == BERTH_ETIMEDOUT ? r : BERTH_EENGINE;
	}
	ctrd_health_reset(c, id);
	/* with a restart policy, the monitor takes over from here (and gets
	 * the URI again: berth-logger may have moved since the create) */
	const char *keys[] = { CTRD_LABEL_STARTED_AT, CTRD_LABEL_EXIT_CODE, CTRD_LABEL_FINISHED_AT, CTRD_LABEL_OOM,
			       CTRD_RESTART_STATUS, CTRD_RESTART_LOGURI };
	const char *values[] = { at, NULL, NULL, NULL, "running", uri.data };
	size_t n = ctrd_label(k, CTRD_LABEL_RESTART) ? ARRAY_SIZE(keys) : ARRAY_SIZE(keys) - 2;
	return ctrd_set_labels(c, id, keys, values, n, err);
}

/* The container's stop signal and grace (its labels, else SIGTERM / 10 s). */
static void stop_params(const ctrd_container *k, int *sig, int *grace)
{
	const char *s = ctrd_label(k, CTRD_LABEL_STOP_SIGNAL), *t = ctrd_label(k, CTRD_LABEL_STOP_TIMEOUT);
	*sig = s ? atoi(s) : SIGTERM;
	if (*sig <= 0 || *sig > SIGRTMAX)
		*sig = SIGTERM;
	if (*grace < 0)
		*grace = t ? atoi(t) : DEFAULT_STOP_TIMEOUT;
}

static int stop_task(berth_client *c, const ctrd_container *k, const ctrd_task_info *t, int grace, berth_error *err)
{
	const char *id = k->id;
	int r;
	if (!t->exists)
		return 0;
	if (t->state == BERTH_STATE_EXITED || t->state == BERTH_STATE_CREATED) {
		if (t->state == BERTH_STATE_CREATED)
			task_kill(c, id, SIGKILL, true, NULL);
		return task_finish(c, id, t->exit_status, err);
	}
	int sig;
	stop_params(k, &sig, &grace);
	if (t->state == BERTH_STATE_PAUSED)
		task_call(c, "tasks.v1.Tasks/Resume", id, 0, NULL); /* a frozen process takes no signal */
	uint32_t status = 0;
	berth_error e = BERTH_ERROR_INIT;
	r = grace > 0 ? task_kill(c, id, sig, false, &e) : BERTH_ETIMEDOUT;
	if (r == 0)
		r = task_wait(&status, c, id, grace * 1000, &e);
	if (r == BERTH_ETIMEDOUT || r == BERTH_ECONFLICT || (r == BERTH_EENGINE && grace > 0)) {
		/* the grace is over (or the signal could not be sent): SIGKILL */
		r = task_kill(c, id, SIGKILL, true, &e);
		if (r == 0 || r == BERTH_ENOTFOUND)
			r = task_wait(&status, c, id, KILL_WAIT_MS, &e);
	}
	if (r == BERTH_ENOTFOUND)
		return 0; /* someone else finished it */
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	return task_finish(c, id, status, err);
}

int ctrd_container_stop(berth_client *c, const char *ref, int grace, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	/* Off the restart monitor's list first: it would start a task again
	 * after the exit, and "stopped" now would have it SIGKILL the task
	 * within the grace. Once the task is gone the label says "stopped",
	 * as ctr and nerdctl leave it. */
	if ((r = ctrd_restart_status(c, resp->container, NULL, err)) < 0)
		return r;
	ctrd_task_info t;
	if ((r = ctrd_task_get(&t, c, id, err)) < 0)
		return r;
	if ((r = stop_task(c, resp->container, &t, grace, err)) < 0)
		return r;
	return ctrd_restart_status(c, resp->container, "stopped", err);
}

int ctrd_container_restart(berth_client *c, const char *id, int grace, berth_error *err)
{
	int r = ctrd_container_stop(c, id, grace, err);
	return r < 0 ? r : ctrd_container_start(c, id, err);
}

/* The record and the task's state for kill / pause / resume: ENOTFOUND
 * for no container. */
static int running_state(berth_state *out, Containerd__Services__Containers__V1__GetContainerResponse **resp,
			 berth_client *c, const char *id, berth_error *err)
{
	ctrd_task_info t;
	int r = ctrd_get_container_task(resp, &t, c, id, err);
	if (r < 0)
		return r;
	*out = t.exists ? t.state : BERTH_STATE_CREATED;
	return 0;
}

int ctrd_container_kill(berth_client *c, const char *ref, int sig, berth_error *err)
{
	RESOLVE(c, ref, err);
	berth_state st;
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = running_state(&st, &resp, c, id, err);
	if (r < 0)
		return r;
	if (st != BERTH_STATE_RUNNING && st != BERTH_STATE_PAUSED)
		return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id);
	/* As Docker's kill: SIGKILL or the stop signal means the container is
	 * to stay down, so the restart monitor must not start it again. After
	 * SIGKILL the label says "stopped"; after the stop signal, which the
	 * process may survive, it goes (were it "stopped", the monitor would
	 * SIGKILL a survivor), and the next start puts it back. */
	int stop_sig, grace = 0;
	stop_params(resp->container, &stop_sig, &grace);
	if ((sig == SIGKILL || sig == stop_sig) &&
	    (r = ctrd_restart_status(c, resp->container, sig == SIGKILL ? "stopped" : NULL, err)) < 0)
		return r;
	r = task_kill(c, id, sig, false, err);
	return r == BERTH_ENOTFOUND ? berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id) : r;
}

int ctrd_container_pause(berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	berth_state st;
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = running_state(&st, &resp, c, id, err);
	if (r < 0)
		return r;
	if (st == BERTH_STATE_PAUSED)
		return berth_fail(err, BERTH_EALREADY, "Container %s is already paused", id);
	if (st != BERTH_STATE_RUNNING)
		return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not running", id);
	/* the restart monitor would kill a paused task it expects running */
	if ((r = ctrd_restart_status(c, resp->container, "paused", err)) < 0)
		return r;
	if ((r = task_call(c, "tasks.v1.Tasks/Pause", id, 0, err)) < 0)
		ctrd_restart_status(c, resp->container, "running", NULL);
	return r;
}

int ctrd_container_unpause(berth_client *c, const char *ref, berth_error *err)
{
	RESOLVE(c, ref, err);
	berth_state st;
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = running_state(&st, &resp, c, id, err);
	if (r < 0)
		return r;
	if (st != BERTH_STATE_PAUSED)
		return berth_fail_full(err, BERTH_ECONFLICT, 9, 0, "Container %s is not paused", id);
	if ((r = task_call(c, "tasks.v1.Tasks/Resume", id, 0, err)) < 0)
		return r;
	return ctrd_restart_status(c, resp->container, "running", err);
}

/* ---- update ------------------------------------------------------------------------ */

static void set_int(json_t *obj, const char *key, int64_t v)
{
	json_object_set_new(obj, key, json_integer(v));
}

static json_t *object_at(json_t *parent, const char *key)
{
	json_t *o = json_object_get(parent, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(parent, key, o);
	}
	return o;
}

/* Docker's create body of container k (its extension) with HostConfig's
 * RestartPolicy set to policy: *out NULL when k has no such body;
 * -ENOMEM. */
static int restart_view(char **out, const ctrd_container *k, const char *policy)
{
	*out = NULL;
	for (size_t i = 0; i < k->n_extensions; i++) {
		const Google__Protobuf__Any *v = k->extensions[i]->value;
		if (!k->extensions[i]->key || !STREQ(k->extensions[i]->key, CTRD_DOCKER_VIEW_TYPE) || !v || !v->value.len)
			continue;
		_cleanup_json_ json_t *body = json_loadb((const char *)v->value.data, v->value.len, 0, NULL);
		if (!json_is_object(body))
			return 0;
		json_t *rp = json_pack("{s:s,s:i}", "Name", policy, "MaximumRetryCount", 0);
		if (!rp || json_object_set_new(object_at(body, "HostConfig"), "RestartPolicy", rp) < 0)
			return -ENOMEM;
		*out = json_dumps(body, JSON_COMPACT);
		return *out ? 0 : -ENOMEM;
	}
	return 0;
}

int ctrd_container_update(berth_client *c, const char *ref, const berth_update_options *o, berth_error *err)
{
	RESOLVE(c, ref, err);
	if (o->restart_policy && STREQ(o->restart_policy, "on-failure"))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "restart_policy: on-failure is not supported on containerd: containerd's restart monitor "
				  "restarts whatever the exit code (use always or unless-stopped)");
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	const ctrd_container *k = resp->container;
	bool keep = o->restart_policy && !STREQ(o->restart_policy, "no");
	if (keep && STREQ(strempty(ctrd_label(k, CTRD_LABEL_TTY)), "true"))
		return berth_fail(err, BERTH_EUNSUPPORTED,
				  "restart_policy: no restart policy for a container with a TTY on containerd (containerd's "
				  "restart monitor starts its tasks without a terminal)");
	if (!k->spec || !k->spec->value.len)
		return berth_fail(err, BERTH_EENGINE, "container %s has no runtime spec", id);
	_cleanup_free_ char *marked = NULL;
	size_t marks = 0;
	if (ctrd_ocispec_u64_mark(&marked, &marks, (const char *)k->spec->value.data, k->spec->value.len) < 0)
		return BERTH_NOMEM(err);
	_cleanup_json_ json_t *spec = json_loads(marked, 0, NULL);
	if (!json_is_object(spec))
		return berth_fail(err, BERTH_EPROTOCOL, "container %s: its runtime spec is not JSON", id);
	json_t *res = object_at(object_at(spec, "linux"), "resources");
	bool mem = o->memory != BERTH_UNCHANGED, swap = o->memory_swap != BERTH_UNCHANGED;
	if (mem || swap) {
		json_t *m = object_at(res, "memory");
		if (mem)
			set_int(m, "limit", o->memory);
		if (swap)
			set_int(m, "swap", o->memory_swap);
		else if (json_integer_value(json_object_get(m, "swap")) > 0 &&
			 json_integer_value(json_object_get(m, "swap")) < o->memory)
			set_int(m, "swap", o->memory * 2); /* never below the new limit */
	}
	if (o->nano_cpus != BERTH_UNCHANGED || o->cpu_shares != BERTH_UNCHANGED) {
		json_t *cpu = object_at(res, "cpu");
		if (o->cpu_shares != BERTH_UNCHANGED)
			set_int(cpu, "shares", o->cpu_shares);
		if (o->nano_cpus != BERTH_UNCHANGED) {
			set_int(cpu, "quota", o->nano_cpus * 100000 / 1000000000);
			set_int(cpu, "period", 100000);
		}
	}
	if (o->pids_limit != BERTH_UNCHANGED)
		set_int(object_at(res, "pids"), "limit", o->pids_limit);
	_cleanup_free_ char *res_text = json_dumps(res, JSON_COMPACT);
	_cleanup_free_ char *spec_text = json_dumps(spec, JSON_COMPACT);
	if (!res_text || !spec_text)
		return BERTH_NOMEM(err);
	if ((r = ctrd_ocispec_u64_unmark(&spec_text, marks, err)) < 0)
		return r;
	ctrd_task_info t;
	if ((r = ctrd_task_get(&t, c, id, err)) < 0)
		return r;
	if (t.exists && (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED)) {
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		any.type_url = (char *)RESOURCES_TYPE_URL;
		any.value.data = (uint8_t *)res_text;
		any.value.len = strlen(res_text);
		Containerd__Services__Tasks__V1__UpdateTaskRequest ur =
			CONTAINERD__SERVICES__TASKS__V1__UPDATE_TASK_REQUEST__INIT;
		ur.container_id = (char *)id;
		ur.resources = &any;
		berth_error e = BERTH_ERROR_INIT;
		r = ctrd_call(NULL, c, "tasks.v1.Tasks/Update", &ur.base, NULL, 0, &e);
		if (r < 0) {
			if (err)
				*err = e;
			return r;
		}
	}
	/* and the record, so the next start keeps the limits */
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	any.type_url = (char *)SPEC_TYPE_URL;
	any.value.data = (uint8_t *)spec_text;
	any.value.len = strlen(spec_text);
	ctrd_container nk = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	nk.id = (char *)id;
	nk.spec = &any;
	char *paths[] = { "spec", "extensions." CTRD_DOCKER_VIEW_TYPE };
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	mask.paths = paths;
	mask.n_paths = 1;
	/* a new policy shows in inspect's HostConfig too */
	_cleanup_free_ char *view_text = NULL;
	Google__Protobuf__Any view = GOOGLE__PROTOBUF__ANY__INIT;
	Containerd__Services__Containers__V1__Container__ExtensionsEntry ext =
		CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__EXTENSIONS_ENTRY__INIT;
	Containerd__Services__Containers__V1__Container__ExtensionsEntry *extp = &ext;
	if (o->restart_policy && (r = restart_view(&view_text, k, o->restart_policy)) < 0)
		return BERTH_NOMEM(err);
	if (view_text) {
		view.type_url = (char *)CTRD_DOCKER_VIEW_TYPE;
		view.value.data = (uint8_t *)view_text;
		view.value.len = strlen(view_text);
		ext.key = (char *)CTRD_DOCKER_VIEW_TYPE;
		ext.value = &view;
		nk.extensions = &extp;
		nk.n_extensions = 1;
		mask.n_paths = 2;
	}
	Containerd__Services__Containers__V1__UpdateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__UPDATE_CONTAINER_REQUEST__INIT;
	req.container = &nk;
	req.update_mask = &mask;
	if ((r = ctrd_call(NULL, c, "containers.v1.Containers/Update", &req.base, NULL, 0, err)) < 0 ||
	    !o->restart_policy)
		return r;
	/* the restart monitor's labels: what the task does now is what it
	 * is to keep doing */
	_cleanup_sbuf_ sbuf uri = SBUF_INIT;
	if (keep && (r = log_uri(&uri, c, id, err)) < 0)
		return r;
	const char *status = t.exists && t.state == BERTH_STATE_RUNNING  ? "running"
			     : t.exists && t.state == BERTH_STATE_PAUSED ? "paused"
									 : "stopped";
	const char *keys[] = { CTRD_LABEL_RESTART, CTRD_RESTART_LOGURI, CTRD_RESTART_STATUS };
	const char *values[] = { keep ? o->restart_policy : NULL, keep ? uri.data : NULL, keep ? status : NULL };
	return ctrd_set_labels(c, id, keys, values, ARRAY_SIZE(keys), err);
}

/* ---- wait ------------------------------------------------------------------------- */

static void outcome_from(berth_wait_outcome *out, int code, bool oom)
{
	out->exit_code = code;
	out->oom_killed = oom;
	out->signal = code > 128 && code <= 128 + SIGRTMAX ? code - 128 : 0;
	out->error[0] = '\0';
}

/* The outcome of a container that is not running now: its task's status,
 * or what the labels kept; -1 when it never ran, CTRD_EXIT_LOST when its
 * task vanished. Returns whether that is known (a task's status or a
 * kept one) rather than guessed. */
static bool outcome_now(berth_wait_outcome *out, berth_client *c, const ctrd_container *k, const ctrd_task_info *t)
{
	if (t->exists && t->state == BERTH_STATE_EXITED) {
		outcome_from(out, (int)t->exit_status, cgroup_oom(c, k->id));
		return true;
	}
	const char *code = ctrd_label(k, CTRD_LABEL_EXIT_CODE);
	int n = code ? atoi(code) : ctrd_label(k, CTRD_LABEL_STARTED_AT) ? CTRD_EXIT_LOST : -1;
	outcome_from(out, n, STREQ(strempty(ctrd_label(k, CTRD_LABEL_OOM)), "true"));
	return code != NULL;
}

#define POLL_MS 100

int ctrd_container_wait(berth_wait_outcome *out, berth_client *c, const char *ref, berth_wait_condition cond,
			int timeout_ms, berth_error *err)
{
	RESOLVE(c, ref, err);
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
	bool was_running = false, seen = false, have_exit = false;
	berth_wait_outcome last = *out;
	outcome_from(&last, -1, false);
	for (;;) {
		_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
		berth_error e = BERTH_ERROR_INIT;
		int r = ctrd_get_container(&resp, c, id, &e);
		if (r == BERTH_ENOTFOUND && cond == BERTH_WAIT_REMOVED && seen) {
			*out = last;
			return 0;
		}
		if (r < 0) {
			if (err)
				*err = e;
			return r;
		}
		seen = true;
		ctrd_task_info t;
		if ((r = ctrd_task_get(&t, c, id, err)) < 0)
			return r;
		bool running = t.exists && (t.state == BERTH_STATE_RUNNING || t.state == BERTH_STATE_PAUSED);
		if (!running) {
			/* a removal deletes the task before the record: what was
			 * seen of the exit stays */
			berth_wait_outcome now = last;
			bool known = outcome_now(&now, c, resp->container, &t);
			if (known || !have_exit)
				last = now;
			have_exit = have_exit || known;
			if (cond == BERTH_WAIT_NOT_RUNNING || (cond == BERTH_WAIT_NEXT_EXIT && was_running)) {
				*out = last;
				return 0;
			}
		} else if (cond != BERTH_WAIT_REMOVED) {
			/* block in containerd until the exit (or the deadline) */
			was_running = true;
			uint32_t status;
			int left = deadline < 0 ? -1 : remaining_ms(deadline);
			if (left == 0)
				return berth_fail(err, BERTH_ETIMEDOUT, "wait %s: still running", id);
			r = task_wait(&status, c, id, left, &e);
			if (r == 0) {
				outcome_from(out, (int)status, cgroup_oom(c, id));
				return 0;
			}
			if (r == BERTH_ETIMEDOUT || r == BERTH_ENOMEM || r == BERTH_EPROTOCOL) {
				if (err)
					*err = e;
				if (r == BERTH_ETIMEDOUT)
					berth_error_prefix(err, "wait %s", id);
				return r;
			}
			/* the task went (deleted, or its shim died under the wait):
			 * look again at what is left */
			if (r != BERTH_ENOTFOUND)
				usleep(POLL_MS * 1000);
			continue;
		}
		if (deadline >= 0 && remaining_ms(deadline) == 0)
			return berth_fail(err, BERTH_ETIMEDOUT, "wait %s: condition not reached in time", id);
		usleep(POLL_MS * 1000);
	}
}

/* ---- inspect ------------------------------------------------------------------------ */

/* How often containerd's restart monitor started container id since
 * berth last did: the starts berth-logger counted, less berth's own. */
static int64_t monitor_restarts(const berth_client *c, const char *id)
{
	char dir[3072], path[3200];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, LOGFMT_STARTS_FILE);
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 1 ? (int64_t)st.st_size - 1 : 0;
}

int ctrd_inspect_extra(berth_container_info *x, berth_client *c, const ctrd_container *k)
{
	if (ctrd_label(k, CTRD_LABEL_RESTART))
		x->restart_count = monitor_restarts(c, k->id);
	if (!x->oom_killed && x->state == BERTH_STATE_EXITED && !ctrd_label(k, CTRD_LABEL_EXIT_CODE))
		x->oom_killed = cgroup_oom(c, k->id); /* a stopped task not deleted yet */
	if (!x->tty)
		x->tty = STREQ(strempty(ctrd_label(k, CTRD_LABEL_TTY)), "true");
	if (!x->stdin_open)
		x->stdin_open = ctrd_label(k, CTRD_LABEL_STDIN) != NULL;
	/* as Docker: the address and the ports while the task runs */
	if (x->running && !x->networks_len && ctrd_net_inspect(x, c, k->id) < 0)
		return -ENOMEM;
	return ctrd_health_fill(x, c, k->id, ctrd_label(k, CTRD_LABEL_HEALTH));
}

/* ---- rename --------------------------------------------------------------- */

int ctrd_container_rename(berth_client *c, const char *ref, const char *new_name, berth_error *err)
{
	RESOLVE(c, ref, err);
	char other[256];
	int r = ctrd_find_by_name(other, c, new_name, err);
	if (r < 0)
		return r;
	if (r > 0 && !STREQ(other, id))
		return berth_fail_full(err, BERTH_EEXISTS, 6, 0,
				       "Conflict. The container name \"%s\" is already in use by container \"%s\"",
				       new_name, other);
	const char *keys[] = { CTRD_LABEL_NAME };
	const char *values[] = { new_name };
	return ctrd_set_labels(c, id, keys, values, 1, err);
}


int ctrd_raw_docker_view(sbuf *b, const ctrd_container *k)
{
	for (size_t i = 0; i < k->n_extensions; i++) {
		const Google__Protobuf__Any *v = k->extensions[i]->value;
		if (!k->extensions[i]->key || !STREQ(k->extensions[i]->key, CTRD_DOCKER_VIEW_TYPE) || !v || !v->value.len)
			continue;
		_cleanup_json_ json_t *body = json_loadb((const char *)v->value.data, v->value.len, 0, NULL);
		if (!json_is_object(body))
			return 0;
		json_t *hc = json_incref(json_object_get(body, "HostConfig"));
		json_object_del(body, "HostConfig");
		_cleanup_free_ char *config = json_dumps(body, JSON_COMPACT);
		_cleanup_free_ char *host = hc ? json_dumps(hc, JSON_COMPACT) : strdup("{}");
		json_decref(hc);
		if (!config || !host)
			return -ENOMEM;
		return sbuf_printf(b, ",\"Config\":%s,\"HostConfig\":%s", config, host) < 0 ? -ENOMEM : 0;
	}
	return 0;
}

int ctrd_raw_spec(sbuf *b, const char *json, size_t len)
{
	static const char big[] = ":18446744073709551615";
	for (size_t i = 0; i < len;) {
		const char *hit = memmem(json + i, len - i, big, sizeof big - 1);
		size_t n = hit ? (size_t)(hit - (json + i)) : len - i;
		if (sbuf_add(b, json + i, n) < 0 || (hit && sbuf_adds(b, ":-1") < 0))
			return -ENOMEM;
		i += n + (hit ? sizeof big - 1 : 0);
	}
	return 0;
}
