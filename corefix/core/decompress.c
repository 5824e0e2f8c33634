/* Streaming decoders for the formats systemd-coredump (and people) store
 * cores in. One driver reads the file and feeds a per-format step; the
 * step only knows its library. Every failure is one line: a truncated or
 * corrupt stream must never crash, loop or pass as a short core. */
#include "decompress.h"

#include <bzlib.h>
#include <elf.h>
#include <errno.h>
#include <lz4frame.h>
#include <lzma.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum { IN_SIZE = 1 << 18, OUT_SIZE = 1 << 18 };

enum cf_compression cf_compression_of(const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4))
		return CF_ZSTD;
	if (n >= 6 && !memcmp(h, "\xfd" "7zXZ\0", 6))
		return CF_XZ;
	if (n >= 4 && !memcmp(h, "\x04\x22\x4d\x18", 4))
		return CF_LZ4;
	if (n >= 3 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8)  /* deflate, the only method gzip defines */
		return CF_GZIP;
	if (n >= 4 && !memcmp(h, "BZh", 3) && h[3] >= '1' && h[3] <= '9')
		return CF_BZIP2;
	return CF_PLAIN;
}

const char *cf_compression_name(enum cf_compression k)
{
	static const char *const names[] = {NULL, "zstd", "xz", "lz4", "gzip", "bzip2"};
	return (unsigned)k < sizeof names / sizeof *names ? names[k] : NULL;
}

/* One decoder: STEP consumes input from *IN (*INLEN bytes) and writes at most *OUTLEN
 * bytes to OUT (setting *OUTLEN to what it wrote). Returns 0 to go on, 1
 * when a whole stream (frame, member) just ended, -1 with ERR set. EOF
 * tells it no input will follow (xz must be told to finish). */
struct decoder {
	enum cf_compression kind;
	int (*step)(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		    bool eof, char *err, size_t errlen);
	ZSTD_DCtx *zstd;
	lzma_stream xz;
	LZ4F_dctx *lz4;
	z_stream gz;
	bz_stream bz;
	bool bz_open;
};

static int corrupt(const struct decoder *d, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s stream corrupt (%s)", cf_compression_name(d->kind), why);
	return -1;
}

static int step_zstd(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		     bool eof, char *err, size_t errlen)
{
	(void)eof;
	ZSTD_inBuffer ib = {*in, *inlen, 0};
	ZSTD_outBuffer ob = {out, *outlen, 0};
	size_t r = ZSTD_decompressStream(d->zstd, &ob, &ib);
	*in += ib.pos;
	*inlen -= ib.pos;
	*outlen = ob.pos;
	if (ZSTD_isError(r))
		return corrupt(d, ZSTD_getErrorName(r), err, errlen);
	return r == 0;
}

static int step_xz(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		   bool eof, char *err, size_t errlen)
{
	d->xz.next_in = *in;
	d->xz.avail_in = *inlen;
	d->xz.next_out = out;
	d->xz.avail_out = *outlen;
	/* LZMA_CONCATENATED reports the end only when told the input ended. */
	lzma_ret r = lzma_code(&d->xz, eof ? LZMA_FINISH : LZMA_RUN);
	*in = d->xz.next_in;
	*inlen = d->xz.avail_in;
	*outlen -= d->xz.avail_out;
	switch (r) {
	case LZMA_OK: return 0;
	case LZMA_STREAM_END: return 1;
	case LZMA_BUF_ERROR:
		if (eof) {
			snprintf(err, errlen, "xz stream truncated");
			return -1;
		}
		return 0;
	case LZMA_MEM_ERROR:
	case LZMA_MEMLIMIT_ERROR: return corrupt(d, "needs more memory than there is", err, errlen);
	case LZMA_FORMAT_ERROR: return corrupt(d, "bad header", err, errlen);
	case LZMA_OPTIONS_ERROR: return corrupt(d, "unsupported options", err, errlen);
	default: return corrupt(d, "compressed data is corrupt", err, errlen);
	}
}

static int step_lz4(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		    bool eof, char *err, size_t errlen)
{
	(void)eof;
	size_t used = *inlen;
	size_t r = LZ4F_decompress(d->lz4, out, outlen, *in, &used, NULL);
	*in += used;
	*inlen -= used;
	if (LZ4F_isError(r))
		return corrupt(d, LZ4F_getErrorName(r), err, errlen);
	return r == 0;
}

