/* The gRPC transport against the real containerd: a server stream
 * (Events/Subscribe, filtered to this run's image events) delivers the
 * event of an image tag made meanwhile, its fd is pollable, a quiet stream
 * times out without ending, and unary calls from several threads share one
 * client; what a container's rootfs needs from an image (its top layer
 * unpacked again when it went missing). Messages are checked as bytes:
 * protobuf types stay in the backend. */
#include "conformance.h"
#include "lib/transport/grpc.h"

#include <poll.h>
#include <pthread.h>

#define SOCK "unix:///run/containerd/containerd.sock"

/* engines/containerd/ctrd_containerd.h declares it; that header brings
 * protobuf types, which stay in the backend. */
int ctrd_image_rootfs(berth_image_info **out, char chain_id[72], struct berth_client *c, const char *name,
		      berth_error *err);

/* SubscribeRequest { repeated string filters = 1; } with one filter. */
static size_t subscribe_request(uint8_t *out, const char *filter)
{
	size_t n = strlen(filter);
	out[0] = 0x0a;
	out[1] = (uint8_t)n; /* < 128 here */
	memcpy(out + 2, filter, n);
	return n + 2;
}

static bool has_bytes(const sbuf *m, const char *s)
{
	return m->len && memmem(m->data, m->len, s, strlen(s)) != NULL;
}

static void test_events_stream(void **state)
{
	(void)state;
	need_engine_up();
	char tag[128], filter[120];
	snprintf(tag, sizeof tag, "localhost/berth-t-%s/event:1", run_id);
	snprintf(filter, sizeof filter, "namespace==default,topic==\"/images/create\"");
	uint8_t req[160];
	size_t len = subscribe_request(req, filter);
	grpc_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(grpc_stream_open(&s, SOCK, "/containerd.services.events.v1.Events/Subscribe", "default", req, len, 2000,
				   &err),
		  &err);
	assert_true(grpc_stream_fd(s) >= 0);
	sbuf m = SBUF_INIT;
	/* nothing yet: a bounded wait, the stream stays open */
	int64_t t0 = now_ms_();
	int got = grpc_stream_next(s, &m, 300, &err);
	assert_true(got == BERTH_ETIMEDOUT || got == 0); /* another test may tag meanwhile */
	assert_true(now_ms_() - t0 < 2000);
	assert_ok(berth_image_tag(client, IMAGE, tag, &err), &err);
	bool seen = false;
	for (int i = 0; i < 20 && !seen; i++) {
		struct pollfd p = { .fd = grpc_stream_fd(s), .events = POLLIN };
		poll(&p, 1, 100);
		if (grpc_stream_next(s, &m, 500, &err) == 0)
			seen = has_bytes(&m, tag) && has_bytes(&m, "/images/create");
	}
	assert_true(seen);
	assert_ok(berth_image_remove(client, tag, NULL, &err), &err);
	sbuf_release(&m);
	grpc_stream_close(s);
}

static void *versions(void *arg)
{
	int *ok = arg;
	for (int i = 0; i < 25; i++) {
		berth_version *v = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_version_get(&v, client, &err) == 0)
			(*ok)++;
		berth_version_free(v);
		berth_container_list *l = NULL;
		if (berth_container_list_get(&l, client, NULL, &err) == 0)
			(*ok)++;
		berth_container_list_free(l);
	}
	return NULL;
}

static void test_threads_share_client(void **state)
{
	(void)state;
	need_engine_up();
	pthread_t t[4];
	int ok[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, versions, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(ok[i], 50);
	}
}

static void test_not_containerd(void **state)
{
	(void)state;
	need_engine_up();
	/* Docker's socket speaks HTTP/1.1: not a gRPC server */
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = BERTH_ENGINE_CONTAINERD;
	o.host = "unix:///var/run/docker.sock";
	o.timeout_ms = 2000;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_client_open(&c, &o, &err);
	if (r == BERTH_ENOTFOUND)
		skip(); /* no docker here */
	assert_code(r, BERTH_EPROTOCOL, &err);
	assert_message_has(&err, "not a gRPC server");
	assert_null(c);
	o.host = "unix:///nonexistent/containerd.sock";
	assert_code(berth_client_open(&c, &o, &err), BERTH_ENOTFOUND, &err);
}

/* What a container's rootfs needs from an image: its config and the
 * snapshot of its top layer, unpacked again when it went missing. */
static void test_image_rootfs(void **state)
{
	(void)state;
	need_engine_up();
	berth_image_info *x = NULL;
	char chain[72] = "";
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(ctrd_image_rootfs(&x, chain, client, IMAGE, &err), &err);
	assert_true(strncmp(chain, "sha256:", 7) == 0 && strlen(chain) == 71);
	assert_string_equal(berth_image_info_tag(x, 0), IMAGE);
	assert_string_equal(berth_image_info_cmd(x, 0), "sh");
	berth_image_info_free(x);
	assert_code(ctrd_image_rootfs(&x, chain, client, "localhost/berth-t-none/nothing:1", &err), BERTH_ENOTFOUND, &err);
	/* an image of this run with a layer of its own: its top snapshot
	 * removed, then unpacked again */
	char dir[64], cmd[1024], name[128];
	snprintf(dir, sizeof dir, "/tmp/berth-t-%s-ctx", run_id);
	snprintf(name, sizeof name, "localhost/berth-t-%s/rootfs:1", run_id);
	snprintf(cmd, sizeof cmd,
		 "D='/usr/bin/docker -H unix:///var/run/docker.sock'; mkdir -p %s && echo %s > %s/f && "
		 "printf 'FROM %s\\nCOPY f /f\\n' > %s/Dockerfile && DOCKER_BUILDKIT=0 $D build -q -t %s %s >/dev/null && "
		 "$D save %s -o %s/i.tar && $D rmi %s >/dev/null",
		 dir, run_id, dir, IMAGE, dir, name, dir, name, dir, name);
	if (system(cmd) != 0)
		skip();
	char tar[96];
	snprintf(tar, sizeof tar, "%s/i.tar", dir);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = tar;
	assert_ok(berth_image_import(NULL, client, &io, &err), &err);
	assert_ok(ctrd_image_rootfs(&x, chain, client, name, &err), &err);
	berth_image_info_free(x);
	snprintf(cmd, sizeof cmd, "ctr -n default snapshots rm %s && ! ctr -n default snapshots info %s >/dev/null 2>&1",
		 chain, chain);
	assert_int_equal(system(cmd), 0);
	assert_ok(ctrd_image_rootfs(&x, chain, client, name, &err), &err);
	berth_image_info_free(x);
	snprintf(cmd, sizeof cmd, "ctr -n default snapshots info %s >/dev/null", chain);
	assert_int_equal(system(cmd), 0);
	assert_ok(berth_image_remove(client, name, NULL, &err), &err);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_stream),
		cmocka_unit_test(test_threads_share_client),
		cmocka_unit_test(test_not_containerd),
		cmocka_unit_test(test_image_rootfs),
	};
	return cmocka_run_group_tests_name(conformance_group("grpc"), tests, conformance_setup, conformance_teardown);
}
