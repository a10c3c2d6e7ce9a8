/* Conformance: volumes on every engine (containerd: berth's own store).
 * Create, inspect, list by label and remove; data written by one container
 * read by another after the first is gone; a volume in use refused by
 * remove (naming the container) and left by prune; a named volume made on
 * first use; an anonymous volume taken by rm -v; a bind through driver
 * options; bad input before any request. Every volume this suite makes is
 * named berth-t-<run>-... (and labelled io.berth.test.run=<run> where it
 * makes it itself); only those are removed. */
#include "conformance.h"

#include <berth/owner.h>

#include <stdio.h>
#include <sys/stat.h>

static char bind_dir[96];

static bool podman(void) { return engine == BERTH_ENGINE_PODMAN; }

/* A volume of this run (name NULL: the engine picks one), with the run's
 * label and the extra ones given. */
static char *make_volume(const char *name, const char *const *extra, size_t n_extra, const char *const *opts,
			 size_t n_opts)
{
	char run_label[96];
	snprintf(run_label, sizeof run_label, RUN_LABEL "=%s", run_id);
	const char *labels[8] = { run_label };
	for (size_t i = 0; i < n_extra && i < 7; i++)
		labels[i + 1] = extra[i];
	berth_volume_create_options o = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	o.labels = labels;
	o.label_count = 1 + n_extra;
	o.driver_opts = opts;
	o.driver_opt_count = n_opts;
	char *got = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_volume_create(&got, client, name, &o, &err), &err);
	assert_non_null(got);
	if (name)
		assert_string_equal(got, name);
	return got;
}

static berth_volume_info *volume_inspect(const char *name)
{
	berth_volume_info *v = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_volume_inspect(&v, client, name, &err), &err);
	return v;
}

static void drop_volume(const char *name)
{
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_volume_remove(client, name, NULL, &err);
	if (r < 0 && r != BERTH_ENOTFOUND)
		fprintf(stderr, "# could not remove volume %s: %s\n", name, err.message);
}

static bool listed(const char *name, const char *filter)
{
	berth_volume_list_options lo = BERTH_VOLUME_LIST_OPTIONS_INIT;
	lo.labels = &filter;
	lo.label_count = filter ? 1 : 0;
	berth_volume_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_volume_list_get(&l, client, &lo, &err), &err);
	bool found = false;
	for (size_t i = 0; i < berth_volume_list_count(l) && !found; i++)
		found = strcmp(berth_volume_info_name(berth_volume_list_at(l, i)), name) == 0;
	berth_volume_list_free(l);
	return found;
}

/* Run `sh -c script` with volume `vol` (NULL: anonymous) at /data until it
 * ends; its exit code. The container is left for the caller (id in *out). */
static int run_with_volume(char **out, const char *cname, const char *vol, const char *script)
{
	const char *argv[] = { "sh", "-c", script };
	berth_spec *s = spec_of(cname, argv, 3);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_volume(s, vol, "/data", 0, NULL, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_run(&id, client, s, &err), &err);
	berth_spec_free(s);
	berth_container_info *x = wait_exited(id, 30000);
	int code = berth_container_info_exit_code(x);
	berth_container_info_free(x);
	*out = id;
	return code;
}

static void remove_container(char *id)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_remove(client, id, NULL, &err), &err);
	berth_free(id);
}

static void test_create_inspect_list_remove(void **state)
{
	(void)state;
	need_engine_up();
	const char *name = name_of("vol-basic");
	const char *tier[] = { "tier=cache" };
	char *got = make_volume(name, tier, 1, NULL, 0);
	berth_free(got);
	berth_volume_info *v = volume_inspect(name);
	assert_string_equal(berth_volume_info_name(v), name);
	assert_string_equal(berth_volume_info_driver(v), "local");
	assert_true(berth_volume_info_mountpoint(v)[0] == '/');
	assert_string_equal(berth_volume_info_label(v, RUN_LABEL), run_id);
	assert_string_equal(berth_volume_info_label(v, "tier"), "cache");
	assert_true(strlen(berth_volume_info_created(v)) >= 20);
	assert_int_equal(berth_volume_info_user_count(v), 0);
	assert_non_null(strstr(berth_volume_info_raw_json(v), name));
	berth_volume_info_free(v);

	/* the name again: Docker's rule keeps the volume as it is */
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_volume_create(NULL, client, name, NULL, &err), &err);
	v = volume_inspect(name);
	assert_string_equal(berth_volume_info_label(v, "tier"), "cache");
	berth_volume_info_free(v);

	char filter[96];
	snprintf(filter, sizeof filter, RUN_LABEL "=%s", run_id);
	assert_true(listed(name, filter));
	assert_true(listed(name, "tier"));
	assert_true(listed(name, NULL));
	assert_false(listed(name, "tier=db"));

	/* a name of the engine's choosing */
	char *anon = make_volume(NULL, NULL, 0, NULL, 0);
	assert_int_equal(strlen(anon), 64);
	assert_true(listed(anon, filter));
	assert_ok(berth_volume_remove(client, anon, NULL, &err), &err);
	assert_false(listed(anon, filter));
	berth_free(anon);

	assert_ok(berth_volume_remove(client, name, NULL, &err), &err);
	v = NULL;
	assert_code(berth_volume_inspect(&v, client, name, &err), BERTH_ENOTFOUND, &err);
	assert_null(v);
	assert_code(berth_volume_remove(client, name, NULL, &err), BERTH_ENOTFOUND, &err);
	assert_false(listed(name, filter));
}

