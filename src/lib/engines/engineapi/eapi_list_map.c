/* The container list reply (GET /containers/json) mapped into berth's
 * records as it is read: events from the JSON reader (parse/jstream.h) go
 * straight into berth_container_entry fields; members berth does not keep
 * are skipped without being stored. Pure: bytes in, a list out.
 *
 * The reply is an array of objects:
 *   [{"Id", "Names": ["/name", ...], "Image", "Command", "Created",
 *     "State", "Status", "Ports": [{"IP", "PrivatePort", "PublicPort",
 *     "Type"}], "Labels": {k: v}, ...more berth does not keep}, ...]
 * A member of the wrong type reads as absent ("" or 0), as the tree
 * mapping before it did; a member given twice keeps its last value. */
#include "eapi_parse.h"

#include "lib/parse/jstream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
	F_OTHER, F_ID, F_NAMES, F_IMAGE, F_COMMAND, F_CREATED, F_STATE, F_STATUS, F_PORTS, F_LABELS,
} field;

typedef enum { P_OTHER, P_IP, P_PUBLIC, P_PRIVATE, P_TYPE } port_field;

struct eapi_list_reader {
	js_reader *js;
	berth_container_list *l;
	size_t cap;
	field f;             /* the member of the current entry being read */
	size_t names_seen;   /* values read inside Names */
	/* the port object being read inside Ports */
	bool ports_array;    /* Ports is an array (anything else reads as none) */
	bool in_port;
	port_field pf;
	char *ip, *type;
	int64_t pub, priv;
	sbuf ports;          /* the entry's "IP:PUB->PRIV/TYPE, ..." so far */
	char *label_key;     /* the label whose value comes next */
	bool top_seen;
};

#define LEVEL_ENTRY  2   /* members of an entry */
#define LEVEL_INNER  3   /* items of Names and Ports, members of Labels */
#define LEVEL_PORT   4   /* members of a port object */

static field field_of(const char *s, size_t n)
{
#define IS(word) (n == sizeof word - 1 && memcmp(s, word, n) == 0)
	switch (n ? s[0] : 0) {
	case 'I': return IS("Id") ? F_ID : IS("Image") ? F_IMAGE : F_OTHER;
	case 'N': return IS("Names") ? F_NAMES : F_OTHER;
	case 'C': return IS("Command") ? F_COMMAND : IS("Created") ? F_CREATED : F_OTHER;
	case 'S': return IS("State") ? F_STATE : IS("Status") ? F_STATUS : F_OTHER;
	case 'P': return IS("Ports") ? F_PORTS : F_OTHER;
	case 'L': return IS("Labels") ? F_LABELS : F_OTHER;
	default: return F_OTHER;
	}
#undef IS
}

static port_field port_field_of(const char *s, size_t n)
{
	if (n == 2 && memcmp(s, "IP", 2) == 0)
		return P_IP;
	if (n == 10 && memcmp(s, "PublicPort", 10) == 0)
		return P_PUBLIC;
	if (n == 11 && memcmp(s, "PrivatePort", 11) == 0)
		return P_PRIVATE;
	if (n == 4 && memcmp(s, "Type", 4) == 0)
		return P_TYPE;
	return P_OTHER;
}

/* *slot = a C copy of s (cut at a NUL the JSON escaped in), the old freed. */
static int set_str(char **slot, const char *s, size_t len)
{
	char *p = strndup(s, len);
	if (!p)
		return -ENOMEM;
	free(*slot);
	*slot = p;
	return 0;
}

static berth_container_entry *cur(eapi_list_reader *p) { return &p->l->items[p->l->len - 1]; }

static int entry_begin(eapi_list_reader *p)
{
	berth_container_list *l = p->l;
	berth_container_entry *items = array_grow(l->items, &p->cap, l->len, sizeof *items, 16);
	if (!items)
		return -ENOMEM;
	l->items = items;
	memset(&l->items[l->len++], 0, sizeof l->items[0]); /* strings NULL, label vectors empty */
	p->f = F_OTHER;
	sbuf_reset(&p->ports);
	return 0;
}

