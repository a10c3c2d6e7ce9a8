/* Conformance: images already in the store (list, inspect, exists, tag,
 * remove) and the import of a docker-save archive made at test time, on
 * every engine, and of an OCI image layout; pulls from the test registries
 * that scripts/provision.sh starts (plain, password, Bearer token, TLS with
 * a CA the engines know and with one they do not), a credential helper, and
 * a Debian image with Redis that is pulled and run. containerd imports natively
 * (content, image record, unpacked snapshots); Docker and Podman through
 * /images/load. */
#include "conformance.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run a shell command of the engine's own CLI that a test needs to set
 * up; locally a failure skips the test, under CI it fails it. */
static void setup_or_skip(const char *cmd, const char *what)
{
	if (system(cmd) == 0)
		return;
	if (getenv("CI"))
		fail_msg("setting up %s with the engine's CLI failed in CI", what);
	skip();
}

static char archive[128];

/* A docker-save archive of the test image under a name of this run, made
 * with the docker CLI (skips when there is none). */
static const char *saved_archive(void)
{
	if (archive[0])
		return archive;
	char cmd[512];
	snprintf(archive, sizeof archive, "/tmp/berth-t-%s-save.tar", run_id);
	snprintf(cmd, sizeof cmd,
		 "docker tag %s localhost/berth-t-%s/saved:1 && docker save localhost/berth-t-%s/saved:1 -o %s && "
		 "docker rmi localhost/berth-t-%s/saved:1 >/dev/null",
		 IMAGE, run_id, run_id, archive, run_id);
	if (system(cmd) != 0) {
		archive[0] = '\0';
		if (getenv("CI"))
			fail_msg("docker save of the test image failed in CI");
		skip();
	}
	return archive;
}

static void test_list(void **state)
{
	(void)state;
	need_engine_up();
	berth_image_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_list_get(&l, client, NULL, &err), &err);
	bool found = false;
	for (size_t i = 0; i < berth_image_list_count(l); i++)
		for (size_t j = 0; j < berth_image_list_tag_count(l, i); j++)
			if (strcmp(berth_image_list_tag(l, i, j), IMAGE) == 0) {
				found = true;
				assert_true(strncmp(berth_image_list_id(l, i), "sha256:", 7) == 0);
				assert_int_equal(strlen(berth_image_list_id(l, i)), 71);
				assert_true(berth_image_list_size(l, i) > 100000);
				assert_true(berth_image_list_created(l, i) > 1000000000);
			}
	assert_true(found);
	assert_null(berth_image_list_id(l, 100000));
	assert_int_equal(berth_image_list_tag_count(l, 100000), 0);
	berth_image_list_free(l);
	/* a label nobody has */
	const char *labels[] = { "io.berth.test.none=x" };
	berth_image_list_options lo = BERTH_IMAGE_LIST_OPTIONS_INIT;
	lo.labels = labels;
	lo.label_count = 1;
	assert_ok(berth_image_list_get(&l, client, &lo, &err), &err);
	assert_int_equal(berth_image_list_count(l), 0);
	berth_image_list_free(l);
	const char *bad[] = { "=x" };
	lo.labels = bad;
	assert_code(berth_image_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
	lo.version = 99;
	assert_code(berth_image_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
}

static void test_inspect(void **state)
{
	(void)state;
	need_engine_up();
	berth_image_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_inspect(&x, client, IMAGE, &err), &err);
	assert_true(strncmp(berth_image_info_id(x), "sha256:", 7) == 0);
	assert_string_equal(berth_image_info_os(x), "linux");
	assert_true(strlen(berth_image_info_architecture(x)) > 0);
	assert_int_equal(berth_image_info_cmd_count(x), 1);
	assert_string_equal(berth_image_info_cmd(x, 0), "sh");
	bool tagged = false;
	for (size_t i = 0; i < berth_image_info_tag_count(x); i++)
		tagged |= strcmp(berth_image_info_tag(x, i), IMAGE) == 0;
	assert_true(tagged);
	assert_true(strstr(berth_image_info_raw_json(x), "\"Cmd\"") != NULL);
	char id[80];
	snprintf(id, sizeof id, "%s", berth_image_info_id(x));
	berth_image_info_free(x);
	/* by id, and by a short id */
	assert_ok(berth_image_inspect(&x, client, id, &err), &err);
	assert_string_equal(berth_image_info_id(x), id);
	berth_image_info_free(x);
	char short_id[16];
	snprintf(short_id, sizeof short_id, "%.12s", id + 7);
	assert_ok(berth_image_inspect(&x, client, short_id, &err), &err);
	assert_string_equal(berth_image_info_id(x), id);
	berth_image_info_free(x);
	/* the health image: env, exposed port; its HEALTHCHECK where the
	 * engine's image format keeps one (Podman builds OCI images: none) */
	assert_ok(berth_image_inspect(&x, client, HEALTH_IMAGE, &err), &err);
	assert_int_equal(berth_image_info_exposed_port_count(x), 1);
	assert_string_equal(berth_image_info_exposed_port(x, 0), "8080/tcp");
	bool env = false;
	for (size_t i = 0; i < berth_image_info_env_count(x); i++)
		env |= strcmp(berth_image_info_env(x, i), "BERTH_IMAGE=health") == 0;
	assert_true(env);
	if (engine != BERTH_ENGINE_PODMAN) {
		assert_true(berth_image_info_has_healthcheck(x));
		assert_int_equal(berth_image_info_health_test_count(x), 2);
		assert_string_equal(berth_image_info_health_test(x, 0), "CMD-SHELL");
		assert_int_equal(berth_image_info_health_interval_ms(x), 1000);
		assert_int_equal(berth_image_info_health_retries(x), 2);
	}
	berth_image_info_free(x);
	x = NULL;
	/* missing and malformed names */
	assert_code(berth_image_inspect(&x, client, "localhost/berth-t-none/nothing:1", &err), BERTH_ENOTFOUND, &err);
	assert_null(x);
	assert_code(berth_image_inspect(&x, client, "", &err), BERTH_EINVAL, &err);
	assert_code(berth_image_inspect(&x, client, "has space:1", &err), BERTH_EINVAL, &err);
	int there = -1;
	assert_ok(berth_image_exists(&there, client, IMAGE, &err), &err);
	assert_int_equal(there, 1);
	assert_ok(berth_image_exists(&there, client, "localhost/berth-t-none/nothing:1", &err), &err);
	assert_int_equal(there, 0);
	assert_code(berth_image_exists(&there, client, "", &err), BERTH_EINVAL, &err);
}

