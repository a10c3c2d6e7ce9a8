/* The watch core's reconcile (src/lib/watch.c): what it knew plus the
 * containers now gives the made-up events, as a pure function; and the
 * core over a scripted source that cannot replay: the list seeds it, a
 * reconnect hands out the difference once, and the engine's copies of
 * those events that arrive after the resubscription are dropped. */
#include "../common/test.h"

#include "../common/fake_server.h"
#include "lib/kit/watch.h"

static const watch_source_ops actions = {
	.created_action = "/containers/create",
	.started_action = "/tasks/start",
	.paused_action = "/tasks/paused",
	.unpaused_action = "/tasks/resumed",
	.died_action = "/tasks/exit",
	.destroyed_action = "/containers/delete",
};

#define S(ns) ((int64_t)(ns) * 1000000000LL)

static void add(watch_list *l, const char *id, berth_state st, int code, int64_t created, int64_t started,
		int64_t finished)
{
	watch_container *c = watch_list_add(l);
	assert_non_null(c);
	char name[64];
	snprintf(name, sizeof name, "n-%s", id);
	c->id = strdup(id);
	c->name = strdup(name);
	c->image = strdup("img");
	c->state = st;
	c->exit_code = code;
	c->created_ns = created;
	c->started_ns = started;
	c->finished_ns = finished;
	assert_int_equal(strv_push(&c->label_keys, "tier"), 0);
	assert_int_equal(strv_push(&c->label_values, id), 0);
}

/* The kinds made for id, in the order handed out, as letters
 * (C S P U D X for created started paused unpaused died destroyed). */
static void story(char *out, berth_event **evs, size_t n, const char *id)
{
	static const char letters[] = "?CSDOHPUX";
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (STREQ(evs[i]->id, id))
			out[k++] = letters[evs[i]->kind];
	out[k] = '\0';
}

static void free_all(berth_event **evs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		event_free(evs[i]);
	free(evs);
}

