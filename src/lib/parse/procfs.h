/* Pure parsers of /proc text (no I/O): whether a process runs in a
 * container, and which one, from what is about that process only. */
#ifndef BERTH_PARSE_PROCFS_H
#define BERTH_PARSE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_LEN 64

/* One finding: the engine a marker points at, the container's id when the
 * marker carries it, and the rule that matched (for the evidence). */
typedef struct proc_hint {
	char id[CONTAINER_ID_LEN + 1];  /* "" when no id was found */
	const char *runtime;            /* "docker", "podman", "containerd", "kubernetes", "lxc", or NULL */
	const char *rule;               /* static text naming the rule ("/docker/<id>"), or NULL */
} proc_hint;

/* Scan /proc/PID/cgroup text (len bytes, need not be NUL-terminated) for
 * the cgroup an engine put the process in; the innermost one of a path
 * wins (a container in a container). True when found (runtime set). */
bool procfs_scan_cgroup(const char *text, size_t len, proc_hint *out);

/* What /proc/PID/mountinfo says about the process's own view of the file
 * system. Only two kinds of mount count, both about this process:
 *   - bind: a file of an engine's per-container directory bind-mounted at
 *     a path engines give every container (/etc/hostname, /etc/hosts,
 *     /etc/resolv.conf, /run/.containerenv, ...); rule is that path;
 *   - root: the mount at "/" lies in an engine's image storage (its root
 *     or its overlay's upperdir/lowerdir).
 * A container's files mounted anywhere else (what the host's table holds
 * while containers run) never count. */
typedef struct proc_mounts {
	proc_hint bind;
	const char *bind_at;            /* the path it is mounted at, or NULL */
	const char *root;               /* the engine whose storage holds "/", or NULL */
} proc_mounts;

/* True when either kind was found. */
bool procfs_scan_mountinfo(const char *text, size_t len, proc_mounts *out);

/* The id="..." line Podman writes into /run/.containerenv (privileged
 * containers only); out gets "" when there is none. */
void procfs_containerenv_id(const char *text, size_t len, char out[CONTAINER_ID_LEN + 1]);

/* Everything the verdict is made of; a NULL text was not readable. */
typedef struct proc_inputs {
	const char *mountinfo;          /* /proc/PID/mountinfo */
	size_t mountinfo_len;
	const char *cgroup;             /* /proc/PID/cgroup */
	size_t cgroup_len;
	const char *pid1_cgroup;        /* /proc/1/cgroup, only when PID 1 shares the mount namespace */
	size_t pid1_cgroup_len;
	const char *containerenv;       /* /run/.containerenv's text when it exists */
	size_t containerenv_len;
	bool dockerenv;                 /* /.dockerenv exists */
	const char *container_env;      /* $container, or NULL */
} proc_inputs;

typedef struct proc_verdict {
	bool in_container;
	char runtime[32];               /* "" when not in a container */
	char id[CONTAINER_ID_LEN + 1];  /* "" when not known */
	char evidence[512];             /* what decided, then what was seen but not trusted */
} proc_verdict;

/* The verdict (see berth_platform_detect() in include/berth/platform.h for
 * the rules): /.dockerenv and /run/.containerenv alone never decide. */
void procfs_verdict(const proc_inputs *in, proc_verdict *out);

#endif