static void test_tag_remove(void **state)
{
	(void)state;
	need_engine_up();
	const char *t = image_name_of("tagged");
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_tag(client, IMAGE, t, &err), &err);
	berth_image_info *a = NULL, *b = NULL;
	assert_ok(berth_image_inspect(&a, client, IMAGE, &err), &err);
	assert_ok(berth_image_inspect(&b, client, t, &err), &err);
	assert_string_equal(berth_image_info_id(a), berth_image_info_id(b));
	berth_image_info_free(a);
	berth_image_info_free(b);
	/* again: the name moves (here: to the same image), no error */
	assert_ok(berth_image_tag(client, IMAGE, t, &err), &err);
	assert_ok(berth_image_remove(client, t, NULL, &err), &err);
	assert_code(berth_image_inspect(&b, client, t, &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_image_remove(client, t, NULL, &err), BERTH_ENOTFOUND, &err);
	/* the original is untouched */
	int there = 0;
	assert_ok(berth_image_exists(&there, client, IMAGE, &err), &err);
	assert_int_equal(there, 1);
	/* bad input, before any request */
	assert_code(berth_image_tag(client, "localhost/berth-t-none/nothing:1", image_name_of("x"), &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_image_tag(client, IMAGE, "", &err), BERTH_EINVAL, &err);
	assert_code(berth_image_tag(client, IMAGE, "localhost/x@sha256:abc", &err), BERTH_EINVAL, &err);
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	ro.version = 7;
	assert_code(berth_image_remove(client, IMAGE, &ro, &err), BERTH_EINVAL, &err);
	assert_code(berth_image_remove(client, "", NULL, &err), BERTH_EINVAL, &err);
}

static void test_import(void **state)
{
	(void)state;
	need_engine_up();
	const char *path = saved_archive();
	char want[128];
	snprintf(want, sizeof want, "localhost/berth-t-%s/saved:1", run_id);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = path;
	char *names = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_import(&names, client, &io, &err), &err);
	assert_non_null(strstr(names, want));
	berth_free(names);
	berth_image_info *x = NULL, *orig = NULL;
	assert_ok(berth_image_inspect(&x, client, want, &err), &err);
	assert_ok(berth_image_inspect(&orig, client, IMAGE, &err), &err);
	/* the same config as the image it was saved from (where that came
	 * from Docker too: Podman built its own test image) */
	if (engine != BERTH_ENGINE_PODMAN)
		assert_string_equal(berth_image_info_id(x), berth_image_info_id(orig));
	assert_int_equal(berth_image_info_cmd_count(x), 1);
	assert_string_equal(berth_image_info_cmd(x, 0), "sh");
	berth_image_info_free(x);
	berth_image_info_free(orig);
	assert_ok(berth_image_remove(client, want, NULL, &err), &err);
	/* from an fd (a pipe: read to its end), names not asked for */
	pid_t pid;
	int fd = pipe_from_file(path, &pid);
	io = (berth_image_import_options)BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.fd = fd;
	assert_ok(berth_image_import(NULL, client, &io, &err), &err);
	close(fd);
	waitpid(pid, NULL, 0);
	assert_ok(berth_image_remove(client, want, NULL, &err), &err);
	/* bad input */
	io = (berth_image_import_options)BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_EINVAL, &err);
	io.path = path;
	io.fd = 0;
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_EINVAL, &err);
	io.fd = -1;
	io.path = "/nonexistent/berth.tar";
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_ENOTFOUND, &err);
	/* not an archive: a tar reader's or the engine's refusal */
	char junk[64];
	snprintf(junk, sizeof junk, "/tmp/berth-t-%s-junk.tar", run_id);
	FILE *f = fopen(junk, "w");
	for (int i = 0; i < 200; i++)
		fputs("not a tar archive ", f);
	fclose(f);
	io.path = junk;
	int r = berth_image_import(NULL, client, &io, &err);
	unlink(junk);
	assert_true(r == BERTH_EINVAL || r == BERTH_EENGINE || r == BERTH_EPROTOCOL);
}

/* An OCI image layout archive (index.json, blobs/sha256/...), made by the
 * podman CLI: containerd imports it natively, Podman loads it, Docker 20.10
 * cannot (its /images/load wants manifest.json). */
static void test_import_oci_layout(void **state)
{
	(void)state;
	need_engine_up();
	char path[128], name[128], cmd[768];
	snprintf(path, sizeof path, "/tmp/berth-t-%s-oci.tar", run_id);
	snprintf(name, sizeof name, "localhost/berth-t-%s/oci:1", run_id);
	snprintf(cmd, sizeof cmd,
		 "P='podman --url unix:///run/podman/podman.sock'; $P tag %s %s && $P save --format oci-archive -o %s %s "
		 ">/dev/null && $P rmi %s >/dev/null",
		 IMAGE, name, path, name, name);
	setup_or_skip(cmd, "an OCI archive");
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = path;
	char *names = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_image_import(&names, client, &io, &err);
	unlink(path);
	if (engine == BERTH_ENGINE_DOCKER) {
		assert_true(r == BERTH_EENGINE || r == BERTH_EINVAL);
		return;
	}
	assert_ok(r, &err);
	assert_non_null(strstr(names, name));
	berth_free(names);
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, name, &err), &err);
	assert_int_equal(berth_image_info_cmd_count(x), 1);
	berth_image_info_free(x);
	assert_ok(berth_image_remove(client, name, NULL, &err), &err);
}

static int teardown(void **state)
{
	if (archive[0])
		unlink(archive);
	/* the scratch directories of the credential tests, should one have failed */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf /tmp/berth-t-%s-creds /tmp/berth-t-%s-tls /tmp/berth-t-%s-bearer /tmp/berth-t-%s-helper",
		 run_id, run_id, run_id, run_id);
	if (system(cmd) != 0)
		return -1;
	/* the names this run gives images, should a failed test have left one */
	static const char *const mine[] = { "saved", "oci", "tagged" };
	for (size_t i = 0; client && i < sizeof mine / sizeof mine[0]; i++) {
		char name[128];
		snprintf(name, sizeof name, "localhost/berth-t-%s/%s:1", run_id, mine[i]);
		berth_image_remove(client, name, NULL, NULL);
	}
	return conformance_teardown(state);
}

/* ---- pull ------------------------------------------------------------------------ */

/* an image of the test registry (REGISTRY: conformance.h) */
#define PULLED REGISTRY "/berth-test/busybox:latest"

static void need_registry(void)
{
	need_port(5000, "the test registry");
}

/* The digest the test registry gives REPO:TAG ("sha256:..."). */
static void registry_digest(const char *repo, const char *tag, char *out, size_t size)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "curl -sf -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, "
		 "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
		 "application/vnd.docker.distribution.manifest.list.v2+json' http://" REGISTRY "/v2/%s/manifests/%s | "
		 "tr -d '\\r' | "
		 "sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'",
		 repo, tag);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, (int)size, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	assert_true(strncmp(out, "sha256:", 7) == 0);
}

/* Delete the manifest REPO:TAG from the registry (through the anonymous
 * instance, which shares the storage): what a test pushed, nothing else. */
static void registry_delete(const char *repo, const char *tag)
{
	char digest[128], cmd[512];
	registry_digest(repo, tag, digest, sizeof digest);
	snprintf(cmd, sizeof cmd, "curl -sf -X DELETE http://" REGISTRY "/v2/%s/manifests/%s", repo, digest);
	assert_int_equal(system(cmd), 0);
}

