/* Building the process model: the stages in the order each one needs the
 * previous (NT_FILE → objects and biases → KM → vDSO → memory scan →
 * link_map → roles and checks). */
#include "model_build.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

const struct cf_module *cf_model_role(const struct cf_model *m, enum cf_role role)
{
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].role == role)
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
static void core_header(struct cf_module *mod, const struct cf_elfinfo *mem)
{
	mod->header_in_core = true;
	memcpy(mod->bid_core, mem->buildid, mem->buildid_len);
	mod->bid_core_len = mem->buildid_len;
	/* The layout stands in for a build-id only where there is none. */
	mod->layout_core = mem->buildid_len ? 0 : cf_elf_layout(mem);
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

static void adopt_info(struct cf_module *mod, struct cf_elfinfo *info)
{
	cf_elfinfo_free(&mod->info);
	mod->info = *info;
	mod->elf_known = true;
	memset(info, 0, sizeof *info);
}

/* Program headers for one NT_FILE module: from the file when it is the
 * same build, else from the copy of its first page in the core. */
static void load_object(struct cf_model *m, struct cf_module *mod)
{
	struct cf_elfinfo mem = {0}, file;
	for (size_t k = 0; k < mod->nmaps && !mod->header_in_core; k++) {
		const struct cf_mapping *e = &m->notes.map[mod->map[k]];
		if (e->offset == 0 &&
		    cf_model_image_at(m, e->start, e->end - e->start, &mem)) {
			core_header(mod, &mem);
		}
	}
	bool have_file = cf_resolve(m, mod, &file);
	if (have_file && !mod->bid_mismatch) {
		adopt_info(mod, &file);
	} else if (mod->header_in_core) {
		adopt_info(mod, &mem);
	} else if (have_file) {
		adopt_info(mod, &file);
	}
	cf_elfinfo_free(&file);
	cf_elfinfo_free(&mem);
	if (mod->header_in_core)
		mod->not_elf = false;
	if (mod->elf_known)
		cf_module_bias_from_maps(m, mod, &mod->info);
}

static void add_vdso(struct cf_model *m)
{
	uint64_t at = m->notes.auxv.sysinfo_ehdr;
	struct cf_elfinfo info;
	if (!at || cf_model_find_addr(m, at) || !cf_model_image_at(m, at, 65536, &info))
		return;
	struct cf_module *mod = cf_model_add(m, "[vdso]");
	mod->role = CF_ROLE_VDSO;
	mod->sources = CF_SRC_AUXV | CF_SRC_MEMORY;
	core_header(mod, &info);
	uint64_t base;
	if (cf_elf_link_base(&info, m->pagesz, &base)) {
		/* An old-style vDSO is linked high: the bias wraps, on purpose. */
		mod->bias = (at - base) & cf_addrmask(&m->core.order);
		mod->has_bias = true;
		mod->bias_src = CF_SRC_AUXV;
	}
	adopt_info(mod, &info);
	cf_module_range_from_info(m, mod);
}

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
static bool bias_from_at_phdr(const struct cf_model *m, const struct cf_elfinfo *info, uint64_t *out)
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
	bool exec = bias_from_at_phdr(m, info, &at);
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
		core_header(mod, &info);
		mod->bias = bias;
		mod->has_bias = true;
		mod->bias_src = CF_SRC_MEMORY;
		adopt_info(mod, &info);
		cf_module_range_from_info(m, mod);
	}
	free(data);
}

static void assign_exec(struct cf_model *m)
{
	if (!m->notes.auxv.present || !m->notes.auxv.phdr)
		return;
	struct cf_module *exec = cf_model_find_addr(m, m->notes.auxv.phdr);
	struct cf_module *main_mod = NULL;
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].role == CF_ROLE_MAIN)
			main_mod = &m->mod[i];
	if (!exec)
		return;
	if (!main_mod) {
		/* No link_map to say otherwise: what the kernel ran is the program. */
		exec->role = CF_ROLE_MAIN;
	} else if (exec != main_mod) {
		exec->role = CF_ROLE_EXEC;
		m->loader_as_command = true;
	}
}

