/* The containerd backend: containerd's gRPC API through transport/grpc.h,
 * messages packed and unpacked with protobuf-c. Protobuf types stay in this
 * folder: the rest of berth sees the normalized model only.
 *
 * The files, bottom up (none calls a file above it):
 *   ctrd_rpc.c        calls, label and time helpers (transport only)
 *   ctrd_record.c     state directory, bookkeeping labels, resolve, lookups
 *   ctrd_specgen.c, ctrd_cniconf.c, ctrd_tar.c, ctrd_logfmt.c: pure parts
 *   ctrd_images.c, ctrd_logread.c, ctrd_cni.c, ctrd_exec.c, ctrd_files.c,
 *   ctrd_health.c, ctrd_logs.c, ctrd_stats.c, ctrd_lifecycle.c,
 *   ctrd_volstore.c   berth's volume store (on the record layer)
 *   ctrd_containers.c (list, inspect, remove), ctrd_events.c, ctrd_volume.c
 *   ctrd_containerd.c attach and the ops table, on top.
 * This header declares the entry points of ctrd_containers.c and
 * ctrd_images.c and brings the two bottom layers with it. */
#ifndef BERTH_CONTAINERD_H
#define BERTH_CONTAINERD_H

#include "ctrd_rpc.h"
#include "ctrd_record.h"

/* ctrd_containers.c */
int ctrd_container_list(berth_container_list **out, struct berth_client *c, const berth_list_options *opts,
			berth_error *err);
int ctrd_container_inspect(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err);
struct watch_list;
/* Every container of the namespace with its state, exit code and times,
 * for the event watch's reconcile (watch.h). */
int ctrd_container_states(struct watch_list *out, struct berth_client *c, berth_error *err);
int ctrd_container_remove(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err);
/* Remove the stopped (created, exited) containers matching every label filter. */
int ctrd_container_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels,
			 size_t label_count, berth_error *err);

/* ctrd_images.c */
/* The config blob of the image `name` (a name or an id, as inspect takes
 * it; this host's platform of an index) into cfg, and the name of its
 * record (*out_name, malloc'd). BERTH_ENOTFOUND "No such image". */
int ctrd_image_config(sbuf *cfg, char **out_name, struct berth_client *c, const char *name, berth_error *err);
/* The id of the image a container names (its config digest, as the image
 * functions report it); "" when it is gone or unreadable. NULL: no memory. */
char *ctrd_image_id(struct berth_client *c, const char *name);
int ctrd_image_list(berth_image_list **out, struct berth_client *c, const berth_image_list_options *opts,
		    berth_error *err);
int ctrd_image_inspect(berth_image_info **out, struct berth_client *c, const char *name, berth_error *err);
int ctrd_image_history(berth_image_history **out, struct berth_client *c, const char *name, berth_error *err);
int ctrd_image_tag(struct berth_client *c, const char *source, const char *target, berth_error *err);
int ctrd_image_remove(struct berth_client *c, const char *name, bool force, berth_error *err);
/* Only with opts->all (containerd has no dangling images): the records no
 * container names whose config carries every label filter. The space is
 * the images' content as the records reach it (containerd's garbage
 * collector frees what no other image shares). */
int ctrd_image_prune(berth_prune_result **out, struct berth_client *c, const berth_image_prune_options *opts,
		     berth_error *err);
int ctrd_image_import(char **out_names, struct berth_client *c, const uint8_t *archive, size_t len,
		      berth_error *err);
/* What a container's root file system needs from image `name` (a name or
 * id): *out gets the image config (entrypoint, cmd, env, user, workdir,
 * labels, ... as berth_image_inspect gives them; its first tag is the
 * image's full name, which the container record should carry), chain_id
 * the snapshot of its top layer to prepare the rootfs on. Layers that are
 * not unpacked yet are unpacked now from the content store.
 * BERTH_ENOTFOUND: no such image, or its content is gone. */
int ctrd_image_rootfs(berth_image_info **out, char chain_id[72], struct berth_client *c, const char *name,
		      berth_error *err);

/* A registry request's deadline for berth's own pulls, pushes and
 * searches: the client's, and at least 30 s. */
static inline int ctrd_registry_timeout(const struct berth_client *c)
{
	return c->timeout_ms > 30000 ? c->timeout_ms : 30000;
}

/* ctrd_pull.c: berth's own pull (the image_pull op). */
int ctrd_image_pull(berth_stream **out, struct berth_client *c, const char *ref, const berth_pull_options *o,
		    const berth_credentials *cred, berth_error *err);

/* ctrd_push.c: berth's own push (the image_push op). */
int ctrd_image_push(berth_stream **out, struct berth_client *c, const char *ref, const berth_push_options *o,
		    const berth_credentials *cred, berth_error *err);

/* ctrd_push.c: a registry's /v2/_catalog (the image_search op). */
int ctrd_image_search(berth_search_result **out, struct berth_client *c, const char *term,
		      const berth_search_options *o, const berth_credentials *cred, berth_error *err);

struct image_desc;
/* The image a name or id stands for, for save and commit (ctrd_imgbuild.c):
 * its config and layers for this host's platform (the caller's:
 * image_desc_release, image_descs_free) and its record's name (*out_name,
 * malloc'd). BERTH_ENOTFOUND "No such image". */
int ctrd_image_layers(struct image_desc *config, struct image_desc **layers, size_t *n_layers, char **out_name,
		      struct berth_client *c, const char *name, berth_error *err);

/* Attach the containerd backend to a client whose endpoint and namespace
 * are set: connects and, unless discovery learned it already (version not
 * NULL), asks containerd's version. The backend's descriptor
 * (ctrd_descriptor.c) calls it. */
int containerd_attach(struct berth_client *c, const char *version, berth_error *err);

/* ctrd_network.c: named networks from berth's own store (ctrd_netstore.h) */
int ctrd_network_create(char **out_id, struct berth_client *c, const char *name,
			const berth_network_create_options *opts, berth_error *err);
int ctrd_network_inspect(berth_network_info **out, struct berth_client *c, const char *name, berth_error *err);
int ctrd_network_list(berth_network_list **out, struct berth_client *c, const berth_network_list_options *opts,
		      berth_error *err);
int ctrd_network_remove(struct berth_client *c, const char *name, berth_error *err);
int ctrd_network_prune(berth_prune_result **out, struct berth_client *c, const berth_network_prune_options *opts,
		       berth_error *err);
int ctrd_network_connect(struct berth_client *c, const char *network, const char *container,
			 const berth_network_connect_options *opts, berth_error *err);
int ctrd_network_disconnect(struct berth_client *c, const char *network, const char *container, bool force,
			    berth_error *err);

/* ctrd_volume.c: volumes from berth's own store (ctrd_volstore.h) */
int ctrd_volume_create(char **out_name, struct berth_client *c, const volume_request *q, berth_error *err);
int ctrd_volume_list(berth_volume_list **out, struct berth_client *c, const char *const *labels, size_t n,
		     berth_error *err);
int ctrd_volume_inspect(berth_volume_info **out, struct berth_client *c, const char *name, berth_error *err);
int ctrd_volume_remove(struct berth_client *c, const char *name, bool force, berth_error *err);
int ctrd_volume_prune(berth_prune_result **out, struct berth_client *c, const char *const *labels, size_t n,
		      berth_error *err);

#endif
