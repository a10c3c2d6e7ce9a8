/* What berth keeps about a containerd container (see ctrd_record.h): the
 * state directory, the bookkeeping labels on the record, a reference
 * resolved to an id, the record and its task looked up. */
#include "ctrd_record.h"
#include "ctrd_specgen.h"
#include "ctrd_logfmt.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_services_snapshots_v1_snapshots.pb-c.h"
#include "api_services_tasks_v1_tasks.pb-c.h"
#include "google_protobuf_field_mask.pb-c.h"

typedef Containerd__Services__Containers__V1__Container ctrd_container;
typedef Containerd__Services__Containers__V1__Container__LabelsEntry ctrd_label_entry;
typedef Containerd__V1__Types__Process ctrd_process;

/* ---- tasks ------------------------------------------------------------------------- */

static berth_state state_of(Containerd__V1__Types__Status s)
{
	switch (s) {
	case CONTAINERD__V1__TYPES__STATUS__CREATED: return BERTH_STATE_CREATED;
	case CONTAINERD__V1__TYPES__STATUS__RUNNING: return BERTH_STATE_RUNNING;
	case CONTAINERD__V1__TYPES__STATUS__PAUSED:
	case CONTAINERD__V1__TYPES__STATUS__PAUSING: return BERTH_STATE_PAUSED;
	case CONTAINERD__V1__TYPES__STATUS__STOPPED: return BERTH_STATE_EXITED;
	default: return BERTH_STATE_UNKNOWN;
	}
}

void ctrd_task_info_from(ctrd_task_info *out, const ctrd_process *p)
{
	*out = (ctrd_task_info){ .exists = true, .state = state_of(p->status), .pid = p->pid,
				 .exit_status = p->exit_status };
	if (out->state == BERTH_STATE_EXITED)
		ctrd_time_format(out->exited_at, p->exited_at);
	if (out->state != BERTH_STATE_RUNNING && out->state != BERTH_STATE_PAUSED)
		out->pid = 0;
}

