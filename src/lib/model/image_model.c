/* The image list and image record behind the public opaque types:
 * accessors and destructors. */
#include "lib/model/model.h"

#include <stdarg.h>
#include <stdio.h>

static const char *at(const strv *v, size_t i) { return i < v->len ? v->items[i] : NULL; }

void image_entry_release(berth_image_entry *e)
{
	free(e->id);
	strv_release(&e->tags);
	strv_release(&e->digests);
	strv_release(&e->label_keys);
	strv_release(&e->label_values);
}

void berth_image_list_free(berth_image_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		image_entry_release(&l->items[i]);
	free(l->items);
	free(l);
}

static const berth_image_entry *ent(const berth_image_list *l, size_t i) { return l && i < l->len ? &l->items[i] : NULL; }

size_t berth_image_list_count(const berth_image_list *l) { return l ? l->len : 0; }
const char *berth_image_list_id(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->id : NULL; }
size_t berth_image_list_tag_count(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->tags.len : 0; }
const char *berth_image_list_tag(const berth_image_list *l, size_t i, size_t j) { return ent(l, i) ? at(&ent(l, i)->tags, j) : NULL; }
size_t berth_image_list_digest_count(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->digests.len : 0; }
const char *berth_image_list_digest(const berth_image_list *l, size_t i, size_t j) { return ent(l, i) ? at(&ent(l, i)->digests, j) : NULL; }
int64_t berth_image_list_size(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->size : 0; }
int64_t berth_image_list_created(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->created : 0; }
size_t berth_image_list_label_count(const berth_image_list *l, size_t i) { return ent(l, i) ? ent(l, i)->label_keys.len : 0; }
const char *berth_image_list_label_key(const berth_image_list *l, size_t i, size_t j) { return ent(l, i) ? at(&ent(l, i)->label_keys, j) : NULL; }
const char *berth_image_list_label_value(const berth_image_list *l, size_t i, size_t j) { return ent(l, i) ? at(&ent(l, i)->label_values, j) : NULL; }
const char *berth_image_list_label(const berth_image_list *l, size_t i, const char *key)
{
	const berth_image_entry *e = ent(l, i);
	ssize_t k = e && key ? labels_find(&e->label_keys, key) : -1;
	return k < 0 ? NULL : e->label_values.items[k];
}

void berth_image_info_free(berth_image_info *x)
{
	if (!x)
		return;
	free(x->id); free(x->architecture); free(x->os); free(x->created); free(x->user); free(x->workdir); free(x->raw);
	strv_release(&x->tags); strv_release(&x->digests); strv_release(&x->entrypoint); strv_release(&x->cmd); strv_release(&x->env);
	strv_release(&x->exposed_ports); strv_release(&x->label_keys); strv_release(&x->label_values);
	strv_release(&x->hc_test);
	free(x);
}