static int step_gzip(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		     bool eof, char *err, size_t errlen)
{
	(void)eof;
	d->gz.next_in = (unsigned char *)*in;
	d->gz.avail_in = *inlen > UINT32_MAX ? UINT32_MAX : (uInt)*inlen;
	d->gz.next_out = out;
	d->gz.avail_out = (uInt)*outlen;
	uInt avail = d->gz.avail_in;
	int r = inflate(&d->gz, Z_NO_FLUSH);
	*in += avail - d->gz.avail_in;
	*inlen -= avail - d->gz.avail_in;
	*outlen -= d->gz.avail_out;
	if (r == Z_STREAM_END) {
		inflateReset(&d->gz);  /* gzip -c a b > c: members follow each other */
		return 1;
	}
	if (r == Z_OK || r == Z_BUF_ERROR)
		return 0;
	return corrupt(d, d->gz.msg ? d->gz.msg : "bad data", err, errlen);
}

static int step_bzip2(struct decoder *d, const unsigned char **in, size_t *inlen, unsigned char *out, size_t *outlen,
		      bool eof, char *err, size_t errlen)
{
	(void)eof;
	if (!d->bz_open) {
		memset(&d->bz, 0, sizeof d->bz);
		if (BZ2_bzDecompressInit(&d->bz, 0, 0) != BZ_OK)
			return corrupt(d, "cannot start the decoder", err, errlen);
		d->bz_open = true;
	}
	d->bz.next_in = (char *)*in;
	d->bz.avail_in = *inlen > UINT32_MAX ? UINT32_MAX : (unsigned)*inlen;
	d->bz.next_out = (char *)out;
	d->bz.avail_out = (unsigned)*outlen;
	unsigned avail = d->bz.avail_in;
	int r = BZ2_bzDecompress(&d->bz);
	*in += avail - d->bz.avail_in;
	*inlen -= avail - d->bz.avail_in;
	*outlen -= d->bz.avail_out;
	if (r == BZ_STREAM_END) {
		BZ2_bzDecompressEnd(&d->bz);  /* the next stream, if any, starts afresh */
		d->bz_open = false;
		return 1;
	}
	if (r == BZ_OK)
		return 0;
	return corrupt(d, r == BZ_MEM_ERROR ? "out of memory" : "compressed data is corrupt", err, errlen);
}

