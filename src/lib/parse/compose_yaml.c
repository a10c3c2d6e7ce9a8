/* The Compose-format services file read with libyaml's document loader,
 * then walked node by node into the record (see compose_yaml.h). */
#include "compose_yaml.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <strings.h>
#include <yaml.h>

#define PATHLEN 256

typedef struct cx {
	yaml_document_t doc;
	const char *file;
	const strv *ek, *ev;
	compose_project *p;
	berth_error *err;
	size_t visits;
	yaml_node_t *services;      /* the services map, for depends_on */
} cx;

/* One key of a map, merges resolved. */
typedef struct ent {
	yaml_node_t *k, *v;
	const char *key;
} ent;

/* Index of strings by hash (open addressing): slot i holds 1 + the index
 * of a string in the caller's array, 0 when empty. */
typedef struct keyset {
	size_t *slot;
	size_t cap;                 /* a power of two, or 0 */
	size_t n;
} keyset;

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The index of key (get(i, ctx) gives the string of index i), or -1. */
static ssize_t keyset_find(const keyset *ks, const char *key, const char *(*get)(size_t, const void *),
			   const void *ctx)
{
	if (!ks->cap)
		return -1;
	for (size_t i = key_hash(key) & (ks->cap - 1);; i = (i + 1) & (ks->cap - 1)) {
		if (!ks->slot[i])
			return -1;
		if (STREQ(get(ks->slot[i] - 1, ctx), key))
			return (ssize_t)(ks->slot[i] - 1);
	}
}

static int keyset_add(keyset *ks, size_t idx, const char *(*get)(size_t, const void *), const void *ctx)
{
	if (2 * (ks->n + 1) > ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 16;
		size_t *slot = calloc(cap, sizeof *slot);
		if (!slot)
			return -ENOMEM;
		for (size_t i = 0; i < ks->cap; i++)
			if (ks->slot[i])
				for (size_t j = key_hash(get(ks->slot[i] - 1, ctx)) & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!slot[j]) {
						slot[j] = ks->slot[i];
						break;
					}
		free(ks->slot);
		ks->slot = slot;
		ks->cap = cap;
	}
	size_t j = key_hash(get(idx, ctx)) & (ks->cap - 1);
	while (ks->slot[j])
		j = (j + 1) & (ks->cap - 1);
	ks->slot[j] = idx + 1;
	ks->n++;
	return 0;
}

static void keyset_release(keyset *ks) { free(ks->slot); *ks = (keyset){ 0 }; }

typedef struct emap {
	ent *e;
	size_t n, cap;
	keyset ks;
} emap;

static void emap_release(emap *m) { free(m->e); keyset_release(&m->ks); *m = (emap){ 0 }; }
#define _cleanup_emap_ _cleanup_(emap_release)

/* ---- messages -------------------------------------------------------------- */
static int bad(cx *c, const yaml_node_t *n, const char *fmt, ...) _printf_(3, 4);
static int bad(cx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[BERTH_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return berth_fail(c->err, BERTH_EINVAL, "%s:%zu:%zu: %s", c->file, n ? n->start_mark.line + 1 : 1,
			  n ? n->start_mark.column + 1 : 1, msg);
}

static int nomem(cx *c) { return BERTH_NOMEM(c->err); }

static int warn(cx *c, const yaml_node_t *n, const char *fmt, ...) _printf_(3, 4);
static int warn(cx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[BERTH_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	_cleanup_free_ char *s = NULL;
	if (asprintf(&s, "%s:%zu: %s", c->file, n->start_mark.line + 1, msg) < 0)
		return nomem(c);
	for (size_t i = 0; i < c->p->warnings.len; i++)
		if (STREQ(c->p->warnings.items[i], s))
			return 0;
	return strv_push_take(&c->p->warnings, TAKE_PTR(s)) < 0 ? nomem(c) : 0;
}

/* ---- small helpers ----------------------------------------------------------- */
/* Push s, which may be NULL, keeping the vector NULL-terminated. */
static int strv_push_opt(strv *v, const char *s)
{
	if (s)
		return strv_push(v, s);
	if (v->len + 1 >= v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		char **p = realloc(v->items, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		v->items = p;
		v->cap = cap;
	}
	v->items[v->len++] = NULL;
	v->items[v->len] = NULL;
	return 0;
}

/* Set key to value (NULL allowed) in a pair of vectors, replacing a value
 * already there. */
static int kv_set(strv *keys, strv *vals, const char *k, const char *v)
{
	for (size_t i = 0; i < keys->len; i++)
		if (STREQ(keys->items[i], k)) {
			char *d = NULL;
			if (v && !(d = strdup(v)))
				return -ENOMEM;
			free(vals->items[i]);
			vals->items[i] = d;
			return 0;
		}
	if (strv_push(keys, k) < 0)
		return -ENOMEM;
	if (strv_push_opt(vals, v) < 0) {
		free(keys->items[--keys->len]);
		keys->items[keys->len] = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* A zeroed element appended to arr (count n): its address, or NULL. */
#define PUSH0(arr, n) ({ \
	__typeof__(arr) _p = realloc((arr), ((n) + 1) * sizeof *(arr)); \
	__typeof__(arr) _r = NULL; \
	if (_p) { (arr) = _p; _r = &_p[(n)++]; memset(_r, 0, sizeof *_r); } \
	_r; })

static const char *sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = sval(n);
	return !*s || STREQ(s, "~") || STREQ(s, "null") || STREQ(s, "Null") || STREQ(s, "NULL");
}

static void subpath(char *out, const char *path, const char *key)
{
	char shown[96];
	text_shown(shown, sizeof shown, key);
	if (snprintf(out, PATHLEN, "%s%s%s", path, *path ? "." : "", shown) < 0)
		out[0] = '\0';
}

static void itempath(char *out, const char *path, size_t i)
{
	if (snprintf(out, PATHLEN, "%s[%zu]", path, i) < 0)
		out[0] = '\0';
}

/* Count a node reached (aliases make the walk revisit shared nodes). */
static int node(cx *c, yaml_node_item_t id, yaml_node_t **out)
{
	if (++c->visits > COMPOSE_MAX_NODES)
		return bad(c, NULL, "more than %d nodes (aliases expanded): refused", COMPOSE_MAX_NODES);
	*out = yaml_document_get_node(&c->doc, id);
	if (!*out)
		return bad(c, NULL, "broken document");
	return 0;
}

/* ---- interpolation ---------------------------------------------------------- */
static const char *env_get(cx *c, const char *name, size_t len)
{
	if (!c->ek || !c->ev)
		return NULL;
	const char *found = NULL;
	for (size_t i = 0; i < c->ek->len && i < c->ev->len; i++)
		if (strlen(c->ek->items[i]) == len && !memcmp(c->ek->items[i], name, len))
			found = c->ev->items[i] ? c->ev->items[i] : found;
	return found;
}

static bool name_start(char ch) { return ch == '_' || isalpha((unsigned char)ch); }
static bool name_char(char ch) { return ch == '_' || isalnum((unsigned char)ch); }

static int interp(cx *c, const yaml_node_t *n, const char *in, size_t len, sbuf *out, int depth);

static int interp_braced(cx *c, const yaml_node_t *n, const char *s, size_t len, sbuf *out, int depth)
{
	size_t i = 0;
	if (!len || !name_start(s[0]))
		return bad(c, n, "invalid interpolation: ${%.*s}", (int)(len > 40 ? 40 : len), s);
	while (i < len && name_char(s[i]))
		i++;
	size_t nl = i;
	const char *val = env_get(c, s, nl);
	if (i == len) {
		if (!val)
			return warn(c, n, "variable %.*s is not set, empty string used", (int)nl, s);
		return sbuf_adds(out, val) < 0 ? nomem(c) : 0;
	}
	bool colon = s[i] == ':';
	if (colon)
		i++;
	if (i == len || !strchr("-?+", s[i]))
		return bad(c, n, "invalid interpolation: ${%.*s}", (int)(len > 40 ? 40 : len), s);
	char op = s[i++];
	const char *arg = s + i;
	size_t al = len - i;
	bool set = val && (!colon || *val);
	switch (op) {
	case '-':
		if (set)
			return sbuf_adds(out, val) < 0 ? nomem(c) : 0;
		return interp(c, n, arg, al, out, depth + 1);
	case '+':
		if (!set)
			return 0;
		return interp(c, n, arg, al, out, depth + 1);
	default: {
		if (set)
			return sbuf_adds(out, val) < 0 ? nomem(c) : 0;
		_cleanup_sbuf_ sbuf m = SBUF_INIT;
		int r = interp(c, n, arg, al, &m, depth + 1);
		if (r < 0)
			return r;
		return bad(c, n, "required variable %.*s is %s: %s", (int)nl, s, val ? "empty" : "not set",
			   m.data ? m.data : "");
	}
	}
}

static int interp(cx *c, const yaml_node_t *n, const char *in, size_t len, sbuf *out, int depth)
{
	if (depth > 16)
		return bad(c, n, "interpolation nested too deep");
	if (sbuf_add(out, "", 0) < 0)
		return nomem(c);
	for (size_t i = 0; i < len;) {
		const char *d = memchr(in + i, '$', len - i);
		size_t stop = d ? (size_t)(d - in) : len;
		if (sbuf_add(out, in + i, stop - i) < 0)
			return nomem(c);
		if (!d)
			break;
		i = stop + 1;
		if (i < len && in[i] == '$') {
			if (sbuf_addc(out, '$') < 0)
				return nomem(c);
			i++;
		} else if (i < len && in[i] == '{') {
			size_t j = i + 1, nest = 1;
			for (; j < len; j++) {
				if (in[j] == '$' && j + 1 < len && in[j + 1] == '{') {
					nest++;
					j++;
				} else if (in[j] == '}' && --nest == 0) {
					break;
				}
			}
			if (j >= len)
				return bad(c, n, "unterminated ${ in \"%.*s\"", (int)(len > 60 ? 60 : len), in);
			int r = interp_braced(c, n, in + i + 1, j - i - 1, out, depth);
			if (r < 0)
				return r;
			i = j + 1;
		} else if (i < len && name_start(in[i])) {
			size_t j = i;
			while (j < len && name_char(in[j]))
				j++;
			const char *val = env_get(c, in + i, j - i);
			int r = val ? (sbuf_adds(out, val) < 0 ? nomem(c) : 0)
				    : warn(c, n, "variable %.*s is not set, empty string used", (int)(j - i), in + i);
			if (r < 0)
				return r;
			i = j;
		} else {
			return bad(c, n, "invalid interpolation: a lone $ (write $$ for a literal $)");
		}
	}
	return 0;
}

/* ---- typed reads -------------------------------------------------------------- */
/* The interpolated text of a scalar. */
static int text(cx *c, const yaml_node_t *n, const char *path, char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return bad(c, n, "%s: a string expected", path);
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = interp(c, n, sval(n), n->data.scalar.length, &b, 0);
	if (r < 0)
		return r;
	if (strlen(b.data) != b.len)
		return bad(c, n, "%s: a NUL byte in a string", path);
	*out = sbuf_steal(&b);
	return *out ? 0 : nomem(c);
}

/* The same, NULL for a null. */
static int opt_text(cx *c, const yaml_node_t *n, const char *path, char **out)
{
	if (is_null(n)) {
		*out = NULL;
		return 0;
	}
	return text(c, n, path, out);
}

/* A string field: replaces what was there. */
static int set_str(cx *c, const yaml_node_t *n, const char *path, char **field)
{
	char *s = NULL;
	int r = opt_text(c, n, path, &s);
	if (r < 0)
		return r;
	free(*field);
	*field = s;
	return 0;
}

static int parse_bool_word(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "y" }, *const no[] = { "false", "no", "off", "n" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int get_bool(cx *c, const yaml_node_t *n, const char *path, bool *out)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	if (parse_bool_word(s, out) < 0)
		return bad(c, n, "%s: a boolean expected", path);
	return 0;
}

static int parse_int64(const char *s, int64_t *out)
{
	if (!*s || isspace((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int get_int(cx *c, const yaml_node_t *n, const char *path, int64_t lo, int64_t hi, int64_t *out)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	if (parse_int64(s, out) < 0 || *out < lo || *out > hi)
		return bad(c, n, "%s: an integer from %lld to %lld expected", path, (long long)lo, (long long)hi);
	return 0;
}

/* Go's duration text ("1m30s", "500ms", "1.5h") in milliseconds. */
static int parse_duration(const char *s, int64_t *ms)
{
	static const struct { const char *u; double ms; } units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 }, { "s", 1e3 }, { "m", 6e4 }, { "h", 3.6e6 },
	};
	if (STREQ(s, "0")) {
		*ms = 0;
		return 0;
	}
	if (!*s)
		return -1;
	double total = 0;
	while (*s) {
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0 || isnan(v))
			return -1;
		s = end;
		size_t best = 0, bl = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t l = strlen(units[i].u);
			if (!strncmp(s, units[i].u, l) && l > bl) {
				best = i;
				bl = l;
			}
		}
		if (!bl)
			return -1;
		total += v * units[best].ms;
		s += bl;
		if (total > 9e15)
			return -1;
	}
	*ms = (int64_t)total;
	return 0;
}

static int get_duration(cx *c, const yaml_node_t *n, const char *path, int64_t *out)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	if (parse_duration(s, out) < 0)
		return bad(c, n, "%s: a duration expected (like 10s, 1m30s, 500ms)", path);
	return 0;
}

