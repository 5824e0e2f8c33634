/* `corefix bundle`: one archive (.tar.zst) that carries a crash to another
 * machine — the core, the exact file of every module, separate debug files,
 * manifest.json (schema corefix/bundle/1) and debugger scripts whose paths
 * are relative to the unpacked folder — and its safe unpacking. */
#ifndef COREFIX_BUNDLE_H
#define COREFIX_BUNDLE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bundle_names.h"
#include "model.h"

/* The member holding MOD's file (cf_bundle_member_name of what the core
 * recorded of it). Caller frees. */
static inline char *cf_bundle_member(const struct cf_module *mod)
{
	return cf_bundle_member_name(mod->name, mod->deleted, mod->role == CF_ROLE_VDSO, mod->bid_core,
				     mod->bid_core_len);
}

/* --- Writing (bundle.c). */

struct cf_bundle_options {
	const char *const *debug_dirs;  /* --debug-dir: searched before /usr/lib/debug */
	size_t ndebug;
	bool force;                     /* bundle a module whose build-id differs */
	bool quiet;                     /* no progress lines */
};

/* One module's place in the bundle. */
struct cf_bundle_item {
	const struct cf_module *mod;
	char *member;           /* its file in the bundle, or NULL */
	bool first;             /* the first item with this member: it carries the data */
	char *debug_member;     /* its separate debug file in the bundle, or NULL */
	char *debug_from;       /* where that came from */
	const char *status;     /* "bundled", "missing", "in-core" */
	char *reason;           /* why not bundled (missing, in-core), else NULL */
};

/* A debug file another one needs (dwz's .gnu_debugaltlink). */
struct cf_bundle_extra {
	char *member, *from;
};

struct cf_bundle_plan {
	struct cf_bundle_item *item;
	size_t n;
	struct cf_bundle_extra *extra;
	size_t nextra, extracap;
	bool incomplete;        /* some module had to be left out */
};

void cf_bundle_plan(const struct cf_model *m, const struct cf_bundle_options *bo, struct cf_bundle_plan *plan);
void cf_bundle_plan_free(struct cf_bundle_plan *plan);
/* Writes the archive to OUTPUT (a temporary file beside it, renamed).
 * Returns 0, or -1 with one line in D->error. */
int cf_bundle_write(const struct cf_model *m, const struct cf_bundle_plan *plan, const struct cf_bundle_options *bo,
		    const char *output, struct cf_diag *d);

/* manifest.json (emit_manifest.c). */
void cf_bundle_manifest(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);
/* The debugger scripts (bundle_scripts.c): every file named relative to
 * the folder the bundle is unpacked into. */
void cf_bundle_gdb_py(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);
void cf_bundle_gdb_here(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);
void cf_bundle_lldb(FILE *out);
void cf_bundle_lldb_py(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);
void cf_bundle_lldb_here(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);
void cf_bundle_readme(FILE *out);

/* Script names inside the bundle, as the manifest lists them. */
#define CF_BUNDLE_GDB_PY "debug.gdb.py"
#define CF_BUNDLE_GDB_HERE "here.gdb"
#define CF_BUNDLE_LLDB "debug.lldb"
#define CF_BUNDLE_LLDB_PY "corefix_lldb.py"
#define CF_BUNDLE_LLDB_HERE "here.lldb"
#define CF_BUNDLE_README "README.txt"

/* --- Unpacking (bundle_extract.c). */

struct cf_extract_options {
	const char *dir;        /* NULL: FILE's name without .tar.zst, in the current folder */
	uint64_t max_bytes;     /* data written at most; 0: the free space where DIR is */
	bool quiet;
};

/* Unpacks the untrusted archive FILE into DIR (created, or empty). Refuses
 * — one line in D->error, everything it wrote removed — absolute names,
 * '..', links, devices, FIFOs, data past a member's declared size and more
 * data than MAX_BYTES. Returns 0 or -1. */
int cf_bundle_extract(const char *file, const struct cf_extract_options *xo, struct cf_diag *d);

#endif