static void test_pull(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull")) {
		berth_stream *none = NULL;
		berth_error e = BERTH_ERROR_INIT;
		assert_code(berth_image_pull(&none, client, PULLED, NULL, &e), BERTH_EUNSUPPORTED, &e);
		assert_null(none);
		conformance_pass();
	}
	need_registry();
	image_drop(PULLED);
	/* the stream: well-formed frames, PULLED last, then the end */
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_pull(&s, client, REGISTRY "/berth-test/busybox", NULL, &err), &err);
	berth_frame f;
	int r, frames = 0;
	berth_progress_phase last = 0;
	while ((r = berth_stream_next(s, &f, 60000, &err)) == 0) {
		const berth_image_progress *p = f.item;
		assert_non_null(p);
		assert_int_equal(f.channel, BERTH_CHANNEL_SYSTEM);
		assert_non_null(f.data);
		last = berth_image_progress_phase(p);
		assert_true(last >= BERTH_PROGRESS_RESOLVING && last <= BERTH_PROGRESS_FINISHED);
		assert_string_not_equal(berth_progress_phase_name(last), "unknown");
		assert_true(berth_image_progress_current(p) >= -1 && berth_image_progress_total(p) >= -1);
		if (berth_image_progress_total(p) > 0)
			assert_true(berth_image_progress_current(p) <= berth_image_progress_total(p));
		assert_non_null(berth_image_progress_message(p));
		frames++;
	}
	assert_code(r, BERTH_ITEROVER, &err);
	assert_int_equal(last, BERTH_PROGRESS_FINISHED);
	assert_true(frames >= 2);
	berth_stream_free(s);
	/* containerd: what `ctr images check` finds of it, as after its own
	 * pull: every blob there, and unpacked */
	if (engine == BERTH_ENGINE_CONTAINERD)
		assert_int_equal(system("ctr -n default images check 'name==" PULLED "' | "
					"grep -q 'complete ([0-9]*/[0-9]*).* true *$'"),
				 0);
	/* in the store under its full name, with the digest it came by */
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, PULLED, &err), &err);
	assert_true(berth_image_info_digest_count(x) >= 1);
	/* among its digests the one the registry serves the tag by now (an
	 * engine may keep older ones of the same image) */
	char served[80] = "", by_digest[256] = "";
	registry_digest("berth-test/busybox", "latest", served, sizeof served);
	snprintf(by_digest, sizeof by_digest, REGISTRY "/berth-test/busybox@%s", served);
	bool has_served = false;
	for (size_t i = 0; i < berth_image_info_digest_count(x); i++)
		has_served = has_served || strcmp(berth_image_info_digest(x, i), by_digest) == 0;
	if (!has_served)
		fail_msg("%s: the pulled image's digests lack %s", PULLED, by_digest);
	char id[80];
	snprintf(id, sizeof id, "%s", berth_image_info_id(x));
	berth_image_info_free(x);

	/* by digest, waiting: the same image */
	image_drop(PULLED);
	assert_ok(berth_image_pull_wait(&x, client, by_digest, NULL, &err), &err);
	assert_non_null(x);
	assert_string_equal(berth_image_info_id(x), id);
	berth_image_info_free(x);
	/* again, with the image there: still a complete stream */
	assert_ok(berth_image_pull_wait(NULL, client, PULLED, NULL, &err), &err);
	image_drop(PULLED);
	image_drop(by_digest);
}

