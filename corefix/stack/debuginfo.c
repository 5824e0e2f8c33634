/* Where libdwfl finds separate debug info for both the per-core Dwfl
 * (symbolize.c) and the run-wide one (symcache.c): the standard places,
 * --debug-dir folders, and debuginfod when the user set it. */
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "debugfind.h"
#include "debuginfo.h"
#include "debuginfod.h"
#include "diag.h"

static bool found_one(const char *path, const struct stat *st, void *arg)
{
	(void)path, (void)st;
	return *(bool *)arg = true;
}

int cf_find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base, const char *file_name,
		      const char *debuglink_file, GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	/* Nothing to find and nothing to fetch: libdwfl is not asked, which
	 * would load libdebuginfod all the same (debugfind.c). A dwz file's
	 * search (a debuglink name without CRC) is always libdwfl's. */
	if (!cf_debuginfod_enabled() && (!debuglink_file || debuglink_crc) && *userdata) {
		const unsigned char *bid;
		GElf_Addr va;
		int n = dwfl_module_build_id(mod, &bid, &va);
		bool any = false;
		cf_debug_candidates(*userdata, bid, n > 0 ? (size_t)n : 0, file_name, debuglink_file, found_one,
				    &any);
		if (!any)
			return -1;
	}
	int fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file, debuglink_crc,
					      debuginfo_file_name);
	if (fd >= 0)
		return fd;
	/* Only when the user asked for it: no network otherwise, never a wait. */
	const unsigned char *id;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &id, &vaddr);
	char err[256];
	if (len <= 0 || !cf_debuginfod_enabled())
		return -1;
	fd = cf_debuginfod_find(id, (size_t)len, true, debuginfo_file_name, modname, true, err, sizeof err);
	return fd >= 0 ? fd : -1;
}

char *cf_debuginfo_path(const struct cf_bt_options *o)
{
	size_t len = 64;
	for (size_t i = 0; i < o->ndebug; i++)
		len += strlen(o->debug_dirs[i]) + 1;
	char *p = cf_xmalloc(len);
	strcpy(p, "-:.debug:/usr/lib/debug");
	for (size_t i = 0; i < o->ndebug; i++) {
		strcat(p, ":");
		strcat(p, o->debug_dirs[i]);
	}
	return p;
}

void cf_dwfl_callbacks(Dwfl_Callbacks *cb, char **debuginfo_path)
{
	*cb = (Dwfl_Callbacks){
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = cf_find_debuginfo,
		.debuginfo_path = debuginfo_path,
	};
}

void cf_dwfl_search_path(Dwfl_Module *mod, char *debuginfo_path)
{
	void **ud;
	if (mod && dwfl_module_info(mod, &ud, NULL, NULL, NULL, NULL, NULL, NULL))
		*ud = debuginfo_path;
}
