/* Outputs: each reads the finished model and writes one format. */
#ifndef COREFIX_EMIT_H
#define COREFIX_EMIT_H
#include <stdio.h>

#include "model.h"

struct cf_emit_opts {
	const char *cache_dir;  /* where safe aliases go (NULL: per-user cache) */
	bool force;
};

int cf_emit_gdb(FILE *out, struct cf_model *m, const struct cf_emit_opts *eo);
int cf_emit_modules_text(FILE *out, const struct cf_model *m, bool force);
int cf_emit_modules_json(FILE *out, const struct cf_model *m, bool force);
int cf_emit_explain(FILE *out, const struct cf_model *m);

struct cf_backtrace;
struct cf_frame;
int cf_emit_backtrace_text(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt);
int cf_emit_backtrace_json(FILE *out, const struct cf_model *m, const struct cf_backtrace *bt);
void cf_emit_frame_text(FILE *out, size_t index, const struct cf_frame *f);
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
/* S as a JSON string; NULL as null. */
void cf_json_string(FILE *out, const char *s);

#endif
