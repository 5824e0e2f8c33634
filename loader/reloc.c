/* Dynamic sections and relocations (x86-64 RELA): RELATIVE, 64,
 * GLOB_DAT, JUMP_SLOT (bound now), COPY, IRELATIVE, and the TLS types. */
#include "internal.h"
#include "libc.h"

void __cfrt_decode_dyn(struct dso *p)
{
	for (Dyn *d = p->dynv; d->d_tag; d++)
		if ((size_t)d->d_tag < DT_NUM && !p->dyn[d->d_tag])
			p->dyn[d->d_tag] = d->d_un.d_val;
	uintptr_t b = p->base;
	p->syms = (Sym *)(b + p->dyn[DT_SYMTAB]);
	p->strings = (const char *)(b + p->dyn[DT_STRTAB]);
	if (p->dyn[DT_HASH])
		p->hashtab = (uint32_t *)(b + p->dyn[DT_HASH]);
	for (Dyn *d = p->dynv; d->d_tag; d++) {
		if (d->d_tag == DT_GNU_HASH)
			p->ghashtab = (uint32_t *)(b + d->d_un.d_ptr);
		else if (d->d_tag == DT_RPATH)
			p->rpath = (char *)p->strings + d->d_un.d_val;
		else if (d->d_tag == DT_RUNPATH)
			p->runpath = (char *)p->strings + d->d_un.d_val;
	}
}

static int do_relocs(struct dso *p, const Rela *rel, size_t size, char *err, size_t errlen)
{
	for (size_t i = 0; i < size / sizeof *rel; i++) {
		const Rela *r = &rel[i];
		uint32_t type = R_TYPE(r->r_info), si = R_SYM(r->r_info);
		size_t *where = (size_t *)(p->base + r->r_offset);
		if (type == REL_NONE)
			continue;
		Sym *sym = si ? &p->syms[si] : NULL, *def = NULL;
		struct dso *dd = p;
		uintptr_t val = 0;
		if (sym && type != REL_RELATIVE) {
			const char *name = p->strings + sym->st_name;
			/* A COPY takes the library's definition, never the program's own. */
			def = (sym->st_info >> 4) == STB_LOCAL ? sym
							       : __cfrt_lookup(name, p, type == REL_COPY ? p : NULL, &dd);
			if (!def && (sym->st_info >> 4) != STB_WEAK) {
				snprintf(err, errlen, "%s: symbol not found: %s",
					 p->is_main ? __cfrt_progname : p->name, name);
				return -1;
			}
			if ((sym->st_info >> 4) == STB_LOCAL)
				dd = p;
			val = def ? dd->base + def->st_value : 0;
			if (def && (def->st_info & 0xf) == STT_GNU_IFUNC)
				val = ((uintptr_t(*)(void))val)();
		}
		switch (type) {
		case REL_RELATIVE: *where = p->base + r->r_addend; break;
		case REL_SYMBOLIC: *where = val + r->r_addend; break;
		case REL_GOT:
		case REL_PLT: *where = val; break;
		case REL_COPY:
			if (def)
				memcpy(where, (void *)val, sym->st_size);
			break;
		case REL_IRELATIVE: *where = ((uintptr_t(*)(void))(p->base + r->r_addend))(); break;
		case REL_DTPMOD: *where = dd->tls_id; break;
		case REL_DTPOFF: *where = (def ? def->st_value : 0) + r->r_addend; break;
		case REL_TPOFF:
			if (dd->tls_id == 0 && def) {
				snprintf(err, errlen, "%s: TLS of %s is not in static TLS (dlopen'ed?)", p->name,
					 p->strings + sym->st_name);
				return -1;
			}
			*where = (def ? def->st_value : 0) + r->r_addend - dd->tls_offset;
			break;
		default:
			snprintf(err, errlen, "%s: unsupported relocation type %u", p->is_main ? __cfrt_progname : p->name,
				 type);
			return -1;
		}
	}
	return 0;
}

int __cfrt_reloc_all(struct dso *p, char *err, size_t errlen)
{
	if (p->relocated)
		return 0;
	p->relocated = 1;
	if (do_relocs(p, (const Rela *)(p->base + p->dyn[DT_RELA]), p->dyn[DT_RELASZ], err, errlen) != 0)
		return -1;
	if (p->dyn[DT_PLTREL] && p->dyn[DT_PLTREL] != DT_RELA) {
		snprintf(err, errlen, "%s: REL-style PLT relocations on x86-64", p->name);
		return -1;
	}
	return do_relocs(p, (const Rela *)(p->base + p->dyn[DT_JMPREL]), p->dyn[DT_PLTRELSZ], err, errlen);
}

void __cfrt_relro(struct dso *p)
{
	if (p->relro_end > p->relro_start)
		mprotect((void *)(p->base + p->relro_start), p->relro_end - p->relro_start, 1);
}
