/* Which module is the program: what the kernel ran (AT_PHDR), the real
 * program when a loader ran as a command (link_map's first entry,
 * NT_PRPSINFO's arguments), and an EXE named on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model_build.h"

void cf_program_assign_exec(struct cf_model *m)
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
void cf_program_exe_as_exec(struct cf_model *m, const struct cf_options *opt)
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
	if (!cf_module_same_build(exec, &info) || !cf_bias_from_at_phdr(m, &info, &bias) ||
	    ((info.entry + bias) & cf_addrmask(&m->core.order)) != a->entry) {
		cf_elfinfo_free(&info);
		return;
	}
	cf_module_take_exe(exec, opt->exe, &info);
	cf_module_adopt_info(exec, &info);
	if (!exec->has_bias)
		cf_module_bias_from_maps(m, exec, &exec->info);
}

/* The real program named on corefix's command line wins over a file found
 * by name, but only when it is the same build as the core's. */
void cf_program_apply_exe(struct cf_model *m, const struct cf_options *opt)
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
		cf_module_adopt_info(main_mod, &info);
	/* Headers adopted or not, the mappings still place the file: the
	 * first page may simply not have been dumped. */
	if (!main_mod->has_bias && main_mod->nmaps)
		cf_module_bias_from_maps(m, main_mod, main_mod->elf_known ? &main_mod->info : &info);
	cf_elfinfo_free(&info);
}

/* A loader run as a command is also a library in link_map. The auxv may no
 * longer say it was what the kernel ran: glibc's loader rewrites AT_PHDR and
 * AT_ENTRY for the program, and qemu dumps the vector from guest memory.
 * PRPSINFO's first word still names it. */
void cf_program_loader_from_psargs(struct cf_model *m)
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
void cf_program_name_from_psargs(struct cf_model *m)
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
			cf_module_adopt_info(main_mod, &info);
		cf_elfinfo_free(&info);
	}
}
