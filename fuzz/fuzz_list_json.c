/* Fuzz target: the container and image lists mapped as they are read
 * (engines/engineapi/eapi_list_map.c, parse/image_json.c over
 * parse/jstream.c). The first byte
 * seeds where the rest is cut into pieces; the pieces fed one by one must
 * give exactly what the whole buffer gives: the same error code, or the
 * same records field by field. */
#include "fuzz.h"
#include "lib/engines/engineapi/eapi_parse.h"
#include "lib/parse/image_json.h"

#include <stdlib.h>

static void same(const berth_container_list *a, const berth_container_list *b)
{
	if (berth_container_list_count(a) != berth_container_list_count(b))
		abort();
	for (size_t i = 0; i < berth_container_list_count(a); i++) {
		const char *(*const str[])(const berth_container_list *, size_t) = {
			berth_container_list_id, berth_container_list_name, berth_container_list_image,
			berth_container_list_command, berth_container_list_status, berth_container_list_ports,
		};
		for (size_t k = 0; k < sizeof str / sizeof str[0]; k++)
			if (!str[k](a, i) || !str[k](b, i) || !STREQ(str[k](a, i), str[k](b, i)))
				abort();
		if (berth_container_list_state(a, i) != berth_container_list_state(b, i) ||
		    berth_container_list_health(a, i) != berth_container_list_health(b, i) ||
		    berth_container_list_created(a, i) != berth_container_list_created(b, i) ||
		    berth_container_list_label_count(a, i) != berth_container_list_label_count(b, i))
			abort();
		for (size_t k = 0; k < berth_container_list_label_count(a, i); k++)
			if (!STREQ(berth_container_list_label_key(a, i, k), berth_container_list_label_key(b, i, k)) ||
			    !STREQ(berth_container_list_label_value(a, i, k), berth_container_list_label_value(b, i, k)))
				abort();
	}
}

/* Feed body to a reader in pieces whose sizes the seed picks; the first
 * error's code, or 0. */
typedef int (*feed_fn)(void *reader, const char *data, size_t len, berth_error *err);

static int feed_pieces(void *reader, feed_fn feed, unsigned seed, unsigned most, const char *body, size_t len,
		       berth_error *err)
{
	size_t at = 0;
	unsigned x = seed * 2654435761u + 1;
	while (at < len) {
		x = x * 1103515245u + 12345u;
		size_t step = 1 + (x >> 16) % (seed % most + 1);
		if (step > len - at)
			step = len - at;
		int r = feed(reader, body + at, step, err);
		if (r < 0)
			return r;
		at += step;
	}
	return 0;
}

static int feed_list(void *p, const char *d, size_t n, berth_error *e) { return engineapi_list_reader_feed(p, d, n, e); }
static int feed_images(void *p, const char *d, size_t n, berth_error *e) { return image_list_reader_feed(p, d, n, e); }

/* The image list the same way: pieces against the whole buffer. */
static void images(unsigned seed, const char *body, size_t len)
{
	berth_image_list *whole = NULL, *pieces = NULL;
	berth_error e1 = BERTH_ERROR_INIT, e2 = BERTH_ERROR_INIT;
	int r1 = image_list_parse(&whole, body, len, &e1);
	image_list_reader *p = NULL;
	if (image_list_reader_new(&p) < 0) {
		berth_image_list_free(whole);
		return;
	}
	int r2 = feed_pieces(p, feed_images, seed, 32, body, len, &e2);
	if (r2 == 0)
		r2 = image_list_reader_finish(p, &pieces, &e2);
	image_list_reader_free(p);
	if (r1 != r2)
		abort();
	if (r1 == 0) {
		if (berth_image_list_count(whole) != berth_image_list_count(pieces))
			abort();
		for (size_t i = 0; i < berth_image_list_count(whole); i++) {
			if (!STREQ(berth_image_list_id(whole, i), berth_image_list_id(pieces, i)) ||
			    berth_image_list_tag_count(whole, i) != berth_image_list_tag_count(pieces, i) ||
			    berth_image_list_digest_count(whole, i) != berth_image_list_digest_count(pieces, i) ||
			    berth_image_list_label_count(whole, i) != berth_image_list_label_count(pieces, i) ||
			    berth_image_list_size(whole, i) != berth_image_list_size(pieces, i))
				abort();
			for (size_t j = 0; j < berth_image_list_tag_count(whole, i); j++)
				if (!STREQ(berth_image_list_tag(whole, i, j), berth_image_list_tag(pieces, i, j)))
					abort();
		}
	}
	berth_image_list_free(whole);
	berth_image_list_free(pieces);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned seed = data[0];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;

	berth_container_list *whole = NULL, *pieces = NULL;
	berth_error e1 = BERTH_ERROR_INIT, e2 = BERTH_ERROR_INIT;
	int r1 = engineapi_parse_list(&whole, body, len, &e1);

	eapi_list_reader *p = NULL;
	if (engineapi_list_reader_new(&p) < 0)
		return 0;
	int r2 = feed_pieces(p, feed_list, seed, 64, body, len, &e2);
	if (r2 == 0)
		r2 = engineapi_list_reader_finish(p, &pieces, &e2);
	engineapi_list_reader_free(p);

	if (r1 != r2)
		abort();
	if (r1 == 0) {
		same(whole, pieces);
		/* the Podman health words over the same bytes */
		berth_error e3 = BERTH_ERROR_INIT;
		engineapi_parse_libpod_health(whole, body, len, &e3);
	}
	berth_container_list_free(whole);
	berth_container_list_free(pieces);
	images(seed, body, len);
	return 0;
}
