/* Shared fixture of the conformance suites: the client for the engine under
 * test (BERTH_TEST_ENGINE=docker|podman), this run's id, and helpers that
 * make, inspect and remove this run's containers.
 *
 * The suites are guests on the engine: every container they make is named
 * berth-t-<run>-... and labelled io.berth.test.run=<run>, and only those are
 * removed. A missing engine skips the suite loudly; under CI it fails. */
#ifndef BERTH_TESTS_CONFORMANCE_H
#define BERTH_TESTS_CONFORMANCE_H

#include "test.h"

#include <stdbool.h>

#define IMAGE "localhost/berth-test/busybox:latest"
#define RUN_LABEL "io.berth.test.run"

extern berth_client *client;   /* NULL when the engine is missing */
extern berth_engine engine;
extern char run_id[32];

int64_t now_ms_(void);
/* Skip the test when the engine is missing (fail under CI). */
void need_engine(void);
/* A unique container name for this run: berth-t-<run>-<what> (8 slots). */
const char *name_of(const char *what);
/* A spec of IMAGE with this name, the run label and (argc > 0) a command. */
berth_spec *spec_of(const char *name, const char *const *argv, size_t argc);
/* Create and start; the id (free with berth_free). */
char *run(const char *name, const char *const *argv, size_t argc);
/* Create only; the id (free with berth_free). */
char *create(const char *name, const char *const *argv, size_t argc);
/* A second client on the engine under test whose request deadline is
 * timeout_ms (free with berth_client_free). */
berth_client *client_with_timeout(int timeout_ms);
berth_container_info *inspect(const char *id);
/* Poll until the container leaves "running" (bounded). */
berth_container_info *wait_exited(const char *id, int timeout_ms);
void force_remove(const char *id);

/* cmocka group setup/teardown: open the client, reap this run's leftovers. */
int conformance_setup(void **state);
int conformance_teardown(void **state);

#endif
