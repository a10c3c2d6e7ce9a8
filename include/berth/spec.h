/* berth — the container spec: an opaque builder with typed setters.
 *
 * A spec describes one container: image, process, namespaces, storage,
 * privileges, resources, restart and health policy, logging. Every setter
 * checks its input at once and answers BERTH_EINVAL with the field's name
 * ("port: 70000 out of range", "ulimit: unknown name \"nofiles\"") before
 * anything reaches an engine; on failure the spec is left as it was. Checks
 * that involve two fields (memory swap below memory, auto-remove with a
 * restart policy, published ports with the host network) run when the spec
 * is used (berth_container_create()), still before any request.
 *
 * Inputs are copied; setters that take a string accept NULL to clear the
 * field (the engine's or the image's default then applies) unless said
 * otherwise. Setting a scalar field twice keeps the last value; add_*
 * functions accumulate, and those keyed by a name (labels, ulimits,
 * sysctls, log options) replace an earlier entry with the same name.
 *
 * Engine differences are handled by the engine backend: where an engine
 * cannot honour a field the way the spec asks, berth_container_create()
 * answers BERTH_EUNSUPPORTED naming the field rather than dropping it.
 *
 * A spec is not thread-safe while it is being built; once built it may be
 * used by several threads at once (create only reads it).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <berth/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_spec berth_spec;

/* ---- making a spec ------------------------------------------------------ */

/**
 * Start a container spec from an image reference ("busybox",
 * "localhost/x/y:tag", "name@sha256:..."). The reference is checked here.
 * Free with berth_spec_free().
 * @return 0; BERTH_EINVAL (bad reference, out NULL); BERTH_ENOMEM.
 */
BERTH_API int berth_spec_new(berth_spec **out, const char *image, berth_error *err);
/** Release a spec. NULL-safe. */
BERTH_API void berth_spec_free(berth_spec *spec);

/** The image reference the spec was made from. Borrowed; NULL for NULL. */
BERTH_API const char *berth_spec_image(const berth_spec *spec);
/** The container name set on the spec; NULL when none (or spec NULL). Borrowed. */
BERTH_API const char *berth_spec_name(const berth_spec *spec);

/** Check an image reference without making a spec: 0 or BERTH_EINVAL. */
BERTH_API int berth_validate_image_ref(const char *ref, berth_error *err);
/** Check a container name without making a spec: 0 or BERTH_EINVAL. */
BERTH_API int berth_validate_container_name(const char *name, berth_error *err);

/* Labels berth writes on every container it creates. */
#define BERTH_LABEL_MANAGED "io.berth.managed"   /**< "true" */
#define BERTH_LABEL_OWNER   "io.berth.owner"     /**< the client's owner option, when set */

/* Every setter below returns 0, BERTH_EINVAL (spec NULL or a bad value,
 * the message names the field) or BERTH_ENOMEM, unless it says more. */

/* ---- the process -------------------------------------------------------- */

/**
 * The container name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at most 255 bytes), as
 * Docker and Podman accept. NULL clears it (the engine picks one).
 */
BERTH_API int berth_spec_set_name(berth_spec *spec, const char *name, berth_error *err);

/** The command (argv, not a shell string). argc 0 keeps the image's CMD. */
BERTH_API int berth_spec_set_cmd(berth_spec *spec, const char *const *argv, size_t argc, berth_error *err);

/**
 * The entrypoint (argv). argv NULL with argc 0 goes back to the image's;
 * a non-NULL argv with argc 0 clears the image's entrypoint, so the command
 * runs on its own (`docker run --entrypoint ""`).
 */
BERTH_API int berth_spec_set_entrypoint(berth_spec *spec, const char *const *argv, size_t argc,
					berth_error *err);

/** Add KEY=VALUE to the environment; KEY must be non-empty and hold no '='.
 *  value NULL is the empty string. */
BERTH_API int berth_spec_add_env(berth_spec *spec, const char *key, const char *value, berth_error *err);

