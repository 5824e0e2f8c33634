/* The core file itself: its ELF header, program headers and the process
 * memory its PT_LOAD segments hold. Everything here is bounds-checked
 * against the real file size, because cores get cut short. */
#ifndef COREFIX_CORE_H
#define COREFIX_CORE_H
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "bytes.h"
#include "diag.h"
#include "xattr.h"

struct cf_segment {
	uint64_t vaddr, memsz;  /* in the process */
	uint64_t offset, filesz; /* in the core; filesz already clipped to the file */
	uint64_t filesz_hdr;    /* as the header says */
	uint32_t flags;
};

struct cf_span {
	uint64_t offset, size;  /* a PT_NOTE, clipped to the file */
	bool cut;               /* the header promised more than the file holds */
};

struct cf_core {
	const char *path;
	unsigned char *image;   /* private copy-on-write map: never written back */
	size_t size;
	bool mapped;
	Elf *elf;
	struct cf_order order;
	uint16_t machine;
	struct cf_segment *seg;
	size_t nseg;
	struct cf_span *note;
	size_t nnote;
	bool truncated;         /* some segment or note lies past the end of file */
	/* A compressed core (systemd-coredump's .zst, .xz, .lz4) is read from
	 * a decompressed copy: IMAGE maps that copy, PATH stays the user's. */
	const char *compression;  /* "zstd", "xz", …; NULL for a plain core */
	bool unpacked;          /* UNPACKED_FD holds the decompressed copy */
	int unpacked_fd;
	char *plain_path;       /* the copy kept in the cache (cf_core_open_keep), else NULL */
	bool plain_reused;      /* that copy was already there */
	bool plain_repaired;    /* that copy is repaired by rewrite's plan (for lldb) */
	struct cf_coredump coredump;  /* systemd-coredump's attributes of the file */
};

/* Opens PATH; on failure returns -1 with a one-line reason in d->error. */
int cf_core_open(struct cf_core *c, const char *path, struct cf_diag *d);
/* The same; a compressed core is decompressed into corefix's cache (under
 * CACHE_DIR, see cf_unpack_cached) when KEEP, for a debugger that needs a
 * plain core on disk (c->plain_path), else into an unlinked temporary file. */
int cf_core_open_keep(struct cf_core *c, const char *path, bool keep, const char *cache_dir, struct cf_diag *d);
/* PATH (taken), a copy repaired for lldb (REUSED: made by an earlier run),
 * becomes the core debugger scripts name, in place of c->plain_path. */
void cf_core_use_copy(struct cf_core *c, char *path, bool reused);
/* The same over a caller's buffer (fuzzing, tests); the buffer must stay
 * alive and writable (libelf may convert in place). */
int cf_core_open_mem(struct cf_core *c, const char *name, unsigned char *buf, size_t size,
		     struct cf_diag *d);
void cf_core_close(struct cf_core *c);

/* Every file corefix reads by name (core, EXE, module candidates, rules)
 * goes through these: a FIFO would block open(2) until some writer came,
 * and a device or a folder is no file to read.
 * cf_not_regular: "a FIFO", "a directory", … when PATH exists and is not a
 * regular file; NULL when it is one or cannot be looked at (open says why).
 * cf_open_regular: a read-only descriptor of a regular file, or -1 with a
 * one-line reason in ERR ("not a regular file (a FIFO)", strerror). */
const char *cf_not_regular(const char *path);
int cf_open_regular(const char *path, char *err, size_t errlen);
/* A module candidate, read often: a regular file's descriptor (ST filled
 * from it), -2 when PATH is absent or no regular file, -1 on another error
 * (reason in ERR). Plain absolute names are opened and checked on the
 * descriptor (one path walk); names under /dev or /proc are looked at
 * first, so a device is never opened. */
int cf_open_candidate(const char *path, struct stat *st, char *err, size_t errlen);

/* Copies process memory at ADDR; returns how many leading bytes were
 * available, stopping at the first byte the core does not hold. In a core,
 * bytes past p_filesz were not dumped (text pages, say): they are unknown,
 * not zeros; cf_model_read completes them from the mapped files. */
size_t cf_core_read(const struct cf_core *c, uint64_t addr, void *buf, size_t len);
static inline bool cf_core_read_all(const struct cf_core *c, uint64_t addr, void *buf, size_t len)
{
	return cf_core_read(c, addr, buf, len) == len;
}
bool cf_core_read_word(const struct cf_core *c, uint64_t addr, uint64_t *out);
/* A NUL-terminated string of at most MAX bytes; NULL if unreadable or unterminated. */
char *cf_core_read_string(const struct cf_core *c, uint64_t addr, size_t max);
/* The segment holding ADDR, or NULL. */
const struct cf_segment *cf_core_segment(const struct cf_core *c, uint64_t addr);

#endif
