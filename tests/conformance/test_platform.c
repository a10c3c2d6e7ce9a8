/* Conformance: where berth runs (include/berth/platform.h) on each engine
 * (BERTH_TEST_ENGINE).
 *
 * On the host, while containers of every engine that is up run, berth is
 * not in a container, whatever those containers mount on the host and
 * whatever marker file the host carries (these machines have a stray
 * /.dockerenv); and it finds each container's id from the pid of its
 * process. Inside a container of the engine under test, while others run
 * beside it, berth (the CLI, and this program's probe mode) finds its own
 * id. This suite runs on the engines' host, as every conformance suite.
 *
 * To run inside the busybox test image, the binaries run through the
 * host's dynamic loader, with the directories of the libraries this
 * program has loaded bind-mounted read-only at their own paths. */
#include "conformance.h"

#include "util/util.h"

#include <dlfcn.h>
#include <elf.h>
#include <libgen.h>
#include <link.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SLEEP[] = { "sleep", "300" };

/* Containers started on engines other than the one under test; the group
 * teardown removes them (the fixture's reaper knows its own engine only). */
static struct {
	berth_client *client;
	char *id;
} others[8];
static size_t n_others;

static void remove_others(void)
{
	berth_remove_options ro = BERTH_REMOVE_OPTIONS_INIT;
	ro.force = 1;
	for (size_t i = 0; i < n_others; i++) {
		berth_container_remove(others[i].client, others[i].id, &ro, NULL);
		berth_free(others[i].id);
		berth_client_free(others[i].client);
	}
	n_others = 0;
}

static int teardown(void **state)
{
	remove_others();
	return conformance_teardown(state);
}

static int64_t pid_of(berth_client *c, const char *id)
{
	berth_container_info *x = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_inspect(&x, c, id, &err), &err);
	int64_t pid = berth_container_info_pid(x);
	berth_container_info_free(x);
	assert_true(pid > 0);
	return pid;
}

/* The container process pid runs in, as berth reads it from the host. */
static void assert_pid_in(int64_t pid, const char *id)
{
	char *got = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_container_id_of_pid(&got, (int)pid, &err), &err);
	assert_string_equal(got, id);
	berth_free(got);
}

static void test_host_is_not_a_container(void **state)
{
	(void)state;
	need_engine();
	/* one container of the engine under test, one of every other engine
	 * that is up: each leaves its mounts in the host's table */
	char *mine = run(name_of("host-beside"), SLEEP, 2);
	static const berth_engine all[] = { BERTH_ENGINE_DOCKER, BERTH_ENGINE_PODMAN, BERTH_ENGINE_CONTAINERD };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		if (all[i] == engine)
			continue;
		berth_client_options o = BERTH_CLIENT_OPTIONS_INIT;
		o.engine = all[i];
		o.owner = "berth-conformance";
		berth_client *c = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (berth_client_open(&c, &o, &err) < 0) {
			printf("# %s is not up: no container of it beside (%s)\n", berth_engine_name(all[i]), err.message);
			continue;
		}
		berth_spec *s = spec_of(name_of(berth_engine_name(all[i])), SLEEP, 2);
		char *id = NULL;
		int r = berth_container_run(&id, c, s, &err);
		berth_spec_free(s);
		if (r < 0) {
			berth_client_free(c);
			fail_msg("a container on %s: %s", berth_engine_name(all[i]), err.message);
		}
		others[n_others].client = c;
		others[n_others++].id = id;
	}

	berth_platform *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_platform_detect(&p, &err), &err);
	const char *evidence = berth_platform_evidence(p);
	printf("# on the host: %s\n", evidence);
	assert_false(berth_platform_in_container(p));
	assert_string_equal(berth_platform_runtime(p), "");
	assert_string_equal(berth_platform_container_id(p), "");
	assert_non_null(strstr(evidence, "nothing about this process marks a container"));
	struct stat st;
	if (stat("/.dockerenv", &st) == 0)
		assert_non_null(strstr(evidence, "/.dockerenv seen but alone not trusted"));
	berth_platform_free(p);
	assert_int_equal(berth_in_container(), 0);

	char *id = NULL;
	assert_code(berth_container_id_of_pid(&id, 0, &err), BERTH_ENOTFOUND, &err);
	assert_null(id);
	assert_code(berth_container_id_of_pid(&id, (int)getpid(), &err), BERTH_ENOTFOUND, &err);
	berth_container_info *x = NULL;
	assert_code(berth_container_inspect_self(&x, client, &err), BERTH_ENOTFOUND, &err);
	assert_null(x);

	/* each container's process, seen from the host, is in that container */
	assert_pid_in(pid_of(client, mine), mine);
	for (size_t i = 0; i < n_others; i++)
		assert_pid_in(pid_of(others[i].client, others[i].id), others[i].id);

	remove_others();
	force_remove(mine);
	berth_free(mine);
}

/* ---- inside a container ------------------------------------------------------------- */

/* What the loader needs: the program's interpreter (its PT_INTERP) and the
 * directories of every shared object this program has loaded. */
typedef struct runtime_files {
	char loader[PATH_MAX];
	char dirs[8][PATH_MAX];
	size_t n_dirs;
} runtime_files;

static void add_dir(runtime_files *rf, const char *file)
{
	char real[PATH_MAX];
	if (!file || !*file || !realpath(file, real))
		return;
	const char *dir = dirname(real);
	for (size_t i = 0; i < rf->n_dirs; i++)
		if (STREQ(rf->dirs[i], dir))
			return;
	assert_true(rf->n_dirs < 8);
	snprintf(rf->dirs[rf->n_dirs++], PATH_MAX, "%s", dir);
}

