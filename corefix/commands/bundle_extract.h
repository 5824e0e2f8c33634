/* Unpacking a bundle (bundle_extract.c). */
#ifndef COREFIX_BUNDLE_EXTRACT_H
#define COREFIX_BUNDLE_EXTRACT_H
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct cf_extract_options {
	const char *dir;        /* NULL: FILE's name without .tar.zst, in the current folder */
	uint64_t max_bytes;     /* data written at most; 0: the free space where DIR is */
	bool quiet;
};

/* Unpacks the untrusted archive FILE into DIR (created, or empty). Refuses
 * — one line in D->error, everything it wrote removed — absolute names,
 * '..', links, devices, FIFOs, data past a member's declared size and more
 * data than MAX_BYTES. Returns 0 or -1. */
int cf_bundle_extract(const char *file, const struct cf_extract_options *xo, struct cf_diag *d);

#endif
