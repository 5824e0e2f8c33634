/* Mapping ELF objects and finding them: DT_NEEDED breadth first through
 * LD_LIBRARY_PATH, DT_RPATH/DT_RUNPATH (with $ORIGIN) and the loader's own
 * folder. */
#include "elf.h"

#include "internal.h"
#include "libc.h"

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

static int prot_of(uint32_t f)
{
	return (f & PF_R ? PROT_READ : 0) | (f & PF_W ? PROT_WRITE : 0) | (f & PF_X ? PROT_EXEC : 0);
}

/* Maps the ELF object open on FD into P. Returns 0, or -1 with ERR set and
 * nothing left behind: every failure leaves through one exit that unmaps
 * the reservation and frees the headers. */
static int map_object(int fd, const char *path, struct dso *p, int allow_exec, char *err, size_t errlen)
{
	union {
		Ehdr eh;
		unsigned char buf[1024];
	} u;
	const char *why = NULL;
	Phdr *ph = NULL;
	unsigned char *map = (void *)-1;
	uintptr_t lo = (uintptr_t)-1, hi = 0, pg = __cfrt_pagesize;
	long n = pread(fd, u.buf, sizeof u.buf, 0);
	Ehdr *eh = &u.eh;
	if (n < (long)sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != CFRT_ELFCLASS || eh->e_machine != CFRT_EM ||
	    (eh->e_type != ET_DYN && !(allow_exec && eh->e_type == ET_EXEC)) || eh->e_phentsize != sizeof(Phdr) ||
	    eh->e_phnum == 0 || eh->e_phnum > 64) {
		why = "not an ELF object this loader can run";
		goto fail;
	}
	size_t phsize = eh->e_phnum * sizeof(Phdr);
	ph = malloc(phsize);
	if (!ph || pread(fd, ph, phsize, (long)eh->e_phoff) != (long)phsize) {
		why = "truncated program headers";
		goto fail;
	}
	for (size_t i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			if ((ph[i].p_vaddr & -pg) < lo)
				lo = ph[i].p_vaddr & -pg;
			if (ph[i].p_vaddr + ph[i].p_memsz > hi)
				hi = ph[i].p_vaddr + ph[i].p_memsz;
		}
	if (hi <= lo) {
		why = "nothing to load";
		goto fail;
	}
	hi = (hi + pg - 1) & -pg;
	/* Reserve the whole span, then map each segment over it. */
	map = __cfrt_mmap(eh->e_type == ET_EXEC ? (void *)lo : 0, hi - lo, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | (eh->e_type == ET_EXEC ? MAP_FIXED : 0), -1, 0);
	if (map == (void *)-1) {
		snprintf(err, errlen, "%s: cannot reserve %lu bytes", path, (unsigned long)(hi - lo));
		goto fail;
	}
	uintptr_t base = (uintptr_t)map - lo;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		Phdr *s = &ph[i];
		if (s->p_type != PT_LOAD)
			continue;
		uintptr_t start = base + (s->p_vaddr & -pg), off = s->p_offset & -pg;
		uintptr_t fend = base + s->p_vaddr + s->p_filesz, mend = base + s->p_vaddr + s->p_memsz;
		int prot = prot_of(s->p_flags);
		if (s->p_filesz &&
		    __cfrt_mmap((void *)start, fend - start, prot | (s->p_memsz > s->p_filesz ? PROT_WRITE : 0),
				MAP_PRIVATE | MAP_FIXED, fd, (long)off) == (void *)-1) {
			why = "cannot map a segment";
			goto fail;
		}
		if (s->p_memsz > s->p_filesz) {
			/* bss: zero the tail of the last file page, map zeros after it */
			uintptr_t pgend = (fend + pg - 1) & -pg;
			if (s->p_filesz)
				memset((void *)fend, 0, pgend - fend);
			else
				pgend = start;
			if (mend > pgend)
				__cfrt_mmap((void *)pgend, mend - pgend, prot, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
			if (s->p_filesz && !(prot & PROT_WRITE))
				mprotect((void *)start, pgend - start, prot);
		}
	}
	Dyn *dynv = NULL;
	Phdr *mapped_ph = NULL;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		Phdr *s = &ph[i];
		if (s->p_type == PT_PHDR)
			mapped_ph = (Phdr *)(base + s->p_vaddr);
		else if (s->p_type == PT_DYNAMIC)
			dynv = (Dyn *)(base + s->p_vaddr);
		else if (s->p_type == PT_LOAD && !mapped_ph && eh->e_phoff >= s->p_offset &&
			 eh->e_phoff + phsize <= s->p_offset + s->p_filesz)
			mapped_ph = (Phdr *)(base + s->p_vaddr + (eh->e_phoff - s->p_offset));
	}
	if (!dynv) {
		why = "not a dynamic object";
		goto fail;
	}
	p->base = base;
	p->map = map;
	p->map_len = hi - lo;
	p->phnum = eh->e_phnum;
	p->dynv = dynv;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		Phdr *s = &ph[i];
		if (s->p_type == PT_GNU_RELRO) {
			p->relro_start = s->p_vaddr & -pg;
			p->relro_end = (s->p_vaddr + s->p_memsz) & -pg;
		} else if (s->p_type == PT_TLS) {
			p->tls_image = (void *)(base + s->p_vaddr);
			p->tls_len = s->p_filesz;
			p->tls_size = s->p_memsz;
			p->tls_align = s->p_align ? s->p_align : 1;
		}
	}
	p->phdr = mapped_ph ? mapped_ph : ph;  /* headers not mapped: keep our copy */
	if (mapped_ph)
		free(ph);
	return 0;
