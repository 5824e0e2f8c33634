/* What kind of crash a core shows (null dereference, stack overflow,
 * assertion, …), with the evidence, for triage. Reads only the model and
 * the backtrace built from it. */
#ifndef COREFIX_CRASH_CLASS_H
#define COREFIX_CRASH_CLASS_H
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "model.h"

struct cf_crash_class {
	const char *name;       /* "null-dereference", … (a static string) */
	const char *access;     /* "read", "write", "execute", "access"; NULL when no memory access */
	char *evidence;         /* one line: the facts the class rests on */
};

void cf_crash_classify(const struct cf_model *m, const struct cf_backtrace *bt, struct cf_crash_class *out);
void cf_crash_class_free(struct cf_crash_class *c);

#endif
