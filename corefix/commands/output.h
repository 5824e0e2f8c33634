/* The files a command writes. Cores are often impossible to reproduce, so
 * no writer may replace a file its own run reads (the core, EXE, a module,
 * a rules file, a report to merge): every output path is checked here,
 * through symlinks and hard links (same device and inode), before anything
 * is written. */
#ifndef COREFIX_OUTPUT_H
#define COREFIX_OUTPUT_H
#include <stdbool.h>
#include <stdio.h>

#include "model.h"

struct cf_read_file {
	char *path;
	const char *what;       /* "the input core", "the program", … */
};
struct cf_reads {
	struct cf_read_file *v;
	size_t n;
};

/* PATH (copied) is read by this run as WHAT; NULL PATH is ignored. */
void cf_reads_add(struct cf_reads *r, const char *path, const char *what);
/* The core, EXE and every module file (and fetched debug file) of M. */
void cf_reads_add_model(struct cf_reads *r, const struct cf_model *m, const char *exe);
void cf_reads_free(struct cf_reads *r);

/* 0 when OUT (NULL or "-": standard output) is none of R's files; an OUT
 * that does not exist yet is none. Else one line on stderr, `corefix: OUT:
 * is WHAT PATH; refusing to overwrite it`, and -1 (the caller exits 2). */
int cf_output_check(const char *out, const struct cf_reads *r);

/* Text output: to a temporary file beside PATH, renamed into place by
 * cf_output_close, so a reader never sees half a script. */
struct cf_output {
	const char *path;       /* NULL: standard output */
	char *tmp;
	FILE *f;
};
/* Checks PATH against R first; -1 (message printed) when refused or not
 * creatable. */
int cf_output_open(struct cf_output *o, const char *path, const struct cf_reads *r);
/* Renames the file into place (KEEP) or removes it; -1 (message printed)
 * on a write error. */
int cf_output_close(struct cf_output *o, bool keep);

#endif
