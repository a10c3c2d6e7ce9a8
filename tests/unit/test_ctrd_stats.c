/* containerd stats without containerd: task metrics (cgroup v1 and v2, as
 * protobuf bytes written here by hand) into the normalized sample, the
 * CPU percent of two readings, and the /proc parsing of top. */
#include "../common/test.h"

#include "lib/engines/containerd/ctrd_stats.h"

/* a tiny protobuf writer: varint fields and length-delimited ones */
typedef struct pb {
	uint8_t b[512];
	size_t n;
} pb;

static void varint(pb *p, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		p->b[p->n++] = c | (v ? 0x80 : 0);
	} while (v);
}
static void fu(pb *p, unsigned field, uint64_t v)
{
	varint(p, (uint64_t)field << 3);
	varint(p, v);
}
static void fb(pb *p, unsigned field, const void *data, size_t len)
{
	varint(p, (uint64_t)field << 3 | 2);
	varint(p, len);
	memcpy(p->b + p->n, data, len);
	p->n += len;
}
static void fm(pb *p, unsigned field, const pb *m) { fb(p, field, m->b, m->n); }

static const ctrd_stats_host HOST = { .cpus = 2, .mem_total = 4ULL << 30 };

static pb v1_metrics(uint64_t cpu_ns, uint64_t limit)
{
	pb pids = { 0 }, usage = { 0 }, cpu = { 0 }, mem = { 0 }, entry = { 0 }, blk = { 0 }, m = { 0 }, musage = { 0 };
	fu(&pids, 1, 3);
	fu(&usage, 1, cpu_ns);
	fm(&cpu, 1, &usage);
	fu(&musage, 1, limit);
	fu(&musage, 2, 1048576);
	fu(&mem, 1, 100);
	fu(&mem, 30, 4096);
	fm(&mem, 33, &musage);
	const char *ops[] = { "Read", "Write", "Total", "read" };
	const uint64_t vals[] = { 1000, 2000, 3000, 5 };
	for (size_t i = 0; i < 4; i++) {
		entry.n = 0;
		fb(&entry, 1, ops[i], strlen(ops[i]));
		fb(&entry, 2, "sda", 3);
		fu(&entry, 5, vals[i]);
		fm(&blk, 1, &entry);
	}
	fm(&m, 2, &pids);
	fm(&m, 3, &cpu);
	fm(&m, 4, &mem);
	fm(&m, 5, &blk);
	return m;
}

static void test_v1(void **state)
{
	(void)state;
	pb m = v1_metrics(5000000000ULL, 9223372036854771712ULL);
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(ctrd_stats_parse(&s, "type.googleapis.com/" CTRD_METRICS_V1, m.b, m.n, 1000000000LL * 1700000000,
					  "abc", "web", &HOST, &err),
			 0);
	assert_string_equal(berth_stats_id(s), "abc");
	assert_string_equal(berth_stats_name(s), "web");
	assert_int_equal(berth_stats_pids(s), 3);
	assert_int_equal(berth_stats_memory_usage(s), 1048576 - 4096);
	/* no limit: the host's memory */
	assert_int_equal(berth_stats_memory_limit(s), 4ULL << 30);
	assert_int_equal(berth_stats_block_read(s), 1005);
	assert_int_equal(berth_stats_block_write(s), 2000);
	assert_int_equal(berth_stats_net_rx(s), 0);
	assert_int_equal(berth_stats_online_cpus(s), 2);
	assert_true(berth_stats_cpu_percent(s) == 0);
	assert_non_null(strstr(berth_stats_raw_json(s), "\"total_usage\":5000000000"));
	assert_non_null(strstr(berth_stats_raw_json(s), "\"read\":\"2023-11-14T22:13:20"));

	/* a second reading half a second later, 0.4 s of CPU more: 80 % */
	pb m2 = v1_metrics(5400000000ULL, 64 << 20);
	berth_stats *s2 = NULL;
	assert_int_equal(ctrd_stats_parse(&s2, CTRD_METRICS_V1, m2.b, m2.n, 1000000000LL * 1700000000 + 500000000, "abc",
					  "web", &HOST, &err),
			 0);
	assert_int_equal(berth_stats_memory_limit(s2), 64 << 20);
	stats_cpu_against(s2, s);
	assert_true(berth_stats_cpu_percent(s2) > 79.99 && berth_stats_cpu_percent(s2) < 80.01);
	berth_stats_free(s);
	berth_stats_free(s2);
}

