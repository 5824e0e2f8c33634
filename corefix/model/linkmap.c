/* r_debug discovery and the link_map walk (DESIGN.md, "r_debug / link_map").
 * Core memory may be garbage: every read is checked, every walk bounded. */
#define _GNU_SOURCE
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elfimage.h"
#include "model_build.h"
#include "rdebug.h"

enum { MAX_ENTRIES = 4096, MAX_NAMESPACES = 64, MAX_NAME = 4096 };

static uint64_t mask(const struct cf_model *m, uint64_t v)
{
	return v & cf_addrmask(&m->core.order);
}

/* DT_DEBUG's value in MOD's in-memory dynamic section, 0 if none. */
static uint64_t dt_debug(const struct cf_model *m, const struct cf_module *mod)
{
	if (!mod || !mod->elf_known || !mod->has_bias)
		return 0;
	const GElf_Phdr *dyn = cf_elf_phdr(&mod->info, PT_DYNAMIC);
	return dyn ? cf_dt_debug_at(m, mask(m, dyn->p_vaddr + mod->bias), dyn->p_memsz) : 0;
}

static bool plausible(const struct cf_model *m, uint64_t r_debug)
{
	unsigned char v[4];
	uint64_t map;
	if (!r_debug || !cf_core_read_all(&m->core, r_debug, v, 4))
		return false;
	uint32_t version = cf_u32(&m->core.order, v);
	return version >= 1 && version <= 2 &&
	       cf_core_read_word(&m->core, r_debug + cf_wordsize(&m->core.order), &map) && map != 0;
}

static uint64_t via_symbol(const struct cf_model *m, const struct cf_module *mod)
{
	uint64_t v;
	if (!mod || !mod->path || !mod->has_bias || mod->bid_mismatch)
		return 0;
	if (cf_elf_lookup_symbol(mod->path, "_r_debug", &v))
		return mask(m, v + mod->bias);
	/* musl keeps its debug struct private and exports a pointer to it. */
	uint64_t p;
	if (cf_elf_lookup_symbol(mod->path, "_dl_debug_addr", &v) &&
	    cf_core_read_word(&m->core, mask(m, v + mod->bias), &p))
		return p;
	return 0;
}

static void find_r_debug(struct cf_model *m)
{
	const struct cf_auxv *a = &m->notes.auxv;
	struct cf_module *exec = a->phdr ? cf_model_find_addr(m, a->phdr) : NULL;
	struct cf_module *interp = a->base ? cf_model_find_addr(m, a->base) : NULL;
	uint64_t r;
	if ((r = dt_debug(m, exec)) && plausible(m, r)) {
		m->r_debug = r;
		m->r_debug_how = "DT_DEBUG of the program the kernel ran";
		return;
	}
	const struct cf_module *loaders[] = {interp, exec};
	for (size_t i = 0; i < 2; i++)
		if ((r = via_symbol(m, loaders[i])) && plausible(m, r)) {
			m->r_debug = r;
			m->r_debug_how = "the loader's _r_debug symbol";
			m->no_dt_debug = true;
			return;
		}
	for (size_t i = 0; i < m->nmod; i++)
		if ((r = dt_debug(m, &m->mod[i])) && plausible(m, r)) {
			m->r_debug = r;
			m->r_debug_how = "DT_DEBUG of a loaded module";
			m->no_dt_debug = exec != &m->mod[i];
			return;
		}
	for (size_t i = 0; i < m->nmod; i++)
		if ((r = via_symbol(m, &m->mod[i])) && plausible(m, r)) {
			m->r_debug = r;
			m->r_debug_how = "a module's _r_debug symbol";
			m->no_dt_debug = true;
			return;
		}
}

/* A core with no module to start from (qemu-user's): the files the core
 * names, then the auxiliary vector's program, then a scan of memory. */
static void find_r_debug_without_modules(struct cf_model *m, struct cf_rdebug_hint *h)
{
	uint64_t r;
	const char *how;
	cf_rdebug_hints(m, h);
	if (cf_rdebug_via_loader(m, h, &r, &how) || cf_rdebug_via_auxv(m, h, &r, &how) ||
	    cf_rdebug_scan(m, &r, &how)) {
		m->r_debug = r;
		m->r_debug_how = how;
		m->no_dt_debug = how[0] != 'D';
	}
}

/* How well MOD fits an entry with bias L_ADDR: 2 when its bias is l_addr
 * (or one of its candidates), 1 when it has none yet, 0 when it disagrees. */
static int agreement(const struct cf_module *mod, uint64_t l_addr)
{
	if (mod->has_bias)
		return mod->bias == l_addr ? 2 : 0;
	for (size_t i = 0; i < mod->ncand; i++)
		if (mod->cand[i] == l_addr)
			return 2;
	return 1;
}

