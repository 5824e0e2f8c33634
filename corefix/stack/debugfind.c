/* Where libdwfl's standard search (dwfl_standard_find_debuginfo) could
 * find a module's separate debug info, found by looking, not by asking
 * libdwfl: asking has effects. libdwfl keeps the debug file it opened for
 * the module, and elfutils 0.188 loads libdebuginfod (with libcurl and
 * two dozen libraries: 5 to 30 ms) each time the search comes back empty,
 * even when DEBUGINFOD_URLS is unset and nothing can be fetched.
 *
 * The list is a superset of what libdwfl tries for a module's own debug
 * file (build-id under each absolute folder of the path; the debuglink
 * name, or NAME.debug and NAME, beside the file, under each relative
 * folder, and under each absolute folder followed by every tail of the
 * file's folder; the same again for the file's real path): when none of
 * them exists, libdwfl finds nothing either. */
#include "debugfind.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "elfimage.h"

struct walk {
	bool (*fn)(const char *path, const struct stat *st, void *arg);
	void *arg;
	bool stop;
};

static void look(struct walk *w, char *path)
{
	struct stat st;
	if (!w->stop && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		w->stop = w->fn(path, &st, w->arg);
	free(path);
}

static void by_name(struct walk *w, const char *entry, const char *file, const char *const *names, size_t nn)
{
	const char *slash = strrchr(file, '/');
	char *dir = slash ? cf_xstrndup(file, (size_t)(slash - file)) : cf_xstrdup(".");
	for (size_t k = 0; k < nn; k++) {
		/* Beside the file only the debug name: the last name is the file's own. */
		if (entry[0] == 0 && k + 1 == nn && nn > 1) {
			continue;
		} else if (entry[0] == 0) {
			look(w, cf_xasprintf("%s/%s", dir, names[k]));
		} else if (entry[0] != '/') {
			look(w, cf_xasprintf("%s/%s/%s", dir, entry, names[k]));
		} else if (dir[0] == '/') {
			/* ENTRY/a/b/c/NAME, ENTRY/b/c/NAME, ENTRY/c/NAME, ENTRY/NAME. */
			for (const char *tail = dir; tail; tail = strchr(tail + 1, '/'))
				look(w, cf_xasprintf("%s%s/%s", entry, tail, names[k]));
			look(w, cf_xasprintf("%s/%s", entry, names[k]));
		}
	}
	free(dir);
}

void cf_debug_candidates(const char *search_path, const unsigned char *bid, size_t len, const char *file,
			 const char *debuglink, bool (*fn)(const char *path, const struct stat *st, void *arg),
			 void *arg)
{
	struct walk w = {fn, arg, false};
	char *copy = cf_xstrdup(search_path ? search_path : ":.debug:/usr/lib/debug");
	char *p = copy;
	if (*p == '-' || *p == '+')
		p++;
	char hex[2 * CF_BUILDID_MAX + 1];
	if (len)
		cf_hex(bid, len, hex);
	char *real = file ? realpath(file, NULL) : NULL;
	const char *base = file ? strrchr(file, '/') : NULL;
	base = base ? base + 1 : file;
	char *dotdebug = base ? cf_xasprintf("%s.debug", base) : NULL;
	const char *names[3];
	size_t nn = 0;
	if (debuglink)
		names[nn++] = debuglink;
	if (dotdebug)
		names[nn++] = dotdebug;
	if (base)
		names[nn++] = base;
	for (char *e; (e = strsep(&p, ":")) != NULL && !w.stop;) {
		if (*e == '-' || *e == '+')
			e++;
		if (len > 1 && e[0] == '/')
			look(&w, cf_xasprintf("%s/.build-id/%.2s/%s.debug", e, hex, hex + 2));
		if (file)
			by_name(&w, e, file, names, nn);
		if (real && file && strcmp(real, file) != 0)
			by_name(&w, e, real, names, nn);
	}
	free(dotdebug);
	free(real);
	free(copy);
}
