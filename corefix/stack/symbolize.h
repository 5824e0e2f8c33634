/* The symbolizer (symbolize.c): pc -> function, source line and inline
 * chain over the model's modules (libdwfl), shared by both unwinders;
 * through the run-wide cache (symcache.h) for modules with a build-id. */
#ifndef COREFIX_SYMBOLIZE_H
#define COREFIX_SYMBOLIZE_H
#include <elfutils/libdw.h>

#include "bt_options.h"
#include "frame.h"
#include "model.h"

struct cf_symbolizer;
struct cf_symcache;
struct cf_symbolizer *cf_symbolizer_new(const struct cf_model *m, const struct cf_bt_options *o,
				       struct cf_symcache *cache);
void cf_symbolizer_free(struct cf_symbolizer *s);
void cf_symbolize(struct cf_symbolizer *s, const struct cf_model *m, struct cf_frame *f);
struct Dwfl *cf_symbolizer_dwfl(struct cf_symbolizer *s);
/* The DWARF scopes at module-relative PC in CU, innermost first, with
 * inlined instances nested as the DIEs record them (dwarf_getscopes alone
 * climbs an inlined instance's abstract definition). Caller frees *SCOPES. */
int cf_dwarf_scopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **scopes);

#endif
