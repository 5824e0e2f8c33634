/* `corefix bundle`: one archive (.tar.zst) that carries a crash to another
 * machine — the core, the exact file of every module, separate debug files,
 * manifest.json (schema corefix/bundle/1) and debugger scripts whose paths
 * are relative to the unpacked folder (writing: bundle.c) — and its safe
 * unpacking (bundle_extract.h). */
#ifndef COREFIX_BUNDLE_H
#define COREFIX_BUNDLE_H
#include "bundle_extract.h"
#include "bundle_plan.h"

/* Writes the archive to OUTPUT (a temporary file beside it, renamed).
 * Returns 0, or -1 with one line in D->error. */
int cf_bundle_write(const struct cf_model *m, const struct cf_bundle_plan *plan, const struct cf_bundle_options *bo,
		    const char *output, struct cf_diag *d);

#endif