/* The entry is whole: strings never NULL, the health from Docker's status. */
static int entry_end(eapi_list_reader *p)
{
	berth_container_entry *e = cur(p);
	char **slots[] = { &e->id, &e->name, &e->image, &e->command, &e->status };
	for (size_t i = 0; i < ARRAY_SIZE(slots); i++)
		if (!*slots[i] && set_str(slots[i], "", 0) < 0)
			return -ENOMEM;
	if (set_str(&e->ports, p->ports.data ? p->ports.data : "", p->ports.len) < 0)
		return -ENOMEM;
	for (berth_health h = BERTH_HEALTH_STARTING; h <= BERTH_HEALTH_UNHEALTHY; h++)
		if (endswith(e->status, health_status_suffix(h)))
			e->health = h;
	return 0;
}

static void port_reset(eapi_list_reader *p)
{
	free(p->ip);
	free(p->type);
	p->ip = p->type = NULL;
	p->pub = p->priv = 0;
	p->pf = P_OTHER;
}

/* One port of the entry's Ports, as Docker's CLI writes it. */
static int port_add(eapi_list_reader *p)
{
	const char *ip = strempty(p->ip), *type = strempty(p->type);
	bool v6 = strchr(ip, ':') != NULL;
	int r = p->ports.len ? sbuf_adds(&p->ports, ", ") : 0;
	if (r == 0 && p->pub)
		r = sbuf_printf(&p->ports, "%s%s%s:%" PRId64 "->", v6 ? "[" : "", ip, v6 ? "]" : "", p->pub);
	if (r == 0)
		r = sbuf_printf(&p->ports, "%" PRId64 "/%s", p->priv, *type ? type : "tcp");
	port_reset(p);
	return r < 0 ? -ENOMEM : 0;
}

/* A value (or a container's start) at the level of an entry's members. */
static int entry_value(eapi_list_reader *p, js_kind kind, const char *s, size_t len)
{
	berth_container_entry *e = cur(p);
	bool str = kind == JS_STRING;
	switch (p->f) {
	case F_ID: return set_str(&e->id, str ? s : "", str ? len : 0);
	case F_IMAGE: return set_str(&e->image, str ? s : "", str ? len : 0);
	case F_COMMAND: return set_str(&e->command, str ? s : "", str ? len : 0);
	case F_STATUS: return set_str(&e->status, str ? s : "", str ? len : 0);
	case F_STATE: {
		char word[32] = "";
		if (str && len < sizeof word)
			memcpy(word, s, len);
		e->state = state_from_string(word);
		return 0;
	}
	case F_CREATED:
		e->created = kind == JS_NUMBER ? js_int64(s, len) : 0;
		return 0;
	case F_NAMES:
		p->names_seen = 0;
		return set_str(&e->name, "", 0);
	case F_PORTS:
		sbuf_reset(&p->ports);
		p->ports_array = kind == JS_START_ARRAY;
		p->in_port = false;
		return 0;
	case F_LABELS:
		/* a second Labels replaces the first */
		strv_release(&e->label_keys);
		strv_release(&e->label_values);
		return 0;
	case F_OTHER:
		return 0;
	}
	return 0;
}

/* A value inside Names, Ports or Labels. */
static int inner_value(eapi_list_reader *p, js_kind kind, const char *s, size_t len)
{
	berth_container_entry *e = cur(p);
	switch (p->f) {
	case F_NAMES:
		if (p->names_seen++ == 0 && kind == JS_STRING) {
			if (len && s[0] == '/')
				s++, len--;
			return set_str(&e->name, s, len);
		}
		return 0;
	case F_PORTS:
		if (!p->ports_array)
			return 0;
		if (kind == JS_START_MAP) {
			p->in_port = true;
			port_reset(p);
			return 0;
		}
		/* not an object: the tree mapping read it as an empty port */
		return port_add(p);
	case F_LABELS:
		if (kind == JS_KEY) {
			free(p->label_key);
			p->label_key = strndup(s, len);
			return p->label_key ? 0 : -ENOMEM;
		}
		if (p->label_key) {
			_cleanup_free_ char *v = strndup(kind == JS_STRING ? s : "", kind == JS_STRING ? len : 0);
			if (!v || labels_set(&e->label_keys, &e->label_values, p->label_key, v) < 0)
				return -ENOMEM;
			free(p->label_key);
			p->label_key = NULL;
		}
		return 0;
	default:
		return 0;
	}
}

