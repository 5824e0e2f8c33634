/* `corefix bundle`: the archive writer. The archive is pax tar
 * (sparse entries are GNU sparse 1.0 inside pax headers, which GNU tar,
 * bsdtar and libarchive read) compressed with zstd, written by libarchive. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive_lib.h"
#include "bundle.h"
#include "bundle_scripts.h"

struct region {
	uint64_t off, len;
};

struct writer {
	const struct cf_archive_lib *L;
	struct archive *a;
	struct cf_diag *d;
	const char *output;
	bool quiet;
	uint64_t total, done;   /* data bytes, for progress */
	int tenth;              /* last 10% step reported */
	char *buf;              /* 1 MiB of read buffer */
	const char *zeros;      /* 1 MiB of zeros: a hole is fed as zeros the pax writer skips */
};

enum { CHUNK = 1 << 20 };
/* Below this the bundle is quick enough that progress lines are noise. */
#define PROGRESS_FROM (64ull << 20)

static int archive_fail(struct writer *w, const char *what)
{
	return cf_fail(w->d, "%s: %s: %s", w->output, what, w->L->error_string(w->a));
}

static void progress(struct writer *w, uint64_t n)
{
	w->done += n;
	if (w->quiet || w->total < PROGRESS_FROM)
		return;
	int t = (int)(w->done * 10 / w->total);
	if (t > w->tenth) {
		w->tenth = t;
		fprintf(stderr, "corefix: bundle: %d%% (%llu of %llu MiB)\n", t * 10,
			(unsigned long long)(w->done >> 20), (unsigned long long)(w->total >> 20));
	}
}

static struct archive_entry *new_entry(const struct writer *w, const char *name, uint64_t size, mode_t perm, time_t mtime)
{
	struct archive_entry *e = w->L->entry_new();
	w->L->entry_set_pathname(e, name);
	w->L->entry_set_filetype(e, AE_IFREG);
	w->L->entry_set_perm(e, perm);
	w->L->entry_set_size(e, (la_int64_t)size);
	w->L->entry_set_mtime(e, mtime, 0);
	return e;
}

static int write_all(struct writer *w, const void *p, size_t n)
{
	la_ssize_t r = w->L->write_data(w->a, p, n);
	if (r < 0)
		return archive_fail(w, "cannot write");
	return 0;
}

/* A member made in memory (manifest, scripts). */
static int add_text(struct writer *w, const char *name, char *text, size_t len)
{
	struct archive_entry *e = new_entry(w, name, len, 0644, time(NULL));
	int r = w->L->write_header(w->a, e) != ARCHIVE_OK ? archive_fail(w, name) : write_all(w, text, len);
	w->L->entry_free(e);
	free(text);
	return r;
}

typedef void (*gen_fn)(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);

static int add_generated(struct writer *w, const char *name, gen_fn gen, const struct cf_model *m,
			 const struct cf_bundle_plan *plan)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return cf_fail(w->d, "%s: %s", w->output, strerror(errno));
	gen(f, m, plan);
	fclose(f);
	return add_text(w, name, text, len);
}

/* The data regions of FD: SEEK_DATA/SEEK_HOLE where the filesystem knows
 * them, else the whole file as one region. */
