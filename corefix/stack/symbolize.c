/* pc → function, source line and inline chain, through libdwfl over the
 * model's own module table (never libdwfl's guess of the modules, which a
 * loader run as a command misleads). Debug info: next to the file,
 * .debug/, /usr/lib/debug (.build-id and debuglink), --debug-dir, and
 * debuginfod when DEBUGINFOD_URLS is set. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "debuginfo.h"
#include "symbolize.h"
#include "symcache.h"

/* The C++ runtime (for __cxa_demangle) is loaded on first use only, as
 * libdebuginfod is (debuginfod.c): linked in, it costs every start of
 * corefix, most of which never demangle. */
typedef char *demangle_fn(const char *mangled, char *out, size_t *len, int *status);

static void *lib_sym(const char *lib, const char *sym)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	return h ? dlsym(h, sym) : NULL;
}

/* Threads of one program share most of their pcs (1000 workers parked in
 * the same function): each distinct pc is looked up once. */
struct cached {
	uint64_t key;   /* the lookup pc (already adjusted for return addresses) */
	bool used;
	struct cf_frame f;
};

struct cf_symbolizer {
	Dwfl *dwfl;                     /* this core's modules at their biases */
	struct cf_symcache *run;        /* facts by build-id, across cores */
	Dwfl_Callbacks cb;
	char *debuginfo_path;
	struct cached *cache;
	size_t ncache, cap;
};

static char *demangle(const char *name)
{
	if (!name)
		return NULL;
	static demangle_fn *cxa_demangle;
	static bool tried;
	if (name[0] == '_' && name[1] == 'Z' && !tried) {
		tried = true;
		*(void **)&cxa_demangle = lib_sym("libstdc++.so.6", "__cxa_demangle");
	}
	if (name[0] == '_' && name[1] == 'Z' && cxa_demangle) {
		int status = -1;
		char *d = cxa_demangle(name, NULL, NULL, &status);
		if (d && status == 0)
			return d;
		free(d);
	}
	return cf_xstrdup(name);
}

static void report_vdso(Dwfl *dwfl, const struct cf_model *m, const struct cf_module *mod)
{
	size_t len = mod->hi > mod->lo && mod->hi - mod->lo < (1u << 20) ? mod->hi - mod->lo : 0;
	if (!len)
		return;
	unsigned char *buf = cf_xmalloc(len);
	size_t n = cf_core_read(&m->core, mod->lo, buf, len);
	int fd = memfd_create("vdso", MFD_CLOEXEC);
	if (fd >= 0 && n > 0 && write(fd, buf, n) == (ssize_t)n) {
		if (!dwfl_report_elf(dwfl, "[vdso]", "[vdso]", fd, (uint64_t)cf_module_bias_signed(m, mod), true))
			close(fd);
	} else if (fd >= 0) {
		close(fd);
	}
	free(buf);
}

/* The per-core Dwfl unwinds, and symbolizes only modules the run-wide
 * cache cannot (no build-id). libdwfl asks a module's .debug_frame before
 * its .eh_frame, and for a module with separate debug info that means
 * opening it and decompressing all its .debug sections (libc6-dbg: most of
 * a core's time), once per core. A module with a build-id unwinds through
 * the CFI of its own file instead; the run-wide cache reads its debug info
 * once per run for names and lines. */
static int core_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			       const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			       char **debuginfo_file_name)
{
	const unsigned char *id;
	GElf_Addr vaddr;
	if (dwfl_module_build_id(mod, &id, &vaddr) > 0)
		return -1;
	return cf_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
			      debuginfo_file_name);
}

struct cf_symbolizer *cf_symbolizer_new(const struct cf_model *m, const struct cf_bt_options *o,
				       struct cf_symcache *cache)
{
	struct cf_symbolizer *s = cf_xcalloc(1, sizeof *s);
	s->run = cache;
	s->debuginfo_path = cf_debuginfo_path(o);
	cf_dwfl_callbacks(&s->cb, &s->debuginfo_path);
	s->cb.find_debuginfo = core_find_debuginfo;
	s->dwfl = dwfl_begin(&s->cb);
	dwfl_report_begin(s->dwfl);
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		if (mod->role == CF_ROLE_VDSO && mod->has_bias)
			report_vdso(s->dwfl, m, mod);
		else if (cf_module_loadable(mod, false)) {
			const char *base = strrchr(mod->path, '/');
			/* add_p_vaddr: BASE is the bias and libdwfl adds the first
			 * p_vaddr; with false it would take BASE as that segment's
			 * load address and subtract p_vaddr once more. Sign-extended,
			 * so that a 32-bit module below its link address wraps right. */
			cf_dwfl_search_path(dwfl_report_elf(s->dwfl, base ? base + 1 : mod->path, mod->path, -1,
							    (uint64_t)cf_module_bias_signed(m, mod), true),
					    s->debuginfo_path);
		}
	}
	dwfl_report_end(s->dwfl, NULL, NULL);
	return s;
}

