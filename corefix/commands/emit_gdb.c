/* The gdb script: core, then every module at its exact bias. Paths are
 * untrusted: each is quoted for gdb's parser, and one that cannot be
 * quoted is loaded through a safe alias or left out with a comment. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "quote.h"

static void comment(FILE *out, const char *fmt_prefix, const char *text)
{
	char *t = cf_comment_text(text);
	fprintf(out, "# %s%s\n", fmt_prefix, t);
	free(t);
}

/* A path gdb can take as an argument: itself, or an alias when it holds
 * characters no quoting survives. NULL when neither works. */
static char *usable_path(FILE *out, const char *path, const unsigned char *bid, size_t bidlen,
			 const struct cf_emit_opts *eo, bool literal)
{
	char err[256];
	bool aliased;
	char *p = cf_usable_path(path, bid, bidlen, eo, literal ? cf_gdb_literal_ok : cf_gdb_safe, &aliased, err,
				 sizeof err);
	if (p && aliased)
		comment(out, "path unsafe for gdb's parser; loaded through an alias: ", path);
	if (!p) {
		comment(out, "path unsafe for gdb's parser and no alias possible; skipped: ", path);
		comment(out, "  reason: ", err);
	}
	return p;
}

/* --debug-dir for gdb: DIRs go before gdb's own debug-file-directory
 * (the distribution's /usr/lib/debug, or what the user set), which a plain
 * script can read only through $_gdb_setting_str (gdb 10) held in a
 * convenience variable (printf reads a string from one without a live
 * process). Returns how many DIRs had to be left out. */
static size_t emit_debug_dirs(FILE *out, const struct cf_emit_opts *eo, struct cf_diag *d)
{
	size_t bad = 0, used = 0;
	char *list = cf_xstrdup("");
	for (size_t i = 0; i < eo->ndebug; i++) {
		char *abs = cf_path_absolute(eo->debug_dirs[i]);
		if (!cf_gdb_dir_ok(abs)) {
			char *shown = cf_comment_text(abs);
			comment(out, "--debug-dir left out, gdb cannot be given its name: ", abs);
			cf_warn(d, "--debug-dir %s: gdb cannot be given this folder (a ':', a control character, a "
					  "trailing blank or a blank before '~'); left out of the script", shown);
			free(shown);
			bad++;
		} else {
			char *e = cf_gdb_format_escape(abs), *next = cf_xasprintf("%s%s:", list, e);
			free(e);
			free(list);
			list = next;
			used++;
		}
		free(abs);
	}
	if (used) {
		fprintf(out, "set $corefix_debug_file_directory = $_gdb_setting_str(\"debug-file-directory\")\n");
		fprintf(out, "eval \"set debug-file-directory %s%%s\", $corefix_debug_file_directory\n", list);
	}
	free(list);
	return bad;
}

/* Debug info debuginfod gave for a stripped module. gdb looks for separate
 * debug info only under debug-file-directory's .build-id/ layout, which
 * debuginfod's cache (BUILDID/debuginfo) is not, and gdb 13's own
 * debuginfod client stays off in batch mode (and would ask the servers
 * about every other module too). So the file is attached to the objfile
 * just added, found by its build-id: gdb then reads it as that objfile's
 * separate debug info, with the code, .eh_frame and bias of the objfile. */
static void emit_debuginfo(FILE *out, const struct cf_module *mod, const struct cf_emit_opts *eo)
{
	char err[256], id[2 * CF_BUILDID_MAX + 1];
	bool aliased;
	/* A plain-text path in gdb's quoting is a Python string literal too. */
	char *p = cf_usable_path(mod->debuginfo, mod->bid_core, mod->bid_core_len, eo, cf_plain_text, &aliased, err,
				 sizeof err);
	if (!p) {
		comment(out, "its debug info, fetched from debuginfod, cannot be named to gdb: ", mod->debuginfo);
		return;
	}
	comment(out, "its debug info, fetched by build-id from debuginfod too: ", mod->debuginfo);
	char *q = cf_gdb_quote(p);
	cf_hex(mod->bid_core, mod->bid_core_len, id);
	/* An error would end the sourced script and leave the modules after
	 * this one out: a failure is only said. */
	fprintf(out, "python\ntry:\n    gdb.lookup_objfile(\"%s\", by_build_id=True).add_separate_debug_file(%s)\n"
		     "except (ValueError, gdb.error) as e:\n    gdb.write(\"corefix: debug info not attached: %%s\\n\" %% e)\n"
		     "end\n",
		id, q);
	free(q);
	free(p);
}

