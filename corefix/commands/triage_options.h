/* What a triage was asked, shared by a run over cores (triage.c) and by
 * --merge (triage_merge.c), and the outputs it names: the report and the
 * --html page, neither of which may be a file the run reads. */
#ifndef COREFIX_TRIAGE_OPTIONS_H
#define COREFIX_TRIAGE_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>

#include "backtrace.h"
#include "output.h"

enum cf_triage_format { CF_TRIAGE_TABLE, CF_TRIAGE_JSON, CF_TRIAGE_MARKDOWN };

struct cf_triage_options {
	const struct cf_options *opt;
	const struct cf_bt_options *bt;
	const char *rules_dir;
	size_t frames;
	enum cf_triage_format format;
	bool quiet;
	unsigned workers;               /* processes reading cores; 0: one per CPU, at most 2 */
	const char *baseline;           /* --baseline: known signatures (a report or a list) */
	bool fail_on_new;               /* --fail-on-new: exit 4 when a group is new */
	const char *html;               /* --html: also write this self-contained page */
	unsigned timeout;               /* --timeout: seconds a worker may spend on one core */
};

/* Adds the baseline to READS, refuses an --html page that is one of them,
 * then opens OUTPUT (cf_output_open); -1 with the reason printed. */
int cf_triage_open_outputs(struct cf_output *out, const char *output, struct cf_reads *reads,
			   const struct cf_triage_options *o);

#endif