static struct cached *slot(struct cf_symbolizer *s, uint64_t key)
{
	if (s->ncache * 2 >= s->cap) {
		struct cached *old = s->cache;
		size_t oldcap = s->cap;
		s->cap = s->cap ? 2 * s->cap : 256;
		s->cache = cf_xcalloc(s->cap, sizeof *s->cache);
		s->ncache = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used) {
				struct cached *c = slot(s, old[i].key);
				*c = old[i];
				s->ncache++;
			}
		free(old);
	}
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (s->cap - 1);
	while (s->cache[i].used && s->cache[i].key != key)
		i = (i + 1) & (s->cap - 1);
	return &s->cache[i];
}

void cf_symbolizer_free(struct cf_symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		if (s->cache[i].used)
			cf_frame_free_symbols(&s->cache[i].f);
	free(s->cache);
	dwfl_end(s->dwfl);
	free(s->debuginfo_path);
	free(s);
}

Dwfl *cf_symbolizer_dwfl(struct cf_symbolizer *s)
{
	return s->dwfl;
}

static char *scope_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = NULL;
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) || dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a))
		n = dwarf_formstring(&a);
	if (!n && dwarf_attr_integrate(die, DW_AT_name, &a))
		n = dwarf_formstring(&a);
	return demangle(n);
}

static void call_site(Dwarf_Die *cu, Dwarf_Die *die, char **file, int *line, int *col)
{
	Dwarf_Attribute a;
	Dwarf_Word v;
	Dwarf_Files *files;
	size_t nfiles;
	*file = NULL;
	*line = *col = 0;
	if (dwarf_attr(die, DW_AT_call_file, &a) && dwarf_formudata(&a, &v) == 0 &&
	    dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && v < nfiles) {
		const char *f = dwarf_filesrc(files, v, NULL, NULL);
		*file = f ? cf_xstrdup(f) : NULL;
	}
	if (dwarf_attr(die, DW_AT_call_line, &a) && dwarf_formudata(&a, &v) == 0)
		*line = (int)v;
	if (dwarf_attr(die, DW_AT_call_column, &a) && dwarf_formudata(&a, &v) == 0)
		*col = (int)v;
}

/* The compile unit holding PC. libdw finds it through .debug_aranges, which
 * clang (14) does not write; then each unit is asked for its ranges. */
static Dwarf_Die *cu_at(Dwfl_Module *dm, Dwarf_Addr pc, Dwarf_Addr *bias)
{
	Dwarf_Die *cu = dwfl_module_addrdie(dm, pc, bias);
	if (cu)
		return cu;
	while ((cu = dwfl_module_nextcu(dm, cu, bias)) != NULL)
		if (dwarf_haspc(cu, pc - *bias) > 0)
			return cu;
	return NULL;
}

int cf_dwarf_scopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	*scopes = NULL;
	int n = dwarf_getscopes(cu, pc, scopes);
	if (n > 0 && dwarf_tag(&(*scopes)[0]) == DW_TAG_inlined_subroutine) {
		/* Past an inlined instance dwarf_getscopes climbs its abstract
		 * definition; the chain of nested instances up to the real
		 * function is the innermost DIE's own (as eu-stack -i reads it). */
		Dwarf_Die inner = (*scopes)[0];
		free(*scopes);
		*scopes = NULL;
		n = dwarf_getscopes_die(&inner, scopes);
	}
	return n;
}

/* Inlined scopes at PC: the line table's location belongs to the innermost
 * one; each inlined scope's call site is the location in the next outer. */