static void test_pull_faults(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_registry();
	berth_error err = BERTH_ERROR_INIT;
	/* no such tag, no such repository: whether the engine says so before
	 * its stream or inside it */
	assert_code(berth_image_pull_wait(NULL, client, REGISTRY "/berth-test/busybox:no-such-tag", NULL, &err),
		    BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "no-such-tag");
	assert_code(berth_image_pull_wait(NULL, client, REGISTRY "/berth-test/nothing-here:1", NULL, &err),
		    BERTH_ENOTFOUND, &err);
	/* a registry that is not there */
	assert_code(berth_image_pull_wait(NULL, client, "127.0.0.1:5009/berth-test/busybox:1", NULL, &err),
		    BERTH_EUNAVAILABLE, &err);
	assert_message_has(&err, "127.0.0.1:5009");
	/* bad input, before any request */
	berth_stream *s = NULL;
	assert_code(berth_image_pull(&s, client, "Bad/Ref", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_image_pull(&s, client, "", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_image_pull(&s, client, "sha256:0123", NULL, &err), BERTH_EINVAL, &err);
	berth_pull_options o = BERTH_PULL_OPTIONS_INIT;
	o.all_tags = 1;
	assert_code(berth_image_pull(&s, client, PULLED, &o, &err), BERTH_EINVAL, &err);
	o.all_tags = 0;
	o.platform = "linux";
	assert_code(berth_image_pull(&s, client, PULLED, &o, &err), BERTH_EINVAL, &err);
	o.platform = "linux/amd64/v2/x";
	assert_code(berth_image_pull(&s, client, PULLED, &o, &err), BERTH_EINVAL, &err);
	o.platform = NULL;
	o.version = 9;
	assert_code(berth_image_pull(&s, client, PULLED, &o, &err), BERTH_EINVAL, &err);
	assert_null(s);
}

/* Search: a registry's repositories where the engine can ask it (Podman
 * and containerd read its catalog); Docker asks the v1 search API, which
 * the test registry lacks: an error with the engine's words. */
static void test_search(void **state)
{
	(void)state;
	need_engine_up();
	need_registry();
	berth_search_result *res = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_image_search(&res, client, REGISTRY "/busybox", NULL, &err);
	if (engine == BERTH_ENGINE_DOCKER) {
		assert_true(r < 0);
		assert_true(err.message[0] != '\0');
		assert_null(res);
	} else {
		assert_ok(r, &err);
		bool found = false;
		for (size_t i = 0; i < berth_search_result_count(res); i++) {
			assert_non_null(strstr(berth_search_result_name(res, i), "busybox"));
			found |= strcmp(berth_search_result_name(res, i), REGISTRY "/berth-test/busybox") == 0;
		}
		assert_true(found);
		berth_search_result_free(res);
		/* the limit holds */
		berth_search_options o = BERTH_SEARCH_OPTIONS_INIT;
		o.limit = 1;
		assert_ok(berth_image_search(&res, client, REGISTRY "/berth-test", &o, &err), &err);
		assert_int_equal(berth_search_result_count(res), 1);
		berth_search_result_free(res);
		/* nothing matches: no error, nothing found */
		assert_ok(berth_image_search(&res, client, REGISTRY "/no-such-thing-here", NULL, &err), &err);
		assert_int_equal(berth_search_result_count(res), 0);
		berth_search_result_free(res);
	}
	if (engine == BERTH_ENGINE_CONTAINERD)
		assert_code(berth_image_search(&res, client, "redis", NULL, &err), BERTH_EUNSUPPORTED, &err);
	/* a registry that is not there; bad input before any request */
	assert_true(berth_image_search(&res, client, "127.0.0.1:5009/busybox", NULL, &err) < 0);
	assert_code(berth_image_search(&res, client, "", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_image_search(&res, client, "a\nb", NULL, &err), BERTH_EINVAL, &err);
	berth_search_options bad = BERTH_SEARCH_OPTIONS_INIT;
	bad.limit = 101;
	assert_code(berth_image_search(&res, client, "busybox", &bad, &err), BERTH_EINVAL, &err);
	bad.limit = 0;
	bad.version = 9;
	assert_code(berth_image_search(&res, client, "busybox", &bad, &err), BERTH_EINVAL, &err);
}

/* All tags: a repository of this run with two tags (pushed by the
 * engine), pulled back whole into a store that has neither. */
static void test_pull_all_tags(void **state)
{
	(void)state;
	need_engine_up();
	need_registry();
	char repo[128], name[160], t1[180], t2[180];
	snprintf(repo, sizeof repo, "berth-test/tags-%s", run_id);
	snprintf(name, sizeof name, REGISTRY "/%s", repo);
	snprintf(t1, sizeof t1, "%s:1", name);
	snprintf(t2, sizeof t2, "%s:2", name);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_tag(client, IMAGE, t1, &err), &err);
	assert_ok(berth_image_tag(client, IMAGE, t2, &err), &err);
	assert_ok(berth_image_push_wait(NULL, client, t1, NULL, &err), &err);
	assert_ok(berth_image_push_wait(NULL, client, t2, NULL, &err), &err);
	image_drop(t1);
	image_drop(t2);
	berth_pull_options o = BERTH_PULL_OPTIONS_INIT;
	o.all_tags = 1;
	berth_image_info *x = NULL;
	int r = berth_image_pull_wait(&x, client, name, &o, &err);
	assert_null(x); /* all tags: no single image to inspect */
	if (engine == BERTH_ENGINE_PODMAN && r == BERTH_EUNAVAILABLE &&
	    strstr(err.message, "HTTP response to HTTPS client")) {
		/* Podman 4.3 lists the tags over HTTPS whatever tlsVerify says:
		 * a plain-HTTP registry cannot be pulled whole there */
		registry_delete(repo, "1");
		return;
	}
	assert_ok(r, &err);
	int there = 0;
	assert_ok(berth_image_exists(&there, client, t1, &err), &err);
	assert_int_equal(there, 1);
	assert_ok(berth_image_exists(&there, client, t2, &err), &err);
	assert_int_equal(there, 1);
	image_drop(t1);
	image_drop(t2);
	/* both tags name one manifest: deleting it by digest takes both */
	registry_delete(repo, "1");
}

/* A front for the test registry that injects a fault into layer
 * downloads (tests/scripts/fault-registry.py); its pid, 0 when it could
 * not be started. */
static pid_t fault_registry(const char *mode, int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	assert_true(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
		    getsockname(fd, (struct sockaddr *)&a, &al) == 0);
	*port = ntohs(a.sin_port);
	close(fd);
	char script[512], portarg[16];
	const char *src = getenv("BERTH_SOURCE_DIR");
	snprintf(script, sizeof script, "%s/tests/scripts/fault-registry.py", src ? src : ".");
	snprintf(portarg, sizeof portarg, "%d", *port);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execlp("python3", "python3", script, portarg, REGISTRY, mode, (char *)NULL);
		_exit(127);
	}
	/* up when it answers /v2/ */
	for (int i = 0; i < 100; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool up = c >= 0 && connect(c, (struct sockaddr *)&a, sizeof a) == 0;
		if (c >= 0)
			close(c);
		if (up)
			return pid;
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fail_msg("the fault registry did not come up on port %d", *port);
	return 0;
}

/* How many of containerd's leases this process's pulls hold (default
 * namespace; their ids are berth-pull-PID-...). */
static int pull_leases(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "ctr -n default leases ls -q 2>/dev/null | grep -c '^berth-pull-%d-'", (int)getpid());
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

/* Faults in the middle of berth's own pull (containerd; Docker and
 * Podman pull with their own clients): a layer whose bytes do not match
 * its digest, a registry that dies half-way through a layer. Each ends
 * the pull with its own error, leaves no image, no lease and no blob
 * under the layer's digest, and a later pull from the sound registry
 * works. */
static void test_pull_registry_faults(void **state)
{
	(void)state;
	need_engine_up();
	if (berth_client_engine(client) != BERTH_ENGINE_CONTAINERD)
		conformance_pass();
	need_registry();
	static const struct {
		const char *mode;
		int code;
		const char *says;
	} faults[] = {
		{ "corrupt", BERTH_EPROTOCOL, "hash to" },
		{ "die", BERTH_EUNAVAILABLE, "blob sha256:" },
	};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		int port;
		pid_t pid = fault_registry(faults[i].mode, &port);
		char ref[128];
		snprintf(ref, sizeof ref, "127.0.0.1:%d/berth-test/busybox:latest", port);
		berth_error err = BERTH_ERROR_INIT;
		int r = berth_image_pull_wait(NULL, client, ref, NULL, &err);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		if (r != faults[i].code)
			fail_msg("%s: pull gave %s (%s), not %s", faults[i].mode, berth_code_name(r), err.message,
				 berth_code_name(faults[i].code));
		assert_message_has(&err, faults[i].says);
		int there = 1;
		assert_ok(berth_image_exists(&there, client, ref, &err), &err);
		assert_int_equal(there, 0);
		assert_int_equal(pull_leases(), 0);
	}
	/* the registry sound again: the pull goes through */
	image_drop(PULLED);
	assert_ok(berth_image_pull_wait(NULL, client, PULLED, NULL, NULL), NULL);
	assert_int_equal(pull_leases(), 0);
	image_drop(PULLED);
}

/* Disk full in the content store (containerd: berth writes it): a
 * containerd of the test's own on a 24 MiB tmpfs is asked to pull the
 * Redis image (62 MB of layers). The pull fails naming the lack of space,
 * leaves no image, no lease and no half-written ingest (the space is
 * free again), and a small pull works after. */
static void test_pull_disk_full(void **state)
{
	(void)state;
	need_engine_up();
	if (berth_client_engine(client) != BERTH_ENGINE_CONTAINERD || geteuid() != 0)
		conformance_pass();
	need_registry();
	char dir[96], cmd[4096], sock[128];
	snprintf(dir, sizeof dir, "/tmp/berth-t-%s-full", run_id);
	snprintf(sock, sizeof sock, "%s/state/containerd.sock", dir);
	/* its own root on a small tmpfs, its own state and socket, no CRI */
	snprintf(cmd, sizeof cmd,
		 "set -e; mkdir -p %s/root %s/state && mount -t tmpfs -o size=24m berth-t-full %s/root && "
		 "printf 'version = 2\\nroot = \"%s/root\"\\nstate = \"%s/state\"\\n"
		 "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\\n[grpc]\\n  address = \"%s\"\\n"
		 "[plugins]\\n  [plugins.\"io.containerd.internal.v1.opt\"]\\n    path = \"%s/root/opt\"\\n' > %s/config.toml && "
		 "(containerd -c %s/config.toml >%s/log 2>&1 & echo $! > %s/pid) && "
		 "for i in $(seq 1 100); do [ -S %s ] && ctr --address %s version >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1",
		 dir, dir, dir, dir, dir, sock, dir, dir, dir, dir, dir, sock, sock);
	int up = system(cmd);
	berth_client *small = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = -1;
	char stop[1024];
	snprintf(stop, sizeof stop,
		 "kill $(cat %s/pid) 2>/dev/null; for i in $(seq 1 50); do kill -0 $(cat %s/pid) 2>/dev/null || break; "
		 "sleep 0.1; done; umount %s/root 2>/dev/null; rm -rf %s",
		 dir, dir, dir, dir);
	if (up == 0) {
		berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
		o.engine = BERTH_ENGINE_CONTAINERD;
		char uri[220];
		snprintf(uri, sizeof uri, "unix://%s", sock);
		o.host = uri;
		o.containerd_namespace = "default";
		r = berth_client_open(&small, &o, &err);
	}
	if (up != 0 || r < 0) {
		(void)!system(stop);
		fail_msg("could not start a containerd of the test's own (%s)", up ? "see its log" : err.message);
	}
	r = berth_image_pull_wait(NULL, small, REGISTRY "/berth-test/redis:bookworm", NULL, &err);
	int there = 1;
	berth_error e2 = BERTH_ERROR_INIT;
	int ex = berth_image_exists(&there, small, REGISTRY "/berth-test/redis:bookworm", &e2);
	char check[1024];
	snprintf(check, sizeof check,
		 "[ -z \"$(ctr --address %s -n default leases ls -q)\" ] && "
		 "[ \"$(ctr --address %s -n default content active | wc -l)\" = 1 ]",
		 sock, sock);
	int clean = system(check);
	berth_error e3 = BERTH_ERROR_INIT;
	int after = berth_image_pull_wait(NULL, small, PULLED, NULL, &e3);
	berth_client_free(small);
	if (r < 0 && !strstr(err.message, "no space left on device")) {
		/* what containerd said, for the failure below */
		char tail[256];
		snprintf(tail, sizeof tail, "tail -n 40 %s/log >&2", dir);
		(void)!system(tail);
	}
	(void)!system(stop);
	if (r == 0)
		fail_msg("a pull of 62 MB into 24 MiB succeeded");
	assert_message_has(&err, "no space left on device");
	assert_ok(ex, &e2);
	assert_int_equal(there, 0);
	assert_int_equal(clean, 0);
	assert_ok(after, &e3);
}

/* A tag whose index offers only another platform (linux/arm64): no
 * image, BERTH_ENOTFOUND naming the platform, on every engine. */
static void test_pull_other_platform(void **state)
{
	(void)state;
	need_engine_up();
	need_registry();
	int port;
	pid_t pid = fault_registry("foreign", &port);
	char ref[128];
	snprintf(ref, sizeof ref, "127.0.0.1:%d/berth-test/busybox:latest", port);
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_image_pull_wait(NULL, client, ref, NULL, &err);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	assert_code(r, BERTH_ENOTFOUND, &err);
	assert_message_has(&err, "amd64");
	int there = 1;
	assert_ok(berth_image_exists(&there, client, ref, &err), &err);
	assert_int_equal(there, 0);
}

/* The spec's pull policy: create pulls (or not) before it makes anything. */
static void test_pull_policy(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_registry();
	image_drop(PULLED);
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *s = spec_of_image(PULLED, name_of("pulled"), NULL, 0);
	assert_int_equal(berth_spec_pull_policy(s), BERTH_PULL_NEVER);
	char *id = NULL;
	assert_code(berth_container_create(&id, client, s, &err), BERTH_ENOTFOUND, &err);
	assert_null(id);
	assert_ok(berth_spec_set_pull_policy(s, BERTH_PULL_MISSING, &err), &err);
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	force_remove(id);
	berth_free(id);
	int there = 0;
	assert_ok(berth_image_exists(&there, client, PULLED, &err), &err);
	assert_int_equal(there, 1);
	assert_ok(berth_spec_set_pull_policy(s, BERTH_PULL_ALWAYS, &err), &err);
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	force_remove(id);
	berth_free(id);
	id = NULL;
	/* a pull that fails: nothing is created */
	berth_spec *bad = spec_of_image(REGISTRY "/berth-test/busybox:no-such-tag", name_of("unpulled"), NULL, 0);
	assert_ok(berth_spec_set_pull_policy(bad, BERTH_PULL_MISSING, &err), &err);
	assert_code(berth_container_create(&id, client, bad, &err), BERTH_ENOTFOUND, &err);
	assert_null(id);
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect(&x, client, name_of("unpulled"), &err), BERTH_ENOTFOUND, &err);
	berth_spec_free(bad);
	/* the words */
	berth_pull_policy policy;
	assert_ok(berth_pull_policy_parse(&policy, "always", &err), &err);
	assert_int_equal(policy, BERTH_PULL_ALWAYS);
	assert_code(berth_pull_policy_parse(&policy, "sometimes", &err), BERTH_EINVAL, &err);
	assert_code(berth_spec_set_pull_policy(s, (berth_pull_policy)7, &err), BERTH_EINVAL, &err);
	berth_spec_free(s);
	image_drop(PULLED);
}

