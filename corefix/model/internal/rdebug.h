/* Finding r_debug in a core that records no mapped file and no ELF header
 * (qemu-user's): through the loader NT_PRPSINFO names, through the program
 * the auxiliary vector points at, else a bounded scan of writable memory.
 * Every candidate address is validated the same way before it is used. */
#ifndef COREFIX_RDEBUG_H
#define COREFIX_RDEBUG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model_build.h"

/* What the link_map walk may also use: names the core records for the
 * main program and its loader, and the loader's bias once a route knows. */
struct cf_rdebug_hint {
	char *program[3];       /* the main program's recorded name(s), best first */
	size_t nprogram;
	char *loader;           /* the loader's recorded name (psargs or PT_INTERP) */
	char *loader_path;      /* and its file */
	bool loader_run;        /* psargs names the loader: it ran as a command */
	bool has_loader_bias;
	uint64_t loader_bias;
};

struct cf_rdebug_chain {
	size_t entries;         /* link_map entries */
	size_t named;           /* of them with a readable, non-empty l_name */
	bool has_l_addr;        /* one entry's l_addr is the one asked for */
};

/* True when ADDR holds an r_debug (version 1 or 2, sane r_state, r_brk
 * set and not in a mapping the core says is not code) whose r_map starts a NULL-terminated link_map chain with agreeing
 * l_prev links, page-aligned l_addr and readable names (the head's may
 * lie in an undumped page). *BUDGET bounds the entries read, across calls. */
bool cf_rdebug_check(const struct cf_model *m, uint64_t addr, uint64_t want_l_addr, size_t *budget,
		     struct cf_rdebug_chain *out);

/* DT_DEBUG's value in the dynamic section at DYN (SIZE bytes) of core
 * memory: the r_debug a loader filled in; 0 if none. */
uint64_t cf_dt_debug_at(const struct cf_model *m, uint64_t dyn, uint64_t size);

void cf_rdebug_hints(struct cf_model *m, struct cf_rdebug_hint *h);
void cf_rdebug_hint_free(struct cf_rdebug_hint *h);

/* The routes, in the order cf_linkmap_read tries them. Each sets *ADDR
 * and *HOW (a static string) and returns true on success. */
bool cf_rdebug_via_loader(struct cf_model *m, struct cf_rdebug_hint *h, uint64_t *addr, const char **how);
bool cf_rdebug_via_auxv(struct cf_model *m, const struct cf_rdebug_hint *h,
			uint64_t *addr, const char **how);
bool cf_rdebug_scan(const struct cf_model *m, uint64_t *addr, const char **how);

#endif
