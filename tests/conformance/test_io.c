/* Conformance: diff, stat of a path and archives both ways, written once
 * against the public API and run against each engine (BERTH_TEST_ENGINE).
 * The local side of the archives is the system's tar; copies are compared
 * byte for byte (a few MiB of random bytes and a directory tree). */
#include "conformance.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SLEEP[] = { "sleep", "300" };

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int r = system(cmd);
	if (r != 0)
		fail_msg("`%s` failed (%d)", cmd, r);
}

/* An engine whose backend has no diff or path access: they answer
 * BERTH_EUNSUPPORTED, and the test ends there, passed. */
static void lacking_pass(void)
{
	if (!engine_lacks("container_diff"))
		return;
	berth_error err = BERTH_ERROR_INIT;
	berth_changes *ch = NULL;
	berth_path_info *pi = NULL;
	assert_code(berth_container_diff(&ch, client, name_of("lacking"), &err), BERTH_EUNSUPPORTED, &err);
	assert_code(berth_container_stat_path(&pi, client, name_of("lacking"), "/etc", &err), BERTH_EUNSUPPORTED, &err);
	conformance_pass();
}

/* containerd mounts a stopped container's snapshot for a call: none of
 * those mounts (or their directories) may outlive it. */
static void no_mounts_left(void)
{
	if (engine != BERTH_ENGINE_CONTAINERD)
		return;
	sh("! grep -q ' /run/berth-files-' /proc/self/mountinfo");
	sh("! ls -d /run/berth-files-* >/dev/null 2>&1");
}

static void test_diff(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	const char *argv[] = { "sh", "-c", "touch /added-file; rm /bin/vi; sleep 300" };
	char *id = run(name_of("diff"), argv, 3);
	berth_changes *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	bool added = false, deleted = false, bin_changed = false;
	for (int tries = 0; tries < 50 && !(added && deleted); tries++) {
		berth_changes_free(ch);
		ch = NULL;
		if (berth_container_diff(&ch, client, id, &err) < 0)
			fail_msg("diff: %s", err.message);
		for (size_t i = 0; i < berth_changes_count(ch); i++) {
			const char *p = berth_changes_path(ch, i);
			berth_change_kind k = berth_changes_kind(ch, i);
			added |= !strcmp(p, "/added-file") && k == BERTH_CHANGE_ADDED;
			deleted |= !strcmp(p, "/bin/vi") && k == BERTH_CHANGE_DELETED;
			bin_changed |= !strcmp(p, "/bin") && k == BERTH_CHANGE_CHANGED;
			if (i > 0)
				assert_true(strcmp(berth_changes_path(ch, i - 1), p) < 0);
		}
		if (!(added && deleted))
			usleep(100 * 1000);
	}
	assert_true(added);
	assert_true(deleted);
	assert_true(bin_changed);
	assert_null(berth_changes_path(ch, berth_changes_count(ch)));
	assert_string_equal(berth_change_kind_letter(BERTH_CHANGE_ADDED), "A");
	assert_string_equal(berth_change_kind_letter(BERTH_CHANGE_DELETED), "D");
	assert_string_equal(berth_change_kind_letter(BERTH_CHANGE_CHANGED), "C");
	berth_changes_free(ch);
	force_remove(id);
	berth_free(id);
}

static void test_stat_path(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = create(name_of("stat"), SLEEP, 2);   /* works without running */
	berth_path_info *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (berth_container_stat_path(&p, client, id, "/etc/passwd", &err) < 0)
		fail_msg("stat: %s", err.message);
	assert_string_equal(berth_path_info_name(p), "passwd");
	assert_true(berth_path_info_size(p) > 0);
	assert_true(S_ISREG(berth_path_info_mode(p)));
	assert_false(berth_path_info_is_dir(p));
	assert_string_equal(berth_path_info_link_target(p), "");
	berth_path_info_free(p);
	p = NULL;
	assert_int_equal(berth_container_stat_path(&p, client, id, "/etc", &err), 0);
	assert_true(berth_path_info_is_dir(p));
	assert_true(S_ISDIR(berth_path_info_mode(p)));
	berth_path_info_free(p);
	p = NULL;
	/* a missing path, a missing container */
	assert_int_equal(berth_container_stat_path(&p, client, id, "/no/such/path", &err), BERTH_ENOTFOUND);
	assert_non_null(strstr(err.message, "no such path"));
	assert_null(p);
	assert_int_equal(berth_container_stat_path(&p, client, name_of("never-made"), "/etc", &err), BERTH_ENOTFOUND);
	assert_non_null(strstr(err.message, "no such container"));
	assert_int_equal(berth_container_stat_path(&p, client, id, "etc", &err), BERTH_EINVAL);
	assert_int_equal(berth_container_stat_path(&p, client, id, "", &err), BERTH_EINVAL);
	no_mounts_left();
	force_remove(id);
	berth_free(id);
}