/* "512m", "1g", "1024", "1.5GB": bytes (1024-based units). */
static int parse_size(const char *s, int64_t *out)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	unsigned long long whole = strtoull(s, &end, 10);
	if (errno)
		return -1;
	double v = (double)whole;
	bool exact = *end != '.';
	if (!exact) {
		v = strtod(s, &end);
		if (end == s || v < 0 || isnan(v))
			return -1;
	}
	double mult = 1;
	switch (tolower((unsigned char)*end)) {
	case 'k': mult = 1024.0; end++; break;
	case 'm': mult = 1024.0 * 1024; end++; break;
	case 'g': mult = 1024.0 * 1024 * 1024; end++; break;
	case 't': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	case 'b': if (end[1]) return -1; break;
	default: break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end)
		return -1;
	if (v * mult > 9e18)
		return -1;
	*out = exact ? (int64_t)(whole * (unsigned long long)mult) : (int64_t)(v * mult);
	return 0;
}

static int get_size(cx *c, const yaml_node_t *n, const char *path, int64_t *out)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	if (parse_size(s, out) < 0)
		return bad(c, n, "%s: a size expected (like 512m, 1g, 1024)", path);
	return 0;
}

/* ---- maps, merges and lists ------------------------------------------------- */
static const char *emap_key(size_t i, const void *m) { return ((const emap *)m)->e[i].key; }

static bool emap_has(const emap *m, const char *key) { return keyset_find(&m->ks, key, emap_key, m) >= 0; }

static int emap_add(cx *c, emap *m, yaml_node_t *k, yaml_node_t *v)
{
	ent *e = array_grow(m->e, &m->cap, m->n, sizeof *m->e, 8);
	if (!e)
		return nomem(c);
	m->e = e;
	m->e[m->n++] = (ent){ k, v, sval(k) };
	if (keyset_add(&m->ks, m->n - 1, emap_key, m) < 0) {
		m->n--;
		return nomem(c);
	}
	return 0;
}

static int map_read(cx *c, yaml_node_t *n, const char *path, emap *m, bool merged, int depth);

/* The keys a merge brings (<<: *a or <<: [*a, *b]) that m lacks. */
static int merge_in(cx *c, yaml_node_t *v, const char *path, emap *m, int depth)
{
	if (v->type == YAML_MAPPING_NODE) {
		_cleanup_emap_ emap src = { 0 };
		int r = map_read(c, v, path, &src, true, depth + 1);
		if (r < 0)
			return r;
		for (size_t i = 0; i < src.n; i++)
			if (!emap_has(m, src.e[i].key) && (r = emap_add(c, m, src.e[i].k, src.e[i].v)) < 0)
				return r;
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return bad(c, v, "%s: <<: a map or a list of maps expected", path);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *x;
		int r = node(c, *it, &x);
		if (r < 0)
			return r;
		if (x->type != YAML_MAPPING_NODE)
			return bad(c, x, "%s: <<: a map or a list of maps expected", path);
		if ((r = merge_in(c, x, path, m, depth)) < 0)
			return r;
	}
	return 0;
}

/* The entries of a map node: written keys first (a duplicate refused),
 * then those merges bring. */
static int map_read(cx *c, yaml_node_t *n, const char *path, emap *m, bool merged, int depth)
{
	if (depth > COMPOSE_MAX_DEPTH)
		return bad(c, n, "%s: merges nested too deep", path);
	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "%s: a map expected", *path ? path : "the file");
	yaml_node_pair_t *pairs = n->data.mapping.pairs.start, *top = n->data.mapping.pairs.top;
	for (yaml_node_pair_t *pp = pairs; pp < top; pp++) {
		yaml_node_t *k, *v;
		int r = node(c, pp->key, &k);
		if (r < 0 || (r = node(c, pp->value, &v)) < 0)
			return r;
		if (k->type != YAML_SCALAR_NODE)
			return bad(c, k, "%s: a key must be a string", *path ? path : "the file");
		if (strlen(sval(k)) != k->data.scalar.length)
			return bad(c, k, "%s: a NUL byte in a key", *path ? path : "the file");
		if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && STREQ(sval(k), "<<"))
			continue;
		if (emap_has(m, sval(k))) {
			char sub[PATHLEN];
			subpath(sub, path, sval(k));
			return bad(c, k, "%s: duplicate key", sub);
		}
		if ((r = emap_add(c, m, k, v)) < 0)
			return r;
	}
	for (yaml_node_pair_t *pp = pairs; pp < top; pp++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, pp->key), *v;
		if (k->type != YAML_SCALAR_NODE || k->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !STREQ(sval(k), "<<"))
			continue;
		int r = node(c, pp->value, &v);
		if (r < 0 || (r = merge_in(c, v, path, m, depth)) < 0)
			return r;
	}
	(void)merged;
	return 0;
}

static int map_of(cx *c, yaml_node_t *n, const char *path, emap *m) { return map_read(c, n, path, m, false, 0); }

/* The items of a sequence (each counted as visited). */
static int seq_item(cx *c, yaml_node_t *seq, size_t i, yaml_node_t **out)
{
	return node(c, seq->data.sequence.items.start[i], out);
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* One item of a sequence at its path ("path[i]"), with the walker's context. */
typedef int (*item_fn)(cx *c, yaml_node_t *x, const char *path, void *ctx);

/* Each item of the sequence n, in order, until one fails; "a list
 * expected" when n is no sequence. */
static int seq_each(cx *c, yaml_node_t *n, const char *path, item_fn fn, void *ctx)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, "%s: a list expected", path);
	for (size_t i = 0; i < seq_len(n); i++) {
		yaml_node_t *x;
		char sub[PATHLEN];
		itempath(sub, path, i);
		int r = seq_item(c, n, i, &x);
		if (r < 0 || (r = fn(c, x, sub, ctx)) < 0)
			return r;
	}
	return 0;
}

/* A string item onto the strv ctx. */
static int str_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	char *s;
	int r = text(c, x, path, &s);
	if (r < 0)
		return r;
	return strv_push_take(ctx, s) < 0 ? nomem(c) : 0;
}

/* A list of strings; when one_ok, a single string is a list of one. */
static int str_list(cx *c, yaml_node_t *n, const char *path, bool one_ok, strv *out)
{
	if (n->type == YAML_SCALAR_NODE && one_ok) {
		if (is_null(n))
			return 0;
		char *s;
		int r = text(c, n, path, &s);
		if (r < 0)
			return r;
		return strv_push_take(out, s) < 0 ? nomem(c) : 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, "%s: a list%s expected", path, one_ok ? " or a string" : "");
	return seq_each(c, n, path, str_item, out);
}

/* A map of scalars or a list of "k=v" (sep '='; "k" alone: NULL when
 * null_alone, else ""): into keys/values by key. */
static const char *strv_key(size_t i, const void *v) { return ((const strv *)v)->items[i]; }

/* kv_set through an index of keys. */
static int kv_set_indexed(keyset *ks, strv *keys, strv *vals, const char *k, const char *v)
{
	ssize_t i = keyset_find(ks, k, strv_key, keys);
	if (i >= 0) {
		char *d = NULL;
		if (v && !(d = strdup(v)))
			return -ENOMEM;
		free(vals->items[i]);
		vals->items[i] = d;
		return 0;
	}
	if (strv_push(keys, k) < 0)
		return -ENOMEM;
	if (strv_push_opt(vals, v) < 0 || keyset_add(ks, keys->len - 1, strv_key, keys) < 0) {
		free(keys->items[--keys->len]);
		keys->items[keys->len] = NULL;
		if (vals->len > keys->len) {
			free(vals->items[--vals->len]);
			vals->items[vals->len] = NULL;
		}
		return -ENOMEM;
	}
	return 0;
}

static void keyset_releasep(keyset *ks) { keyset_release(ks); }

/* Where kv_list's "k=v" items go. */
typedef struct kv_into {
	keyset *ks;
	strv *keys, *vals;
	bool null_alone;
} kv_into;

static int kv_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	kv_into *into = ctx;
	_cleanup_free_ char *s = NULL;
	int r = text(c, x, path, &s);
	if (r < 0)
		return r;
	char *eq = strchr(s, '=');
	if (eq)
		*eq = '\0';
	if (!*s)
		return bad(c, x, "%s: an empty name", path);
	if (kv_set_indexed(into->ks, into->keys, into->vals, s, eq ? eq + 1 : into->null_alone ? NULL : "") < 0)
		return nomem(c);
	return 0;
}

static int kv_list(cx *c, yaml_node_t *n, const char *path, bool null_alone, strv *keys, strv *vals)
{
	_cleanup_(keyset_releasep) keyset ks = { 0 };
	for (size_t i = 0; i < keys->len; i++)
		if (keyset_find(&ks, keys->items[i], strv_key, keys) < 0 && keyset_add(&ks, i, strv_key, keys) < 0)
			return nomem(c);
	if (n->type == YAML_MAPPING_NODE) {
		_cleanup_emap_ emap m = { 0 };
		int r = map_of(c, n, path, &m);
		if (r < 0)
			return r;
		for (size_t i = 0; i < m.n; i++) {
			char sub[PATHLEN];
			_cleanup_free_ char *v = NULL;
			subpath(sub, path, m.e[i].key);
			if (m.e[i].v->type != YAML_SCALAR_NODE)
				return bad(c, m.e[i].v, "%s: a string expected", sub);
			if (!is_null(m.e[i].v) && (r = text(c, m.e[i].v, sub, &v)) < 0)
				return r;
			if (!v && !null_alone && !(v = strdup("")))
				return nomem(c);
			if (kv_set_indexed(&ks, keys, vals, m.e[i].key, v) < 0)
				return nomem(c);
		}
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, "%s: a map or a list expected", path);
	return seq_each(c, n, path, kv_item, &(kv_into){ &ks, keys, vals, null_alone });
}

/* ---- shell words ---------------------------------------------------------------- */
/* Split like a POSIX shell, without expansion: blanks separate words,
 * '...' is literal, "..." takes \ before $ ` " \ and newline, \ outside
 * quotes takes the next character. */
