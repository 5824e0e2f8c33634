/* Finding the file behind a recorded module name, for every stage that
 * asks: in the unpacked bundle the core sits in, as recorded, under a
 * sysroot, through --path-map, next to the core, in --search folders, and
 * from debuginfod by build-id. It knows files and build-ids, never the
 * process model: the model copies what it knows of a module into a
 * struct cf_wanted and back (model/model_resolve.c). */
#ifndef COREFIX_RESOLVE_H
#define COREFIX_RESOLVE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "elfimage.h"
#include "paths.h"
#include "wanted.h"

struct cf_pathmap {
	const char *from, *to;
};

struct cf_options {
	const char *exe;        /* the real program, if the user names it */
	const char *sysroot;
	struct cf_pathmap *map;
	size_t nmap;
	const char **search;
	size_t nsearch;
	bool force;             /* load modules whose build-id does not match */
	/* A compressed core is decompressed into the cache under CACHE_DIR
	 * (NULL: the per-user one) and kept there, for a debugger script. */
	bool keep_plain;
	const char *cache_dir;
	bool quiet;             /* no debuginfod progress lines on stderr */
};

/* The resolver of one run, built once from the options: every stage of
 * every core's model asks it which file a module is. It remembers each
 * answer, so that a question asked again reads nothing. Per core it
 * knows the core's folder and the unpacked bundle the core sits in
 * (looked for once, on the first question). */
struct cf_resolver;

struct cf_resolver *cf_resolver_new(const struct cf_options *opt);
void cf_resolver_free(struct cf_resolver *r);
const struct cf_options *cf_resolver_options(const struct cf_resolver *r);
/* The core the questions that follow are about; its warnings go to D. */
void cf_resolver_begin_core(struct cf_resolver *r, const char *core_path, struct cf_diag *d);

/* The question is W's name, build-id and header layout; its answer fields
 * (PATH and those after it) must be empty. Sets W->path (the best
 * candidate, the core's build when one is); fills INFO from that file and
 * returns true when one was found. */
bool cf_resolve_file(struct cf_resolver *r, struct cf_wanted *w, struct cf_elfinfo *info);
#endif