typedef struct fd_src {
	int fd;
} fd_src;

static ssize_t read_fd(void *buf, size_t cap, void *payload)
{
	ssize_t n = read(((fd_src *)payload)->fd, buf, cap);
	return n < 0 ? BERTH_EUNAVAILABLE : n;
}

static int put_file(const char *id, const char *dest, const char *tar_path, int no_overwrite, berth_error *err)
{
	int fd = open(tar_path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	fd_src src = { fd };
	berth_put_archive_options o = BERTH_PUT_ARCHIVE_OPTIONS_INIT;
	o.no_overwrite_dir_non_dir = no_overwrite;
	int r = berth_container_put_archive(client, id, dest, read_fd, &src, &o, err);
	close(fd);
	return r;
}

static int get_file(const char *id, const char *path, const char *tar_path, berth_error *err)
{
	berth_stream *s = NULL;
	int r = berth_container_get_archive(&s, client, id, path, err);
	if (r < 0)
		return r;
	FILE *f = fopen(tar_path, "wb");
	assert_non_null(f);
	berth_frame fr;
	size_t frames = 0;
	while ((r = berth_stream_next(s, &fr, 30000, err)) == 0) {
		assert_int_equal(fr.channel, BERTH_CHANNEL_STDOUT);
		assert_int_equal(fwrite(fr.data, 1, fr.len, f), fr.len);
		frames++;
	}
	fclose(f);
	berth_stream_free(s);
	assert_true(frames > 0);
	return r == BERTH_ITEROVER ? 0 : r;
}

static void test_archive_roundtrip(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = run(name_of("cp"), SLEEP, 2);
	char dir[] = "/tmp/berth-t-io-XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* 4 MiB of random bytes and a small tree with a link and a long name */
	sh("mkdir -p %s/src/tree/sub/deeper && head -c 4194304 /dev/urandom > %s/src/tree/blob.bin && "
	   "echo hello > %s/src/tree/sub/a.txt && ln -s sub/a.txt %s/src/tree/link && "
	   "echo long > %s/src/tree/sub/deeper/%0120d.txt && tar -c -C %s/src -f %s/in.tar tree",
	   dir, dir, dir, dir, dir, 7, dir, dir);
	berth_error err = BERTH_ERROR_INIT;
	char tar_path[256];
	snprintf(tar_path, sizeof tar_path, "%s/in.tar", dir);
	if (put_file(id, "/tmp", tar_path, 1, &err) < 0)
		fail_msg("put archive: %s", err.message);
	/* it is there, with its size */
	berth_path_info *p = NULL;
	assert_int_equal(berth_container_stat_path(&p, client, id, "/tmp/tree/blob.bin", &err), 0);
	assert_int_equal(berth_path_info_size(p), 4194304);
	berth_path_info_free(p);
	p = NULL;
	assert_int_equal(berth_container_stat_path(&p, client, id, "/tmp/tree/link", &err), 0);
	assert_true(S_ISLNK(berth_path_info_mode(p)));
	/* both engines resolve the link's target */
	assert_string_equal(berth_path_info_link_target(p), "/tmp/tree/sub/a.txt");
	berth_path_info_free(p);

	/* and back, byte-exact */
	snprintf(tar_path, sizeof tar_path, "%s/out.tar", dir);
	if (get_file(id, "/tmp/tree", tar_path, &err) < 0)
		fail_msg("get archive: %s", err.message);
	sh("mkdir %s/back && tar -x -C %s/back -f %s && diff -r %s/src/tree %s/back/tree", dir, dir, tar_path, dir,
	   dir);
	sh("cmp %s/src/tree/blob.bin %s/back/tree/blob.bin", dir, dir);
	/* a single file comes under its own name */
	if (get_file(id, "/tmp/tree/blob.bin", tar_path, &err) < 0)
		fail_msg("get archive: %s", err.message);
	sh("test \"$(tar -t -f %s)\" = blob.bin", tar_path);

	/* overwrite rule: a directory may not replace a file */
	sh("mkdir -p %s/x/blob.bin && tar -c -C %s/x -f %s/dir.tar blob.bin", dir, dir, dir);
	snprintf(tar_path, sizeof tar_path, "%s/dir.tar", dir);
	assert_int_equal(put_file(id, "/tmp/tree", tar_path, 1, &err), BERTH_ECONFLICT);
	/* a destination that is missing, or not a directory */
	assert_int_equal(put_file(id, "/no/such/dir", tar_path, 1, &err), BERTH_ENOTFOUND);
	assert_int_equal(put_file(id, "/tmp/tree/blob.bin", tar_path, 1, &err), BERTH_ECONFLICT);
	/* missing path, missing container */
	berth_stream *s = NULL;
	assert_int_equal(berth_container_get_archive(&s, client, id, "/no/such/path", &err), BERTH_ENOTFOUND);
	assert_int_equal(berth_container_get_archive(&s, client, name_of("never-made"), "/etc", &err),
			 BERTH_ENOTFOUND);
	assert_null(s);
	assert_int_equal(put_file(name_of("never-made"), "/tmp", tar_path, 1, &err), BERTH_ENOTFOUND);
	/* bad input */
	assert_int_equal(berth_container_put_archive(client, id, "tmp", read_fd, NULL, NULL, &err), BERTH_EINVAL);
	assert_int_equal(berth_container_put_archive(client, id, "/tmp", NULL, NULL, NULL, &err), BERTH_EINVAL);
	berth_put_archive_options bad = { 99, 0, 0 };
	assert_int_equal(berth_container_put_archive(client, id, "/tmp", read_fd, NULL, &bad, &err), BERTH_EINVAL);
	no_mounts_left();
	sh("rm -rf %s", dir);
	force_remove(id);
	berth_free(id);
}

/* A container that never ran: archives in and out, its diff, a stream
 * dropped half way, and links that lead nowhere outside the container. */
static void test_archive_stopped(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	char *id = create(name_of("cp-stopped"), SLEEP, 2);
	char dir[] = "/tmp/berth-t-io-XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* a link climbing out of the container's root, and a file that only
	 * the host has at the place it would reach */
	sh("mkdir %s/src && echo in > %s/src/f.txt && ln -s ../../../../../../../../..%s %s/src/up && "
	   "touch %s/host-only && tar -c -C %s/src -f %s/in.tar f.txt up",
	   dir, dir, dir, dir, dir, dir, dir);
	char tar_path[256], probe[300];
	snprintf(tar_path, sizeof tar_path, "%s/in.tar", dir);
	berth_error err = BERTH_ERROR_INIT;
	if (put_file(id, "/tmp", tar_path, 0, &err) < 0)
		fail_msg("put archive: %s", err.message);
	berth_path_info *p = NULL;
	assert_int_equal(berth_container_stat_path(&p, client, id, "/tmp/f.txt", &err), 0);
	assert_int_equal(berth_path_info_size(p), 3);
	berth_path_info_free(p);
	p = NULL;
	snprintf(probe, sizeof probe, "/tmp/up/host-only");
	assert_int_equal(berth_container_stat_path(&p, client, id, probe, &err), BERTH_ENOTFOUND);
	/* the diff shows the new file */
	berth_changes *ch = NULL;
	if (berth_container_diff(&ch, client, id, &err) < 0)
		fail_msg("diff: %s", err.message);
	bool added = false;
	for (size_t i = 0; i < berth_changes_count(ch); i++)
		added |= !strcmp(berth_changes_path(ch, i), "/tmp/f.txt") &&
			 berth_changes_kind(ch, i) == BERTH_CHANGE_ADDED;
	assert_true(added);
	berth_changes_free(ch);
	/* back out, then a stream of the whole root dropped after two frames */
	snprintf(tar_path, sizeof tar_path, "%s/out.tar", dir);
	if (get_file(id, "/tmp/f.txt", tar_path, &err) < 0)
		fail_msg("get archive: %s", err.message);
	sh("test \"$(tar -x -O -f %s f.txt)\" = in", tar_path);
	berth_stream *s = NULL;
	assert_int_equal(berth_container_get_archive(&s, client, id, "/", &err), 0);
	berth_frame fr;
	for (int i = 0; i < 2; i++)
		assert_int_equal(berth_stream_next(s, &fr, 30000, &err), 0);
	berth_stream_free(s);
	no_mounts_left();
	sh("rm -rf %s", dir);
	force_remove(id);
	berth_free(id);
}

static void test_diff_missing(void **state)
{
	(void)state;
	need_engine();
	lacking_pass();
	berth_changes *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(berth_container_diff(&ch, client, name_of("never-made"), &err), BERTH_ENOTFOUND);
	assert_null(ch);
	assert_int_equal(berth_container_diff(&ch, client, "", &err), BERTH_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_missing),
		cmocka_unit_test(test_stat_path),
		cmocka_unit_test(test_archive_roundtrip),
		cmocka_unit_test(test_archive_stopped),
	};
	return cmocka_run_group_tests_name(conformance_group("io"), tests, conformance_setup, conformance_teardown);
}