static int shell_split(const char *s, strv *out)
{
	sbuf w = SBUF_INIT;
	bool in_word = false;
	int r = 0;
	for (const char *p = s; r == 0; p++) {
		if (!*p || *p == ' ' || *p == '\t' || *p == '\n') {
			if (in_word) {
				char *x = sbuf_steal(&w);
				r = x && strv_push_take(out, x) == 0 ? 0 : -ENOMEM;
				in_word = false;
			}
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (*p == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (!q) {
				r = -EINVAL;
				break;
			}
			r = sbuf_add(&w, p + 1, (size_t)(q - p - 1));
			p = q;
		} else if (*p == '"') {
			for (p++; *p && *p != '"' && r == 0; p++) {
				if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1]))
					p++;
				r = sbuf_addc(&w, *p);
			}
			if (!*p) {
				r = -EINVAL;
				break;
			}
		} else if (*p == '\\') {
			if (!p[1]) {
				r = -EINVAL;
				break;
			}
			p++;
			if (*p != '\n')
				r = sbuf_addc(&w, *p);
		} else {
			r = sbuf_addc(&w, *p);
		}
	}
	sbuf_release(&w);
	return r;
}

static int command_of(cx *c, yaml_node_t *n, const char *path, strv *out, bool *given)
{
	strv_release(out);
	*given = false;
	if (is_null(n))
		return 0;
	*given = true;
	if (n->type == YAML_SEQUENCE_NODE)
		return str_list(c, n, path, false, out);
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	r = shell_split(s, out);
	if (r == -EINVAL)
		return bad(c, n, "%s: an unterminated quote or a trailing backslash", path);
	return r < 0 ? nomem(c) : 0;
}

/* ---- unknown and unsupported keys -------------------------------------------- */
static bool in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (STREQ(key, *list))
			return true;
	return false;
}

/* Each key of m must be one of known (x-* too when ext). */
static int check_keys(cx *c, const emap *m, const char *path, const char *const *known, bool ext,
		      const char *const *unsupported)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->e[i].key;
		if (in_list(k, known) || (ext && startswith(k, "x-")))
			continue;
		char sub[PATHLEN];
		subpath(sub, path, k);
		if (unsupported && in_list(k, unsupported)) {
			if (STREQ(k, "build"))
				return bad(c, m->e[i].k, "%s: build is not supported (berth builds no images)", sub);
			return bad(c, m->e[i].k, "%s: not supported by berth", sub);
		}
		return bad(c, m->e[i].k, "%s: unknown key", sub);
	}
	return 0;
}

/* ---- top-level volumes and networks ---------------------------------------- */
static int volume_of(cx *c, compose_volume *v, yaml_node_t *n, const char *path)
{
	if (is_null(n))
		return 0;
	static const char *const known[] = { "name", "external", "driver", "driver_opts", "labels", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, NULL)) < 0)
		return r;
	for (size_t i = 0; i < m.n && r == 0; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		char sub[PATHLEN];
		subpath(sub, path, k);
		if (STREQ(k, "name"))
			r = set_str(c, x, sub, &v->name);
		else if (STREQ(k, "external"))
			r = get_bool(c, x, sub, &v->external);
		else if (STREQ(k, "driver"))
			r = set_str(c, x, sub, &v->driver);
		else if (STREQ(k, "driver_opts"))
			r = kv_list(c, x, sub, false, &v->opt_keys, &v->opt_values);
		else if (STREQ(k, "labels"))
			r = kv_list(c, x, sub, false, &v->label_keys, &v->label_values);
	}
	return r;
}

/* An item of ipam.config: the subnet and its gateway. */
static int ipam_config_item(cx *c, yaml_node_t *n, const char *path, void *ctx)
{
	static const char *const known[] = { "subnet", "gateway", "ip_range", "aux_addresses", NULL };
	compose_network *nw = ctx;
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, false, NULL)) < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		char sub[PATHLEN];
		subpath(sub, path, m.e[i].key);
		if (STREQ(m.e[i].key, "subnet"))
			r = set_str(c, m.e[i].v, sub, &nw->subnet);
		else if (STREQ(m.e[i].key, "gateway"))
			r = set_str(c, m.e[i].v, sub, &nw->gateway);
		else
			r = bad(c, m.e[i].k, "%s: not supported by berth", sub);
		if (r < 0)
			return r;
	}
	return 0;
}

static int ipam_of(cx *c, compose_network *nw, yaml_node_t *n, const char *path)
{
	static const char *const known[] = { "driver", "config", "options", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, NULL)) < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		char sub[PATHLEN];
		subpath(sub, path, m.e[i].key);
		yaml_node_t *x = m.e[i].v;
		if (STREQ(m.e[i].key, "driver")) {
			_cleanup_free_ char *d = NULL;
			if ((r = opt_text(c, x, sub, &d)) < 0)
				return r;
			if (d && !STREQ(d, "default"))
				return bad(c, x, "%s: only the default IPAM driver is supported", sub);
		} else if (STREQ(m.e[i].key, "options")) {
			return bad(c, x, "%s: not supported by berth", sub);
		} else {
			if (x->type == YAML_SEQUENCE_NODE && seq_len(x) > 1)
				return bad(c, x, "%s: one subnet at most", sub);
			if ((r = seq_each(c, x, sub, ipam_config_item, nw)) < 0)
				return r;
		}
	}
	return 0;
}

static int network_of(cx *c, compose_network *nw, yaml_node_t *n, const char *path)
{
	if (is_null(n))
		return 0;
	static const char *const known[] = { "name", "external", "internal", "driver", "ipam", "labels", NULL };
	static const char *const unsup[] = { "driver_opts", "attachable", "enable_ipv6", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, unsup)) < 0)
		return r;
	for (size_t i = 0; i < m.n && r == 0; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		char sub[PATHLEN];
		subpath(sub, path, k);
		if (STREQ(k, "name"))
			r = set_str(c, x, sub, &nw->name);
		else if (STREQ(k, "external"))
			r = get_bool(c, x, sub, &nw->external);
		else if (STREQ(k, "internal"))
			r = get_bool(c, x, sub, &nw->internal);
		else if (STREQ(k, "driver"))
			r = set_str(c, x, sub, &nw->driver);
		else if (STREQ(k, "ipam"))
			r = ipam_of(c, nw, x, sub);
		else if (STREQ(k, "labels"))
			r = kv_list(c, x, sub, false, &nw->label_keys, &nw->label_values);
	}
	return r;
}

static bool volume_declared(const compose_project *p, const char *key)
{
	for (size_t i = 0; i < p->n_volumes; i++)
		if (STREQ(p->volumes[i].key, key))
			return true;
	return false;
}

static bool network_declared(const compose_project *p, const char *key)
{
	if (STREQ(key, "default"))
		return true;
	for (size_t i = 0; i < p->n_networks; i++)
		if (STREQ(p->networks[i].key, key))
			return true;
	return false;
}

/* ---- service fields -------------------------------------------------------------- */
static int port_number(const char *s, bool zero_ok, int *out)
{
	int64_t v;
	if (parse_int64(s, &v) < 0 || v < (zero_ok ? 0 : 1) || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
}

static int set_proto(cx *c, const yaml_node_t *n, const char *path, compose_port *pt, const char *proto)
{
	if (STREQ(proto, "tcp") || STREQ(proto, "udp")) {
		strcpy(pt->proto, proto);
		return 0;
	}
	return bad(c, n, "%s: protocol tcp or udp expected", path);
}

/* "[[IP:]HOST:]CONTAINER[/PROTO]" */
static int port_short(cx *c, yaml_node_t *n, const char *path, compose_port *pt)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	strcpy(pt->proto, "tcp");
	char *slash = strrchr(s, '/');
	if (slash) {
		*slash = '\0';
		if ((r = set_proto(c, n, path, pt, slash + 1)) < 0)
			return r;
	}
	char *last = strrchr(s, ':');
	const char *cport = last ? last + 1 : s;
	if (strchr(cport, '-'))
		return bad(c, n, "%s: port ranges are not supported", path);
	if (port_number(cport, false, &pt->container_port) < 0)
		return bad(c, n, "%s: a port (1-65535) expected", path);
	if (!last)
		return 0;
	*last = '\0';
	char *hsep = strrchr(s, ':');
	const char *hport = hsep ? hsep + 1 : s;
	if (strchr(hport, '-'))
		return bad(c, n, "%s: port ranges are not supported", path);
	if (*hport && port_number(hport, false, &pt->host_port) < 0)
		return bad(c, n, "%s: a host port (1-65535) expected", path);
	if (!hsep)
		return 0;
	*hsep = '\0';
	size_t l = strlen(s);
	if (l >= 2 && s[0] == '[' && s[l - 1] == ']') {
		s[l - 1] = '\0';
		memmove(s, s + 1, l - 1);
	}
	if (!*s)
		return bad(c, n, "%s: an empty host address", path);
	if (!(pt->host_ip = strdup(s)))
		return nomem(c);
	return 0;
}

static int port_long(cx *c, yaml_node_t *n, const char *path, compose_port *pt)
{
	static const char *const known[] = { "target", "published", "host_ip", "protocol", "mode", "name",
					     "app_protocol", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, NULL)) < 0)
		return r;
	strcpy(pt->proto, "tcp");
	bool target = false;
	for (size_t i = 0; i < m.n; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		char sub[PATHLEN];
		_cleanup_free_ char *s = NULL;
		subpath(sub, path, k);
		if (STREQ(k, "host_ip")) {
			r = set_str(c, x, sub, &pt->host_ip);
		} else if (is_null(x)) {
			continue;
		} else if ((r = text(c, x, sub, &s)) < 0) {
			return r;
		} else if (STREQ(k, "target")) {
			target = true;
			if (strchr(s, '-'))
				return bad(c, x, "%s: port ranges are not supported", sub);
			if (port_number(s, false, &pt->container_port) < 0)
				return bad(c, x, "%s: a port (1-65535) expected", sub);
		} else if (STREQ(k, "published")) {
			if (strchr(s, '-'))
				return bad(c, x, "%s: port ranges are not supported", sub);
			if (port_number(s, true, &pt->host_port) < 0)
				return bad(c, x, "%s: a port (0-65535) expected", sub);
		} else if (STREQ(k, "protocol")) {
			r = set_proto(c, x, sub, pt, s);
		} else if (STREQ(k, "mode")) {
			if (!STREQ(s, "host") && !STREQ(s, "ingress"))
				return bad(c, x, "%s: host or ingress expected", sub);
		}
		if (r < 0)
			return r;
	}
	if (!target)
		return bad(c, n, "%s: target is required", path);
	return 0;
}

/* An item of ports onto the service ctx: long form or short. */
static int port_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	compose_service *s = ctx;
	compose_port *pt = PUSH0(s->ports, s->n_ports);
	if (!pt)
		return nomem(c);
	return x->type == YAML_MAPPING_NODE ? port_long(c, x, path, pt) : port_short(c, x, path, pt);
}

static bool is_bind_source(const char *s) { return s[0] == '/' || s[0] == '.' || s[0] == '~'; }

static int mount_check(cx *c, yaml_node_t *n, const char *path, const compose_mount *mt)
{
	if (!mt->target || mt->target[0] != '/')
		return bad(c, n, "%s: the target must be an absolute path", path);
	if (mt->kind == COMPOSE_MOUNT_VOLUME && mt->source && !volume_declared(c->p, mt->source))
		return bad(c, n, "%s: volume \"%s\" is not declared under the top-level volumes", path, mt->source);
	if (mt->kind == COMPOSE_MOUNT_BIND && isempty(mt->source))
		return bad(c, n, "%s: a bind mount needs a source", path);
	return 0;
}