/* A client with an owner labels its volumes with it, as its containers. */
static void test_owner_label(void **state)
{
	(void)state;
	need_engine_up();
	berth_client *oc = NULL;
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	char owner[64];
	snprintf(owner, sizeof owner, "berth-t-%s-owner", run_id);
	o.owner = owner;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(&oc, &o, &err), &err);
	char run_label[96];
	snprintf(run_label, sizeof run_label, RUN_LABEL "=%s", run_id);
	const char *labels[] = { run_label };
	berth_volume_create_options vo = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	vo.labels = labels;
	vo.label_count = 1;
	const char *name = name_of("vol-owned");
	assert_ok(berth_volume_create(NULL, oc, name, &vo, &err), &err);
	berth_client_free(oc);
	berth_volume_info *v = volume_inspect(name);
	assert_string_equal(berth_volume_info_label(v, BERTH_LABEL_OWNER), owner);
	berth_volume_info_free(v);
	drop_volume(name);
}

/* What one container writes, another reads once the first is removed. */
static void test_data_survives(void **state)
{
	(void)state;
	need_engine();
	const char *vol = name_of("vol-data");
	berth_free(make_volume(vol, NULL, 0, NULL, 0));
	char *a = NULL, *b = NULL;
	assert_int_equal(run_with_volume(&a, name_of("writer"), vol, "echo kept > /data/f"), 0);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.anonymous_volumes = 1; /* a named volume stays even so */
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_remove(client, a, &ro, &err), &err);
	berth_free(a);
	assert_int_equal(run_with_volume(&b, name_of("reader"), vol, "test \"$(cat /data/f)\" = kept"), 0);
	remove_container(b);
	/* the file is in the mountpoint on the host too (Docker, Podman and
	 * containerd keep local volumes there) */
	berth_volume_info *v = volume_inspect(vol);
	char path[4096];
	snprintf(path, sizeof path, "%s/f", berth_volume_info_mountpoint(v));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	berth_volume_info_free(v);
	drop_volume(vol);
}

/* A named volume a container names is made on first use, unlabelled. */
static void test_made_on_first_use(void **state)
{
	(void)state;
	need_engine();
	const char *vol = name_of("vol-auto");
	char *a = NULL;
	assert_int_equal(run_with_volume(&a, name_of("auto"), vol, "touch /data/x"), 0);
	berth_volume_info *v = volume_inspect(vol);
	assert_string_equal(berth_volume_info_driver(v), "local");
	assert_int_equal(berth_volume_info_user_count(v), 1);
	assert_string_equal(berth_volume_info_user(v, 0), name_of("auto"));
	berth_volume_info_free(v);
	remove_container(a);
	v = volume_inspect(vol);
	assert_int_equal(berth_volume_info_user_count(v), 0);
	berth_volume_info_free(v);
	drop_volume(vol);
}

/* rm -v takes a container's anonymous volume with it. */
static void test_anonymous_removed_with_container(void **state)
{
	(void)state;
	need_engine();
	char *a = NULL;
	assert_int_equal(run_with_volume(&a, name_of("anon"), NULL, "touch /data/x"), 0);
	/* the volume is the one whose only user is the container */
	berth_volume_list *l = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_volume_list_get(&l, client, NULL, &err), &err);
	char anon[80] = "";
	for (size_t i = 0; i < berth_volume_list_count(l) && !anon[0]; i++) {
		const char *n = berth_volume_info_name(berth_volume_list_at(l, i));
		if (strlen(n) != 64)
			continue;
		berth_volume_info *v = NULL;
		if (berth_volume_inspect(&v, client, n, &err) == 0 && berth_volume_info_user_count(v) == 1 &&
		    strcmp(berth_volume_info_user(v, 0), name_of("anon")) == 0)
			snprintf(anon, sizeof anon, "%s", n);
		berth_volume_info_free(v);
	}
	berth_volume_list_free(l);
	assert_true(anon[0]);
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.anonymous_volumes = 1;
	assert_ok(berth_container_remove(client, a, &ro, &err), &err);
	berth_free(a);
	berth_volume_info *v = NULL;
	assert_code(berth_volume_inspect(&v, client, anon, &err), BERTH_ENOTFOUND, &err);
}

