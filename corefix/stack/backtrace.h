/* Symbolized stacks of every thread, and the facts of the crash. Built from
 * the process model by one of two unwinders (libdwfl or libunwind); the
 * emitters and triage only read it. */
#ifndef COREFIX_BACKTRACE_H
#define COREFIX_BACKTRACE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "model.h"

struct cf_bt_options {
	const char *unwinder;           /* "dwfl" (default) or "libunwind" */
	size_t max_frames;
	const char **debug_dirs;
	size_t ndebug;
	/* Symbol facts kept across the cores of one run (symcache.h); NULL:
	 * cf_backtrace_build keeps its own for the one core. */
	struct cf_symcache *cache;
	/* Symbol facts kept between runs (symstore.h): under CACHE_DIR/symbols
	 * (NULL: the per-user cache), none with NO_CACHE. */
	const char *cache_dir;
	bool no_cache;
};

/* Unwinds every thread of M. Returns -1 (reason in D->error, nothing left
 * in BT to free) only when no thread could be unwound at all. */
int cf_backtrace_build(const struct cf_model *m, const struct cf_bt_options *o, struct cf_backtrace *bt,
		       struct cf_diag *d);

/* Symbolizer over the model's modules (libdwfl), shared by both unwinders. */
struct cf_symbolizer;
struct cf_symcache;
struct cf_symbolizer *cf_symbolizer_new(const struct cf_model *m, const struct cf_bt_options *o,
				       struct cf_symcache *cache);
void cf_symbolizer_free(struct cf_symbolizer *s);
void cf_symbolize(struct cf_symbolizer *s, const struct cf_model *m, struct cf_frame *f);
struct Dwfl *cf_symbolizer_dwfl(struct cf_symbolizer *s);

/* One thread's registers at the crash, DWARF numbering. */
enum { CF_MAX_DWARF_REGS = 256 };
struct cf_regs {
	bool ok;
	uint64_t pc;
	uint64_t set[CF_MAX_DWARF_REGS / 64];
	uint64_t val[CF_MAX_DWARF_REGS];
};
static inline bool cf_regs_has(const struct cf_regs *r, unsigned k)
{
	return k < CF_MAX_DWARF_REGS && (r->set[k / 64] >> (k % 64) & 1);
}
/* The registers of every NT_PRSTATUS of M (indexed like m->notes.thread),
 * read by elfutils' backend for the core's machine. NULL, with the reason
 * in ERR, when elfutils cannot read this machine's thread state. */
struct cf_regs *cf_regs_read(const struct cf_model *m, char *err, size_t errlen);
/* The stack pointer's DWARF number on MACHINE, -1 if unknown. */
int cf_dwarf_sp(uint16_t machine);


/* Inserts into T the frames tail calls left no trace of (DWARF call
 * sites), as gdb shows them. */
struct cf_tailcalls;
struct cf_tailcalls *cf_tailcalls_new(void);
void cf_tailcalls_free(struct cf_tailcalls *tc);
void cf_tailcall_frames(struct cf_tailcalls *tc, struct cf_symbolizer *s, struct cf_symcache *cache,
			const struct cf_model *m, struct cf_thread_bt *t, size_t max);

/* Crash facts. */
const char *cf_signal_name(int signo);
const char *cf_signal_code_name(int signo, int code);
void cf_crash_facts(const struct cf_model *m, struct cf_backtrace *bt);

#endif
