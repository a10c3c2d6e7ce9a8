/* berth — where this process runs: in a container or not, and which one.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_PLATFORM_H
#define BERTH_PLATFORM_H

#include <berth/container.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What berth could tell about the process's surroundings (opaque). */
typedef struct berth_platform berth_platform;

/**
 * Look at the process's surroundings: /.dockerenv, /run/.containerenv, the
 * `container` environment variable, /proc/1/cgroup, /proc/self/cgroup and
 * /proc/self/mountinfo. Reads files only; no engine is contacted.
 * @return 0 or BERTH_ENOMEM.
 */
BERTH_API int berth_platform_detect(berth_platform **out, berth_error *err);
BERTH_API void berth_platform_free(berth_platform *p);
/** 1 when the process runs in a container. */
BERTH_API int berth_platform_in_container(const berth_platform *p);
/** "docker", "podman", "containerd", "kubernetes", "lxc", "systemd-nspawn",
 *  "container" (some other), or "" when not in one. */
BERTH_API const char *berth_platform_runtime(const berth_platform *p);
/** The 64-hex container id when the surroundings reveal it, else "". */
BERTH_API const char *berth_platform_container_id(const berth_platform *p);
/** The markers that led to the verdict, e.g. "/.dockerenv; /proc/self/cgroup". */
BERTH_API const char *berth_platform_evidence(const berth_platform *p);

/** Shorthand: 1 when this process runs in a container, 0 when not. */
BERTH_API int berth_in_container(void);

/**
 * The id of the container process `pid` runs in (0 = this process), read
 * from /proc/PID/cgroup and /proc/PID/mountinfo. Free with berth_free().
 * @return 0; BERTH_ENOTFOUND (no container id there, or no such process);
 *   BERTH_EPERM; BERTH_ENOMEM.
 */
BERTH_API int berth_container_id_of_pid(char **out_id, int pid, berth_error *err);

/**
 * Inspect the container this process runs in, through the engine.
 * @return 0; BERTH_ENOTFOUND (not in a container, or the engine does not
 *   know it); as berth_container_inspect().
 */
BERTH_API int berth_container_inspect_self(berth_container_info **out, berth_client *client, berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
