/* corefix's command line: the commands, the options each takes, and the
 * options every command takes, in tables (cli_options.c). Options may come
 * before the command word, as with git: `corefix -q modules CORE`. */
#ifndef COREFIX_CLI_OPTIONS_H
#define COREFIX_CLI_OPTIONS_H
#include <stdbool.h>
#include <stdint.h>

#include "backtrace.h"
#include "model.h"

enum cf_command { CF_CMD_GDB, CF_CMD_LLDB, CF_CMD_MODULES, CF_CMD_EXPLAIN, CF_CMD_BACKTRACE, CF_CMD_TRIAGE,
		  CF_CMD_REWRITE, CF_CMD_BUNDLE };

enum { CF_EXIT_COMPLETE = 0, CF_EXIT_PARTIAL = 1, CF_EXIT_BAD = 2 };

struct cf_args {
	enum cf_command cmd;
	bool json, markdown, quiet, dry_run, in_place, merge;
	bool extract;           /* bundle --extract */
	const char *extract_dir;
	uint64_t max_size;
	const char *core, *output, *cache_dir, *expect_frame, *rules, *backup;
	struct cf_options opt;
	struct cf_bt_options bt;
	size_t sig_frames;
	char **inputs;          /* triage */
	size_t ninputs;
	const char *baseline, *html;    /* triage */
	bool fail_on_new;
	size_t timeout;
};

/* Fills A from ARGV. Returns -1 when the command is to run; otherwise the
 * exit status, after printing help or the version (0) or one line saying
 * what is wrong (2). Frees what it allocated in A on that path too. */
int cf_args_parse(int argc, char **argv, struct cf_args *a);
void cf_args_free(struct cf_args *a);

#endif