/* "SOURCE:TARGET[:MODE]" or "TARGET" */
static int volume_short(cx *c, yaml_node_t *n, const char *path, compose_mount *mt)
{
	_cleanup_free_ char *s = NULL;
	int r = text(c, n, path, &s);
	if (r < 0)
		return r;
	char *part[4] = { s, NULL, NULL, NULL };
	size_t np = 1;
	for (char *p = s; (p = strchr(p, ':')); p++) {
		if (np == 3)
			return bad(c, n, "%s: SOURCE:TARGET[:MODE] expected", path);
		*p = '\0';
		part[np++] = p + 1;
	}
	const char *src = np >= 2 ? part[0] : NULL, *dst = np >= 2 ? part[1] : part[0];
	if (np == 3) {
		char *save = NULL;
		for (char *o = strtok_r(part[2], ",", &save); o; o = strtok_r(NULL, ",", &save)) {
			if (STREQ(o, "ro"))
				mt->read_only = true;
			else if (STREQ(o, "rw"))
				mt->read_only = false;
			else if (!STREQ(o, "z") && !STREQ(o, "Z") && !STREQ(o, "nocopy") && !STREQ(o, "cached") &&
				 !STREQ(o, "delegated") && !STREQ(o, "consistent"))
				return bad(c, n, "%s: unknown mode \"%s\" (ro or rw expected)", path, o);
		}
	}
	if (src && !*src)
		return bad(c, n, "%s: an empty source", path);
	mt->kind = src && is_bind_source(src) ? COMPOSE_MOUNT_BIND : COMPOSE_MOUNT_VOLUME;
	if ((src && !(mt->source = strdup(src))) || !(mt->target = strdup(dst)))
		return nomem(c);
	return mount_check(c, n, path, mt);
}

static int tmpfs_opts(cx *c, yaml_node_t *n, const char *path, compose_mount *mt, char *opts)
{
	char *save = NULL;
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (startswith(o, "size=") && parse_size(o + 5, &mt->tmpfs_size) < 0)
			return bad(c, n, "%s: a size expected after size=", path);
	return 0;
}

static int volume_long(cx *c, yaml_node_t *n, const char *path, compose_mount *mt)
{
	static const char *const known[] = { "type", "source", "target", "read_only", "tmpfs", "volume", "bind",
					     "consistency", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, NULL)) < 0)
		return r;
	bool typed = false;
	for (size_t i = 0; i < m.n; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		char sub[PATHLEN];
		subpath(sub, path, k);
		if (STREQ(k, "type")) {
			_cleanup_free_ char *t = NULL;
			if ((r = text(c, x, sub, &t)) < 0)
				return r;
			typed = true;
			if (STREQ(t, "volume"))
				mt->kind = COMPOSE_MOUNT_VOLUME;
			else if (STREQ(t, "bind"))
				mt->kind = COMPOSE_MOUNT_BIND;
			else if (STREQ(t, "tmpfs"))
				mt->kind = COMPOSE_MOUNT_TMPFS;
			else
				return bad(c, x, "%s: volume, bind or tmpfs expected", sub);
		} else if (STREQ(k, "source")) {
			r = set_str(c, x, sub, &mt->source);
		} else if (STREQ(k, "target")) {
			r = set_str(c, x, sub, &mt->target);
		} else if (STREQ(k, "read_only")) {
			r = get_bool(c, x, sub, &mt->read_only);
		} else if (STREQ(k, "tmpfs")) {
			static const char *const tk[] = { "size", "mode", NULL };
			_cleanup_emap_ emap tm = { 0 };
			if ((r = map_of(c, x, sub, &tm)) < 0 || (r = check_keys(c, &tm, sub, tk, false, NULL)) < 0)
				return r;
			for (size_t j = 0; j < tm.n && r == 0; j++) {
				char sub2[PATHLEN];
				subpath(sub2, sub, tm.e[j].key);
				if (STREQ(tm.e[j].key, "size"))
					r = get_size(c, tm.e[j].v, sub2, &mt->tmpfs_size);
			}
		} else if (STREQ(k, "volume") || STREQ(k, "bind")) {
			_cleanup_emap_ emap om = { 0 };
			static const char *const vk[] = { "nocopy", NULL }, *const bk[] = { "create_host_path", NULL };
			if ((r = map_of(c, x, sub, &om)) < 0 ||
			    (r = check_keys(c, &om, sub, STREQ(k, "volume") ? vk : bk, false, NULL)) < 0)
				return r;
			for (size_t j = 0; j < om.n && r == 0; j++) {
				bool b;
				char sub2[PATHLEN];
				subpath(sub2, sub, om.e[j].key);
				r = get_bool(c, om.e[j].v, sub2, &b);
			}
		}
		if (r < 0)
			return r;
	}
	if (!typed)
		return bad(c, n, "%s: type is required", path);
	if (mt->kind == COMPOSE_MOUNT_TMPFS && mt->source)
		return bad(c, n, "%s: a tmpfs mount takes no source", path);
	if (mt->kind != COMPOSE_MOUNT_TMPFS && mt->tmpfs_size)
		return bad(c, n, "%s: tmpfs options on a %s mount", path,
			   mt->kind == COMPOSE_MOUNT_BIND ? "bind" : "volume");
	if (mt->kind == COMPOSE_MOUNT_VOLUME && mt->source && !*mt->source) {
		free(mt->source);
		mt->source = NULL;
	}
	return mount_check(c, n, path, mt);
}

/* An item of volumes onto the service ctx: long form or short. */
static int volume_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	compose_service *s = ctx;
	compose_mount *mt = PUSH0(s->mounts, s->n_mounts);
	if (!mt)
		return nomem(c);
	return x->type == YAML_MAPPING_NODE ? volume_long(c, x, path, mt) : volume_short(c, x, path, mt);
}

static int tmpfs_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	_cleanup_strv_ strv l = STRV_INIT;
	int r = str_list(c, n, path, true, &l);
	if (r < 0)
		return r;
	for (size_t i = 0; i < l.len; i++) {
		compose_mount *mt = PUSH0(s->mounts, s->n_mounts);
		if (!mt)
			return nomem(c);
		mt->kind = COMPOSE_MOUNT_TMPFS;
		char *colon = strchr(l.items[i], ':');
		if (colon) {
			*colon = '\0';
			if ((r = tmpfs_opts(c, n, path, mt, colon + 1)) < 0)
				return r;
		}
		if (!(mt->target = strdup(l.items[i])))
			return nomem(c);
		if ((r = mount_check(c, n, path, mt)) < 0)
			return r;
	}
	return 0;
}

static int health_of(cx *c, compose_health *h, yaml_node_t *n, const char *path)
{
	static const char *const known[] = { "test", "interval", "timeout", "start_period", "retries", "disable",
					     NULL };
	static const char *const unsup[] = { "start_interval", NULL };
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, unsup)) < 0)
		return r;
	h->given = true;
	for (size_t i = 0; i < m.n && r == 0; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		char sub[PATHLEN];
		subpath(sub, path, k);
		if (STREQ(k, "test")) {
			strv_release(&h->test);
			if (x->type == YAML_SCALAR_NODE) {
				_cleanup_free_ char *t = NULL;
				if ((r = text(c, x, sub, &t)) < 0)
					return r;
				if (strv_push(&h->test, "CMD-SHELL") < 0 || strv_push(&h->test, t) < 0)
					return nomem(c);
			} else {
				if ((r = str_list(c, x, sub, false, &h->test)) < 0)
					return r;
				if (h->test.len == 0)
					continue;
				const char *f = h->test.items[0];
				if (STREQ(f, "NONE"))
					h->disable = true;
				else if (!STREQ(f, "CMD") && !STREQ(f, "CMD-SHELL"))
					return bad(c, x, "%s: the list starts with CMD, CMD-SHELL or NONE", sub);
				else if (h->test.len < 2)
					return bad(c, x, "%s: %s needs a command", sub, f);
			}
		} else if (STREQ(k, "interval")) {
			r = get_duration(c, x, sub, &h->interval_ms);
		} else if (STREQ(k, "timeout")) {
			r = get_duration(c, x, sub, &h->timeout_ms);
		} else if (STREQ(k, "start_period")) {
			r = get_duration(c, x, sub, &h->start_period_ms);
		} else if (STREQ(k, "retries")) {
			int64_t v = 0;
			if ((r = get_int(c, x, sub, 0, INT32_MAX, &v)) == 0)
				h->retries = (int)v;
		} else if (STREQ(k, "disable")) {
			bool b = false;
			if ((r = get_bool(c, x, sub, &b)) == 0)
				h->disable = h->disable || b;
		}
	}
	return r;
}

/* name: a service of this file */
static int dep_check(cx *c, yaml_node_t *n, const char *path, const char *name)
{
	for (yaml_node_pair_t *pp = c->services->data.mapping.pairs.start; pp < c->services->data.mapping.pairs.top;
	     pp++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, pp->key);
		if (k && k->type == YAML_SCALAR_NODE && STREQ(sval(k), name))
			return 0;
	}
	return bad(c, n, "%s: service \"%s\" is not defined", path, name);
}

/* A service named in the list form of depends_on, onto the service ctx. */
static int dep_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	compose_service *s = ctx;
	_cleanup_free_ char *name = NULL;
	int r = text(c, x, path, &name);
	if (r < 0 || (r = dep_check(c, x, path, name)) < 0)
		return r;
	for (size_t j = 0; j < s->n_deps; j++)
		if (STREQ(s->deps[j].service, name))
			return bad(c, x, "%s: \"%s\" listed twice", path, name);
	compose_dep *d = PUSH0(s->deps, s->n_deps);
	if (!d)
		return nomem(c);
	d->service = TAKE_PTR(name);
	d->required = true;
	return 0;
}

static int deps_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return seq_each(c, n, path, dep_item, s);
	if (n->type != YAML_MAPPING_NODE)
		return bad(c, n, "%s: a list or a map expected", path);
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		static const char *const known[] = { "condition", "required", "restart", NULL };
		char sub[PATHLEN];
		subpath(sub, path, m.e[i].key);
		if ((r = dep_check(c, m.e[i].k, sub, m.e[i].key)) < 0)
			return r;
		compose_dep *d = PUSH0(s->deps, s->n_deps);
		if (!d)
			return nomem(c);
		if (!(d->service = strdup(m.e[i].key)))
			return nomem(c);
		d->required = true;
		if (is_null(m.e[i].v))
			continue;
		_cleanup_emap_ emap dm = { 0 };
		if ((r = map_of(c, m.e[i].v, sub, &dm)) < 0 || (r = check_keys(c, &dm, sub, known, true, NULL)) < 0)
			return r;
		for (size_t j = 0; j < dm.n && r == 0; j++) {
			char sub2[PATHLEN];
			yaml_node_t *x = dm.e[j].v;
			subpath(sub2, sub, dm.e[j].key);
			if (STREQ(dm.e[j].key, "condition")) {
				_cleanup_free_ char *t = NULL;
				if ((r = text(c, x, sub2, &t)) < 0)
					return r;
				if (STREQ(t, "service_started"))
					d->condition = COMPOSE_COND_STARTED;
				else if (STREQ(t, "service_healthy"))
					d->condition = COMPOSE_COND_HEALTHY;
				else if (STREQ(t, "service_completed_successfully"))
					d->condition = COMPOSE_COND_COMPLETED;
				else
					return bad(c, x, "%s: service_started, service_healthy or "
						   "service_completed_successfully expected", sub2);
			} else if (STREQ(dm.e[j].key, "required")) {
				r = get_bool(c, x, sub2, &d->required);
			} else if (STREQ(dm.e[j].key, "restart")) {
				r = get_bool(c, x, sub2, &d->restart);
			}
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int restart_check(const char *s)
{
	if (STREQ(s, "no") || STREQ(s, "always") || STREQ(s, "unless-stopped") || STREQ(s, "on-failure"))
		return 0;
	int64_t n;
	if (startswith(s, "on-failure:") && parse_int64(s + 11, &n) == 0 && n >= 0 && n <= INT32_MAX)
		return 0;
	return -1;
}

/* A network named in the list form of networks, onto the service ctx. */
static int network_item(cx *c, yaml_node_t *x, const char *path, void *ctx)
{
	compose_service *s = ctx;
	_cleanup_free_ char *name = NULL;
	int r = text(c, x, path, &name);
	if (r < 0)
		return r;
	if (!network_declared(c->p, name))
		return bad(c, x, "%s: network \"%s\" is not declared under the top-level networks", path, name);
	for (size_t j = 0; j < s->n_networks; j++)
		if (STREQ(s->networks[j].name, name))
			return bad(c, x, "%s: \"%s\" listed twice", path, name);
	compose_net_ref *nr = PUSH0(s->networks, s->n_networks);
	if (!nr)
		return nomem(c);
	nr->name = TAKE_PTR(name);
	return 0;
}

static int networks_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return seq_each(c, n, path, network_item, s);
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		static const char *const known[] = { "aliases", NULL };
		static const char *const unsup[] = { "ipv4_address", "ipv6_address", "priority", "link_local_ips",
						     "mac_address", "driver_opts", NULL };
		char sub[PATHLEN];
		subpath(sub, path, m.e[i].key);
		if (!network_declared(c->p, m.e[i].key))
			return bad(c, m.e[i].k, "%s: network \"%s\" is not declared under the top-level networks", sub,
				   m.e[i].key);
		compose_net_ref *nr = PUSH0(s->networks, s->n_networks);
		if (!nr)
			return nomem(c);
		if (!(nr->name = strdup(m.e[i].key)))
			return nomem(c);
		if (is_null(m.e[i].v))
			continue;
		_cleanup_emap_ emap nm = { 0 };
		if ((r = map_of(c, m.e[i].v, sub, &nm)) < 0 || (r = check_keys(c, &nm, sub, known, true, unsup)) < 0)
			return r;
		for (size_t j = 0; j < nm.n; j++) {
			char sub2[PATHLEN];
			subpath(sub2, sub, nm.e[j].key);
			if ((r = str_list(c, nm.e[j].v, sub2, false, &nr->aliases)) < 0)
				return r;
		}
	}
	return 0;
}

