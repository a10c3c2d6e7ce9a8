/* ctrd_specgen.c: the OCI runtime spec (config.json) berth hands to containerd, built from
 * the image's config and a berth_spec. Everything here is pure: bytes and
 * models in, bytes out; the caller reads the files (the image's passwd and
 * group, the host's resolv.conf, device nodes) and writes the results.
 *
 * What containerd cannot do the way Docker does is refused before any
 * request by ctrd_ocispec_check(), with BERTH_EUNSUPPORTED naming the field. */
#ifndef BERTH_CTRD_SPECGEN_H
#define BERTH_CTRD_SPECGEN_H

#include "lib/internal.h"
#include "lib/model/model.h"

/* The parts of an OCI image config (the config blob the manifest names)
 * that shape a container. */
typedef struct oci_image_config {
	strv env, entrypoint, cmd;
	bool has_entrypoint, has_cmd;
	char *user, *workdir, *stop_signal;
	strv diff_ids;              /* rootfs.diff_ids, in layer order */
	strv label_keys, label_values; /* sorted by key */
	/* Docker's Healthcheck extension of the config */
	bool has_health;
	strv health_test;           /* {"NONE"} disables */
	int64_t health_interval_ms, health_timeout_ms, health_start_period_ms;
	int health_retries;
} oci_image_config;

/* Parse an image config blob. 0, BERTH_EPROTOCOL (not a config), BERTH_ENOMEM.
 * On failure out is left empty (release is still safe). */
int ctrd_oci_image_config_parse(oci_image_config *out, const char *json, size_t len, berth_error *err);
void ctrd_oci_image_config_release(oci_image_config *c);

/* The chain id of the layers (the snapshot key of the top layer):
 * "sha256:<64 hex>". 0 or BERTH_EINVAL (no layers, malformed diff id). */
int ctrd_oci_chain_id(char out[72], const strv *diff_ids, berth_error *err);

/* A user resolved against the image's /etc/passwd and /etc/group. */
typedef struct oci_user {
	uint32_t uid, gid;
	uint32_t gids[32];          /* the process's groups: the primary first,
	                               then those whose member list names the
	                               user (not when a group was given) */
	size_t n_gids;
} oci_user;

/* Resolve "name", "uid", "name:group", "uid:gid" (NULL or "": root).
 * passwd / group: the files' text, NULL when the image lacks them.
 * @return 0; BERTH_EINVAL (no such user or group in the image);
 * BERTH_EUNSUPPORTED (a name but no passwd/group to look it up in). */
int ctrd_oci_user_resolve(oci_user *out, const char *user, const char *passwd, const char *group, berth_error *err);

/* A device node as stat() saw it, for berth_spec_add_device(). */
typedef struct oci_device {
	char type;                  /* 'c' or 'b' */
	int64_t major, minor;
	uint32_t mode;              /* permission bits */
	uint32_t uid, gid;
} oci_device;

typedef struct ocispec_input {
	const char *id;             /* the container id */
	const char *ns;             /* the containerd namespace */
	const char *state_dir;      /* berth's per-container directory: hosts, hostname, resolv.conf */
	const oci_image_config *image;
	const char *passwd, *group; /* the image's files; NULL when missing */
	const char *host_hostname;  /* the host's name, for network mode host */
	int64_t nofile;             /* the default nofile limit (soft = hard); 0: 1024 */
	int cap_last;               /* the kernel's last capability; 0: 40 */
	const oci_device *devices;  /* stat of spec->devices, same order */
	size_t n_devices;
	const char *netns;          /* the network namespace file of a bridged container */
	/* per spec mount, in its order: a volume's host directory (berth's
	 * store, ctrd_volstore.h), NULL for the others; NULL: no volumes */
	const char *const *volume_dirs;
} ocispec_input;

/* Whether the spec's network is berth's bridge (ctrd_cni.c): no mode, or
 * "bridge" / "default". */
bool ctrd_ocispec_bridged(const berth_spec *spec);
/* Whether it names one of berth's named networks (ctrd_netstore.h): any
 * mode but those and none, host, container:... */
bool ctrd_ocispec_named(const berth_spec *spec);

/* Refuse, with BERTH_EUNSUPPORTED naming the field, what containerd cannot
 * honour: networks other than the bridge, none and host, a restart
 * policy, a log driver or its options, init, auto-remove, joining another
 * container's namespaces, seccomp profiles, AppArmor and SELinux labels,
 * host-gateway without the bridge. Runs the spec's own checks across
 * fields first (BERTH_EINVAL). */
int ctrd_ocispec_check(const berth_spec *spec, berth_error *err);

/* The hostname the container gets: the spec's, the host's with its
 * network, else the first 12 characters of the id, as Docker does. */
void ctrd_ocispec_hostname(char out[72], const berth_spec *spec, const ocispec_input *in);

/* config.json for the container. *out is malloc'd. Volume mounts are
 * binds of in->volume_dirs (BERTH_EUNSUPPORTED without them).
 * @return 0; BERTH_EINVAL (no command, unknown user, ...);
 * BERTH_EUNSUPPORTED (see ctrd_ocispec_check); BERTH_ENOMEM. */
int ctrd_ocispec_build(char **out, const berth_spec *spec, const ocispec_input *in, berth_error *err);

/* jansson holds no uint64: before it reads a spec berth wrote, the
 * unlimited rlimits (18446744073709551615) are replaced with a marker
 * (*marks counts them), and ctrd_ocispec_u64_unmark puts them back into the
 * text jansson writes. 0 / -ENOMEM; unmark: BERTH_EINVAL when the count
 * differs. */
int ctrd_ocispec_u64_mark(char **out, size_t *marks, const char *json, size_t len);
int ctrd_ocispec_u64_unmark(char **text, size_t marks, berth_error *err);

/* The container's /etc/hosts: localhost lines, its own name (unless the
 * host's network, which keeps host_hosts), and the spec's extra hosts
 * (host-gateway: the bridge's gateway, CNI_GATEWAY). */
int ctrd_ocispec_hosts_file(char **out, const berth_spec *spec, const char *hostname, const char *host_hosts,
			    berth_error *err);
/* The container's /etc/resolv.conf: the host's, with the spec's DNS
 * servers in place of its nameservers; without a network of its own
 * (mode none) nameservers on loopback are dropped as Docker does. */
int ctrd_ocispec_resolv_file(char **out, const berth_spec *spec, const char *host_resolv, berth_error *err);

/* The container-side paths of the per-container files, in state_dir. */
#define OCISPEC_HOSTS "hosts"
#define OCISPEC_HOSTNAME "hostname"
#define OCISPEC_RESOLV "resolv.conf"

#endif