/* Push round trip: push under a repository of this run, remove the
 * image here, pull it back: the same image (and on Docker the digest the
 * push reported). The run's manifests are deleted from the registry
 * afterwards (nothing else of it). */
static void test_push(void **state)
{
	(void)state;
	need_engine_up();
	berth_error err = BERTH_ERROR_INIT;
	char ref[160];
	snprintf(ref, sizeof ref, REGISTRY "/berth-test/push-%s:1", run_id);
	if (engine_lacks("image_push")) {
		berth_stream *none = NULL;
		assert_code(berth_image_push(&none, client, ref, NULL, &err), BERTH_EUNSUPPORTED, &err);
		conformance_pass();
	}
	need_registry();
	assert_ok(berth_image_tag(client, IMAGE, ref, &err), &err);
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, ref, &err), &err);
	char id[80];
	snprintf(id, sizeof id, "%s", berth_image_info_id(x));
	berth_image_info_free(x);
	/* the stream: well-formed, some layer line, no error */
	berth_stream *s = NULL;
	assert_ok(berth_image_push(&s, client, ref, NULL, &err), &err);
	berth_frame f;
	int r, layers = 0;
	while ((r = berth_stream_next(s, &f, 60000, &err)) == 0) {
		berth_progress_phase ph = berth_image_progress_phase(f.item);
		assert_true(ph >= BERTH_PROGRESS_RESOLVING && ph <= BERTH_PROGRESS_FINISHED);
		layers += berth_image_progress_layer(f.item)[0] != '\0';
	}
	assert_code(r, BERTH_ITEROVER, &err);
	assert_true(layers >= 1);
	berth_stream_free(s);
	/* again, waiting: the digest where the engine says it */
	char *digest = NULL;
	assert_ok(berth_image_push_wait(&digest, client, ref, NULL, &err), &err);
	assert_non_null(digest);
	if (engine != BERTH_ENGINE_PODMAN)
		assert_true(strncmp(digest, "sha256:", 7) == 0 && strlen(digest) == 71);
	/* round trip */
	image_drop(ref);
	assert_ok(berth_image_pull_wait(&x, client, ref, NULL, &err), &err);
	assert_string_equal(berth_image_info_id(x), id);
	bool same_digest = !digest[0];
	for (size_t i = 0; i < berth_image_info_digest_count(x); i++)
		if (digest[0] && strstr(berth_image_info_digest(x, i), digest))
			same_digest = true;
	assert_true(same_digest);
	berth_image_info_free(x);
	image_drop(ref);
	/* from the registry: this run's repository only */
	char repo[64];
	snprintf(repo, sizeof repo, "berth-test/push-%s", run_id);
	registry_delete(repo, "1");
	berth_free(digest);
	/* bad input and a missing image */
	berth_stream *none = NULL;
	assert_code(berth_image_push(&none, client, "sha256:0123", NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_image_push(&none, client, REGISTRY "/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				     NULL, &err), BERTH_EINVAL, &err);
	snprintf(ref, sizeof ref, REGISTRY "/berth-test/push-%s:none", run_id);
	assert_code(berth_image_push_wait(NULL, client, ref, NULL, &err), BERTH_ENOTFOUND, &err);
}

/* History: the health image's steps, newest first, on every engine. */
static void test_history(void **state)
{
	(void)state;
	need_engine_up();
	berth_image_history *h = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_history_get(&h, client, HEALTH_IMAGE, &err), &err);
	size_t n = berth_image_history_count(h);
	assert_true(n >= 2);
	size_t with_layer = 0, healthcheck = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(berth_image_history_created(h, i) <= berth_image_history_created(h, i - 1));
		assert_true(berth_image_history_created(h, i) > 1600000000);
		with_layer += berth_image_history_size(h, i) > 1000000;
		healthcheck += strstr(berth_image_history_created_by(h, i), "HEALTHCHECK") != NULL;
	}
	assert_int_equal(with_layer, 1);      /* the one ADD of the busybox tree */
	assert_int_equal(healthcheck, 1);
	assert_true(berth_image_history_size(h, n - 1) > 1000000); /* the base step is the oldest */
	/* the newest step is the image itself (Podman 4.3 names it otherwise) */
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, HEALTH_IMAGE, &err), &err);
	const char *id = berth_image_info_id(x), *top = berth_image_history_id(h, 0);
	if (engine != BERTH_ENGINE_PODMAN)
		assert_non_null(strstr(id, strncmp(top, "sha256:", 7) == 0 ? top + 7 : top));
	else
		assert_string_not_equal(top, "<missing>");
	berth_image_info_free(x);
	berth_image_history_free(h);
	assert_code(berth_image_history_get(&h, client, "localhost/berth-t-none/nothing:1", &err), BERTH_ENOTFOUND, &err);
	assert_code(berth_image_history_get(&h, client, "Bad/Name", &err), BERTH_EINVAL, &err);
}

