/* Timestamped log entries over the demuxer: see logcut.h. */
#include "logcut.h"

/* Defined in stream.c (the one RFC 3339 reader of the library). */
int parse_rfc3339_ns(const char *s, size_t len, int64_t *out_ns);

void logcut_init(logcut *lc, bool tty, bool timestamps)
{
	memset(lc, 0, sizeof *lc);
	demux_init(&lc->dx, tty);
	lc->tty = tty;
	lc->timestamps = timestamps;
	for (int i = 0; i < DEMUX_STREAMS; i++)
		lc->entry_start[i] = true;
}

/* The held prefix is data after all. `new_entry`: the next byte of the
 * channel still begins an entry (the prefix ran into the entry's end). */
static void give_back(logcut *lc, int st, bool new_entry)
{
	lc->give_back = true;
	lc->ts_stream = st;
	lc->entry_start[st] = new_entry;
	lc->entry_ns[st] = 0;
	lc->fresh[st] = true;
}

/* Collect the prefix at the start of an entry from the current piece. */
static void take_prefix(logcut *lc)
{
	demux_piece *p = &lc->piece;
	int st = p->stream;
	lc->ts_stream = st;
	while (p->len > 0) {
		char ch = *p->data++;
		p->len--;
		if (ch == ' ') {
			int64_t ns = 0;
			if (lc->ts_len > 0 && parse_rfc3339_ns(lc->ts, lc->ts_len, &ns) == (int)lc->ts_len) {
				lc->entry_ns[st] = ns;
				lc->entry_start[st] = false;
				lc->fresh[st] = true;
				lc->ts_len = 0;
				break;
			}
			lc->ts[lc->ts_len++] = ch;
			give_back(lc, st, false);
			break;
		}
		lc->ts[lc->ts_len++] = ch;
		if (lc->tty && ch == '\n') {
			give_back(lc, st, true);   /* a line without a time */
			break;
		}
		if (lc->ts_len == LOGCUT_TS_MAX) {
			give_back(lc, st, false);
			break;
		}
	}
	if (p->len == 0) {
		lc->have_piece = false;
		if (p->frame_end && !lc->tty) {
			/* the entry ends here: what is held was all of it */
			if (lc->ts_len > 0 && !lc->give_back)
				give_back(lc, st, true);
			lc->entry_start[st] = true;
		}
	}
}

int logcut_next(logcut *lc, const char **buf, size_t *len, logcut_frame *out, berth_error *err)
{
	for (;;) {
		if (lc->give_back) {
			lc->give_back = false;
			*out = (logcut_frame){ lc->ts_stream, lc->ts, lc->ts_len, 0, true };
			lc->ts_len = 0;
			lc->fresh[lc->ts_stream] = false;
			return 1;
		}
		if (!lc->have_piece) {
			if (*len == 0)
				return 0;   /* (an empty input may have no buffer at all) */
			int r = demux_next(&lc->dx, buf, len, &lc->piece, err);
			if (r <= 0)
				return r;
			if (lc->piece.stream == DEMUX_STDIN)   /* never sent; ignored */
				continue;
			lc->have_piece = true;
		}
		demux_piece *p = &lc->piece;
		int st = p->stream;
		if (lc->timestamps && lc->entry_start[st]) {
			take_prefix(lc);
			continue;
		}
		size_t n = p->len;
		if (lc->timestamps && lc->tty) {
			const char *nl = memchr(p->data, '\n', p->len);
			if (nl) {
				n = (size_t)(nl - p->data) + 1;
				lc->entry_start[st] = true;
			}
		}
		*out = (logcut_frame){ st, p->data, n, lc->timestamps ? lc->entry_ns[st] : 0,
				       lc->timestamps && lc->fresh[st] };
		lc->fresh[st] = false;
		p->data += n;
		p->len -= n;
		if (p->len == 0) {
			lc->have_piece = false;
			if (lc->timestamps && !lc->tty && p->frame_end)
				lc->entry_start[st] = true;
		}
		return 1;
	}
}

int logcut_finish(logcut *lc, logcut_frame *out, berth_error *err)
{
	int r = demux_finish(&lc->dx, err);
	if (r < 0)
		return r;
	if (lc->give_back || lc->ts_len > 0) {
		/* a TTY stream that ended inside what looked like a time */
		lc->give_back = false;
		*out = (logcut_frame){ lc->ts_stream, lc->ts, lc->ts_len, 0, true };
		lc->ts_len = 0;
		return out->len > 0;
	}
	return 0;
}
