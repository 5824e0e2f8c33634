/* Frames a tail call left no trace of on the stack, rebuilt as gdb does
 * (DWARF call-site information): the caller's call site at its return
 * address names the function it called; when the callee frame runs in
 * another function, the called one made a tail call to it, and its one
 * tail call site to that function is the missing frame. glibc's raise()
 * calls pthread_kill, which jumps to __pthread_kill_implementation: gdb
 * shows "__pthread_kill_internal" between them, and so does corefix. */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize.h"
#include "symcache.h"
#include "tailcall.h"

enum { MAX_DEPTH = 32, MAX_VISIT = 20000 };

#ifndef DW_AT_call_return_pc
#define DW_AT_call_return_pc 0x7d
#define DW_AT_call_tail_call 0x82
#define DW_AT_call_origin 0x7f
#endif

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = NULL;
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) || dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a))
		n = dwarf_formstring(&a);
	return n ? n : dwarf_diename(die);
}

static bool is_call_site(Dwarf_Die *d)
{
	int tag = dwarf_tag(d);
	return tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site;
}

/* Where the call returns to (module-relative). */
static bool return_pc(Dwarf_Die *site, Dwarf_Addr *pc)
{
	Dwarf_Attribute a;
	return (dwarf_attr(site, DW_AT_call_return_pc, &a) || dwarf_attr(site, DW_AT_low_pc, &a)) &&
	       dwarf_formaddr(&a, pc) == 0;
}

static bool tail(Dwarf_Die *site)
{
	return dwarf_hasattr(site, DW_AT_call_tail_call) || dwarf_hasattr(site, DW_AT_GNU_tail_call);
}

/* The name of the function a call site calls, NULL for an indirect call. */
static const char *callee(Dwarf_Die *site)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if ((!dwarf_attr(site, DW_AT_call_origin, &a) && !dwarf_attr(site, DW_AT_abstract_origin, &a)) ||
	    !dwarf_formref_die(&a, &t))
		return NULL;
	return die_name(&t);
}

struct search {
	Dwarf_Addr ret;         /* find the call site returning here... */
	const char *to;         /* ...or the tail call sites calling this */
	Dwarf_Die found;
	size_t nfound, visited;
};