/* In use: remove refused naming the container; prune leaves it. */
static void test_in_use(void **state)
{
	(void)state;
	need_engine();
	const char *vol = name_of("vol-used");
	const char *spare = name_of("vol-spare");
	const char *prunable[] = { "berth-prune=yes" };
	berth_free(make_volume(vol, prunable, 1, NULL, 0));
	berth_free(make_volume(spare, prunable, 1, NULL, 0));
	const char *user = name_of("user");
	const char *argv[] = { "true" };
	berth_spec *s = spec_of(user, argv, 1);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_volume(s, vol, "/data", 0, NULL, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);

	berth_volume_info *v = volume_inspect(vol);
	assert_int_equal(berth_volume_info_user_count(v), 1);
	assert_string_equal(berth_volume_info_user(v, 0), user);
	berth_volume_info_free(v);
	assert_code(berth_volume_remove(client, vol, NULL, &err), BERTH_ECONFLICT, &err);
	assert_message_has(&err, user);

	/* prune by the run's label: the spare goes, the one in use stays */
	char filter[96];
	snprintf(filter, sizeof filter, RUN_LABEL "=%s", run_id);
	const char *filters[] = { filter, "berth-prune=yes" };
	berth_volume_prune_options po = BERTH_VOLUME_PRUNE_OPTIONS_INIT;
	po.labels = filters;
	po.label_count = 2;
	berth_prune_result *res = NULL;
	assert_ok(berth_volume_prune(&res, client, &po, &err), &err);
	bool spare_gone = false;
	for (size_t i = 0; i < berth_prune_result_count(res); i++) {
		assert_string_not_equal(berth_prune_result_id(res, i), vol);
		spare_gone |= strcmp(berth_prune_result_id(res, i), spare) == 0;
	}
	berth_prune_result_free(res);
	assert_true(spare_gone);
	assert_false(listed(spare, NULL));
	assert_true(listed(vol, NULL));

	/* forced: Podman takes the container with it; Docker and containerd
	 * keep a volume in use */
	berth_volume_remove_options fo = BERTH_VOLUME_REMOVE_OPTIONS_INIT;
	fo.force = 1;
	int r = berth_volume_remove(client, vol, &fo, &err);
	if (podman()) {
		assert_ok(r, &err);
		berth_container_info *x = NULL;
		assert_code(berth_container_inspect(&x, client, id, &err), BERTH_ENOTFOUND, &err);
		berth_free(id);
	} else {
		assert_code(r, BERTH_ECONFLICT, &err);
		assert_message_has(&err, user);
		remove_container(id);
		assert_ok(berth_volume_remove(client, vol, NULL, &err), &err);
	}
	assert_false(listed(vol, NULL));
}

