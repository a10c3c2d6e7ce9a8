/* Image references: Docker's reference grammar (the distribution
 * project's), pure; berth_image_ref_parse() is here too. fuzz/fuzz_image_ref.c
 * drives it. */
#ifndef BERTH_PARSE_IMAGEREF_H
#define BERTH_PARSE_IMAGEREF_H

#include "lib/model/registry_model.h"

#define IMAGEREF_NAME_MAX 255
#define IMAGEREF_DEFAULT_DOMAIN "docker.io"

/* Why the n bytes at s are no registry address (host, "[v6]", either with
 * ":port"), or NULL when they are one; *at gets the offset of the fault. */
const char *imageref_check_domain(const char *s, size_t n, size_t *at);

/* Why d (NUL-terminated) is no digest "algorithm:hex" of a known
 * algorithm, or NULL; *at gets the offset of the fault. */
const char *imageref_check_digest(const char *d, size_t *at);

/* Check a reference without making one: 0 or BERTH_EINVAL (the message
 * names the fault and its offset). */
int imageref_check(const char *text, berth_error *err);

#endif
