/* r_debug through files named by the core itself, for cores that map no
 * file we can see (qemu-user's: no NT_FILE, no ELF header in memory):
 *  - the loader: NT_PRPSINFO's first word when the loader ran as a command,
 *    else the PT_INTERP of the program it names; _r_debug + the loader's
 *    bias, which AT_BASE, AT_ENTRY, AT_PHDR or the core's own segment
 *    layout gives;
 *  - the program: AT_PHDR minus its phdrs' link address is its bias, its
 *    PT_DYNAMIC's DT_DEBUG (in a dumped page) points at r_debug.
 * Every bias and address is a guess until cf_rdebug_check accepts it. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rdebug.h"

enum { MAX_LAYOUT = 64, MAX_INTERP = 4096, CHECK_BUDGET = 8192, MAX_DYN = 4096 };

static uint64_t mask(const struct cf_model *m, uint64_t v)
{
	return v & cf_addrmask(&m->core.order);
}

/* NAME through the resolver (sysroot, path map, search folders). */
static char *find_file(struct cf_model *m, const char *name, struct cf_elfinfo *info)
{
	struct cf_module tmp = {.name = (char *)name};
	if (!cf_resolve(m, &tmp, info) || !tmp.path) {
		free(tmp.path);
		cf_elfinfo_free(info);
		return NULL;
	}
	return tmp.path;
}

static char *interp_of(const char *path, const struct cf_elfinfo *info)
{
	const GElf_Phdr *ph = cf_elf_phdr(info, PT_INTERP);
	if (!ph || ph->p_filesz == 0 || ph->p_filesz > MAX_INTERP)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *s = cf_xmalloc((size_t)ph->p_filesz + 1);
	ssize_t n = pread(fd, s, (size_t)ph->p_filesz, (off_t)ph->p_offset);
	close(fd);
	if (n <= 0 || !s[0]) {
		free(s);
		return NULL;
	}
	s[n] = 0;
	return s;
}

static bool is_loader(const char *path)
{
	uint64_t v;
	return cf_elf_lookup_symbol(path, "_r_debug", &v) || cf_elf_lookup_symbol(path, "_dl_debug_addr", &v);
}

static void add_program(struct cf_rdebug_hint *h, const char *name)
{
	if (!name || !name[0] || h->nprogram == sizeof h->program / sizeof *h->program)
		return;
	for (size_t i = 0; i < h->nprogram; i++)
		if (!strcmp(h->program[i], name))
			return;
	h->program[h->nprogram++] = cf_xstrdup(name);
}

/* A program file: its PT_INTERP names the loader, unless one is known. */
static void take_interp(struct cf_model *m, struct cf_rdebug_hint *h,
			const char *path, const struct cf_elfinfo *info)
{
	char *interp = h->loader ? NULL : interp_of(path, info);
	struct cf_elfinfo li;
	char *lpath = interp ? find_file(m, interp, &li) : NULL;
	if (lpath) {
		cf_elfinfo_free(&li);
		h->loader = interp;
		h->loader_path = lpath;
	} else {
		free(interp);
	}
}

void cf_rdebug_hints(struct cf_model *m, struct cf_rdebug_hint *h)
{
	memset(h, 0, sizeof *h);
	char word0[sizeof m->notes.psargs] = "", args[sizeof m->notes.psargs] = "";
	if (m->notes.has_prpsinfo)
		snprintf(word0, sizeof word0, "%.*s", (int)strcspn(m->notes.psargs, " "), m->notes.psargs);
	struct cf_elfinfo info = {0};
	char *path = word0[0] ? find_file(m, word0, &info) : NULL;
	/* A loader is a shared object with no PT_INTERP that keeps r_debug;
	 * a static program may keep one too, but is ET_EXEC or has no
	 * PT_DYNAMIC... unless static-pie, whose link_map then names no
	 * other program: nothing is lost by the error. */
	if (path && !info.has_interp && info.type == ET_DYN && info.has_dynamic && is_loader(path)) {
		/* "LOADER [OPTIONS] PROGRAM ARGS": the program is in the rest. */
		h->loader = cf_xstrdup(word0);
		h->loader_path = path;
		h->loader_run = true;
		path = NULL;
		cf_program_args(m->notes.psargs, args, sizeof args);
		args[strcspn(args, " ")] = 0;
		add_program(h, args);
	} else {
		add_program(h, word0);
		if (path)
			take_interp(m, h, path, &info);
	}
	cf_elfinfo_free(&info);
	free(path);
	/* AT_EXECFN's string sits on the stack, which every writer dumps:
	 * the full path when psargs was cut at 80 bytes. */
	char *execfn = m->notes.auxv.execfn ? cf_core_read_string(&m->core, m->notes.auxv.execfn, 4096) : NULL;
	if (execfn) {
		char *p = find_file(m, execfn, &info);
		if (p && (info.has_interp || !is_loader(p))) {
			add_program(h, execfn);
			take_interp(m, h, p, &info);
		}
		if (p) {
			cf_elfinfo_free(&info);
			free(p);
		}
	}
	free(execfn);
}

