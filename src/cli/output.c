/* Output helpers of the CLI: a small JSON writer and docker-style tables. */
#include "cli.h"

#include <time.h>

void jw_init(jw *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->f = f;
	w->first[0] = true;
}

/* Separator before a value at the current depth. */
static void jw_sep(jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void jw_open(jw *w, char c)
{
	jw_sep(w);
	fputc(c, w->f);
	if (w->depth + 1 < (int)ARRAY_SIZE(w->first))
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	fputc(c, w->f);
}

void jw_begin_object(jw *w) { jw_open(w, '{'); }
void jw_end_object(jw *w) { jw_close(w, '}'); }
void jw_begin_array(jw *w) { jw_open(w, '['); }
void jw_end_array(jw *w) { jw_close(w, ']'); }

static void jw_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void jw_key(jw *w, const char *key)
{
	jw_sep(w);
	jw_quoted(w->f, key);
	fputc(':', w->f);
	w->after_key = true;
}

void jw_string(jw *w, const char *s)
{
	jw_sep(w);
	if (s)
		jw_quoted(w->f, s);
	else
		fputs("null", w->f);
}

void jw_int(jw *w, long long v) { jw_sep(w); fprintf(w->f, "%lld", v); }
void jw_bool(jw *w, bool v) { jw_sep(w); fputs(v ? "true" : "false", w->f); }
void jw_null(jw *w) { jw_sep(w); fputs("null", w->f); }

void jw_raw(jw *w, const char *json)
{
	jw_sep(w);
	/* Drop the engine's trailing newline so the output stays one line. */
	size_t n = strlen(json);
	while (n && (json[n - 1] == '\n' || json[n - 1] == '\r'))
		n--;
	if (n)
		fwrite(json, 1, n, w->f);
	else
		fputs("null", w->f);
}

void jw_kv_string(jw *w, const char *key, const char *s) { jw_key(w, key); jw_string(w, s); }
void jw_kv_int(jw *w, const char *key, long long v) { jw_key(w, key); jw_int(w, v); }
void jw_kv_bool(jw *w, const char *key, bool v) { jw_key(w, key); jw_bool(w, v); }

/* ---- tables ------------------------------------------------------------------ */

int table_init(table *t, size_t ncols, const char *const *headers)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	return table_add(t, headers);
}

int table_add(table *t, const char *const *row)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strv_push(&t->cells, row[i] ? row[i] : "") < 0)
			return -ENOMEM;
	return 0;
}

/* Display width of UTF-8 text: count code points, not bytes. */
static size_t width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A row of a table's own cells (row 0 is its header). */
static void table_cells(void *ctx, size_t i, const char **cells, char scratch[][128])
{
	(void)scratch;
	const table *t = ctx;
	for (size_t c = 0; c < t->ncols; c++)
		cells[c] = t->cells.items[(i + 1) * t->ncols + c];
}

void table_print(const table *t, FILE *f)
{
	size_t rows = t->ncols ? t->cells.len / t->ncols : 0;
	if (rows == 0)
		return;
	table_print_rows(f, t->ncols, (const char *const *)t->cells.items, rows - 1, table_cells, (void *)t);
}

void table_release(table *t) { strv_release(&t->cells); }

void table_print_rows(FILE *f, size_t ncols, const char *const *headers, size_t nrows, table_row_fn row, void *ctx)
{
	size_t w[16] = { 0 };
	const char *cells[16];
	char scratch[16][128];
	if (ncols > ARRAY_SIZE(w))
		ncols = ARRAY_SIZE(w);
	/* widths: the headers, then every row (formatted, not kept) */
	for (size_t c = 0; c < ncols; c++)
		w[c] = width(headers[c]);
	for (size_t r = 0; r < nrows; r++) {
		row(ctx, r, cells, scratch);
		for (size_t c = 0; c < ncols; c++) {
			size_t n = width(cells[c] ? cells[c] : "");
			if (n > w[c])
				w[c] = n;
		}
	}
	for (size_t r = 0; r <= nrows; r++) {
		if (r == 0)
			memcpy(cells, headers, ncols * sizeof *cells);
		else
			row(ctx, r - 1, cells, scratch);
		for (size_t c = 0; c < ncols; c++) {
			const char *cell = cells[c] ? cells[c] : "";
			fputs(cell, f);
			if (c + 1 < ncols)
				fprintf(f, "%*s", (int)(w[c] - width(cell) + 3), "");
		}
		fputc('\n', f);
	}
}

void human_ago(char *buf, size_t size, int64_t when)
{
	int64_t d = (int64_t)time(NULL) - when;
	if (when <= 0) {
		snprintf(buf, size, "N/A");
		return;
	}
	if (d < 1)
		snprintf(buf, size, "Less than a second ago");
	else if (d < 60)
		snprintf(buf, size, "%lld second%s ago", (long long)d, d == 1 ? "" : "s");
	else if (d < 120)
		snprintf(buf, size, "About a minute ago");
	else if (d < 3600)
		snprintf(buf, size, "%lld minutes ago", (long long)(d / 60));
	else if (d < 7200)
		snprintf(buf, size, "About an hour ago");
	else if (d < 2 * 86400)
		snprintf(buf, size, "%lld hours ago", (long long)(d / 3600));
	else if (d < 14 * 86400)
		snprintf(buf, size, "%lld days ago", (long long)(d / 86400));
	else if (d < 60 * 86400)
		snprintf(buf, size, "%lld weeks ago", (long long)(d / (7 * 86400)));
	else if (d < 730 * 86400)
		snprintf(buf, size, "%lld months ago", (long long)(d / (30 * 86400)));
	else
		snprintf(buf, size, "%lld years ago", (long long)(d / (365 * 86400)));
}

void short_command(char *buf, size_t size, const char *cmd, size_t max)
{
	if (size < 8)
		return;
	size_t n = strlen(cmd);
	if (max + 3 > size)
		max = size - 3;
	if (n > max)
		snprintf(buf, size, "\"%.*s…\"", (int)(max - 1), cmd);
	else
		snprintf(buf, size, "\"%s\"", cmd);
}

void human_size(char *buf, size_t size, int64_t n, int digits)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = n > 0 ? (double)n : 0;
	size_t u = 0;
	while (v >= 1000 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, "%.*g%s", digits, v, units[u]);
}
