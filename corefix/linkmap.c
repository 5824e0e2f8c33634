/* r_debug discovery and the link_map walk (DESIGN.md, "r_debug / link_map").
 * Core memory may be garbage: every read is checked, every walk bounded. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elfimage.h"
#include "model.h"

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
	if (!dyn)
		return 0;
	unsigned w = cf_wordsize(&m->core.order);
	uint64_t addr = mask(m, dyn->p_vaddr + mod->bias), n = dyn->p_memsz / (2 * w);
	for (uint64_t i = 0; i < n && i < 4096; i++) {
		uint64_t tag, val;
		if (!cf_core_read_word(&m->core, addr + i * 2 * w, &tag) ||
		    !cf_core_read_word(&m->core, addr + i * 2 * w + w, &val) || tag == DT_NULL)
			break;
		if (tag == DT_DEBUG)
			return val;
	}
	return 0;
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

static struct cf_module *match(struct cf_model *m, uint64_t l_ld, const char *name)
{
	struct cf_module *mod = l_ld ? cf_model_find_addr(m, l_ld) : NULL;
	for (size_t i = 0; i < m->nmod && !mod && name[0]; i++)
		if (strcmp(m->mod[i].name, name) == 0)
			mod = &m->mod[i];
	return mod;
}

static void take_entry(struct cf_model *m, const struct cf_options *opt, uint64_t lm, uint64_t l_addr, const char *name,
		       uint64_t l_ld, bool head)
{
	struct cf_module *mod = match(m, l_ld, name);
	if (!mod) {
		mod = cf_model_add(m, name[0] ? name : head ? "(main program)" : "(unnamed)");
		mod->bias = l_addr;
		mod->has_bias = true;
		mod->bias_src = CF_SRC_LINKMAP;
		struct cf_elfinfo info;
		if (cf_resolve(m, mod, opt, &info)) {
			mod->info = info;
			mod->elf_known = true;
			cf_module_range_from_info(m, mod);
		}
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
	}
	if (mod->name[0] == 0 && name[0]) {
		free(mod->name);
		mod->name = cf_xstrdup(name);
		struct cf_elfinfo info;
		if (!mod->path && cf_resolve(m, mod, opt, &info))
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

static bool seen(const uint64_t *v, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

void cf_linkmap_read(struct cf_model *m, const struct cf_options *opt)
{
	find_r_debug(m);
	if (!m->r_debug)
		return;
	unsigned w = cf_wordsize(&m->core.order);
	unsigned char v[4];
	cf_core_read_all(&m->core, m->r_debug, v, 4);
	m->r_version = (int)cf_u32(&m->core.order, v);
	uint64_t *visited = cf_xcalloc(MAX_ENTRIES, sizeof *visited);
	size_t nvisited = 0;
	uint64_t ns = m->r_debug;
	for (int nsi = 0; ns && nsi < MAX_NAMESPACES; nsi++) {
		uint64_t lm = 0, prev = 0;
		if (!cf_core_read_word(&m->core, ns + w, &lm))
			m->lm_broken = true;
		while (lm) {
			uint64_t l_addr, l_name, l_ld, l_next, l_prev;
			if (nvisited == MAX_ENTRIES || seen(visited, nvisited, lm)) {
				cf_warn(&m->diag, "%s: link_map has a cycle or more than %d entries; walk stopped",
					m->core.path, MAX_ENTRIES);
				m->lm_broken = true;
				break;
			}
			visited[nvisited++] = lm;
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
			char *name = l_name ? cf_core_read_string(&m->core, l_name, MAX_NAME) : NULL;
			take_entry(m, opt, lm, l_addr, name ? name : "", l_ld, nsi == 0 && prev == 0);
			free(name);
			m->lm_entries++;
			prev = lm;
			lm = l_next;
		}
		if (m->r_version < 2 || !cf_core_read_word(&m->core, ns + 5 * w, &ns))
			break;
	}
	free(visited);
}
