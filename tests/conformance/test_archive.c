/* Conformance: archives of images and containers on every engine. save
 * then load back (the same image id), loads of gzip- and zstd-compressed
 * archives, commit of a container with a file made in it (the committed
 * image runs, sees the file and has the changed command), export of a
 * container (the tar holds the file), import of that export as a new image
 * (it runs), and bad input refused with the right code. What a backend
 * lacks (engine_lacks) is checked as BERTH_EUNSUPPORTED. Every image this
 * suite makes is named localhost/berth-t-<run>/... and removed by it. */
#include "conformance.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[96];

static const char *path_of(const char *what)
{
	static char buf[4][160];
	static int slot;
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/berth-t-%s-archive", run_id);
		mkdir(tmpdir, 0700);
	}
	char *b = buf[slot++ % 4];
	snprintf(b, sizeof buf[0], "%s/%s", tmpdir, what);
	return b;
}

/* Read a byte stream to its end into a file; its size. */
static size_t stream_to_file(berth_stream *s, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	berth_frame f;
	berth_error err = BERTH_ERROR_INIT;
	size_t total = 0;
	int r;
	while ((r = berth_stream_next(s, &f, 60000, &err)) == 0) {
		assert_int_equal(f.channel, BERTH_CHANNEL_STDOUT);
		assert_int_equal(write(fd, f.data, f.len), (ssize_t)f.len);
		total += f.len;
	}
	assert_int_equal(r, BERTH_ITEROVER);
	close(fd);
	berth_stream_free(s);
	return total;
}

static bool tar_has(const char *archive, const char *entry)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "tar -tf '%s' | grep -qx '%s'", archive, entry);
	return system(cmd) == 0;
}

static char *image_id(const char *name)
{
	berth_image_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_inspect(&x, client, name, &err), &err);
	char *id = strdup(berth_image_info_id(x));
	berth_image_info_free(x);
	return id;
}

static void drop_image(const char *name)
{
	berth_image_remove_options ro = BERTH_IMAGE_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	berth_image_remove(client, name, &ro, NULL);
}

/* A docker-save archive of the test image under name, through berth's
 * own save. */
static void save_to(const char *path, const char *name)
{
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_tag(client, IMAGE, name, &err), &err);
	berth_stream *s = NULL;
	const char *names[] = { name };
	assert_ok(berth_image_save(&s, client, names, 1, &err), &err);
	assert_true(stream_to_file(s, path) > 10000);
}

static void load_file(const char *path, const char *want_name)
{
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = path;
	char *names = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_import(&names, client, &io, &err), &err);
	assert_non_null(strstr(names, want_name));
	berth_free(names);
}

static void test_save_load(void **state)
{
	(void)state;
	need_engine_up();
	const char *name = image_name_of("saved");
	const char *path = path_of("saved.tar");
	berth_error err = BERTH_ERROR_INIT;
	if (engine_lacks("image_save")) {
		berth_stream *s = NULL;
		const char *names[] = { IMAGE };
		assert_code(berth_image_save(&s, client, names, 1, &err), BERTH_EUNSUPPORTED, &err);
		assert_null(s);
		conformance_pass();
	}
	save_to(path, name);
	assert_true(tar_has(path, "manifest.json"));
	char *before = image_id(name);
	assert_ok(berth_image_remove(client, name, NULL, &err), &err);
	int there = 1;
	assert_ok(berth_image_exists(&there, client, name, &err), &err);
	assert_int_equal(there, 0);
	load_file(path, name);
	char *after = image_id(name);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* two names in one archive */
	const char *second = image_name_of("saved2");
	assert_ok(berth_image_tag(client, IMAGE, second, &err), &err);
	berth_stream *s = NULL;
	const char *names[] = { name, second };
	assert_ok(berth_image_save(&s, client, names, 2, &err), &err);
	stream_to_file(s, path);
	drop_image(name);
	drop_image(second);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = path;
	char *loaded = NULL;
	assert_ok(berth_image_import(&loaded, client, &io, &err), &err);
	assert_non_null(strstr(loaded, name));
	assert_non_null(strstr(loaded, second));
	berth_free(loaded);
	drop_image(name);
	drop_image(second);
	/* an image that is not there */
	const char *missing[] = { "localhost/berth-t-none/nothing:1" };
	s = NULL;
	assert_code(berth_image_save(&s, client, missing, 1, &err), BERTH_ENOTFOUND, &err);
	assert_null(s);
	unlink(path);
}

/* A pulled image (its layers compressed in the registry, and so in
 * containerd's store) saves as a docker-save archive with plain layers,
 * which loads back as the same image. */