int ctrd_task_get(ctrd_task_info *out, berth_client *c, const char *id, berth_error *err)
{
	Containerd__Services__Tasks__V1__GetRequest req = CONTAINERD__SERVICES__TASKS__V1__GET_REQUEST__INIT;
	req.container_id = (char *)id;
	_cleanup_pb_ Containerd__Services__Tasks__V1__GetResponse *resp = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call(&resp, c, "tasks.v1.Tasks/Get", &req.base,
			  &containerd__services__tasks__v1__get_response__descriptor, 0, &e);
	if (r == BERTH_ENOTFOUND) {
		*out = (ctrd_task_info){ .state = BERTH_STATE_UNKNOWN };
		return 0;
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	if (!resp->process)
		return berth_fail(err, BERTH_EPROTOCOL, "%s: Tasks/Get %s: reply without a process", c->endpoint, id);
	ctrd_task_info_from(out, resp->process);
	return 0;
}

/* ---- state directory and labels ----------------------------------------------- */

int ctrd_state_dir(char *out, size_t size, const berth_client *c, const char *id)
{
	const char *root = getenv("BERTH_CONTAINERD_STATE_DIR");
	int n = snprintf(out, size, "%s/%s/%s", isempty(root) ? "/run/berth/containerd" : root, strempty(c->ns), id);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

int ctrd_log_path(char *out, size_t size, const berth_client *c, const char *id)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return -ENAMETOOLONG;
	int n = snprintf(out, size, "%s/container.log", dir);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

int ctrd_stdin_path(char *out, size_t size, const berth_client *c, const char *id)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return -ENAMETOOLONG;
	int n = snprintf(out, size, "%s/stdin.fifo", dir);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

void ctrd_state_dir_remove(const berth_client *c, const char *id)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	/* flat: berth writes no subdirectories */
	static const char *const names[] = { OCISPEC_HOSTS, OCISPEC_HOSTNAME, OCISPEC_RESOLV, "container.log",
					     "health.json", "health.json.tmp", LOGFMT_STARTS_FILE, "stdin.fifo",
					     "task-out.fifo", "task-err.fifo", "hosts.base" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		unlinkat(fd, names[i], 0);
	/* leftover exec FIFOs of a berth that died mid-exec */
	int dup_fd = dup(fd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	for (struct dirent *e; d && (e = readdir(d));)
		if (startswith(e->d_name, "exec-") || startswith(e->d_name, "net-") || startswith(e->d_name, "cni-"))
			unlinkat(fd, e->d_name, 0); /* and the records of named networks' interfaces */
	if (d)
		closedir(d);
	else if (dup_fd >= 0)
		close(dup_fd);
	close(fd);
	rmdir(dir);
}

int ctrd_write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

const char *ctrd_label(const ctrd_container *k, const char *key)
{
	for (size_t i = 0; i < k->n_labels; i++)
		if (k->labels[i]->key && STREQ(k->labels[i]->key, key))
			return k->labels[i]->value;
	return NULL;
}

int ctrd_set_labels(berth_client *c, const char *id, const char *const *keys, const char *const *values, size_t n,
		    berth_error *err)
{
	ctrd_label_entry entries[8], *ptrs[8];
	char *paths[8];
	char pathbuf[8][160];
	if (n > ARRAY_SIZE(entries))
		return berth_fail(err, BERTH_EINVAL, "too many labels at once");
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		entries[i] = (ctrd_label_entry)CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__LABELS_ENTRY__INIT;
		entries[i].key = (char *)keys[i];
		entries[i].value = (char *)strempty(values[i]);
		snprintf(pathbuf[i], sizeof pathbuf[i], "labels.%s", keys[i]);
		paths[i] = pathbuf[i];
		if (!isempty(values[i]))
			ptrs[m++] = &entries[i];
	}
	ctrd_container k = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	k.id = (char *)id;
	k.labels = ptrs;
	k.n_labels = m;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	mask.paths = paths;
	mask.n_paths = n;
	Containerd__Services__Containers__V1__UpdateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__UPDATE_CONTAINER_REQUEST__INIT;
	req.container = &k;
	req.update_mask = &mask;
	return ctrd_call(NULL, c, "containers.v1.Containers/Update", &req.base, NULL, 0, err);
}

int ctrd_restart_status(berth_client *c, const ctrd_container *k, const char *value, berth_error *err)
{
	if (!ctrd_label(k, CTRD_LABEL_RESTART))
		return 0;
	const char *keys[] = { CTRD_RESTART_STATUS };
	const char *values[] = { value };
	int r = ctrd_set_labels(c, k->id, keys, values, 1, err);
	return r == BERTH_ENOTFOUND ? 0 : r;
}

int ctrd_get_container(Containerd__Services__Containers__V1__GetContainerResponse **out, berth_client *c,
		       const char *id, berth_error *err)
{
	Containerd__Services__Containers__V1__GetContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	req.id = (char *)id;
	int r = ctrd_call(out, c, "containers.v1.Containers/Get", &req.base,
			  &containerd__services__containers__v1__get_container_response__descriptor, 0, err);
	if (r == BERTH_ENOTFOUND)
		return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0, "No such container: %s", id);
	if (r == 0 && !(*out)->container) {
		pb_freep(out);
		*out = NULL;
		return berth_fail(err, BERTH_EPROTOCOL, "Containers/Get %s: no container in the reply", id);
	}
	return r;
}

int ctrd_get_container_task(Containerd__Services__Containers__V1__GetContainerResponse **out, ctrd_task_info *t,
			    berth_client *c, const char *id, berth_error *err)
{
	int r = ctrd_get_container(out, c, id, err);
	if (r == 0 && (r = ctrd_task_get(t, c, id, err)) < 0) {
		pb_freep(out);
		*out = NULL;
	}
	return r;
}

/* ---- ids and names -------------------------------------------------------------- */

const char *ctrd_name_of(const ctrd_container *k)
{
	const char *n = ctrd_label(k, CTRD_LABEL_NAME);
	return !isempty(n) ? n : k->id;
}

int ctrd_containers_list(Containerd__Services__Containers__V1__ListContainersResponse **out, berth_client *c,
			 const char *filter, berth_error *err)
{
	Containerd__Services__Containers__V1__ListContainersRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	char *filters[] = { (char *)filter };
	req.filters = filter ? filters : NULL;
	req.n_filters = filter ? 1 : 0;
	return ctrd_call(out, c, "containers.v1.Containers/List", &req.base,
			 &containerd__services__containers__v1__list_containers_response__descriptor, 0, err);
}

#define LIST_STREAM_PATH "/containerd.services.containers.v1.Containers/ListStream"

static int each_of_list(berth_client *c, const char *filter, ctrd_container_fn fn, void *ctx, berth_error *err)
{
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *l = NULL;
	int r = ctrd_containers_list(&l, c, filter, err);
	for (size_t i = 0; r == 0 && i < l->n_containers; i++)
		r = fn(ctx, l->containers[i], err);
	return r;
}

int ctrd_containers_each(berth_client *c, const char *filter, ctrd_container_fn fn, void *ctx, berth_error *err)
{
	Containerd__Services__Containers__V1__ListContainersRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	char *filters[] = { (char *)filter };
	req.filters = filter ? filters : NULL;
	req.n_filters = filter ? 1 : 0;
	size_t len = protobuf_c_message_get_packed_size(&req.base);
	_cleanup_free_ uint8_t *body = malloc(len ? len : 1);
	if (!body)
		return BERTH_NOMEM(err);
	protobuf_c_message_pack(&req.base, body);
	int timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 30000;
	grpc_stream *s = NULL;
	berth_error e = BERTH_ERROR_INIT;
	int r = grpc_stream_open(&s, grpc_channel_uri(ctrd_channel(c)), LIST_STREAM_PATH, c->ns, body, len, timeout_ms, &e);
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	_cleanup_sbuf_ sbuf msg = SBUF_INIT;
	int64_t deadline = now_ms() + timeout_ms;
	bool any = false;
	for (;;) {
		r = grpc_stream_next(s, &msg, remaining_ms(deadline), &e);
		if (r == BERTH_ITEROVER) {
			r = 0;
			break;
		}
		if (r < 0) {
			if (r == BERTH_EUNSUPPORTED && !any) {
				/* containerd before 1.5: no ListStream */
				grpc_stream_close(s);
				return each_of_list(c, filter, fn, ctx, err);
			}
			if (err)
				*err = e;
			berth_error_prefix(err, "containers.v1.Containers/ListStream");
			break;
		}
		any = true;
		Containerd__Services__Containers__V1__ListContainerMessage *m =
			containerd__services__containers__v1__list_container_message__unpack(NULL, msg.len,
											    (const uint8_t *)msg.data);
		if (!m) {
			r = berth_fail(err, BERTH_EPROTOCOL, "%s: containers.v1.Containers/ListStream: a message that does "
				       "not decode", c->endpoint);
			break;
		}
		r = m->container ? fn(ctx, m->container, err) : 0;
		protobuf_c_message_free_unpacked(&m->base, NULL);
		if (r < 0)
			break;
	}
	grpc_stream_close(s);
	return r;
}

int ctrd_find_by_name(char *out, berth_client *c, const char *name, berth_error *err)
{
	char filter[400];
	snprintf(filter, sizeof filter, "labels.\"%s\"==\"%s\"", CTRD_LABEL_NAME, name);
	_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *l = NULL;
	int r = ctrd_containers_list(&l, c, filter, err);
	if (r < 0)
		return r;
	if (!l->n_containers || !l->containers[0]->id)
		return 0;
	snprintf(out, 256, "%s", l->containers[0]->id);
	return 1;
}

int ctrd_resolve(char *out, berth_client *c, const char *ref, berth_error *err)
{
	if (strlen(ref) > 200 || strchr(ref, '"') || strchr(ref, '\\'))
		return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0, "No such container: %.200s", ref);
	Containerd__Services__Containers__V1__GetContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	req.id = (char *)ref;
	berth_error e = BERTH_ERROR_INIT;
	int r = ctrd_call(NULL, c, "containers.v1.Containers/Get", &req.base, NULL, 0, &e);
	if (r == 0) {
		snprintf(out, 256, "%s", ref);
		return 0;
	}
	if (r != BERTH_ENOTFOUND && r != BERTH_EINVAL) {
		if (err)
			*err = e;
		return r;
	}
	if ((r = ctrd_find_by_name(out, c, ref, err)) != 0)
		return r < 0 ? r : 0;
	/* a prefix of an id, as short ids are used */
	bool hex = *ref != '\0';
	for (const char *p = ref; *p && hex; p++)
		hex = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
	if (hex) {
		_cleanup_pb_ Containerd__Services__Containers__V1__ListContainersResponse *l = NULL;
		if ((r = ctrd_containers_list(&l, c, NULL, err)) < 0)
			return r;
		const char *hit = NULL;
		size_t n = strlen(ref);
		for (size_t i = 0; i < l->n_containers; i++) {
			const char *id = l->containers[i]->id;
			if (!id || strncmp(id, ref, n) != 0)
				continue;
			if (hit)
				return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0,
						       "No such container: %s (more than one id starts with it)", ref);
			hit = id;
		}
		if (hit) {
			snprintf(out, 256, "%s", hit);
			return 0;
		}
	}
	return berth_fail_full(err, BERTH_ENOTFOUND, 5, 0, "No such container: %s", ref);
}

int ctrd_mounts_of(Containerd__Services__Snapshots__V1__MountsResponse **out, berth_client *c,
		   const ctrd_container *k, berth_error *err)
{
	Containerd__Services__Snapshots__V1__MountsRequest req = CONTAINERD__SERVICES__SNAPSHOTS__V1__MOUNTS_REQUEST__INIT;
	req.snapshotter = isempty(k->snapshotter) ? (char *)CTRD_SNAPSHOTTER : k->snapshotter;
	req.key = k->snapshot_key;
	return ctrd_call(out, c, "snapshots.v1.Snapshots/Mounts", &req.base,
			 &containerd__services__snapshots__v1__mounts_response__descriptor, 0, err);
}

int ctrd_mkdirs(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0711) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0711) < 0 && errno != EEXIST ? -errno : 0;
}

int ctrd_random_hex(char *out, size_t n)
{
	unsigned char raw[32];
	if (n > sizeof raw || getrandom(raw, n, 0) != (ssize_t)n)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

int ctrd_store_dir(char *out, size_t size, const berth_client *c, const char *env, const char *fallback)
{
	const char *root = getenv(env);
	int n = snprintf(out, size, "%s/%s", isempty(root) ? fallback : root, isempty(c->ns) ? "default" : c->ns);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}
