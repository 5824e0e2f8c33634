/* Building the process model: the stages in the order each one needs the
 * previous (NT_FILE → objects and biases → KM → vDSO → memory scan →
 * link_map → roles and checks). */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

/* Program headers for one NT_FILE module: from the file when it is the
 * same build, else from the copy of its first page in the core. */
static void load_object(struct cf_model *m, struct cf_module *mod)
{
	struct cf_elfinfo mem = {0}, file;
	for (size_t k = 0; k < mod->nmaps && !mod->header_in_core; k++) {
		const struct cf_mapping *e = &m->notes.map[mod->map[k]];
		if (e->offset == 0 &&
		    cf_model_image_at(m, e->start, e->end - e->start, &mem)) {
			cf_module_core_header(mod, &mem);
		}
	}
	bool have_file = cf_resolve(m, mod, &file);
	if (have_file && !mod->bid_mismatch) {
		cf_module_adopt_info(mod, &file);
	} else if (mod->header_in_core) {
		cf_module_adopt_info(mod, &mem);
	} else if (have_file) {
		cf_module_adopt_info(mod, &file);
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
	cf_module_core_header(mod, &info);
	uint64_t base;
	if (cf_elf_link_base(&info, m->pagesz, &base)) {
		/* An old-style vDSO is linked high: the bias wraps, on purpose. */
		mod->bias = (at - base) & cf_addrmask(&m->core.order);
		mod->has_bias = true;
		mod->bias_src = CF_SRC_AUXV;
	}
	cf_module_adopt_info(mod, &info);
	cf_module_range_from_info(m, mod);
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
	cf_program_exe_as_exec(m, opt);
	cf_linkmap_read(m);
	cf_modules_prune_images(m);
	cf_program_assign_exec(m);
	cf_program_loader_from_psargs(m);
	cf_program_name_from_psargs(m);
	cf_program_apply_exe(m, opt);
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
