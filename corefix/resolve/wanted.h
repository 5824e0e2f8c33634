/* One question to the resolver: what it is told of a module, and what it
 * learns of the module's file. */
#ifndef COREFIX_WANTED_H
#define COREFIX_WANTED_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elfimage.h"

/* What the resolver is told of one module, and what it learns of its file
 * (PATH and the fields after it, kept from an earlier question). */
struct cf_wanted {
	const char *name;       /* as recorded */
	bool deleted;           /* NAME ends in " (deleted)" */
	bool vdso;
	const unsigned char *bid_core;
	size_t bid_core_len;
	bool header_in_core;
	uint64_t layout_core;
	char *path;
	const char *path_how;
	uint64_t path_dev, path_ino;
	char *debuginfo;
	unsigned char bid_file[CF_BUILDID_MAX];
	size_t bid_file_len;
	bool bid_mismatch;
	bool not_elf;
};

/* W's file is PATH, as the user named it (HOW says so): taken when W has
 * no file yet or PATH is the build the core recorded. INFO is PATH's, as
 * read by the caller. */
void cf_wanted_take(struct cf_wanted *w, const char *path, const char *how, const struct cf_elfinfo *info);
/* True when FILE is the build W's core recorded (or, without a build-id,
 * the core's copy of the headers describes FILE). */
bool cf_wanted_same_build(const struct cf_wanted *w, const struct cf_elfinfo *file);

#endif
