/* The basic container operations through the Engine API: version, info,
 * create, start, stop, remove, inspect and list, and the backend's close. */
#include "engineapi.h"
#include "eapi_parse.h"

#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int engineapi_version(berth_version **out, struct berth_client *c, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", "/version", NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "version", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_version(out, resp.body.data, resp.body.len, c->engine, err), err);
}

int engineapi_info(berth_info **out, struct berth_client *c, berth_error *err)
{
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "GET", "/info", NULL, 0 };
	int r = eapi_do_call(c, &k, &resp, NULL, "info", err);
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_info(out, resp.body.data, resp.body.len, err), err);
}

int engineapi_create(char **out_id, struct berth_client *c, const berth_spec *spec, berth_error *err)
{
	_cleanup_json_ json_t *body = NULL;
	int r = spec_docker_body(&body, spec, c->owner, api_of(c)->d ? api_of(c)->d->create : NULL,
				  c->server_version, err);
	if (r < 0)
		return r;
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_adds(&path, "/containers/create") < 0)
		return BERTH_NOMEM(err);
	if (spec->name && (sbuf_adds(&path, "?name=") < 0 || sbuf_add_urlenc(&path, spec->name) < 0))
		return BERTH_NOMEM(err);
	_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
	call k = { "POST", path.data, body, 0 };
	char what[320];
	snprintf(what, sizeof what, "create %s", spec->name ? spec->name : spec->image);
	r = eapi_do_call(c, &k, &resp, NULL, what, err);
	if (r == BERTH_ENOTFOUND)
		/* The only missing thing a create can hit is the image. */
		return berth_fail_full(err, BERTH_ENOTFOUND, resp.status, 0,
				       "create: no such image: %s (pull it, or set the spec's pull policy)", spec->image);
	if (r == BERTH_ECONFLICT)
		return berth_fail_full(err, BERTH_EEXISTS, resp.status, 0, "create: the name %s is already in use",
				       strempty(spec->name));
	return r < 0 ? r : eapi_with_endpoint(c, engineapi_parse_create(out_id, resp.body.data, resp.body.len, what, err), err);
}

int engineapi_start(struct berth_client *c, const char *id, berth_error *err)
{
	return eapi_container_post(c, id, "/start", 0, eapi_ok_already, "start", err);
}

int engineapi_stop(struct berth_client *c, const char *id, int grace, berth_error *err)
{
	int ms;
	int r = eapi_stop_deadline_ms(&ms, c, id, grace, err);
	if (r < 0)
		return r;
	char rest[32] = "/stop";
	if (grace >= 0)
		snprintf(rest, sizeof rest, "/stop?t=%d", grace);
	return eapi_container_post(c, id, rest, ms, eapi_ok_already, "stop", err);
}

int engineapi_remove(struct berth_client *c, const char *id, bool force, bool volumes, berth_error *err)
{
	char rest[32];
	snprintf(rest, sizeof rest, "?force=%d&v=%d", force ? 1 : 0, volumes ? 1 : 0);
	what_buf what;
	berth_error e = BERTH_ERROR_INIT;
	int r;
	for (int attempt = 1;; attempt++) {
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		berth_error_clear(&e);
		r = eapi_container_call(c, "DELETE", id, rest, 0, NULL, "remove", what, &resp, &e);
		/* the dialect's remove_exit_race: asked again */
		if (r == BERTH_ECONFLICT && force && attempt < 4 && api_of(c)->d && api_of(c)->d->remove_exit_race &&
		    strstr(e.message, "state improper")) {
			usleep(50 * 1000);
			continue;
		}
		break;
	}
	if (r == BERTH_ENOTFOUND && force)
		return 0;
	if (r == BERTH_ECONFLICT && force && strstr(e.message, "already in progress"))
		return 0;
	if (r < 0 && err)
		*err = e;
	return r;
}

#define INSPECT_RACE_TRIES 10       /* an exit takes a few ms: 10 x 20 ms is plenty */
#define INSPECT_RACE_PAUSE_MS 20

/* Whether a failed inspect is the dialect's answer for a container caught
 * exiting (see dialect.inspect_exit_race). */
static bool exit_race(const struct berth_client *c, int r, const berth_error *e)
{
	return api_of((struct berth_client *)c)->d->inspect_exit_race && r == BERTH_EENGINE && e->native == 500 &&
	       strstr(e->message, "no such process");
}

