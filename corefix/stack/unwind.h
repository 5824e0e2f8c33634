/* The interface the backtrace (backtrace.c) gives its unwinder plug-ins
 * (unwind_dwfl.c, unwind_libunwind.c): each fills every thread's frames
 * (pcs) from its registers and grows them with cf_frame_push (frame.h); the
 * backtrace then symbolizes them. The plug-ins never call the backtrace. */
#ifndef COREFIX_UNWIND_H
#define COREFIX_UNWIND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "model.h"
#include "regs.h"
#include "symbolize.h"

struct cf_unwinder {
	const char *name;       /* --unwinder= */
	const char *cannot;     /* which cores it reads, when it cannot read one */
	/* REGS indexed like m->notes.thread. -1 when this core's machine is
	 * not one it reads. */
	int (*unwind)(const struct cf_model *m, const struct cf_regs *regs, struct cf_symbolizer *s, size_t max,
		      struct cf_backtrace *bt);
};

extern const struct cf_unwinder cf_unwinder_dwfl, cf_unwinder_libunwind;

#endif