/* Prune with a label filter: only the run's labelled image goes (it is
 * built with the engine's own CLI, FROM the test image). */
static void test_image_prune(void **state)
{
	(void)state;
	need_engine_up();
	berth_error err = BERTH_ERROR_INIT;
	char label[128];
	snprintf(label, sizeof label, "io.berth.test.prune=%s", run_id);
	const char *labels[] = { label };
	berth_image_prune_options o = BERTH_IMAGE_PRUNE_OPTIONS_INIT;
	o.all = 1;
	o.labels = labels;
	o.label_count = 1;
	berth_prune_result *res = NULL;
	if (engine_lacks("image_prune")) {
		assert_code(berth_image_prune(&res, client, &o, &err), BERTH_EUNSUPPORTED, &err);
		conformance_pass();
	}
	char dir[128], cmd[2048];
	snprintf(dir, sizeof dir, "/tmp/berth-t-%s-prune", run_id);
	/* containerd builds nothing: Docker builds it, containerd imports its save */
	char to_ctrd[512] = "";
	if (engine == BERTH_ENGINE_CONTAINERD)
		snprintf(to_ctrd, sizeof to_ctrd,
			 " && docker save localhost/berth-t-%s/pruneme:1 | ctr -n default images import - >/dev/null && "
			 "docker rmi localhost/berth-t-%s/pruneme:1 >/dev/null",
			 run_id, run_id);
	(void)!snprintf(cmd, sizeof cmd,
		 "mkdir -p %s && printf 'FROM %s\\nLABEL %s\\n' > %s/Containerfile && "
		 "%s build -q -f %s/Containerfile -t localhost/berth-t-%s/pruneme:1 %s >/dev/null 2>&1%s; r=$?; rm -rf %s; exit $r",
		 dir, IMAGE, label, dir,
		 engine == BERTH_ENGINE_PODMAN ? "podman --url unix:///run/podman/podman.sock" : "DOCKER_BUILDKIT=0 docker",
		 dir, run_id, dir, to_ctrd, dir);
	setup_or_skip(cmd, "a labelled image");
	char name[128];
	snprintf(name, sizeof name, "localhost/berth-t-%s/pruneme:1", run_id);
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, name, &err), &err);
	char id[80];
	snprintf(id, sizeof id, "%s", berth_image_info_id(x));
	berth_image_info_free(x);
	/* dangling only: a named image stays */
	o.all = 0;
	assert_ok(berth_image_prune(&res, client, &o, &err), &err);
	assert_int_equal(berth_prune_result_count(res), 0);
	berth_prune_result_free(res);
	o.all = 1;
	assert_ok(berth_image_prune(&res, client, &o, &err), &err);
	/* the image (Docker's legacy builder may leave a labelled parent too) */
	bool gone = false;
	for (size_t i = 0; i < berth_prune_result_count(res); i++)
		gone |= strstr(id, berth_prune_result_id(res, i)) != NULL;
	assert_true(gone);
	berth_prune_result_free(res);
	assert_code(berth_image_inspect(&x, client, name, &err), BERTH_ENOTFOUND, &err);
	int there = 0;
	assert_ok(berth_image_exists(&there, client, IMAGE, &err), &err);
	assert_int_equal(there, 1);
	/* bad input */
	const char *empty[] = { "" };
	o.labels = empty;
	assert_code(berth_image_prune(&res, client, &o, &err), BERTH_EINVAL, &err);
	o.version = 9;
	assert_code(berth_image_prune(&res, client, &o, &err), BERTH_EINVAL, &err);
}

/* Credentials: the test registry on 127.0.0.1:5001 wants a password
 * (provisioning keeps it in a root-only file). Pulls without credentials,
 * with wrong ones, with explicit ones, from a config.json berth stored
 * them in, and a push. */
#define AUTH_REGISTRY "127.0.0.1:5001"
#define AUTH_PULLED AUTH_REGISTRY "/berth-test/busybox:latest"
#define AUTH_PASSWORD_FILE "/var/lib/berth-test/registry-auth/password"

static void set_env(const char *key, const char *value, char **saved)
{
	const char *v = getenv(key);
	*saved = v ? strdup(v) : NULL;
	setenv(key, value, 1);
}

static void restore_env(const char *key, char *saved)
{
	if (saved)
		setenv(key, saved, 1);
	else
		unsetenv(key);
	free(saved);
}

/* The test user's password (skips without it; fails under CI). */
static void read_password(char *password, size_t size)
{
	password[0] = '\0';
	FILE *f = fopen(AUTH_PASSWORD_FILE, "r");
	if (f) {
		if (!fgets(password, (int)size, f))
			password[0] = '\0';
		fclose(f);
	}
	password[strcspn(password, "\r\n")] = '\0';
	if (!password[0]) {
		if (getenv("CI"))
			fail_msg("%s is missing: provisioning starts the password registry", AUTH_PASSWORD_FILE);
		skip();
	}
}

/* A scratch DOCKER_CONFIG and REGISTRY_AUTH_FILE (and PATH, for a helper)
 * for one test, so that no credential stored on the machine plays a part. */
typedef struct {
	char dir[128], cfg_dir[160], auth_file[160];
	char *old_cfg, *old_auth, *old_path;
	bool path_set;
} scratch;

static void scratch_enter(scratch *sc, const char *what)
{
	snprintf(sc->dir, sizeof sc->dir, "/tmp/berth-t-%s-%s", run_id, what);
	snprintf(sc->cfg_dir, sizeof sc->cfg_dir, "%s/docker", sc->dir);
	snprintf(sc->auth_file, sizeof sc->auth_file, "%s/auth.json", sc->dir);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mkdir -p -m 700 %s %s/bin", sc->cfg_dir, sc->dir);
	assert_int_equal(system(cmd), 0);
	set_env("DOCKER_CONFIG", sc->cfg_dir, &sc->old_cfg);
	set_env("REGISTRY_AUTH_FILE", sc->auth_file, &sc->old_auth);
	sc->path_set = false;
}

/* Put the scratch bin/ first in PATH. */
static void scratch_path(scratch *sc)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/bin:%s", sc->dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	set_env("PATH", path, &sc->old_path);
	sc->path_set = true;
}

static void scratch_leave(scratch *sc)
{
	restore_env("DOCKER_CONFIG", sc->old_cfg);
	restore_env("REGISTRY_AUTH_FILE", sc->old_auth);
	if (sc->path_set)
		restore_env("PATH", sc->old_path);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", sc->dir);
	assert_int_equal(system(cmd), 0);
}