/* EXE may be the program the kernel ran when the core cannot say so
 * itself: its first page not dumped (no ELF header, no build-id in
 * memory) and its recorded name leading nowhere. link_map is found
 * through its PT_DYNAMIC, so it is taken before link_map is read, when
 * the auxiliary vector agrees: its headers at AT_PHDR and its entry at
 * AT_ENTRY (a loader run as a command is what AT_PHDR describes then,
 * and EXE, the real program, does not fit). */
static void exe_as_exec(struct cf_model *m, const struct cf_options *opt)
{
	const struct cf_auxv *a = &m->notes.auxv;
	struct cf_module *exec = a->phdr && a->entry ? cf_model_find_addr(m, a->phdr) : NULL;
	if (!opt->exe || !exec || (exec->elf_known && exec->path) || !exec->nmaps)
		return;
	struct cf_elfinfo info;
	char err[128];
	uint64_t bias;
	if (cf_elf_read_file(opt->exe, &info, err, sizeof err) != 0)
		return;
	if (!cf_module_same_build(exec, &info) || !bias_from_at_phdr(m, &info, &bias) ||
	    ((info.entry + bias) & cf_addrmask(&m->core.order)) != a->entry) {
		cf_elfinfo_free(&info);
		return;
	}
	cf_module_take_exe(exec, opt->exe, &info);
	adopt_info(exec, &info);
	if (!exec->has_bias)
		cf_module_bias_from_maps(m, exec, &exec->info);
}

/* The real program named on corefix's command line wins over a file found
 * by name, but only when it is the same build as the core's. */
static void apply_exe(struct cf_model *m, const struct cf_options *opt)
{
	struct cf_module *main_mod = NULL;
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].role == CF_ROLE_MAIN)
			main_mod = &m->mod[i];
	if (!opt->exe || !main_mod)
		return;
	struct cf_elfinfo info;
	char err[128];
	if (cf_elf_read_file(opt->exe, &info, err, sizeof err) != 0) {
		cf_warn(&m->diag, "%s: %s", opt->exe, err);
		return;
	}
	bool match = cf_module_same_build(main_mod, &info);
	if (!match) {
		/* Not what was asked for: the output is incomplete (exit 1). */
		cf_warn(&m->diag, "%s: %s the program in %s", opt->exe,
			main_mod->bid_core_len ? "build-id differs from" : "ELF and program headers differ from", m->core.path);
		m->diag.partial = 1;
	}
	/* A program with a file of its own keeps it unless EXE is the build. */
	if (main_mod->path && !match) {
		cf_elfinfo_free(&info);
		return;
	}
	/* The user named the file: nothing to look for. */
	cf_module_take_exe(main_mod, opt->exe, &info);
	if (!main_mod->elf_known || main_mod->nmaps == 0)
		adopt_info(main_mod, &info);
	/* Headers adopted or not, the mappings still place the file: the
	 * first page may simply not have been dumped. */
	if (!main_mod->has_bias && main_mod->nmaps)
		cf_module_bias_from_maps(m, main_mod, main_mod->elf_known ? &main_mod->info : &info);
	cf_elfinfo_free(&info);
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

/* A loader run as a command is also a library in link_map. The auxv may no
 * longer say it was what the kernel ran: glibc's loader rewrites AT_PHDR and
 * AT_ENTRY for the program, and qemu dumps the vector from guest memory.
 * PRPSINFO's first word still names it. */
