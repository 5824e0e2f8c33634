/* Symbolized stacks of every thread, and the facts of the crash. Built from
 * the process model by one of two unwinders (libdwfl or libunwind); the
 * emitters and triage only read it. */
#ifndef COREFIX_BACKTRACE_H
#define COREFIX_BACKTRACE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bt_options.h"
#include "crash.h"
#include "frame.h"
#include "model.h"
#include "regs.h"

/* Unwinds every thread of M. Returns -1 (reason in D->error, nothing left
 * in BT to free) only when no thread could be unwound at all. */
int cf_backtrace_build(const struct cf_model *m, const struct cf_bt_options *o, struct cf_backtrace *bt,
		       struct cf_diag *d);

#endif
