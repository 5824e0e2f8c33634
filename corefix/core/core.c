#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "diag.h"

static int by_vaddr(const void *a, const void *b)
{
	const struct cf_segment *x = a, *y = b;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int fail_elf(struct cf_diag *d, const char *name, const char *what)
{
	return cf_fail(d, "%s: %s: %s", name, what, elf_errmsg(-1));
}

int cf_core_open_mem(struct cf_core *c, const char *name, unsigned char *buf, size_t size,
		     struct cf_diag *d)
{
	memset(c, 0, sizeof *c);
	c->path = name;
	c->image = buf;
	c->size = size;
	elf_version(EV_CURRENT);

	if (size < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return cf_fail(d, "%s: not an ELF file", name);
	c->elf = elf_memory((char *)buf, size);
	if (!c->elf)
		return fail_elf(d, name, "cannot read ELF");
	GElf_Ehdr eh;
	if (!gelf_getehdr(c->elf, &eh))
		return fail_elf(d, name, "truncated or bad ELF header");
	if (eh.e_type != ET_CORE) {
		const char *kind = eh.e_type == ET_EXEC  ? "an executable"
				   : eh.e_type == ET_DYN ? "a shared object or position-independent executable"
				   : eh.e_type == ET_REL ? "an object file (.o)"
							 : NULL;
		if (kind)
			return cf_fail(d, "%s: not a core file but %s", name, kind);
		return cf_fail(d, "%s: not a core file (ELF type %u)", name, eh.e_type);
	}
	c->order.is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	c->order.big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	c->machine = eh.e_machine;

	size_t n;
	if (elf_getphdrnum(c->elf, &n) != 0)
		return fail_elf(d, name, "bad program header count");
	if (n == 0)
		return cf_fail(d, "%s: core has no program headers", name);
	/* libelf trusts e_phoff; check the table really lies inside the file. */
	size_t entsz = gelf_fsize(c->elf, ELF_T_PHDR, 1, EV_CURRENT);
	if (eh.e_phoff > size || n > (size - eh.e_phoff) / entsz)
		return cf_fail(d, "%s: truncated: program headers lie past end of file", name);

	c->seg = cf_xcalloc(n, sizeof *c->seg);
	c->note = cf_xcalloc(n, sizeof *c->note);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(c->elf, (int)i, &ph))
			return fail_elf(d, name, "bad program header");
		uint64_t avail = ph.p_offset < size ? size - ph.p_offset : 0;
		if (ph.p_type == PT_LOAD) {
			struct cf_segment *s = &c->seg[c->nseg++];
			s->vaddr = ph.p_vaddr;
			s->memsz = ph.p_memsz;
			s->offset = ph.p_offset;
			s->filesz_hdr = ph.p_filesz;
			s->filesz = ph.p_filesz < avail ? ph.p_filesz : avail;
			if (s->filesz > s->memsz)
				s->filesz = s->memsz;
			s->flags = ph.p_flags;
			if (s->filesz < ph.p_filesz && s->filesz < s->memsz)
				c->truncated = true;
		} else if (ph.p_type == PT_NOTE) {
			struct cf_span *sp = &c->note[c->nnote++];
			sp->offset = ph.p_offset;
			sp->size = ph.p_filesz < avail ? ph.p_filesz : avail;
			sp->cut = sp->size < ph.p_filesz;
			if (sp->cut)
				c->truncated = true;
		}
	}
	/* The kernel and gdb write PT_LOADs in address order: sorting a
	 * sorted table of thousands cost more than reading them. */
	size_t k = 1;
	while (k < c->nseg && c->seg[k - 1].vaddr <= c->seg[k].vaddr)
		k++;
	if (k < c->nseg)
		qsort(c->seg, c->nseg, sizeof *c->seg, by_vaddr);
	return 0;
}

static const char *kind_of(mode_t mode)
{
	return S_ISDIR(mode)    ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
				: "an unknown kind of file";
}

