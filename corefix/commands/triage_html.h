/* `triage --html FILE`: the report as one self-contained page. */
#ifndef COREFIX_TRIAGE_HTML_H
#define COREFIX_TRIAGE_HTML_H
#include <stddef.h>

#include "triage_report.h"

/* Writes PATH through a temporary file beside it; -1 with the reason in ERR. */
int cf_triage_html(const char *path, const struct cf_triage_report *r, char *err, size_t errlen);

#endif
