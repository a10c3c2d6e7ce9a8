/* The pure parts of containerd's file access (engines/containerd/ctrd_files.c):
 * reading a snapshot's mount into layers, and Docker's rule for turning a
 * walk of the writable layer into changes. */
#include "../common/test.h"
#include "lib/engines/containerd/ctrd_files.h"

#include <errno.h>

static void test_layers(void **state)
{
	(void)state;
	char *ov[] = { "index=off", "workdir=/s/3/work", "upperdir=/s/3/fs", "lowerdir=/s/2/fs:/s/1/fs" };
	ctrd_layers l;
	assert_int_equal(ctrd_layers_parse(&l, "overlay", "overlay", ov, 4), 0);
	assert_false(l.bind);
	assert_string_equal(l.upper, "/s/3/fs");
	assert_string_equal(l.work, "/s/3/work");
	assert_int_equal(l.lowers.len, 2);
	assert_string_equal(l.lowers.items[0], "/s/2/fs");
	assert_string_equal(l.lowers.items[1], "/s/1/fs");
	ctrd_layers_release(&l);
	char *bind[] = { "rbind", "rw" };
	assert_int_equal(ctrd_layers_parse(&l, "bind", "/s/1/fs", bind, 2), 0);
	assert_true(l.bind);
	assert_string_equal(l.upper, "/s/1/fs");
	assert_int_equal(l.lowers.len, 0);
	ctrd_layers_release(&l);
	/* no upper layer (a view), another type, a bind without a source */
	char *view[] = { "lowerdir=/s/2/fs:/s/1/fs" };
	assert_int_equal(ctrd_layers_parse(&l, "overlay", "overlay", view, 1), -EINVAL);
	assert_int_equal(ctrd_layers_parse(&l, "tmpfs", "x", NULL, 0), -EINVAL);
	assert_int_equal(ctrd_layers_parse(&l, "bind", "", NULL, 0), -EINVAL);
	assert_int_equal(ctrd_layers_parse(&l, NULL, NULL, NULL, 0), -EINVAL);
}

static const char *letters(const change_item *it, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s %s", i ? "," : "", berth_change_kind_letter(it[i].kind), it[i].path);
	}
	return out;
}

static void test_decide(void **state)
{
	(void)state;
	/* the walk of an upper layer, parents first */
	const upper_entry e[] = {
		/* 0 */ { "/bin", -1, .dir = true, .in_lower = true, .same_as_lower = true },
		/* 1 */ { "/bin/vi", 0, .whiteout = true, .in_lower = true },
		/* 2 */ { "/added-file", -1 },
		/* 3 */ { "/etc", -1, .dir = true, .in_lower = true, .same_as_lower = true },
		/* 4 */ { "/etc/passwd", 3, .in_lower = true },
		/* 5 */ { "/etc/hosts", 3, .mount_point = true },
		/* 6 */ { "/home", -1, .dir = true, .opaque = true, .in_lower = true },
		/* 7 */ { "/home/new", 6 },
		/* 8 */ { "/new-dir", -1, .dir = true },
		/* 9 */ { "/new-dir/f", 8 },
		/* 10 */ { "/tmp", -1, .dir = true, .in_lower = true, .same_as_lower = false },
		/* 11 */ { "/tmp/x", 10 },
		/* 12 */ { "/proc", -1, .dir = true, .mount_point = true },
		/* 13 */ { "/root", -1, .dir = true, .in_lower = true, .same_as_lower = true },
		/* 14 */ { "/root/.ash_history", 13 },
		/* 15 */ { "/root/.profile", 13 },
		/* 16 */ { "/run", -1, .dir = true, .in_lower = true },
		/* 17 */ { "/run/secrets", 16, .dir = true, .mount_point = true },
		/* 18 */ { "/srv", -1, .dir = true, .in_lower = true },
		/* 19 */ { "/srv/mnt", 18, .mount_point = true },
		/* 20 */ { "/srv/data", 18 },
	};
	size_t n = ARRAY_SIZE(e), k = 0;
	change_item items[2 * ARRAY_SIZE(e)];
	assert_int_equal(ctrd_diff_decide(items, &k, e, n), 0);
	char got[1024];
	assert_string_equal(letters(items, k, got, sizeof got),
			    "C /bin,D /bin/vi,A /added-file,C /etc/passwd,C /home,A /home/new,A /new-dir,A /new-dir/f,"
			    "C /tmp,A /tmp/x,C /root,A /root/.ash_history,A /root/.profile,C /srv,A /srv/data");
	/* sorted as the API hands them out */
	berth_changes *ch = changes_new(items, k);
	assert_non_null(ch);
	assert_int_equal(berth_changes_count(ch), k);
	for (size_t i = 1; i < k; i++)
		assert_true(strcmp(berth_changes_path(ch, i - 1), berth_changes_path(ch, i)) < 0);
	assert_string_equal(berth_changes_path(ch, 0), "/added-file");
	assert_int_equal(berth_changes_kind(ch, 0), BERTH_CHANGE_ADDED);
	berth_changes_free(ch);
	/* nothing at all */
	assert_int_equal(ctrd_diff_decide(items, &k, NULL, 0), 0);
	assert_int_equal(k, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_decide),
	};
	return cmocka_run_group_tests_name("ctrd_files", tests, NULL, NULL);
}
