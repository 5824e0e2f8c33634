/* The groups of a triage: one per crash signature, with its cores in the
 * order they were read. Built by a run over cores and by --merge alike. */
#ifndef COREFIX_TRIAGE_REPORT_H
#define COREFIX_TRIAGE_REPORT_H
#include <stdbool.h>
#include <stddef.h>

#include "triage_options.h"

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
/* The exit status of a finished report: 3 no core found, 2 none read,
 * 4 a new group under --fail-on-new, 1 some unreadable, 0. */
int cf_triage_status(const struct cf_triage_report *r, const struct cf_triage_options *o);
void cf_triage_report_free(struct cf_triage_report *r);
void cf_triage_outcome_free(struct cf_triage_outcome *o);
void cf_strlist_free(struct cf_strlist *l);

#endif
