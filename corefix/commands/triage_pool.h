/* The worker processes that read a triage's cores. */
#ifndef COREFIX_TRIAGE_POOL_H
#define COREFIX_TRIAGE_POOL_H
#include <stddef.h>
#include <stdint.h>

#include "triage_report.h"

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
