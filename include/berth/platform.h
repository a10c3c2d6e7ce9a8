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
 * Tell whether this process runs in a container, and which one, from what
 * is about this process only. Reads files only; no engine is contacted.
 *
 * What decides (any one is enough):
 *  - /proc/self/mountinfo, the process's own view of the file system, and
 *    only two kinds of mount in it: a file of an engine's per-container
 *    directory bind-mounted at a path engines give every container
 *    (/etc/hostname, /etc/hosts, /etc/resolv.conf, /run/.containerenv,
 *    /run/secrets, /dev/termination-log): Docker's `.../containers/<id>/`,
 *    Podman's `.../overlay-containers/<id>/userdata/`, berth's on containerd
 *    `.../berth/containerd/<namespace>/<id>/`, a Kubernetes pod's
 *    directory; and the mount at "/" when it lies in an engine's image
 *    storage (Docker's `.../docker/overlay2/` and its other drivers,
 *    `.../containers/storage/`, containerd's snapshotters), read from its
 *    root and its overlay's lowerdir/upperdir. A container's files mounted
 *    anywhere else never count: that is what the host's table holds while
 *    containers run (a Podman container's shm, berth's network namespace
 *    files, the engines' overlay mounts);
 *  - /proc/self/cgroup: a cgroup an engine makes for a container
 *    (`/docker/<id>`, `docker-<id>.scope`, `libpod-<id>`,
 *    `/<namespace>/<id>` as containerd's clients and berth make them,
 *    `cri-containerd-<id>`, `crio-<id>`, `kubepods`, LXC's), the innermost
 *    one of the path (a container in a container);
 *  - the same in /proc/1/cgroup, when PID 1 shares this process's mount
 *    namespace (with the host's PID namespace it is the host's init);
 *  - the `container` environment variable (set by systemd-nspawn, LXC,
 *    Podman: the process's own environment, the systemd container
 *    interface).
 *
 * What never decides: /.dockerenv and /run/.containerenv. They are files
 * of the root file system, and a host made from a container's image keeps
 * them (these machines carry a stray /.dockerenv). With other evidence they
 * corroborate it (and name the runtime when nothing else does); alone they
 * are reported as seen but not trusted.
 *
 * The id comes from the bind-mounted files first, then the cgroups, then
 * the id line of /run/.containerenv (Podman's privileged containers). On
 * Kubernetes only a cgroup names the container (the pod's files name its
 * sandbox). Engines on these hosts (cgroup v1): Docker, Podman and berth's
 * containerd containers all show both the bind mounts and the cgroup; with
 * a private cgroup namespace (cgroup v2) the cgroup is "/" and the mounts
 * alone name the container.
 *
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
/** What decided the verdict, then what was seen but not trusted, separated
 *  by "; ". In a Docker container: "mountinfo: /etc/hostname from Docker's
 *  container directory; mountinfo: / in docker's image storage; cgroup:
 *  /docker/<id>; PID 1's cgroup: /docker/<id>; /.dockerenv (corroborating)";
 *  on a host with a stray marker: "nothing about this process marks a
 *  container; /.dockerenv seen but alone not trusted". Never "". */
BERTH_API const char *berth_platform_evidence(const berth_platform *p);

/** Shorthand: 1 when this process runs in a container, 0 when not. */
BERTH_API int berth_in_container(void);

/**
 * The id of the container process `pid` runs in (0 = this process), read
 * from /proc/PID/mountinfo and /proc/PID/cgroup by the rules of
 * berth_platform_detect() (that process's own mounts and cgroup; marker
 * files, PID 1 and the environment are not read). From the host, the pid
 * of a container's process gives that container's id on every engine.
 * Free with berth_free().
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
