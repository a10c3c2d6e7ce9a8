/* Pure parsers of /proc text (no I/O): find the container a process runs in. */
#ifndef BERTH_PARSE_PROCFS_H
#define BERTH_PARSE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_LEN 64

/* The runtime a marker points at, or NULL. */
typedef struct proc_hint {
	char id[CONTAINER_ID_LEN + 1];  /* "" when no id was found */
	const char *runtime;            /* "docker", "podman", "containerd", "kubernetes", "lxc", or NULL */
} proc_hint;

/* Scan /proc/PID/cgroup text (len bytes, need not be NUL-terminated). */
bool procfs_scan_cgroup(const char *text, size_t len, proc_hint *out);
/* Scan /proc/PID/mountinfo text. */
bool procfs_scan_mountinfo(const char *text, size_t len, proc_hint *out);

#endif
