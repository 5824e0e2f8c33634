/* A crash's signature: its signal and the frames that say where it
 * happened, after the rules (sentinel, skip, fold) drop the rest. Triage
 * groups cores by it. */
#ifndef COREFIX_SIGNATURE_H
#define COREFIX_SIGNATURE_H
#include <stddef.h>

#include "frame.h"

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

#endif