fail:
	if (why)
		snprintf(err, errlen, "%s: %s", path, why);
	if (map != (void *)-1)
		__cfrt_munmap(map, hi - lo);
	free(ph);
	return -1;
}

struct dso *__cfrt_map_program(const char *path, struct dso *p, char *err, size_t errlen)
{
	int fd = open(path, 0);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Run as a command, /proc/self/exe is the loader: refuse to load it twice. */
	struct stat_min st, self;
	int sfd = open("/proc/self/exe", 0);
	if (sfd >= 0 && __cfrt_fstat(fd, &st) == 0 && __cfrt_fstat(sfd, &self) == 0 && st.dev == self.dev &&
	    st.ino == self.ino) {
		close(sfd);
		close(fd);
		snprintf(err, errlen, "%s: is the loader itself; give it a program to run", path);
		return NULL;
	}
	if (sfd >= 0)
		close(sfd);
	int r = map_object(fd, path, p, 1, err, errlen);
	close(fd);
	if (r != 0)
		return NULL;
	p->path = strdup(path);
	return p;
}

char *__cfrt_self_exe(void)
{
	char buf[4096];
	long n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Appends the folders of a search list to BUF, expanding $ORIGIN, each
 * followed by ':'. In secure mode only folders the caller cannot choose are
 * kept: none with $ORIGIN (a hard link to a setuid program in the caller's
 * own folder makes that folder its $ORIGIN; glibc and musl refuse it too),
 * and, stricter than they are, none relative or empty (they resolve against
 * the caller's cwd). The
 * loader's own folder stays when absolute: it comes from PT_INTERP, which
 * is the program's, not the caller's. */
static void add_paths(char *buf, size_t len, const char *list, const struct dso *origin)
{
	if (!list)
		return;
	char dir[4096] = ".";
	if (origin && origin->path) {
		const char *s = strrchr(origin->path, '/');
		if (s) {
			size_t n = (size_t)(s - origin->path);
			if (n >= sizeof dir)
				n = sizeof dir - 1;
			memcpy(dir, origin->path, n);
			dir[n ? n : 1] = 0;
			if (!n)
				dir[0] = '/';
		}
	}
	size_t o = strlen(buf);
	for (const char *p = list; *p && o + 1 < len;) {
		size_t n = strcspn(p, ":;"), start = o;
		int origin_used = 0;
		for (size_t i = 0; i < n && o + 1 < len; i++) {
			if (!strncmp(p + i, "$ORIGIN", 7) || !strncmp(p + i, "${ORIGIN}", 9)) {
				size_t w = (size_t)snprintf(buf + o, len - o, "%s", dir);
				o = o + w < len ? o + w : len - 1;
				i += p[i + 1] == '{' ? 8 : 6;
				origin_used = 1;
				continue;
			}
			buf[o++] = p[i];
		}
		if (__cfrt_secure && (o == start || buf[start] != '/' || (origin_used && origin != __cfrt_ldso)))
			o = start;
		else if (o + 1 < len)
			buf[o++] = ':';
		p += n + (p[n] != 0);
	}
	buf[o < len ? o : len - 1] = 0;
}

static struct dso *find_loaded(const char *name)
{
	for (struct dso *p = __cfrt_head; p; p = p->next)
		if (p->path && (!strcmp(p->path, name) || !strcmp(base_name(p->path), name)))
			return p;
	return NULL;
}

struct dso *__cfrt_load_library(const char *name, struct dso *needed_by, char *err, size_t errlen)
{
	/* We are the C library: any request for it, or for ourselves, is us. */
	if (!strcmp(name, "libcfrt.so") || !strcmp(name, base_name(__cfrt_ldso->name)) || !strcmp(name, "libc.so") ||
	    !strncmp(name, "libc.so.", 8) || !strcmp(name, "libpthread.so.0") || !strcmp(name, "libdl.so.2"))
		return __cfrt_ldso;
	struct dso *p = find_loaded(name);
	if (p)
		return p;
	char search[8192] = "", path[4096];
	int fd = -1;
	if (strchr(name, '/')) {
		snprintf(path, sizeof path, "%s", name);
		fd = open(path, 0);
		snprintf(search, sizeof search, "%s", name);
	} else {
		if (!__cfrt_secure)  /* the caller's, as is the environment */
			add_paths(search, sizeof search, getenv("LD_LIBRARY_PATH"), NULL);
		if (needed_by && needed_by->rpath && !needed_by->runpath)
			add_paths(search, sizeof search, needed_by->rpath, needed_by);
		if (needed_by && needed_by->runpath)
			add_paths(search, sizeof search, needed_by->runpath, needed_by);
		add_paths(search, sizeof search, "$ORIGIN", __cfrt_ldso);
		for (const char *s = search; *s && fd < 0;) {
			size_t n = strcspn(s, ":");
			if (n)
				snprintf(path, sizeof path, "%.*s/%s", (int)n, s, name);
			else
				snprintf(path, sizeof path, "%s", name);
			fd = open(path, 0);
			s += n + (s[n] == ':');
		}
		size_t sl = strlen(search);
		if (sl && search[sl - 1] == ':')
			search[sl - 1] = 0;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: not found (needed by %s; searched %s)", name,
			 needed_by ? (needed_by->is_main ? __cfrt_progname : needed_by->name) : "dlopen",
			 search[0] ? search : "nothing");
		return NULL;
	}
	struct stat_min st;
	if (__cfrt_fstat(fd, &st) == 0)
		for (struct dso *q = __cfrt_head; q; q = q->next)
			if (q->dev == st.dev && q->ino == st.ino && q->map) {
				close(fd);
				return q;
			}
	p = calloc(1, sizeof *p);
	if (!p || map_object(fd, path, p, 0, err, errlen) != 0) {
		close(fd);
		free(p);
		return NULL;
	}
	close(fd);
	p->dev = st.dev;
	p->ino = st.ino;
	p->path = strdup(path);
	p->name = p->path;
	__cfrt_decode_dyn(p);
	/* Append to the load list (link_map order follows). */
	p->prev = __cfrt_tail;
	__cfrt_tail->next = p;
	__cfrt_tail = p;
	return p;
}

/* Records NAME; says whether it was recorded before. */
static int reported_before(const char *name)
{
	static char names[2048];
	static size_t used;
	for (const char *s = names; s < names + used; s += strlen(s) + 1)
		if (!strcmp(s, name))
			return 1;
	size_t n = strlen(name) + 1;
	if (used + n <= sizeof names) {
		memcpy(names + used, name, n);
		used += n;
	}
	return 0;
}

/* Loads what FIRST and everything after it need. With ERR set (dlopen)
 * the first failure ends the walk; with ERR NULL (start-up) each missing
 * library is printed once and the walk goes on, so that all of them are
 * named before the exit (musl's ldso_fail). */
int __cfrt_load_deps(struct dso *first, char *err, size_t errlen)
{
	char buf[512];
	char *e = err ? err : buf;
	size_t el = err ? errlen : sizeof buf;
	int failed = 0;
	/* Breadth first: walk the list while it grows. */
	for (struct dso *p = first; p; p = p->next) {
		if (p->deps || p->is_ldso)
			continue;
		size_t cnt = 0;
		for (Dyn *d = p->dynv; d->d_tag; d++)
			cnt += d->d_tag == DT_NEEDED;
		p->deps = calloc(cnt + 1, sizeof *p->deps);
		if (!p->deps) {
			snprintf(e, el, "%s: out of memory for its dependencies", p->is_main ? __cfrt_progname : p->name);
			if (!err)
				__cfrt_fatal("%s", buf);
			return -1;
		}
		for (Dyn *d = p->dynv; d->d_tag; d++) {
			if (d->d_tag != DT_NEEDED)
				continue;
			const char *name = p->strings + d->d_un.d_val;
			struct dso *dep = __cfrt_load_library(name, p, e, el);
			if (!dep) {
				if (err)
					return -1;
				if (!reported_before(name))
					__cfrt_print(2, "cfrt: %s\n", buf);
				failed = -1;
				continue;
			}
			p->deps[p->ndeps++] = dep;
		}
	}
	return failed;
}