static void test_pull_credentials(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	char password[128];
	read_password(password, sizeof password);
	scratch sc;
	scratch_enter(&sc, "creds");
	berth_error err = BERTH_ERROR_INIT;
	image_drop(AUTH_PULLED);

	/* none: the registry says no */
	assert_code(berth_image_pull_wait(NULL, client, AUTH_PULLED, NULL, &err), BERTH_EPERM, &err);
	/* wrong ones: no, and the message does not carry them */
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	co.username = "berthtest";
	co.secret = "wrong-pw-4711";
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	po.credentials = &co;
	assert_code(berth_image_pull_wait(NULL, client, AUTH_PULLED, &po, &err), BERTH_EPERM, &err);
	assert_null(strstr(err.message, "wrong-pw-4711"));
	/* explicit right ones */
	co.secret = password;
	berth_image_info *x = NULL;
	assert_ok(berth_image_pull_wait(&x, client, AUTH_PULLED, &po, &err), &err);
	berth_image_info_free(x);
	image_drop(AUTH_PULLED);
	/* stored as `docker login` stores them, found by the pull itself */
	berth_credentials_options store = BERTH_CREDENTIALS_OPTIONS_INIT;
	store.docker_config_dir = sc.cfg_dir;
	assert_ok(berth_credentials_store(AUTH_REGISTRY, "berthtest", password, &store, &err), &err);
	assert_ok(berth_image_pull_wait(NULL, client, AUTH_PULLED, NULL, &err), &err);
	if (engine_lacks("image_push"))
		goto done;
	/* a push with them, into this run's repository (removed after through
	 * the other registry, which shares the storage) */
	char ref[160];
	snprintf(ref, sizeof ref, AUTH_REGISTRY "/berth-test/auth-%s:1", run_id);
	assert_ok(berth_image_tag(client, IMAGE, ref, &err), &err);
	assert_ok(berth_image_push_wait(NULL, client, ref, NULL, &err), &err);
	char repo[64];
	snprintf(repo, sizeof repo, "berth-test/auth-%s", run_id);
	registry_delete(repo, "1");
	image_drop(ref);
done:
	image_drop(AUTH_PULLED);
	assert_ok(berth_credentials_erase(AUTH_REGISTRY, &store, &err), &err);
	scratch_leave(&sc);
}

/* ---- TLS, Bearer tokens, a credential helper, a real image ------------------------ */

/* Provisioning's other registries, over the same storage. The TLS ones are
 * named 0.0.0.0:PORT: Docker skips certificate checks for 127.0.0.0/8 (and
 * berth asks Podman to do as Docker does), while 0.0.0.0 reaches the same
 * loopback listener and is in no insecure range, so the engine verifies
 * the certificate (the server certificates name 0.0.0.0 too). */
#define TLS_REGISTRY "0.0.0.0:5443"        /* the test CA in the engines' certs.d; a password */
#define UNKNOWN_CA_REGISTRY "0.0.0.0:5444" /* a CA installed nowhere */
#define TOKEN_REGISTRY "127.0.0.1:5002"    /* Bearer tokens from tests/scripts/token-issuer.py */

/* TLS with the CA provisioning installed, and a password: anonymous and
 * wrong credentials are refused (the secret in no message), stored ones
 * work; by its loopback name too. */
static void test_pull_tls(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_port(5443, "the TLS registry");
	char password[128];
	read_password(password, sizeof password);
	scratch sc;
	scratch_enter(&sc, "tls");
	berth_error err = BERTH_ERROR_INIT;
	const char *ref = TLS_REGISTRY "/berth-test/busybox:latest";
	image_drop(ref);
	/* the certificate is good: what stops an anonymous pull is the password */
	assert_code(berth_image_pull_wait(NULL, client, ref, NULL, &err), BERTH_EPERM, &err);
	assert_null(strstr(err.message, "certificate"));
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	co.username = "berthtest";
	co.secret = "wrong-tls-4711";
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	po.credentials = &co;
	assert_code(berth_image_pull_wait(NULL, client, ref, &po, &err), BERTH_EPERM, &err);
	assert_null(strstr(err.message, "wrong-tls-4711"));
	/* stored as `docker login` stores them */
	berth_credentials_options store = BERTH_CREDENTIALS_OPTIONS_INIT;
	store.docker_config_dir = sc.cfg_dir;
	assert_ok(berth_credentials_store(TLS_REGISTRY, "berthtest", password, &store, &err), &err);
	berth_image_info *x = NULL;
	assert_ok(berth_image_pull_wait(&x, client, ref, NULL, &err), &err);
	assert_int_equal(berth_image_info_cmd_count(x), 1);
	assert_string_equal(berth_image_info_cmd(x, 0), "sh");
	berth_image_info_free(x);
	image_drop(ref);
	/* the same registry at 127.0.0.1, explicit credentials */
	co.secret = password;
	assert_ok(berth_image_pull_wait(NULL, client, "127.0.0.1:5443/berth-test/busybox:latest", &po, &err), &err);
	image_drop("127.0.0.1:5443/berth-test/busybox:latest");
	scratch_leave(&sc);
}

/* A certificate of a CA nobody installed: the pull fails, saying what is
 * wrong with the certificate, and leaves no image. */
static void test_pull_unknown_ca(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_port(5444, "the TLS registry with an unknown CA");
	const char *ref = UNKNOWN_CA_REGISTRY "/berth-test/busybox:latest";
	berth_error err = BERTH_ERROR_INIT;
	image_drop(ref);
	int r = berth_image_pull_wait(NULL, client, ref, NULL, &err);
	assert_true(r == BERTH_EUNAVAILABLE || r == BERTH_EPERM || r == BERTH_EENGINE);
	assert_message_has(&err, "certificate");
	assert_message_has(&err, UNKNOWN_CA_REGISTRY);
	int there = -1;
	assert_ok(berth_image_exists(&there, client, ref, &err), &err);
	assert_int_equal(there, 0);
}

/* Bearer tokens (distribution's token auth; the issuer is a test script):
 * anonymous pulls get a token without access (refused; Docker says "not
 * found") except under berth-test/public/; a wrong password is refused by the issuer, without
 * the secret in the message; the right one pulls, and pushes. */
