/* `corefix bundle`'s plan: which file stands for which module, which
 * debug files go along (bundle_plan.c). The writer (bundle.c), the
 * manifest (emit_manifest.c) and the scripts (bundle_scripts.c) read it. */
#ifndef COREFIX_BUNDLE_PLAN_H
#define COREFIX_BUNDLE_PLAN_H
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
/* manifest.json (emit_manifest.c). */
void cf_bundle_manifest(FILE *out, const struct cf_model *m, const struct cf_bundle_plan *plan);

#endif