static void test_reconcile_table(void **state)
{
	(void)state;
	watch_known known[] = {
		{ "a", BERTH_STATE_CREATED, S(100) },   /* started */
		{ "b", BERTH_STATE_RUNNING, S(100) },   /* paused */
		{ "c", BERTH_STATE_RUNNING, S(100) },   /* died 3 */
		{ "d", BERTH_STATE_RUNNING, S(100) },   /* gone */
		{ "e", BERTH_STATE_PAUSED, S(100) },    /* unpaused */
		{ "f", BERTH_STATE_EXITED, S(100) },    /* restarted */
		{ "g", BERTH_STATE_RUNNING, S(100) },   /* unchanged */
		{ "h", BERTH_STATE_EXITED, S(100) },    /* gone, was not running */
		{ "i", BERTH_STATE_RUNNING, S(100) },   /* the id went to a new container */
		{ "j", BERTH_STATE_UNKNOWN, 0 },        /* followed (running), now exited */
	};
	watch_list l = { 0 };
	add(&l, "a", BERTH_STATE_RUNNING, -1, S(100), S(205), 0);
	add(&l, "b", BERTH_STATE_PAUSED, -1, S(100), S(101), 0);
	add(&l, "c", BERTH_STATE_EXITED, 3, S(100), S(101), S(203));
	add(&l, "e", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	add(&l, "f", BERTH_STATE_RUNNING, -1, S(100), S(207), 0);
	add(&l, "g", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	add(&l, "i", BERTH_STATE_CREATED, -1, S(210), 0, 0);
	add(&l, "j", BERTH_STATE_EXITED, 0, S(50), S(51), S(204));
	add(&l, "n", BERTH_STATE_RUNNING, -1, S(201), S(202), 0);          /* new, running */
	add(&l, "m", BERTH_STATE_EXITED, 137, S(206), S(208), S(209));     /* new, ran and died */
	add(&l, "z", BERTH_STATE_CREATED, -1, S(211), 0, 0);               /* new, created */
	berth_event **evs = NULL;
	size_t n = 0;
	assert_int_equal(watch_reconcile(&evs, &n, known, ARRAY_SIZE(known), &l, true, &actions, S(300)), 0);
	struct {
		const char *id, *story;
	} want[] = {
		{ "a", "S" }, { "b", "P" }, { "c", "D" }, { "d", "DX" }, { "e", "U" }, { "f", "S" }, { "g", "" },
		{ "h", "X" }, { "i", "DXC" }, { "j", "D" }, { "n", "CS" }, { "m", "CSD" }, { "z", "C" },
	};
	size_t total = 0;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char got[16];
		story(got, evs, n, want[i].id);
		if (!STREQ(got, want[i].story))
			fail_msg("%s: made %s, expected %s", want[i].id, got, want[i].story);
		total += strlen(want[i].story);
	}
	assert_int_equal(n, total);
	for (size_t i = 0; i < n; i++) {
		const berth_event *ev = evs[i];
		assert_true(berth_event_synthesized(ev));
		assert_string_equal(berth_event_attribute(ev, "berth.synthesized"), "true");
		assert_string_equal(berth_event_type(ev), "container");
		if (i)   /* in time order */
			assert_true(evs[i - 1]->time_ns <= ev->time_ns);
		if (STREQ(ev->id, "c")) {
			assert_int_equal(berth_event_exit_code(ev), 3);
			assert_string_equal(berth_event_attribute(ev, "exitCode"), "3");
			assert_string_equal(berth_event_action(ev), "/tasks/exit");
			assert_true(ev->time_ns == S(203));
		}
		if (STREQ(ev->id, "m") && ev->kind == BERTH_EVENT_DIED)
			assert_int_equal(berth_event_exit_code(ev), 137);
		if (STREQ(ev->id, "n")) {   /* the listing's name, image and labels */
			assert_string_equal(berth_event_name(ev), "n-n");
			assert_string_equal(berth_event_image(ev), "img");
			assert_string_equal(berth_event_attribute(ev, "tier"), "n");
			assert_string_equal(berth_event_action(ev),
					    ev->kind == BERTH_EVENT_CREATED ? "/containers/create" : "/tasks/start");
		}
		if (STREQ(ev->id, "d")) {   /* gone: no exit code, no listing, the time of the list */
			assert_int_equal(berth_event_exit_code(ev), -1);
			assert_string_equal(berth_event_name(ev), "");
			assert_true(ev->time_ns == S(300));
		}
	}
	/* first made is n's CREATED (201), last the ones at the list's time */
	assert_string_equal(evs[0]->id, "n");
	assert_true(evs[n - 1]->time_ns == S(300));
	free_all(evs, n);

	/* the first list of a watch: nothing for containers it did not know */
	assert_int_equal(watch_reconcile(&evs, &n, NULL, 0, &l, false, &actions, S(300)), 0);
	assert_int_equal(n, 0);
	free_all(evs, n);
	/* ... but the ones it was given to follow are checked */
	watch_known one[] = { { "c", BERTH_STATE_RUNNING, 0 }, { "gone", BERTH_STATE_RUNNING, 0 } };
	assert_int_equal(watch_reconcile(&evs, &n, one, 2, &l, false, &actions, S(300)), 0);
	assert_int_equal(n, 3);
	char got[8];
	story(got, evs, n, "c");
	assert_string_equal(got, "D");
	story(got, evs, n, "gone");
	assert_string_equal(got, "DX");
	free_all(evs, n);
	watch_list_release(&l);

	/* nothing listed, nothing known */
	assert_int_equal(watch_reconcile(&evs, &n, NULL, 0, &l, true, &actions, S(300)), 0);
	assert_int_equal(n, 0);
	free_all(evs, n);
}

/* The watch's full size, listed in another order than known: each known
 * one is matched by id (not by position), each new one reported. */
static void test_reconcile_many(void **state)
{
	(void)state;
	enum { N = 4096 };
	static char ids[N][16], fresh[N / 4][16];
	static watch_known known[N];
	for (size_t i = 0; i < N; i++) {
		snprintf(ids[i], sizeof ids[i], "k%05zu", (i * 7919) % N);   /* a permutation: unique, unsorted */
		known[i] = (watch_known){ ids[i], BERTH_STATE_RUNNING, 0 };
	}
	watch_list l = { 0 };
	/* from the end: every other one still running, the rest exited, the
	 * last quarter gone; and a quarter new */
	for (size_t i = N - N / 4; i-- > 0;)
		add(&l, ids[i], i % 2 ? BERTH_STATE_RUNNING : BERTH_STATE_EXITED, 1, S(1), S(2), S(3));
	for (size_t i = 0; i < N / 4; i++) {
		snprintf(fresh[i], sizeof fresh[i], "new%04zu", i);
		add(&l, fresh[i], BERTH_STATE_CREATED, -1, S(4), 0, 0);
	}
	berth_event **evs = NULL;
	size_t n = 0;
	assert_int_equal(watch_reconcile(&evs, &n, known, N, &l, true, &actions, S(300)), 0);
	size_t died = 0, destroyed = 0, created = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		switch (evs[i]->kind) {
		case BERTH_EVENT_DIED: died++; break;
		case BERTH_EVENT_DESTROYED: destroyed++; break;
		case BERTH_EVENT_CREATED: created++; break;
		default: other++; break;
		}
	}
	/* exited: (N - N/4) / 2 died; gone: N/4 died + destroyed; new: created */
	assert_int_equal(died, (N - N / 4) / 2 + N / 4);
	assert_int_equal(destroyed, N / 4);
	assert_int_equal(created, N / 4);
	assert_int_equal(other, 0);
	char got[8];
	story(got, evs, n, ids[N - 1]);
	assert_string_equal(got, "DX");
	story(got, evs, n, ids[1]);
	assert_string_equal(got, "");
	story(got, evs, n, fresh[7]);
	assert_string_equal(got, "C");
	free_all(evs, n);
	watch_list_release(&l);
}