const char *berth_image_info_id(const berth_image_info *x) { return x ? strempty(x->id) : NULL; }
size_t berth_image_info_tag_count(const berth_image_info *x) { return x ? x->tags.len : 0; }
size_t berth_image_info_digest_count(const berth_image_info *x) { return x ? x->digests.len : 0; }
const char *berth_image_info_digest(const berth_image_info *x, size_t i) { return x ? at(&x->digests, i) : NULL; }
const char *berth_image_info_tag(const berth_image_info *x, size_t i) { return x ? at(&x->tags, i) : NULL; }
const char *berth_image_info_architecture(const berth_image_info *x) { return x ? strempty(x->architecture) : NULL; }
const char *berth_image_info_os(const berth_image_info *x) { return x ? strempty(x->os) : NULL; }
const char *berth_image_info_created(const berth_image_info *x) { return x ? strempty(x->created) : NULL; }
size_t berth_image_info_entrypoint_count(const berth_image_info *x) { return x ? x->entrypoint.len : 0; }
const char *berth_image_info_entrypoint(const berth_image_info *x, size_t i) { return x ? at(&x->entrypoint, i) : NULL; }
size_t berth_image_info_cmd_count(const berth_image_info *x) { return x ? x->cmd.len : 0; }
const char *berth_image_info_cmd(const berth_image_info *x, size_t i) { return x ? at(&x->cmd, i) : NULL; }
size_t berth_image_info_env_count(const berth_image_info *x) { return x ? x->env.len : 0; }
const char *berth_image_info_env(const berth_image_info *x, size_t i) { return x ? at(&x->env, i) : NULL; }
const char *berth_image_info_user(const berth_image_info *x) { return x ? strempty(x->user) : NULL; }
const char *berth_image_info_workdir(const berth_image_info *x) { return x ? strempty(x->workdir) : NULL; }
size_t berth_image_info_label_count(const berth_image_info *x) { return x ? x->label_keys.len : 0; }
const char *berth_image_info_label_key(const berth_image_info *x, size_t i) { return x ? at(&x->label_keys, i) : NULL; }
const char *berth_image_info_label_value(const berth_image_info *x, size_t i) { return x ? at(&x->label_values, i) : NULL; }
const char *berth_image_info_label(const berth_image_info *x, const char *key)
{
	ssize_t k = x && key ? labels_find(&x->label_keys, key) : -1;
	return k < 0 ? NULL : x->label_values.items[k];
}
size_t berth_image_info_exposed_port_count(const berth_image_info *x) { return x ? x->exposed_ports.len : 0; }
const char *berth_image_info_exposed_port(const berth_image_info *x, size_t i) { return x ? at(&x->exposed_ports, i) : NULL; }
int berth_image_info_has_healthcheck(const berth_image_info *x) { return x && x->has_healthcheck; }
size_t berth_image_info_health_test_count(const berth_image_info *x) { return x ? x->hc_test.len : 0; }
const char *berth_image_info_health_test(const berth_image_info *x, size_t i) { return x ? at(&x->hc_test, i) : NULL; }
int64_t berth_image_info_health_interval_ms(const berth_image_info *x) { return x ? x->hc_interval_ms : 0; }
int64_t berth_image_info_health_timeout_ms(const berth_image_info *x) { return x ? x->hc_timeout_ms : 0; }
int64_t berth_image_info_health_start_period_ms(const berth_image_info *x) { return x ? x->hc_start_period_ms : 0; }
int berth_image_info_health_retries(const berth_image_info *x) { return x ? x->hc_retries : 0; }
const char *berth_image_info_raw_json(const berth_image_info *x) { return x ? strempty(x->raw) : NULL; }

/* ---- pull progress ------------------------------------------------------------- */

void image_progress_reset(berth_image_progress *p)
{
	free(p->layer);
	free(p->message);
	free(p->digest);
	free(p->image_id);
	*p = (berth_image_progress){ .current = -1, .total = -1 };
}

int image_progress_fill(berth_image_progress *p, berth_progress_phase phase, const char *layer_digest,
			const char *fmt, ...)
{
	image_progress_reset(p);
	p->phase = phase;
	const char *hex = layer_digest && startswith(layer_digest, "sha256:") ? layer_digest + 7 : strempty(layer_digest);
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&p->message, fmt, ap);
	va_end(ap);
	if (r < 0)
		p->message = NULL;
	p->layer = strndup(hex, 12);
	p->digest = strdup("");
	p->image_id = strdup("");
	return p->message && p->layer && p->digest && p->image_id ? 0 : -ENOMEM;
}

const char *berth_progress_phase_name(berth_progress_phase phase)
{
	static const char *const names[] = {
		[BERTH_PROGRESS_RESOLVING] = "resolving",     [BERTH_PROGRESS_WAITING] = "waiting",
		[BERTH_PROGRESS_DOWNLOADING] = "downloading", [BERTH_PROGRESS_UPLOADING] = "uploading",
		[BERTH_PROGRESS_VERIFYING] = "verifying",     [BERTH_PROGRESS_DOWNLOADED] = "downloaded",
		[BERTH_PROGRESS_EXTRACTING] = "extracting",   [BERTH_PROGRESS_DONE] = "done",
		[BERTH_PROGRESS_EXISTS] = "already exists",   [BERTH_PROGRESS_STATUS] = "status",
		[BERTH_PROGRESS_FINISHED] = "finished",
	};
	return phase > 0 && (size_t)phase < sizeof names / sizeof *names && names[phase] ? names[phase] : "unknown";
}

