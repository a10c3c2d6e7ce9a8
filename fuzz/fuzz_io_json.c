/* Fuzz target: the stats, top, changes and path-stat parsers
 * (engineapi/eapi_parse_io.c) and the JSON-lines splitter (parse/jsonl.c).
 *
 * The first byte picks what runs on the rest:
 *   's' stats   't' top (text rows cut)   'T' top (as sent)   'c' changes
 *   'p' path stat (the rest as the header's base64 text)
 *   'i' the new image id of a commit or import reply
 *   anything else: the rest is a JSON-lines stream, split in slices of
 *   (byte % 7 + 1) bytes, each line parsed as stats.
 * What must hold: no crash or overread; every accessor in range answers,
 * one past the end answers NULL; the CPU and memory percents are finite
 * and not negative; split lines never exceed the maximum. */
#include "fuzz.h"

#include "lib/engines/engineapi/eapi_parse_io.h"
#include "lib/parse/jsonl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096

static size_t sink;
static void use(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void check_stats(const char *body, size_t len)
{
	berth_stats *s = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_stats(&s, body, len, &err) < 0) {
		use(err.message);
		return;
	}
	double cpu = berth_stats_cpu_percent(s), mem = berth_stats_memory_percent(s);
	if (!isfinite(cpu) || cpu < 0 || !isfinite(mem) || mem < 0)
		abort();
	if (berth_stats_memory_usage(s) > 0 && berth_stats_memory_limit(s) >= berth_stats_memory_usage(s) &&
	    mem > 100.0 + 1e-9)
		abort();
	use(berth_stats_id(s));
	use(berth_stats_name(s));
	use(berth_stats_raw_json(s));
	sink += berth_stats_net_rx(s) + berth_stats_block_read(s) + berth_stats_pids(s);
	berth_stats_free(s);
}

static void check_top(const char *body, size_t len, bool split)
{
	berth_top *t = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_top(&t, body, len, split, &err) < 0) {
		use(err.message);
		return;
	}
	size_t cols = berth_top_title_count(t), rows = berth_top_row_count(t);
	for (size_t c = 0; c < cols; c++)
		use(berth_top_title(t, c));
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			if (!berth_top_cell(t, r, c))
				abort();
			use(berth_top_cell(t, r, c));
		}
	if (berth_top_title(t, cols) || berth_top_cell(t, rows, 0) || berth_top_cell(t, 0, cols))
		abort();
	berth_top_free(t);
}

static void check_changes(const char *body, size_t len)
{
	berth_changes *ch = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_changes(&ch, body, len, &err) < 0) {
		use(err.message);
		return;
	}
	for (size_t i = 0; i < berth_changes_count(ch); i++) {
		use(berth_changes_path(ch, i));
		if (i > 0 && strcmp(berth_changes_path(ch, i - 1), berth_changes_path(ch, i)) > 0)
			abort();
		use(berth_change_kind_letter(berth_changes_kind(ch, i)));
	}
	if (berth_changes_path(ch, berth_changes_count(ch)))
		abort();
	berth_changes_free(ch);
}

static void check_path_stat(const char *body, size_t len)
{
	char *text = malloc(len + 1);
	if (!text)
		return;
	memcpy(text, body, len);
	text[len] = '\0';
	berth_path_info *p = NULL;
	berth_error err = BERTH_ERROR_INIT;
	if (engineapi_parse_path_stat(&p, text, &err) == 0) {
		use(berth_path_info_name(p));
		use(berth_path_info_link_target(p));
		sink += berth_path_info_mode(p) + (size_t)berth_path_info_size(p);
		berth_path_info_free(p);
	} else {
		use(err.message);
	}
	free(text);
}

static void check_lines(const char *body, size_t len, size_t step)
{
	jsonl j;
	jsonl_init(&j, LINE_MAX_BYTES);
	berth_error err = BERTH_ERROR_INIT;
	const char *line;
	size_t n;
	for (size_t off = 0; off < len; off += step) {
		const char *p = body + off;
		size_t left = len - off < step ? len - off : step;
		int r;
		while ((r = jsonl_next(&j, &p, &left, &line, &n, &err)) == 1) {
			if (n > LINE_MAX_BYTES)
				abort();
			check_stats(line, n);
		}
		if (r < 0)
			goto done;
	}
	if (jsonl_finish(&j, &line, &n) == 1)
		check_stats(line, n);
done:
	jsonl_release(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *body = fuzz_body(data, size, &len);
	if (!body)
		return 0;
	switch (data[0]) {
	case 's':
		check_stats(body, len);
		break;
	case 't':
	case 'T':
		check_top(body, len, data[0] == 't');
		break;
	case 'c':
		check_changes(body, len);
		break;
	case 'p':
		check_path_stat(body, len);
		break;
	case 'i': {
		char *id = NULL;
		berth_error err = BERTH_ERROR_INIT;
		if (engineapi_parse_new_image_id(&id, body, len, "fuzz", &err) == 0) {
			if (strncmp(id, "sha256:", 7) != 0 || strlen(id) != 71)
				abort();
			free(id);
		} else {
			use(err.message);
		}
		break;
	}
	default:
		check_lines(body, len, (size_t)(data[0] % 7) + 1);
		break;
	}
	free(body);
	return 0;
}
