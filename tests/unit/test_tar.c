/* The containerd import's tar reader over archives made by Python's tarfile
 * (the seed corpus of fuzz/fuzz_tar.c): plain entries, GNU long names, pax
 * paths, ustar prefixes, and the malformed ones. */
#include "../common/test.h"
#include "lib/engines/containerd/ctrd_tar.h"
#include "util/util.h"

#include <errno.h>

static char *corpus(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/fuzz/corpus/tar/%s", getenv("BERTH_SOURCE_DIR") ? getenv("BERTH_SOURCE_DIR") : "..",
		 name);
	char *data = NULL;
	assert_int_equal(read_file(path, 1 << 20, &data, len), 0);
	return data;
}

/* All entries of an archive; the reader's last result in *last. */
static size_t read_all(tar_entry *e, size_t max, const char *name, int *last)
{
	size_t len, n = 0, pos = 0;
	char *data = corpus(name, &len);
	int r;
	while (n < max && (r = ctrd_tar_next(&e[n], (const uint8_t *)data, len, &pos)) == 1)
		n++;
	*last = r;
	free(data);  /* entries point into data: callers only use names and sizes */
	return n;
}

static void test_entries(void **state)
{
	(void)state;
	tar_entry e[8];
	int last;
	assert_int_equal(read_all(e, 8, "files", &last), 3);
	assert_int_equal(last, 0);
	assert_string_equal(e[0].name, "manifest.json");
	assert_int_equal(e[0].size, 2);
	assert_int_equal(e[0].type, '0');
	assert_string_equal(e[1].name, "dir/"); /* as the archive writes it */
	assert_int_equal(e[1].type, '5');
	assert_string_equal(e[2].name, "dot/file"); /* "./" dropped */
	assert_int_equal(e[2].size, 700);
	assert_non_null(ctrd_tar_find(e, 3, "./manifest.json"));
	assert_non_null(ctrd_tar_find(e, 3, "dot/file"));
	assert_null(ctrd_tar_find(e, 3, "dir")); /* not a regular file */
	assert_null(ctrd_tar_find(e, 3, "missing"));
	assert_int_equal(read_all(e, 8, "empty", &last), 0);
	assert_int_equal(last, 0);
}