/** Add a label; the key must be non-empty and not one berth writes itself
 *  (BERTH_LABEL_MANAGED, BERTH_LABEL_OWNER). A later value replaces an earlier one. */
BERTH_API int berth_spec_add_label(berth_spec *spec, const char *key, const char *value, berth_error *err);

/** The working directory: an absolute path. The engines create it when
 *  the image lacks it. */
BERTH_API int berth_spec_set_workdir(berth_spec *spec, const char *path, berth_error *err);

/**
 * The user the process runs as: "name", "uid", "name:group" or "uid:gid"
 * (names as the image's /etc/passwd and /etc/group know them; ids up to
 * 4294967294).
 */
BERTH_API int berth_spec_set_user(berth_spec *spec, const char *user, berth_error *err);

/** The hostname: RFC 1123 labels of [a-zA-Z0-9-] joined by '.', at most 64 bytes. */
BERTH_API int berth_spec_set_hostname(berth_spec *spec, const char *hostname, berth_error *err);

/** Give the process a terminal (`-t`). Interactive attach is a separate call. */
BERTH_API int berth_spec_set_tty(berth_spec *spec, int enable, berth_error *err);
/** Keep stdin open (`-i`): an attach with stdin (berth_container_attach())
 *  writes to the process's stdin; without it the process reads /dev/null.
 *  containerd: the task's stdin is a FIFO in berth's state directory that
 *  the shim holds open, so it stays open across attaches as on Docker.
 *  Without a TTY, berth starts berth-logger on output FIFOs itself rather
 *  than through containerd's binary:// stdio (which gives a task no stdin);
 *  the log and `berth logs` are the same. A task that containerd's restart
 *  monitor started again has no stdin until berth starts it. */
BERTH_API int berth_spec_set_stdin_open(berth_spec *spec, int enable, berth_error *err);
/** Run an init process (the engine's tini/catatonit) as PID 1 that reaps
 *  zombies and forwards signals. */
BERTH_API int berth_spec_set_init(berth_spec *spec, int enable, berth_error *err);
/** Remove the container once it exits (`--rm`). Conflicts with a restart
 *  policy other than BERTH_RESTART_NO (checked at create). */
BERTH_API int berth_spec_set_auto_remove(berth_spec *spec, int enable, berth_error *err);
/** With stdin open: the end of stdin from the first attach (a half-close of
 *  berth_container_attach()'s stream) closes the process's stdin, as
 *  `docker run -i` does. Without it, Docker and containerd keep stdin open
 *  for the next attach (Podman closes it anyway). Not part of the spec
 *  hash. */
BERTH_API int berth_spec_set_stdin_once(berth_spec *spec, int enable, berth_error *err);
/** When creating the container pulls its image (docker's `--pull`). */
typedef enum berth_pull_policy {
	BERTH_PULL_NEVER = 0,    /**< never (the default here): an image not in the
	                              store is create's BERTH_ENOTFOUND */
	BERTH_PULL_MISSING = 1,  /**< when the image is not in the store (docker run's default) */
	BERTH_PULL_ALWAYS = 2,   /**< before every create */
} berth_pull_policy;

/** The pull policy of berth_container_create(), berth_container_run() and
 *  berth_container_up(): the pull is berth_image_pull_wait() (no progress:
 *  a caller that shows progress pulls first itself and leaves NEVER here);
 *  its failure is create's, nothing is created. Not part of the spec hash.
 *  @return 0; BERTH_EINVAL (not one of the three). */
BERTH_API int berth_spec_set_pull_policy(berth_spec *spec, berth_pull_policy policy, berth_error *err);
BERTH_API berth_pull_policy berth_spec_pull_policy(const berth_spec *spec);
/** "never", "missing" or "always" as the policy. @return 0; BERTH_EINVAL. */
BERTH_API int berth_pull_policy_parse(berth_pull_policy *out, const char *text, berth_error *err);