int engineapi_inspect(berth_container_info **out, struct berth_client *c, const char *id, berth_error *err)
{
	what_buf what;
	for (int attempt = 1;; attempt++) {
		_cleanup_resp_ http_response resp = HTTP_RESPONSE_INIT;
		berth_error e = BERTH_ERROR_INIT;
		int r = eapi_container_call(c, "GET", id, "/json", 0, NULL, "inspect", what, &resp, &e);
		if (r == 0)
			return eapi_with_endpoint(c, engineapi_parse_inspect(out, resp.body.data, resp.body.len, what, err),
						  err);
		if (attempt < INSPECT_RACE_TRIES && exit_race(c, r, &e)) {
			berth_log(c, BERTH_LOG_DEBUG, "inspect %s: caught exiting (%s), asking again", id, e.message);
			poll(NULL, 0, INSPECT_RACE_PAUSE_MS);
			continue;
		}
		if (err)
			*err = e;
		return r;
	}
}

/* The state words to filter on, without those the engine never reports
 * (and refuses). *asked tells whether a state filter was given at all. */
static int state_words(strv *out, bool *asked, const dialect *d, const berth_list_options *opts)
{
	*asked = opts->state_count > 0;
	for (size_t i = 0; i < opts->state_count; i++) {
		const char *word = berth_state_name(opts->states[i]);
		bool unknown = false;
		for (const char *const *u = d->unknown_states; u && *u && !unknown; u++)
			unknown = STREQ(*u, word);
		if (!unknown && strv_push(out, word) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The readers' feeds as http sinks. */
static int list_sink(void *reader, const char *data, size_t len, berth_error *err)
{
	return engineapi_list_reader_feed(reader, data, len, err);
}

static int health_sink(void *reader, const char *data, size_t len, berth_error *err)
{
	return engineapi_health_reader_feed(reader, data, len, err);
}

int engineapi_list(berth_container_list **out, struct berth_client *c, const berth_list_options *opts,
		   berth_error *err)
{
	_cleanup_strv_ strv states = STRV_INIT;
	bool states_asked;
	_cleanup_json_ json_t *filters = json_object();
	if (!filters || state_words(&states, &states_asked, api_of(c)->d, opts) < 0)
		return BERTH_NOMEM(err);
	if (states_asked && states.len == 0) {
		/* Only states this engine never has: nothing can match. */
		berth_container_list *none = calloc(1, sizeof *none);
		if (!none)
			return BERTH_NOMEM(err);
		*out = none;
		return 0;
	}
	const char *const name[] = { opts->name };
	_cleanup_sbuf_ sbuf path = SBUF_INIT;
	if (sbuf_printf(&path, "/containers/json?all=%d", opts->all ? 1 : 0) < 0 ||
	    eapi_filter_add(filters, "label", opts->labels, opts->label_count) < 0 ||
	    eapi_filter_add(filters, "name", name, opts->name ? 1 : 0) < 0 ||
	    eapi_filter_add(filters, "status", (const char *const *)states.items, states.len) < 0 ||
	    eapi_query_add_filters(&path, '&', filters) < 0)
		return BERTH_NOMEM(err);
	call k = { "GET", path.data, NULL, 0 };
	/* mapped as it arrives: no buffer of the whole reply, no tree */
	eapi_list_reader *reader = NULL;
	if (engineapi_list_reader_new(&reader) < 0)
		return BERTH_NOMEM(err);
	int r = eapi_do_call_sink(c, &k, list_sink, reader, "list containers", err);
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_list_reader_finish(reader, out, err), err);
	engineapi_list_reader_free(reader);
	if (r < 0 || !api_of(c)->d->list_health_libpod)
		return r;
	bool running = false;
	for (size_t i = 0; i < (*out)->len && !running; i++)
		running = (*out)->items[i].state == BERTH_STATE_RUNNING;
	if (!running)
		return 0;
	/* the same question to libpod's list, for the health words */
	_cleanup_sbuf_ sbuf lp = SBUF_INIT;
	eapi_health_reader *hr = NULL;
	if (sbuf_printf(&lp, LIBPOD_PREFIX "%s", path.data) < 0 || engineapi_health_reader_new(&hr, *out) < 0) {
		berth_container_list_free(*out);
		*out = NULL;
		return BERTH_NOMEM(err);
	}
	call lk = { "GET", lp.data, NULL, 0, true };
	r = eapi_do_call_sink(c, &lk, health_sink, hr, "list containers", err);
	if (r == 0)
		r = eapi_with_endpoint(c, engineapi_health_reader_finish(hr, err), err);
	engineapi_health_reader_free(hr);
	if (r < 0) {
		berth_container_list_free(*out);
		*out = NULL;
	}
	return r;
}

void engineapi_close(struct berth_client *c)
{
	engineapi *api = api_of(c);
	if (!api)
		return;
	transport_free(api->t);
	free(api);
	c->backend = NULL;
}
