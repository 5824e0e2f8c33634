/* Compressed cores (systemd-coredump stores them as .zst, .xz or .lz4):
 * known by their magic bytes, never by their names, and decompressed once
 * into a sparse file that the core reader maps like a plain core. */
#ifndef COREFIX_DECOMPRESS_H
#define COREFIX_DECOMPRESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cf_compression { CF_PLAIN, CF_ZSTD, CF_XZ, CF_LZ4, CF_GZIP, CF_BZIP2 };

/* The format whose magic bytes start HEAD (N bytes: the file's start);
 * CF_PLAIN when none does. */
enum cf_compression cf_compression_of(const unsigned char *head, size_t n);
/* "zstd", "xz", …; NULL for CF_PLAIN. */
const char *cf_compression_name(enum cf_compression k);

/* Receives decompressed bytes in order. Returns 0 to go on, 1 to stop
 * early without error (enough seen), -1 to fail (reason already in ERR). */
typedef int (*cf_sink_fn)(void *ctx, const unsigned char *p, size_t n, char *err, size_t errlen);

/* Streams the file IN, from offset 0 to its end, through K's decoder into
 * SINK. SHA256 (a struct sha256_ctx *, may be NULL) is fed every compressed
 * byte read. Returns 0, or -1 with one line in ERR ("zstd stream
 * truncated", "xz stream corrupt (…)"). Concatenated streams are read as
 * one, as the command-line tools do. */
int cf_decompress(int in, enum cf_compression k, cf_sink_fn sink, void *ctx, void *sha256, char *err,
		  size_t errlen);

/* The decompressed size the stream's headers state, or UINT64_MAX when
 * they do not (a streaming compressor leaves it out). */
uint64_t cf_decompressed_size(int in, enum cf_compression k);

/* True when IN (any offset) is compressed and decompresses to the header
 * of an ELF core: what a folder scan keeps, without decompressing it all. */
bool cf_compressed_is_core(int in);

/* A compressed core IN decompressed into a sparse, already unlinked file
 * in $TMPDIR (else /tmp): nothing remains once the descriptor is closed,
 * even after a crash. Returns the descriptor, or -1 with a reason in ERR. */
int cf_unpack_temp(int in, enum cf_compression k, char *err, size_t errlen);

/* The same, kept for debuggers that need a plain core on disk: the file
 * ROOT/cores/<sha256 of the compressed file>.core, where ROOT is CACHE_DIR,
 * else $XDG_CACHE_HOME/corefix, else ~/.cache/corefix. A complete copy
 * already there is reused (*REUSED); a new one only ever appears complete.
 * Returns a descriptor of it and its name in *PATH (caller frees). */
int cf_unpack_cached(int in, enum cf_compression k, const char *cache_dir, char **path, bool *reused, char *err,
		     size_t errlen);

/* The folder copies of cores are kept in (CACHE_DIR/cores, else
 * $XDG_CACHE_HOME/corefix/cores, else ~/.cache/corefix/cores), made when
 * missing. NULL with the reason in ERR. Caller frees. */
char *cf_cores_folder(const char *cache_dir, char *err, size_t errlen);
/* SUB under corefix's cache: CACHE_DIR (made absolute) when given, else
 * $XDG_CACHE_HOME/corefix, else ~/.cache/corefix; NULL when none is known.
 * Not created. Caller frees. */
char *cf_cache_folder(const char *cache_dir, const char *sub);

#endif