static void loader_from_psargs(struct cf_model *m)
{
	const struct cf_module *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	if (m->loader_as_command || !main_mod || !m->notes.has_prpsinfo)
		return;
	char first[sizeof m->notes.psargs];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(m->notes.psargs, " "), m->notes.psargs);
	struct stat want, have;
	bool named = first[0] == '/' && stat(first, &want) == 0;
	for (size_t i = 0; first[0] && i < m->nmod; i++) {
		struct cf_module *mod = &m->mod[i];
		if (mod == main_mod || mod->role != CF_ROLE_DSO || !mod->in_linkmap)
			continue;
		/* The file's identity as the resolver read it: one stat per
		 * module here cost as much as listing them. */
		bool same = named && mod->path &&
			    (mod->path_ino ? mod->path_dev == want.st_dev && mod->path_ino == want.st_ino
					   : stat(mod->path, &have) == 0 && have.st_dev == want.st_dev &&
						     have.st_ino == want.st_ino);
		if (!strcmp(mod->name, first) || same) {
			mod->role = CF_ROLE_EXEC;
			m->loader_as_command = true;
			return;
		}
	}
}

/* musl (and glibc without NT_FILE) leave the main link_map entry unnamed.
 * For a loader run as a command, PRPSINFO's psargs still says what was
 * typed: "LOADER [--option ARG]... PROGRAM ...". */
static void name_main_from_psargs(struct cf_model *m)
{
	struct cf_module *main_mod = NULL;
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].role == CF_ROLE_MAIN)
			main_mod = &m->mod[i];
	if (!main_mod || main_mod->path || !m->loader_as_command || !m->notes.has_prpsinfo ||
	    (main_mod->name[0] && main_mod->name[0] != '('))
		return;
	char args[sizeof m->notes.psargs];
	cf_program_args(m->notes.psargs, args, sizeof args);
	size_t len = strcspn(args, " ");
	if (!len)
		return;
	free(main_mod->name);
	main_mod->name = cf_xstrndup(args, len);
	struct cf_elfinfo info;
	if (cf_resolve(m, main_mod, &info)) {
		if (!main_mod->elf_known)
			adopt_info(main_mod, &info);
		cf_elfinfo_free(&info);
	}
}

/* Where else to look: only the options not given already. */
static const char *missing_hint(const struct cf_options *opt)
{
	static const char *const hint[8] = {
		" (try --sysroot, --search or --path-map)", " (not under --sysroot either: try --search or --path-map)",
		" (not in --search either: try --sysroot or --path-map)", " (not under --sysroot or in --search either: try --path-map)",
		" (not through --path-map either: try --sysroot or --search)",
		" (not under --sysroot or through --path-map either: try --search)",
		" (not in --search or through --path-map either: try --sysroot)",
		" (not under --sysroot, in --search or through --path-map either)",
	};
	return hint[(opt->sysroot ? 1 : 0) | (opt->nsearch ? 2 : 0) | (opt->nmap ? 4 : 0)];
}

static void final_checks(struct cf_model *m, const struct cf_options *opt)
{
	for (size_t i = 0; i < m->nmod; i++) {
		struct cf_module *mod = &m->mod[i];
		if (mod->not_elf || mod->role == CF_ROLE_VDSO)
			continue;
		const char *name = mod->name[0] ? mod->name : "(unnamed module)";
		if (!mod->path) {
			cf_warn(&m->diag, "%s: %s: file not found; its frames will show as ??%s", m->core.path, name,
				missing_hint(opt));
			m->diag.partial = 1;
		} else if (mod->bid_mismatch) {
			char a[2 * CF_BUILDID_MAX + 1], b[2 * CF_BUILDID_MAX + 1];
			cf_hex(mod->bid_core, mod->bid_core_len, a);
			cf_hex(mod->bid_file, mod->bid_file_len, b);
			const char *force = opt->force ? " (loading anyway: --force)" : " (not loaded; --force loads it)";
			if (mod->bid_core_len)
				cf_warn(&m->diag, "%s: %s: build-id mismatch: core has %s, file has %s%s", m->core.path,
					mod->path, a, b[0] ? b : "none", force);
			else
				cf_warn(&m->diag, "%s: %s: not the build that crashed: its ELF and program headers "
						  "differ from the core's copy (no build-id to compare)%s",
					m->core.path, mod->path, force);
			/* Loaded anyway or not, what crashed is not what is shown. */
			m->diag.partial = 1;
		}
		if (!mod->has_bias && mod->elf_known) {
			if (mod->ncand > 1)
				cf_warn(&m->diag, "%s: %s: load bias ambiguous (0x%llx or 0x%llx) and no link_map entry decides",
					m->core.path, name, (unsigned long long)mod->cand[0],
					(unsigned long long)mod->cand[1]);
			else if (!mod->bias_conflict)
				cf_warn(&m->diag, "%s: %s: load bias unknown", m->core.path, name);
			m->diag.partial = 1;
		}
	}
}

