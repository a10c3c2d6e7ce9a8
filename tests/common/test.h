/* Shared includes for berth's cmocka tests. */
#ifndef BERTH_TEST_H
#define BERTH_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <berth/berth.h>

/* Assert a call returned `code`; on mismatch show the error message. */
static inline const char *test_errmsg(const berth_error *e) { return e ? e->message : ""; }

#define assert_code(expr, code, errp) \
	do { \
		int _got = (expr); \
		if (_got != (code)) \
			fail_msg("%s returned %s (%d), expected %s: %s", #expr, berth_code_name(_got), _got, \
				 berth_code_name(code), test_errmsg(errp)); \
	} while (0)

#define assert_ok(expr, errp) assert_code((expr), 0, (errp))

/* Assert err's message contains `needle`. */
#define assert_message_has(errp, needle) \
	do { \
		if (!strstr((errp)->message, (needle))) \
			fail_msg("message \"%s\" lacks \"%s\"", (errp)->message, (needle)); \
	} while (0)

/* No child of this process is left, running or a zombie. */
static inline void assert_no_children(void)
{
	int st;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

#endif