static int ulimits_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, n, path, &m);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		char sub[PATHLEN];
		subpath(sub, path, m.e[i].key);
		compose_ulimit *u = PUSH0(s->ulimits, s->n_ulimits);
		if (!u)
			return nomem(c);
		if (!(u->name = strdup(m.e[i].key)))
			return nomem(c);
		yaml_node_t *x = m.e[i].v;
		if (x->type != YAML_MAPPING_NODE) {
			if ((r = get_int(c, x, sub, -1, INT64_MAX, &u->soft)) < 0)
				return r;
			u->hard = u->soft;
			continue;
		}
		static const char *const known[] = { "soft", "hard", NULL };
		_cleanup_emap_ emap um = { 0 };
		if ((r = map_of(c, x, sub, &um)) < 0 || (r = check_keys(c, &um, sub, known, false, NULL)) < 0)
			return r;
		bool soft = false, hard = false;
		for (size_t j = 0; j < um.n; j++) {
			char sub2[PATHLEN];
			subpath(sub2, sub, um.e[j].key);
			bool is_soft = STREQ(um.e[j].key, "soft");
			if ((r = get_int(c, um.e[j].v, sub2, -1, INT64_MAX, is_soft ? &u->soft : &u->hard)) < 0)
				return r;
			*(is_soft ? &soft : &hard) = true;
		}
		if (!soft || !hard)
			return bad(c, x, "%s: soft and hard are both required", sub);
	}
	return 0;
}

static int extra_hosts_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	_cleanup_strv_ strv k = STRV_INIT, v = STRV_INIT;
	if (n->type == YAML_MAPPING_NODE) {
		int r = kv_list(c, n, path, false, &k, &v);
		if (r < 0)
			return r;
	} else {
		_cleanup_strv_ strv l = STRV_INIT;
		int r = str_list(c, n, path, false, &l);
		if (r < 0)
			return r;
		for (size_t i = 0; i < l.len; i++) {
			char *sep = strchr(l.items[i], '=');
			if (!sep)
				sep = strchr(l.items[i], ':');
			if (!sep)
				return bad(c, n, "%s: \"%s\": HOST:IP or HOST=IP expected", path, l.items[i]);
			*sep = '\0';
			if (strchr(l.items[i], ':'))
				return bad(c, n, "%s: \"%s\": a host name expected", path, l.items[i]);
			if (strv_push(&k, l.items[i]) < 0 || strv_push(&v, sep + 1) < 0)
				return nomem(c);
		}
	}
	for (size_t i = 0; i < k.len; i++) {
		char *e = NULL;
		if (!*k.items[i] || !*v.items[i] || strpbrk(k.items[i], ":="))
			return bad(c, n, "%s: a host name and an address expected", path);
		if (asprintf(&e, "%s:%s", k.items[i], v.items[i]) < 0 || strv_push_take(&s->extra_hosts, e) < 0)
			return nomem(c);
	}
	return 0;
}

static const char *const service_keys[] = {
	"image", "container_name", "command", "entrypoint", "environment", "env_file", "ports", "volumes", "tmpfs",
	"labels", "healthcheck", "depends_on", "restart", "networks", "network_mode", "stop_grace_period",
	"stop_signal", "user", "working_dir", "hostname", "cap_add", "cap_drop", "ulimits", "mem_limit", "cpus",
	"init", "read_only", "privileged", "tty", "stdin_open", "extra_hosts", "pull_policy", "dns", NULL,
};
static const char *const service_unsupported[] = {
	"build", "deploy", "profiles", "secrets", "configs", "logging", "expose", "links", "external_links",
	"devices", "security_opt", "sysctls", "shm_size", "platform", "scale", "pid", "ipc", "cgroup_parent",
	"cgroup", "extends", "volumes_from", "mem_reservation", "memswap_limit", "mem_swappiness", "cpu_shares",
	"cpu_quota", "cpu_period", "cpuset", "cpu_count", "cpu_percent", "oom_score_adj", "oom_kill_disable",
	"group_add", "domainname", "mac_address", "runtime", "userns_mode", "isolation", "dns_search", "dns_opt",
	"blkio_config", "device_cgroup_rules", "annotations", "attach", "develop", "storage_opt", "uts",
	"credential_spec", "pids_limit", "label_file", "post_start", "pre_stop", "use_api_socket", "models",
	"provider", "gpus", "driver_opts", "env_from", NULL,
};

/* An item of env_file onto the strv ctx: a path, or { path, required, format }. */
static int env_file_item(cx *c, yaml_node_t *n, const char *path, void *ctx)
{
	static const char *const known[] = { "path", "required", "format", NULL };
	if (n->type != YAML_MAPPING_NODE)
		return str_item(c, n, path, ctx);
	_cleanup_emap_ emap m = { 0 };
	_cleanup_free_ char *file = NULL;
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, known, true, NULL)) < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		char sub[PATHLEN];
		bool b;
		subpath(sub, path, m.e[i].key);
		if (STREQ(m.e[i].key, "path"))
			r = set_str(c, m.e[i].v, sub, &file);
		else if (STREQ(m.e[i].key, "required"))
			r = get_bool(c, m.e[i].v, sub, &b);
		else {
			_cleanup_free_ char *format = NULL;
			r = set_str(c, m.e[i].v, sub, &format);
		}
		if (r < 0)
			return r;
	}
	if (!file)
		return bad(c, n, "%s: path is required", path);
	return strv_push_take(ctx, TAKE_PTR(file)) < 0 ? nomem(c) : 0;
}

static int service_field(cx *c, compose_service *s, const char *k, yaml_node_t *x, const char *sub)
{
	int r = 0;
	bool b;
	if (STREQ(k, "image"))
		return set_str(c, x, sub, &s->image);
	if (STREQ(k, "container_name"))
		return set_str(c, x, sub, &s->container_name);
	if (STREQ(k, "command"))
		return command_of(c, x, sub, &s->command, &s->has_command);
	if (STREQ(k, "entrypoint"))
		return command_of(c, x, sub, &s->entrypoint, &s->has_entrypoint);
	if (STREQ(k, "environment"))
		return kv_list(c, x, sub, true, &s->env_keys, &s->env_values);
	if (STREQ(k, "env_file"))
		return x->type == YAML_SEQUENCE_NODE ? seq_each(c, x, sub, env_file_item, &s->env_files)
						     : str_list(c, x, sub, true, &s->env_files);
	if (STREQ(k, "ports"))
		return seq_each(c, x, sub, port_item, s);
	if (STREQ(k, "volumes"))
		return seq_each(c, x, sub, volume_item, s);
	if (STREQ(k, "tmpfs"))
		return tmpfs_of(c, s, x, sub);
	if (STREQ(k, "labels"))
		return kv_list(c, x, sub, false, &s->label_keys, &s->label_values);
	if (STREQ(k, "healthcheck"))
		return health_of(c, &s->health, x, sub);
	if (STREQ(k, "depends_on"))
		return deps_of(c, s, x, sub);
	if (STREQ(k, "restart")) {
		if ((r = set_str(c, x, sub, &s->restart)) < 0)
			return r;
		if (s->restart && restart_check(s->restart) < 0)
			return bad(c, x, "%s: no, always, on-failure[:N] or unless-stopped expected", sub);
		return 0;
	}
	if (STREQ(k, "networks"))
		return networks_of(c, s, x, sub);
	if (STREQ(k, "network_mode"))
		return set_str(c, x, sub, &s->network_mode);
	if (STREQ(k, "stop_grace_period"))
		return get_duration(c, x, sub, &s->stop_grace_ms);
	if (STREQ(k, "stop_signal"))
		return set_str(c, x, sub, &s->stop_signal);
	if (STREQ(k, "user"))
		return set_str(c, x, sub, &s->user);
	if (STREQ(k, "working_dir"))
		return set_str(c, x, sub, &s->working_dir);
	if (STREQ(k, "hostname"))
		return set_str(c, x, sub, &s->hostname);
	if (STREQ(k, "cap_add"))
		return str_list(c, x, sub, false, &s->cap_add);
	if (STREQ(k, "cap_drop"))
		return str_list(c, x, sub, false, &s->cap_drop);
	if (STREQ(k, "ulimits"))
		return ulimits_of(c, s, x, sub);
	if (STREQ(k, "mem_limit"))
		return get_size(c, x, sub, &s->mem_limit);
	if (STREQ(k, "cpus")) {
		_cleanup_free_ char *t = NULL;
		char *end;
		if ((r = text(c, x, sub, &t)) < 0)
			return r;
		errno = 0;
		s->cpus = strtod(t, &end);
		if (!*t || *end || errno || !isfinite(s->cpus) || s->cpus < 0 || s->cpus > 1e6 ||
		    !(isdigit((unsigned char)*t) || *t == '.'))
			return bad(c, x, "%s: a number of CPUs expected", sub);
		return 0;
	}
	if (STREQ(k, "init")) {
		if ((r = get_bool(c, x, sub, &b)) < 0)
			return r;
		s->init = b;
		return 0;
	}
	if (STREQ(k, "read_only"))
		return get_bool(c, x, sub, &s->read_only);
	if (STREQ(k, "privileged"))
		return get_bool(c, x, sub, &s->privileged);
	if (STREQ(k, "tty"))
		return get_bool(c, x, sub, &s->tty);
	if (STREQ(k, "stdin_open"))
		return get_bool(c, x, sub, &s->stdin_open);
	if (STREQ(k, "extra_hosts"))
		return extra_hosts_of(c, s, x, sub);
	if (STREQ(k, "pull_policy")) {
		if ((r = set_str(c, x, sub, &s->pull_policy)) < 0 || !s->pull_policy)
			return r;
		if (STREQ(s->pull_policy, "build"))
			return bad(c, x, "%s: build is not supported (berth builds no images)", sub);
		if (!STREQ(s->pull_policy, "always") && !STREQ(s->pull_policy, "missing") &&
		    !STREQ(s->pull_policy, "never") && !STREQ(s->pull_policy, "if_not_present"))
			return bad(c, x, "%s: always, missing, never or if_not_present expected", sub);
		return 0;
	}
	if (STREQ(k, "dns"))
		return str_list(c, x, sub, true, &s->dns);
	return 0;
}