/** Whether the spec asks for a TTY, stdin open, auto-remove (0 or 1; 0 for NULL). */
BERTH_API int berth_spec_tty(const berth_spec *spec);
BERTH_API int berth_spec_stdin_open(const berth_spec *spec);
BERTH_API int berth_spec_auto_remove(const berth_spec *spec);

/**
 * The signal that stops the container: "TERM", "SIGTERM", "sigusr1", "15",
 * "SIGRTMIN+3" (see berth_signal_parse()). NULL goes back to the image's
 * (SIGTERM by default).
 * Engine differences: Docker reports the name back, Podman the number.
 */
BERTH_API int berth_spec_set_stop_signal(berth_spec *spec, const char *signal, berth_error *err);
/** Seconds between the stop signal and SIGKILL when a stop gives no grace
 *  period: 0 to 86400, or -1 for the engine's default (10). */
BERTH_API int berth_spec_set_stop_timeout(berth_spec *spec, int seconds, berth_error *err);

/* ---- namespaces and network --------------------------------------------- */

/** The PID namespace: "host", or "container:<name or id>". NULL: private. */
BERTH_API int berth_spec_set_pid_mode(berth_spec *spec, const char *mode, berth_error *err);
/**
 * The IPC namespace: "none", "private", "shareable", "host" or
 * "container:<name or id>". NULL: the engine's default.
 * Engine differences: Podman reports every mode but "host" as "shareable"
 * (what it applies is the mode asked for).
 */
BERTH_API int berth_spec_set_ipc_mode(berth_spec *spec, const char *mode, berth_error *err);
/**
 * The network: "bridge", "host", "none", "container:<name or id>" or the
 * name of a network ([a-zA-Z0-9][a-zA-Z0-9_.-]*). NULL: the engine's default
 * (bridge). A network that does not exist fails the create (Podman,
 * containerd: BERTH_ENOTFOUND) or the start (Docker). containerd refuses
 * "container:..." (BERTH_EUNSUPPORTED).
 */
BERTH_API int berth_spec_set_network_mode(berth_spec *spec, const char *mode, berth_error *err);
/**
 * One more name the container answers to on the user network named by
 * berth_spec_set_network_mode() (its container name it answers to anyway):
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 253 characters; a second add of one
 * name is a no-op. The create refuses aliases with no user network
 * (BERTH_EINVAL). See <berth/network.h>.
 * Engine differences: containerd resolves them through the container's
 * /etc/hosts, which berth writes (see <berth/network.h>).
 */
BERTH_API int berth_spec_add_network_alias(berth_spec *spec, const char *alias, berth_error *err);

typedef enum berth_proto {
	BERTH_PROTO_TCP = 0,
	BERTH_PROTO_UDP = 1,
	BERTH_PROTO_SCTP = 2,
} berth_proto;

/** "tcp", "udp", "sctp"; NULL for other values. */
BERTH_API const char *berth_proto_name(berth_proto proto);

/**
 * Publish a container port. host_ip NULL or "" binds every address (IPv4
 * and IPv6 on Docker; IPv4 on Podman), else an IPv4 or IPv6 address;
 * host_port 0 lets the engine pick a free port (read it back with
 * berth_container_info_host_port()). container_port 1..65535, host_port
 * 0..65535. Publishing the same container port twice is allowed when the
 * host bindings differ. Conflicts with network modes host, none and
 * container:<id> (checked at create).
 */
BERTH_API int berth_spec_add_port(berth_spec *spec, const char *host_ip, int host_port, int container_port,
				  berth_proto proto, berth_error *err);

/**
 * Add a line to the container's /etc/hosts: hostname -> ip (IPv4 or IPv6),
 * or ip "host-gateway" for the host's address on the default bridge.
 * Engine differences: Podman before 4.7 has no "host-gateway"; create
 * answers BERTH_EUNSUPPORTED there.
 */
BERTH_API int berth_spec_add_extra_host(berth_spec *spec, const char *hostname, const char *ip, berth_error *err);
/** Add a DNS server (an IPv4 or IPv6 address) to /etc/resolv.conf. */
BERTH_API int berth_spec_add_dns(berth_spec *spec, const char *server, berth_error *err);