static void test_pull_bearer(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_port(5002, "the Bearer token registry");
	need_port(5003, "the token issuer");
	char password[128];
	read_password(password, sizeof password);
	scratch sc;
	scratch_enter(&sc, "bearer");
	berth_error err = BERTH_ERROR_INIT;
	const char *private = TOKEN_REGISTRY "/berth-test/busybox:latest";
	const char *public = TOKEN_REGISTRY "/berth-test/public/busybox:latest";
	image_drop(private);
	image_drop(public);
	/* Docker folds a refused anonymous token into "not found" (its 404
	 * "pull access denied ... repository does not exist or may require
	 * 'docker login'"): the registry's words cannot tell the two apart */
	if (engine == BERTH_ENGINE_DOCKER) {
		assert_code(berth_image_pull_wait(NULL, client, private, NULL, &err), BERTH_ENOTFOUND, &err);
		assert_message_has(&err, "docker login");
	} else {
		assert_code(berth_image_pull_wait(NULL, client, private, NULL, &err), BERTH_EPERM, &err);
	}
	assert_ok(berth_image_pull_wait(NULL, client, public, NULL, &err), &err);
	image_drop(public);
	berth_credentials_options co = BERTH_CREDENTIALS_OPTIONS_INIT;
	co.username = "berthtest";
	co.secret = "wrong-token-4711";
	berth_pull_options po = BERTH_PULL_OPTIONS_INIT;
	po.credentials = &co;
	assert_code(berth_image_pull_wait(NULL, client, private, &po, &err), BERTH_EPERM, &err);
	assert_null(strstr(err.message, "wrong-token-4711"));
	co.secret = password;
	berth_image_info *x = NULL;
	assert_ok(berth_image_pull_wait(&x, client, private, &po, &err), &err);
	assert_int_equal(berth_image_info_cmd_count(x), 1);
	berth_image_info_free(x);
	image_drop(private);
	if (!engine_lacks("image_push")) {
		char ref[160], repo[96];
		snprintf(repo, sizeof repo, "berth-test/token-%s", run_id);
		snprintf(ref, sizeof ref, TOKEN_REGISTRY "/%s:1", repo);
		berth_push_options pu = BERTH_PUSH_OPTIONS_INIT;
		pu.credentials = &co;
		assert_ok(berth_image_tag(client, IMAGE, ref, &err), &err);
		assert_ok(berth_image_push_wait(NULL, client, ref, &pu, &err), &err);
		registry_delete(repo, "1");
		image_drop(ref);
	}
	scratch_leave(&sc);
}

/* A credential helper named in config.json's credHelpers (a script that
 * speaks the docker-credential-helpers protocol): it gives the token
 * registry the right password and the TLS registry a wrong one. Each pull
 * does what the helper said, the helper is asked for the registry's name,
 * and its wrong secret shows in no message. */
static void test_pull_helper(void **state)
{
	(void)state;
	need_engine_up();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_port(5002, "the Bearer token registry");
	need_port(5003, "the token issuer");
	need_port(5443, "the TLS registry");
	char password[128];
	read_password(password, sizeof password);
	scratch sc;
	scratch_enter(&sc, "helper");
	char path[256];
	snprintf(path, sizeof path, "%s/bin/docker-credential-berth-t", sc.dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"#!/bin/sh\n"
		"# a fake docker credential helper for berth's conformance tests\n"
		"read -r server\n"
		"echo \"$1 $server\" >> %s/helper.log\n"
		"[ \"$1\" = get ] || exit 1\n"
		"case \"$server\" in\n"
		"*" TOKEN_REGISTRY "*) printf '{\"ServerURL\":\"%%s\",\"Username\":\"berthtest\",\"Secret\":\"%%s\"}\\n' "
		"\"$server\" \"$(cat " AUTH_PASSWORD_FILE ")\" ;;\n"
		"*" TLS_REGISTRY "*) printf '{\"ServerURL\":\"%%s\",\"Username\":\"berthtest\",\"Secret\":\"helper-wrong-4711\"}\\n' "
		"\"$server\" ;;\n"
		"*) echo 'credentials not found in native keychain'; exit 1 ;;\n"
		"esac\n",
		sc.dir);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(path, sizeof path, "%s/config.json", sc.cfg_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"credHelpers\": {\"" TOKEN_REGISTRY "\": \"berth-t\", \"" TLS_REGISTRY "\": \"berth-t\"}}\n", f);
	fclose(f);
	scratch_path(&sc);
	berth_error err = BERTH_ERROR_INIT;
	const char *good = TOKEN_REGISTRY "/berth-test/busybox:latest";
	const char *bad = TLS_REGISTRY "/berth-test/busybox:latest";
	image_drop(good);
	image_drop(bad);
	assert_ok(berth_image_pull_wait(NULL, client, good, NULL, &err), &err);
	assert_code(berth_image_pull_wait(NULL, client, bad, NULL, &err), BERTH_EPERM, &err);
	assert_null(strstr(err.message, "helper-wrong-4711"));
	/* asked by name, with the verb as its only argument */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "grep -q '^get .*" TOKEN_REGISTRY "' %s/helper.log && grep -q '^get .*" TLS_REGISTRY
		 "' %s/helper.log", sc.dir, sc.dir);
	assert_int_equal(system(cmd), 0);
	image_drop(good);
	scratch_leave(&sc);
}

/* A real image: Debian's Redis in three layers (provisioning builds it with
 * mmdebstrap), pulled into a store without it, run with its own command,
 * and asked PING through redis-cli. */
static void test_pull_redis(void **state)
{
	(void)state;
	need_engine();
	if (engine_lacks("image_pull"))
		conformance_pass();
	need_registry();
	setup_or_skip("curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "
		      "http://" REGISTRY "/v2/berth-test/redis/manifests/bookworm",
		      "the Redis image in the test registry");
	berth_error err = BERTH_ERROR_INIT;
	image_drop(REDIS_IMAGE);
	berth_image_info *x = NULL;
	assert_ok(berth_image_pull_wait(&x, client, REDIS_IMAGE, NULL, &err), &err);
	assert_true(berth_image_info_cmd_count(x) >= 1);
	assert_string_equal(berth_image_info_cmd(x, 0), "redis-server");
	assert_int_equal(berth_image_info_exposed_port_count(x), 1);
	assert_string_equal(berth_image_info_exposed_port(x, 0), "6379/tcp");
	berth_image_info_free(x);
	/* the system and Redis' own files are layers of their own */
	berth_image_history *h = NULL;
	assert_ok(berth_image_history_get(&h, client, REDIS_IMAGE, &err), &err);
	size_t big = 0;
	for (size_t i = 0; i < berth_image_history_count(h); i++)
		big += berth_image_history_size(h, i) > 1000000;
	assert_true(big >= 2);
	berth_image_history_free(h);

	berth_spec *s = spec_of_image(REDIS_IMAGE, name_of("redis"), NULL, 0);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	const char *argv[] = { "redis-cli", "ping" };
	berth_exec_options eo = BERTH_EXEC_OPTIONS_INIT;
	eo.argv = argv;
	eo.argc = 2;
	eo.timeout_ms = 10000;
	bool pong = false;
	for (int i = 0; i < 100 && !pong; i++) {
		berth_exec_result *res = NULL;
		assert_ok(berth_exec(&res, client, id, &eo, &err), &err);
		size_t n = 0;
		const char *out = berth_exec_result_stdout(res, &n);
		pong = berth_exec_result_exit_code(res) == 0 && n >= 4 && strncmp(out, "PONG", 4) == 0;
		berth_exec_result_free(res);
		if (!pong)
			usleep(100000);
	}
	assert_true(pong);
	force_remove(id);
	berth_free(id);
	image_drop(REDIS_IMAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_inspect),
		cmocka_unit_test(test_tag_remove),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_import_oci_layout),
		cmocka_unit_test(test_pull),
		cmocka_unit_test(test_pull_faults),
		cmocka_unit_test(test_pull_registry_faults),
		cmocka_unit_test(test_pull_other_platform),
		cmocka_unit_test(test_pull_disk_full),
		cmocka_unit_test(test_pull_all_tags),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_pull_policy),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_image_prune),
		cmocka_unit_test(test_pull_credentials),
		cmocka_unit_test(test_pull_tls),
		cmocka_unit_test(test_pull_unknown_ca),
		cmocka_unit_test(test_pull_bearer),
		cmocka_unit_test(test_pull_helper),
		cmocka_unit_test(test_pull_redis),
	};
	return cmocka_run_group_tests_name(conformance_group("images"), tests, conformance_setup, teardown);
}
