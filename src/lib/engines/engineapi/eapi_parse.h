/* Pure parsers of Engine API replies (no I/O): bytes in, berth models out.
 * Each is fuzzed (fuzz/) and unit-tested on hand-made replies. */
#ifndef BERTH_ENGINEAPI_PARSE_H
#define BERTH_ENGINEAPI_PARSE_H

#include "lib/model/model.h"
#include "lib/parse/json_util.h"


/* Each returns 0, BERTH_EPROTOCOL (not JSON, wrong shape, missing Id) or
 * BERTH_ENOMEM; `what` names the operation in messages. */
int engineapi_parse_version(berth_version **out, const char *body, size_t len, berth_engine engine, berth_error *err);
int engineapi_parse_info(berth_info **out, const char *body, size_t len, berth_error *err);
int engineapi_parse_inspect(berth_container_info **out, const char *body, size_t len, const char *what, berth_error *err);
/* The container list, mapped as it is read (eapi_list_map.c): new, feed
 * the body's pieces in order, finish (*out is the caller's). feed and
 * finish return 0 or BERTH_EPROTOCOL (not JSON, not an array of objects)
 * or BERTH_ENOMEM; after an error only free. engineapi_parse_list does the
 * three on one buffer. */
typedef struct eapi_list_reader eapi_list_reader;
int engineapi_list_reader_new(eapi_list_reader **out);
int engineapi_list_reader_feed(eapi_list_reader *p, const char *data, size_t len, berth_error *err);
int engineapi_list_reader_finish(eapi_list_reader *p, berth_container_list **out, berth_error *err);
void engineapi_list_reader_free(eapi_list_reader *p);
int engineapi_parse_list(berth_container_list **out, const char *body, size_t len, berth_error *err);
/* Podman's libpod list (an array of {Id, State, Status}): the health words
 * in Status ("healthy", "unhealthy", "starting") go to the entries of l
 * with the same id that run, with Docker's suffix added to their status.
 * Entries it does not name keep theirs. 0, BERTH_EPROTOCOL, BERTH_ENOMEM. */
int engineapi_parse_libpod_health(berth_container_list *l, const char *body, size_t len, berth_error *err);
/* The same, fed the reply's pieces as they come (new, feed..., finish,
 * free; l stays the caller's). */
typedef struct eapi_health_reader eapi_health_reader;
int engineapi_health_reader_new(eapi_health_reader **out, berth_container_list *l);
int engineapi_health_reader_feed(eapi_health_reader *p, const char *data, size_t len, berth_error *err);
int engineapi_health_reader_finish(eapi_health_reader *p, berth_error *err);
void engineapi_health_reader_free(eapi_health_reader *p);
int engineapi_parse_create(char **out_id, const char *body, size_t len, const char *what, berth_error *err);
/* Config.StopTimeout of an inspect reply; 10 (the engines' default) when absent. */
int engineapi_parse_stop_timeout(const char *body, size_t len, const char *what, berth_error *err);
/* A wait reply {"StatusCode": N, "Error": {"Message": ...} | null}: the
 * code, and the message ("" when none) cut to error_size. */
int engineapi_parse_wait(int *exit_code, char *error, size_t error_size, const char *body, size_t len,
			 const char *what, berth_error *err);
/* An image prune's reply: Docker's {"ImagesDeleted": [{"Untagged"} |
 * {"Deleted"}] | null, "SpaceReclaimed": N} (the Deleted ids), or with
 * libpod Podman's [{"Id", "Size", "Err"}] (the ids without an error, the
 * sizes added up). */
int engineapi_parse_image_prune(berth_prune_result **out, const char *body, size_t len, bool libpod,
				berth_error *err);
/* A prune reply {"ContainersDeleted": [...] | null, "SpaceReclaimed": N}. */
int engineapi_parse_prune(berth_prune_result **out, const char *body, size_t len, berth_error *err);
/* The strings of a reply's "Warnings" array (none when the body is not
 * such an object). 0 or -ENOMEM. */
int engineapi_parse_warnings(strv *out, const char *body, size_t len);

/* Seed jansson once per process (every JSON use in the backend calls it). */
void engineapi_json_init(void);

/* An exec's inspect reply: whether it still runs, and its exit code once it
 * does not (-1 when the reply has none). Podman reports 0 while running. */
int engineapi_parse_exec_inspect(bool *running, int *exit_code, const char *body, size_t len, const char *what,
				 berth_error *err);

/* The BERTH_E* code for a non-2xx HTTP status of the Engine API. */
int engineapi_status_code(int status);
/* The engine's own words from an error reply ({"message": ...}, else the
 * first line of the body, else "HTTP <status>"). */
void engineapi_error_message(char *buf, size_t size, int status, const char *body, size_t len);

#endif