/**
 * Add a group to the container's process (`--group-add`): a group id, or a
 * name looked up in the image's /etc/group when the container is created.
 * The process's groups are then its primary group, the groups whose member
 * list names its user (when -u gave no group), and these, as on Docker.
 * @return 0; BERTH_EINVAL (neither a number up to 4294967294 nor a name of
 *   the characters berth_spec_set_user() takes for a group); BERTH_ENOMEM.
 * Engine differences: a name the image does not have is refused by Docker
 * and Podman when the container starts ("Unable to find group"), by
 * containerd at create (BERTH_EINVAL naming the group). On containerd an
 * exec with its own user gets that user's groups only; an exec without one
 * runs with the container's groups, these included.
 */
BERTH_API int berth_spec_add_group(berth_spec *spec, const char *group, berth_error *err);

/* ---- storage ------------------------------------------------------------ */

/**
 * Bind-mount a host path. Both paths must be absolute and hold no ':' or
 * ','; container_path must not be "/" and may appear once among all
 * mounts of the spec. options: NULL or a comma-separated list of
 * propagation (shared, rshared, slave, rslave, private, rprivate), SELinux
 * relabelling (z, Z) and consistency (consistent, cached, delegated; no-ops
 * on Linux). Read-only is the read_only argument, not an option.
 */
BERTH_API int berth_spec_add_bind(berth_spec *spec, const char *host_path, const char *container_path,
				  int read_only, const char *options, berth_error *err);
/**
 * Mount a volume. name is a named volume ([a-zA-Z0-9][a-zA-Z0-9_.-]+; the
 * engine creates it when missing) or NULL for an anonymous one. Named
 * volumes outlive the container, always (berth_container_remove() never
 * removes them). options: NULL or a list of nocopy, z, Z and the
 * propagation words of berth_spec_add_bind(). An anonymous volume takes no
 * options and cannot be read-only.
 */
BERTH_API int berth_spec_add_volume(berth_spec *spec, const char *name, const char *container_path,
				    int read_only, const char *options, berth_error *err);
/**
 * Mount a tmpfs. options: NULL or a comma-separated list of size=SIZE
 * (bytes with k/m/g units as berth_size_parse() reads them, or N%),
 * mode=OCTAL, uid=N, gid=N, nr_inodes=N, and the mount flags exec, noexec,
 * suid, nosuid, dev, nodev, sync, async, atime, noatime, diratime,
 * nodiratime, relatime, norelatime, strictatime, nostrictatime. Sizes are
 * passed on in bytes.
 * Engine differences: Docker adds noexec,nosuid,nodev unless told
 * otherwise; Podman adds nosuid,nodev.
 */
BERTH_API int berth_spec_add_tmpfs(berth_spec *spec, const char *container_path, int read_only,
				   const char *options, berth_error *err);
/**
 * Make the root filesystem read-only.
 * Engine differences: Podman still mounts writable tmpfs on /tmp, /run and
 * /var/tmp (its read-only-tmpfs default); Docker does not.
 */
BERTH_API int berth_spec_set_read_only_rootfs(berth_spec *spec, int enable, berth_error *err);
/** The size of /dev/shm in bytes (> 0); 0 goes back to the engine's 64 MiB. */
BERTH_API int berth_spec_set_shm_size(berth_spec *spec, int64_t bytes, berth_error *err);

/* ---- privileges --------------------------------------------------------- */

/** Run privileged: every capability, every device, no seccomp/AppArmor. */
BERTH_API int berth_spec_set_privileged(berth_spec *spec, int enable, berth_error *err);

/**
 * Add or drop a Linux capability: "NET_ADMIN", "CAP_NET_ADMIN",
 * "net_admin" (case and the CAP_ prefix do not matter), or "ALL". The name
 * must be one of the kernel's (CHOWN ... CHECKPOINT_RESTORE); an unknown
 * one is BERTH_EINVAL ("cap: unknown capability \"CAP_FOO\""). Adding a
 * capability takes it off the drop list and the other way round; "ALL"
 * stands on its own (--cap-add ALL --cap-drop NET_RAW keeps both).
 * Engine differences: for a non-root user Docker clears the effective set,
 * Podman keeps the added capabilities effective.
 */
