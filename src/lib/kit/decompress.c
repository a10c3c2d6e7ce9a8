/* The reader that takes gzip or zstd off an archive as it is read (zlib,
 * libzstd): memory stays at two buffers whatever the archive's size. A
 * gzip file of several members and a zstd file of several frames are read
 * through to their end; input that ends inside a member or a frame is an
 * error, as is trailing garbage after a gzip member. */
#include "lib/kit/decompress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CAP (64 * 1024)

struct decomp {
	decomp_source src;
	void *payload;
	char what[64];
	decomp_kind kind;
	bool sniffed;
	bool src_eof;
	bool done;
	bool member_open;      /* inside a gzip member or a zstd frame */
	uint8_t *in;
	size_t in_pos, in_len;
	z_stream z;
	bool z_init;
	ZSTD_DStream *zs;
	uint8_t head[512];     /* the first plain block, read ahead by decomp_prime_tar */
	size_t head_pos, head_len;
	berth_error e;
};

int decomp_new(decomp **out, decomp_source src, void *payload, const char *what, berth_error *err)
{
	decomp *d = calloc(1, sizeof *d);
	if (!d || !(d->in = malloc(IN_CAP))) {
		free(d);
		return BERTH_NOMEM(err);
	}
	d->src = src;
	d->payload = payload;
	snprintf(d->what, sizeof d->what, "%s", what);
	berth_error_clear(&d->e);
	*out = d;
	return 0;
}

void decomp_free(decomp *d)
{
	if (!d)
		return;
	if (d->z_init)
		inflateEnd(&d->z);
	ZSTD_freeDStream(d->zs);
	free(d->in);
	free(d);
}

decomp_kind decomp_kind_of(const decomp *d) { return d->kind; }
const berth_error *decomp_error(const decomp *d) { return &d->e; }

const char *decomp_kind_name(decomp_kind k)
{
	return k == DECOMP_GZIP ? "gzip" : k == DECOMP_ZSTD ? "zstd" : "plain";
}

/* More input behind what is left: 1 when some came, 0 at its end. */
static int fill(decomp *d)
{
	if (d->src_eof)
		return 0;
	if (d->in_pos > 0) {
		memmove(d->in, d->in + d->in_pos, d->in_len - d->in_pos);
		d->in_len -= d->in_pos;
		d->in_pos = 0;
	}
	for (;;) {
		ssize_t n = d->src(d->in + d->in_len, IN_CAP - d->in_len, d->payload);
		if (n < 0) {
			int code = (int)n;
			return berth_fail_full(&d->e, code, 0, errno, "%s: read: %s", d->what,
					       errno ? strerror(errno) : berth_strerror(code));
		}
		if (n == 0) {
			d->src_eof = true;
			return 0;
		}
		d->in_len += (size_t)n;
		return 1;
	}
}

/* Look at the first bytes: at least four of them, unless the input is
 * shorter. */
static int sniff(decomp *d)
{
	while (d->in_len < 4) {
		int r = fill(d);
		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	const uint8_t *b = d->in;
	if (d->in_len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		d->kind = DECOMP_GZIP;
		/* 15 + 32: zlib reads the gzip header itself */
		if (inflateInit2(&d->z, 15 + 32) != Z_OK)
			return BERTH_NOMEM(&d->e);
		d->z_init = true;
	} else if (d->in_len >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
		d->kind = DECOMP_ZSTD;
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs)))
			return BERTH_NOMEM(&d->e);
	}
	d->sniffed = true;
	return 0;
}

static ssize_t read_plain(decomp *d, uint8_t *buf, size_t cap)
{
	if (d->in_pos == d->in_len) {
		d->in_pos = d->in_len = 0;
		int r = fill(d);
		if (r <= 0)
			return r;
	}
	size_t n = d->in_len - d->in_pos < cap ? d->in_len - d->in_pos : cap;
	memcpy(buf, d->in + d->in_pos, n);
	d->in_pos += n;
	return (ssize_t)n;
}

static ssize_t read_gzip(decomp *d, uint8_t *buf, size_t cap)
{
	for (;;) {
		if (d->in_pos == d->in_len) {
			int r = fill(d);
			if (r < 0)
				return r;
			if (r == 0) {
				if (d->member_open)
					return berth_fail(&d->e, BERTH_EINVAL, "%s: the gzip data is cut short", d->what);
				d->done = true;
				return 0;
			}
		}
		if (!d->member_open && d->in[d->in_pos] != 0x1f)
			return berth_fail(&d->e, BERTH_EINVAL, "%s: bytes after the end of the gzip data", d->what);
		d->z.next_in = d->in + d->in_pos;
		d->z.avail_in = (uInt)(d->in_len - d->in_pos);
		d->z.next_out = buf;
		d->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
		d->member_open = true;
		int zr = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos = d->in_len - d->z.avail_in;
		size_t got = (size_t)(d->z.next_out - buf);
		if (zr == Z_STREAM_END) {
			/* the next member, if any, starts afresh */
			inflateReset(&d->z);
			d->member_open = false;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return berth_fail(&d->e, BERTH_EINVAL, "%s: not valid gzip data (%s)", d->what,
					  d->z.msg ? d->z.msg : zError(zr));
		}
		if (got > 0)
			return (ssize_t)got;
	}
}

