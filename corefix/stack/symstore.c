/* Symbol facts kept between runs. A file per build-id holds what the
 * symbolizer found at each link-time address of that build: function,
 * offset, file:line:column and the inline chain. They hold for every core
 * of that build, so a second run over a core of the same libraries reads
 * a few kilobytes instead of opening and decompressing their debug info
 * (libc6-dbg's compressed DWARF: most of a single core's time).
 *
 * The files are a cache, never trusted: each is read whole, bounds-checked
 * and checksummed, and used only when it names this format, this build-id
 * and the same debug info (IDENT: which separate debug file, its size,
 * time and inode, or none) — installing or removing libc6-dbg makes the
 * old facts stale, and they are learned again. Writers write a temporary
 * file and rename it, so a reader sees a whole file or the previous one;
 * two runs at once each write whole files and the later rename wins. */
#include "symstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "elfimage.h"

/* Bump when the file layout or what the symbolizer puts in a frame changes. */
static const char magic[8] = {'c', 'f', 's', 'y', 'm', 0, 0, 1};
enum { MAX_FILE = 64 << 20, MAX_STR = 1 << 16, MAX_INL = 256 };

struct cf_symstore {
	char *dir;
	int dfd;
};

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

uint64_t cf_symstore_bound(void)
{
	const char *s = getenv("COREFIX_CACHE_MAX");
	char *end;
	unsigned long long v = s && *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
	if (!v)
		return 1ull << 30;
	int shift = !*end ? 0 : !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : -1;
	return shift < 0 || v > (UINT64_MAX >> shift) ? 1ull << 30 : (uint64_t)v << shift;
}

/* Makes PATH and its parents (0700), like mkdir -p. */
static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			int r = mkdir(path, 0700);
			*p = '/';
			if (r != 0 && errno != EEXIST)
				return -1;
		}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

struct cf_symstore *cf_symstore_open(const char *cache_dir)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir;
	if (cache_dir)
		dir = cf_xasprintf("%s/symbols", cache_dir);
	else if (xdg && xdg[0] == '/')
		dir = cf_xasprintf("%s/corefix/symbols", xdg);
	else if (home && home[0] == '/')
		dir = cf_xasprintf("%s/.cache/corefix/symbols", home);
	else
		return NULL;
	int dfd = mkdirs(dir) == 0 ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) : -1;
	struct stat st;
	/* Facts from a folder someone else can write would be theirs. */
	if (dfd < 0 || fstat(dfd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		if (dfd >= 0)
			close(dfd);
		free(dir);
		return NULL;
	}
	struct cf_symstore *s = cf_xcalloc(1, sizeof *s);
	s->dir = dir;
	s->dfd = dfd;
	return s;
}

void cf_symstore_close(struct cf_symstore *s)
{
	if (!s)
		return;
	close(s->dfd);
	free(s->dir);
	free(s);
}

static void file_name(const unsigned char *bid, size_t len, char *out)
{
	cf_hex(bid, len, out);
}

/* --- reading: every length and count checked against what is left --- */

struct rd {
	const unsigned char *p, *end;
	bool bad;
};