BERTH_API int berth_spec_add_cap(berth_spec *spec, const char *cap, berth_error *err);
BERTH_API int berth_spec_drop_cap(berth_spec *spec, const char *cap, berth_error *err);

/**
 * Set a resource limit. name is one of core, cpu, data, fsize, locks,
 * memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending,
 * stack (docker's names); soft and hard are >= 0 or -1 for unlimited, with
 * soft <= hard. A second call for the same name replaces the first.
 * Engine differences: limits above the engine's own hard limit need
 * CAP_SYS_RESOURCE in the engine, else the start fails ("setting rlimit ...
 * operation not permitted"). Podman (4.3) drops its configured default
 * ulimits as soon as one is given and then sets nofile and nproc, when not
 * given, to 1048576; give both when the engine's hard limits are lower.
 */
BERTH_API int berth_spec_add_ulimit(berth_spec *spec, const char *name, int64_t soft, int64_t hard,
				    berth_error *err);

/**
 * Give the container a host device. host_path and container_path are
 * absolute (container_path NULL: the same path); permissions is a non-empty
 * subset of "rwm" (NULL: "rwm") that the device cgroup enforces.
 */
BERTH_API int berth_spec_add_device(berth_spec *spec, const char *host_path, const char *container_path,
				    const char *permissions, berth_error *err);

/**
 * Set a namespaced kernel parameter: net.*, fs.mqueue.*, kernel.msgmax,
 * kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax,
 * kernel.shmmni, kernel.shm_rmid_forced, kernel.domainname ('/' may
 * separate the parts instead of '.'). Others would change the host and are
 * BERTH_EINVAL. net.* conflicts with network mode host (checked at create).
 */
BERTH_API int berth_spec_add_sysctl(berth_spec *spec, const char *key, const char *value, berth_error *err);

/**
 * Add a security option: "no-new-privileges[=true|false]",
 * "seccomp=unconfined" or "seccomp=<profile JSON>", "apparmor=<profile>",
 * "label=<disable|nested|user:U|role:R|type:T|level:L|filetype:F>",
 * "systempaths=unconfined" (':' may stand for '='). Unknown options are
 * BERTH_EINVAL.
 * Engine differences: Docker 20.10 does not know systempaths (the create
 * fails with the engine's message).
 */
BERTH_API int berth_spec_add_security_opt(berth_spec *spec, const char *opt, berth_error *err);

/**
 * Make the spec ready for a daemon that locks memory (mlock/mlockall): add
 * the capability IPC_LOCK and set the memlock limit to unlimited (soft and
 * hard). Idempotent.
 * Engine differences: raising memlock above the engine's own hard limit
 * needs CAP_SYS_RESOURCE in the engine; where it lacks it (e.g. engines
 * started from a container without that capability) the start fails with
 * the engine's "setting rlimit ... operation not permitted".
 */
BERTH_API int berth_spec_prepare_memlock(berth_spec *spec, berth_error *err);

/* ---- restart and health ------------------------------------------------- */

typedef enum berth_restart_policy {
	BERTH_RESTART_NO = 0,
	BERTH_RESTART_ON_FAILURE = 1,
	BERTH_RESTART_ALWAYS = 2,
	BERTH_RESTART_UNLESS_STOPPED = 3,
} berth_restart_policy;

/** "no", "on-failure", "always", "unless-stopped"; NULL for other values. */
BERTH_API const char *berth_restart_policy_name(berth_restart_policy policy);

/**
 * Read a restart policy as docker writes it: "no", "always",
 * "unless-stopped", "on-failure" or "on-failure:N" (N >= 0 retries, 0 =
 * unlimited). Outputs are untouched on failure.
 * @return 0; BERTH_EINVAL naming the text.
 */
