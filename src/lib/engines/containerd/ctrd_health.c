/* containerd health checks: berth runs them by exec (containerd runs
 * none) and keeps the record of the runs in the container's state
 * directory; inspect reads the record back (ctrd_health_fill). */
#include "ctrd_health.h"
#include "ctrd_exec.h"
#include "lib/parse/json_util.h"
#include "ctrd_record.h"
#include "ctrd_rpc.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "api_events_container.pb-c.h"
#include "api_services_events_v1_events.pb-c.h"

#define HEALTH_FILE "health.json"
#define HEALTH_LOG_KEEP 5
#define HEALTH_DEFAULT_TIMEOUT_MS 30000
#define HEALTH_DEFAULT_RETRIES 3
#define HEALTH_OUTPUT_MAX 4096

/* ---- health checks ------------------------------------------------------------------ */

typedef struct health_conf {
	strv test;
	int64_t interval_ms, timeout_ms, start_period_ms;
	int retries;
} health_conf;

static int health_conf_read(health_conf *h, const char *label)
{
	*h = (health_conf){ STRV_INIT, 0, 0, 0, 0 };
	_cleanup_json_ json_t *j = label ? json_loads(label, 0, NULL) : NULL;
	json_t *t = json_object_get(j, "test");
	size_t i;
	json_t *v;
	json_array_foreach(t, i, v)
		if (json_is_string(v) && strv_push(&h->test, json_string_value(v)) < 0)
			return -ENOMEM;
	h->interval_ms = json_integer_value(json_object_get(j, "interval"));
	h->timeout_ms = json_integer_value(json_object_get(j, "timeout"));
	h->start_period_ms = json_integer_value(json_object_get(j, "start_period"));
	h->retries = (int)json_integer_value(json_object_get(j, "retries"));
	return h->test.len ? 0 : -EINVAL;
}

static int health_path(char *out, size_t size, const berth_client *c, const char *id)
{
	char dir[3072];
	if (ctrd_state_dir(dir, sizeof dir, c, id) < 0)
		return -ENAMETOOLONG;
	return snprintf(out, size, "%s/" HEALTH_FILE, dir) < (int)size ? 0 : -ENAMETOOLONG;
}

/* Seconds since the epoch of an RFC 3339 time ctrd_time_format wrote; 0 when not one. */
static int64_t rfc3339_s(const char *s)
{
	struct tm tm = { 0 };
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	return end ? (int64_t)timegm(&tm) : 0;
}

/* Add one run to the record and work out the status as Docker does:
 * a success makes it healthy; `retries` failures in a row make it
 * unhealthy, except that failures in the start period do not count.
 * *changed is set when the status is not the one recorded before. */
