/* libdwfl's debug-info search (debuginfo.c), shared by the per-core and
 * the run-wide Dwfl. */
#ifndef COREFIX_DEBUGINFO_H
#define COREFIX_DEBUGINFO_H
#include <elfutils/libdwfl.h>

#include "bt_options.h"

/* The debug-info search path of options O (caller frees). */
char *cf_debuginfo_path(const struct cf_bt_options *o);
/* libdwfl callbacks that search it (and debuginfod when it is set). */
void cf_dwfl_callbacks(Dwfl_Callbacks *cb, char **debuginfo_path);
/* Tells those callbacks MOD's search path (its user data), so that a
 * search that can find nothing is not made (debugfind.h). */
void cf_dwfl_search_path(Dwfl_Module *mod, char *debuginfo_path);
/* libdwfl's standard search (unless debugfind.c sees nothing it could
 * find), then debuginfod by build-id. */
int cf_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base, const char *file_name,
		      const char *debuglink_file, GElf_Word debuglink_crc, char **debuginfo_file_name);

#endif