static int service_of(cx *c, compose_service *s, yaml_node_t *n, const char *path)
{
	_cleanup_emap_ emap m = { 0 };
	s->init = -1;
	s->stop_grace_ms = -1;
	if (is_null(n))
		return bad(c, n, "%s: image is required (berth builds no images)", path);
	int r = map_of(c, n, path, &m);
	if (r < 0 || (r = check_keys(c, &m, path, service_keys, true, service_unsupported)) < 0)
		return r;
	for (size_t i = 0; i < m.n; i++) {
		char sub[PATHLEN];
		if (startswith(m.e[i].key, "x-"))
			continue;
		subpath(sub, path, m.e[i].key);
		if ((r = service_field(c, s, m.e[i].key, m.e[i].v, sub)) < 0)
			return r;
	}
	if (isempty(s->image))
		return bad(c, n, "%s: image is required (berth builds no images)", path);
	return 0;
}

/* ---- the project ---------------------------------------------------------------- */
static int cmp_service(const void *a, const void *b)
{
	return strcmp(((const compose_service *)a)->name, ((const compose_service *)b)->name);
}
static int cmp_volume(const void *a, const void *b)
{
	return strcmp(((const compose_volume *)a)->key, ((const compose_volume *)b)->key);
}
static int cmp_network(const void *a, const void *b)
{
	return strcmp(((const compose_network *)a)->key, ((const compose_network *)b)->key);
}

static ssize_t service_index(const compose_project *p, const char *name)
{
	size_t lo = 0, hi = p->n_services;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int d = strcmp(p->services[mid].name, name);
		if (d == 0)
			return (ssize_t)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Depth-first over depends_on (services sorted): an unknown service or a
 * cycle, named. */
static int deps_check(const compose_project *p, const char *file, berth_error *err)
{
	size_t n = p->n_services;
	_cleanup_free_ unsigned char *color = calloc(n ? n : 1, 1);
	_cleanup_free_ size_t *stack = calloc(n ? n : 1, sizeof *stack), *next = calloc(n ? n : 1, sizeof *next);
	if (!color || !stack || !next)
		return BERTH_NOMEM(err);
	for (size_t root = 0; root < n; root++) {
		if (color[root])
			continue;
		size_t sp = 0;
		stack[sp++] = root;
		color[root] = 1;
		next[root] = 0;
		while (sp) {
			size_t u = stack[sp - 1];
			const compose_service *s = &p->services[u];
			if (next[u] == s->n_deps) {
				color[u] = 2;
				sp--;
				continue;
			}
			const char *dn = s->deps[next[u]++].service;
			ssize_t v = service_index(p, dn);
			if (v < 0)
				return berth_fail(err, BERTH_EINVAL, "%s:%d:%d: services.%s.depends_on: service \"%s\" is "
						  "not defined", file, s->line, s->column, s->name, dn);
			if (color[v] == 1) {
				_cleanup_sbuf_ sbuf cyc = SBUF_INIT;
				size_t from = 0;
				while (stack[from] != (size_t)v)
					from++;
				for (size_t i = from; i < sp; i++)
					sbuf_printf(&cyc, "%s -> ", p->services[stack[i]].name);
				if (sbuf_adds(&cyc, p->services[v].name) < 0)
					return BERTH_NOMEM(err);
				return berth_fail(err, BERTH_EINVAL, "%s:%d:%d: dependency cycle: %s", file,
						  p->services[v].line, p->services[v].column, cyc.data);
			}
			if (color[v] == 0) {
				color[v] = 1;
				next[v] = 0;
				stack[sp++] = (size_t)v;
			}
		}
	}
	return 0;
}

static const char *const top_keys[] = { "services", "name", "version", "volumes", "networks", NULL };
static const char *const top_unsupported[] = { "configs", "secrets", "include", "models", NULL };

static int project_of(cx *c, yaml_node_t *root)
{
	compose_project *p = c->p;
	if (!root || is_null(root))
		return bad(c, root, "services is required");
	_cleanup_emap_ emap m = { 0 };
	int r = map_of(c, root, "", &m);
	if (r < 0 || (r = check_keys(c, &m, "", top_keys, true, top_unsupported)) < 0)
		return r;
	yaml_node_t *services = NULL;
	for (size_t i = 0; i < m.n; i++) {
		const char *k = m.e[i].key;
		yaml_node_t *x = m.e[i].v;
		if (STREQ(k, "name")) {
			if ((r = set_str(c, x, "name", &p->name)) < 0)
				return r;
		} else if (STREQ(k, "version")) {
			if ((r = warn(c, m.e[i].k, "version is obsolete and ignored")) < 0)
				return r;
		} else if (STREQ(k, "services")) {
			services = x;
		} else if (STREQ(k, "volumes") || STREQ(k, "networks")) {
			bool vol = STREQ(k, "volumes");
			if (is_null(x))
				continue;
			_cleanup_emap_ emap vm = { 0 };
			if ((r = map_of(c, x, k, &vm)) < 0)
				return r;
			for (size_t j = 0; j < vm.n; j++) {
				char sub[PATHLEN];
				subpath(sub, k, vm.e[j].key);
				if (!*vm.e[j].key)
					return bad(c, vm.e[j].k, "%s: an empty name", k);
				if (vol) {
					compose_volume *v = PUSH0(p->volumes, p->n_volumes);
					if (!v || !(v->key = strdup(vm.e[j].key)))
						return nomem(c);
					r = volume_of(c, v, vm.e[j].v, sub);
				} else {
					compose_network *nw = PUSH0(p->networks, p->n_networks);
					if (!nw || !(nw->key = strdup(vm.e[j].key)))
						return nomem(c);
					r = network_of(c, nw, vm.e[j].v, sub);
				}
				if (r < 0)
					return r;
			}
		}
	}
	if (!services)
		return bad(c, root, "services is required");
	c->services = services;
	_cleanup_emap_ emap sm = { 0 };
	if ((r = map_of(c, services, "services", &sm)) < 0)
		return r;
	for (size_t i = 0; i < sm.n; i++) {
		char sub[PATHLEN];
		const char *name = sm.e[i].key;
		subpath(sub, "services", name);
		if (startswith(name, "x-"))
			continue;
		if (!*name)
			return bad(c, sm.e[i].k, "services: an empty name");
		compose_service *s = PUSH0(p->services, p->n_services);
		if (!s || !(s->name = strdup(name)))
			return nomem(c);
		s->line = (int)sm.e[i].k->start_mark.line + 1;
		s->column = (int)sm.e[i].k->start_mark.column + 1;
		if ((r = service_of(c, s, sm.e[i].v, sub)) < 0)
			return r;
	}
	if (p->n_services)
		qsort(p->services, p->n_services, sizeof *p->services, cmp_service);
	if (p->n_volumes)
		qsort(p->volumes, p->n_volumes, sizeof *p->volumes, cmp_volume);
	if (p->n_networks)
		qsort(p->networks, p->n_networks, sizeof *p->networks, cmp_network);
	return deps_check(p, c->file, c->err);
}

/* Depth, node count and document count, from libyaml's events, before the
 * document is loaded. */
static int prescan(cx *c, const char *text, size_t len)
{
	yaml_parser_t ps;
	if (!yaml_parser_initialize(&ps))
		return nomem(c);
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	int depth = 0, docs = 0, r = 0;
	size_t events = 0;
	for (bool done = false; !done && r == 0;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&ps, &ev)) {
			r = berth_fail(c->err, BERTH_EINVAL, "%s:%zu:%zu: %s%s%s", c->file, ps.problem_mark.line + 1,
				       ps.problem_mark.column + 1, ps.problem ? ps.problem : "malformed YAML",
				       ps.context ? " " : "", ps.context ? ps.context : "");
			break;
		}
		size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT: done = true; break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				r = berth_fail(c->err, BERTH_EINVAL, "%s:%zu:%zu: one YAML document expected", c->file, line,
					       col);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > COMPOSE_MAX_DEPTH)
				r = berth_fail(c->err, BERTH_EINVAL, "%s:%zu:%zu: nested deeper than %d", c->file, line, col,
					       COMPOSE_MAX_DEPTH);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: depth--; break;
		default: break;
		}
		if (++events > 2 * COMPOSE_MAX_NODES && r == 0)
			r = berth_fail(c->err, BERTH_EINVAL, "%s:%zu:%zu: more than %d nodes", c->file, line, col,
				       COMPOSE_MAX_NODES);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps);
	return r;
}

int compose_yaml_parse(compose_project *out, const char *text, size_t len, const char *file,
		       const strv *env_keys, const strv *env_values, berth_error *err)
{
	CHECK_ARG(out && (text || !len), err, "out and text are required");
	cx c = { .file = file ? file : "compose.yaml", .ek = env_keys, .ev = env_values, .p = out, .err = err };
	if (len > COMPOSE_MAX_FILE)
		return berth_fail(err, BERTH_EINVAL, "%s:1:1: the file is larger than %u bytes", c.file,
				  COMPOSE_MAX_FILE);
	int r = prescan(&c, text ? text : "", len);
	if (r < 0)
		return r;
	yaml_parser_t ps;
	if (!yaml_parser_initialize(&ps))
		return BERTH_NOMEM(err);
	yaml_parser_set_input_string(&ps, (const unsigned char *)(text ? text : ""), len);
	if (!yaml_parser_load(&ps, &c.doc)) {
		r = berth_fail(err, BERTH_EINVAL, "%s:%zu:%zu: %s", c.file, ps.problem_mark.line + 1,
			       ps.problem_mark.column + 1, ps.problem ? ps.problem : "malformed YAML");
		yaml_parser_delete(&ps);
		return r;
	}
	yaml_parser_delete(&ps);
	r = project_of(&c, yaml_document_get_root_node(&c.doc));
	yaml_document_delete(&c.doc);
	if (r < 0)
		compose_project_release(out);
	return r;
}

/* ---- .env files ------------------------------------------------------------------- */
static bool dotenv_key_ok(const char *k)
{
	if (!name_start(*k))
		return false;
	for (k++; *k; k++)
		if (!name_char(*k) && *k != '.' && *k != '-')
			return false;
	return true;
}

