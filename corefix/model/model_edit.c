/* Adding, finding and filling modules while the model is built: the
 * stages' shared tools, declared in internal/model_build.h. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

struct cf_module *cf_model_add(struct cf_model *m, const char *name)
{
	if (m->nmod == m->modcap) {
		/* Geometric growth: a crafted core can name a million files. */
		m->modcap = m->modcap ? 2 * m->modcap : 16;
		m->mod = cf_xrealloc(m->mod, m->modcap, sizeof *m->mod);
	}
	struct cf_module *mod = &m->mod[m->nmod++];
	memset(mod, 0, sizeof *mod);
	mod->name = cf_xstrdup(name);
	return mod;
}

struct cf_module *cf_model_find_addr(struct cf_model *m, uint64_t addr)
{
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].hi > m->mod[i].lo && addr - m->mod[i].lo < m->mod[i].hi - m->mod[i].lo)
			return &m->mod[i];
	return NULL;
}

bool cf_module_same_build(const struct cf_module *mod, const struct cf_elfinfo *file)
{
	struct cf_wanted w = {.bid_core = mod->bid_core, .bid_core_len = mod->bid_core_len,
			      .header_in_core = mod->header_in_core, .layout_core = mod->layout_core};
	return cf_wanted_same_build(&w, file);
}

/* What the core's copy of a module's first page says of its build. */
void cf_module_core_header(struct cf_module *mod, const struct cf_elfinfo *mem)
{
	mod->header_in_core = true;
	memcpy(mod->bid_core, mem->buildid, mem->buildid_len);
	mod->bid_core_len = mem->buildid_len;
	/* The layout stands in for a build-id only where there is none. */
	mod->layout_core = mem->buildid_len ? 0 : cf_elf_layout(mem);
}

void cf_module_adopt_info(struct cf_module *mod, struct cf_elfinfo *info)
{
	cf_elfinfo_free(&mod->info);
	mod->info = *info;
	mod->elf_known = true;
	memset(info, 0, sizeof *info);
}

bool cf_model_image_at(const struct cf_model *m, uint64_t addr, uint64_t maxlen, struct cf_elfinfo *info)
{
	unsigned char magic[SELFMAG];
	if (maxlen < 64 || !cf_core_read_all(&m->core, addr, magic, SELFMAG) || memcmp(magic, ELFMAG, SELFMAG) != 0)
		return false;  /* most mappings are no ELF header: do not copy 64 KiB to find out */
	size_t len = maxlen < 65536 ? (size_t)maxlen : 65536;
	unsigned char *buf = cf_xmalloc(len);
	size_t n = cf_core_read(&m->core, addr, buf, len);
	bool ok = n >= 64 && cf_elf_read_image(buf, n, info) == 0;
	free(buf);
	return ok;
}

void cf_module_range_from_info(struct cf_model *m, struct cf_module *mod)
{
	uint64_t lo = UINT64_MAX, hi = 0, mask = cf_addrmask(&m->core.order);
	for (size_t i = 0; i < mod->info.nphdr; i++) {
		const GElf_Phdr *ph = &mod->info.phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t a = ph->p_vaddr & ~(m->pagesz - 1), b = ph->p_vaddr + ph->p_memsz;
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (hi > lo) {
		mod->lo = (lo + mod->bias) & mask;
		mod->hi = mod->lo + (hi - lo);
	}
}

void cf_module_free(struct cf_module *mod)
{
	free(mod->name);
	free(mod->path);
	free(mod->debuginfo);
	free(mod->lm_name);
	free(mod->map);
	free(mod->data);
	cf_elfinfo_free(&mod->info);
}