static struct region *data_regions(int fd, uint64_t size, size_t *n)
{
	struct region *r = NULL;
	*n = 0;
	off_t pos = 0, end = (off_t)size;
	while (pos < end) {
		off_t data = lseek(fd, pos, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		if (data < 0)
			data = pos;
		off_t hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		if (hole > data) {
			r = cf_grow(r, *n, sizeof *r);
			r[(*n)++] = (struct region){(uint64_t)data, (uint64_t)(hole - data)};
		}
		pos = hole;
	}
	return r;
}

/* The same for bytes in memory (a compressed core, decompressed): runs of
 * zero blocks become holes, so the bundle and its unpacked core stay
 * sparse as a kernel-written one would be. */
static struct region *zero_regions(const unsigned char *p, uint64_t size, size_t *n)
{
	enum { BLOCK = 1 << 16 };
	struct region *r = NULL;
	*n = 0;
	for (uint64_t off = 0; off < size; off += BLOCK) {
		uint64_t len = size - off < BLOCK ? size - off : BLOCK;
		bool zero = p[off] == 0 && memcmp(p + off, p + off + 1, len - 1) == 0;
		if (zero)
			continue;
		if (*n && r[*n - 1].off + r[*n - 1].len == off) {
			r[*n - 1].len += len;
		} else {
			r = cf_grow(r, *n, sizeof *r);
			r[(*n)++] = (struct region){off, len};
		}
	}
	return r;
}

/* One sparse member: REGIONS of FD (or of MEM) hold data, the rest holes.
 * The pax writer wants the whole logical stream and skips what the sparse
 * map calls holes, so holes cost a loop, never bytes. */
static int add_sparse(struct writer *w, const char *name, int fd, const unsigned char *mem, uint64_t size,
		      const struct region *rg, size_t nrg, mode_t perm, time_t mtime)
{
	struct archive_entry *e = new_entry(w, name, size, perm, mtime);
	/* One region covering the file is no sparse file: a plain entry. */
	if (!(nrg == 1 && rg[0].off == 0 && rg[0].len == size))
		for (size_t i = 0; i < nrg; i++)
			w->L->entry_sparse_add_entry(e, (la_int64_t)rg[i].off, (la_int64_t)rg[i].len);
	int r = 0;
	if (w->L->write_header(w->a, e) != ARCHIVE_OK)
		r = archive_fail(w, name);
	w->L->entry_free(e);
	uint64_t pos = 0;
	for (size_t i = 0; r == 0 && i < nrg; i++) {
		while (r == 0 && pos < rg[i].off) {
			uint64_t n = rg[i].off - pos < CHUNK ? rg[i].off - pos : CHUNK;
			r = write_all(w, w->zeros, (size_t)n);
			pos += n;
		}
		while (r == 0 && pos < rg[i].off + rg[i].len) {
			uint64_t want = rg[i].off + rg[i].len - pos;
			size_t n = want < CHUNK ? (size_t)want : CHUNK;
			if (mem) {
				r = write_all(w, mem + pos, n);
			} else {
				ssize_t got = pread(fd, w->buf, n, (off_t)pos);
				if (got <= 0)
					return cf_fail(w->d, "%s: %s changed while it was read (%s)", w->output, name,
						       got < 0 ? strerror(errno) : "shorter");
				r = write_all(w, w->buf, (size_t)(n = (size_t)got));
			}
			pos += n;
			progress(w, n);
		}
	}
	return r;
}

static int add_file(struct writer *w, const char *name, const char *path, mode_t perm)
{
	char err[256];
	int fd = cf_open_regular(path, err, sizeof err);
	if (fd < 0)
		return cf_fail(w->d, "%s: %s", path, err);
	struct stat st;
	fstat(fd, &st);
	struct region whole = {0, (uint64_t)st.st_size};
	int r = add_sparse(w, name, fd, NULL, (uint64_t)st.st_size, &whole, st.st_size ? 1 : 0, perm, st.st_mtime);
	close(fd);
	return r;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int add_core(struct writer *w, const struct cf_model *m, const struct region *rg, size_t nrg, int fd,
		    uint64_t size, time_t mtime)
{
	/* A core holds the process's memory: only its owner reads it. */
	return add_sparse(w, CF_BUNDLE_CORE, fd, fd < 0 ? m->core.image : NULL, size, rg, nrg, 0600, mtime);
}

/* The core to carry: the file itself when it is an ELF core (its holes
 * found with SEEK_DATA), else — a compressed core — the decompressed
 * bytes corefix read, so the other side needs no decompressor. */
static int open_core(const struct cf_model *m, uint64_t *size, time_t *mtime, struct region **rg, size_t *nrg,
		     struct cf_diag *d)
{
	char err[256];
	int fd = cf_open_regular(m->core.path, err, sizeof err);
	if (fd < 0) {
		cf_fail(d, "%s: %s", m->core.path, err);
		return -2;
	}
	struct stat st;
	unsigned char magic[4] = {0};
	fstat(fd, &st);
	*mtime = st.st_mtime;
	if (pread(fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, 4) && (uint64_t)st.st_size == m->core.size) {
		*size = (uint64_t)st.st_size;
		*rg = data_regions(fd, *size, nrg);
		return fd;
	}
	close(fd);
	*size = m->core.size;
	*rg = zero_regions(m->core.image, m->core.size, nrg);
	return -1;
}

static int write_members(struct writer *w, const struct cf_model *m, const struct cf_bundle_plan *plan)
{
	struct {
		const char *name;
		gen_fn gen;
	} gens[] = {
		{CF_BUNDLE_MANIFEST, cf_bundle_manifest},   {CF_BUNDLE_GDB_PY, cf_bundle_gdb_py},
		{CF_BUNDLE_GDB_HERE, cf_bundle_gdb_here},   {CF_BUNDLE_LLDB_PY, cf_bundle_lldb_py},
		{CF_BUNDLE_LLDB_HERE, cf_bundle_lldb_here},
	};
	for (size_t i = 0; i < sizeof gens / sizeof *gens; i++)
		if (add_generated(w, gens[i].name, gens[i].gen, m, plan) != 0)
			return -1;
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	cf_bundle_lldb(f);
	fclose(f);
	if (add_text(w, CF_BUNDLE_LLDB, text, len) != 0)
		return -1;
	f = open_memstream(&text, &len);
	cf_bundle_readme(f);
	fclose(f);
	if (add_text(w, CF_BUNDLE_README, text, len) != 0)
		return -1;

	uint64_t size;
	time_t mtime;
	struct region *rg;
	size_t nrg;
	int fd = open_core(m, &size, &mtime, &rg, &nrg, w->d);
	if (fd == -2)
		return -1;
	for (size_t i = 0; i < nrg; i++)
		w->total += rg[i].len;
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->item[i].first)
			w->total += file_size(plan->item[i].mod->path);
		if (plan->item[i].debug_from)
			w->total += file_size(plan->item[i].debug_from);
	}
	for (size_t i = 0; i < plan->nextra; i++)
		w->total += file_size(plan->extra[i].from);

