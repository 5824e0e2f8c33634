/* `corefix triage`: many cores grouped by crash signature. */
#ifndef COREFIX_TRIAGE_H
#define COREFIX_TRIAGE_H
#include <stdio.h>

#include "backtrace.h"

enum cf_triage_format { CF_TRIAGE_TABLE, CF_TRIAGE_JSON, CF_TRIAGE_MARKDOWN };

struct cf_triage_options {
	const struct cf_options *opt;
	const struct cf_bt_options *bt;
	const char *rules_dir;
	size_t frames;
	enum cf_triage_format format;
	bool quiet;
};

struct cf_rules {
	char **pat[3];  /* sentinel, skip, fold */
	size_t n[3];
};
enum { CF_RULE_SENTINEL, CF_RULE_SKIP, CF_RULE_FOLD };

int cf_rules_load(struct cf_rules *r, const char *dir, char *err, size_t errlen);
void cf_rules_free(struct cf_rules *r);
/* The signature of BT's crash; its frames into *FRAMES (caller frees). */
char *cf_signature(const struct cf_backtrace *bt, const struct cf_rules *r, size_t nframes, char ***frames,
		   size_t *nout);

/* Returns the exit status (0 all read, 1 some unreadable, 2 none, 3 no core found). */
int cf_triage(FILE *out, const char *const *inputs, size_t n, const struct cf_triage_options *o);

#endif