/* The modules whose range is known when the walk starts (their bias is
 * known: an entry never moves them), sorted by start, with the largest
 * end of every prefix: the modules holding an address are found by a
 * binary search and a short walk back, not a scan per entry (a process
 * with hundreds of libraries made the walk quadratic). Modules added or
 * placed during the walk are looked at one by one. */
struct range_index {
	size_t *order;          /* module indices, by lo */
	uint64_t *maxhi;        /* the largest hi of order[0..k] */
	size_t n;
	size_t *other;          /* the modules of the start not in ORDER */
	size_t nother;
	size_t nmod;            /* modules at the start */
};

static int by_lo_r(const void *a, const void *b, void *ctx)
{
	const struct cf_model *m = ctx;
	uint64_t x = m->mod[*(const size_t *)a].lo, y = m->mod[*(const size_t *)b].lo;
	return x < y ? -1 : x > y;
}

static void index_build(const struct cf_model *m, struct range_index *x)
{
	x->nmod = m->nmod;
	x->order = cf_xcalloc(m->nmod + 1, sizeof *x->order);
	x->maxhi = cf_xcalloc(m->nmod + 1, sizeof *x->maxhi);
	x->other = cf_xcalloc(m->nmod + 1, sizeof *x->other);
	x->n = x->nother = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		if (m->mod[i].has_bias && m->mod[i].hi > m->mod[i].lo)
			x->order[x->n++] = i;
		else
			x->other[x->nother++] = i;
	}
	qsort_r(x->order, x->n, sizeof *x->order, by_lo_r, (void *)m);
	for (size_t k = 0; k < x->n; k++) {
		uint64_t hi = m->mod[x->order[k]].hi;
		x->maxhi[k] = k && x->maxhi[k - 1] > hi ? x->maxhi[k - 1] : hi;
	}
}

static void index_free(struct range_index *x)
{
	free(x->order);
	free(x->maxhi);
	free(x->other);
}

/* Module I as a candidate for an entry: the best agreement wins, the
 * first module (by index) among equals. */
static void consider(struct cf_model *m, size_t i, uint64_t l_addr, uint64_t l_ld, size_t *best, int *score)
{
	const struct cf_module *mod = &m->mod[i];
	if (!(mod->hi > mod->lo && l_ld - mod->lo < mod->hi - mod->lo))
		return;
	int a = agreement(mod, l_addr);
	if (a > *score || (a == *score && i < *best)) {
		*best = i;
		*score = a;
	}
}

/* The module an entry describes: the image whose range holds l_ld, the
 * one at bias l_addr first (two images of one file, dlmopen); else by
 * name. Data mappings are no image: a file gdb mapped again never
 * catches another module's l_ld. */
static struct cf_module *match(struct cf_model *m, const struct range_index *x, uint64_t l_addr, uint64_t l_ld,
			       const char *name)
{
	size_t best = SIZE_MAX;
	int score = -1;
	if (l_ld) {
		size_t lo = 0, hi = x->n;   /* the first module starting above l_ld */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (m->mod[x->order[mid]].lo <= l_ld)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k-- > 0 && x->maxhi[k] > l_ld;)
			consider(m, x->order[k], l_addr, l_ld, &best, &score);
		for (size_t k = 0; k < x->nother; k++)
			consider(m, x->other[k], l_addr, l_ld, &best, &score);
		for (size_t i = x->nmod; i < m->nmod; i++)
			consider(m, i, l_addr, l_ld, &best, &score);
	}
	for (size_t i = 0; i < m->nmod && best == SIZE_MAX && name[0]; i++)
		if (strcmp(m->mod[i].name, name) == 0 && agreement(&m->mod[i], l_addr) > score) {
			best = i;
			score = agreement(&m->mod[i], l_addr);
		}
	return best == SIZE_MAX ? NULL : &m->mod[best];
}

/* STRICT: the name is only a guess, so l_ld must confirm it rather than
 * merely not contradict it. */
static bool dynamic_agrees(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t l_addr, uint64_t l_ld,
			   bool strict)
{
	const GElf_Phdr *dyn = cf_elf_phdr(info, PT_DYNAMIC);
	if (!l_ld || !dyn)
		return !strict;
	return mask(m, dyn->p_vaddr + l_addr) == l_ld;
}

/* A module only link_map knows of. With no build-id in the core to check
 * its file against (qemu dumps no text page), l_ld must be where the
 * file's PT_DYNAMIC lands at bias l_addr. The unnamed main entry takes
 * the first of the names the core records for the program that fits. */
