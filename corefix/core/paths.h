/* Names of files: as a core records them, and as we make them. */
#ifndef COREFIX_PATHS_H
#define COREFIX_PATHS_H
#include <stdbool.h>

/* The part of P after its last '/'. */
const char *cf_base_name(const char *p);
/* The folder of P ("." for a bare name). Caller frees. */
char *cf_dir_name(const char *p);
/* P made absolute against the current folder (no symlinks resolved). Caller frees. */
char *cf_path_absolute(const char *p);
/* False for a recorded name that is no file to open: /proc/… and /dev/…
 * (a link_map's /proc/self/fd/N is the reader's own descriptor, not the
 * crashed process's), a memfd's /memfd:NAME. Found by build-id instead. */
bool cf_name_is_file(const char *name);
/* gdb's gcore copies NT_FILE names from /proc/PID/maps, where the kernel
 * writes a newline in a path as "\012": NAME with such escapes undone,
 * NULL when it has none. Caller frees. */
char *cf_maps_unescape(const char *name);

#endif
