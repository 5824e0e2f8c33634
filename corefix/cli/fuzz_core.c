/* libFuzzer harness: any byte string as a core, through the whole reader
 * and model, the JSON and explain emitters, the rewrite planner and the
 * thread-state reader (our note-only core, parsed by elfutils' backends).
 * Build with the "fuzz" preset; see README ("Fuzzing"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "emit.h"
#include "model.h"
#include "rewrite.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	struct cf_model m;
	memset(&m, 0, sizeof m);
	struct cf_options opt = {0};
	struct cf_resolver *res = cf_resolver_new(&opt);
	if (cf_core_open_mem(&m.core, "fuzz.core", copy, size, &m.diag) == 0 && cf_model_from_core(&m, res) == 0) {
		FILE *null = fopen("/dev/null", "w");
		cf_emit_modules_json(null, &m, NULL);
		cf_emit_modules_text(null, &m, false);
		cf_emit_explain(null, &m);
		struct cf_plan plan;
		cf_rewrite_plan(&m, &plan, &m.diag);
		cf_plan_print(null, &m, &plan, "out", true);
		cf_plan_free(&plan);
		char why[256];
		free(cf_regs_read(&m, why, sizeof why));
		fclose(null);
	}
	cf_model_free(&m);
	cf_resolver_free(res);
	free(copy);
	return 0;
}