const char *cf_not_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) ? kind_of(st.st_mode) : NULL;
}

int cf_open_regular(const char *path, char *err, size_t errlen)
{
	/* Looking first means a device is never opened at all (opening one can
	 * have effects) and a socket, which open refuses with ENXIO, is named. */
	const char *kind = cf_not_regular(path);
	if (kind) {
		snprintf(err, errlen, "not a regular file (%s)", kind);
		return -1;
	}
	/* O_NONBLOCK: should PATH become a FIFO after the look, open still
	 * returns at once, and fstat below refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file (%s)", kind_of(st.st_mode));
		close(fd);
		return -1;
	}
	/* Readers (libelf among them) expect blocking reads. */
	int fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* Only an absolute name outside /dev and /proc, without "..", takes the
 * short route: NT_FILE names of libraries, hundreds a core. A device a
 * core names outright (a GPU process maps /dev/dri and /dev/nvidia*, a
 * hostile core may name /dev/watchdog) or through /proc/self/fd is looked
 * at first, as in cf_open_regular, and never opened. */
static bool plain_name(const char *path)
{
	return path[0] == '/' && strncmp(path, "/dev/", 5) != 0 && strncmp(path, "/proc/", 6) != 0 &&
	       !strstr(path, "/../") && !(strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/.."));
}

int cf_open_candidate(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd;
	if (plain_name(path)) {
		/* One path walk: open, then look at what was opened. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			int e = errno;
			snprintf(err, errlen, "%s", strerror(e));
			return e == ENOENT || e == ENOTDIR || e == ENXIO ? -2 : -1;
		}
	} else {
		const char *kind = cf_not_regular(path);
		if (kind) {
			snprintf(err, errlen, "not a regular file (%s)", kind);
			return -2;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			int e = errno;
			snprintf(err, errlen, "%s", strerror(e));
			return e == ENOENT || e == ENOTDIR ? -2 : -1;
		}
	}
	if (fstat(fd, st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "not a regular file (%s)", kind_of(st->st_mode));
		close(fd);
		return -2;
	}
	return fd;
}

int cf_core_open(struct cf_core *c, const char *path, struct cf_diag *d)
{
	return cf_core_open_keep(c, path, false, NULL, d);
}

/* Replaces the compressed file FD by a descriptor of its decompressed copy. */
static int unpack(struct cf_core *c, int *fd, enum cf_compression k, bool keep, const char *cache_dir,
		  struct cf_diag *d)
{
	char err[512];
	int u = keep ? cf_unpack_cached(*fd, k, cache_dir, &c->plain_path, &c->plain_reused, err, sizeof err)
		     : cf_unpack_temp(*fd, k, err, sizeof err);
	if (u < 0)
		return cf_fail(d, "%s: %s", c->path, err);
	close(*fd);
	*fd = u;
	c->compression = cf_compression_name(k);
	return 0;
}

int cf_core_open_keep(struct cf_core *c, const char *path, bool keep, const char *cache_dir, struct cf_diag *d)
{
	memset(c, 0, sizeof *c);
	char err[128];
	int fd = cf_open_regular(path, err, sizeof err);
	if (fd < 0)
		return cf_fail(d, "%s: %s", path, err);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return cf_fail(d, "%s: %s", path, strerror(e));
	}
	if (st.st_size == 0) {
		close(fd);
		return cf_fail(d, "%s: empty file", path);
	}
	/* systemd-coredump puts them on the file it stores, compressed or not. */
	struct cf_coredump meta;
	cf_coredump_read(fd, &meta);
	unsigned char head[8];
	ssize_t hn = pread(fd, head, sizeof head, 0);
	enum cf_compression k = hn > 0 ? cf_compression_of(head, (size_t)hn) : CF_PLAIN;
	if (k != CF_PLAIN) {
		c->path = path;
		if (unpack(c, &fd, k, keep, cache_dir, d) != 0 || fstat(fd, &st) != 0) {
			close(fd);
			cf_coredump_free(&meta);
			free(c->plain_path);
			c->plain_path = NULL;
			return d->error[0] ? -1 : cf_fail(d, "%s: %s", path, strerror(errno));
		}
		if (st.st_size == 0) {
			close(fd);
			cf_coredump_free(&meta);
			free(c->plain_path);
			c->plain_path = NULL;
			return cf_fail(d, "%s: the %s stream holds nothing", path, c->compression);
		}
	}
	/* MAP_PRIVATE: libelf may convert byte order in place; the core on
	 * disk must never change. */
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int e = errno;
	if (p == MAP_FAILED) {
		close(fd);
		cf_coredump_free(&meta);
		free(c->plain_path);
		c->plain_path = NULL;
		return cf_fail(d, "%s: cannot map: %s", path, strerror(e));
	}
	/* cf_core_open_mem starts afresh: carry what was learned above. */
	const char *compression = c->compression;
	char *plain = c->plain_path;
	bool reused = c->plain_reused;
	int r = cf_core_open_mem(c, path, p, (size_t)st.st_size, d);
	c->mapped = true;
	c->compression = compression;
	c->plain_path = plain;
	c->plain_reused = reused;
	c->coredump = meta;
	/* rewrite copies the decompressed data, holes and all, from here. */
	if (compression)
		c->unpacked = true, c->unpacked_fd = fd;
	else
		close(fd);
	if (r != 0)
		cf_core_close(c);
	return r;
}

void cf_core_close(struct cf_core *c)
{
	if (c->elf)
		elf_end(c->elf);
	if (c->mapped && c->image)
		munmap(c->image, c->size);
	free(c->seg);
	free(c->note);
	if (c->unpacked)
		close(c->unpacked_fd);
	free(c->plain_path);
	cf_coredump_free(&c->coredump);
	memset(c, 0, sizeof *c);
}

/* Segments are sorted by address at open: a thousand-thread core has
 * thousands, and unwinding reads memory a word at a time. */
const struct cf_segment *cf_core_segment(const struct cf_core *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nseg;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->seg[mid].vaddr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr - c->seg[lo - 1].vaddr < c->seg[lo - 1].memsz)
		return &c->seg[lo - 1];
	return NULL;
}

size_t cf_core_read(const struct cf_core *c, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;
	while (done < len) {
		uint64_t a = (addr + done) & cf_addrmask(&c->order);
		const struct cf_segment *s = cf_core_segment(c, a);
		if (!s)
			break;
		uint64_t rel = a - s->vaddr;
		uint64_t want = len - done;
		if (want > s->memsz - rel)
			want = s->memsz - rel;
		if (rel >= s->filesz)
			break;  /* not dumped (or cut off): unknown, not zeros */
		uint64_t n = s->filesz - rel < want ? s->filesz - rel : want;
		memcpy(out + done, c->image + s->offset + rel, n);
		done += n;
	}
	return done;
}

bool cf_core_read_word(const struct cf_core *c, uint64_t addr, uint64_t *out)
{
	unsigned char b[8];
	unsigned n = cf_wordsize(&c->order);
	if (!cf_core_read_all(c, addr, b, n))
		return false;
	*out = cf_word(&c->order, b);
	return true;
}

char *cf_core_read_string(const struct cf_core *c, uint64_t addr, size_t max)
{
	char *s = cf_xmalloc(max + 1);
	size_t got = 0;
	/* Read in small steps so a name near the end of a segment still reads. */
	while (got < max) {
		size_t step = max - got < 64 ? max - got : 64;
		size_t n = cf_core_read(c, addr + got, s + got, step);
		void *nul = memchr(s + got, 0, n);
		if (nul)
			return s;
		got += n;
		if (n < step)
			break;
	}
	free(s);
	return NULL;
}

void cf_core_use_copy(struct cf_core *c, char *path, bool reused)
{
	free(c->plain_path);
	c->plain_path = path;
	c->plain_reused = reused;
	c->plain_repaired = true;
}