/* ---- the core over a scripted source ----------------------------------------------- */

#define SUBS 3
#define EVS 8

typedef struct script_ev {
	berth_event_kind kind;
	const char *id;
	int64_t time_ns;   /* < 0: that long before the subscription's list */
} script_ev;

typedef struct fake_src {
	int sub;                     /* subscriptions so far */
	size_t pos;
	script_ev evs[SUBS][EVS];    /* each subscription's events (kind 0 ends the list) ... */
	bool breaks[SUBS];           /* ... then it breaks (else: quiet) */
	watch_list lists[SUBS];      /* what the list says after each subscription */
	int64_t listed_at[SUBS];
	int listed;
} fake_src;

static int f_subscribe(void *impl, bool first, int64_t since, int timeout_ms, berth_error *err)
{
	(void)first, (void)since, (void)timeout_ms, (void)err;
	fake_src *f = impl;
	f->sub++;
	f->pos = 0;
	return 0;
}

static int f_next(void *impl, berth_event **out, const char **data, size_t *len, int timeout_ms, bool *fatal,
		  berth_error *err)
{
	(void)timeout_ms, (void)fatal;
	fake_src *f = impl;
	int s = f->sub - 1;
	const script_ev *e = f->pos < EVS ? &f->evs[s][f->pos] : NULL;
	if (!e || !e->kind)
		return f->breaks[s] ? berth_fail(err, BERTH_EUNAVAILABLE, "cut") : BERTH_ETIMEDOUT;
	f->pos++;
	berth_event *ev = event_new();
	ev->kind = e->kind;
	ev->type = strdup("container");
	ev->action = strdup(berth_event_kind_name(e->kind));
	ev->id = strdup(e->id);
	ev->name = strdup("");
	ev->image = strdup("");
	ev->time_ns = e->time_ns < 0 ? f->listed_at[s] + e->time_ns : e->time_ns;
	if (e->kind == BERTH_EVENT_DIED)
		ev->exit_code = 0;
	*out = ev;
	*data = "{}";
	*len = 2;
	return 0;
}

static int f_fd(const void *impl)
{
	(void)impl;
	return -1;
}

static void f_disconnect(void *impl)
{
	(void)impl;
}

static int f_inspect(berth_container_info **out, void *impl, const char *id, int timeout_ms, berth_error *err)
{
	(void)out, (void)impl, (void)timeout_ms;
	return berth_fail(err, BERTH_ENOTFOUND, "no %s", id);
}

static int f_list(watch_list *out, void *impl, berth_error *err)
{
	(void)err;
	fake_src *f = impl;
	const watch_list *l = &f->lists[f->sub - 1];
	f->listed++;
	for (size_t i = 0; i < l->len; i++) {
		const watch_container *c = &l->items[i];
		add(out, c->id, c->state, c->exit_code, c->created_ns, c->started_ns, c->finished_ns);
	}
	f->listed_at[f->sub - 1] = wall_ns();
	return 0;
}

static void f_free(void *impl)
{
	(void)impl;
}

/* The ops of a scripted source: its subscribe and next, the fakes' rest. */
static watch_source_ops scripted_ops(int (*subscribe)(void *, bool, int64_t, int, berth_error *),
				     int (*next)(void *, berth_event **, const char **, size_t *, int, bool *,
						 berth_error *))
{
	watch_source_ops ops = actions;
	ops.subscribe = subscribe;
	ops.next = next;
	ops.fd = f_fd;
	ops.disconnect = f_disconnect;
	ops.inspect = f_inspect;
	ops.free = f_free;
	return ops;
}