static void walk(Dwarf_Die *parent, struct search *s, int depth)
{
	Dwarf_Die c;
	if (depth > MAX_DEPTH || dwarf_child(parent, &c) != 0)
		return;
	do {
		if (++s->visited > MAX_VISIT)
			return;
		if (is_call_site(&c)) {
			Dwarf_Addr pc;
			const char *n;
			bool hit = s->to ? tail(&c) && (n = callee(&c)) && !strcmp(n, s->to)
					 : return_pc(&c, &pc) && pc == s->ret;
			if (hit && s->nfound++ == 0)
				s->found = c;
		} else if (dwarf_haschildren(&c)) {
			int tag = dwarf_tag(&c);
			if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
				walk(&c, s, depth + 1);
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* The concrete function (not an inlined one) holding module-relative PC. */
static bool function_at(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die *fn)
{
	Dwarf_Die *scopes;
	int n = cf_dwarf_scopes(cu, pc, &scopes);
	bool ok = false;
	for (int i = 0; i < n && !ok; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			*fn = scopes[i];
			ok = true;
		}
	free(scopes);
	return ok;
}

/* The definition of function NAME in DM, through its symbol. */
static bool function_named(Dwfl_Module *dm, const char *name, Dwarf_Die *fn)
{
	int n = dwfl_module_getsymtab(dm);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *sn = dwfl_module_getsym_info(dm, i, &sym, &addr, NULL, NULL, NULL);
		if (!sn || GELF_ST_TYPE(sym.st_info) != STT_FUNC || strcmp(sn, name) != 0)
			continue;
		Dwarf_Addr bias;
		Dwarf_Die *cu = dwfl_module_addrdie(dm, addr, &bias);
		return cu && function_at(cu, addr - bias, fn);
	}
	return false;
}

/* A module's DWARF at link addresses, from the run's cache by build-id. */
struct place {
	const struct cf_module *mod;
	Dwfl_Module *dm;
	Dwarf_Die *cu;
	Dwarf_Addr bias;        /* of the CU in DM: link address = pc - mod bias */
	Dwarf_Addr rel;         /* the address, as in the CU */
};

static bool place_at(struct cf_symcache *cache, const struct cf_model *m, uint64_t pc, struct place *p)
{
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < m->nmod && !p->mod; i++)
		if (m->mod[i].hi > m->mod[i].lo && pc - m->mod[i].lo < m->mod[i].hi - m->mod[i].lo)
			p->mod = &m->mod[i];
	if (!p->mod || !cf_module_loadable(p->mod, false) || !p->mod->bid_file_len || p->mod->role == CF_ROLE_VDSO)
		return false;
	Dwfl *d = cf_symcache_dwfl(cache, p->mod->bid_file, p->mod->bid_file_len, p->mod->path);
	uint64_t link = (pc - p->mod->bias) & cf_addrmask(&m->core.order);
	p->dm = d ? dwfl_addrmodule(d, link) : NULL;
	p->cu = p->dm ? dwfl_module_addrdie(p->dm, link, &p->bias) : NULL;
	p->rel = link - p->bias;
	return p->cu != NULL;
}

/* The pc of the frame missing between CALLEE_PC's frame and the frame
 * returning to RET, or 0. */
static uint64_t missing_frame(struct cf_symcache *cache, const struct cf_model *m, uint64_t callee_pc, uint64_t ret)
{
	struct place c, f;
	Dwarf_Die caller, running, target;
	if (!place_at(cache, m, ret - 1, &c) || !place_at(cache, m, callee_pc, &f) || !function_at(c.cu, c.rel, &caller) ||
	    !function_at(f.cu, f.rel, &running))
		return 0;
	struct search s = {.ret = c.rel + 1};
	walk(&caller, &s, 0);
	const char *called = s.nfound == 1 && !tail(&s.found) ? callee(&s.found) : NULL, *now = die_name(&running);
	if (!called || !now || !strcmp(called, now))
		return 0;
	const struct place *t = &c;
	if (!function_named(c.dm, called, &target)) {
		if (f.dm == c.dm || !function_named(f.dm, called, &target))
			return 0;
		t = &f;
	}
	/* One tail call to the running function: anything else is a guess. */
	s = (struct search){.to = now};
	walk(&target, &s, 0);
	Dwarf_Addr pc;
	if (s.nfound != 1 || !return_pc(&s.found, &pc))
		return 0;
	return (pc + t->bias + t->mod->bias) & cf_addrmask(&m->core.order);
}

/* Threads of one process share their callers (a thousand workers parked
 * in one function): each (callee, return address) pair is looked at once. */
struct memo {
	uint64_t callee, ret, pc;
	bool used;
};

struct cf_tailcalls {
	struct memo *slot;
	size_t n, cap;
};

struct cf_tailcalls *cf_tailcalls_new(void)
{
	return cf_xcalloc(1, sizeof(struct cf_tailcalls));
}

void cf_tailcalls_free(struct cf_tailcalls *tc)
{
	if (tc)
		free(tc->slot);
	free(tc);
}

static struct memo *memo_slot(struct cf_tailcalls *tc, uint64_t callee, uint64_t ret)
{
	if (2 * (tc->n + 1) > tc->cap) {
		struct memo *old = tc->slot;
		size_t oldcap = tc->cap;
		tc->cap = tc->cap ? 2 * tc->cap : 64;
		tc->slot = cf_xcalloc(tc->cap, sizeof *tc->slot);
		tc->n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				*memo_slot(tc, old[i].callee, old[i].ret) = old[i], tc->n++;
		free(old);
	}
	size_t h = (size_t)((callee * 0x9e3779b97f4a7c15ull) ^ ret) & (tc->cap - 1);
	while (tc->slot[h].used && (tc->slot[h].callee != callee || tc->slot[h].ret != ret))
		h = (h + 1) & (tc->cap - 1);
	return &tc->slot[h];
}

void cf_tailcall_frames(struct cf_tailcalls *tc, struct cf_symbolizer *sym, struct cf_symcache *cache,
			const struct cf_model *m, struct cf_thread_bt *t, size_t max)
{
	for (size_t k = 0; sym && cache && k + 1 < t->nframe; k++) {
		struct cf_frame *f = &t->frame[k], *up = &t->frame[k + 1];
		if (up->activation || f->signal_frame || !up->pc)
			continue;
		uint64_t callee = f->activation ? f->pc : f->pc - 1;
		struct memo *e = memo_slot(tc, callee, up->pc);
		if (!e->used) {
			uint64_t found = missing_frame(cache, m, callee, up->pc);
			e = memo_slot(tc, callee, up->pc);  /* unchanged: no insertion since */
			*e = (struct memo){callee, up->pc, found, true};
			tc->n++;
		}
		uint64_t pc = e->pc;
		if (!pc)
			continue;
		t->frame = cf_xrealloc(t->frame, t->nframe + 1, sizeof *t->frame);
		memmove(&t->frame[k + 2], &t->frame[k + 1], (t->nframe - k - 1) * sizeof *t->frame);
		t->nframe++;
		struct cf_frame *x = &t->frame[k + 1];
		memset(x, 0, sizeof *x);
		x->pc = pc;
		x->tail_call = true;
		cf_symbolize(sym, m, x);
		/* gdb names such a frame by the innermost function at its pc,
		 * inlined or not, and shows no inline frames for it. */
		if (x->ninl) {
			struct cf_inline in = x->inl[0];
			x->inl[0].function = NULL;
			x->inl[0].file = NULL;
			cf_frame_free_symbols(x);
			x->inl = NULL;
			x->ninl = 0;
			x->function_offset = 0;
			x->function = in.function;
			x->file = in.file;
			x->line = in.line;
			x->column = in.column;
		}
		k++;
	}
	if (t->nframe > max) {
		/* The rebuilt frames count against --max-frames like any other. */
		for (size_t k = max; k < t->nframe; k++)
			cf_frame_free_symbols(&t->frame[k]);
		t->nframe = max;
		free(t->end);
		t->end = cf_xasprintf("stopped at --max-frames %zu", max);
	}
}
