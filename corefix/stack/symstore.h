/* The persistent symbol cache (symstore.c): what symbolization learned
 * about a module, kept between runs in one file per build-id under
 * DIR/symbols (--cache-dir DIR, else $XDG_CACHE_HOME/corefix/symbols, else
 * ~/.cache/corefix/symbols). */
#ifndef COREFIX_SYMSTORE_H
#define COREFIX_SYMSTORE_H
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct cf_symstore;

/* The store, or NULL when there is none to use: no cache folder, or a
 * folder that is not ours alone (not 0700, another owner). */
struct cf_symstore *cf_symstore_open(const char *cache_dir);
void cf_symstore_close(struct cf_symstore *s);

/* Calls PUT for every entry of build-id BID, when its file is whole (its
 * checksum holds), of this format, of BID, and learned from the debug
 * info IDENT names. Returns the number of entries, -1 when there is no
 * usable file (a damaged or foreign one is ignored: the next save
 * replaces it). */
long cf_symstore_load(struct cf_symstore *s, const unsigned char *bid, size_t len, const char *ident,
		      void (*put)(void *arg, uint64_t addr, const struct cf_frame *f), void *arg);
/* Writes the N entries of BID (ADDR[i], F[i]) as one file, atomically
 * (temporary file, then rename), then evicts the least recently used
 * files while the folder holds more than its bound. */
int cf_symstore_save(struct cf_symstore *s, const unsigned char *bid, size_t len, const char *ident, size_t n,
		     const uint64_t *addr, const struct cf_frame *const *f);

/* The bound in bytes: COREFIX_CACHE_MAX (N, NK, NM or NG), else 1 GiB. */
uint64_t cf_symstore_bound(void);

#endif
