/* Whether a file is the build a module's core recorded, and taking it as
 * the module's file. */
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "wanted.h"

bool cf_wanted_same_build(const struct cf_wanted *w, const struct cf_elfinfo *file)
{
	/* Without a build-id, the core's copy of the headers must still
	 * describe FILE: another program is never taken for this one. */
	if (!w->bid_core_len)
		return !w->header_in_core || cf_elf_layout(file) == w->layout_core;
	return file->buildid_len == w->bid_core_len && memcmp(file->buildid, w->bid_core, file->buildid_len) == 0;
}

void cf_wanted_take(struct cf_wanted *w, const char *path, const char *how, const struct cf_elfinfo *info)
{
	bool match = cf_wanted_same_build(w, info);
	if (w->path && !match)
		return;
	free(w->path);
	w->path = cf_path_absolute(path);
	w->path_how = how;
	w->path_dev = info->dev;
	w->path_ino = info->ino;
	memcpy(w->bid_file, info->buildid, info->buildid_len);
	w->bid_file_len = info->buildid_len;
	w->bid_mismatch = !match;
	w->not_elf = false;
}
