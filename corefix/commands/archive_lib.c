/* Loading libarchive for `corefix bundle` (see archive_lib.h for why it
 * is not linked). */
#define _GNU_SOURCE
#include "archive_lib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>

/* The soname, not libarchive.so: only the -dev package has that. */
#define LIBARCHIVE "libarchive.so.13"

const struct cf_archive_lib *cf_archive_lib(char *why, size_t len)
{
	static struct cf_archive_lib lib;
	static bool tried, ok;
	static char reason[256];
	if (!tried) {
		tried = true;
		void *h = dlopen(LIBARCHIVE, RTLD_NOW | RTLD_LOCAL);
		ok = h != NULL;
		if (!h)
			snprintf(reason, sizeof reason, "%s", dlerror());
#define SYM(field, name)                                                                                              \
	if (ok && !(lib.field = (__typeof__(lib.field))dlsym(h, #name))) {                                             \
		snprintf(reason, sizeof reason, LIBARCHIVE " has no %s", #name);                                       \
		ok = false;                                                                                            \
	}
		SYM(error_string, archive_error_string)
		SYM(write_new, archive_write_new)
		SYM(write_set_format_pax_restricted, archive_write_set_format_pax_restricted)
		SYM(write_add_filter_zstd, archive_write_add_filter_zstd)
		SYM(write_set_filter_option, archive_write_set_filter_option)
		SYM(write_open_fd, archive_write_open_fd)
		SYM(write_header, archive_write_header)
		SYM(write_data, archive_write_data)
		SYM(write_close, archive_write_close)
		SYM(write_free, archive_write_free)
		SYM(read_new, archive_read_new)
		SYM(read_support_filter_zstd, archive_read_support_filter_zstd)
		SYM(read_support_format_tar, archive_read_support_format_tar)
		SYM(read_open_filename, archive_read_open_filename)
		SYM(read_next_header, archive_read_next_header)
		SYM(read_data_block, archive_read_data_block)
		SYM(read_free, archive_read_free)
		SYM(entry_new, archive_entry_new)
		SYM(entry_free, archive_entry_free)
		SYM(entry_set_pathname, archive_entry_set_pathname)
		SYM(entry_set_filetype, archive_entry_set_filetype)
		SYM(entry_set_perm, archive_entry_set_perm)
		SYM(entry_set_size, archive_entry_set_size)
		SYM(entry_set_mtime, archive_entry_set_mtime)
		SYM(entry_sparse_add_entry, archive_entry_sparse_add_entry)
		SYM(entry_pathname, archive_entry_pathname)
		SYM(entry_hardlink, archive_entry_hardlink)
		SYM(entry_symlink, archive_entry_symlink)
		SYM(entry_filetype, archive_entry_filetype)
		SYM(entry_size, archive_entry_size)
		SYM(entry_perm, archive_entry_perm)
		SYM(entry_mtime, archive_entry_mtime)
		SYM(entry_sparse_reset, archive_entry_sparse_reset)
		SYM(entry_sparse_next, archive_entry_sparse_next)
#undef SYM
	}
	if (!ok)
		snprintf(why, len, "%s", reason);
	return ok ? &lib : NULL;
}