	int r = 0;
	for (size_t i = 0; r == 0 && i < plan->n; i++) {
		const struct cf_bundle_item *it = &plan->item[i];
		if (it->first)
			r = add_file(w, it->member, it->mod->path, 0644);
		if (r == 0 && it->debug_from)
			r = add_file(w, it->debug_member, it->debug_from, 0644);
	}
	for (size_t i = 0; r == 0 && i < plan->nextra; i++)
		r = add_file(w, plan->extra[i].member, plan->extra[i].from, 0644);
	/* Last: the largest member, and the one a reader needs the others for. */
	if (r == 0)
		r = add_core(w, m, rg, nrg, fd, size, mtime);
	free(rg);
	if (fd >= 0)
		close(fd);
	return r;
}

int cf_bundle_write(const struct cf_model *m, const struct cf_bundle_plan *plan, const struct cf_bundle_options *bo,
		    const char *output, struct cf_diag *d)
{
	char why[256];
	const struct cf_archive_lib *L = cf_archive_lib(why, sizeof why);
	if (!L)
		return cf_fail(d, "%s: cannot write a bundle without libarchive: %s", output, why);
	/* Beside OUTPUT and renamed, so a reader (a CI upload) never sees half
	 * an archive; mkstemp's 0600 stays: the bundle holds process memory. */
	char *tmp = cf_xasprintf("%s.XXXXXX", output);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cf_fail(d, "%s: cannot create a temporary file beside it: %s", output, strerror(errno));
		free(tmp);
		return -1;
	}
	struct writer w = {.L = L, .a = L->write_new(), .d = d, .output = output, .quiet = bo->quiet,
			   .buf = cf_xmalloc(CHUNK), .zeros = cf_xcalloc(1, CHUNK)};
	int r = 0;
	if (L->write_set_format_pax_restricted(w.a) != ARCHIVE_OK || L->write_add_filter_zstd(w.a) != ARCHIVE_OK)
		r = archive_fail(&w, "cannot set up a .tar.zst writer");
	/* Every core of a CI runner, where this libarchive can (3.6 and later). */
	if (r == 0)
		L->write_set_filter_option(w.a, "zstd", "threads", "0");
	if (r == 0 && L->write_open_fd(w.a, fd) != ARCHIVE_OK)
		r = archive_fail(&w, "cannot open");
	if (r == 0)
		r = write_members(&w, m, plan);
	if (r == 0 && L->write_close(w.a) != ARCHIVE_OK)
		r = archive_fail(&w, "cannot finish");
	L->write_free(w.a);
	free(w.buf);
	free((char *)w.zeros);
	if (close(fd) != 0 && r == 0)
		r = cf_fail(d, "%s: %s", output, strerror(errno));
	if (r == 0 && rename(tmp, output) != 0)
		r = cf_fail(d, "%s: cannot rename into place: %s", output, strerror(errno));
	if (r != 0)
		unlink(tmp);
	free(tmp);
	return r;
}
