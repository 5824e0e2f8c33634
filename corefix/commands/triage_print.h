/* A triage's groups rendered for people and machines. */
#ifndef COREFIX_TRIAGE_PRINT_H
#define COREFIX_TRIAGE_PRINT_H
#include <stdio.h>

#include "triage_options.h"
#include "triage_report.h"

/* Sorts the groups (new first, then most cores) and prints them; writes
 * the HTML page too when O asks for it (-1 when that fails). */
int cf_triage_print(FILE *out, struct cf_triage_report *r, const struct cf_triage_options *o);

#endif
