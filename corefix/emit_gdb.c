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
	if (literal ? cf_gdb_literal_ok(path) : cf_gdb_safe(path))
		return cf_xstrdup(path);
	char id[2 * CF_BUILDID_MAX + 1], err[256];
	if (bidlen)
		cf_hex(bid, bidlen, id);
	char *alias = cf_alias(eo->cache_dir, path, bidlen ? id : NULL, err, sizeof err);
	if (alias && cf_gdb_literal_ok(alias)) {
		comment(out, "path unsafe for gdb's parser; loaded through an alias: ", path);
		return alias;
	}
	comment(out, "path unsafe for gdb's parser and no alias possible; skipped: ", path);
	comment(out, "  reason: ", alias ? "alias path unsafe too" : err);
	free(alias);
	return NULL;
}

static void emit_module(FILE *out, struct cf_model *m, const struct cf_module *mod, const struct cf_emit_opts *eo)
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
	fprintf(out, "add-symbol-file %s -o %s\n", q, bias);
	free(q);
	free(p);
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

int cf_emit_gdb(FILE *out, struct cf_model *m, const struct cf_emit_opts *eo)
{
	fprintf(out, "# corefix: gdb commands for a core; source with  gdb -x FILE  (or gdb -batch -x FILE -ex bt)\n");
	comment(out, "core: ", m->core.path);
	const struct cf_module *exec = cf_model_role(m, CF_ROLE_EXEC), *main_mod = cf_model_role(m, CF_ROLE_MAIN);
	if (m->loader_as_command && exec && main_mod) {
		comment(out, "the kernel ran the loader as the program: ", exec->name);
		comment(out, "the real program: ", main_mod->name[0] ? main_mod->name : "(unnamed)");
	}
	if (m->km)
		fprintf(out, "# Kontain KM core layout\n");
	/* gdb's own solib discovery would follow the loader, not the program,
	 * and load libraries a second time; every module is given below. */
	fprintf(out, "set confirm off\n");
	fprintf(out, "set auto-solib-add off\n");
	fprintf(out, "file\n");
	char *abs = cf_path_absolute(m->core.path);
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
	return 0;
}
