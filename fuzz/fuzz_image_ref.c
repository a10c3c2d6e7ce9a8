/* Fuzz target: image references and container names
 * (berth_image_ref_parse and its accessors, berth_validate_image_ref,
 * berth_validate_container_name), on a NUL-terminated copy of the input
 * in an exactly sized heap block.
 *
 * Properties checked: a parsed reference's normalized form parses to
 * itself and its familiar form to the same reference; its name is
 * domain/path, at most 255 bytes, and starts the normalized form; the
 * validator accepts what the parser accepts (and besides only image ids);
 * an accepted text has no white space or control bytes. An accepted
 * container name matches [a-zA-Z0-9][a-zA-Z0-9_.-]+ and is 2..255 bytes. */
#include "fuzz.h"

#include <berth/container.h>
#include <berth/registry.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool name_char(unsigned char c) { return isalnum(c) || c == '_' || c == '.' || c == '-'; }

static void check_failure(int r, const berth_error *err)
{
	if (r != BERTH_EINVAL || err->code != r || !err->message[0])
		abort();
}

/* text must parse, to the normalized form want (when not NULL). */
static void reparse(const char *text, const char *want)
{
	berth_image_ref *r = NULL;
	if (berth_image_ref_parse(&r, text, NULL) != 0)
		abort();
	if (want && strcmp(berth_image_ref_normalized(r), want) != 0)
		abort();
	berth_image_ref_free(r);
}

static void check_ref(const berth_image_ref *r)
{
	const char *name = berth_image_ref_name(r), *norm = berth_image_ref_normalized(r);
	fuzz_use(berth_image_ref_tag(r));
	fuzz_use(berth_image_ref_digest(r));
	size_t nl = strlen(name);
	if (nl > 255 || strncmp(norm, name, nl) != 0)
		abort();
	char joined[600];
	snprintf(joined, sizeof joined, "%s/%s", berth_image_ref_domain(r), berth_image_ref_path(r));
	if (strcmp(joined, name) != 0)
		abort();
	if (!*berth_image_ref_tag(r) && !*berth_image_ref_digest(r))
		abort();
	reparse(norm, norm);
	reparse(berth_image_ref_familiar(r), norm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	size_t n = strlen(s); /* the input may hold NULs: the C string ends there */

	berth_error err = BERTH_ERROR_INIT;
	berth_image_ref *ref = NULL;
	int parsed = berth_image_ref_parse(&ref, s, &err);
	if (parsed == 0) {
		check_ref(ref);
		berth_image_ref_free(ref);
	} else {
		check_failure(parsed, &err);
	}

	berth_error_clear(&err);
	int r = berth_validate_image_ref(s, &err);
	if (r == 0) {
		/* a reference (a name is at most 255 bytes, a tag 128, a digest
		 * 7 + 128, and "index.docker.io/" shrinks by 6) or an image id */
		if (n == 0 || n > 255 + 6 + 1 + 128 + 1 + 135)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
				abort();
		if (parsed != 0 && !(n == 64 || strncmp(s, "sha", 3) == 0))
			abort();
	} else {
		check_failure(r, &err);
		if (parsed == 0)
			abort();
	}

	berth_error_clear(&err);
	r = berth_validate_container_name(s, &err);
	if (r == 0) {
		if (n < 2 || n > 255 || !isalnum((unsigned char)s[0]))
			abort();
		for (size_t i = 1; i < n; i++)
			if (!name_char((unsigned char)s[i]))
				abort();
	} else {
		check_failure(r, &err);
	}
	free(s);
	return 0;
}
