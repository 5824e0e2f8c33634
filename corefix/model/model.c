/* What every consumer asks of the built model: the module in a role, a
 * module's bias as a signed distance, whether a debugger can load it. It
 * is built (and freed) by build.c, through model_edit.c. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

const struct cf_module *cf_model_role(const struct cf_model *m, enum cf_role role)
{
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].role == role)
			return &m->mod[i];
	return NULL;
}

int64_t cf_module_bias_signed(const struct cf_model *m, const struct cf_module *mod)
{
	uint64_t mask = cf_addrmask(&m->core.order), link;
	/* mod->bias is kept modulo the address size; the sign is a matter of
	 * where the module sits, not of its top bit. */
	if (mod->elf_known && cf_elf_link_base(&mod->info, m->pagesz, &link)) {
		link &= mask;
		uint64_t load = (link + mod->bias) & mask;
		return load >= link ? (int64_t)(load - link) : -(int64_t)(link - load);
	}
	return (int64_t)mod->bias;
}

bool cf_module_loadable(const struct cf_module *mod, bool force)
{
	return mod->has_bias && mod->path && (!mod->bid_mismatch || force);
}

void cf_program_args(const char *psargs, char *out, size_t n)
{
	static const char *const with_arg[] = {"--library-path", "--preload", "--audit", "--argv0",
					       "--inhibit-rpath", "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask"};
	const char *p = psargs + strcspn(psargs, " ");  /* past the loader itself */
	for (;;) {
		p += strspn(p, " ");
		if (*p != '-')
			break;
		size_t len = strcspn(p, " ");
		bool takes = false;
		for (size_t i = 0; i < sizeof with_arg / sizeof *with_arg; i++)
			takes |= strlen(with_arg[i]) == len && !strncmp(p, with_arg[i], len);
		p += len;
		if (takes) {
			p += strspn(p, " ");
			p += strcspn(p, " ");
		}
	}
	snprintf(out, n, "%s", p);
}

