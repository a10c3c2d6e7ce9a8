/* Conformance: ownership — spec hashes, adopt, up (remove-before-start) and
 * reap — on each engine (BERTH_TEST_ENGINE). The fixture's client has the
 * owner "berth-conformance"; a second client plays another supervisor. */
#include "conformance.h"

#include "lib/model/model.h"

#include <berth/owner.h>
#include <stdio.h>
#include <unistd.h>

static const char *SLEEP[] = { "sleep", "300" };

static berth_client *client_of(const char *owner)
{
	berth_client *c = NULL;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	o.owner = owner;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&c, &o, &err), &err);
	return c;
}

static const char *label_of(const char *id, const char *key, char *buf, size_t size)
{
	berth_container_info *x = inspect(id);
	const char *v = berth_container_info_label(x, key);
	snprintf(buf, size, "%s", v ? v : "");
	berth_container_info_free(x);
	return buf;
}

static void test_spec_hash(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	berth_spec *a = spec_of(name_of("hash-a"), SLEEP, 2);
	berth_spec *b = spec_of(name_of("hash-b"), SLEEP, 2);
	const char *other[] = { "sleep", "301" };
	berth_spec *c = spec_of(name_of("hash-a"), other, 2);
	char ha[65], hb[65], hc[65];
	assert_ok(berth_spec_hash(ha, a, &err), &err);
	assert_ok(berth_spec_hash(hb, b, &err), &err);
	assert_ok(berth_spec_hash(hc, c, &err), &err);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, hb);     /* the name is not part of it */
	assert_string_not_equal(ha, hc); /* the command is */
	/* the label on a created container is that hash, and users cannot set it */
	char *id = NULL;
	assert_ok(berth_container_create(&id, client, a, &err), &err);
	char buf[80];
	assert_string_equal(label_of(id, BERTH_LABEL_SPEC_HASH, buf, sizeof buf), ha);
	assert_string_equal(label_of(id, BERTH_LABEL_OWNER, buf, sizeof buf), "berth-conformance");
	assert_code(berth_spec_add_label(a, BERTH_LABEL_SPEC_HASH, "x", &err), BERTH_EINVAL, &err);
	force_remove(id);
	berth_free(id);
	berth_spec_free(a);
	berth_spec_free(b);
	berth_spec_free(c);
}

static void test_adopt(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *name = name_of("adopt");
	berth_spec *s = spec_of(name, SLEEP, 2);
	char *id = NULL, *got = NULL;
	assert_code(berth_container_adopt(&got, client, s, &err), BERTH_ENOTFOUND, &err);
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	/* a restarted supervisor finds its container again */
	assert_ok(berth_container_adopt(&got, client, s, &err), &err);
	assert_string_equal(got, id);
	berth_free(got);
	got = NULL;
	/* another spec under the same name is not adopted */
	const char *other[] = { "sleep", "301" };
	berth_spec *changed = spec_of(name, other, 2);
	assert_code(berth_container_adopt(&got, client, changed, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "another spec");
	/* nor by another owner */
	berth_client *stranger = client_of("berth-conformance-other");
	assert_code(berth_container_adopt(&got, stranger, s, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "berth-conformance");
	assert_null(got);
	berth_client_free(stranger);
	/* a spec without a name cannot be adopted */
	berth_spec *unnamed = NULL;
	assert_ok(berth_spec_new(&unnamed, IMAGE, &err), &err);
	assert_code(berth_container_adopt(&got, client, unnamed, &err), BERTH_EINVAL, &err);
	berth_spec_free(unnamed);
	berth_spec_free(changed);
	berth_spec_free(s);
	force_remove(id);
	berth_free(id);
}

/* Remove the named volume this test made: only that one, by its unique name. */
static void remove_volume(const char *vol)
{
	berth_error err = BERTH_ERROR_INIT;
	if (berth_volume_remove(client, vol, NULL, &err) < 0)
		fprintf(stderr, "# could not remove volume %s: %s\n", vol, err.message);
}

/* Read a file inside a running container from the host. */
static bool read_in(const char *id, const char *path, char *buf, size_t size)
{
	berth_container_info *x = inspect(id);
	char p[256];
	snprintf(p, sizeof p, "/proc/%lld/root%s", (long long)berth_container_info_pid(x), path);
	berth_container_info_free(x);
	FILE *f = fopen(p, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

static void test_up_replaces(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *name = name_of("up");
	char vol[96];
	snprintf(vol, sizeof vol, "berth-t-%s-upvol", run_id);
	/* first up: nothing to replace; it writes into a named volume */
	const char *writer[] = { "sh", "-c", "echo kept > /data/f; exec sleep 300" };
	berth_spec *s1 = spec_of(name, writer, 3);
	assert_ok(berth_spec_add_volume(s1, vol, "/data", 0, NULL, &err), &err);
	char *id1 = NULL;
	assert_ok(berth_container_up(&id1, client, s1, &err), &err);
	berth_container_info *x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id1);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);

	/* a spec the engine refuses leaves the running one alone */
	berth_spec *bad = NULL;
	assert_ok(berth_spec_new(&bad, "localhost/berth-test/no-such-image:never", &err), &err);
	assert_ok(berth_spec_set_name(bad, name, &err), &err);
	assert_ok(berth_spec_add_label(bad, RUN_LABEL, run_id, &err), &err);
	char *none = NULL;
	assert_code(berth_container_up(&none, client, bad, &err), BERTH_ENOTFOUND, &err);
	assert_null(none);
	x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id1);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);

	/* a changed spec replaces it; the named volume and its data survive */
	const char *reader[] = { "sleep", "301" };
	berth_spec *s2 = spec_of(name, reader, 2);
	assert_ok(berth_spec_add_volume(s2, vol, "/data", 0, NULL, &err), &err);
	char *id2 = NULL;
	assert_ok(berth_container_up(&id2, client, s2, &err), &err);
	assert_string_not_equal(id1, id2);
	berth_container_info *gone = NULL;
	assert_code(berth_container_inspect(&gone, client, id1, &err), BERTH_ENOTFOUND, &err);
	x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id2);
	assert_string_equal(berth_container_info_name(x), name);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);
	char data[64] = "";
	assert_true(read_in(id2, "/data/f", data, sizeof data));
	assert_string_equal(data, "kept\n");
	/* the new container can be adopted with the new spec */
	char *adopted = NULL;
	assert_ok(berth_container_adopt(&adopted, client, s2, &err), &err);
	assert_string_equal(adopted, id2);
	berth_free(adopted);

	/* another owner's up never removes it */
	berth_client *stranger = client_of("berth-conformance-other");
	assert_code(berth_container_up(&none, stranger, s2, &err), BERTH_ECONFLICT, &err);
	berth_client_free(stranger);
	x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id2);
	berth_container_info_free(x);

	force_remove(id2);
	remove_volume(vol);
	berth_free(id1);
	berth_free(id2);
	berth_spec_free(s1);
	berth_spec_free(s2);
	berth_spec_free(bad);
}

