/* `corefix explain`: why a debugger alone gets this core wrong, in words. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"

static void say(FILE *out, int *n, const char *what, const char *remedy)
{
	fprintf(out, "\n%d. %s\n   corefix: %s\n", ++*n, what, remedy);
}

int cf_emit_explain(FILE *out, const struct cf_model *m)
{
	int n = 0;
	char buf[1024];
	const struct cf_module *exec = cf_model_role(m, CF_ROLE_EXEC), *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	char *core = cf_comment_text(m->core.path);
	fprintf(out, "%s: %s core, %zu thread%s, %zu module%s.\n", core, cf_machine_name(m->core.machine),
		m->notes.nthread, m->notes.nthread == 1 ? "" : "s", m->nmod, m->nmod == 1 ? "" : "s");
	free(core);
	cf_text_coredump(out, m);

	if (m->loader_as_command && exec && main_mod) {
		char *e = cf_comment_text(exec->name), *p = cf_comment_text(main_mod->name[0] ? main_mod->name : "(unnamed)");
		snprintf(buf, sizeof buf,
			 "The program named by the core is the dynamic loader %s%s%s%s, run as a command: the kernel "
			 "(or qemu) started it, so NT_PRPSINFO describes the loader, AT_BASE is 0, and so do AT_PHDR/"
			 "AT_ENTRY unless glibc's loader rewrote them for the program. "
			 "The real program, %s, is only the first link_map entry. gdb pairs the core with the loader "
			 "and skips link_map's head as \"the executable\", so the real program gets no symbols and its "
			 "frames show as ?? ().",
			 e, m->notes.has_prpsinfo ? " (NT_PRPSINFO: \"" : "", m->notes.has_prpsinfo ? m->notes.fname : "",
			 m->notes.has_prpsinfo ? "\")" : "", p);
		say(out, &n, buf, m->notes.has_file
				      ? "loads the real program with add-symbol-file at the bias link_map and NT_FILE agree on, "
					"and every library beside it, instead of trusting the loader's view."
				      : "loads the real program with add-symbol-file at the bias link_map gives, and every "
					"library beside it, instead of trusting the loader's view.");
		free(e);
		free(p);
	}
	if (m->km)
		say(out, &n,
		    "This is a Kontain KM core: notes are named \"CORE\" with n_namesz 4 (no NUL), the payload's "
		    "NT_FILE entries start at unaligned segment addresses, and there is no NT_PRPSINFO or NT_SIGINFO.",
		    "accepts both note-name forms, reads the payload's exact load_adjust from the KMSP notes "
		    "(NT_KM_GUEST, NT_KM_DYNLINKER) and skips the other KMSP notes.");
	if (m->notes.auxv.shifted)
		say(out, &n,
		    "NT_AUXV is out of step: read as written it is nonsense, read from its second word it is a "
		    "well-formed AT_* list. qemu-user dumps the vector from where the process started, but glibc's "
		    "loader, run as a command, moved it down when it dropped its own arguments from argv (one word for "
		    "\"ld.so ./prog\": the note then opens with AT_PHDR's value). Read as written, AT_PHDR, AT_BASE "
		    "and AT_ENTRY are lost.",
		    "saw that the vector is nonsense as written and a well-formed AT_* list from its second word, and "
		    "read it from there.");
	if (m->r_debug_how && m->no_dt_debug) {
		snprintf(buf, sizeof buf, "found r_debug through %s.", m->r_debug_how);
		say(out, &n,
		    "The program the kernel ran has no DT_DEBUG entry pointing at r_debug, so gdb's shared-library "
		    "discovery starting from that program finds nothing.",
		    buf);
	}
	if (!m->r_debug_how)
		say(out, &n, "No r_debug/link_map could be found in the core's memory.",
		    "relies on NT_FILE and the objects' program headers alone for load biases.");
	bool headers = false;
	for (size_t i = 0; i < m->nmod; i++)
		headers |= m->mod[i].header_in_core && m->mod[i].role != CF_ROLE_VDSO;
	if (!m->notes.has_file && !headers && m->r_debug_how) {
		/* qemu-user's cores: nothing names a file, nothing holds a header. */
		snprintf(buf, sizeof buf,
			 "rebuilt the module list from link_map, whose r_debug it found through %s; each file, "
			 "found by its l_name, is checked against l_ld (its PT_DYNAMIC must land there), as the core "
			 "holds no build-id to compare.",
			 m->r_debug_how);
		say(out, &n,
		    "The core has no NT_FILE note and no ELF header in its memory (read-only and executable pages "
		    "were not dumped, as qemu-user does), so no debugger knows which files were mapped where.",
		    buf);
	} else if (!m->notes.has_file || m->notes.file_cut) {
		say(out, &n,
		    m->notes.has_file ? "NT_FILE is cut short (the kernel caps its size for huge processes)."
				      : "The core has no NT_FILE note, so no debugger knows which files were mapped where.",
		    "rebuilt the module list from link_map and from ELF headers found in the core's memory.");
	}
	size_t data = 0, files = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		data += m->mod[i].ndata;
		files += m->mod[i].ndata > 0;
	}
	if (data) {
		snprintf(buf, sizeof buf,
			 "The process mapped %zu of its modules' files again as data (%zu mapping%s outside their images: a "
			 "debugger or crash reporter reading them, a JIT or sandbox mapping ELF files).",
			 files, data, data == 1 ? "" : "s");
		say(out, &n, buf,
		    "takes a module's range and segments only from the mappings that fit its bias and program headers; "
		    "the others are listed as data mappings (modules --json: data_mappings) and used for nothing.");
	}
	if (m->ndata_only_files) {
		snprintf(buf, sizeof buf,
			 "The process mapped %zu ELF file%s only as data (%zu mapping%s, none executable, not in link_map: "
			 "a debugger reading a program it does not run).",
			 m->ndata_only_files, m->ndata_only_files == 1 ? "" : "s", m->ndata_only,
			 m->ndata_only == 1 ? "" : "s");
		say(out, &n, buf, "makes no module of such a file: it is never loaded into a debugger nor used to unwind.");
	}
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		char *name = cf_comment_text(mod->name[0] ? mod->name : "(unnamed)");
		if (mod->deleted) {
			snprintf(buf, sizeof buf, "%s was deleted or replaced after it was loaded.", name);
			say(out, &n, buf, mod->path && !mod->bid_mismatch ? "found a file with the same build-id and uses it."
									 : "uses a file only when its build-id matches (or with --force).");
		}
		if (mod->path && strcmp(mod->path_how ? mod->path_how : "", "as recorded") != 0 &&
		    mod->role != CF_ROLE_VDSO && !mod->deleted) {
			char *p = cf_comment_text(mod->path);
			snprintf(buf, sizeof buf, "%s is not where the core says it was (or the core records a relative path).",
				 name);
			char rem[1024];
			snprintf(rem, sizeof rem, "uses %s (%s).", p, mod->path_how);
			say(out, &n, buf, rem);
			free(p);
		}
		if (mod->bid_mismatch) {
			snprintf(buf, sizeof buf, "%s on disk is not the build that crashed (build-id differs): it was rebuilt.",
				 name);
			say(out, &n, buf, "warns and leaves it out; --force loads it anyway, at your own risk.");
		}
		if (!mod->path && mod->role != CF_ROLE_VDSO) {
			snprintf(buf, sizeof buf, "%s cannot be found on this machine.", name);
			say(out, &n, buf, "cannot symbolize it; point at it with --sysroot, --search or --path-map.");
		}
		free(name);
	}
	if (n == 0)
		fprintf(out, "\nNothing here should confuse a debugger: the core names its real program and "
			     "gdb's own shared-library discovery should work. corefix's script loads the same modules.\n");
	return 0;
}
