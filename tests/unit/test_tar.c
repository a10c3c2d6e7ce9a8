/* The containerd import's tar reader over archives made by Python's tarfile
 * (the seed corpus of fuzz/fuzz_tar.c): plain entries, GNU long names, pax
 * paths, ustar prefixes, and the malformed ones. */
#include "../common/test.h"
#include "../../src/lib/engines/containerd/tar.h"
#include "../../src/util/util.h"

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
	while (n < max && (r = tar_next(&e[n], (const uint8_t *)data, len, &pos)) == 1)
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
	assert_non_null(tar_find(e, 3, "./manifest.json"));
	assert_non_null(tar_find(e, 3, "dot/file"));
	assert_null(tar_find(e, 3, "dir")); /* not a regular file */
	assert_null(tar_find(e, 3, "missing"));
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
	assert_int_equal(tar_next(&e[0], (const uint8_t *)"abc", 3, &pos), -EINVAL);
	pos = 0;
	assert_int_equal(tar_next(&e[0], (const uint8_t *)"", 0, &pos), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests_name("tar", tests, NULL, NULL);
}
