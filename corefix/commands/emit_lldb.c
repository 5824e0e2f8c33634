/* The lldb command file: core and real program, then every module at its
 * exact bias. Paths are untrusted: each is quoted for lldb's own parser
 * (which evaluates backticks even inside quotes), and one that cannot be
 * quoted is loaded through the same build-id alias the gdb script uses,
 * or left out with a comment. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"

/* lldb treats '#' as a comment only at the start of a line; the text
 * itself has its control characters shown, so it stays one line. */
static void comment(FILE *out, const char *prefix, const char *text)
{
	char *t = cf_comment_text(text);
	fprintf(out, "# %s%s\n", prefix, t);
	free(t);
}

/* PATH quoted for lldb, or an alias of it quoted; NULL (with a comment)
 * when neither can be written. */
static char *usable_quoted(FILE *out, const char *path, const unsigned char *bid, size_t bidlen,
			   const struct cf_emit_opts *eo)
{
	char err[256];
	bool aliased;
	char *p = cf_usable_path(path, bid, bidlen, eo, cf_lldb_ok, &aliased, err, sizeof err);
	if (!p) {
		comment(out, "path unsafe for lldb's parser and no alias possible; skipped: ", path);
		comment(out, "  reason: ", err);
		return NULL;
	}
	if (aliased)
		comment(out, "path unsafe for lldb's parser; loaded through an alias: ", path);
	char *q = cf_lldb_quote(p);
	free(p);
	return q;
}

/* --slide is read as an unsigned 64-bit number ("-0x…" is refused) and
 * added to 64-bit section addresses: a negative distance is its two's
 * complement, which wraps back to the right address; a positive one on a
 * 32-bit core (0xf7eca000) stays as it is, never sign-extended. */
static void slide_text(const struct cf_model *m, const struct cf_module *mod, char *buf, size_t len)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)(uint64_t)cf_module_bias_signed(m, mod));
}

/* Why MOD is not given to lldb, as a comment; false when it can be. */
static bool left_out(FILE *out, const struct cf_module *mod, const struct cf_emit_opts *eo)
{
	const char *shown = mod->name[0] ? mod->name : "(unnamed module)";
	if (!mod->path) {
		comment(out, "not found, frames in it stay unnamed: ", shown);
		return true;
	}
	if (!mod->has_bias) {
		comment(out, "load bias unknown, not loaded: ", mod->path);
		return true;
	}
	if (mod->bid_mismatch) {
		comment(out, "WARNING: build-id of this file differs from the core's: ", mod->path);
		if (!eo->force) {
			fprintf(out, "# (not loaded; corefix --force loads it anyway)\n");
			return true;
		}
	}
	return false;
}

/* True when no other module's file has MOD's build-id, so lldb's UUID
 * names MOD alone (one library loaded twice shares it). */
static bool uuid_unique(const struct cf_model *m, const struct cf_module *mod)
{
	if (!mod->bid_file_len)
		return false;
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *o = &m->mod[i];
		if (o != mod && o->role != CF_ROLE_VDSO && o->bid_file_len == mod->bid_file_len &&
		    !memcmp(o->bid_file, mod->bid_file, mod->bid_file_len))
			return false;
	}
	return true;
}

/* Q is the quoted path; ADD is false for the program, which target create
 * already added. Where the program's file has DT_DEBUG and the core's
 * auxv describes it, lldb finds the libraries itself while creating the
 * target: a plain "modules add" would then add a second copy and "load
 * --file" stop the script on "multiple modules match". With the UUID,
 * "add" reuses lldb's copy and "load" finds it whatever path lldb gave it.
 * Without one, --file takes the full path: a bare name matches every
 * module of that name. */
static void emit_load(FILE *out, const struct cf_model *m, const struct cf_module *mod, const char *q, bool add)
{
	char slide[32], src[64], uuid[2 * CF_BUILDID_MAX + 1];
	slide_text(m, mod, slide, sizeof slide);
	bool by_uuid = uuid_unique(m, mod);
	if (by_uuid)
		cf_hex(mod->bid_file, mod->bid_file_len, uuid);
	fprintf(out, "# %s, bias from %s\n", cf_role_name(mod->role), cf_sources_text(mod->bias_src, src, sizeof src));
	if (add && by_uuid)
		fprintf(out, "target modules add --uuid %s %s\n", uuid, q);
	else if (add)
		fprintf(out, "target modules add %s\n", q);
	if (by_uuid)
		fprintf(out, "target modules load --uuid %s --slide %s\n", uuid, slide);
	else
		fprintf(out, "target modules load --file %s --slide %s\n", q, slide);
}

/* True when lldb 14 can tell an x86 core is Linux: by EI_OSABI, a
 * "LINUX" note, or an NT_FILE name holding one of the two Debian library
 * folders it looks for (seen: a musl core whose LINUX notes were renamed
 * is refused, a glibc one is not). Other machines it placed without any
 * of these (qemu-user's aarch64 cores), so only x86 is judged. */
