/* The outputs a triage names, checked against what it reads. */
#include "triage_options.h"

int cf_triage_open_outputs(struct cf_output *out, const char *output, struct cf_reads *reads,
			   const struct cf_triage_options *o)
{
	cf_reads_add(reads, o->baseline, "the baseline");
	if (o->html && cf_output_check(o->html, reads) != 0)
		return -1;
	return cf_output_open(out, output, reads);
}
