/* `triage --baseline FILE`: which groups are known and which are new. */
#ifndef COREFIX_TRIAGE_BASELINE_H
#define COREFIX_TRIAGE_BASELINE_H
#include "triage_options.h"
#include "triage_report.h"

/* Marks every group known or new against the baseline O names (if any);
 * -1 with the reason on stderr when the baseline cannot be used. The
 * baseline is a corefix/triage report (--json or --merge output) or a
 * text file of signatures, one a line, # comments. */
int cf_triage_mark(struct cf_triage_report *r, const struct cf_triage_options *o);

#endif