static int each_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	runtime_files *rf = data;
	if (!info->dlpi_name || !*info->dlpi_name) { /* the program itself */
		for (int i = 0; i < info->dlpi_phnum; i++)
			if (info->dlpi_phdr[i].p_type == PT_INTERP) {
				const char *interp = (const char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
				if (!realpath(interp, rf->loader))
					rf->loader[0] = '\0';
			}
		return 0;
	}
	if (strstr(info->dlpi_name, "linux-vdso"))
		return 0;
	add_dir(rf, info->dlpi_name);
	return 0;
}

static void runtime_files_of_self(runtime_files *rf)
{
	memset(rf, 0, sizeof *rf);
	dl_iterate_phdr(each_object, rf);
	assert_true(rf->loader[0] == '/');
	add_dir(rf, rf->loader);
}

/* Run argv (the probe script) in a container of the engine under test
 * with both binaries and the host's libraries mounted; its output. */
static char *run_inside(const char *name, char **out_id)
{
	const char *cli = getenv("BERTH_CLI");
	if (isempty(cli))
		fail_msg("BERTH_CLI must name the berth binary (meson test sets it)");
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	runtime_files rf;
	runtime_files_of_self(&rf);
	char libpath[8 * PATH_MAX] = "";
	for (size_t i = 0; i < rf.n_dirs; i++)
		snprintf(libpath + strlen(libpath), sizeof libpath - strlen(libpath), "%s%s", i ? ":" : "", rf.dirs[i]);
	const char *argv[] = {
		"sh", "-c",
		"\"$1\" --library-path \"$2\" /berth platform --format json && echo && "
		"\"$1\" --library-path \"$2\" /probe --inside",
		"sh", rf.loader, libpath,
	};
	berth_spec *s = spec_of(name, argv, sizeof argv / sizeof *argv);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_spec_add_bind(s, cli, "/berth", 1, NULL, &err), &err);
	assert_ok(berth_spec_add_bind(s, self, "/probe", 1, NULL, &err), &err);
	for (size_t i = 0; i < rf.n_dirs; i++)
		assert_ok(berth_spec_add_bind(s, rf.dirs[i], rf.dirs[i], 1, NULL, &err), &err);
	char *id = NULL;
	assert_ok(berth_container_create(&id, client, s, &err), &err);
	berth_spec_free(s);
	/* another container starts between its create and its start */
	char *late = run(name_of("late"), SLEEP, 2);
	assert_ok(berth_container_start(client, id, &err), &err);
	berth_wait_options wo = BERTH_WAIT_OPTIONS_INIT;
	wo.timeout_ms = 60000;
	berth_wait_outcome w = BERTH_WAIT_OUTCOME_INIT;
	assert_ok(berth_container_wait(&w, client, id, &wo, &err), &err);

	sbuf out = { 0 };
	berth_stream *l = NULL;
	assert_ok(berth_container_logs(&l, client, id, NULL, &err), &err);
	berth_frame f;
	int r;
	while ((r = berth_stream_next(l, &f, 30000, &err)) == 0)
		assert_int_equal(sbuf_add(&out, f.data, f.len), 0);
	assert_code(r, BERTH_ITEROVER, &err);
	berth_stream_free(l);
	assert_int_equal(sbuf_addc(&out, '\0'), 0);
	printf("# inside (exit %d):\n# %s\n", w.exit_code, out.data);
	assert_int_equal(w.exit_code, 0);
	force_remove(late);
	berth_free(late);
	*out_id = id;
	return out.data;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" lacks \"%s\"", hay, needle);
}

static void test_inside_finds_its_own_id(void **state)
{
	(void)state;
	need_engine();
	char *beside = run(name_of("inside-beside"), SLEEP, 2);
	char *id = NULL;
	char *out = run_inside(name_of("inside"), &id);
	const char *rt = berth_engine_name(engine);
	char want[256];
	/* the CLI */
	assert_has(out, "\"InContainer\":true");
	snprintf(want, sizeof want, "\"Runtime\":\"%s\"", rt);
	assert_has(out, want);
	snprintf(want, sizeof want, "\"ContainerId\":\"%s\"", id);
	assert_has(out, want);
	assert_has(out, "mountinfo: /etc/hostname from ");
	/* the library, through berth_platform_detect() and
	 * berth_container_id_of_pid(0) */
	snprintf(want, sizeof want, "detect 1 %s %s\n", rt, id);
	assert_has(out, want);
	snprintf(want, sizeof want, "self %s\n", id);
	assert_has(out, want);
	free(out);
	force_remove(id);
	berth_free(id);
	force_remove(beside);
	berth_free(beside);
}

/* Probe mode, run inside the container: what the library says. */
static int probe(void)
{
	berth_platform *p = NULL;
	if (berth_platform_detect(&p, NULL) < 0)
		return 1;
	printf("detect %d %s %s\n", berth_platform_in_container(p), berth_platform_runtime(p),
	       berth_platform_container_id(p));
	printf("evidence %s\n", berth_platform_evidence(p));
	berth_platform_free(p);
	char *id = NULL;
	berth_error err = BERTH_ERROR_INIT;
	int r = berth_container_id_of_pid(&id, 0, &err);
	printf("self %s\n", r == 0 ? id : err.message);
	berth_free(id);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && STREQ(argv[1], "--inside"))
		return probe();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_is_not_a_container),
		cmocka_unit_test(test_inside_finds_its_own_id),
	};
	return cmocka_run_group_tests_name(conformance_group("platform"), tests, conformance_setup, teardown);
}
