/* libarchive, loaded on first use by `corefix bundle`. Linked in, it would
 * bring libxml2, ICU and libstdc++ into every start of corefix (issue 11
 * made corefix load such libraries only when a command needs them). The
 * prototypes come from <archive.h> through __typeof__, so the compiler
 * still checks every call. */
#ifndef COREFIX_ARCHIVE_LIB_H
#define COREFIX_ARCHIVE_LIB_H
#include <archive.h>
#include <archive_entry.h>
#include <stddef.h>

struct cf_archive_lib {
	__typeof__(archive_error_string) *error_string;
	__typeof__(archive_write_new) *write_new;
	__typeof__(archive_write_set_format_pax_restricted) *write_set_format_pax_restricted;
	__typeof__(archive_write_add_filter_zstd) *write_add_filter_zstd;
	__typeof__(archive_write_set_filter_option) *write_set_filter_option;
	__typeof__(archive_write_open_fd) *write_open_fd;
	__typeof__(archive_write_header) *write_header;
	__typeof__(archive_write_data) *write_data;
	__typeof__(archive_write_close) *write_close;
	__typeof__(archive_write_free) *write_free;
	__typeof__(archive_read_new) *read_new;
	__typeof__(archive_read_support_filter_zstd) *read_support_filter_zstd;
	__typeof__(archive_read_support_format_tar) *read_support_format_tar;
	__typeof__(archive_read_open_filename) *read_open_filename;
	__typeof__(archive_read_next_header) *read_next_header;
	__typeof__(archive_read_data_block) *read_data_block;
	__typeof__(archive_read_free) *read_free;
	__typeof__(archive_entry_new) *entry_new;
	__typeof__(archive_entry_free) *entry_free;
	__typeof__(archive_entry_set_pathname) *entry_set_pathname;
	__typeof__(archive_entry_set_filetype) *entry_set_filetype;
	__typeof__(archive_entry_set_perm) *entry_set_perm;
	__typeof__(archive_entry_set_size) *entry_set_size;
	__typeof__(archive_entry_set_mtime) *entry_set_mtime;
	__typeof__(archive_entry_sparse_add_entry) *entry_sparse_add_entry;
	__typeof__(archive_entry_pathname) *entry_pathname;
	__typeof__(archive_entry_hardlink) *entry_hardlink;
	__typeof__(archive_entry_symlink) *entry_symlink;
	__typeof__(archive_entry_filetype) *entry_filetype;
	__typeof__(archive_entry_size) *entry_size;
	__typeof__(archive_entry_perm) *entry_perm;
	__typeof__(archive_entry_mtime) *entry_mtime;
	__typeof__(archive_entry_sparse_reset) *entry_sparse_reset;
	__typeof__(archive_entry_sparse_next) *entry_sparse_next;
};

/* The library, or NULL with the reason in WHY ("libarchive.so.13: cannot
 * open shared object file…"). Loaded once, never unloaded. */
const struct cf_archive_lib *cf_archive_lib(char *why, size_t len);

#endif