int compose_dotenv_parse(strv *keys, strv *values, const char *text, size_t len, const char *file,
			 berth_error *err)
{
	CHECK_ARG(keys && values && (text || !len), err, "keys, values and text are required");
	if (!file)
		file = ".env";
	if (!len)
		return 0;
	const char *p = text, *end = text + len;
	size_t line = 0;
	_cleanup_(keyset_releasep) keyset ks = { 0 };
	for (size_t i = 0; i < keys->len; i++)
		if (keyset_find(&ks, keys->items[i], strv_key, keys) < 0 && keyset_add(&ks, i, strv_key, keys) < 0)
			return BERTH_NOMEM(err);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		size_t this_line = line;
		const char *q = p;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q == eol || *q == '#' || (*q == '\r' && q + 1 == eol)) {
			p = eol + (eol < end);
			continue;
		}
		if ((size_t)(eol - q) > 7 && !memcmp(q, "export", 6) && (q[6] == ' ' || q[6] == '\t')) {
			q += 7;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
		}
		const char *eq = memchr(q, '=', (size_t)(eol - q));
		if (!eq)
			return berth_fail(err, BERTH_EINVAL, "%s:%zu: KEY=VALUE expected", file, this_line);
		const char *ke = eq;
		while (ke > q && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		_cleanup_free_ char *key = strndup(q, (size_t)(ke - q));
		if (!key)
			return BERTH_NOMEM(err);
		if (!dotenv_key_ok(key) || strlen(key) != (size_t)(ke - q)) {
			char shown[64];
			text_shown(shown, sizeof shown, key);
			return berth_fail(err, BERTH_EINVAL, "%s:%zu: \"%s\" is not a valid variable name", file,
					  this_line, shown);
		}
		const char *v = eq + 1;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		_cleanup_sbuf_ sbuf val = SBUF_INIT;
		if (sbuf_add(&val, "", 0) < 0)
			return BERTH_NOMEM(err);
		const char *after;
		if (v < end && (*v == '\'' || *v == '"')) {
			char quote = *v++;
			const char *c = v;
			for (; c < end && *c != quote; c++) {
				if (*c == '\n')
					line++;
				if (quote == '"' && *c == '\\' && c + 1 < end) {
					char e = c[1] == 'n' ? '\n' : c[1] == 't' ? '\t' : c[1] == 'r' ? '\r'
						 : c[1] == '"' || c[1] == '\\' ? c[1] : 0;
					if (e) {
						if (sbuf_addc(&val, e) < 0)
							return BERTH_NOMEM(err);
						c++;
						continue;
					}
				}
				if (sbuf_addc(&val, *c) < 0)
					return BERTH_NOMEM(err);
			}
			if (c >= end)
				return berth_fail(err, BERTH_EINVAL, "%s:%zu: an unterminated %c quote", file, this_line,
						  quote);
			after = c + 1;
			eol = memchr(after, '\n', (size_t)(end - after));
			if (!eol)
				eol = end;
			while (after < eol && (*after == ' ' || *after == '\t' || *after == '\r'))
				after++;
			if (after < eol && *after != '#')
				return berth_fail(err, BERTH_EINVAL, "%s:%zu: text after the closing quote", file, line);
		} else {
			const char *ve = v;
			for (; ve < eol; ve++)
				if (*ve == '#' && ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					break;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			if (sbuf_add(&val, v, (size_t)(ve - v)) < 0)
				return BERTH_NOMEM(err);
		}
		if (strlen(val.data) != val.len)
			return berth_fail(err, BERTH_EINVAL, "%s:%zu: a NUL byte in a value", file, this_line);
		if (kv_set_indexed(&ks, keys, values, key, val.data) < 0)
			return BERTH_NOMEM(err);
		p = eol + (eol < end);
	}
	return 0;
}

/* ---- merging files ---------------------------------------------------------------- */
static void take_str(char **dst, char **src)
{
	if (*src) {
		free(*dst);
		*dst = TAKE_PTR(*src);
	}
}

static bool strv_has(const strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->items[i] && STREQ(v->items[i], s))
			return true;
	return false;
}

