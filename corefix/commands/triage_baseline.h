/* `triage --baseline FILE`: which groups are known and which are new. */
#ifndef COREFIX_TRIAGE_BASELINE_H
#define COREFIX_TRIAGE_BASELINE_H
#include <stdbool.h>

#include "triage_report.h"

/* The signatures of a corefix/triage report (--json or --merge output) or
 * of a text file of signatures, one a line, # comments. Read once, before
 * any core: a baseline that cannot be used stops the run early, and the
 * same reading marks the groups at the end. */
struct cf_triage_baseline {
	bool given;             /* false: no --baseline, nothing is marked */
	struct cf_strlist sigs;
};
/* Reads PATH (NULL: no baseline); -1 with one line on stderr when it
 * cannot be used. B is to be freed either way. */
int cf_triage_baseline_read(struct cf_triage_baseline *b, const char *path);
/* Marks every group of R known or new against B (none without one). */
void cf_triage_baseline_mark(const struct cf_triage_baseline *b, struct cf_triage_report *r);
void cf_triage_baseline_free(struct cf_triage_baseline *b);

#endif
