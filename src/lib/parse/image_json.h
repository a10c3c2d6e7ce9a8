/* Pure parsers of the JSON that describes images: the Engine API's image
 * list, inspect and load replies, OCI / Docker image configs, manifests
 * and indexes, and a docker-save archive's manifest.json. Bytes in, models
 * out; no I/O. This module and the Engine API backend are the ones that
 * touch the JSON library for images; fuzz/fuzz_image_json.c drives them. */
#ifndef BERTH_PARSE_IMAGE_JSON_H
#define BERTH_PARSE_IMAGE_JSON_H

#include "lib/model/model.h"

/* GET /images/json (Docker and Podman), mapped as it is read (no tree):
 * new, feed the body's pieces in order, finish (*out is the caller's),
 * free. An entry that is not an object is skipped; a member given twice
 * keeps its last value. feed and finish: 0, BERTH_EPROTOCOL (not JSON, not
 * an array), BERTH_ENOMEM; after an error only free. image_list_parse does
 * the three on one buffer. */
typedef struct image_list_reader image_list_reader;
int image_list_reader_new(image_list_reader **out);
int image_list_reader_feed(image_list_reader *p, const char *data, size_t len, berth_error *err);
int image_list_reader_finish(image_list_reader *p, berth_image_list **out, berth_error *err);
void image_list_reader_free(image_list_reader *p);
int image_list_parse(berth_image_list **out, const char *json, size_t len, berth_error *err);

/* An image record: Docker's / Podman's inspect reply ({"Id", "RepoTags",
 * "Config": {...}}) or an OCI image config blob ({"architecture",
 * "config": {...}}). The raw text is kept. */
int image_info_parse(berth_image_info **out, const char *json, size_t len, berth_error *err);

/* POST /images/load's reply (JSON lines): the names loaded, one per line,
 * appended to *names; an error line becomes BERTH_EENGINE with its text. */
int image_load_reply_parse(sbuf *names, const char *body, size_t len, berth_error *err);

/* GET /images/search (Docker, Podman): an array of {"name" (Podman:
 * "Name", with "Index"), "description", "star_count", "is_official",
 * "is_automated"}; Podman's libpod shape too. Appended to *out. */
int image_search_parse(berth_search_result *out, const char *json, size_t len, berth_error *err);
/* A registry's /v2/_catalog ({"repositories": [...]}): the names that
 * contain `words` (all of them for ""), as "prefix/NAME", appended to
 * *out up to limit entries. */
int registry_catalog_parse(berth_search_result *out, const char *json, size_t len, const char *prefix,
			   const char *words, size_t limit, berth_error *err);

/* A registry's /v2/NAME/tags/list ({"name", "tags": [...]}): the tags,
 * appended to *out (none: "tags" null or empty). */
int registry_tags_parse(strv *out, const char *json, size_t len, berth_error *err);

/* One content descriptor. */
typedef struct image_desc {
	char *media_type, *digest;
	int64_t size;
	char *os, *arch;   /* platform, when the index gives one */
	char *name;        /* index entries: the image name annotation, or NULL */
} image_desc;

void image_desc_release(image_desc *d);
void image_descs_free(image_desc *d, size_t n);

/* An OCI index or Docker manifest list: its "manifests". */
int image_index_parse(image_desc **out, size_t *n, const char *json, size_t len, berth_error *err);
/* An image manifest: its config and layers. */
int image_manifest_parse(image_desc *config, image_desc **layers, size_t *n, const char *json, size_t len,
			 berth_error *err);
/* An image config's rootfs.diff_ids, in order. */
int image_config_diff_ids(strv *out, const char *json, size_t len, berth_error *err);

/* GET /images/NAME/history (Docker and Podman): an array of {"Id",
 * "Created", "CreatedBy", "Size", "Comment"}, newest first. */
int image_history_parse(berth_image_history **out, const char *json, size_t len, berth_error *err);
/* The history an OCI / Docker image config tells ("history": oldest
 * first, "empty_layer" for steps without a layer), newest first, with the
 * sizes of the manifest's layers (base first) given to the steps that made
 * a layer; the newest step gets top_id, the rest "<missing>". A config
 * without history: one step per layer. */
int image_config_history(berth_image_history **out, const char *json, size_t len, const int64_t *layer_sizes,
			 size_t n_layers, const char *top_id, berth_error *err);

/* One image of a docker-save archive's manifest.json. */
typedef struct save_image {
	char *config;      /* path of the config file in the archive */
	strv tags;         /* RepoTags */
	strv layers;       /* paths of the layer tars, base first */
} save_image;

int save_manifest_parse(save_image **out, size_t *n, const char *json, size_t len, berth_error *err);
void save_images_free(save_image *s, size_t n);

#endif