int cf_model_build(struct cf_model *m, const char *core, struct cf_resolver *r)
{
	const struct cf_options *opt = cf_resolver_options(r);
	memset(m, 0, sizeof *m);
	if (cf_core_open_keep(&m->core, core, opt->keep_plain, opt->cache_dir, &m->diag) != 0)
		return -1;
	return cf_model_from_core(m, r);
}

int cf_model_from_core(struct cf_model *m, struct cf_resolver *r)
{
	const char *core = m->core.path;
	const struct cf_options *opt = cf_resolver_options(r);
	m->resolver = r;
	cf_resolver_begin_core(r, core, &m->diag);
	bool have_notes = cf_notes_read(&m->core, &m->notes, &m->diag) == 0;
	if (!have_notes)
		m->diag.partial = 1;
	if (m->core.truncated) {
		cf_warn(&m->diag, "%s: truncated: the core is shorter than its headers say", core);
		m->diag.partial = 1;
	}
	m->pagesz = m->notes.auxv.pagesz;
	if (!m->pagesz || (m->pagesz & (m->pagesz - 1)) || m->pagesz > (1u << 20))
		m->pagesz = m->core.machine == EM_AARCH64 && m->notes.file_unit > 4096 ? m->notes.file_unit : 4096;
	m->km = m->notes.km_guest.present || m->notes.km_dynlinker.present || m->notes.km_short_names ||
		m->notes.nkmsp > 0;

	cf_modules_from_ntfile(m);
	for (size_t i = 0; i < m->nmod; i++)
		load_object(m, &m->mod[i]);
	cf_modules_split_images(m);
	cf_modules_from_km(m);
	add_vdso(m);
	if (!m->notes.has_file || m->notes.file_cut)
		cf_modules_from_memory(m);
	exe_as_exec(m, opt);
	cf_linkmap_read(m);
	cf_modules_prune_images(m);
	assign_exec(m);
	loader_from_psargs(m);
	name_main_from_psargs(m);
	apply_exe(m, opt);
	/* A bias set since NT_FILE was read (KM note, link_map, EXE) decides
	 * which of a file's mappings are its image. */
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].sources & CF_SRC_NTFILE)
			cf_module_split_maps(m, &m->mod[i]);

	cf_modules_drop_data_only(m);
	/* Non-ELF mappings (locale archives, fonts, data files) are no modules. */
	size_t keep = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		if (m->mod[i].not_elf && !m->mod[i].in_linkmap) {
			cf_module_free(&m->mod[i]);
			continue;
		}
		m->mod[keep++] = m->mod[i];
	}
	m->nmod = keep;
	if (!have_notes && m->core.nseg == 0)
		return cf_fail(&m->diag, "%s: core holds neither notes nor memory", core);
	if (!m->notes.has_file && m->notes.nthread) {
		cf_warn(&m->diag, "%s: no NT_FILE note; modules rebuilt from link_map and ELF headers in memory", core);
	}
	final_checks(m, opt);
	return 0;
}

void cf_model_free(struct cf_model *m)
{
	for (size_t i = 0; i < m->nmod; i++)
		cf_module_free(&m->mod[i]);
	free(m->mod);
	free(m->data_only);
	cf_notes_free(&m->notes);
	cf_core_close(&m->core);
	cf_diag_free(&m->diag);
	memset(m, 0, sizeof *m);
}
