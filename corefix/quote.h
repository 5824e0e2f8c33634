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

/* A symlink to TARGET under the per-user cache folder (CACHE_DIR, else
 * $XDG_CACHE_HOME/corefix/alias, else ~/.cache/corefix/alias), named from
 * ID (build-id hex, or a hash of TARGET when NULL). Returns the link path
 * or NULL with a reason in ERR. Caller frees. */
char *cf_alias(const char *cache_dir, const char *target, const char *id, char *err, size_t errlen);

#endif