berth_progress_phase berth_image_progress_phase(const berth_image_progress *p) { return p ? p->phase : 0; }
const char *berth_image_progress_layer(const berth_image_progress *p) { return p ? strempty(p->layer) : ""; }
const char *berth_image_progress_message(const berth_image_progress *p) { return p ? strempty(p->message) : ""; }
const char *berth_image_progress_digest(const berth_image_progress *p) { return p ? strempty(p->digest) : ""; }
const char *berth_image_progress_image_id(const berth_image_progress *p) { return p ? strempty(p->image_id) : ""; }
int64_t berth_image_progress_current(const berth_image_progress *p) { return p ? p->current : -1; }
int64_t berth_image_progress_total(const berth_image_progress *p) { return p ? p->total : -1; }

/* ---- history ------------------------------------------------------------------- */

void berth_image_history_free(berth_image_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->len; i++) {
		free(h->items[i].id);
		free(h->items[i].created_by);
		free(h->items[i].comment);
	}
	free(h->items);
	free(h);
}

static const history_entry *hist(const berth_image_history *h, size_t i) { return h && i < h->len ? &h->items[i] : NULL; }
size_t berth_image_history_count(const berth_image_history *h) { return h ? h->len : 0; }
const char *berth_image_history_id(const berth_image_history *h, size_t i) { return hist(h, i) ? strempty(hist(h, i)->id) : NULL; }
const char *berth_image_history_created_by(const berth_image_history *h, size_t i) { return hist(h, i) ? strempty(hist(h, i)->created_by) : NULL; }
const char *berth_image_history_comment(const berth_image_history *h, size_t i) { return hist(h, i) ? strempty(hist(h, i)->comment) : NULL; }
int64_t berth_image_history_created(const berth_image_history *h, size_t i) { return hist(h, i) ? hist(h, i)->created : 0; }
int64_t berth_image_history_size(const berth_image_history *h, size_t i) { return hist(h, i) ? hist(h, i)->size : 0; }

/* ---- search ------------------------------------------------------------ */

int search_result_add(berth_search_result *r, const char *name, const char *description, int64_t stars,
		      bool official, bool automated)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		search_entry *more = realloc(r->items, cap * sizeof *more);
		if (!more)
			return -ENOMEM;
		r->items = more;
		r->cap = cap;
	}
	search_entry *e = &r->items[r->len];
	e->name = strdup(strempty(name));
	e->description = strdup(strempty(description));
	e->stars = stars;
	e->official = official;
	e->automated = automated;
	if (!e->name || !e->description) {
		free(e->name);
		free(e->description);
		return -ENOMEM;
	}
	r->len++;
	return 0;
}

void berth_search_result_free(berth_search_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->len; i++) {
		free(r->items[i].name);
		free(r->items[i].description);
	}
	free(r->items);
	free(r);
}

size_t berth_search_result_count(const berth_search_result *r) { return r ? r->len : 0; }

static const search_entry *search_at(const berth_search_result *r, size_t i)
{
	return r && i < r->len ? &r->items[i] : NULL;
}

const char *berth_search_result_name(const berth_search_result *r, size_t i)
{
	return search_at(r, i) ? search_at(r, i)->name : NULL;
}
const char *berth_search_result_description(const berth_search_result *r, size_t i)
{
	return search_at(r, i) ? search_at(r, i)->description : NULL;
}
int64_t berth_search_result_stars(const berth_search_result *r, size_t i)
{
	return search_at(r, i) ? search_at(r, i)->stars : 0;
}
int berth_search_result_official(const berth_search_result *r, size_t i)
{
	return search_at(r, i) ? search_at(r, i)->official : 0;
}
int berth_search_result_automated(const berth_search_result *r, size_t i)
{
	return search_at(r, i) ? search_at(r, i)->automated : 0;
}
