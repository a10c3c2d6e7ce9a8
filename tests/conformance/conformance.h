/* Shared by the conformance suites: the engine under test, container names
 * and labels of this run, and the few helpers every suite needs.
 *
 * The suites are guests on the engine: every container they make is named
 * berth-t-<run>-... and labelled io.berth.test.run=<run>, and only those are
 * removed. A missing engine skips the suite loudly; under CI it fails. */
#ifndef BERTH_CONFORMANCE_H
#define BERTH_CONFORMANCE_H

#include "../common/test.h"

#include <stdbool.h>
#include <sys/types.h>

#define IMAGE "localhost/berth-test/busybox:latest"
/* The test registry (provisioning) and the Redis image it holds, made
 * from Debian's packages. */
#define REGISTRY "127.0.0.1:5000"
#define REDIS_IMAGE REGISTRY "/berth-test/redis:bookworm"
#define HEALTH_IMAGE "localhost/berth-test/health:latest"
#define RUN_LABEL "io.berth.test.run"

extern berth_client *client;
extern berth_engine engine;
extern char run_id[32];

int64_t now_ms_(void);
/* Skip the test when the engine is missing (fail under CI). On an engine
 * whose backend cannot create containers yet (engine_lacks), check that
 * create answers BERTH_EUNSUPPORTED and end the test there, passed. */
void need_engine(void);
/* The same for a test that needs no container of its own: only the skip. */
void need_engine_up(void);
/* Whether the backend under test lacks an operation (the name of its slot
 * in the engine vtable, "container_create"): the one table of what an
 * engine cannot do yet is in conformance.c. */
bool engine_lacks(const char *op);
/* The API version the client reports: "1.41" on the Engine API, "v1" on
 * containerd's gRPC API. */
const char *expected_api_version(void);
/* End the running test as passed (after it checked BERTH_EUNSUPPORTED). */
_Noreturn void conformance_pass(void);

/* Every test runs through a trampoline so that conformance_pass() can end
 * it early: the test function rides in the test's initial state. */
void conformance_trampoline(void **state);
#undef cmocka_unit_test
#define cmocka_unit_test(f) { #f, conformance_trampoline, NULL, NULL, (void *)(uintptr_t)(f) }
/* A unique container name for this run (8 rotating buffers). */
const char *name_of(const char *what);
/* A unique image name for this run: "localhost/berth-t-RUN/WHAT:1" (4
 * rotating buffers). */
const char *image_name_of(const char *what);
/* Force-remove an image a test made or pulled; gone already is fine. */
void image_drop(const char *ref);
/* A service on 127.0.0.1:port that a test needs (a registry, a token
 * issuer): missing fails the test under CI, skips it elsewhere. */
void need_port(int port, const char *what);
/* A pipe whose read end gets the file's bytes from a child (*pid; the
 * caller closes the fd and reaps the child): input that is no file. */
int pipe_from_file(const char *path, pid_t *pid);
/* Podman 4.3's aardvark-dns leaves a moment after the last member of the
 * networks it serves goes; a network set up in that moment is registered
 * with the leaving server and has no DNS until another one starts. When
 * it serves no network, wait (at most 5 s) until it is gone, so that the
 * next member starts a fresh one. No-op on other engines. */
void podman_dns_settle(void);
/* A spec with this run's name and label; argc 0 keeps the image's command. */
berth_spec *spec_of_image(const char *image, const char *name, const char *const *argv, size_t argc);
berth_spec *spec_of(const char *name, const char *const *argv, size_t argc);
/* Create and start; the id is the caller's (berth_free). */
char *run(const char *name, const char *const *argv, size_t argc);
/* Create without starting. */
char *create(const char *name, const char *const *argv, size_t argc);
/* Another client of the engine under test, with this request deadline. */
berth_client *client_with_timeout(int timeout_ms);
/* The engine's address from BERTH_TEST_HOST (the suites run through ssh
 * set it, see tests/scripts/sshd-fixture.sh), else NULL: discovery. */
const char *test_host(void);
berth_container_info *inspect(const char *id);
/* Poll until the container leaves "running" (bounded). */
berth_container_info *wait_exited(const char *id, int timeout_ms);
void force_remove(const char *id);

/* Group setup and teardown: open the client for BERTH_TEST_ENGINE, and
 * remove whatever this run left behind. */
int conformance_setup(void **state);
int conformance_teardown(void **state);
/* "conformance-<suite>-<engine>" */
const char *conformance_group(const char *suite);

#endif