static struct cf_module *add_from_entry(struct cf_model *m, const struct cf_rdebug_hint *h, uint64_t l_addr, const char *name,
					uint64_t l_ld, bool head)
{
	const char *fallback = name[0] ? name : head ? "(main program)" : "(unnamed)";
	struct cf_module *mod = cf_model_add(m, fallback);
	mod->bias = l_addr;
	mod->has_bias = true;
	mod->bias_src = CF_SRC_LINKMAP;
	const char *tries[4] = {fallback};
	size_t n = 1;
	if (!name[0] && head && h)
		for (size_t i = 0; i < h->nprogram && n < 4; i++)
			tries[n++] = h->program[i];
	else if (!name[0] && h && h->loader && h->has_loader_bias && l_addr == h->loader_bias)
		tries[n++] = h->loader;
	for (size_t i = 0; i < n; i++) {
		struct cf_elfinfo info;
		free(mod->name);
		mod->name = cf_xstrdup(tries[i]);
		if (!cf_resolve(m, mod, &info))
			continue;
		if (dynamic_agrees(m, &info, l_addr, l_ld, i > 0)) {
			mod->info = info;
			mod->elf_known = true;
			cf_module_range_from_info(m, mod);
			return mod;
		}
		if (i == 0 && name[0])
			cf_warn(&m->diag, "%s: %s: not the build link_map describes (its PT_DYNAMIC would be at 0x%llx, "
					  "l_ld is 0x%llx); not used", m->core.path, mod->path,
				(unsigned long long)mask(m, cf_elf_phdr(&info, PT_DYNAMIC)->p_vaddr + l_addr),
				(unsigned long long)l_ld);
		cf_elfinfo_free(&info);
		free(mod->path);
		mod->path = NULL;
		mod->path_how = NULL;
		mod->bid_file_len = 0;
		mod->bid_mismatch = false;
		mod->not_elf = false;
	}
	free(mod->name);
	mod->name = cf_xstrdup(fallback);
	return mod;
}

static void take_entry(struct cf_model *m, const struct range_index *idx, const struct cf_rdebug_hint *h,
		       uint64_t lm, uint64_t l_addr, const char *name, uint64_t l_ld, bool head)
{
	struct cf_module *mod = match(m, idx, l_addr, l_ld, name);
	if (!mod) {
		mod = add_from_entry(m, h, l_addr, name, l_ld, head);
	} else if (mod->has_bias && mod->bias != l_addr) {
		cf_warn(&m->diag, "%s: %s: link_map says bias 0x%llx, %s says 0x%llx; keeping the latter", m->core.path,
			mod->name, (unsigned long long)l_addr, mod->bias_src & CF_SRC_KM ? "KM note" : "NT_FILE",
			(unsigned long long)mod->bias);
	} else if (mod->has_bias) {
		mod->bias_src |= CF_SRC_LINKMAP;
	} else {
		bool listed = false;
		for (size_t i = 0; i < mod->ncand; i++)
			listed |= mod->cand[i] == l_addr;
		if (mod->ncand && !listed)
			cf_warn(&m->diag, "%s: %s: link_map bias 0x%llx is none of NT_FILE's candidates", m->core.path,
				mod->name, (unsigned long long)l_addr);
		mod->bias = l_addr;
		mod->has_bias = true;
		mod->bias_src = CF_SRC_LINKMAP | (listed ? CF_SRC_NTFILE : 0);
		mod->ncand = 0;
		if (mod->sources & CF_SRC_NTFILE)
			cf_module_split_maps(m, mod);
	}
	if (mod->name[0] == 0 && name[0]) {
		free(mod->name);
		mod->name = cf_xstrdup(name);
		struct cf_elfinfo info;
		if (!mod->path && cf_resolve(m, mod, &info))
			cf_elfinfo_free(&info);
	}
	mod->sources |= CF_SRC_LINKMAP;
	if (!mod->in_linkmap) {
		mod->lm_entry = lm;
		mod->lm_name = cf_xstrdup(name);
	}
	mod->in_linkmap = true;
	mod->l_addr = l_addr;
	mod->l_ld = l_ld;
	if (head && mod->role != CF_ROLE_VDSO)
		mod->role = CF_ROLE_MAIN;
}

/* l_name may point into a page the core left out: the program's
 * PT_INTERP string names the loader, and qemu dumps no read-only page.
 * The files of the modules already taken from link_map fill it in. */
static char *read_name(const struct cf_model *m, uint64_t addr)
{
	char *s = cf_core_read_string(&m->core, addr, MAX_NAME);
	if (s)
		return s;
	s = cf_xmalloc(MAX_NAME + 1);
	size_t n = cf_model_read(m, addr, s, MAX_NAME);
	if (!memchr(s, 0, n)) {
		free(s);
		return NULL;
	}
	return s;
}

/* Entries walked so far, as an open-addressing set that grows with the
 * walk (0 is no entry: the walk ends there): a cycle is caught without a
 * scan per entry, and a short chain costs a short table. */
struct walked {
	uint64_t *slot;
	size_t nslot, n;
};

