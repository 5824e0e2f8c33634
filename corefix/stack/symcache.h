/* The run-wide symbol cache (symcache.c): symbol facts keyed by
 * (build-id, link-time address), shared by every core of one run. */
#ifndef COREFIX_SYMCACHE_H
#define COREFIX_SYMCACHE_H
#include <elfutils/libdwfl.h>

#include "bt_options.h"
#include "frame.h"

struct cf_symcache *cf_symcache_new(const struct cf_bt_options *o);
void cf_symcache_free(struct cf_symcache *c);
/* The cached facts at ADDR of the module with build-id BID, or NULL. */
const struct cf_frame *cf_symcache_find(struct cf_symcache *c, const unsigned char *bid, size_t len, uint64_t addr);
/* A zeroed entry for the caller to fill (function_offset relative to ADDR);
 * valid until the next put. */
struct cf_frame *cf_symcache_put(struct cf_symcache *c, const unsigned char *bid, size_t len, uint64_t addr);
/* The Dwfl holding PATH (build-id BID) at its link address, made on first
 * use and kept for the run; NULL when PATH cannot be read. */
Dwfl *cf_symcache_dwfl(struct cf_symcache *c, const unsigned char *bid, size_t len, const char *path);


#endif