static ssize_t read_zstd(decomp *d, uint8_t *buf, size_t cap)
{
	for (;;) {
		if (d->in_pos == d->in_len) {
			int r = fill(d);
			if (r < 0)
				return r;
			if (r == 0 && !d->member_open) {
				d->done = true;
				return 0;
			}
		}
		ZSTD_inBuffer in = { d->in, d->in_len, d->in_pos };
		ZSTD_outBuffer o = { buf, cap, 0 };
		size_t zr = ZSTD_decompressStream(d->zs, &o, &in);
		bool progress = in.pos != d->in_pos || o.pos > 0;
		d->in_pos = in.pos;
		if (ZSTD_isError(zr))
			return berth_fail(&d->e, BERTH_EINVAL, "%s: not valid zstd data (%s)", d->what,
					  ZSTD_getErrorName(zr));
		/* 0: a frame is complete and flushed */
		d->member_open = zr != 0;
		if (o.pos > 0)
			return (ssize_t)o.pos;
		if (d->src_eof && d->in_pos == d->in_len && !progress)
			return berth_fail(&d->e, BERTH_EINVAL, "%s: the zstd data is cut short", d->what);
	}
}

static ssize_t read_some(decomp *d, void *buf, size_t cap);

ssize_t decomp_read(void *buf, size_t cap, void *payload)
{
	decomp *d = payload;
	if (d->e.code)
		return d->e.code;
	if (d->head_pos < d->head_len) {
		size_t n = d->head_len - d->head_pos < cap ? d->head_len - d->head_pos : cap;
		memcpy(buf, d->head + d->head_pos, n);
		d->head_pos += n;
		return (ssize_t)n;
	}
	return read_some(d, buf, cap);
}

bool decomp_tar_header_ok(const uint8_t block[512])
{
	/* the checksum field counts as eight spaces; old tars sum signed bytes */
	unsigned long sum = 0;
	long ssum = 0;
	for (size_t i = 0; i < 512; i++) {
		uint8_t b = i >= 148 && i < 156 ? ' ' : block[i];
		sum += b;
		ssum += (signed char)b;
	}
	char field[9];
	memcpy(field, block + 148, 8);
	field[8] = '\0';
	char *end = NULL;
	errno = 0;
	unsigned long want = strtoul(field, &end, 8);
	if (end == field || errno)
		return false;
	for (; end < field + 8; end++)
		if (*end != ' ' && *end != '\0')
			return false;
	return block[0] != '\0' && (want == sum || (long)want == ssum);
}

int decomp_prime_tar(decomp *d, berth_error *err)
{
	while (d->head_len < sizeof d->head) {
		ssize_t n = read_some(d, d->head + d->head_len, sizeof d->head - d->head_len);
		if (n < 0) {
			if (err)
				*err = d->e;
			return (int)n;
		}
		if (n == 0)
			break;
		d->head_len += (size_t)n;
	}
	if (d->head_len < sizeof d->head || !decomp_tar_header_ok(d->head))
		return berth_fail(err, BERTH_EINVAL, "%s: not a tar archive%s", d->what,
				  d->kind == DECOMP_PLAIN ? " (nor a gzip or zstd compressed one)"
				  : d->kind == DECOMP_GZIP ? " inside the gzip data" : " inside the zstd data");
	return 0;
}

static ssize_t read_some(decomp *d, void *buf, size_t cap)
{
	if (!d->sniffed) {
		int r = sniff(d);
		if (r < 0)
			return r;
	}
	if (d->done || cap == 0)
		return 0;
	switch (d->kind) {
	case DECOMP_GZIP:
		return read_gzip(d, buf, cap);
	case DECOMP_ZSTD:
		return read_zstd(d, buf, cap);
	default:
		return read_plain(d, buf, cap);
	}
}

int spool_file_open(const char **dir_out, const char *what, berth_error *err)
{
	const char *dir = getenv("TMPDIR");
	if (isempty(dir))
		dir = "/var/tmp";
	if (dir_out)
		*dir_out = dir;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return berth_fail_full(err, berth_code_from_errno(errno), 0, errno, "%s: a temporary file in %s: %s", what,
				       dir, strerror(errno));
	return fd;
}
