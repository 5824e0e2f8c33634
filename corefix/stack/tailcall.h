/* The frames tail calls left no trace of (tailcall.c), rebuilt from DWARF
 * call sites as gdb shows them. */
#ifndef COREFIX_TAILCALL_H
#define COREFIX_TAILCALL_H
#include <stddef.h>

#include "frame.h"
#include "model.h"

struct cf_symbolizer;
struct cf_symcache;
struct cf_tailcalls;
struct cf_tailcalls *cf_tailcalls_new(void);
void cf_tailcalls_free(struct cf_tailcalls *tc);
/* Inserts them into T, at most MAX frames in all. */
void cf_tailcall_frames(struct cf_tailcalls *tc, struct cf_symbolizer *s, struct cf_symcache *cache,
			const struct cf_model *m, struct cf_thread_bt *t, size_t max);

#endif
