/* ELF files under the --search folders, by build-id. */
#ifndef COREFIX_BUILDID_INDEX_H
#define COREFIX_BUILDID_INDEX_H
#include <stddef.h>

#include "diag.h"
#include "elfimage.h"

struct cf_bidindex;

/* The path of a file under DIRS whose build-id is ID, or NULL. *IDX is
 * built on the first call (a bounded walk) and reused after. */
const char *cf_bidindex_find(struct cf_bidindex **idx, const char *const *dirs, size_t ndirs,
			     const unsigned char *id, size_t len);
void cf_bidindex_free(struct cf_bidindex *idx);

#endif
