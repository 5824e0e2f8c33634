/* The debugger scripts of a bundle (bundle_scripts.c). */
#ifndef COREFIX_BUNDLE_SCRIPTS_H
#define COREFIX_BUNDLE_SCRIPTS_H
#include <stdio.h>

#include "bundle_plan.h"

/* Every file named relative to
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

#endif