static int decoder_open(struct decoder *d, enum cf_compression k, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->kind = k;
	bool ok = false;
	switch (k) {
	case CF_ZSTD:
		d->step = step_zstd;
		ok = (d->zstd = ZSTD_createDCtx()) != NULL;
		break;
	case CF_XZ:
		d->step = step_xz;
		d->xz = (lzma_stream)LZMA_STREAM_INIT;
		ok = lzma_stream_decoder(&d->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
		break;
	case CF_LZ4:
		d->step = step_lz4;
		ok = !LZ4F_isError(LZ4F_createDecompressionContext(&d->lz4, LZ4F_VERSION));
		break;
	case CF_GZIP:
		d->step = step_gzip;
		ok = inflateInit2(&d->gz, 15 + 16) == Z_OK;  /* +16: gzip wrapper only */
		break;
	case CF_BZIP2:
		d->step = step_bzip2;
		ok = true;
		break;
	case CF_PLAIN: break;
	}
	if (!ok)
		snprintf(err, errlen, "cannot start the %s decoder", k == CF_PLAIN ? "(none)" : cf_compression_name(k));
	return ok ? 0 : -1;
}

static void decoder_close(struct decoder *d)
{
	switch (d->kind) {
	case CF_ZSTD: ZSTD_freeDCtx(d->zstd); break;
	case CF_XZ: lzma_end(&d->xz); break;
	case CF_LZ4: LZ4F_freeDecompressionContext(d->lz4); break;
	case CF_GZIP: inflateEnd(&d->gz); break;
	case CF_BZIP2:
		if (d->bz_open)
			BZ2_bzDecompressEnd(&d->bz);
		break;
	case CF_PLAIN: break;
	}
}

static ssize_t read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r;
	do
		r = pread(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

int cf_decompress(int in, enum cf_compression k, cf_sink_fn sink, void *ctx, void *sha256, char *err, size_t errlen)
{
	struct decoder d;
	if (decoder_open(&d, k, err, errlen) != 0)
		return -1;
	unsigned char *ibuf = malloc(IN_SIZE), *obuf = malloc(OUT_SIZE);
	int rc = ibuf && obuf ? 0 : -1;
	if (rc)
		snprintf(err, errlen, "out of memory");
	/* MID: bytes of a stream were read whose end has not been seen yet. */
	bool mid = false, eof = false;
	off_t off = 0;
	while (rc == 0 && !eof) {
		ssize_t n = read_at(in, ibuf, IN_SIZE, off);
		if (n < 0) {
			snprintf(err, errlen, "read error: %s", strerror(errno));
			rc = -1;
			break;
		}
		eof = n == 0;
		off += n;
		if (sha256 && n)
			sha256_update(sha256, (size_t)n, ibuf);
		const unsigned char *p = ibuf;
		size_t left = (size_t)n;
		for (;;) {
			size_t before = left, outlen = OUT_SIZE;
			int r = d.step(&d, &p, &left, obuf, &outlen, eof, err, errlen);
			if (r < 0) {
				rc = -1;
				break;
			}
			if (before != left || outlen)
				mid = true;
			if (r == 1)
				mid = false;
			if (outlen) {
				int s = sink(ctx, obuf, outlen, err, errlen);
				if (s) {
					rc = s < 0 ? -1 : 1;
					break;
				}
			}
			/* A decoder that filled the output may hold more; one that
			 * neither read nor wrote waits for input. */
			if (outlen == OUT_SIZE)
				continue;
			if (left == 0)
				break;
			/* Input left that the decoder will not take would be
			 * dropped with the next read: a stream it cannot follow. */
			if (before == left && outlen == 0) {
				rc = corrupt(&d, "the decoder stopped taking input", err, errlen);
				break;
			}
		}
	}
	if (rc == 0 && mid) {
		snprintf(err, errlen, "%s stream truncated", cf_compression_name(k));
		rc = -1;
	}
	decoder_close(&d);
	free(ibuf);
	free(obuf);
	return rc < 0 ? -1 : 0;
}

/* xz keeps sizes in the index at the end of each stream; liblzma's file
 * info decoder finds them, asking for the file positions it needs. */
static uint64_t xz_size(int in)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_index *idx = NULL;
	off_t end = lseek(in, 0, SEEK_END);
	if (end <= 0 || lzma_file_info_decoder(&s, &idx, UINT64_MAX, (uint64_t)end) != LZMA_OK)
		return UINT64_MAX;
	unsigned char buf[1 << 14];
	uint64_t pos = 0, size = UINT64_MAX;
	for (int rounds = 0; rounds < 100000; rounds++) {
		if (s.avail_in == 0) {
			ssize_t n = read_at(in, buf, sizeof buf, (off_t)pos);
			if (n <= 0)
				break;
			pos += (uint64_t)n;
			s.next_in = buf;
			s.avail_in = (size_t)n;
		}
		lzma_ret r = lzma_code(&s, LZMA_RUN);
		if (r == LZMA_SEEK_NEEDED) {
			pos = s.seek_pos;
			s.avail_in = 0;
		} else if (r == LZMA_STREAM_END) {
			size = lzma_index_uncompressed_size(idx);
			break;
		} else if (r != LZMA_OK) {
			break;
		}
	}
	if (idx)
		lzma_index_end(idx, NULL);
	lzma_end(&s);
	return size;
}

uint64_t cf_decompressed_size(int in, enum cf_compression k)
{
	unsigned char h[32];
	ssize_t n = read_at(in, h, sizeof h, 0);
	if (n <= 0)
		return UINT64_MAX;
	switch (k) {
	case CF_ZSTD: {
		/* Only the first frame: zstd(1) writes one, with its size when it knew it. */
		unsigned long long s = ZSTD_getFrameContentSize(h, (size_t)n);
		return s == ZSTD_CONTENTSIZE_UNKNOWN || s == ZSTD_CONTENTSIZE_ERROR ? UINT64_MAX : s;
	}
	case CF_LZ4: {
		LZ4F_dctx *d;
		LZ4F_frameInfo_t fi;
		size_t used = (size_t)n;
		uint64_t s = UINT64_MAX;
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
			return s;
		if (!LZ4F_isError(LZ4F_getFrameInfo(d, &fi, h, &used)) && fi.contentSize)
			s = fi.contentSize;
		LZ4F_freeDecompressionContext(d);
		return s;
	}
	case CF_XZ: return xz_size(in);
	default: return UINT64_MAX;  /* gzip's ISIZE is modulo 4 GiB: no help for cores */
	}
}

struct head {
	unsigned char b[18];
	size_t n;
};

static int head_sink(void *ctx, const unsigned char *p, size_t n, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct head *h = ctx;
	size_t take = n < sizeof h->b - h->n ? n : sizeof h->b - h->n;
	memcpy(h->b + h->n, p, take);
	h->n += take;
	return h->n == sizeof h->b;
}

bool cf_compressed_is_core(int in)
{
	unsigned char m[8];
	ssize_t n = read_at(in, m, sizeof m, 0);
	enum cf_compression k = n > 0 ? cf_compression_of(m, (size_t)n) : CF_PLAIN;
	if (k == CF_PLAIN)
		return false;
	struct head h = {.n = 0};
	char err[128];
	if (cf_decompress(in, k, head_sink, &h, NULL, err, sizeof err) != 0 || h.n < sizeof h.b)
		return false;
	const unsigned char *b = h.b;
	return !memcmp(b, ELFMAG, SELFMAG) &&
	       (b[EI_DATA] == ELFDATA2MSB ? b[17] == ET_CORE && b[16] == 0 : b[16] == ET_CORE && b[17] == 0);
}
