/* Kontain KM's KMSP notes: NT_KM_GUEST and NT_KM_DYNLINKER carry the exact
 * load_adjust and program headers of the payload and its loader. */
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

static void apply(struct cf_model *m, const struct cf_km_image *k)
{
	if (!k->present || !k->filename)
		return;
	uint64_t mask = cf_addrmask(&m->core.order), first = 0;
	bool have_first = false;
	for (size_t i = 0; i < k->nphdr && !have_first; i++)
		if (k->phdr[i].p_type == PT_LOAD) {
			first = (k->phdr[i].p_vaddr + k->load_adjust) & mask;
			have_first = true;
		}
	struct cf_module *mod = NULL;
	for (size_t i = 0; i < m->nmod && !mod; i++)
		if (strcmp(m->mod[i].name, k->filename) == 0)
			mod = &m->mod[i];
	for (size_t i = 0; i < m->nmod && !mod; i++)
		if (strcmp(cf_base_name(m->mod[i].name), cf_base_name(k->filename)) == 0)
			mod = &m->mod[i];
	if (!mod && have_first)
		mod = cf_model_find_addr(m, first);
	if (!mod) {
		mod = cf_model_add(m, k->filename);
		mod->info.type = k->type;
		mod->info.entry = k->entry;
		mod->info.phoff = 64;
		mod->info.is64 = true;
		mod->info.nphdr = k->nphdr;
		mod->info.phdr = cf_xcalloc(k->nphdr, sizeof *k->phdr);
		memcpy(mod->info.phdr, k->phdr, k->nphdr * sizeof *k->phdr);
		mod->elf_known = true;
	}
	mod->sources |= CF_SRC_KM;
	mod->not_elf = false;
	uint64_t bias = k->load_adjust & mask;
	if (mod->has_bias && mod->bias != bias) {
		cf_warn(&m->diag, "%s: %s: KM note says load_adjust 0x%llx, NT_FILE says 0x%llx; using KM's",
			m->core.path, mod->name, (unsigned long long)bias, (unsigned long long)mod->bias);
		mod->bias_src = 0;
	}
	mod->bias = bias;
	mod->has_bias = true;
	mod->bias_conflict = false;
	mod->bias_src |= CF_SRC_KM;
	if (mod->hi <= mod->lo)
		cf_module_range_from_info(m, mod);
}

void cf_modules_from_km(struct cf_model *m)
{
	apply(m, &m->notes.km_guest);
	apply(m, &m->notes.km_dynlinker);
}
