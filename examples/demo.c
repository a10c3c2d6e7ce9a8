/* berth demo: what a supervisor does with a daemon, through libberth, on
 * whichever engine the machine has.
 *
 *   1. find the engine (Docker, then Podman) and say which one and why
 *   2. start a daemon container (busybox httpd) with labels and env
 *   3. show its status: state, pid, image, labels
 *   4. stop it with a grace period, show how it ended
 *   5. remove it
 *
 * Usage: berth-demo [IMAGE]   (default localhost/berth-test/busybox:latest) */
#include <berth/berth.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call) \
	do { \
		if ((call) < 0) { \
			fprintf(stderr, "berth-demo: %s: %s (%s)\n", #call, err.message, berth_code_name(err.code)); \
			goto out; \
		} \
	} while (0)

static void show(berth_client *client, const char *id)
{
	berth_error err = BERTH_ERROR_INIT;
	berth_container_info *x = NULL;
	if (berth_container_inspect(&x, client, id, &err) < 0) {
		fprintf(stderr, "berth-demo: inspect: %s\n", err.message);
		return;
	}
	printf("  %-10s %s\n", "name", berth_container_info_name(x));
	printf("  %-10s %s\n", "state", berth_state_name(berth_container_info_state(x)));
	if (berth_container_info_running(x))
		printf("  %-10s %lld\n", "pid", (long long)berth_container_info_pid(x));
	else
		printf("  %-10s %d\n", "exit code", berth_container_info_exit_code(x));
	printf("  %-10s %s\n", "image", berth_container_info_image(x));
	for (size_t i = 0; i < berth_container_info_label_count(x); i++)
		printf("  %-10s %s=%s\n", i ? "" : "labels", berth_container_info_label_key(x, i),
		       berth_container_info_label_value(x, i));
	berth_container_info_free(x);
}

int main(int argc, char **argv)
{
	const char *image = argc > 1 ? argv[1] : "localhost/berth-test/busybox:latest";
	berth_error err = BERTH_ERROR_INIT;
	berth_client *client = NULL;
	berth_spec *spec = NULL;
	char *id = NULL;
	int rc = 1;

	printf("== 1. find the engine\n");
	berth_client_options opts = BERTH_CLIENT_OPTIONS_INIT;
	opts.owner = "berth-demo";
	CHECK(berth_client_open(&client, &opts, &err));
	printf("  using %s at %s (from %s), Engine API %s\n", berth_engine_name(berth_client_engine(client)),
	       berth_client_endpoint(client), berth_client_source(client), berth_client_api_version(client));

	printf("== 2. start a daemon container\n");
	char name[64];
	snprintf(name, sizeof name, "berth-demo-%d", (int)getpid());
	const char *cmd[] = { "httpd", "-f", "-v", "-p", "8080" };
	CHECK(berth_spec_new(&spec, image, &err));
	CHECK(berth_spec_set_name(spec, name, &err));
	CHECK(berth_spec_set_cmd(spec, cmd, 5, &err));
	CHECK(berth_spec_add_env(spec, "GREETING", "hello from berth", &err));
	CHECK(berth_spec_add_label(spec, "app", "demo-web", &err));
	CHECK(berth_container_run(&id, client, spec, &err));
	printf("  started %.12s\n", id);

	printf("== 3. its status\n");
	show(client, id);

	printf("== 4. stop it (SIGTERM, SIGKILL after 2 s)\n");
	berth_stop_options so = BERTH_STOP_OPTIONS_INIT;
	so.grace_seconds = 2;
	CHECK(berth_container_stop(client, id, &so, &err));
	show(client, id);

	printf("== 5. remove it\n");
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	CHECK(berth_container_remove(client, id, &ro, &err));
	berth_container_info *gone = NULL;
	int r = berth_container_inspect(&gone, client, id, &err);
	printf("  inspect now says: %s\n", r == BERTH_ENOTFOUND ? "not found (removed)" : berth_strerror(r));
	berth_container_info_free(gone);
	rc = 0;
out:
	if (rc && id) {
		/* never leave the demo's container behind */
		berth_remove_options force = { BERTH_REMOVE_OPTIONS_VERSION, 1, 0 };
		berth_container_remove(client, id, &force, NULL);
	}
	berth_free(id);
	berth_spec_free(spec);
	berth_client_free(client);
	return rc;
}