static void test_save_load_pulled(void **state)
{
	(void)state;
	need_engine_up();
	need_port(5000, "the test registry");
	static const char pulled[] = "127.0.0.1:5000/berth-test/busybox:latest";
	berth_error err = BERTH_ERROR_INIT;
	int there = 0;
	assert_ok(berth_image_exists(&there, client, pulled, &err), &err);
	if (!there)
		assert_ok(berth_image_pull_wait(NULL, client, pulled, NULL, &err), &err);
	const char *name = image_name_of("pulled");
	assert_ok(berth_image_tag(client, pulled, name, &err), &err);
	char *before = image_id(name);
	const char *path = path_of("pulled.tar");
	berth_stream *s = NULL;
	const char *names[] = { name };
	assert_ok(berth_image_save(&s, client, names, 1, &err), &err);
	assert_true(stream_to_file(s, path) > 1000000);
	assert_true(tar_has(path, "manifest.json"));
	/* the layer is a plain tar inside, whatever the registry had */
	char cmd[400];
	snprintf(cmd, sizeof cmd, "l=$(tar -tf '%s' | grep -m1 'layer.tar$\\|^[0-9a-f]*\\.tar$') && tar -xOf '%s' \"$l\" | tar -t "
		 ">/dev/null 2>&1", path, path);
	assert_int_equal(system(cmd), 0);
	assert_ok(berth_image_remove(client, name, NULL, &err), &err);
	load_file(path, name);
	char *after = image_id(name);
	assert_string_equal(before, after);
	free(before);
	free(after);
	drop_image(name);
	unlink(path);
}

static void test_load_compressed(void **state)
{
	(void)state;
	need_engine_up();
	const char *name = image_name_of("packed");
	const char *path = path_of("packed.tar");
	save_to(path, name);
	drop_image(name);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "gzip -kf '%s' && zstd -qf '%s' -o '%s.zst'", path, path, path);
	assert_int_equal(system(cmd), 0);
	char gz[200], zst[200];
	snprintf(gz, sizeof gz, "%s.gz", path);
	snprintf(zst, sizeof zst, "%s.zst", path);
	load_file(gz, name);
	drop_image(name);
	/* through a pipe: spooled or streamed, never whole in memory */
	pid_t pid;
	int fd = pipe_from_file(zst, &pid);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.fd = fd;
	char *names = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_image_import(&names, client, &io, &err), &err);
	close(fd);
	waitpid(pid, NULL, 0);
	assert_non_null(strstr(names, name));
	berth_free(names);
	int there = 0;
	assert_ok(berth_image_exists(&there, client, name, &err), &err);
	assert_int_equal(there, 1);
	drop_image(name);
	/* a compressed archive cut short: the decompressor says so */
	snprintf(cmd, sizeof cmd, "head -c 3000 '%s' > '%s.cut'", gz, gz);
	assert_int_equal(system(cmd), 0);
	char cut[220];
	snprintf(cut, sizeof cut, "%s.cut", gz);
	io = (berth_image_import_options)BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = cut;
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_EINVAL, &err);
	assert_non_null(strstr(err.message, "gzip"));
	unlink(cut);
	unlink(gz);
	unlink(zst);
	unlink(path);
}

/* A container that made /made and stopped. */
static char *made_container(const char *what)
{
	const char *argv[] = { "sh", "-c", "echo berth-made > /made" };
	char *id = run(name_of(what), argv, 3);
	berth_container_info *x = wait_exited(id, 30000);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	assert_int_equal(berth_container_info_exit_code(x), 0);
	berth_container_info_free(x);
	return id;
}

/* Run an image with its own command; its exit code. */
static int run_image(const char *image, const char *what)
{
	berth_spec *s = spec_of_image(image, name_of(what), NULL, 0);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);
	assert_ok(berth_container_start(client, id, &err), &err);
	berth_container_info *x = wait_exited(id, 30000);
	assert_int_equal(berth_container_info_state(x), BERTH_STATE_EXITED);
	int code = berth_container_info_exit_code(x);
	berth_container_info_free(x);
	force_remove(id);
	berth_free(id);
	return code;
}

