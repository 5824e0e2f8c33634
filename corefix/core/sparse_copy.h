/* Copying a core as `cp --reflink=auto --sparse=always` does. */
#ifndef COREFIX_SPARSE_COPY_H
#define COREFIX_SPARSE_COPY_H
#include <stddef.h>
#include <stdint.h>

/* Copies IN to OUT keeping holes (reflink when the filesystem can). */
int cf_sparse_copy(int in, int out, uint64_t size, char *err, size_t errlen);

#endif
