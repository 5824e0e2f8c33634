/* What a backtrace is asked for: the unwinder, how deep, where debug info
 * and the symbol caches are. Below every stage of stack/ that reads it
 * (the debug-info search, the symbol caches, the symbolizer, the
 * backtrace), so each takes the options as they are given. */
#ifndef COREFIX_BT_OPTIONS_H
#define COREFIX_BT_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>

struct cf_symcache;

struct cf_bt_options {
	const char *unwinder;           /* "dwfl" (default) or "libunwind" */
	size_t max_frames;
	const char **debug_dirs;
	size_t ndebug;
	/* Symbol facts kept across the cores of one run (symcache.h); NULL:
	 * cf_backtrace_build keeps its own for the one core. */
	struct cf_symcache *cache;
	/* Symbol facts kept between runs (symstore.h): under CACHE_DIR/symbols
	 * (NULL: the per-user cache), none with NO_CACHE. */
	const char *cache_dir;
	bool no_cache;
};

#endif