static void test_commit(void **state)
{
	(void)state;
	need_engine();
	char *id = made_container("commit");
	const char *name = image_name_of("committed");
	const char *changes[] = { "CMD [\"sh\", \"-c\", \"test \\\"$(cat /made)\\\" = berth-made\"]", "ENV BERTH_COMMITTED=yes" };
	berth_commit_options co = BERTH_COMMIT_OPTIONS_INIT;
	co.ref = name;
	co.message = "made by the conformance suite";
	co.author = "berth <berth@example.org>";
	co.changes = changes;
	co.change_count = 2;
	char *new_id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engine_lacks("container_commit")) {
		assert_code(berth_container_commit(&new_id, client, id, &co, &err), BERTH_EUNSUPPORTED, &err);
		assert_null(new_id);
		force_remove(id);
		berth_free(id);
		conformance_pass();
	}
	assert_ok(berth_container_commit(&new_id, client, id, &co, &err), &err);
	assert_true(strncmp(new_id, "sha256:", 7) == 0 && strlen(new_id) == 71);
	char *named = image_id(name);
	assert_string_equal(named, new_id);
	free(named);
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, name, &err), &err);
	assert_int_equal(berth_image_info_cmd_count(x), 3);
	assert_string_equal(berth_image_info_cmd(x, 0), "sh");
	bool env = false;
	for (size_t i = 0; i < berth_image_info_env_count(x); i++)
		env |= strcmp(berth_image_info_env(x, i), "BERTH_COMMITTED=yes") == 0;
	assert_true(env);
	berth_image_info_free(x);
	/* the committed image sees the file, through the changed command */
	assert_int_equal(run_image(name, "commit-run"), 0);
	/* without a name, and of a running container (paused for it) */
	const char *argv[] = { "sleep", "60" };
	char *live = run(name_of("commit-live"), argv, 2);
	char *anon = NULL;
	assert_ok(berth_container_commit(&anon, client, live, NULL, &err), &err);
	assert_true(strncmp(anon, "sha256:", 7) == 0);
	/* the container's command is the new image's, as docker commits it */
	assert_ok(berth_image_inspect(&x, client, anon, &err), &err);
	assert_int_equal(berth_image_info_cmd_count(x), 2);
	assert_string_equal(berth_image_info_cmd(x, 0), "sleep");
	assert_string_equal(berth_image_info_cmd(x, 1), "60");
	berth_image_info_free(x);
	force_remove(live);
	berth_free(live);
	drop_image(anon);
	berth_free(anon);
	berth_free(new_id);
	drop_image(name);
	/* an unknown container */
	new_id = NULL;
	assert_code(berth_container_commit(&new_id, client, "berth-t-none-commit", NULL, &err), BERTH_ENOTFOUND, &err);
	assert_null(new_id);
	force_remove(id);
	berth_free(id);
}

static void test_export_import(void **state)
{
	(void)state;
	need_engine();
	char *id = made_container("export");
	const char *path = path_of("rootfs.tar");
	berth_stream *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engine_lacks("container_export")) {
		assert_code(berth_container_export(&s, client, id, &err), BERTH_EUNSUPPORTED, &err);
		assert_null(s);
		force_remove(id);
		berth_free(id);
		conformance_pass();
	}
	assert_ok(berth_container_export(&s, client, id, &err), &err);
	assert_true(stream_to_file(s, path) > 100000);
	assert_true(tar_has(path, "made") || tar_has(path, "./made"));
	assert_true(tar_has(path, "bin/busybox") || tar_has(path, "./bin/busybox"));
	force_remove(id);
	berth_free(id);
	/* an unknown container */
	s = NULL;
	assert_code(berth_container_export(&s, client, "berth-t-none-export", &err), BERTH_ENOTFOUND, &err);
	assert_null(s);
	/* the export as a new image, which runs and has the file */
	const char *name = image_name_of("imported");
	const char *changes[] = { "CMD [\"sh\", \"-c\", \"test \\\"$(cat /made)\\\" = berth-made\"]" };
	berth_image_import_rootfs_options io = BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT;
	io.path = path;
	io.ref = name;
	io.message = "imported by the conformance suite";
	io.changes = changes;
	io.change_count = 1;
	char *new_id = NULL;
	if (engine_lacks("image_import_rootfs")) {
		assert_code(berth_image_import_rootfs(&new_id, client, &io, &err), BERTH_EUNSUPPORTED, &err);
		unlink(path);
		conformance_pass();
	}
	assert_ok(berth_image_import_rootfs(&new_id, client, &io, &err), &err);
	assert_true(strncmp(new_id, "sha256:", 7) == 0 && strlen(new_id) == 71);
	char *named = image_id(name);
	assert_string_equal(named, new_id);
	free(named);
	berth_free(new_id);
	assert_int_equal(run_image(name, "import-run"), 0);
	drop_image(name);
	/* gzip-compressed, from an fd, no name: the id alone */
	char cmd[400];
	snprintf(cmd, sizeof cmd, "gzip -kf '%s'", path);
	assert_int_equal(system(cmd), 0);
	char gz[200];
	snprintf(gz, sizeof gz, "%s.gz", path);
	io = (berth_image_import_rootfs_options)BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT;
	io.fd = open(gz, O_RDONLY);
	assert_true(io.fd >= 0);
	new_id = NULL;
	assert_ok(berth_image_import_rootfs(&new_id, client, &io, &err), &err);
	close(io.fd);
	berth_image_info *x = NULL;
	assert_ok(berth_image_inspect(&x, client, new_id, &err), &err);
	berth_image_info_free(x);
	drop_image(new_id);
	berth_free(new_id);
	unlink(gz);
	unlink(path);
}