static int strv_append_new(strv *dst, const strv *src)
{
	for (size_t i = 0; i < src->len; i++)
		if (!strv_has(dst, src->items[i]) && strv_push(dst, src->items[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int kv_merge(strv *dk, strv *dv, const strv *sk, const strv *sv)
{
	for (size_t i = 0; i < sk->len; i++)
		if (kv_set(dk, dv, sk->items[i], sv->items[i]) < 0)
			return -ENOMEM;
	return 0;
}

static void strv_take(strv *dst, strv *src)
{
	strv_release(dst);
	*dst = *src;
	*src = (strv)STRV_INIT;
}

static int service_merge(compose_service *b, compose_service *o)
{
	take_str(&b->image, &o->image);
	take_str(&b->container_name, &o->container_name);
	if (o->has_command) {
		strv_take(&b->command, &o->command);
		b->has_command = true;
	}
	if (o->has_entrypoint) {
		strv_take(&b->entrypoint, &o->entrypoint);
		b->has_entrypoint = true;
	}
	if (kv_merge(&b->env_keys, &b->env_values, &o->env_keys, &o->env_values) < 0 ||
	    kv_merge(&b->label_keys, &b->label_values, &o->label_keys, &o->label_values) < 0 ||
	    strv_append_new(&b->env_files, &o->env_files) < 0 || strv_append_new(&b->cap_add, &o->cap_add) < 0 ||
	    strv_append_new(&b->cap_drop, &o->cap_drop) < 0 || strv_append_new(&b->dns, &o->dns) < 0 ||
	    strv_append_new(&b->extra_hosts, &o->extra_hosts) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < o->n_ports; i++) {
		compose_port *pt = PUSH0(b->ports, b->n_ports);
		if (!pt)
			return -ENOMEM;
		*pt = o->ports[i];
		o->ports[i].host_ip = NULL;
	}
	for (size_t i = 0; i < o->n_mounts; i++) {
		compose_mount *mt = NULL;
		for (size_t j = 0; j < b->n_mounts && !mt; j++)
			if (STREQ(b->mounts[j].target, o->mounts[i].target))
				mt = &b->mounts[j];
		if (mt) {
			free(mt->source);
			free(mt->target);
		} else if (!(mt = PUSH0(b->mounts, b->n_mounts))) {
			return -ENOMEM;
		}
		*mt = o->mounts[i];
		o->mounts[i].source = o->mounts[i].target = NULL;
	}
	for (size_t i = 0; i < o->n_deps; i++) {
		compose_dep *d = NULL;
		for (size_t j = 0; j < b->n_deps && !d; j++)
			if (STREQ(b->deps[j].service, o->deps[i].service))
				d = &b->deps[j];
		if (d)
			free(d->service);
		else if (!(d = PUSH0(b->deps, b->n_deps)))
			return -ENOMEM;
		*d = o->deps[i];
		o->deps[i].service = NULL;
	}
	for (size_t i = 0; i < o->n_networks; i++) {
		compose_net_ref *nr = NULL;
		for (size_t j = 0; j < b->n_networks && !nr; j++)
			if (STREQ(b->networks[j].name, o->networks[i].name))
				nr = &b->networks[j];
		if (nr) {
			free(nr->name);
			strv_release(&nr->aliases);
		} else if (!(nr = PUSH0(b->networks, b->n_networks))) {
			return -ENOMEM;
		}
		*nr = o->networks[i];
		o->networks[i] = (compose_net_ref){ 0 };
	}
	for (size_t i = 0; i < o->n_ulimits; i++) {
		compose_ulimit *u = NULL;
		for (size_t j = 0; j < b->n_ulimits && !u; j++)
			if (STREQ(b->ulimits[j].name, o->ulimits[i].name))
				u = &b->ulimits[j];
		if (u)
			free(u->name);
		else if (!(u = PUSH0(b->ulimits, b->n_ulimits)))
			return -ENOMEM;
		*u = o->ulimits[i];
		o->ulimits[i].name = NULL;
	}
	if (o->health.given) {
		compose_health *h = &b->health, *oh = &o->health;
		h->given = true;
		if (oh->test.len)
			strv_take(&h->test, &oh->test);
		h->disable = h->disable || oh->disable;
		if (oh->interval_ms)
			h->interval_ms = oh->interval_ms;
		if (oh->timeout_ms)
			h->timeout_ms = oh->timeout_ms;
		if (oh->start_period_ms)
			h->start_period_ms = oh->start_period_ms;
		if (oh->retries)
			h->retries = oh->retries;
	}
	take_str(&b->restart, &o->restart);
	take_str(&b->network_mode, &o->network_mode);
	if (o->stop_grace_ms >= 0)
		b->stop_grace_ms = o->stop_grace_ms;
	take_str(&b->stop_signal, &o->stop_signal);
	take_str(&b->user, &o->user);
	take_str(&b->working_dir, &o->working_dir);
	take_str(&b->hostname, &o->hostname);
	if (o->mem_limit)
		b->mem_limit = o->mem_limit;
	if (o->cpus)
		b->cpus = o->cpus;
	if (o->init >= 0)
		b->init = o->init;
	take_str(&b->pull_policy, &o->pull_policy);
	b->read_only = b->read_only || o->read_only;
	b->privileged = b->privileged || o->privileged;
	b->tty = b->tty || o->tty;
	b->stdin_open = b->stdin_open || o->stdin_open;
	return 0;
}

int compose_project_merge(compose_project *base, compose_project *over, berth_error *err)
{
	CHECK_ARG(base && over, err, "base and over are required");
	int r = 0;
	take_str(&base->name, &over->name);
	for (size_t i = 0; i < over->n_services && r == 0; i++) {
		compose_service *os = &over->services[i];
		ssize_t k = service_index(base, os->name);
		if (k >= 0) {
			if (service_merge(&base->services[k], os) < 0)
				r = BERTH_NOMEM(err);
			continue;
		}
		compose_service *s = PUSH0(base->services, base->n_services);
		if (!s) {
			r = BERTH_NOMEM(err);
			break;
		}
		*s = *os;
		memset(os, 0, sizeof *os);
		qsort(base->services, base->n_services, sizeof *base->services, cmp_service);
	}
	for (size_t i = 0; i < over->n_volumes && r == 0; i++) {
		compose_volume *v = NULL;
		for (size_t j = 0; j < base->n_volumes && !v; j++)
			if (STREQ(base->volumes[j].key, over->volumes[i].key))
				v = &base->volumes[j];
		if (v)
			compose_volume_release(v);
		else if (!(v = PUSH0(base->volumes, base->n_volumes))) {
			r = BERTH_NOMEM(err);
			break;
		}
		*v = over->volumes[i];
		memset(&over->volumes[i], 0, sizeof over->volumes[i]);
	}
	for (size_t i = 0; i < over->n_networks && r == 0; i++) {
		compose_network *nw = NULL;
		for (size_t j = 0; j < base->n_networks && !nw; j++)
			if (STREQ(base->networks[j].key, over->networks[i].key))
				nw = &base->networks[j];
		if (nw)
			compose_network_release(nw);
		else if (!(nw = PUSH0(base->networks, base->n_networks))) {
			r = BERTH_NOMEM(err);
			break;
		}
		*nw = over->networks[i];
		memset(&over->networks[i], 0, sizeof over->networks[i]);
	}
	for (size_t i = 0; i < over->warnings.len && r == 0; i++)
		if (strv_push(&base->warnings, over->warnings.items[i]) < 0)
			r = BERTH_NOMEM(err);
	compose_project_release(over);
	if (r < 0)
		return r;
	if (base->n_volumes)
		qsort(base->volumes, base->n_volumes, sizeof *base->volumes, cmp_volume);
	if (base->n_networks)
		qsort(base->networks, base->n_networks, sizeof *base->networks, cmp_network);
	return deps_check(base, "merged", err);
}

/* ---- writing ---------------------------------------------------------------------- */
/* One UTF-8 sequence at s (n bytes left): its code point and length, or
 * -1 when malformed. */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	size_t l = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
	if (!l || l > n || s[0] > 0xF4)
		return -1;
	int32_t cp = s[0] & (0x7F >> l);
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*len = l;
	return cp;
}

/* s double-quoted, with what YAML may not carry raw escaped; dollars
 * doubled for a value (it is interpolated when read back). */
static int emit_str(sbuf *b, const char *s, bool value)
{
	int r = sbuf_addc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n && r == 0) {
		size_t l = 1;
		int32_t cp = utf8_next(p, n, &l);
		if (cp < 0)
			r = sbuf_printf(b, "\\x%02x", *p);
		else if (cp == '"' || cp == '\\')
			r = sbuf_add(b, (char[]){ '\\', (char)cp }, 2);
		else if (cp == '$' && value)
			r = sbuf_adds(b, "$$");
		else if (cp == 0x85)
			r = sbuf_adds(b, "\\N");
		else if (cp == 0x2028)
			r = sbuf_adds(b, "\\L");
		else if (cp == 0x2029)
			r = sbuf_adds(b, "\\P");
		else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			r = sbuf_printf(b, "\\x%02x", (unsigned)cp);
		else if ((cp >= 0xD800 && cp < 0xE000) || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
			r = sbuf_printf(b, "\\u%04x", (unsigned)cp);
		else
			r = sbuf_add(b, p, l);
		p += l;
		n -= l;
	}
	return r < 0 || sbuf_addc(b, '"') < 0 ? -ENOMEM : 0;
}

static int ind(sbuf *b, int level) { return sbuf_printf(b, "%*s", level * 2, ""); }

/* "KEY: " at level; a key too long for YAML's implicit keys (1024
 * characters) is written as an explicit one ("? KEY" then ": "). */
static int emit_key(sbuf *b, int level, const char *key, bool quoted)
{
	_cleanup_sbuf_ sbuf k = SBUF_INIT;
	if (ind(b, level) < 0 || (quoted ? emit_str(&k, key, false) < 0 : sbuf_adds(&k, key) < 0))
		return -ENOMEM;
	if (k.len < 1000)
		return sbuf_add(b, k.data, k.len) < 0 ? -ENOMEM : sbuf_adds(b, ": ");
	if (sbuf_adds(b, "? ") < 0 || sbuf_add(b, k.data, k.len) < 0 || sbuf_addc(b, '\n') < 0 || ind(b, level) < 0)
		return -ENOMEM;
	return sbuf_adds(b, ": ");
}

/* "KEY" or "KEY:" + a nested block follows, or "KEY: null" */
static int emit_head(sbuf *b, int level, const char *key, bool null)
{
	if (emit_key(b, level, key, true) < 0)
		return -ENOMEM;
	b->data[--b->len] = '\0';      /* the blank after ':' */
	return sbuf_adds(b, null ? " null\n" : "\n");
}

static int emit_kv_str(sbuf *b, int level, const char *key, const char *v)
{
	if (!v)
		return 0;
	if (emit_key(b, level, key, false) < 0 || emit_str(b, v, true) < 0)
		return -ENOMEM;
	return sbuf_addc(b, '\n');
}

static int emit_flow_list(sbuf *b, const strv *v)
{
	int r = sbuf_addc(b, '[');
	for (size_t i = 0; i < v->len && r == 0; i++) {
		if (i)
			r = sbuf_adds(b, ", ");
		if (r == 0)
			r = emit_str(b, v->items[i], true);
	}
	return r < 0 || sbuf_adds(b, "]\n") < 0 ? -ENOMEM : 0;
}

static int emit_list(sbuf *b, int level, const char *key, const strv *v, bool always)
{
	if (!v->len && !always)
		return 0;
	if (emit_key(b, level, key, false) < 0)
		return -ENOMEM;
	return emit_flow_list(b, v);
}

/* A map of strings (values NULL: null). */
static int emit_map(sbuf *b, int level, const char *key, const strv *k, const strv *v)
{
	if (!k->len)
		return 0;
	if (ind(b, level) < 0 || sbuf_printf(b, "%s:\n", key) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < k->len; i++) {
		if (emit_key(b, level + 1, k->items[i], true) < 0)
			return -ENOMEM;
		if (v->items[i] ? emit_str(b, v->items[i], true) < 0 : sbuf_adds(b, "null") < 0)
			return -ENOMEM;
		if (sbuf_addc(b, '\n') < 0)
			return -ENOMEM;
	}
	return 0;
}

static int emit_line(sbuf *b, int level, const char *fmt, ...) _printf_(3, 4);
static int emit_line(sbuf *b, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = ind(b, level) < 0 ? -ENOMEM : sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r < 0 || sbuf_addc(b, '\n') < 0 ? -ENOMEM : 0;
}

static int emit_service(sbuf *b, const compose_service *s)
{
	static const char *const cond[] = { "service_started", "service_healthy", "service_completed_successfully" };
	static const char *const kind[] = { "volume", "bind", "tmpfs" };
	int r = 0;
	if (emit_head(b, 1, s->name, false) < 0)
		return -ENOMEM;
	r |= emit_kv_str(b, 2, "image", s->image);
	r |= emit_kv_str(b, 2, "container_name", s->container_name);
	if (s->has_command)
		r |= emit_list(b, 2, "command", &s->command, true);
	if (s->has_entrypoint)
		r |= emit_list(b, 2, "entrypoint", &s->entrypoint, true);
	r |= emit_map(b, 2, "environment", &s->env_keys, &s->env_values);
	r |= emit_list(b, 2, "env_file", &s->env_files, false);
	if (s->n_ports)
		r |= emit_line(b, 2, "ports:");
	for (size_t i = 0; i < s->n_ports; i++) {
		const compose_port *pt = &s->ports[i];
		r |= emit_line(b, 3, "- target: %d", pt->container_port);
		if (pt->host_port)
			r |= emit_line(b, 4, "published: %d", pt->host_port);
		r |= emit_kv_str(b, 4, "host_ip", pt->host_ip);
		r |= emit_line(b, 4, "protocol: %s", pt->proto);
	}
	if (s->n_mounts)
		r |= emit_line(b, 2, "volumes:");
	for (size_t i = 0; i < s->n_mounts; i++) {
		const compose_mount *mt = &s->mounts[i];
		r |= emit_line(b, 3, "- type: %s", kind[mt->kind]);
		r |= emit_kv_str(b, 4, "source", mt->source);
		r |= emit_kv_str(b, 4, "target", mt->target);
		if (mt->read_only)
			r |= emit_line(b, 4, "read_only: true");
		if (mt->tmpfs_size)
			r |= emit_line(b, 4, "tmpfs: {size: %lld}", (long long)mt->tmpfs_size);
	}
	r |= emit_map(b, 2, "labels", &s->label_keys, &s->label_values);
	if (s->health.given) {
		const compose_health *h = &s->health;
		r |= emit_line(b, 2, "healthcheck:%s", h->test.len || h->disable || h->interval_ms || h->timeout_ms ||
			       h->start_period_ms || h->retries ? "" : " {}");
		r |= emit_list(b, 3, "test", &h->test, false);
		if (h->disable)
			r |= emit_line(b, 3, "disable: true");
		if (h->interval_ms)
			r |= emit_line(b, 3, "interval: %lldms", (long long)h->interval_ms);
		if (h->timeout_ms)
			r |= emit_line(b, 3, "timeout: %lldms", (long long)h->timeout_ms);
		if (h->start_period_ms)
			r |= emit_line(b, 3, "start_period: %lldms", (long long)h->start_period_ms);
		if (h->retries)
			r |= emit_line(b, 3, "retries: %d", h->retries);
	}
	if (s->n_deps)
		r |= emit_line(b, 2, "depends_on:");
	for (size_t i = 0; i < s->n_deps; i++) {
		const compose_dep *d = &s->deps[i];
		r |= emit_key(b, 3, d->service, true);
		r |= sbuf_printf(b, "{condition: %s, required: %s, restart: %s}\n", cond[d->condition],
				 d->required ? "true" : "false", d->restart ? "true" : "false");
	}
	r |= emit_kv_str(b, 2, "restart", s->restart);
	if (s->n_networks)
		r |= emit_line(b, 2, "networks:");
	for (size_t i = 0; i < s->n_networks; i++) {
		r |= emit_head(b, 3, s->networks[i].name, !s->networks[i].aliases.len);
		r |= emit_list(b, 4, "aliases", &s->networks[i].aliases, false);
	}
	r |= emit_kv_str(b, 2, "network_mode", s->network_mode);
	if (s->stop_grace_ms >= 0)
		r |= emit_line(b, 2, "stop_grace_period: %lldms", (long long)s->stop_grace_ms);
	r |= emit_kv_str(b, 2, "stop_signal", s->stop_signal);
	r |= emit_kv_str(b, 2, "user", s->user);
	r |= emit_kv_str(b, 2, "working_dir", s->working_dir);
	r |= emit_kv_str(b, 2, "hostname", s->hostname);
	r |= emit_list(b, 2, "cap_add", &s->cap_add, false);
	r |= emit_list(b, 2, "cap_drop", &s->cap_drop, false);
	if (s->n_ulimits)
		r |= emit_line(b, 2, "ulimits:");
	for (size_t i = 0; i < s->n_ulimits; i++) {
		r |= emit_key(b, 3, s->ulimits[i].name, true);
		r |= sbuf_printf(b, "{soft: %lld, hard: %lld}\n", (long long)s->ulimits[i].soft,
				 (long long)s->ulimits[i].hard);
	}
	if (s->mem_limit)
		r |= emit_line(b, 2, "mem_limit: %lld", (long long)s->mem_limit);
	if (s->cpus)
		r |= emit_line(b, 2, "cpus: %.17g", s->cpus);
	if (s->init >= 0)
		r |= emit_line(b, 2, "init: %s", s->init ? "true" : "false");
	if (s->read_only)
		r |= emit_line(b, 2, "read_only: true");
	if (s->privileged)
		r |= emit_line(b, 2, "privileged: true");
	if (s->tty)
		r |= emit_line(b, 2, "tty: true");
	if (s->stdin_open)
		r |= emit_line(b, 2, "stdin_open: true");
	if (s->extra_hosts.len) {
		/* HOST=IP: the host has neither ':' nor '=', the address may */
		r |= emit_line(b, 2, "extra_hosts:");
		for (size_t i = 0; i < s->extra_hosts.len && r == 0; i++) {
			_cleanup_free_ char *e = strdup(s->extra_hosts.items[i]);
			char *colon = e ? strchr(e, ':') : NULL;
			if (colon)
				*colon = '=';
			r |= e ? 0 : -ENOMEM;
			r |= ind(b, 3);
			r |= sbuf_adds(b, "- ");
			r |= emit_str(b, e ? e : "", true);
			r |= sbuf_addc(b, '\n');
		}
	}
	r |= emit_kv_str(b, 2, "pull_policy", s->pull_policy);
	r |= emit_list(b, 2, "dns", &s->dns, false);
	return r < 0 ? -ENOMEM : 0;
}

int compose_yaml_emit(char **out, const compose_project *p, berth_error *err)
{
	CHECK_ARG(out && p, err, "out and p are required");
	_cleanup_sbuf_ sbuf b = SBUF_INIT;
	int r = emit_kv_str(&b, 0, "name", p->name);
	r |= sbuf_adds(&b, p->n_services ? "services:\n" : "services: {}\n");
	for (size_t i = 0; i < p->n_services && r == 0; i++)
		r |= emit_service(&b, &p->services[i]);
	if (p->n_volumes)
		r |= sbuf_adds(&b, "volumes:\n");
	for (size_t i = 0; i < p->n_volumes && r == 0; i++) {
		const compose_volume *v = &p->volumes[i];
		bool any = v->name || v->external || v->driver || v->opt_keys.len || v->label_keys.len;
		r |= emit_head(&b, 1, v->key, !any);
		r |= emit_kv_str(&b, 2, "name", v->name);
		if (v->external)
			r |= emit_line(&b, 2, "external: true");
		r |= emit_kv_str(&b, 2, "driver", v->driver);
		r |= emit_map(&b, 2, "driver_opts", &v->opt_keys, &v->opt_values);
		r |= emit_map(&b, 2, "labels", &v->label_keys, &v->label_values);
	}
	if (p->n_networks)
		r |= sbuf_adds(&b, "networks:\n");
	for (size_t i = 0; i < p->n_networks && r == 0; i++) {
		const compose_network *n = &p->networks[i];
		bool any = n->name || n->external || n->internal || n->driver || n->subnet || n->gateway ||
			   n->label_keys.len;
		r |= emit_head(&b, 1, n->key, !any);
		r |= emit_kv_str(&b, 2, "name", n->name);
		if (n->external)
			r |= emit_line(&b, 2, "external: true");
		if (n->internal)
			r |= emit_line(&b, 2, "internal: true");
		r |= emit_kv_str(&b, 2, "driver", n->driver);
		if (n->subnet || n->gateway) {
			r |= emit_line(&b, 2, "ipam:");
			r |= emit_line(&b, 3, "config:");
			r |= ind(&b, 4);
			r |= sbuf_adds(&b, "- ");
			if (n->subnet)
				r |= emit_kv_str(&b, 0, "subnet", n->subnet);
			if (n->gateway)
				r |= emit_kv_str(&b, n->subnet ? 5 : 0, "gateway", n->gateway);
		}
		r |= emit_map(&b, 2, "labels", &n->label_keys, &n->label_values);
	}
	if (r < 0)
		return BERTH_NOMEM(err);
	*out = sbuf_steal(&b);
	return *out ? 0 : BERTH_NOMEM(err);
}
