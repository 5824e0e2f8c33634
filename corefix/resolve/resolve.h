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

/* A candidate file as read once (resolve.c). */
struct cf_probe;
struct cf_bidindex;

/* The resolver of one core: the options, the core's folder, the bundle
 * the core sits in (looked for once, on first use), and every candidate
 * file it has read, so that a question asked again (by another stage, or
 * for another name of the same file) reads nothing twice. */
struct cf_resolver {
	const struct cf_options *opt;
	const char *core_path;
	struct cf_diag *diag;   /* debuginfod's warnings */
	bool bundle_known;
	char *bundle_dir;       /* NULL: the core is in no unpacked bundle */
	struct cf_probe *probe;
	size_t nprobe, probecap;
	size_t *slot;           /* hash table of PROBE by path: index + 1, 0 empty */
	size_t nslot;
	struct cf_bidindex *bidx;   /* --search folders by build-id, built on first need */
};

void cf_resolver_init(struct cf_resolver *r, const struct cf_options *opt, const char *core_path, struct cf_diag *d);
void cf_resolver_free(struct cf_resolver *r);

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

/* Sets W->path (the best candidate, the core's build when one is);
 * fills INFO from that file and returns true when one was found. OPT
 * overrides the resolver's options when not NULL. */
bool cf_resolve_file(struct cf_resolver *r, const struct cf_options *opt, struct cf_wanted *w, struct cf_elfinfo *info);
/* True when FILE is the build W's core recorded (or, without a build-id,
 * the core's copy of the headers describes FILE). */
bool cf_wanted_same_build(const struct cf_wanted *w, const struct cf_elfinfo *file);

/* False for a recorded name that is no file to open: /proc/… and /dev/…
 * (a link_map's /proc/self/fd/N is the reader's own descriptor, not the
 * crashed process's), a memfd's /memfd:NAME. Found by build-id instead. */
bool cf_name_is_file(const char *name);
/* The part of P after its last '/'. */
const char *cf_base_name(const char *p);
/* P made absolute against the current folder (no symlinks resolved). */
char *cf_path_absolute(const char *p);

#endif
