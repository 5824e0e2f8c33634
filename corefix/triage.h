/* `corefix triage`: many cores grouped by crash signature. */
#ifndef COREFIX_TRIAGE_H
#define COREFIX_TRIAGE_H
#include <stdio.h>

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
};

struct cf_rules {
	char **pat[3];  /* sentinel, skip, fold */
	size_t n[3];
	char *file[3];  /* where each was read from */
};
enum { CF_RULE_SENTINEL, CF_RULE_SKIP, CF_RULE_FOLD };

int cf_rules_load(struct cf_rules *r, const char *dir, char *err, size_t errlen);
void cf_rules_free(struct cf_rules *r);
/* The signature of BT's crash; its frames into *FRAMES (caller frees). */
char *cf_signature(const struct cf_backtrace *bt, const struct cf_rules *r, size_t nframes, char ***frames,
		   size_t *nout);

/* Writes the report to OUTPUT (NULL or "-": standard output), which must
 * be none of the files read. Returns the exit status (0 all read, 1 some
 * unreadable, 2 none or OUTPUT refused, 3 no core found). */
int cf_triage(const char *output, const char *const *inputs, size_t n, const struct cf_triage_options *o);
/* `triage --merge`: the report one run over all their cores would give,
 * from the --json output of runs over shards of them (FILES in the order
 * the shards were cut). The same exit statuses. */
int cf_triage_merge(const char *output, const char *const *files, size_t n, const struct cf_triage_options *o);

/* The groups (triage_report.c). */
struct cf_strlist {
	char **v;
	size_t n;
};
struct cf_triage_group {
	char *signature, *signal, *abort_msg;
	char **frames;
	size_t nframes;
	struct cf_strlist cores;        /* in the order they were read */
};
struct cf_triage_report {
	struct cf_triage_group *g;
	size_t ng;
	struct cf_strlist bad, why;     /* unreadable cores and the reason */
	size_t found;                   /* cores found, read or not */
};
/* CORE joins the group of SIG, made from the other facts when new; all
 * arguments are copied. */
void cf_triage_add(struct cf_triage_report *r, const char *core, const char *sig, const char *signal,
		   char *const *frames, size_t nframes, const char *abort_msg);
void cf_triage_add_bad(struct cf_triage_report *r, const char *core, const char *why);
/* Sorts the groups (most cores first) and prints them. */
void cf_triage_print(FILE *out, struct cf_triage_report *r, enum cf_triage_format format);
void cf_triage_report_free(struct cf_triage_report *r);

/* What reading one core gave (triage_pool.c carries it between processes). */
struct cf_triage_outcome {
	char *error;                    /* non-NULL: unreadable, and why */
	char *signature, *signal, *abort_msg;
	char **frames;
	size_t nframes;
};
void cf_triage_outcome_free(struct cf_triage_outcome *o);
/* Runs WORK for every index below N on WORKERS processes (1: in this one)
 * and hands each outcome to DONE in index order, so the result does not
 * depend on which worker was faster. WORK runs in the worker. */
typedef void cf_triage_work_fn(size_t i, struct cf_triage_outcome *out, void *arg);
typedef void cf_triage_done_fn(size_t i, const struct cf_triage_outcome *o, void *arg);
void cf_triage_pool(size_t n, unsigned workers, cf_triage_work_fn *work, cf_triage_done_fn *done, void *arg);

#endif