/* The local driver's bind: the volume is a host directory. */
static void test_bind_options(void **state)
{
	(void)state;
	need_engine();
	snprintf(bind_dir, sizeof bind_dir, "/tmp/berth-t-%s-bind", run_id);
	assert_true(mkdir(bind_dir, 0755) == 0 || errno == EEXIST);
	char file[160];
	snprintf(file, sizeof file, "%s/from-host", bind_dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("host\n", f);
	fclose(f);
	char device[128];
	snprintf(device, sizeof device, "device=%s", bind_dir);
	const char *opts[] = { "type=none", "o=bind", device };
	const char *vol = name_of("vol-bind");
	berth_free(make_volume(vol, NULL, 0, opts, 3));
	berth_volume_info *v = volume_inspect(vol);
	assert_int_equal(berth_volume_info_option_count(v), 3);
	assert_string_equal(berth_volume_info_option_key(v, 0), "device");
	assert_string_equal(berth_volume_info_option_value(v, 0), bind_dir);
	if (engine == BERTH_ENGINE_CONTAINERD)
		assert_string_equal(berth_volume_info_mountpoint(v), bind_dir);
	berth_volume_info_free(v);
	char *a = NULL;
	assert_int_equal(run_with_volume(&a, name_of("bind"), vol, "test \"$(cat /data/from-host)\" = host && touch /data/back"),
			 0);
	remove_container(a);
	snprintf(file, sizeof file, "%s/back", bind_dir);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	drop_volume(vol);
	/* the device outlives the volume */
	assert_int_equal(stat(file, &st), 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	need_engine_up();
	berth_error err = BERTH_ERROR_INIT;
	static const char *const bad[] = { "a", "-x", "a/b", "x y", ".hidden", "ü1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		berth_volume_info *v = NULL;
		assert_code(berth_volume_create(NULL, client, bad[i], NULL, &err), BERTH_EINVAL, &err);
		assert_code(berth_volume_inspect(&v, client, bad[i], &err), BERTH_EINVAL, &err);
		assert_code(berth_volume_remove(client, bad[i], NULL, &err), BERTH_EINVAL, &err);
	}
	berth_volume_info *v = NULL;
	assert_code(berth_volume_inspect(&v, client, NULL, &err), BERTH_EINVAL, &err);
	assert_code(berth_volume_inspect(&v, client, "", &err), BERTH_EINVAL, &err);
	berth_volume_create_options o = BERTH_VOLUME_CREATE_OPTIONS_INIT;
	const char *no_value[] = { "novalue" };
	o.driver_opts = no_value;
	o.driver_opt_count = 1;
	assert_code(berth_volume_create(NULL, client, name_of("vol-bad"), &o, &err), BERTH_EINVAL, &err);
	o = (berth_volume_create_options)BERTH_VOLUME_CREATE_OPTIONS_INIT;
	const char *empty_key[] = { "=v" };
	o.labels = empty_key;
	o.label_count = 1;
	assert_code(berth_volume_create(NULL, client, name_of("vol-bad"), &o, &err), BERTH_EINVAL, &err);
	o = (berth_volume_create_options)BERTH_VOLUME_CREATE_OPTIONS_INIT;
	o.version = 99;
	assert_code(berth_volume_create(NULL, client, name_of("vol-bad"), &o, &err), BERTH_EINVAL, &err);
	berth_volume_list *l = NULL;
	berth_volume_list_options lo = BERTH_VOLUME_LIST_OPTIONS_INIT;
	const char *empty[] = { "" };
	lo.labels = empty;
	lo.label_count = 1;
	assert_code(berth_volume_list_get(&l, client, &lo, &err), BERTH_EINVAL, &err);
	berth_volume_prune_options po = BERTH_VOLUME_PRUNE_OPTIONS_INIT;
	po.labels = empty;
	po.label_count = 1;
	assert_code(berth_volume_prune(NULL, client, &po, &err), BERTH_EINVAL, &err);
	assert_null(l);
	assert_false(listed(name_of("vol-bad"), NULL));

	/* missing */
	assert_code(berth_volume_inspect(&v, client, name_of("vol-none"), &err), BERTH_ENOTFOUND, &err);
	assert_message_has(&err, name_of("vol-none"));
	assert_code(berth_volume_remove(client, name_of("vol-none"), NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(v);

	/* containerd: the local driver only, and only a bind among its options */
	if (engine == BERTH_ENGINE_CONTAINERD) {
		o = (berth_volume_create_options)BERTH_VOLUME_CREATE_OPTIONS_INIT;
		o.driver = "nfs";
		assert_code(berth_volume_create(NULL, client, name_of("vol-bad"), &o, &err), BERTH_EUNSUPPORTED, &err);
		o.driver = NULL;
		const char *tmpfs[] = { "type=tmpfs", "device=tmpfs" };
		o.driver_opts = tmpfs;
		o.driver_opt_count = 2;
		assert_code(berth_volume_create(NULL, client, name_of("vol-bad"), &o, &err), BERTH_EUNSUPPORTED, &err);
		assert_false(listed(name_of("vol-bad"), NULL));
	}
}

static int teardown(void **state)
{
	/* the run's containers first (they hold the volumes), then its volumes */
	int r = conformance_teardown(state);
	berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
	o.engine = engine;
	berth_error err = BERTH_ERROR_INIT;
	berth_client *c = NULL;
	if (berth_client_open(&c, &o, &err) == 0) {
		char filter[96];
		snprintf(filter, sizeof filter, RUN_LABEL "=%s", run_id);
		const char *filters[] = { filter };
		berth_volume_list_options lo = BERTH_VOLUME_LIST_OPTIONS_INIT;
		lo.labels = filters;
		lo.label_count = 1;
		berth_volume_list *l = NULL;
		if (berth_volume_list_get(&l, c, &lo, &err) == 0)
			for (size_t i = 0; i < berth_volume_list_count(l); i++)
				berth_volume_remove(c, berth_volume_info_name(berth_volume_list_at(l, i)), NULL, NULL);
		berth_volume_list_free(l);
		static const char *const named[] = { "vol-auto", "vol-data", "vol-used" };
		for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
			berth_volume_remove(c, name_of(named[i]), NULL, NULL);
		berth_client_free(c);
	}
	if (bind_dir[0]) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", bind_dir);
		(void)!system(cmd);
	}
	return r;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_inspect_list_remove),
		cmocka_unit_test(test_owner_label),
		cmocka_unit_test(test_data_survives),
		cmocka_unit_test(test_made_on_first_use),
		cmocka_unit_test(test_anonymous_removed_with_container),
		cmocka_unit_test(test_in_use),
		cmocka_unit_test(test_bind_options),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name(conformance_group("volumes"), tests, conformance_setup, teardown);
}