BERTH_API int berth_restart_policy_parse(berth_restart_policy *out_policy, int *out_max_retries,
					 const char *text, berth_error *err);

/**
 * The restart policy. max_retries is for BERTH_RESTART_ON_FAILURE only
 * (>= 0; 0 = no limit) and must be 0 for the others.
 * Engine differences: Podman without systemd restarts containers only
 * while its API service runs. containerd: always and unless-stopped go
 * through containerd's restart monitor (io.containerd.internal.v1.restart),
 * which looks every 10 s (its `interval`) and starts a task for a container
 * whose label containerd.io/restart.status says "running" and that has
 * none running, its output to berth-logger (containerd.io/restart.loguri),
 * so the logs of every run accumulate. berth sets "running" after its
 * start; its stop, a kill with SIGKILL (label "stopped") or with the stop
 * signal (label taken away) and a removal take it back first, so a stopped
 * container stays down, and pause says "paused". Both policies act the
 * same: after a restart of containerd (or of the host, with containerd's
 * service enabled) the monitor starts what was running and leaves what
 * berth stopped, which is what Docker does for unless-stopped; Docker's
 * always also starts a container that was stopped by hand, berth on
 * containerd does not. Between an exit and the monitor's next look the
 * container shows as exited (Docker: restarting). on-failure is
 * BERTH_EUNSUPPORTED (the monitor restarts whatever the exit code), and
 * so is a policy for a container with a TTY (the monitor's tasks get no
 * terminal). Inspect's restart count is how often the monitor started it
 * since berth last did (as Docker, a start by hand counts from 0 again).
 * The monitor's restarts leave the start time, the health record and the
 * health keeper as they were (the keeper waits out a stopped container
 * for 5 minutes, so it goes on checking the new task).
 */
BERTH_API int berth_spec_set_restart(berth_spec *spec, berth_restart_policy policy, int max_retries,
				     berth_error *err);

#define BERTH_HEALTHCHECK_VERSION 1
/** A health check for berth_spec_set_healthcheck(). */
typedef struct berth_healthcheck {
	unsigned int version;      /**< BERTH_HEALTHCHECK_VERSION */
	const char *const *test;   /**< {"CMD", argv0, args...} or {"CMD-SHELL", "command"};
	                                NULL with test_count 0: the image's test */
	size_t test_count;
	int64_t interval_ms;       /**< between checks; 0: the image's or 30 s */
	int64_t timeout_ms;        /**< for one check; 0: the image's or 30 s */
	int64_t start_period_ms;   /**< failures do not count during it; 0: none */
	int retries;               /**< failures in a row that make it unhealthy; 0: the image's or 3 */
} berth_healthcheck;
#define BERTH_HEALTHCHECK_INIT { BERTH_HEALTHCHECK_VERSION, NULL, 0, 0, 0, 0, 0 }

/**
 * Set the health check. Durations are 0 or at least 1 ms; retries >= 0.
 * {"NONE"} as the test is the same as berth_spec_disable_healthcheck().
 * hc NULL, or every field 0, goes back to the image's health check.
 * @return 0; BERTH_EINVAL ("healthcheck: ..."); BERTH_ENOMEM.
 * Engine differences: Podman ignores timings given without a test (it
 * keeps the image's), so on Podman create answers BERTH_EUNSUPPORTED for
 * them: give the test too. Podman without systemd never runs health
 * checks on its own.
 */
BERTH_API int berth_spec_set_healthcheck(berth_spec *spec, const berth_healthcheck *hc, berth_error *err);
/** Disable any health check the image defines (`--no-healthcheck`). */
BERTH_API int berth_spec_disable_healthcheck(berth_spec *spec, berth_error *err);

/* ---- resources ---------------------------------------------------------- */