static bool os_known(const struct cf_model *m)
{
	if (m->notes.nlinux || m->core.image[EI_OSABI] != ELFOSABI_NONE ||
	    (m->core.machine != EM_X86_64 && m->core.machine != EM_386))
		return true;
	for (size_t i = 0; i < m->notes.nmap; i++) {
		const char *name = m->notes.map[i].name;
		if (strstr(name, "/lib/x86_64-linux-gnu") || strstr(name, "/lib/i386-linux-gnu"))
			return true;
	}
	return false;
}

/* Why lldb 14 refuses the core itself, or NULL. Its note parser takes a
 * 4-byte owner without NUL only when it is "CORE", so KM's "KMSP" notes
 * fail the whole note segment. The repeated KM thread is harmless to it
 * (it lists the thread twice). */
const char *cf_lldb_unreadable(const struct cf_model *m)
{
	if (m->notes.nkmsp && m->notes.km_short_names)
		return "its KMSP notes count no NUL in n_namesz (lldb: \"Unable to parse note segment\")";
	if (!os_known(m))
		return "EI_OSABI is 0, no LINUX note and no NT_FILE path says Linux (lldb: \"Unsupported OS\")";
	return NULL;
}

/* --debug-dir for lldb: its search paths take the same DIR/.build-id/xx/
 * yyyy.debug layout, and must be set before the target reads its modules.
 * Returns how many DIRs had to be left out. */
static size_t debug_dirs(FILE *out, const struct cf_emit_opts *eo, struct cf_diag *d)
{
	size_t bad = 0;
	for (size_t i = 0; i < eo->ndebug; i++) {
		char *abs = cf_path_absolute(eo->debug_dirs[i]);
		if (cf_lldb_ok(abs)) {
			char *q = cf_lldb_quote(abs);
			fprintf(out, "settings append target.debug-file-search-paths %s\n", q);
			free(q);
		} else {
			char *shown = cf_comment_text(abs);
			comment(out, "--debug-dir left out, lldb cannot be given its name: ", abs);
			cf_warn(d, "--debug-dir %s: lldb cannot be given this folder (not UTF-8 text or holds "
					  "a control character); left out of the command file", shown);
			free(shown);
			bad++;
		}
		free(abs);
	}
	return bad;
}

int cf_emit_lldb(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo, struct cf_diag *d)
{
	cf_script_preamble(out, m, "lldb", "lldb -b -s FILE -o bt  (or lldb -s FILE)");
	const struct cf_module *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	const char *why = cf_lldb_unreadable(m);
	if (why && m->core.plain_repaired) {
		comment(out, "lldb 14 cannot open this core as written: ", why);
		fprintf(out, "# so the target is a copy repaired by corefix rewrite, in corefix's cache,\n");
		comment(out, m->core.plain_reused ? "reused (made by an earlier run): " : "written by this run: ",
			m->core.plain_path);
		why = NULL;
	} else if (why) {
		char *shown = cf_comment_text(m->core.path);
		comment(out, "lldb 14 cannot open this core: ", why);
		fprintf(out, "# corefix rewrite CORE -o FIXED repairs it; then use corefix lldb FIXED\n");
		cf_warn(d, "%s: lldb 14 cannot open this core: %s; 'corefix rewrite CORE -o FIXED' repairs it, "
				  "then 'corefix lldb FIXED'", shown, why);
		free(shown);
	}
	/* lldb ends a batch command file at its first failing command, so
	 * only files corefix found are named below. */
	char *abs = cf_path_absolute(cf_debugger_core(m));
	char *core = usable_quoted(out, abs, NULL, 0, eo);
	free(abs);
	if (!core) {
		fprintf(out, "# the core itself cannot be named to lldb; nothing to load\n");
		return 1;
	}
	size_t left_out_dirs = debug_dirs(out, eo, d);
	/* With the real program as the target's executable lldb neither picks
	 * the loader from the core nor reads dependents it would misplace. */
	char *prog = NULL;
	if (main_mod && !left_out(out, main_mod, eo))
		prog = usable_quoted(out, main_mod->path, main_mod->bid_file, main_mod->bid_file_len, eo);
	if (prog)
		fprintf(out, "target create --no-dependents --core %s %s\n", core, prog);
	else
		fprintf(out, "target create --no-dependents --core %s\n", core);
	free(core);
	if (prog)
		emit_load(out, m, main_mod, prog, false);
	free(prog);
	int r = why || left_out_dirs ? 1 : 0;
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		/* lldb reads the vDSO from core memory on its own. */
		if (mod == main_mod || mod->role == CF_ROLE_VDSO || left_out(out, mod, eo))
			continue;
		char *q = usable_quoted(out, mod->path, mod->bid_file, mod->bid_file_len, eo);
		if (q)
			emit_load(out, m, mod, q, true);
		free(q);
	}
	return r;
}