static void inline_chain(Dwfl_Module *dm, Dwarf_Addr pc, struct cf_frame *f)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = cu_at(dm, pc, &bias);
	Dwarf_Die *scopes = NULL;
	int n = cu ? cf_dwarf_scopes(cu, pc - bias, &scopes) : 0;
	for (int i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine) {
			f->inl = cf_xrealloc(f->inl, f->ninl + 1, sizeof *f->inl);
			struct cf_inline *in = &f->inl[f->ninl++];
			in->function = scope_name(&scopes[i]);
			in->file = f->file;
			in->line = f->line;
			in->column = f->column;
			call_site(cu, &scopes[i], &f->file, &f->line, &f->column);
		} else if (tag == DW_TAG_subprogram) {
			char *name = scope_name(&scopes[i]);
			if (name) {
				free(f->function);
				f->function = name;
			}
			break;
		}
	}
	free(scopes);
}

static void lookup(Dwfl *dwfl, Dwarf_Addr pc, struct cf_frame *f);

/* Through the run-wide cache when the module has a build-id: its facts at
 * a link-time address hold in every core. */
static void lookup_shared(struct cf_symbolizer *s, const struct cf_model *m, Dwarf_Addr pc, struct cf_frame *f)
{
	const struct cf_module *mod = f->mod;
	if (!s->run || !mod || mod->role == CF_ROLE_VDSO || !mod->bid_file_len || !cf_module_loadable(mod, false) ||
	    !mod->elf_known) {
		lookup(s->dwfl, pc, f);
		f->function_offset += f->pc - pc;
		return;
	}
	uint64_t addr = (pc - mod->bias) & cf_addrmask(&m->core.order);
	const struct cf_frame *e = cf_symcache_find(s->run, mod->bid_file, mod->bid_file_len, addr);
	Dwfl *d = e ? NULL : cf_symcache_dwfl(s->run, mod->bid_file, mod->bid_file_len, mod->path);
	if (!e)  /* a first look at the module brings in what earlier runs stored */
		e = cf_symcache_find(s->run, mod->bid_file, mod->bid_file_len, addr);
	if (!e) {
		struct cf_frame tmp = {0};
		if (d)
			lookup(d, addr, &tmp);
		struct cf_frame *put = cf_symcache_put(s->run, mod->bid_file, mod->bid_file_len, addr);
		*put = tmp;
		e = put;
	}
	cf_frame_copy_symbols(f, e);
	f->function_offset = e->function_offset + (f->pc - pc);
}

void cf_symbolize(struct cf_symbolizer *s, const struct cf_model *m, struct cf_frame *f)
{
	/* A return address points after the call: look up the call itself. */
	Dwarf_Addr pc = f->activation ? f->pc : f->pc - 1;
	for (size_t i = 0; i < m->nmod && !f->mod; i++)
		if (m->mod[i].hi > m->mod[i].lo && pc - m->mod[i].lo < m->mod[i].hi - m->mod[i].lo)
			f->mod = &m->mod[i];
	if (f->mod && f->mod->has_bias)
		f->offset = (f->pc - f->mod->bias) & cf_addrmask(&m->core.order);
	if (!s)
		return;
	struct cached *c = slot(s, pc);
	if (c->used) {
		cf_frame_copy_symbols(f, &c->f);
		f->function_offset = c->f.function_offset + (f->pc - c->f.pc);
		return;
	}
	lookup_shared(s, m, pc, f);
	c = slot(s, pc);  /* the table may have grown */
	c->used = true;
	c->key = pc;
	memset(&c->f, 0, sizeof c->f);
	c->f.pc = f->pc;
	cf_frame_copy_symbols(&c->f, f);
	s->ncache++;
}

/* The facts at PC in DWFL; function_offset relative to PC. */
static void lookup(Dwfl *dwfl, Dwarf_Addr pc, struct cf_frame *f)
{
	Dwfl_Module *dm = dwfl_addrmodule(dwfl, pc);
	if (!dm)
		return;
	GElf_Off off;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(dm, pc, &off, &sym, NULL, NULL, NULL);
	if (name) {
		f->function = demangle(name);
		f->function_offset = off;
	}
	Dwfl_Line *line = dwfl_module_getsrc(dm, pc);
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	const char *file = NULL;
	if (line) {
		file = dwfl_lineinfo(line, NULL, &f->line, &f->column, NULL, NULL);
	} else if ((cu = cu_at(dm, pc, &bias)) != NULL) {
		Dwarf_Line *l = dwarf_getsrc_die(cu, pc - bias);
		if (l && (file = dwarf_linesrc(l, NULL, NULL)) != NULL) {
			dwarf_lineno(l, &f->line);
			dwarf_linecol(l, &f->column);
		}
	}
	f->file = file ? cf_xstrdup(file) : NULL;
	inline_chain(dm, pc, f);
}
