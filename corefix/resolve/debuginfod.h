/* Files by build-id from the debuginfod servers DEBUGINFOD_URLS names.
 * libdebuginfod (and the libcurl, TLS and DNS stack behind it) is loaded
 * with dlopen only when a lookup is actually needed: every corefix run
 * would otherwise pay for it at start-up, and a machine without it still
 * runs corefix. */
#ifndef COREFIX_DEBUGINFOD_H
#define COREFIX_DEBUGINFOD_H
#include <stdbool.h>
#include <stddef.h>

/* True when DEBUGINFOD_URLS names a server: the user's consent to network
 * lookups. Nothing is ever fetched otherwise. */
bool cf_debuginfod_enabled(void);

/* The executable (DEBUGINFO false) or the separate debug info of build-id
 * ID, from debuginfod's cache ($DEBUGINFOD_CACHE_PATH, else
 * ~/.cache/debuginfod_client), downloaded into it when needed. LABEL names
 * the file in the progress line on stderr (a line that updates while a
 * download runs, when stderr is a terminal, then one final line; none when
 * QUIET; a failure other than -ENOENT is left for the caller to report).
 * Returns an open fd (caller closes) with *PATH set (caller frees),
 * or a negative errno with a reason in ERR: -ENOENT no server has it,
 * -ENOSYS libdebuginfod cannot be loaded or DEBUGINFOD_URLS is unset. */
int cf_debuginfod_find(const unsigned char *id, size_t len, bool debuginfo, char **path, const char *label,
		       bool quiet, char *err, size_t errlen);

#endif