static void test_v2(void **state)
{
	(void)state;
	pb pids = { 0 }, cpu = { 0 }, mem = { 0 }, io = { 0 }, e = { 0 }, m = { 0 };
	fu(&pids, 1, 2);
	fu(&cpu, 1, 1000);
	fu(&mem, 13, 10);
	fu(&mem, 32, 110);
	fu(&mem, 33, 64 << 20);
	fu(&e, 3, 7);
	fu(&e, 4, 9);
	fm(&io, 1, &e);
	fm(&io, 1, &e);
	fm(&m, 1, &pids);
	fm(&m, 2, &cpu);
	fm(&m, 4, &mem);
	fm(&m, 6, &io);
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	assert_int_equal(ctrd_stats_parse(&s, CTRD_METRICS_V2, m.b, m.n, 1, "x", "", &HOST, &err), 0);
	assert_int_equal(berth_stats_pids(s), 2);
	assert_int_equal(berth_stats_memory_usage(s), 100);
	assert_int_equal(berth_stats_memory_limit(s), 64 << 20);
	assert_int_equal(berth_stats_block_read(s), 14);
	assert_int_equal(berth_stats_block_write(s), 18);
	assert_non_null(strstr(berth_stats_raw_json(s), "\"total_usage\":1000000"));
	assert_non_null(strstr(berth_stats_raw_json(s), "\"cgroup\":\"v2\""));
	berth_stats_free(s);
}

static void test_bad(void **state)
{
	(void)state;
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	const uint8_t junk[] = { 0x12, 0x40, 0x01 }; /* a length past the end */
	assert_int_equal(ctrd_stats_parse(&s, CTRD_METRICS_V1, junk, sizeof junk, 1, "x", "", &HOST, &err),
			 BERTH_EPROTOCOL);
	assert_int_equal(ctrd_stats_parse(&s, "io.containerd.other.Metrics", junk, 0, 1, "x", "", &HOST, &err),
			 BERTH_EPROTOCOL);
	assert_int_equal(ctrd_stats_parse(&s, NULL, junk, 0, 1, "x", "", &HOST, &err), BERTH_EPROTOCOL);
	assert_null(s);
	/* empty metrics are zeros, with the host's memory as the limit */
	assert_int_equal(ctrd_stats_parse(&s, CTRD_METRICS_V1, NULL, 0, 1, "x", "", &HOST, &err), 0);
	assert_int_equal(berth_stats_memory_limit(s), 4ULL << 30);
	assert_int_equal(berth_stats_memory_usage(s), 0);
	berth_stats_free(s);
}

static void test_proc_stat(void **state)
{
	(void)state;
	const char *line = "4242 (sleep (x) y) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 1 0 123 "
			   "1000 10 18446744073709551615\n";
	ctrd_proc_stat st;
	assert_int_equal(ctrd_proc_stat_parse(&st, line, strlen(line)), 0);
	assert_string_equal(st.comm, "sleep (x) y");
	assert_int_equal(st.ppid, 4200);
	assert_int_equal(st.ticks, 400);
	assert_int_equal(ctrd_proc_stat_parse(&st, "12 (x) S 1", 10), -1);
	assert_int_equal(ctrd_proc_stat_parse(&st, "no parens", 9), -1);
	char t[32];
	ctrd_ps_time(t, 3661);
	assert_string_equal(t, "01:01:01");
	ctrd_ps_time(t, 90061);
	assert_string_equal(t, "1-01:01:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_proc_stat),
	};
	return cmocka_run_group_tests_name("ctrd_stats", tests, NULL, NULL);
}
