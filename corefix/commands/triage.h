/* `corefix triage`: many cores grouped by crash signature. */
#ifndef COREFIX_TRIAGE_H
#define COREFIX_TRIAGE_H
#include <stddef.h>

#include "triage_options.h"

/* Writes the report to OUTPUT (NULL or "-": standard output) and the
 * --html page, neither of which may be a file the run reads. Returns the
 * exit status (0 all read, 1 some unreadable, 2 none or an output refused,
 * 3 no core found, 4 a new group under --fail-on-new; cf_triage_status
 * says which wins). */
int cf_triage(const char *output, const char *const *inputs, size_t n, const struct cf_triage_options *o);

#endif