/** Memory limit in bytes: 0 (none) or at least 6 MiB. */
BERTH_API int berth_spec_set_memory(berth_spec *spec, int64_t bytes, berth_error *err);
/**
 * Memory plus swap in bytes: 0 (the engine's default: twice the memory
 * limit), -1 (unlimited swap), or a value >= the memory limit, which must
 * then be set (checked at create).
 * Engine differences: Podman's compat API drops -1; berth sends the
 * kernel's largest limit instead, which is what "unlimited" means in the
 * cgroup (Podman then reports that number, Docker reports -1).
 */
BERTH_API int berth_spec_set_memory_swap(berth_spec *spec, int64_t bytes, berth_error *err);
/** CPU limit in CPUs (1.5 = one and a half), from 0.01 to 1000000; 0 clears.
 *  Sent as NanoCpus (CFS quota over a 100 ms period). */
BERTH_API int berth_spec_set_cpus(berth_spec *spec, double cpus, berth_error *err);
/** Relative CPU weight, 2..262144 (1024 is the default); 0 clears. */
BERTH_API int berth_spec_set_cpu_shares(berth_spec *spec, int64_t shares, berth_error *err);
/**
 * Most processes the container may hold: > 0, -1 for unlimited, 0 for the
 * engine's default.
 * Engine differences: the defaults differ (Docker: unlimited; Podman: 2048).
 */
BERTH_API int berth_spec_set_pids_limit(berth_spec *spec, int64_t limit, berth_error *err);

/* ---- logging ------------------------------------------------------------ */

/**
 * The log driver ("json-file", "local", "journald", "none", ...): a name of
 * [a-zA-Z0-9][a-zA-Z0-9_./:-]*. The engine rejects drivers it lacks.
 * Engine differences: Podman knows json-file (its k8s-file), k8s-file,
 * journald, passthrough and none; Docker knows json-file, local, syslog,
 * journald, gelf, fluentd, ... and plugins.
 */
BERTH_API int berth_spec_set_log_driver(berth_spec *spec, const char *driver, berth_error *err);
/**
 * Set a log driver option (key non-empty, without '=' or white space).
 * Engine differences: Docker checks options against the driver; Podman
 * only honours max-size, tag and path, so create answers
 * BERTH_EUNSUPPORTED on Podman for the others (e.g. max-file).
 */
BERTH_API int berth_spec_add_log_opt(berth_spec *spec, const char *key, const char *value, berth_error *err);

/* ---- serialization ------------------------------------------------------ */

/**
 * A stable, engine-neutral serialization of the spec: JSON with sorted
 * keys and no white space, the same bytes for the same spec whatever the
 * order of the setter calls that do not change its meaning (labels, caps,
 * ulimits, sysctls and log options are sets or maps; env, mounts, ports,
 * devices, DNS servers and the like keep their order). Fields left at their
 * default are omitted, so a field added in a later version of berth does
 * not change the text of specs that do not use it. Hash it to tell whether
 * a container's spec changed. *out is the caller's: berth_free().
 * @return 0; BERTH_EINVAL (out or spec NULL); BERTH_ENOMEM.
 */
BERTH_API int berth_spec_canonical_json(char **out, const berth_spec *spec, berth_error *err);

/* ---- units -------------------------------------------------------------- */

/**
 * Read a duration as Go and docker write them: a sequence of numbers with
 * units, "1s", "500ms", "1m30s", "2h", "1.5s" (units ns, us, µs, ms, s, m,
 * h), or "0". The result must be a whole number of milliseconds. Outputs
 * are untouched on failure.
 * @return 0; BERTH_EINVAL ("duration \"5x\": ...").
 */
BERTH_API int berth_duration_parse(int64_t *out_ms, const char *text, berth_error *err);

/**
 * Read a size as docker does: "1024", "512k", "64m", "1g", "1.5g", "64MiB",
 * "2 GB" — units k, m, g, t, p are powers of 1024 (1m = 1048576), with an
 * optional "i" and "b". Outputs are untouched on failure.
 * @return 0; BERTH_EINVAL ("size \"12q\": ...").
 */
BERTH_API int berth_size_parse(int64_t *out_bytes, const char *text, berth_error *err);

#ifdef __cplusplus
}
#endif
#endif
