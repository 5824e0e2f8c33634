/* Where a compressed core is decompressed to: a sparse file (a core is
 * mostly holes the kernel skipped; writing them as zeros would inflate a
 * 100 MiB .zst into gigabytes), either unlinked in the temporary folder or
 * kept in the cache, named by the SHA-256 of the compressed file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "decompress.h"
#include "diag.h"

enum { PAGE = 4096, BUF = 1 << 20 };
#define MiB(x) ((unsigned long long)((x) >> 20))
/* Without a stated size, stop before the folder is full, not after. */
#define RESERVE (64ull << 20)
#define CHECK_EVERY (64ull << 20)

struct sparse {
	int fd;
	const char *folder;     /* for messages */
	unsigned char *buf;
	size_t fill;
	uint64_t off;           /* file offset of buf[0] */
	uint64_t since_check;   /* data bytes written since the last look at free space */
	bool watch_space;
};

static uint64_t free_bytes(const char *folder)
{
	struct statvfs v;
	if (statvfs(folder, &v) != 0)
		return UINT64_MAX;
	return (uint64_t)v.f_bavail * v.f_frsize;
}

static int no_space(const struct sparse *s, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "no space left in %s after %llu MiB of the decompressed core (point TMPDIR, or --cache-dir for "
		 "the gdb script, at a larger folder)",
		 s->folder, MiB(s->off));
	return -1;
}

static int write_run(struct sparse *s, const unsigned char *p, size_t n, uint64_t at, char *err, size_t errlen)
{
	while (n) {
		ssize_t w = pwrite(s->fd, p, n, (off_t)at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT))
			return no_space(s, err, errlen);
		if (w <= 0) {
			snprintf(err, errlen, "cannot write the decompressed core in %s: %s", s->folder,
				 w < 0 ? strerror(errno) : "nothing written");
			return -1;
		}
		p += w, n -= (size_t)w, at += (uint64_t)w;
		s->since_check += (uint64_t)w;
	}
	if (s->watch_space && s->since_check >= CHECK_EVERY) {
		s->since_check = 0;
		if (free_bytes(s->folder) < RESERVE)
			return no_space(s, err, errlen);
	}
	return 0;
}

/* Zero pages become holes: only runs of non-zero pages are written. */
static int flush(struct sparse *s, char *err, size_t errlen)
{
	static const unsigned char zero[PAGE];
	size_t run = 0, i = 0;
	while (i < s->fill) {
		size_t n = s->fill - i < PAGE ? s->fill - i : PAGE;
		if (memcmp(s->buf + i, zero, n) == 0) {
			if (i > run && write_run(s, s->buf + run, i - run, s->off + run, err, errlen) != 0)
				return -1;
			run = i + n;
		}
		i += n;
	}
	if (s->fill > run && write_run(s, s->buf + run, s->fill - run, s->off + run, err, errlen) != 0)
		return -1;
	s->off += s->fill;
	s->fill = 0;
	return 0;
}