void cf_rdebug_hint_free(struct cf_rdebug_hint *h)
{
	for (size_t i = 0; i < h->nprogram; i++)
		free(h->program[i]);
	free(h->loader);
	free(h->loader_path);
	memset(h, 0, sizeof *h);
}

/* Link-time address of the program headers: what AT_PHDR minus the bias is. */
static bool phdr_vaddr(const struct cf_elfinfo *info, uint64_t *out)
{
	const GElf_Phdr *ph = cf_elf_phdr(info, PT_PHDR);
	if (ph) {
		*out = ph->p_vaddr;
		return true;
	}
	for (size_t i = 0; i < info->nphdr; i++) {
		ph = &info->phdr[i];
		if (ph->p_type == PT_LOAD && info->phoff - ph->p_offset < ph->p_filesz) {
			*out = ph->p_vaddr + (info->phoff - ph->p_offset);
			return true;
		}
	}
	return false;
}

static uint64_t pagedown(const struct cf_model *m, uint64_t v)
{
	return v & ~(m->pagesz - 1);
}

/* Biases at which every PT_LOAD of INFO starts a core segment: how the
 * loader sits in a core that holds none of its headers. */
static size_t layout_biases(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t *out, size_t max)
{
	uint64_t first;
	size_t n = 0;
	if (!cf_elf_link_base(info, m->pagesz, &first))
		return 0;
	for (size_t i = 0; i < m->core.nseg && n < max; i++) {
		uint64_t b = mask(m, m->core.seg[i].vaddr - first);
		bool all = true;
		for (size_t k = 0; k < info->nphdr && all; k++) {
			const GElf_Phdr *ph = &info->phdr[k];
			if (ph->p_type != PT_LOAD)
				continue;
			uint64_t at = mask(m, b + pagedown(m, ph->p_vaddr));
			const struct cf_segment *s = cf_core_segment(&m->core, at);
			all = s && s->vaddr == at;
		}
		if (all && !(b & 0xfff))
			out[n++] = b;
	}
	return n;
}

static bool loader_r_debug(const struct cf_model *m, const char *path, uint64_t bias, uint64_t *out)
{
	uint64_t v;
	if (cf_elf_lookup_symbol(path, "_r_debug", &v)) {
		*out = mask(m, v + bias);
		return true;
	}
	/* musl keeps its debug struct private and exports a pointer to it. */
	return cf_elf_lookup_symbol(path, "_dl_debug_addr", &v) && cf_core_read_word(&m->core, mask(m, v + bias), out);
}

enum { BY_AT_BASE, BY_AT_ENTRY, BY_AT_PHDR, BY_LAYOUT };
static const char *const loader_how[2][4] = {
	{"the _r_debug of the program's PT_INTERP loader, at the bias AT_BASE gives",
	 "the _r_debug of the program's PT_INTERP loader, at the bias AT_ENTRY gives",
	 "the _r_debug of the program's PT_INTERP loader, at the bias AT_PHDR gives",
	 "the _r_debug of the program's PT_INTERP loader, at the bias its segments in the core give"},
	{"the _r_debug of the loader NT_PRPSINFO names, at the bias AT_BASE gives",
	 "the _r_debug of the loader NT_PRPSINFO names, at the bias AT_ENTRY gives",
	 "the _r_debug of the loader NT_PRPSINFO names, at the bias AT_PHDR gives",
	 "the _r_debug of the loader NT_PRPSINFO names, at the bias its segments in the core give"},
};