static int port_value(eapi_list_reader *p, js_kind kind, const char *s, size_t len)
{
	if (kind == JS_KEY) {
		p->pf = port_field_of(s, len);
		return 0;
	}
	switch (p->pf) {
	case P_IP: return set_str(&p->ip, kind == JS_STRING ? s : "", kind == JS_STRING ? len : 0);
	case P_TYPE: return set_str(&p->type, kind == JS_STRING ? s : "", kind == JS_STRING ? len : 0);
	case P_PUBLIC: p->pub = kind == JS_NUMBER ? js_int64(s, len) : 0; return 0;
	case P_PRIVATE: p->priv = kind == JS_NUMBER ? js_int64(s, len) : 0; return 0;
	case P_OTHER: return 0;
	}
	return 0;
}

static int on_event(void *ctx, js_kind kind, const char *s, size_t len, unsigned level, berth_error *err)
{
	eapi_list_reader *p = ctx;
	bool end = kind == JS_END_MAP || kind == JS_END_ARRAY;
	int r = 0;
	if (level == 0) {
		if (kind != JS_START_ARRAY && !end)
			return berth_fail(err, BERTH_EPROTOCOL, "list containers: reply is not a JSON array");
		p->top_seen = true;
		return 0;
	}
	if (level == 1) {
		if (kind == JS_START_MAP)
			r = entry_begin(p);
		else if (kind == JS_END_MAP)
			r = entry_end(p);
		else
			return berth_fail(err, BERTH_EPROTOCOL, "list containers: entry %zu is not an object", p->l->len);
	} else if (level == LEVEL_ENTRY) {
		if (kind == JS_KEY)
			p->f = field_of(s, len);
		else if (!end)
			r = entry_value(p, kind, s, len);
	} else if (level == LEVEL_INNER) {
		if (kind == JS_END_MAP && p->f == F_PORTS && p->in_port) {
			p->in_port = false;
			r = port_add(p);
		} else if (!end) {
			r = inner_value(p, kind, s, len);
		}
	} else if (level == LEVEL_PORT && p->f == F_PORTS && p->in_port && !end) {
		r = port_value(p, kind, s, len);
	}
	return r < 0 ? BERTH_NOMEM(err) : 0;
}

int engineapi_list_reader_new(eapi_list_reader **out)
{
	eapi_list_reader *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->ports = (sbuf)SBUF_INIT;
	p->l = calloc(1, sizeof *p->l);
	if (!p->l || js_reader_new(&p->js, on_event, p, "list containers") < 0) {
		free(p->l);
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

void engineapi_list_reader_free(eapi_list_reader *p)
{
	if (!p)
		return;
	js_reader_free(p->js);
	berth_container_list_free(p->l);
	port_reset(p);
	sbuf_release(&p->ports);
	free(p->label_key);
	free(p);
}

int engineapi_list_reader_feed(eapi_list_reader *p, const char *data, size_t len, berth_error *err)
{
	return js_reader_feed(p->js, data, len, err);
}

int engineapi_list_reader_finish(eapi_list_reader *p, berth_container_list **out, berth_error *err)
{
	int r = js_reader_finish(p->js, err);
	if (r < 0)
		return r;
	*out = p->l;
	p->l = NULL;
	return 0;
}

int engineapi_parse_list(berth_container_list **out, const char *body, size_t len, berth_error *err)
{
	eapi_list_reader *p = NULL;
	if (engineapi_list_reader_new(&p) < 0)
		return BERTH_NOMEM(err);
	int r = engineapi_list_reader_feed(p, body ? body : "", len, err);
	if (r == 0)
		r = engineapi_list_reader_finish(p, out, err);
	engineapi_list_reader_free(p);
	return r;
}
