/* Making untrusted paths safe for gdb's command parser. */
#ifndef COREFIX_QUOTE_H
#define COREFIX_QUOTE_H
#include <stdbool.h>
#include <stddef.h>

/* No byte that ends or bends a gdb command line (control characters). */
bool cf_gdb_safe(const char *s);
/* A path as one argument of add-symbol-file/file (gdb_buildargv rules):
 * double-quoted, with backslash before '"' and '\'. Caller frees. */
char *cf_gdb_quote(const char *s);
/* core-file takes the rest of the line literally: only absolute, safe paths
 * without trailing blanks pass through unchanged. */
bool cf_gdb_literal_ok(const char *s);
/* Text for a '#' comment: control characters shown as \n, \xNN. Caller frees. */
char *cf_comment_text(const char *s);
/* S reaches a JSON reader byte for byte: no control characters, and
 * strict UTF-8 (what Python's decoder accepts); anything else is lossy. */
bool cf_plain_text(const char *s);
/* An entry of gdb's debug-file-directory: absolute, safe, no ':' (the list
 * separator), no blank before '~' (gdb tilde-expands there), no trailing
 * blank (gdb strips it). */
bool cf_gdb_dir_ok(const char *s);
/* S inside a gdb printf/eval format string: '\' and '"' escaped, '%'
 * doubled. S must be cf_gdb_safe. Caller frees. */
char *cf_gdb_format_escape(const char *s);

/* lldb 14's parser: every backtick pair on a line is evaluated as an
 * expression before the line is split (quotes do not stop it, a
 * backslash before the backtick does); inside double quotes only '\',
 * '"' and '`' take a backslash ("\$" keeps it). A path lldb reads back
 * exactly: absolute (no option look-alike), strict UTF-8, no control
 * characters. */
bool cf_lldb_ok(const char *s);
/* S double-quoted for lldb, with '\', '"' and '`' backslashed. Caller frees. */
char *cf_lldb_quote(const char *s);

/* A symlink to TARGET under the per-user cache folder (CACHE_DIR, else
 * $XDG_CACHE_HOME/corefix/alias, else ~/.cache/corefix/alias), named from
 * ID (build-id hex, or a hash of TARGET when NULL). Returns the link path
 * or NULL with a reason in ERR. Caller frees. */
char *cf_alias(const char *cache_dir, const char *target, const char *id, char *err, size_t errlen);

#endif