static void walked_put(uint64_t *slot, size_t nslot, uint64_t x)
{
	size_t k = (size_t)((x >> 3) * 0x9e3779b97f4a7c15ull >> 32) & (nslot - 1);
	while (slot[k])
		k = (k + 1) & (nslot - 1);
	slot[k] = x;
}

/* True when X was walked already; else remembers it. */
static bool seen(struct walked *w, uint64_t x)
{
	size_t mask = w->nslot - 1;
	for (size_t k = w->nslot ? (size_t)((x >> 3) * 0x9e3779b97f4a7c15ull >> 32) & mask : 0; w->nslot && w->slot[k];
	     k = (k + 1) & mask)
		if (w->slot[k] == x)
			return true;
	if (2 * (w->n + 1) > w->nslot) {
		size_t n = w->nslot ? 2 * w->nslot : 64;
		uint64_t *slot = cf_xcalloc(n, sizeof *slot);
		for (size_t k = 0; k < w->nslot; k++)
			if (w->slot[k])
				walked_put(slot, n, w->slot[k]);
		free(w->slot);
		w->slot = slot;
		w->nslot = n;
	}
	walked_put(w->slot, w->nslot, x);
	w->n++;
	return false;
}

/* The loader that ran as a command is what was started: the EXEC role,
 * as AT_PHDR would have said had the loader not rewritten it. */
static void mark_loader(struct cf_model *m, const struct cf_rdebug_hint *h)
{
	for (size_t i = 0; i < m->nmod; i++) {
		struct cf_module *mod = &m->mod[i];
		if (!mod->in_linkmap || mod->role != CF_ROLE_DSO)
			continue;
		if (h->has_loader_bias ? mod->l_addr == h->loader_bias
				       : !strcmp(cf_base_name(mod->name), cf_base_name(h->loader))) {
			mod->role = CF_ROLE_EXEC;
			m->loader_as_command = true;
			return;
		}
	}
}

void cf_linkmap_read(struct cf_model *m)
{
	struct cf_rdebug_hint hint, *h = NULL;
	find_r_debug(m);
	bool none = true;
	for (size_t i = 0; i < m->nmod; i++)
		none &= m->mod[i].role == CF_ROLE_VDSO;
	/* Only where nothing else is known: a core with modules already has
	 * the routes above, and a static program's own r_debug, found by a
	 * scan, would only shadow them. */
	if (!m->r_debug && none) {
		h = &hint;
		find_r_debug_without_modules(m, h);
	}
	if (!m->r_debug) {
		if (h)
			cf_rdebug_hint_free(h);
		return;
	}
	unsigned w = cf_wordsize(&m->core.order);
	unsigned char v[4];
	cf_core_read_all(&m->core, m->r_debug, v, 4);
	m->r_version = (int)cf_u32(&m->core.order, v);
	struct walked visited = {0};
	struct range_index idx;
	index_build(m, &idx);
	uint64_t ns = m->r_debug;
	for (int nsi = 0; ns && nsi < MAX_NAMESPACES; nsi++) {
		uint64_t lm = 0, prev = 0;
		if (!cf_core_read_word(&m->core, ns + w, &lm))
			m->lm_broken = true;
		while (lm) {
			uint64_t l_addr, l_name, l_ld, l_next, l_prev;
			if (visited.n == MAX_ENTRIES || seen(&visited, lm)) {
				cf_warn(&m->diag, "%s: link_map has a cycle or more than %d entries; walk stopped",
					m->core.path, MAX_ENTRIES);
				m->lm_broken = true;
				break;
			}
			if (!cf_core_read_word(&m->core, lm, &l_addr) || !cf_core_read_word(&m->core, lm + w, &l_name) ||
			    !cf_core_read_word(&m->core, lm + 2 * w, &l_ld) ||
			    !cf_core_read_word(&m->core, lm + 3 * w, &l_next) ||
			    !cf_core_read_word(&m->core, lm + 4 * w, &l_prev)) {
				cf_warn(&m->diag, "%s: link_map entry at 0x%llx is not in the core; walk stopped",
					m->core.path, (unsigned long long)lm);
				m->lm_broken = true;
				break;
			}
			if (l_prev != prev)
				cf_warn(&m->diag, "%s: link_map entry at 0x%llx has a bad l_prev", m->core.path,
					(unsigned long long)lm);
			char *name = l_name ? read_name(m, l_name) : NULL;
			take_entry(m, &idx, h, lm, l_addr, name ? name : "", l_ld, nsi == 0 && prev == 0);
			free(name);
			m->lm_entries++;
			prev = lm;
			lm = l_next;
		}
		if (m->r_version < 2 || !cf_core_read_word(&m->core, ns + 5 * w, &ns))
			break;
	}
	free(visited.slot);
	index_free(&idx);
	if (h && h->loader_run)
		mark_loader(m, h);
	if (h)
		cf_rdebug_hint_free(h);
}