bool cf_rdebug_via_loader(struct cf_model *m, struct cf_rdebug_hint *h, uint64_t *addr, const char **how)
{
	struct cf_elfinfo info;
	char err[128];
	if (!h->loader_path || cf_elf_read_file(h->loader_path, &info, err, sizeof err) != 0)
		return false;
	const struct cf_auxv *a = &m->notes.auxv;
	uint64_t bias[4 + MAX_LAYOUT], pv;
	int by[4 + MAX_LAYOUT];
	size_t n = 0;
	if (a->base)
		by[n] = BY_AT_BASE, bias[n++] = a->base;
	/* A loader run as a command is what the kernel (or qemu) started:
	 * AT_ENTRY and AT_PHDR describe it, unless glibc's loader rewrote
	 * them for the program it loaded; the check below tells. */
	if (a->entry)
		by[n] = BY_AT_ENTRY, bias[n++] = mask(m, a->entry - info.entry);
	if (a->phdr && phdr_vaddr(&info, &pv))
		by[n] = BY_AT_PHDR, bias[n++] = mask(m, a->phdr - pv);
	size_t nl = layout_biases(m, &info, bias + n, MAX_LAYOUT);
	for (size_t i = 0; i < nl; i++)
		by[n++] = BY_LAYOUT;
	cf_elfinfo_free(&info);

	size_t budget = CHECK_BUDGET;
	ssize_t pick = -1;
	uint64_t pick_at = 0;
	for (size_t i = 0; i < n; i++) {
		struct cf_rdebug_chain ch;
		uint64_t r;
		if ((bias[i] & 0xfff) || !loader_r_debug(m, h->loader_path, bias[i], &r) ||
		    !cf_rdebug_check(m, r, bias[i], &budget, &ch))
			continue;
		/* The loader lists itself in link_map at its own bias: a chain
		 * that agrees confirms the bias; one that does not is kept only
		 * until a confirmed one turns up. */
		if (pick < 0 || ch.has_l_addr)
			pick = (ssize_t)i, pick_at = r;
		if (ch.has_l_addr)
			break;
	}
	if (pick < 0)
		return false;
	h->has_loader_bias = true;
	h->loader_bias = bias[pick];
	*addr = pick_at;
	*how = loader_how[h->loader_run][by[pick]];
	return true;
}

uint64_t cf_dt_debug_at(const struct cf_model *m, uint64_t dyn, uint64_t size)
{
	unsigned w = cf_wordsize(&m->core.order);
	for (uint64_t i = 0; i < size / (2 * w) && i < MAX_DYN; i++) {
		uint64_t tag, val;
		if (!cf_core_read_word(&m->core, dyn + i * 2 * w, &tag) ||
		    !cf_core_read_word(&m->core, dyn + i * 2 * w + w, &val) || tag == DT_NULL)
			break;
		if (tag == DT_DEBUG)
			return val;
	}
	return 0;
}

bool cf_rdebug_via_auxv(struct cf_model *m, const struct cf_rdebug_hint *h,
			uint64_t *addr, const char **how)
{
	const struct cf_auxv *a = &m->notes.auxv;
	size_t budget = CHECK_BUDGET;
	if (!a->phdr)
		return false;
	for (size_t i = 0; i < h->nprogram; i++) {
		struct cf_elfinfo info;
		char *path = find_file(m, h->program[i], &info);
		if (!path)
			continue;
		free(path);
		const GElf_Phdr *dyn = cf_elf_phdr(&info, PT_DYNAMIC);
		uint64_t pv, bias = 0, r = 0;
		struct cf_rdebug_chain ch;
		bool ok = dyn && phdr_vaddr(&info, &pv);
		if (ok) {
			bias = mask(m, a->phdr - pv);
			/* AT_ENTRY must agree, or AT_PHDR describes another file. */
			ok = !(bias & 0xfff) && (!a->entry || mask(m, a->entry - info.entry) == bias);
		}
		if (ok)
			r = cf_dt_debug_at(m, mask(m, dyn->p_vaddr + bias), dyn->p_memsz);
		ok = ok && r && cf_rdebug_check(m, r, bias, &budget, &ch) && ch.has_l_addr;
		cf_elfinfo_free(&info);
		if (ok) {
			*addr = r;
			*how = a->shifted ? "DT_DEBUG of the program at AT_PHDR (auxiliary vector repaired: its writer "
					    "began it one word late)"
					  : "DT_DEBUG of the program at AT_PHDR";
			return true;
		}
	}
	return false;
}