static int health_record(const char *path, const health_conf *h, const char *started_at, const char *start,
			 const char *end, int code, const char *output, const char **changed)
{
	*changed = NULL;
	_cleanup_json_ json_t *rec = json_load_file(path, 0, NULL);
	if (!json_is_object(rec)) {
		json_decref(rec);
		rec = json_pack("{s:s,s:i,s:[]}", "status", "starting", "streak", 0, "log");
		if (!rec)
			return -ENOMEM;
	}
	json_t *log = json_object_get(rec, "log");
	if (!json_is_array(log))
		json_object_set_new(rec, "log", log = json_array());
	json_array_append_new(log, json_pack("{s:s,s:s,s:i,s:s}", "start", start, "end", end, "exit", code, "output",
					     output));
	while (json_array_size(log) > HEALTH_LOG_KEEP)
		json_array_remove(log, 0);
	int64_t streak = json_integer_value(json_object_get(rec, "streak"));
	const char *status = json_string_value(json_object_get(rec, "status"));
	const char *before = status ? status : "starting";
	if (code == 0) {
		streak = 0;
		status = "healthy";
	} else {
		time_t now = time(NULL);
		int64_t started = rfc3339_s(started_at);
		bool in_start_period = started && h->start_period_ms &&
				       (int64_t)now * 1000 < started * 1000 + h->start_period_ms;
		if (!in_start_period) {
			streak++;
			if (streak >= (h->retries > 0 ? h->retries : HEALTH_DEFAULT_RETRIES))
				status = "unhealthy";
		}
	}
	status = status ? status : "starting";
	static const char *const words[] = { "starting", "healthy", "unhealthy" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (STREQ(status, words[i]) && !STREQ(before, words[i]))
			*changed = words[i];
	json_object_set_new(rec, "status", json_string(status));
	json_object_set_new(rec, "streak", json_integer(streak));
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (json_dump_file(rec, tmp, JSON_COMPACT) < 0)
		return -EIO;
	return rename(tmp, path) < 0 ? -errno : 0;
}

/* Tell the event service that the status of container id is now status
 * (the events of berth_events_watch carry it as a HEALTH event). Best
 * effort: a lost event leaves inspect right all the same. */
static void health_publish(berth_client *c, const char *id, const char *status)
{
	Containerd__Events__ContainerUpdate__LabelsEntry label = CONTAINERD__EVENTS__CONTAINER_UPDATE__LABELS_ENTRY__INIT;
	label.key = (char *)"status";
	label.value = (char *)status;
	Containerd__Events__ContainerUpdate__LabelsEntry *labels[] = { &label };
	Containerd__Events__ContainerUpdate u = CONTAINERD__EVENTS__CONTAINER_UPDATE__INIT;
	u.id = (char *)id;
	u.n_labels = 1;
	u.labels = labels;
	uint8_t buf[512];
	size_t len = protobuf_c_message_get_packed_size(&u.base);
	if (len > sizeof buf)
		return;
	protobuf_c_message_pack(&u.base, buf);
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	any.type_url = (char *)CTRD_HEALTH_EVENT_TYPE;
	any.value.data = buf;
	any.value.len = len;
	Containerd__Services__Events__V1__PublishRequest req = CONTAINERD__SERVICES__EVENTS__V1__PUBLISH_REQUEST__INIT;
	req.topic = (char *)CTRD_HEALTH_EVENT_TOPIC;
	req.event = &any;
	berth_error e = BERTH_ERROR_INIT;
	if (ctrd_call(NULL, c, "events.v1.Events/Publish", &req.base, NULL, 0, &e) < 0)
		berth_log(c, BERTH_LOG_WARNING, "health of %s is %s, but the event was not published: %s", id, status,
			  e.message);
}

int ctrd_health_run(berth_client *c, const char *ref, int timeout_ms, berth_error *err)
{
	RESOLVE(c, ref, err);
	_cleanup_pb_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;
	int r = ctrd_get_container(&resp, c, id, err);
	if (r < 0)
		return r;
	health_conf h;
	r = health_conf_read(&h, ctrd_label(resp->container, CTRD_LABEL_HEALTH));
	_cleanup_strv_ strv test = h.test;
	if (r == -ENOMEM)
		return BERTH_NOMEM(err);
	if (r < 0)
		return berth_fail(err, BERTH_EINVAL, "container %s has no health check", id);
	_cleanup_strv_ strv argv = STRV_INIT;
	bool shell = STREQ(test.items[0], "CMD-SHELL");
	if (shell && test.len == 2)
		r = strv_push(&argv, "/bin/sh") || strv_push(&argv, "-c") || strv_push(&argv, test.items[1]) ? -ENOMEM : 0;
	else if (STREQ(test.items[0], "CMD") && test.len > 1)
		for (size_t i = 1; i < test.len && r == 0; i++)
			r = strv_push(&argv, test.items[i]);
	else
		return berth_fail(err, BERTH_EINVAL, "container %s: health check test %s is not CMD or CMD-SHELL", id,
				  test.items[0]);
	if (r < 0)
		return BERTH_NOMEM(err);
	char path[4200];
	if (health_path(path, sizeof path, c, id) < 0)
		return berth_fail(err, BERTH_EINVAL, "%s: name too long for berth's state directory", id);
	int limit = (int)(h.timeout_ms > 0 ? h.timeout_ms : HEALTH_DEFAULT_TIMEOUT_MS);
	char start[40], end[40];
	ctrd_now_rfc3339(start);
	int code = -1;
	_cleanup_sbuf_ sbuf out = SBUF_INIT;
	berth_error e = BERTH_ERROR_INIT;
	r = ctrd_exec_probe(&code, &out, c, id, &argv, timeout_ms > 0 && timeout_ms < limit ? timeout_ms : limit, &e);
	ctrd_now_rfc3339(end);
	if (r == BERTH_ETIMEDOUT && (timeout_ms <= 0 || timeout_ms >= limit)) {
		/* the check's own timeout: a failed run, as Docker counts it */
		code = -1;
		sbuf_reset(&out);
		if (sbuf_printf(&out, "Health check exceeded timeout (%dms)", limit) < 0)
			return BERTH_NOMEM(err);
		r = 0;
	}
	if (r < 0) {
		if (err)
			*err = e;
		return r;
	}
	const char *started_at = ctrd_label(resp->container, CTRD_LABEL_STARTED_AT);
	const char *changed = NULL;
	r = health_record(path, &h, started_at, start, end, code, out.data ? out.data : "", &changed);
	if (r < 0)
		return berth_fail_full(err, berth_code_from_errno(-r), 0, -r, "health record of %s: %s", id, strerror(-r));
	if (changed)
		health_publish(c, id, changed);
	return 0;
}

static berth_health record_health(json_t *rec)
{
	const char *status = json_string_value(json_object_get(rec, "status"));
	return status && STREQ(status, "healthy")     ? BERTH_HEALTH_HEALTHY
	       : status && STREQ(status, "unhealthy") ? BERTH_HEALTH_UNHEALTHY
						      : BERTH_HEALTH_STARTING;
}

berth_health ctrd_health_status(const berth_client *c, const char *id, const char *label)
{
	char path[4200];
	if (isempty(label))
		return BERTH_HEALTH_NONE;
	if (health_path(path, sizeof path, c, id) < 0)
		return BERTH_HEALTH_STARTING;
	_cleanup_json_ json_t *rec = json_load_file(path, 0, NULL);
	return json_is_object(rec) ? record_health(rec) : BERTH_HEALTH_STARTING;
}

/* What inspect shows of the health check: its configuration (the label)
 * and berth's record of its runs. */
int ctrd_health_fill(berth_container_info *x, const berth_client *c, const char *id, const char *label)
{
	health_conf h;
	int r = health_conf_read(&h, label);
	if (r == -EINVAL) {
		strv_release(&h.test);
		return 0;
	}
	if (r < 0) {
		strv_release(&h.test);
		return r;
	}
	x->has_healthcheck = true;
	strv_release(&x->hc_test);
	x->hc_test = h.test;
	x->hc_interval_ms = h.interval_ms;
	x->hc_timeout_ms = h.timeout_ms;
	x->hc_start_period_ms = h.start_period_ms;
	x->hc_retries = h.retries;
	x->health = BERTH_HEALTH_STARTING;
	char path[4200];
	if (health_path(path, sizeof path, c, id) < 0)
		return 0;
	_cleanup_json_ json_t *rec = json_load_file(path, 0, NULL);
	if (!json_is_object(rec))
		return 0;
	x->health = record_health(rec);
	x->failing_streak = (int)json_integer_value(json_object_get(rec, "streak"));
	json_t *log = json_object_get(rec, "log");
	size_t n = json_array_size(log);
	if (!n)
		return 0;
	health_run *runs = calloc(n, sizeof *runs);
	if (!runs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(log, i);
		runs[i].start = strdup(strempty(json_string_value(json_object_get(e, "start"))));
		runs[i].end = strdup(strempty(json_string_value(json_object_get(e, "end"))));
		runs[i].output = strdup(strempty(json_string_value(json_object_get(e, "output"))));
		runs[i].exit_code = (int)json_integer_value(json_object_get(e, "exit"));
	}
	x->health_log = runs;
	x->health_log_len = n;
	for (size_t i = 0; i < n; i++)
		if (!runs[i].start || !runs[i].end || !runs[i].output)
			return -ENOMEM;
	return 0;
}

void ctrd_health_reset(const berth_client *c, const char *id)
{
	char path[4200];
	if (health_path(path, sizeof path, c, id) == 0)
		unlink(path);
}
