/* Outputs: each reads the finished model and writes one format. */
#ifndef COREFIX_EMIT_H
#define COREFIX_EMIT_H
#include <stdio.h>

#include "model.h"

struct cf_emit_opts {
	const char *cache_dir;  /* where safe aliases go (NULL: per-user cache) */
	const char *const *debug_dirs;  /* --debug-dir, for the gdb script */
	size_t ndebug;
	bool force;
};

/* 1 when a --debug-dir could not be written (a warning in D says which). */
int cf_emit_gdb(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo, struct cf_diag *d);
/* The lldb command file (lldb -b -s FILE). 1 when lldb cannot use it: the
 * core cannot be named to lldb, or lldb 14 cannot read it (a warning in D
 * says why). */
int cf_emit_lldb(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo, struct cf_diag *d);
/* Why lldb 14 cannot open M's core as written, or NULL. */
const char *cf_lldb_unreadable(const struct cf_model *m);
int cf_emit_modules_text(FILE *out, const struct cf_model *m, bool force);
/* EO NULL: no --force, and no aliases made (load_path stays null for a
 * path that is not plain text). */
int cf_emit_modules_json(FILE *out, const struct cf_model *m, const struct cf_emit_opts *eo);
int cf_emit_explain(FILE *out, const struct cf_model *m);

struct cf_backtrace;
struct cf_frame;
int cf_emit_backtrace_text(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt);
int cf_emit_backtrace_json(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt);
/* DIGITS: the pc's width, as gdb prints it (16 for 64-bit cores, 8 for 32). */
void cf_emit_frame_text(FILE *out, size_t index, const struct cf_frame *f, int digits);
void cf_emit_frame_json(FILE *out, size_t index, const struct cf_frame *f);

/* Shared vocabulary of the emitters. */
const char *cf_role_name(enum cf_role r);
/* "NT_FILE+link_map" style names of a CF_SRC_* set, into BUF. */
const char *cf_sources_text(unsigned src, char *buf, size_t len);
const char *cf_machine_name(unsigned machine);
/* The signed bias as gdb's -o takes it and JSON shows it: 0x… or -0x…. */
void cf_bias_text(const struct cf_model *m, const struct cf_module *mod, char *buf, size_t len);
const char *cf_module_status(const struct cf_module *mod, bool force);
/* A CF_SRC_* set as a JSON array of names. */
void cf_json_sources(FILE *out, unsigned src);
/* An address as a JSON hex string, or null when HAVE is false. */
void cf_json_addr(FILE *out, bool have, uint64_t v);
/* MOD's bias as a JSON string (cf_bias_text); null when unknown. */
void cf_json_bias(FILE *out, const struct cf_model *m, const struct cf_module *mod);
/* A build-id as a JSON hex string; null when there is none. */
void cf_json_buildid(FILE *out, const unsigned char *b, size_t n);
/* The '#' lines a debugger script opens with: what it is and how to run it
 * (TOOL, RUN), the core, its compression, a loader run as a command, KM. */
void cf_script_preamble(FILE *out, const struct cf_model *m, const char *tool, const char *run);
/* S as a JSON string; NULL as null. */
void cf_json_string(FILE *out, const char *s);
/* A name of the file PATH (build-id BID) for a debugger's command line:
 * PATH itself when OK(PATH), else a symlink to it under the cache folder
 * named by build-id (never made when EO is NULL). NULL with the reason in
 * ERR when neither passes OK; *ALIASED says which came back. Caller frees. */
char *cf_usable_path(const char *path, const unsigned char *bid, size_t bidlen, const struct cf_emit_opts *eo,
		     bool (*ok)(const char *), bool *aliased, char *err, size_t errlen);

/* Compressed cores (emit_coredump.c). The core file a debugger script
 * names: the plain copy of a compressed core, else the core itself. */
const char *cf_debugger_core(const struct cf_model *m);
/* '#' comment lines saying the core is compressed and which copy is
 * used; nothing for a plain core. */
void cf_comment_compressed(FILE *out, const struct cf_model *m);
/* systemd-coredump's attributes (user.coredump.*) as a JSON object with
 * keys exe, comm, pid, signal, timestamp, hostname in this order, or null. */
void cf_json_coredump(FILE *out, const struct cf_model *m);
/* The compression and those attributes, one sentence each, for explain. */
void cf_text_coredump(FILE *out, const struct cf_model *m);

#endif
