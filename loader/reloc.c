/* Dynamic sections and relocations, REL or RELA, by the role names of the
 * architecture's reloc.h: RELATIVE, SYMBOLIC, GOT, PLT (bound now), COPY,
 * IRELATIVE, and the TLS types (TLSDESC for static TLS). */
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

/* The static TLSDESC resolver (start.S): returns the descriptor's second word. */
extern char __cfrt_tlsdesc_static[] __attribute__((visibility("hidden")));

/* Runs the IFUNC resolver at FN. Resolvers on aarch64 are handed AT_HWCAP
 * (glibc's convention there; without its _IFUNC_ARG_HWCAP bit they read
 * nothing else); elsewhere the argument is ignored. */
uintptr_t __cfrt_ifunc(uintptr_t fn)
{
	return ((uintptr_t(*)(size_t))fn)(__cfrt_auxv[AT_HWCAP]);
}

/* An error in P's relocations: into ERR (dlopen: the first one ends the
 * call), or with ERR NULL (start-up) printed at once, so that every
 * missing symbol is listed before the exit (musl's ldso_fail). */
static int reloc_error(char *err, size_t errlen, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err ? err : buf, err ? errlen : sizeof buf, fmt, ap);
	va_end(ap);
	if (!err)
		__cfrt_print(2, "cfrt: %s\n", buf);
	return -1;
}

/* One table of STRIDE words per entry: 2 for REL (the addend is in place),
 * 3 for RELA, as musl's do_relocs reads them. */
static int do_relocs(struct dso *p, const size_t *rel, size_t size, size_t stride, char *err, size_t errlen)
{
	int bad = 0;
	for (; size >= stride * sizeof(size_t); rel += stride, size -= stride * sizeof(size_t)) {
		uint32_t type = R_TYPE(rel[1]), si = R_SYM(rel[1]);
		size_t *where = (size_t *)(p->base + rel[0]);
		if (type == REL_NONE)
			continue;
		size_t addend;
		if (stride > 2)
			addend = rel[2];
		else if (type == REL_GOT || type == REL_PLT || type == REL_COPY)
			addend = 0;
#ifdef REL_TLSDESC
		else if (type == REL_TLSDESC)
			addend = where[1];
#endif
		else
			addend = *where;
		Sym *sym = si ? &p->syms[si] : NULL, *def = NULL;
		struct dso *dd = p;
		uintptr_t val = 0;
		if (sym && type != REL_RELATIVE) {
			const char *name = p->strings + sym->st_name;
			/* A COPY takes the library's definition, never the program's own. */
			def = (sym->st_info >> 4) == STB_LOCAL ? sym
							       : __cfrt_lookup(name, p, type == REL_COPY ? p : NULL, &dd);
			if (!def && (sym->st_info >> 4) != STB_WEAK) {
				bad = reloc_error(err, errlen, "%s: symbol not found: %s",
						  p->is_main ? __cfrt_progname : p->name, name);
				if (err)
					return -1;
				continue;
			}
			if ((sym->st_info >> 4) == STB_LOCAL)
				dd = p;
			val = def ? dd->base + def->st_value : 0;
			if (def && (def->st_info & 0xf) == STT_GNU_IFUNC)
				val = __cfrt_ifunc(val);
		}
		size_t sv = def ? def->st_value : 0;
		if ((type == REL_TPOFF
#ifdef REL_TLSDESC
		     || type == REL_TLSDESC
#endif
		     ) && dd->tls_id == 0 && def) {
			bad = reloc_error(err, errlen, "%s: TLS of %s is not in static TLS (dlopen'ed?)", p->name,
					  p->strings + sym->st_name);
			if (err)
				return -1;
			continue;
		}
		switch (type) {
		case REL_RELATIVE: *where = p->base + addend; break;
		case REL_SYMBOLIC: *where = val + addend; break;
		case REL_GOT:
		case REL_PLT: *where = val + addend; break;
		case REL_COPY:
			if (def)
				memcpy(where, (void *)val, sym->st_size);
			break;
		case REL_IRELATIVE: *where = __cfrt_ifunc(p->base + addend); break;
		case REL_DTPMOD: *where = dd->tls_id; break;
		case REL_DTPOFF: *where = sv + addend; break;
		case REL_TPOFF: *where = __cfrt_tpoff(dd, sv, addend); break;
#ifdef REL_TLSDESC
		case REL_TLSDESC:
			/* Static TLS only: the resolver hands back the offset. */
			where[0] = (size_t)__cfrt_tlsdesc_static;
			where[1] = __cfrt_tpoff(dd, sv, addend);
			break;
#endif
		default:
			bad = reloc_error(err, errlen, "%s: unsupported relocation type %u",
					  p->is_main ? __cfrt_progname : p->name, type);
			if (err)
				return -1;
		}
	}
	return bad;
}

int __cfrt_reloc_all(struct dso *p, char *err, size_t errlen)
{
	if (p->relocated)
		return 0;
	p->relocated = 1;
	/* With ERR NULL every table is done, each error printed on the way. */
	int bad = do_relocs(p, (const size_t *)(p->base + p->dyn[DT_REL]), p->dyn[DT_RELSZ], 2, err, errlen);
	if (!bad || !err)
		bad |= do_relocs(p, (const size_t *)(p->base + p->dyn[DT_RELA]), p->dyn[DT_RELASZ], 3, err, errlen);
	size_t stride = p->dyn[DT_PLTREL] == DT_REL ? 2 : 3;
	if (!bad || !err)
		bad |= do_relocs(p, (const size_t *)(p->base + p->dyn[DT_JMPREL]), p->dyn[DT_PLTRELSZ], stride, err,
				 errlen);
	return bad;
}

void __cfrt_relro(struct dso *p)
{
	if (p->relro_end > p->relro_start)
		mprotect((void *)(p->base + p->relro_start), p->relro_end - p->relro_start, 1);
}
