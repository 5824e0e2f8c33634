/* `corefix rewrite`: a repaired copy of a core that plain debuggers read
 * right. The plan is a list of byte patches over a sparse copy of the
 * input; everything not patched is the input, bit for bit. */
#ifndef COREFIX_REWRITE_H
#define COREFIX_REWRITE_H
#include <stdio.h>

#include "model.h"
#include "sparse_copy.h"

struct cf_patch {
	uint64_t offset;        /* in the output file; >= input size means appended */
	size_t len;
	unsigned char *bytes;
	char *what;             /* one line for people (--dry-run) */
};

struct cf_plan {
	struct cf_patch *patch;
	size_t npatch;
	char **note;            /* what changed inside the rebuilt notes */
	size_t nnote;
	uint64_t in_size, out_size;
	bool incomplete;        /* a wanted change was impossible (warnings say which) */
};

/* Warnings (a wanted change impossible) go to D. */
int cf_rewrite_plan(const struct cf_model *m, struct cf_plan *plan, struct cf_diag *d);
void cf_plan_free(struct cf_plan *plan);
void cf_plan_print(FILE *out, const struct cf_model *m, const struct cf_plan *plan, const char *output, bool json);
/* Writes the repaired core to OUTPUT through a temporary file beside it. */
int cf_rewrite_write(const char *core, const char *output, const struct cf_plan *plan, const char *backup,
		     struct cf_diag *d);
/* For a core lldb cannot open (cf_lldb_unreadable): a repaired copy in the
 * cache, into *PATH (caller frees; cf_core_use_copy makes it the core
 * debuggers are given), *REUSED when an earlier run made it. Warnings of
 * rewrite's plan go to D. -1 with the reason in ERR when none can be made. */
int cf_lldb_repaired_core(const struct cf_model *m, const char *cache_dir, struct cf_diag *d, char **path,
			  bool *reused_out, char *err, size_t errlen);

#endif
