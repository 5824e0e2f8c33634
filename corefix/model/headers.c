/* Modules from ELF headers in core memory, where NT_FILE is missing or
 * cut short (qemu-user, gcore of a process whose maps could not be read). */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

/* The biases that put an object's first file page at ADDR. A copy of that
 * page starts every PT_LOAD whose first page is file page 0 (a small RW
 * segment often is), so each such segment is a candidate. */
static size_t header_biases(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t addr, uint64_t *out,
			    size_t max)
{
	uint64_t pg = m->pagesz, mask = cf_addrmask(&m->core.order);
	size_t n = 0;
	for (size_t i = 0; i < info->nphdr && n < max; i++) {
		const GElf_Phdr *ph = &info->phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_offset & ~(pg - 1)) != 0)
			continue;
		uint64_t c = (addr - (ph->p_vaddr & ~(pg - 1))) & mask;
		n = cf_add_unique(out, n, c);
	}
	return n;
}

/* The bias that puts INFO's program headers at AT_PHDR: where the object
 * is, if it is the one the kernel ran. */
bool cf_bias_from_at_phdr(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t *out)
{
	uint64_t at = m->notes.auxv.phdr;
	const GElf_Phdr *ph = cf_elf_phdr(info, PT_PHDR);
	uint64_t vaddr = ph ? ph->p_vaddr : 0;
	for (size_t i = 0; !ph && i < info->nphdr; i++) {
		const GElf_Phdr *l = &info->phdr[i];
		if (l->p_type == PT_LOAD && info->phoff >= l->p_offset && info->phoff - l->p_offset < l->p_filesz) {
			vaddr = l->p_vaddr + (info->phoff - l->p_offset);
			ph = l;
		}
	}
	if (!at || !ph)
		return false;
	*out = (at - vaddr) & cf_addrmask(&m->core.order);
	return true;
}

/* Where an ELF header found in memory at ADDR puts its object. A header
 * copy never moves a module: an ET_EXEC sits at its link address, the
 * program the kernel ran where AT_PHDR says; an ET_DYN whose header could
 * be any of several segments' copy is left to link_map to place. */
static bool place_header(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t addr, uint64_t *bias)
{
	uint64_t cand[8], at;
	size_t n = header_biases(m, info, addr, cand, 8);
	bool exec = cf_bias_from_at_phdr(m, info, &at);
	if (info->type == ET_EXEC)
		*bias = 0;
	else if (exec && n > 1)
		*bias = at;
	else if (n == 1)
		*bias = cand[0];
	else
		return false;
	for (size_t k = 0; k < n; k++)
		if (cand[k] == *bias)
			return true;
	return false;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Where NT_FILE is missing or cut short: any core segment that starts with
 * an ELF header of a loadable object is a module, named later by link_map.
 * Not the header copy at the start of a file mapped again as data. */
void cf_modules_from_memory(struct cf_model *m)
{
	size_t found = 0, ndata = 0;
	for (size_t i = 0; i < m->nmod; i++)
		ndata += m->mod[i].ndata;
	uint64_t *data = cf_xcalloc(ndata + 1, sizeof *data);
	ndata = 0;
	for (size_t i = 0; i < m->nmod; i++)
		for (size_t k = 0; k < m->mod[i].ndata; k++)
			data[ndata++] = m->notes.map[m->mod[i].data[k]].start;
	qsort(data, ndata, sizeof *data, by_value);
	for (size_t i = 0; i < m->core.nseg; i++) {
		const struct cf_segment *s = &m->core.seg[i];
		struct cf_elfinfo info;
		unsigned char magic[SELFMAG];
		/* Cheap tests first: a crafted core may hold many segments and
		 * many modules. */
		if ((s->vaddr & (m->pagesz - 1)) || s->filesz < 64 || !cf_core_read_all(&m->core, s->vaddr, magic, SELFMAG) ||
		    memcmp(magic, ELFMAG, SELFMAG) != 0 || ++found > 4096 || cf_model_find_addr(m, s->vaddr) ||
		    bsearch(&s->vaddr, data, ndata, sizeof *data, by_value) ||
		    !cf_model_image_at(m, s->vaddr, s->memsz, &info))
			continue;
		uint64_t bias;
		if ((info.type != ET_DYN && info.type != ET_EXEC) || !place_header(m, &info, s->vaddr, &bias)) {
			cf_elfinfo_free(&info);
			continue;
		}
		struct cf_module *mod = cf_model_add(m, "");
		mod->sources = CF_SRC_MEMORY;
		cf_module_core_header(mod, &info);
		mod->bias = bias;
		mod->has_bias = true;
		mod->bias_src = CF_SRC_MEMORY;
		cf_module_adopt_info(mod, &info);
		cf_module_range_from_info(m, mod);
	}
	free(data);
}