static void test_long_names(void **state)
{
	(void)state;
	tar_entry e[4];
	int last;
	char want[400] = "";
	for (int i = 0; i < 80; i++)
		strcat(want, "a/");
	strcat(want, "long.json");
	assert_int_equal(read_all(e, 4, "gnu-longname", &last), 1);
	assert_string_equal(e[0].name, want);
	assert_int_equal(e[0].size, 2);
	want[0] = '\0';
	for (int i = 0; i < 90; i++)
		strcat(want, "p/");
	strcat(want, "pax.json");
	assert_int_equal(read_all(e, 4, "pax-path", &last), 1);
	assert_string_equal(e[0].name, want);
	want[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(want, "pre/");
	strcat(want, "name.txt");
	assert_int_equal(read_all(e, 4, "ustar-prefix", &last), 1);
	assert_string_equal(e[0].name, want);
}

static void test_malformed(void **state)
{
	(void)state;
	tar_entry e[4];
	int last;
	static const char *const bad[] = { "truncated", "bad-checksum", "size-beyond-end", "not-tar" };
	for (size_t i = 0; i < 4; i++) {
		read_all(e, 4, bad[i], &last);
		if (last != -EINVAL)
			fail_msg("%s: %d, expected -EINVAL", bad[i], last);
	}
	/* a short tail that is not zeros, and an empty buffer */
	size_t pos = 0;
	assert_int_equal(ctrd_tar_next(&e[0], (const uint8_t *)"abc", 3, &pos), -EINVAL);
	pos = 0;
	assert_int_equal(ctrd_tar_next(&e[0], (const uint8_t *)"", 0, &pos), 0);
}

/* ---- the streamed reader and the writer ---- */

typedef struct mem_src {
	const uint8_t *data;
	size_t len, pos, step;   /* step: at most this many bytes a read */
	int fail_at;             /* a read past this offset fails (-1: never) */
} mem_src;

static ssize_t mem_read(void *buf, size_t cap, void *ctx)
{
	mem_src *m = ctx;
	if (m->fail_at >= 0 && m->pos >= (size_t)m->fail_at)
		return BERTH_ECANCELLED;
	size_t n = m->len - m->pos;
	if (n > cap)
		n = cap;
	if (n > m->step)
		n = m->step;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

/* The streamed reader gives the names and data of the in-memory one. */
static void test_streamed_matches(void **state)
{
	(void)state;
	static const char *const names[] = { "files", "gnu-longname", "pax-path", "ustar-prefix", "empty" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t len, pos = 0;
		char *data = corpus(names[i], &len);
		mem_src m = { (const uint8_t *)data, len, 0, 7, -1 };
		tar_reader r = { mem_read, &m, 0, 0 };
		tar_header *h = malloc(sizeof *h);
		tar_entry e;
		int a, b;
		while ((a = ctrd_tar_next(&e, (const uint8_t *)data, len, &pos)) == 1) {
			assert_int_equal(b = ctrd_tar_reader_next(&r, h), 1);
			assert_string_equal(h->name, e.name);
			assert_int_equal(h->size, e.size);
			char buf[1024];
			size_t got = 0;
			ssize_t k;
			while ((k = ctrd_tar_reader_data(&r, buf, sizeof buf)) > 0) {
				assert_memory_equal(buf, e.data + got, (size_t)k);
				got += (size_t)k;
			}
			assert_int_equal(k, 0);
			assert_int_equal(got, e.size);
		}
		assert_int_equal(a, 0);
		assert_int_equal(ctrd_tar_reader_next(&r, h), 0);
		free(h);
		free(data);
	}
	/* malformed, and the callback's error handed back */
	size_t len;
	char *data = corpus("bad-checksum", &len);
	mem_src m = { (const uint8_t *)data, len, 0, 512, -1 };
	tar_reader r = { mem_read, &m, 0, 0 };
	tar_header *h = malloc(sizeof *h);
	assert_int_equal(ctrd_tar_reader_next(&r, h), TAR_EMALFORMED);
	free(data);
	data = corpus("files", &len);
	m = (mem_src){ (const uint8_t *)data, len, 0, 512, 600 };
	r = (tar_reader){ mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_int_equal(ctrd_tar_reader_next(&r, h), BERTH_ECANCELLED);
	/* an archive cut inside an entry's data (dot/file's header ends at 2048) */
	m = (mem_src){ (const uint8_t *)data, 2048, 0, 512, -1 };
	r = (tar_reader){ mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	char buf[8];
	assert_int_equal(ctrd_tar_reader_data(&r, buf, 2), 2);
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);   /* "dir/" */
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);   /* "dot/file": 700 bytes, none there */
	assert_int_equal(ctrd_tar_reader_data(&r, buf, sizeof buf), TAR_EMALFORMED);
	free(h);
	free(data);
}

/* pax records (link path, a big uid, a fractional mtime), nodes, hard and
 * GNU long links, as Python's tarfile writes them. */
static void test_streamed_records(void **state)
{
	(void)state;
	size_t len;
	char *data = corpus("pax-records", &len);
	mem_src m = { (const uint8_t *)data, len, 0, 100, -1 };
	tar_reader r = { mem_read, &m, 0, 0 };
	tar_header *h = malloc(sizeof *h);
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_int_equal(strlen(h->name), 120);
	assert_int_equal(h->type, '2');
	assert_int_equal(strlen(h->link), 153);
	assert_int_equal(h->uid, 50000000);
	assert_int_equal(h->mtime, 1700000000);
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_string_equal(h->name, "dir/file");
	assert_int_equal(h->mode, 04755);
	assert_int_equal(h->uid, 3);
	assert_int_equal(h->gid, 4);
	char buf[16];
	assert_int_equal(ctrd_tar_reader_data(&r, buf, sizeof buf), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_int_equal(h->type, '6');
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_int_equal(h->type, '3');
	assert_int_equal(h->devmajor, 1);
	assert_int_equal(h->devminor, 3);
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_int_equal(h->type, '1');
	assert_string_equal(h->link, "dir/file");
	assert_int_equal(ctrd_tar_reader_next(&r, h), 0);
	free(data);
	data = corpus("gnu-longlink", &len);
	m = (mem_src){ (const uint8_t *)data, len, 0, 512, -1 };
	r = (tar_reader){ mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, h), 1);
	assert_string_equal(h->name, "g");
	assert_int_equal(strlen(h->link), 200);
	free(data);
	free(h);
}

/* What the writer makes, the reader reads back: long names and links in
 * pax records, a size beyond ustar's field, owners and modes. */
static void test_write_read(void **state)
{
	(void)state;
	tar_header *in = calloc(1, sizeof *in), *out = malloc(sizeof *out);
	uint8_t *buf = calloc(1, TAR_HEADER_MAX + 1024);
	/* short: one ustar block */
	snprintf(in->name, sizeof in->name, "etc/");
	in->type = '5';
	in->mode = 0755;
	in->mtime = 1700000000;
	int n = ctrd_tar_header_write(buf, TAR_HEADER_MAX, in);
	assert_int_equal(n, 512);
	mem_src m = { buf, (size_t)n + 1024, 0, 100, -1 };
	tar_reader r = { mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, out), 1);
	assert_string_equal(out->name, "etc/");
	assert_int_equal(out->type, '5');
	assert_int_equal(out->mode, 0755);
	assert_int_equal(out->mtime, 1700000000);
	assert_int_equal(ctrd_tar_reader_next(&r, out), 0);
	/* long: a pax header first */
	memset(in, 0, sizeof *in);
	for (int i = 0; i < 300; i++)
		strcat(in->name, "d/");
	strcat(in->name, "f");
	for (int i = 0; i < 150; i++)
		strcat(in->link, "l");
	in->type = '2';
	in->mode = 04755;
	in->uid = 100000000;
	in->gid = 7;
	in->size = 0;
	in->mtime = 5;
	n = ctrd_tar_header_write(buf, TAR_HEADER_MAX, in);
	assert_true(n > 512 && n % 512 == 0);
	m = (mem_src){ buf, (size_t)n + 1024, 0, 33, -1 };
	r = (tar_reader){ mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, out), 1);
	assert_string_equal(out->name, in->name);
	assert_string_equal(out->link, in->link);
	assert_int_equal(out->uid, 100000000);
	assert_int_equal(out->gid, 7);
	assert_int_equal(out->mode, 04755);
	assert_int_equal(out->type, '2');
	/* a size beyond 8 GiB: the header alone (no data follows) */
	memset(in, 0, sizeof *in);
	snprintf(in->name, sizeof in->name, "big");
	in->type = '0';
	in->size = 9ull << 30;
	n = ctrd_tar_header_write(buf, TAR_HEADER_MAX, in);
	m = (mem_src){ buf, (size_t)n, 0, 512, -1 };
	r = (tar_reader){ mem_read, &m, 0, 0 };
	assert_int_equal(ctrd_tar_reader_next(&r, out), 1);
	assert_int_equal(out->size, 9ull << 30);
	/* a name beyond what a pax header in TAR_HEADER_MAX holds is refused */
	assert_int_equal(ctrd_tar_header_write(buf, 512, in), -ENAMETOOLONG);
	free(in);
	free(out);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_streamed_matches),
		cmocka_unit_test(test_streamed_records),
		cmocka_unit_test(test_write_read),
	};
	return cmocka_run_group_tests_name("tar", tests, NULL, NULL);
}