static int sparse_put(void *ctx, const unsigned char *p, size_t n, char *err, size_t errlen)
{
	struct sparse *s = ctx;
	while (n) {
		size_t take = BUF - s->fill < n ? BUF - s->fill : n;
		memcpy(s->buf + s->fill, p, take);
		s->fill += take, p += take, n -= take;
		if (s->fill == BUF && flush(s, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Decompresses IN into the empty file FD (in FOLDER), holes and all. */
static int unpack_into(int in, enum cf_compression k, int fd, const char *folder, struct sha256_ctx *sha, char *err,
		       size_t errlen)
{
	uint64_t want = cf_decompressed_size(in, k), have = free_bytes(folder);
	/* The stated size counts holes too, so this can refuse a core that
	 * would fit; better than filling the folder for everybody. */
	if (want != UINT64_MAX && want > have) {
		snprintf(err, errlen,
			 "decompressed, this core takes up to %llu MiB; %s has %llu MiB free (point TMPDIR, or "
			 "--cache-dir for the gdb script, at a larger folder)",
			 MiB(want), folder, MiB(have));
		return -1;
	}
	struct sparse s = {.fd = fd, .folder = folder, .buf = malloc(BUF), .watch_space = want == UINT64_MAX};
	if (!s.buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = cf_decompress(in, k, sparse_put, &s, sha, err, errlen);
	if (r == 0)
		r = flush(&s, err, errlen);
	/* A trailing hole exists only once the size says so. */
	if (r == 0 && ftruncate(fd, (off_t)s.off) != 0) {
		if (errno == ENOSPC || errno == EDQUOT)
			r = no_space(&s, err, errlen);
		else
			snprintf(err, errlen, "cannot size the decompressed core: %s", strerror(errno)), r = -1;
	}
	free(s.buf);
	return r;
}

static const char *temp_folder(void)
{
	const char *t = getenv("TMPDIR");
	return t && t[0] ? t : "/tmp";
}

/* A file in DIR that never has a name (O_TMPFILE), else one unlinked at
 * once; either way nothing is left behind. */
static int anonymous_file(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char *t = cf_xasprintf("%s/corefix-core-XXXXXX", dir);
	fd = mkostemp(t, O_CLOEXEC);
	if (fd >= 0)
		unlink(t);
	else
		snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
	free(t);
	return fd;
}

int cf_unpack_temp(int in, enum cf_compression k, char *err, size_t errlen)
{
	const char *dir = temp_folder();
	int fd = anonymous_file(dir, err, errlen);
	if (fd < 0)
		return -1;
	if (unpack_into(in, k, fd, dir, NULL, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* mkdir -p with 0700: the cache holds process memory (secrets, often). */
static int mkdirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			int r = mkdir(path, 0700);
			*p = c;
			if (r != 0 && errno != EEXIST)
				return -1;
			if (!c)
				break;
		}
	}
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

char *cf_cache_folder(const char *cache_dir, const char *sub)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (cache_dir && cache_dir[0] == '/')
		return cf_xasprintf("%s/%s", cache_dir, sub);
	if (cache_dir) {
		/* Scripts name what is in there: an absolute path, valid anywhere. */
		char cwd[PATH_MAX];
		return getcwd(cwd, sizeof cwd) ? cf_xasprintf("%s/%s/%s", cwd, cache_dir, sub) : NULL;
	}
	if (xdg && xdg[0] == '/')
		return cf_xasprintf("%s/corefix/%s", xdg, sub);
	if (home && home[0] == '/')
		return cf_xasprintf("%s/.cache/corefix/%s", home, sub);
	return NULL;
}

char *cf_cores_folder(const char *cache_dir, char *err, size_t errlen)
{
	char *dir = cf_cache_folder(cache_dir, "cores");
	if (!dir) {
		snprintf(err, errlen, "no cache folder to keep the decompressed core in ($HOME and $XDG_CACHE_HOME "
				      "unset; use --cache-dir)");
		return NULL;
	}
	if (mkdirs(dir) != 0) {
		snprintf(err, errlen, "cannot create the cache folder %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static int hash_file(int in, char hex[2 * SHA256_DIGEST_SIZE + 1], char *err, size_t errlen)
{
	struct sha256_ctx c;
	sha256_init(&c);
	unsigned char *b = malloc(BUF);
	off_t off = 0;
	ssize_t n = 0;
	while (b && (n = pread(in, b, BUF, off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sha256_update(&c, (size_t)n, b);
		off += n;
	}
	free(b);
	if (!b || n < 0) {
		snprintf(err, errlen, "read error: %s", b ? strerror(errno) : "out of memory");
		return -1;
	}
	unsigned char d[SHA256_DIGEST_SIZE];
	sha256_digest(&c, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* Gives the finished anonymous file FD its name; a copy another run put
 * there first is the same content, so EEXIST is success. */
static int publish(int fd, const char *tmp, const char *path, char *err, size_t errlen)
{
	int r;
	if (tmp) {
		r = rename(tmp, path);
	} else {
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		r = linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
		if (r != 0 && errno == EEXIST)
			r = 0;
	}
	if (r != 0)
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
	return r;
}

int cf_unpack_cached(int in, enum cf_compression k, const char *cache_dir, char **path, bool *reused, char *err,
		     size_t errlen)
{
	*path = NULL;
	*reused = false;
	char *dir = cf_cores_folder(cache_dir, err, errlen);
	if (!dir)
		return -1;
	char want[2 * SHA256_DIGEST_SIZE + 1], got[2 * SHA256_DIGEST_SIZE + 1];
	if (hash_file(in, want, err, errlen) != 0) {
		free(dir);
		return -1;
	}
	char *name = cf_xasprintf("%s/%s.core", dir, want);
	/* Present means complete: a copy gets its name only when finished. */
	int fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		free(dir);
		*path = name;
		*reused = true;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	/* O_TMPFILE leaves nothing after a crash; where the file system lacks
	 * it, a dot-file beside the final name is the next best. */
	char *tmp = NULL;
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		tmp = cf_xasprintf("%s/.%s.core.XXXXXX", dir, want);
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
		free(tmp);
		free(name);
		free(dir);
		return -1;
	}
	struct sha256_ctx sha;
	sha256_init(&sha);
	int r = unpack_into(in, k, fd, dir, &sha, err, errlen);
	if (r == 0) {
		unsigned char d[SHA256_DIGEST_SIZE];
		sha256_digest(&sha, sizeof d, d);
		for (size_t i = 0; i < sizeof d; i++)
			snprintf(got + 2 * i, 3, "%02x", d[i]);
		if (strcmp(got, want) != 0) {
			snprintf(err, errlen, "changed while it was being read");
			r = -1;
		}
	}
	if (r == 0)
		r = publish(fd, tmp, name, err, errlen);
	if (r != 0) {
		if (tmp)
			unlink(tmp);
		close(fd);
		fd = -1;
		free(name);
		name = NULL;
	}
	free(tmp);
	free(dir);
	*path = name;
	return fd;
}