static void emit_module(FILE *out, const struct cf_model *m, const struct cf_module *mod, const struct cf_emit_opts *eo)
{
	char bias[32], src[64];
	if (mod->role == CF_ROLE_VDSO) {
		/* gdb reads the vDSO from core memory on its own. */
		return;
	}
	const char *shown = mod->name[0] ? mod->name : "(unnamed module)";
	if (!mod->path) {
		comment(out, "not found, frames in it stay ??: ", shown);
		return;
	}
	if (!mod->has_bias) {
		comment(out, "load bias unknown, not loaded: ", mod->path);
		return;
	}
	cf_bias_text(m, mod, bias, sizeof bias);
	if (mod->bid_mismatch) {
		comment(out, "WARNING: build-id of this file differs from the core's: ", mod->path);
		if (!eo->force) {
			fprintf(out, "# (not loaded; corefix --force loads it anyway)\n");
			return;
		}
	}
	char *p = usable_path(out, mod->path, mod->bid_file, mod->bid_file_len, eo, false);
	if (!p)
		return;
	char *q = cf_gdb_quote(p);
	fprintf(out, "# %s, bias from %s\n", cf_role_name(mod->role), cf_sources_text(mod->bias_src, src, sizeof src));
	if (mod->path_how && !strcmp(mod->path_how, "debuginfod"))
		comment(out, "fetched by build-id from debuginfod (DEBUGINFOD_URLS) into its cache: ", mod->path);
	fprintf(out, "add-symbol-file %s -o %s\n", q, bias);
	free(q);
	free(p);
	if (mod->debuginfo)
		emit_debuginfo(out, mod, eo);
}

/* KM writes the faulting vCPU's NT_PRSTATUS twice (first, and in its own
 * slot). gdb then reports "The current thread has terminated" on
 * core-file, which would end a sourced script. */
static uint32_t repeated_tid(const struct cf_model *m)
{
	bool *first = cf_xcalloc(m->notes.nthread + 1, sizeof *first);
	uint32_t tid = cf_notes_first_threads(&m->notes, first);
	free(first);
	return tid;
}

static void emit_core_file_py(FILE *out, const char *core, uint32_t tid)
{
	char *q = cf_gdb_quote(core);  /* a valid Python string literal too: safe chars only */
	fprintf(out, "# this core repeats thread %u's registers (KM does); gdb would stop the\n"
		     "# script on it, so core-file runs under Python and that thread is selected\n",
		tid);
	fprintf(out, "python\ntry:\n    gdb.execute(\"core-file \" + %s)\nexcept gdb.error:\n    pass\n"
		     "for t in gdb.selected_inferior().threads():\n    if t.is_valid() and t.ptid[1] == %u:\n"
		     "        t.switch()\nend\n",
		q, tid);
	free(q);
}

int cf_emit_gdb(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo, struct cf_diag *d)
{
	cf_script_preamble(out, m, "gdb", "gdb -x FILE  (or gdb -batch -x FILE -ex bt)");
	/* gdb's own solib discovery would follow the loader, not the program,
	 * and load libraries a second time; every module is given below. */
	fprintf(out, "set confirm off\n");
	fprintf(out, "set auto-solib-add off\n");
	/* Before any file is read: gdb looks for separate debug info then. */
	size_t left_out = emit_debug_dirs(out, eo, d);
	fprintf(out, "file\n");
	char *abs = cf_path_absolute(cf_debugger_core(m));
	char *core = usable_path(out, abs, NULL, 0, eo, true);
	free(abs);
	uint32_t dup = repeated_tid(m);
	if (core && dup)
		emit_core_file_py(out, core, dup);
	else if (core)
		fprintf(out, "core-file %s\n", core);
	free(core);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nmod; i++)
			if ((m->mod[i].role == CF_ROLE_MAIN) == (pass == 0))
				emit_module(out, m, &m->mod[i], eo);
	return left_out ? 1 : 0;
}
