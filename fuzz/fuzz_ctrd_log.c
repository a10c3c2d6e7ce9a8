/* Fuzz target: berth's containerd log records (src/lib/engines/containerd/
 * ctrd_logfmt.c), the parser the log reader runs over every line of a log file.
 *
 * The input is cut into lines at "\n"; each line goes to ctrd_logfmt_parse in
 * an exactly sized heap block. What must hold: no crash or overread; a
 * parsed record's payload lies inside its line and within the bound; a
 * record written back with ctrd_logfmt_format parses to the same record. */
#include "fuzz.h"

#include "lib/engines/containerd/ctrd_logfmt.h"

static char again[LOGFMT_RECORD_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *line = malloc(len ? len : 1);
		if (!line)
			return 0;
		memcpy(line, p, len);
		logfmt_record r;
		if (ctrd_logfmt_parse(&r, line, len) == 0) {
			if (r.kind != LOGFMT_END &&
			    (r.data < line || r.data + r.len > line + len || r.len > LOGFMT_LINE_MAX))
				abort();
			size_t n = ctrd_logfmt_format(again, r.kind, r.partial, r.time_ns, r.data, r.len);
			logfmt_record back;
			if (n == 0 || again[n - 1] != '\n' || ctrd_logfmt_parse(&back, again, n - 1) < 0 ||
			    back.kind != r.kind || back.time_ns != r.time_ns || back.len != r.len ||
			    back.partial != r.partial || (r.len && memcmp(back.data, r.data, r.len) != 0))
				abort();
		}
		if (ctrd_logfmt_peek_kind(line, len) == 0 && ctrd_logfmt_parse(&r, line, len) == 0)
			abort();
		free(line);
		p += len + 1;
	}
	return 0;
}
