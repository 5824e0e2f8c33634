/* Where a module's separate debug info could be (debugfind.c). */
#ifndef COREFIX_DEBUGFIND_H
#define COREFIX_DEBUGFIND_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Calls FN for each existing regular file among the places libdwfl's
 * standard search, over SEARCH_PATH (its debuginfo_path), could take as the
 * separate debug file of FILE (build-id BID, .gnu_debuglink DEBUGLINK or
 * NULL), until FN returns true. A superset: no call means libdwfl finds
 * nothing. */
void cf_debug_candidates(const char *search_path, const unsigned char *bid, size_t len, const char *file,
			 const char *debuglink, bool (*fn)(const char *path, const struct stat *st, void *arg),
			 void *arg);

#endif
