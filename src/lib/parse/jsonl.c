/* The JSON-lines splitter. A line that lies whole inside the input is
 * handed out in place; only a line cut across inputs is copied. */
#include "jsonl.h"

void jsonl_init(jsonl *j, size_t max)
{
	memset(j, 0, sizeof *j);
	j->max = max;
}

void jsonl_release(jsonl *j) { sbuf_release(&j->part); }

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static void trim_cr(const char **line, size_t *n)
{
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	(void)line;
}

int jsonl_next(jsonl *j, const char **buf, size_t *len, const char **line, size_t *line_len, berth_error *err)
{
	if (j->handed) {
		sbuf_reset(&j->part);
		j->handed = false;
	}
	while (*len > 0) {
		const char *nl = memchr(*buf, '\n', *len);
		size_t take = nl ? (size_t)(nl - *buf) : *len;
		if (j->part.len + take > j->max)
			return berth_fail(err, BERTH_EPROTOCOL, "a JSON line longer than %zu bytes", j->max);
		if (!nl) {
			if (sbuf_add(&j->part, *buf, take) < 0)
				return BERTH_NOMEM(err);
			*buf += take;
			*len = 0;
			return 0;
		}
		const char *start = *buf;
		*buf += take + 1;
		*len -= take + 1;
		const char *l = start;
		size_t n = take;
		if (j->part.len > 0) {
			if (sbuf_add(&j->part, start, take) < 0)
				return BERTH_NOMEM(err);
			l = j->part.data;
			n = j->part.len;
			j->handed = true;
		}
		if (blank(l, n)) {
			sbuf_reset(&j->part);
			j->handed = false;
			continue;
		}
		trim_cr(&l, &n);
		*line = l;
		*line_len = n;
		return 1;
	}
	return 0;
}

int jsonl_finish(jsonl *j, const char **line, size_t *line_len)
{
	if (j->handed) {
		sbuf_reset(&j->part);
		j->handed = false;
	}
	if (j->part.len == 0 || blank(j->part.data, j->part.len))
		return 0;
	*line = j->part.data;
	*line_len = j->part.len;
	trim_cr(line, line_len);
	j->handed = true;
	return 1;
}
