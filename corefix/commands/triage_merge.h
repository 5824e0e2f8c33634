/* `corefix triage --merge`: one report from the reports of shards. */
#ifndef COREFIX_TRIAGE_MERGE_H
#define COREFIX_TRIAGE_MERGE_H
#include <stddef.h>

#include "triage_options.h"

/* The report one run over all their cores would give, from the --json
 * output of runs over shards of them (FILES in the order the shards were
 * cut). The same exit statuses as cf_triage. */
int cf_triage_merge(const char *output, const char *const *files, size_t n, const struct cf_triage_options *o);

#endif
