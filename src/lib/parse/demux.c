/* Framed stdout/stderr streams and line splitting: see demux.h. */
#include "demux.h"

void demux_init(demux *d, bool tty)
{
	memset(d, 0, sizeof *d);
	d->raw = tty;
	d->stream = DEMUX_STDOUT;
}

int demux_next(demux *d, const char **buf, size_t *len, demux_piece *out, berth_error *err)
{
	if (d->failed)
		return berth_fail(err, BERTH_EPROTOCOL, "multiplexed stream: unusable after a bad frame header");
	if (d->raw) {
		if (*len == 0)
			return 0;
		*out = (demux_piece){ DEMUX_STDOUT, *buf, *len, true };
		d->offset += *len;
		*buf += *len;
		*len = 0;
		return 1;
	}
	for (;;) {
		if (d->left == 0 && d->head_len < sizeof d->head) {
			/* collect the header, which may arrive in parts */
			size_t take = sizeof d->head - d->head_len;
			if (take > *len)
				take = *len;
			memcpy(d->head + d->head_len, *buf, take);
			d->head_len += take;
			*buf += take;
			*len -= take;
			d->offset += take;
			if (d->head_len < sizeof d->head)
				return 0;
			const uint8_t *h = d->head;
			if (h[0] > DEMUX_SYSTEM || h[1] || h[2] || h[3]) {
				d->failed = true;
				return berth_fail(err, BERTH_EPROTOCOL,
						  "multiplexed stream: bad frame header %02x %02x %02x %02x at byte %llu "
						  "(a TTY stream read as framed?)",
						  h[0], h[1], h[2], h[3], (unsigned long long)(d->offset - sizeof d->head));
			}
			d->stream = h[0];
			/* unsigned arithmetic throughout: a length byte >= 0x80 is just a big frame */
			d->left = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | (uint32_t)h[7];
			if (d->left == 0) {
				d->head_len = 0; /* an empty frame: nothing to hand out */
				continue;
			}
		}
		if (*len == 0)
			return 0;
		size_t take = *len < d->left ? *len : d->left;
		d->left -= (uint32_t)take;
		*out = (demux_piece){ d->stream, *buf, take, d->left == 0 };
		*buf += take;
		*len -= take;
		d->offset += take;
		if (d->left == 0)
			d->head_len = 0;
		return 1;
	}
}

int demux_finish(const demux *d, berth_error *err)
{
	if (d->failed)
		return berth_fail(err, BERTH_EPROTOCOL, "multiplexed stream: bad frame header");
	if (d->raw || (d->head_len == 0 && d->left == 0))
		return 0;
	if (d->left == 0)
		return berth_fail(err, BERTH_EPROTOCOL, "multiplexed stream: ends inside a frame header (%zu of 8 bytes)",
				  d->head_len);
	return berth_fail(err, BERTH_EPROTOCOL, "multiplexed stream: ends %u bytes short of the frame's end",
			  (unsigned)d->left);
}

/* ---- lines ---------------------------------------------------------------- */

void line_splitter_init(line_splitter *ls, size_t max)
{
	memset(ls, 0, sizeof *ls);
	ls->max = max ? max : 64 * 1024;
}

void line_splitter_release(line_splitter *ls)
{
	for (size_t i = 0; i < DEMUX_STREAMS; i++)
		sbuf_release(&ls->part[i]);
}

static int emit(int stream, const char *line, size_t len, line_cb on_line, void *payload)
{
	if (len && line[len - 1] == '\r')
		len--;
	return on_line(stream, line, len, payload);
}

int line_splitter_feed(line_splitter *ls, int stream, const char *data, size_t len, line_cb on_line, void *payload)
{
	if (stream < 0 || stream >= DEMUX_STREAMS)
		return 0;
	sbuf *part = &ls->part[stream];
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		size_t room = ls->max - part->len;
		if (n > room) {
			/* too long: the first max bytes make a line of their own */
			if (sbuf_add(part, data, room) < 0)
				return -ENOMEM;
			int r = emit(stream, part->data, part->len, on_line, payload);
			sbuf_reset(part);
			data += room;
			len -= room;
			if (r)
				return r;
			continue;
		}
		if (!nl)
			return sbuf_add(part, data, n) < 0 ? -ENOMEM : 0;
		int r;
		if (part->len) {
			if (sbuf_add(part, data, n) < 0)
				return -ENOMEM;
			r = emit(stream, part->data, part->len, on_line, payload);
			sbuf_reset(part);
		} else {
			r = emit(stream, data, n, on_line, payload);
		}
		data += n + 1;
		len -= n + 1;
		if (r)
			return r;
	}
	return 0;
}

int line_splitter_partials(const line_splitter *ls, line_cb on_line, void *payload)
{
	for (int s = 0; s < DEMUX_STREAMS; s++) {
		if (ls->part[s].len == 0)
			continue;
		int r = on_line(s, ls->part[s].data, ls->part[s].len, payload);
		if (r)
			return r;
	}
	return 0;
}