/* A container berth did not make (here: made by the engine's own CLI,
 * with this run's label so the fixture reaps it) is never replaced by up. */
static void test_up_leaves_foreign(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	const char *name = name_of("foreign");
	char cmd[512];
	if (engine == BERTH_ENGINE_CONTAINERD)
		snprintf(cmd, sizeof cmd, "ctr -n default run -d --null-io --label %s=%s %s %s sleep 300 >/dev/null",
			 RUN_LABEL, run_id, IMAGE, name);
	else
		snprintf(cmd, sizeof cmd, "%s run -d --name %s -l %s=%s %s sleep 300 >/dev/null",
			 engine == BERTH_ENGINE_PODMAN ? "podman --url unix:///run/podman/podman.sock"
						       : "docker -H unix:///var/run/docker.sock",
			 name, RUN_LABEL, run_id, IMAGE);
	assert_int_equal(system(cmd), 0);
	berth_container_info *before = inspect(name);
	char *id = strdup(berth_container_info_id(before));
	berth_container_info_free(before);
	berth_spec *mine = spec_of(name, SLEEP, 2);
	char *none = NULL;
	assert_code(berth_container_up(&none, client, mine, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, "not made by berth");
	berth_container_info *x = inspect(name);
	assert_string_equal(berth_container_info_id(x), id);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);
	force_remove(id);
	free(id);
	berth_spec_free(mine);
}

static void test_reap(void **state)
{
	(void)state;
	need_engine();
	berth_error err = BERTH_ERROR_INIT;
	/* a private owner, so only this test's containers count */
	char owner[64];
	snprintf(owner, sizeof owner, "berth-reap-%s", run_id);
	berth_client *sup = client_of(owner);
	char *ids[3];
	const char *names[3] = { name_of("reap-1"), name_of("reap-2"), name_of("reap-keep") };
	for (int i = 0; i < 3; i++) {
		berth_spec *s = spec_of(names[i], SLEEP, 2);
		assert_ok(berth_container_run(&ids[i], sup, s, &err), &err);
		berth_spec_free(s);
	}
	/* the fixture's own container (another owner) must survive */
	char *bystander = run(name_of("reap-bystander"), SLEEP, 2);
	berth_container_list *l = NULL;
	assert_ok(berth_owner_list(&l, sup, NULL, &err), &err);
	assert_int_equal(berth_container_list_count(l), 3);
	berth_container_list_free(l);

	const char *keep[] = { names[2] };
	size_t removed = 0;
	assert_ok(berth_owner_reap(&removed, sup, NULL, keep, 1, &err), &err);
	assert_int_equal(removed, 2);
	assert_ok(berth_owner_list(&l, sup, NULL, &err), &err);
	assert_int_equal(berth_container_list_count(l), 1);
	assert_string_equal(berth_container_list_name(l, 0), names[2]);
	berth_container_list_free(l);
	berth_container_info *x = inspect(bystander);
	assert_true(berth_container_info_running(x));
	berth_container_info_free(x);
	/* nothing left to reap but the kept one; then that one too */
	assert_ok(berth_owner_reap(&removed, sup, owner, NULL, 0, &err), &err);
	assert_int_equal(removed, 1);
	/* no owner at all is a usage error */
	berth_client *anonymous = client_of(NULL);
	assert_code(berth_owner_reap(&removed, anonymous, NULL, NULL, 0, &err), BERTH_EINVAL, &err);
	berth_client_free(anonymous);
	berth_client_free(sup);
	force_remove(bystander);
	berth_free(bystander);
	for (int i = 0; i < 3; i++)
		berth_free(ids[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_hash),
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_up_replaces),
		cmocka_unit_test(test_up_leaves_foreign),
		cmocka_unit_test(test_reap),
	};
	return cmocka_run_group_tests_name(conformance_group("owner"), tests, conformance_setup, conformance_teardown);
}