static void test_bad_input(void **state)
{
	(void)state;
	need_engine_up();
	berth_error err = BERTH_ERROR_INIT;
	/* not an archive: refused before anything is sent */
	const char *junk = path_of("junk.tar");
	FILE *f = fopen(junk, "w");
	for (int i = 0; i < 200; i++)
		fputs("not a tar archive ", f);
	fclose(f);
	berth_image_import_options io = BERTH_IMAGE_IMPORT_OPTIONS_INIT;
	io.path = junk;
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_EINVAL, &err);
	assert_non_null(strstr(err.message, "not a tar archive"));
	/* gzip of junk: compressed fine, no tar inside */
	char cmd[300];
	snprintf(cmd, sizeof cmd, "gzip -kf '%s'", junk);
	assert_int_equal(system(cmd), 0);
	char gz[200];
	snprintf(gz, sizeof gz, "%s.gz", junk);
	io.path = gz;
	assert_code(berth_image_import(NULL, client, &io, &err), BERTH_EINVAL, &err);
	assert_non_null(strstr(err.message, "gzip"));
	berth_image_import_rootfs_options ro = BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT;
	ro.path = junk;
	int r = berth_image_import_rootfs(NULL, client, &ro, &err);
	assert_true(r == BERTH_EINVAL || (r == BERTH_EUNSUPPORTED && engine_lacks("image_import_rootfs")));
	unlink(gz);
	unlink(junk);
	/* arguments, before any request (on every engine) */
	ro = (berth_image_import_rootfs_options)BERTH_IMAGE_IMPORT_ROOTFS_OPTIONS_INIT;
	assert_code(berth_image_import_rootfs(NULL, client, &ro, &err), BERTH_EINVAL, &err);
	ro.path = "/nonexistent/rootfs.tar";
	ro.ref = "Bad Ref";
	assert_code(berth_image_import_rootfs(NULL, client, &ro, &err), BERTH_EINVAL, &err);
	ro.ref = NULL;
	const char *bad_change[] = { "FROB x" };
	ro.changes = bad_change;
	ro.change_count = 1;
	assert_code(berth_image_import_rootfs(NULL, client, &ro, &err), BERTH_EINVAL, &err);
	berth_commit_options co = BERTH_COMMIT_OPTIONS_INIT;
	co.ref = "Bad Ref:1";
	char *id = NULL;
	assert_code(berth_container_commit(&id, client, "berth-t-none-commit", &co, &err), BERTH_EINVAL, &err);
	co.ref = "localhost/x@sha256:0123456789012345678901234567890123456789012345678901234567890123";
	assert_code(berth_container_commit(&id, client, "berth-t-none-commit", &co, &err), BERTH_EINVAL, &err);
	co.ref = "localhost/x:1";
	const char *multi[] = { "CMD sh\nUSER root" };
	co.changes = multi;
	co.change_count = 1;
	assert_code(berth_container_commit(&id, client, "berth-t-none-commit", &co, &err), BERTH_EINVAL, &err);
	co.changes = bad_change;
	assert_code(berth_container_commit(&id, client, "berth-t-none-commit", &co, &err), BERTH_EINVAL, &err);
	co.change_count = 0;
	co.version = 99;
	assert_code(berth_container_commit(&id, client, "berth-t-none-commit", &co, &err), BERTH_EINVAL, &err);
	assert_code(berth_container_commit(&id, client, "", NULL, &err), BERTH_EINVAL, &err);
	assert_null(id);
	berth_stream *s = NULL;
	assert_code(berth_container_export(&s, client, "", &err), BERTH_EINVAL, &err);
	assert_code(berth_image_save(&s, client, NULL, 0, &err), BERTH_EINVAL, &err);
	const char *empty[] = { "" };
	assert_code(berth_image_save(&s, client, empty, 1, &err), BERTH_EINVAL, &err);
	assert_null(s);
}

static int teardown(void **state)
{
	static const char *const mine[] = { "saved", "saved2", "pulled", "packed", "committed", "imported" };
	for (size_t i = 0; client && i < sizeof mine / sizeof mine[0]; i++)
		drop_image(image_name_of(mine[i]));
	if (tmpdir[0]) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		(void)!system(cmd);
	}
	return conformance_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_save_load_pulled),
		cmocka_unit_test(test_load_compressed),
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_export_import),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name(conformance_group("archive"), tests, conformance_setup, teardown);
}