/* N bytes into OUT, or zeros and R marked bad when fewer are left. */
static void rd_raw(struct rd *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

static uint64_t rd_u64(struct rd *r)
{
	uint64_t v;
	rd_raw(r, &v, sizeof v);
	return v;
}

static uint32_t rd_u32(struct rd *r)
{
	uint32_t v;
	rd_raw(r, &v, sizeof v);
	return v;
}

/* A string: u32 length (UINT32_MAX: none), then its bytes, no NUL inside. */
static char *rd_str(struct rd *r)
{
	uint32_t n = rd_u32(r);
	if (r->bad || n == UINT32_MAX)
		return NULL;
	if (n > MAX_STR || (size_t)(r->end - r->p) < n || memchr(r->p, 0, n)) {
		r->bad = true;
		return NULL;
	}
	char *s = cf_xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

static bool rd_frame(struct rd *r, struct cf_frame *f)
{
	memset(f, 0, sizeof *f);
	f->function_offset = rd_u64(r);
	f->line = (int)rd_u32(r);
	f->column = (int)rd_u32(r);
	f->function = rd_str(r);
	f->file = rd_str(r);
	uint32_t ninl = rd_u32(r);
	if (!r->bad && ninl <= MAX_INL && ninl) {
		f->inl = cf_xcalloc(ninl, sizeof *f->inl);
		for (uint32_t j = 0; j < ninl && !r->bad; j++, f->ninl++) {
			f->inl[j].line = (int)rd_u32(r);
			f->inl[j].column = (int)rd_u32(r);
			f->inl[j].function = rd_str(r);
			f->inl[j].file = rd_str(r);
		}
	} else if (ninl > MAX_INL) {
		r->bad = true;
	}
	if (r->bad)
		cf_frame_free_symbols(f);
	return !r->bad;
}

/* The whole file, or NULL: not a regular file of ours, too large, unreadable. */
static unsigned char *slurp(int fd, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_size < 24 ||
	    st.st_size > MAX_FILE)
		return NULL;
	size_t n = (size_t)st.st_size, got = 0;
	unsigned char *buf = cf_xmalloc(n);
	while (got < n) {
		ssize_t k = pread(fd, buf + got, n - got, (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != n) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

long cf_symstore_load(struct cf_symstore *s, const unsigned char *bid, size_t len, const char *ident,
		      void (*put)(void *arg, uint64_t addr, const struct cf_frame *f), void *arg)
{
	char name[2 * CF_BUILDID_MAX + 1];
	file_name(bid, len, name);
	int fd = openat(s->dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -1;
	size_t n = 0;
	unsigned char *buf = slurp(fd, &n);
	if (!buf) {
		close(fd);
		return -1;
	}
	/* Layout: magic, build-id, ident, count, entries, FNV-1a of all before. */
	uint64_t sum;
	memcpy(&sum, buf + n - 8, 8);
	struct rd r = {buf, buf + n - 8, false};
	long count = -1;
	if (memcmp(buf, magic, sizeof magic) != 0 || fnv(buf, n - 8) != sum)
		goto out;
	r.p += sizeof magic;
	uint32_t bl = rd_u32(&r);
	if (r.bad || bl != len || (size_t)(r.end - r.p) < bl || memcmp(r.p, bid, len) != 0)
		goto out;
	r.p += bl;
	char *id = rd_str(&r);
	bool same = id && !strcmp(id, ident);
	free(id);
	uint32_t ne = rd_u32(&r);
	if (!same || r.bad || ne > (size_t)(r.end - r.p) / 32)
		goto out;
	/* All entries are checked before any is used: a bad one discards the file. */
	struct cf_frame *f = cf_xcalloc(ne ? ne : 1, sizeof *f);
	uint64_t *at = cf_xcalloc(ne ? ne : 1, sizeof *at);
	uint32_t ok = 0;
	while (ok < ne) {
		at[ok] = rd_u64(&r);
		if (r.bad || !rd_frame(&r, &f[ok]))
			break;
		ok++;
	}
	if (ok == ne && r.p == r.end) {
		for (uint32_t i = 0; i < ne; i++)
			put(arg, at[i], &f[i]);
		count = ne;
	}
	for (uint32_t i = 0; i < ok; i++)
		cf_frame_free_symbols(&f[i]);
	free(f);
	free(at);
out:
	if (count >= 0)
		futimens(fd, NULL);  /* used now: the last to be evicted */
	close(fd);
	free(buf);
	return count;
}

/* --- writing --- */

struct wr {
	unsigned char *b;
	size_t n, cap;
};

static void wr_bytes(struct wr *w, const void *p, size_t n)
{
	if (w->n + n > w->cap) {
		while (w->n + n > w->cap)
			w->cap = w->cap ? 2 * w->cap : 4096;
		w->b = cf_xrealloc(w->b, w->cap, 1);
	}
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void wr_u32(struct wr *w, uint32_t v)
{
	wr_bytes(w, &v, 4);
}

static void wr_u64(struct wr *w, uint64_t v)
{
	wr_bytes(w, &v, 8);
}

static void wr_str(struct wr *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!s || n > MAX_STR) {
		wr_u32(w, UINT32_MAX);
		return;
	}
	wr_u32(w, (uint32_t)n);
	wr_bytes(w, s, n);
}

struct aged {
	char name[NAME_MAX + 1];
	struct timespec t;
	uint64_t size;
};

static int by_age(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;
	if (x->t.tv_sec != y->t.tv_sec)
		return x->t.tv_sec < y->t.tv_sec ? -1 : 1;
	return x->t.tv_nsec < y->t.tv_nsec ? -1 : x->t.tv_nsec > y->t.tv_nsec;
}

/* Least recently used first (loads touch a file's time) until the folder
 * holds no more than the bound; KEEP, just written, goes last. */
static void evict(struct cf_symstore *s, const char *keep)
{
	uint64_t bound = cf_symstore_bound(), total = 0;
	int dfd = dup(s->dfd);
	if (dfd >= 0)
		lseek(dfd, 0, SEEK_SET);  /* a dup shares the offset of the last scan */
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	time_t now = time(NULL);
	struct aged *v = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(s->dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		/* A temporary file an hour old was left by a writer that died. */
		if (e->d_name[0] == '.') {
			if (st.st_mtim.tv_sec < now - 3600)
				unlinkat(s->dfd, e->d_name, 0);
			continue;
		}
		v = cf_grow(v, n, sizeof *v);
		snprintf(v[n].name, sizeof v[n].name, "%s", e->d_name);
		v[n].t = st.st_mtim;
		v[n].size = (uint64_t)st.st_blocks * 512 > (uint64_t)st.st_size ? (uint64_t)st.st_blocks * 512
										 : (uint64_t)st.st_size;
		if (!strcmp(e->d_name, keep))
			v[n].t.tv_sec = INT64_MAX;
		total += v[n].size;
		n++;
	}
	closedir(d);
	if (total > bound) {
		qsort(v, n, sizeof *v, by_age);
		for (size_t i = 0; i < n && total > bound; i++)
			if (unlinkat(s->dfd, v[i].name, 0) == 0)
				total -= v[i].size;
	}
	free(v);
}

int cf_symstore_save(struct cf_symstore *s, const unsigned char *bid, size_t len, const char *ident, size_t n,
		     const uint64_t *addr, const struct cf_frame *const *f)
{
	struct wr w = {0};
	wr_bytes(&w, magic, sizeof magic);
	wr_u32(&w, (uint32_t)len);
	wr_bytes(&w, bid, len);
	wr_str(&w, ident);
	wr_u32(&w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		wr_u64(&w, addr[i]);
		wr_u64(&w, f[i]->function_offset);
		wr_u32(&w, (uint32_t)f[i]->line);
		wr_u32(&w, (uint32_t)f[i]->column);
		wr_str(&w, f[i]->function);
		wr_str(&w, f[i]->file);
		wr_u32(&w, (uint32_t)f[i]->ninl);
		for (size_t j = 0; j < f[i]->ninl; j++) {
			wr_u32(&w, (uint32_t)f[i]->inl[j].line);
			wr_u32(&w, (uint32_t)f[i]->inl[j].column);
			wr_str(&w, f[i]->inl[j].function);
			wr_str(&w, f[i]->inl[j].file);
		}
	}
	wr_u64(&w, fnv(w.b, w.n));
	char name[2 * CF_BUILDID_MAX + 1];
	file_name(bid, len, name);
	/* Dot-named, so eviction and readers never take it for an entry. */
	char tmp[2 * CF_BUILDID_MAX + 32];
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 8; tries++) {
		snprintf(tmp, sizeof tmp, ".%s.%ld.%d", name, (long)getpid(), tries);
		fd = openat(s->dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	int r = -1;
	if (fd >= 0) {
		size_t done = 0;
		while (done < w.n) {
			ssize_t k = write(fd, w.b + done, w.n - done);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			done += (size_t)k;
		}
		r = close(fd) == 0 && done == w.n && renameat(s->dfd, tmp, s->dfd, name) == 0 ? 0 : -1;
		if (r != 0)
			unlinkat(s->dfd, tmp, 0);
	}
	free(w.b);
	if (r == 0)
		evict(s, name);
	return r;
}