/* A watch over src on a client the core only names in its messages (a
 * fake engine that answers its ping). */
static berth_stream *open_watch(fake_server **fs, berth_client **c, const watch_source_ops *ops, void *src)
{
	fake_reply script[] = { { .data = FAKE_DOCKER_PING } };
	*fs = fake_start(script, 1);
	berth_client_options co = BERTH_CLIENT_OPTIONS_INIT;
	co.engine = BERTH_ENGINE_DOCKER;
	co.host = fake_uri(*fs);
	berth_error err = BERTH_ERROR_INIT;
	assert_ok(berth_client_open(c, &co, &err), &err);
	events_query q = { .reconnect = true, .max_reconnect_ms = 10000 };
	berth_stream *s = NULL;
	assert_ok(watch_stream_new(&s, *c, &q, ops, src, &err), &err);
	return s;
}

static void test_reconnect_made_once(void **state)
{
	(void)state;
	static fake_src f;
	memset(&f, 0, sizeof f);
	int64_t later = wall_ns() + S(3600);
	/* the first subscription: the list knows a, b, p; x is created, then the cut */
	add(&f.lists[0], "a", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	add(&f.lists[0], "b", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	add(&f.lists[0], "p", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	f.evs[0][0] = (script_ev){ BERTH_EVENT_CREATED, "x", S(150) };
	f.breaks[0] = true;
	/* while away: b died (3), p paused, x started, n created+started,
	 * m created+started+died; z created right at the resubscription (its
	 * CREATED comes on the new subscription too, as does p's PAUSED) */
	add(&f.lists[1], "a", BERTH_STATE_RUNNING, -1, S(100), S(101), 0);
	add(&f.lists[1], "b", BERTH_STATE_EXITED, 3, S(100), S(101), S(200));
	add(&f.lists[1], "p", BERTH_STATE_PAUSED, -1, S(100), S(101), 0);
	add(&f.lists[1], "x", BERTH_STATE_RUNNING, -1, S(150), S(201), 0);
	add(&f.lists[1], "n", BERTH_STATE_RUNNING, -1, S(202), S(203), 0);
	add(&f.lists[1], "m", BERTH_STATE_EXITED, 9, S(204), S(205), S(206));
	add(&f.lists[1], "z", BERTH_STATE_CREATED, -1, S(207), 0, 0);
	f.evs[1][0] = (script_ev){ BERTH_EVENT_CREATED, "z", -1000 };
	f.evs[1][1] = (script_ev){ BERTH_EVENT_PAUSED, "p", -500 };
	f.evs[1][2] = (script_ev){ BERTH_EVENT_DIED, "a", later };   /* news after the list */
	watch_source_ops ops = scripted_ops(f_subscribe, f_next);
	ops.list = f_list;

	fake_server *fs = NULL;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = open_watch(&fs, &c, &ops, &f);
	assert_int_equal(f.listed, 1);   /* the first subscription's seed */

	char got[64] = "";
	size_t k = 0;
	bool synth_ok = true;
	for (;;) {
		berth_frame fr;
		int r = berth_stream_next(s, &fr, 400, &err);
		if (r == BERTH_ETIMEDOUT)
			break;
		assert_ok(r, &err);
		const berth_event *ev = fr.item;
		strncat(got, berth_event_id(ev)[0] ? berth_event_id(ev) : "-", sizeof got - strlen(got) - 1);
		static const char letters[] = "?CSDOHPUXLR";
		char kind[2] = { letters[berth_event_get_kind(ev)], 0 };
		strncat(got, kind, sizeof got - strlen(got) - 1);
		strncat(got, " ", sizeof got - strlen(got) - 1);
		bool from_list = f.sub == 2 && berth_event_get_kind(ev) != BERTH_EVENT_RECONNECTED &&
				 !STREQ(berth_event_id(ev), "a");
		if (from_list != (bool)berth_event_synthesized(ev))
			synth_ok = false;
		k++;
		if (k > 20)
			break;
	}
	/* the made-up ones in time order, then only the news */
	assert_string_equal(got, "xC -L -R bD xS nC nS mC mS mD zC pP aD ");
	assert_true(synth_ok);
	assert_int_equal(f.sub, 2);
	assert_int_equal(f.listed, 2);
	berth_stream_free(s);
	berth_client_free(c);
	fake_stop(fs);
	for (int i = 0; i < SUBS; i++)
		watch_list_release(&f.lists[i]);
}


/* ---- de-duplication over a source that sends old events again ---------------------- */

/* Podman after rotating its events file: events 0 .. N-1 one millisecond
 * apart, but after event R the source sends events R-BACK .. R again (the
 * kept half of the file), and one event is stamped 30 µs before the one
 * it follows (two writers). */
#define RP_N 12000
#define RP_R 9000
#define RP_BACK 7000   /* more than the ring holds: those over 2 s old go by time */

typedef struct replay_src {
	size_t pos;        /* the next of the script */
	int64_t base;
	size_t *script;    /* event numbers in the order sent */
	size_t len;
} replay_src;

static int r_subscribe(void *impl, bool first, int64_t since, int timeout_ms, berth_error *err)
{
	(void)impl, (void)first, (void)since, (void)timeout_ms, (void)err;
	return 0;
}

static int r_next(void *impl, berth_event **out, const char **data, size_t *len, int timeout_ms, bool *fatal,
		  berth_error *err)
{
	(void)timeout_ms, (void)fatal, (void)err;
	replay_src *r = impl;
	if (r->pos == r->len)
		return BERTH_ETIMEDOUT;
	size_t n = r->script[r->pos++];
	char name[48];
	snprintf(name, sizeof name, "localhost/soak:%zu", n / 2);
	berth_event *ev = event_new();
	ev->kind = BERTH_EVENT_OTHER;
	ev->type = strdup("image");
	ev->action = strdup(n % 2 ? "untag" : "tag");
	ev->id = strdup("084189a631d5");
	ev->name = strdup(name);
	ev->image = strdup("");
	/* event 101 was stamped 30 µs before event 100 */
	ev->time_ns = r->base + (int64_t)n * 1000000 - (n == 101 ? 1030000 : 0);
	*out = ev;
	*data = "{}";
	*len = 2;
	return 0;
}

static void test_replay_dropped(void **state)
{
	(void)state;
	replay_src src = { .base = wall_ns() - S(60) };
	src.script = malloc((RP_N + RP_BACK + 1) * sizeof *src.script);
	assert_non_null(src.script);
	for (size_t n = 0; n <= RP_R; n++)
		src.script[src.len++] = n;
	for (size_t n = RP_R - RP_BACK; n <= RP_R; n++)
		src.script[src.len++] = n;
	for (size_t n = RP_R + 1; n < RP_N; n++)
		src.script[src.len++] = n;
	watch_source_ops ops = scripted_ops(r_subscribe, r_next);
	ops.replays = true;
	ops.stale_ns = S(2);

	fake_server *fs = NULL;
	berth_client *c = NULL;
	berth_error err = BERTH_ERROR_INIT;
	berth_stream *s = open_watch(&fs, &c, &ops, &src);

	unsigned char *got = calloc(RP_N, 1);
	assert_non_null(got);
	size_t total = 0;
	bool in_order = true;
	int64_t prev = 0;
	for (;;) {
		berth_frame fr;
		int r = berth_stream_next(s, &fr, 0, &err);
		if (r == BERTH_ETIMEDOUT)
			break;
		assert_ok(r, &err);
		int64_t t = berth_event_time_ns(fr.item);
		size_t n = (size_t)((t - src.base + 500000) / 1000000);
		if (t == src.base + 101 * 1000000LL - 1030000)
			n = 101;
		assert_true(n < RP_N);
		got[n]++;
		if (t < prev && n != 101)
			in_order = false;
		prev = t;
		total++;
	}
	assert_int_equal(src.pos, src.len);   /* the whole script was read */
	size_t twice = 0, missing = 0;
	for (size_t n = 0; n < RP_N; n++) {
		twice += got[n] > 1;
		missing += got[n] == 0;
	}
	assert_int_equal(twice, 0);
	assert_int_equal(missing, 0);   /* 101, out of order by 30 µs, is kept */
	assert_int_equal(total, RP_N);
	assert_true(in_order);
	free(got);
	berth_stream_free(s);
	berth_client_free(c);
	fake_stop(fs);
	free(src.script);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reconcile_table),
		cmocka_unit_test(test_reconcile_many),
		cmocka_unit_test(test_reconnect_made_once),
		cmocka_unit_test(test_replay_dropped),
	};
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
