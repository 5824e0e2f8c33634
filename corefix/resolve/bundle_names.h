/* Names inside a bundle: the writer (commands/bundle.c) stores each
 * module's file under the name given here, and the resolver of an
 * unpacked bundle finds it by the same name. */
#ifndef COREFIX_BUNDLE_NAMES_H
#define COREFIX_BUNDLE_NAMES_H
#include <stdbool.h>
#include <stddef.h>

#define CF_BUNDLE_SCHEMA "corefix/bundle/1"
#define CF_BUNDLE_MANIFEST "manifest.json"
#define CF_BUNDLE_CORE "core"

/* The member holding the file of a module recorded as NAME (VDSO: the
 * vDSO), build-id BID: "files/KEY/BASE", KEY the build-id the
 * core recorded (else "name-" and a hash of the recorded name), BASE the
 * recorded base name with anything but [A-Za-z0-9._+-] made '_'. Every
 * member name is therefore plain ASCII that no debugger parser bends.
 * NULL for a module no file can stand for (vDSO, "[…]" or empty name
 * without a build-id). Caller frees. */
char *cf_bundle_member_name(const char *name, bool deleted, bool vdso, const unsigned char *bid, size_t bidlen);
/* "debug/.build-id/xx/yyyy.debug" for the build-id BID: the layout gdb,
 * lldb and libdwfl search under a debug folder. Caller frees. */
char *cf_bundle_debug_member(const unsigned char *bid, size_t len);
/* The folder of CORE when CORE sits in an unpacked bundle (a manifest.json
 * of schema corefix/bundle/1 beside it), else NULL. Caller frees. */
char *cf_bundle_dir(const char *core);

#endif
