/* `corefix triage`: many cores grouped by crash signature. */
#ifndef COREFIX_TRIAGE_H
#define COREFIX_TRIAGE_H
#include <stdint.h>
#include <stdio.h>

#include "backtrace.h"
#include "output.h"
#include "signature.h"

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

/* Writes the report to OUTPUT (NULL or "-": standard output) and the
 * --html page, neither of which may be a file the run reads. Returns the
 * exit status (0 all read, 1 some unreadable, 2 none or an output refused,
 * 3 no core found, 4 a new group under --fail-on-new; cf_triage_status
 * says which wins). */
int cf_triage(const char *output, const char *const *inputs, size_t n, const struct cf_triage_options *o);
/* Adds the baseline to READS, refuses an --html page that is one of them,
 * then opens OUTPUT (cf_output_open); -1 with the reason printed. */
int cf_triage_open_outputs(struct cf_output *out, const char *output, struct cf_reads *reads,
			   const struct cf_triage_options *o);
/* `triage --merge`: the report one run over all their cores would give,
 * from the --json output of runs over shards of them (FILES in the order
 * the shards were cut). The same exit statuses. */
int cf_triage_merge(const char *output, const char *const *files, size_t n, const struct cf_triage_options *o);

/* The groups (triage_report.c). */
struct cf_strlist {
	char **v;
	size_t n;
};
/* What reading one core gave (triage_pool.c carries it between processes;
 * a group keeps its first core's). */
struct cf_triage_outcome {
	char *error;                    /* non-NULL: unreadable, and why */
	char *signature, *signal, *abort_msg;
	char **frames;
	size_t nframes;
	char *cls, *access, *evidence;  /* crash_class.h; ACCESS may be NULL */
	char **stack;                   /* the crashing thread: "function file:line" per frame */
	size_t nstack;
};
struct cf_triage_group {
	struct cf_triage_outcome first; /* the facts of its first core (never ERROR) */
	struct cf_strlist cores;        /* in the order they were read */
	int known;                      /* 1 in the baseline, 0 new, -1 no baseline */
};
struct cf_triage_report {
	struct cf_triage_group *g;
	size_t ng;
	struct cf_strlist bad, why;     /* unreadable cores and the reason */
	size_t found;                   /* cores found, read or not */
	bool baseline;                  /* groups were marked known or new */
};
/* CORE joins the group of O's signature, made from O when new; copied. */
void cf_triage_add(struct cf_triage_report *r, const char *core, const struct cf_triage_outcome *o);
void cf_triage_add_bad(struct cf_triage_report *r, const char *core, const char *why);
/* Marks every group known or new against the baseline O names (if any);
 * -1 with the reason on stderr when the baseline cannot be used. */
int cf_triage_mark(struct cf_triage_report *r, const struct cf_triage_options *o);
/* The signatures of a baseline: a corefix/triage report (--json or
 * --merge output) or a text file of signatures, one a line, # comments. */
int cf_triage_baseline_load(const char *path, struct cf_strlist *sigs, char *err, size_t errlen);
/* Sorts the groups (new first, then most cores) and prints them; writes
 * the HTML page too when O asks for it (-1 when that fails). */
int cf_triage_print(FILE *out, struct cf_triage_report *r, const struct cf_triage_options *o);
int cf_triage_html(const char *path, const struct cf_triage_report *r, char *err, size_t errlen);
/* The exit status of a finished report: 3 no core found, 2 none read,
 * 4 a new group under --fail-on-new, 1 some unreadable, 0. */
int cf_triage_status(const struct cf_triage_report *r, const struct cf_triage_options *o);
void cf_triage_report_free(struct cf_triage_report *r);
void cf_strlist_free(struct cf_strlist *l);

void cf_triage_outcome_free(struct cf_triage_outcome *o);
/* Runs WORK for every index below N on WORKERS processes (1: in this one)
 * and hands each outcome to DONE in index order, so the result does not
 * depend on which worker was faster. WORK runs in the worker. */
typedef void cf_triage_work_fn(size_t i, struct cf_triage_outcome *out, void *arg);
typedef void cf_triage_done_fn(size_t i, const struct cf_triage_outcome *o, void *arg);
/* A worker that crashes, or runs past TIMEOUT seconds on one core (then it
 * is killed), gives that core an ERROR and is replaced; the parent never
 * reads a core itself. LIMIT (bytes of address space, 0: none) is set in
 * each worker for each core, plus twice that core's SIZE(i). */
struct cf_triage_pool_opts {
	unsigned workers, timeout;
	uint64_t as_limit;
	uint64_t (*size)(size_t i, void *arg);
};
void cf_triage_pool(size_t n, const struct cf_triage_pool_opts *po, cf_triage_work_fn *work, cf_triage_done_fn *done,
		    void *arg);

#endif
