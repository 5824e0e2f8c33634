/* corefix's command line: one table of options per command and one of the
 * options every command takes. Options may stand before the command word
 * (`corefix -q modules CORE`, as with git); an option of another command
 * is refused with one line naming both. */
#include "cli_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quote.h"

#ifndef COREFIX_VERSION
#define COREFIX_VERSION "0.1"
#endif

static const char usage_text[] =
	"Usage: corefix [gdb] [OPTION]... CORE [EXE]\n"
	"       corefix lldb [OPTION]... CORE [EXE]\n"
	"       corefix modules [--json] [OPTION]... CORE [EXE]\n"
	"       corefix explain [OPTION]... CORE [EXE]\n"
	"       corefix backtrace [--json] [--unwinder=dwfl|libunwind] [OPTION]... CORE [EXE]\n"
	"       corefix triage [--json|--markdown] [--html FILE] [--baseline REPORT [--fail-on-new]]\n"
	"                      [OPTION]... CORE|DIR...\n"
	"       corefix triage --merge [--json|--markdown] [--html FILE] REPORT.json...\n"
	"       corefix rewrite [--dry-run [--json]] [OPTION]... CORE -o OUT\n"
	"       corefix rewrite --in-place --backup FILE [OPTION]... CORE\n"
	"       corefix bundle [OPTION]... CORE [EXE] -o FILE.tar.zst\n"
	"       corefix bundle --extract [--max-size N] [-C DIR] FILE.tar.zst\n"
	"       corefix help\n"
	"\n"
	"Make a core from a program started by a dynamic loader run as a command\n"
	"(ld.so ./prog, ld-musl ./prog.so, Kontain KM) debuggable: find every module\n"
	"the process mapped, its exact load bias and its file, and say so.\n"
	"\n"
	"Commands:\n"
	"  gdb (default)   print a gdb script that loads the core and every module at\n"
	"                  its bias:  corefix core > cmds.gdb; gdb -batch -x cmds.gdb -ex bt\n"
	"  lldb            print an lldb command file that does the same:\n"
	"                  corefix lldb core > cmds.lldb; lldb -b -s cmds.lldb -o bt\n"
	"  modules         print the module table: path recorded and used, build-ids,\n"
	"                  bias, address range, and where each fact came from\n"
	"  explain         say in words why a debugger alone gets this core wrong\n"
	"  backtrace       every thread's stack, crashing thread first, symbolized\n"
	"                  without gdb (libdwfl; --unwinder=libunwind for the second opinion)\n"
	"  triage          group cores by crash signature: one line per distinct crash\n"
	"  rewrite         write a repaired core that plain gdb, lldb and eu-stack read\n"
	"                  right (the input is never modified)\n"
	"  bundle          write one .tar.zst holding the core, every module's file, their\n"
	"                  debug files, manifest.json and gdb/lldb scripts that work on any\n"
	"                  machine; --extract unpacks one safely (gdb -x DIR/debug.gdb.py)\n"
	"\n"
	"EXE is the real program, when the core's record of it is not enough; it is\n"
	"used only when it is the build the core ran (same build-id or, without one,\n"
	"the same ELF and program headers as the core's copy of its first page).\n"
	"gdb auto-loads libcfrt.so's script, installed under prefix P, once ~/.gdbinit\n"
	"has  add-auto-load-safe-path P/lib  (the Debian package needs nothing).\n"
	"\n"
	"Options may come before or after the command word (corefix -q modules CORE);\n"
	"a command refuses another command's options. No command writes over a file\n"
	"it reads (the core, EXE, a module, a rules file, a report), through links too.\n"
	"\n"
	"Options:\n"
	"  --json                 machine-readable output (schemas corefix/modules/1,\n"
	"                         corefix/backtrace/1, corefix/triage/2, corefix/rewrite/1)\n"
	"  --markdown             triage: a table for a CI job summary\n"
	"  --unwinder NAME        backtrace, triage: dwfl (default) or libunwind\n"
	"  --max-frames N         backtrace, triage: frames per thread at most (default 256)\n"
	"  --expect-frame NAME    backtrace: exit 0 only if the crashing thread has a frame\n"
	"                         whose function matches NAME (a glob), else 1\n"
	"  --debug-dir DIR        look for separate debug info in DIR too (repeatable); the\n"
	"                         gdb script and the gdb bridge put DIR before gdb's own\n"
	"                         debug-file-directory, the lldb file in its search paths\n"
	"  --rules DIR            triage: signature rule files (default: installed rules)\n"
	"  --frames N             triage: frames in a signature (default 3)\n"
	"  --merge                triage: reduce the --json reports of runs over shards of\n"
	"                         the cores (given in shard order) to the report of one run\n"
	"  --baseline FILE        triage: mark each group known or new against FILE, a\n"
	"                         triage --json (or --merge) report, or signatures one a line\n"
	"  --fail-on-new          triage: exit 4 when a group is not in the baseline\n"
	"  --html FILE            triage: also write a self-contained page of the report\n"
	"  --timeout SECONDS      triage: a core's reader is stopped after SECONDS and the\n"
	"                         core reported (default 60)\n"
	"  --dry-run              rewrite: list every change, write nothing\n"
	"  --in-place             rewrite: replace CORE itself (needs --backup)\n"
	"  --backup FILE          rewrite --in-place: keep the original as FILE\n"
	"  --extract              bundle: unpack FILE into a new or empty folder\n"
	"  -C DIR                 bundle --extract: that folder (default: FILE's name\n"
	"                         without .tar.zst)\n"
	"  --max-size N[KMG]      bundle --extract: refuse to write more data than N\n"
	"                         (default: the free space there)\n"
	"  --sysroot DIR          look for absolute paths under DIR first\n"
	"  --path-map OLD=NEW     replace the prefix OLD of recorded paths by NEW (repeatable)\n"
	"  --search DIR           look for modules by file name in DIR, else by build-id\n"
	"                         under DIR (repeatable)\n"
	"  --force                load modules whose build-id differs from the core's\n"
	"  --cache-dir DIR        corefix's cache: DIR/alias for links to files whose paths\n"
	"                         cannot be written into a script, DIR/cores for decompressed\n"
	"                         and repaired cores the scripts name (default\n"
	"                         $XDG_CACHE_HOME/corefix, else ~/.cache/corefix); backtrace,\n"
	"                         triage: DIR/symbols for symbol facts, by build-id, that\n"
	"                         later runs reuse\n"
	"  --no-cache             backtrace, triage: neither read nor write symbol facts\n"
	"  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
	"  -q, --quiet            do not print warnings on standard error\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"Environment:\n"
	"  DEBUGINFOD_URLS        fetch a module whose file is missing or another build from\n"
	"                         these debuginfod servers, by the build-id in the core (and\n"
	"                         its debug info when it has none); backtrace, triage: debug\n"
	"                         info too. Nothing is fetched when it is unset\n"
	"  DEBUGINFOD_CACHE_PATH  where fetched files are kept (~/.cache/debuginfod_client)\n"
	"  XDG_CACHE_HOME, HOME   where corefix's cache is (see --cache-dir)\n"
	"  COREFIX_CACHE_MAX      bound of DIR/symbols, N[KMG] (default 1G); the least\n"
	"                         recently used files go first\n"
	"\n"
	"Exit status (every command but triage):\n"
	"  0  complete: every module was found and placed\n"
	"  1  output written, but incomplete (warnings on stderr say why): a module is\n"
	"     missing, its build-id differs (loaded with --force or not), its bias is\n"
	"     unknown, the core is truncated, or EXE is not the program the core ran\n"
	"  2  nothing written: the core or EXE cannot be used (missing, a folder, not\n"
	"     ELF, not a core, unreadable), an output would overwrite a file the run\n"
	"     reads, a folder given to look in is not there, or bad usage\n"
	"  backtrace --expect-frame: 0 the frame is there, 1 it is not\n"
	"  triage: 0 every core read, 1 some could not be read, 2 none could (or the\n"
	"     above, or the baseline is unusable), 3 no core found, 4 --fail-on-new and\n"
	"     a group is new; when several apply: 3, then 2, then 4, then 1\n";

enum {
	O_JSON = 0x100, O_MARKDOWN, O_UNWINDER, O_MAX_FRAMES, O_EXPECT_FRAME, O_RULES, O_FRAMES, O_MERGE,
	O_BASELINE, O_FAIL_ON_NEW, O_HTML, O_TIMEOUT, O_NO_CACHE,
	O_DRY_RUN, O_IN_PLACE, O_BACKUP, O_EXTRACT, O_MAX_SIZE,
	O_SYSROOT, O_PATH_MAP, O_SEARCH, O_FORCE, O_CACHE_DIR, O_DEBUG_DIR,
};

#define FLAG(name, id) {name, no_argument, NULL, id}
#define VALUE(name, id) {name, required_argument, NULL, id}

/* Every command takes these. */
static const struct option common_opts[] = {
	VALUE("sysroot", O_SYSROOT), VALUE("path-map", O_PATH_MAP), VALUE("search", O_SEARCH),
	FLAG("force", O_FORCE),      VALUE("cache-dir", O_CACHE_DIR), VALUE("debug-dir", O_DEBUG_DIR),
	VALUE("output", 'o'),        FLAG("quiet", 'q'),            FLAG("help", 'h'),
	FLAG("version", 'V'),        {0},
};
static const char common_short[] = "o:qhV";

static const struct option no_opts[] = {{0}};
static const struct option modules_opts[] = {FLAG("json", O_JSON), {0}};
static const struct option backtrace_opts[] = {
	FLAG("json", O_JSON), VALUE("unwinder", O_UNWINDER), VALUE("max-frames", O_MAX_FRAMES),
	VALUE("expect-frame", O_EXPECT_FRAME), FLAG("no-cache", O_NO_CACHE), {0},
};
static const struct option triage_opts[] = {
	FLAG("json", O_JSON),   FLAG("markdown", O_MARKDOWN), VALUE("unwinder", O_UNWINDER),
	VALUE("max-frames", O_MAX_FRAMES), VALUE("rules", O_RULES), VALUE("frames", O_FRAMES),
	FLAG("merge", O_MERGE), VALUE("baseline", O_BASELINE), FLAG("fail-on-new", O_FAIL_ON_NEW),
	VALUE("html", O_HTML), VALUE("timeout", O_TIMEOUT), FLAG("no-cache", O_NO_CACHE), {0},
};
static const struct option rewrite_opts[] = {
	FLAG("json", O_JSON), FLAG("dry-run", O_DRY_RUN), FLAG("in-place", O_IN_PLACE), VALUE("backup", O_BACKUP), {0},
};
static const struct option bundle_opts[] = {FLAG("extract", O_EXTRACT), VALUE("max-size", O_MAX_SIZE), {0}};

static const struct command {
	const char *name;
	enum cf_command cmd;
	const struct option *opts;
	const char *shorts;     /* its short options, as getopt spells them */
} commands[] = {
	{"gdb", CF_CMD_GDB, no_opts, ""},
	{"lldb", CF_CMD_LLDB, no_opts, ""},
	{"modules", CF_CMD_MODULES, modules_opts, ""},
	{"explain", CF_CMD_EXPLAIN, no_opts, ""},
	{"backtrace", CF_CMD_BACKTRACE, backtrace_opts, ""},
	{"triage", CF_CMD_TRIAGE, triage_opts, ""},
	{"rewrite", CF_CMD_REWRITE, rewrite_opts, ""},
	{"bundle", CF_CMD_BUNDLE, bundle_opts, "C:"},
};
enum { NCOMMANDS = sizeof commands / sizeof *commands, MAXOPTS = 64 };

/* One option as given, kept until the command is known. */
struct seen {
	int id;
	char *val;
	const char *name;       /* the long name, or NULL for a short option */
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("corefix: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see corefix --help)\n", stderr);
	return CF_EXIT_BAD;
}

static bool in_table(const struct option *t, const char *shorts, int id)
{
	for (; t->name; t++)
		if (t->val == id)
			return true;
	return id < 0x100 && id > 0 && strchr(shorts, id);
}

/* Every command's and the common options, each name once: what getopt
 * recognizes. */
static size_t all_options(struct option *all, char *shorts, size_t cap)
{
	size_t n = 0;
	strcpy(shorts, ":");
	strcat(shorts, common_short);
	for (const struct option *o = common_opts; o->name; o++)
		all[n++] = *o;
	for (size_t c = 0; c < NCOMMANDS; c++) {
		strcat(shorts, commands[c].shorts);
		for (const struct option *o = commands[c].opts; o->name; o++) {
			size_t k = 0;
			while (k < n && strcmp(all[k].name, o->name))
				k++;
			if (k == n && n + 1 < cap)
				all[n++] = *o;
		}
	}
	all[n] = (struct option){0};
	return n;
}

/* "--json" or "-C", as given. */
static void spell(const struct seen *s, char *buf, size_t len)
{
	if (s->name)
		snprintf(buf, len, "--%s", s->name);
	else
		snprintf(buf, len, "-%c", s->id);
}

static int not_taken(const struct command *cmd, const struct seen *s)
{
	char opt[64], who[128] = "";
	spell(s, opt, sizeof opt);
	for (size_t c = 0; c < NCOMMANDS; c++)
		if (in_table(commands[c].opts, commands[c].shorts, s->id))
			snprintf(who + strlen(who), sizeof who - strlen(who), "%s%s", who[0] ? ", " : "", commands[c].name);
	fprintf(stderr, "corefix: %s does not take %s (it goes with %s; see corefix --help)\n", cmd->name, opt, who);
	return CF_EXIT_BAD;
}

static bool number(const char *s, size_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v == 0 || v > 1000000)
		return false;
	*out = v;
	return true;
}

/* N, NK, NM or NG (powers of 1024), positive. */
static bool size_arg(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = !*end ? 0 : !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : -1;
	if (s[0] < '0' || s[0] > '9' || v == 0 || shift < 0 || v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

/* A folder to look in that is not there is a mistake, not an empty place:
 * said now, instead of a "file not found" hint naming the same option. */
static int need_dir(const char *opt, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "corefix: %s %s: %s\n", opt, dir, strerror(errno));
		return CF_EXIT_BAD;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "corefix: %s %s: not a folder\n", opt, dir);
		return CF_EXIT_BAD;
	}
	return 0;
}

static int apply(struct cf_args *a, const struct seen *s)
{
	char *v = s->val;
	switch (s->id) {
	case O_JSON: a->json = true; break;
	case O_SYSROOT:
		a->opt.sysroot = v;
		return need_dir("--sysroot", v);
	case O_PATH_MAP: {
		char *eq = strchr(v, '=');
		if (!eq || eq == v)
			return usage_error("--path-map wants OLD=NEW, not '%s'", v);
		a->opt.map = cf_xrealloc(a->opt.map, a->opt.nmap + 1, sizeof *a->opt.map);
		*eq = 0;
		a->opt.map[a->opt.nmap++] = (struct cf_pathmap){v, eq + 1};
		break;
	}
	case O_SEARCH:
		a->opt.search = cf_xrealloc(a->opt.search, a->opt.nsearch + 1, sizeof *a->opt.search);
		a->opt.search[a->opt.nsearch++] = v;
		return need_dir("--search", v);
	case O_FORCE: a->opt.force = true; break;
	case O_CACHE_DIR: a->cache_dir = v; break;
	case 'C': a->extract_dir = v; break;
	case O_EXTRACT: a->extract = true; break;
	case O_MAX_SIZE:
		if (!size_arg(v, &a->max_size))
			return usage_error("--max-size wants a positive size (N, NK, NM or NG), not '%s'", v);
		break;
	case 'o': a->output = v; break;
	case 'q': a->quiet = a->opt.quiet = true; break;
	case O_MARKDOWN: a->markdown = true; break;
	case O_UNWINDER:
		if (strcmp(v, "dwfl") && strcmp(v, "libunwind"))
			return usage_error("--unwinder is dwfl or libunwind, not '%s'", v);
		a->bt.unwinder = v;
		break;
	case O_MAX_FRAMES:
		if (!number(v, &a->bt.max_frames))
			return usage_error("--max-frames wants a positive number, not '%s'", v);
		break;
	case O_FRAMES:
		if (!number(v, &a->sig_frames) || a->sig_frames > 32)
			return usage_error("--frames wants a number from 1 to 32, not '%s'", v);
		break;
	case O_EXPECT_FRAME: a->expect_frame = v; break;
	case O_DRY_RUN: a->dry_run = true; break;
	case O_IN_PLACE: a->in_place = true; break;
	case O_BACKUP: a->backup = v; break;
	case O_MERGE: a->merge = true; break;
	case O_BASELINE: a->baseline = v; break;
	case O_FAIL_ON_NEW: a->fail_on_new = true; break;
	case O_NO_CACHE: a->bt.no_cache = true; break;
	case O_HTML: a->html = v; break;
	case O_TIMEOUT:
		if (!number(v, &a->timeout) || a->timeout > 86400)
			return usage_error("--timeout wants seconds from 1 to 86400, not '%s'", v);
		break;
	case O_RULES: a->rules = v; break;
	case O_DEBUG_DIR:
		/* Every consumer (libdwfl's debuginfo_path, gdb's
		 * debug-file-directory) reads a ':'-separated list. */
		if (strchr(v, ':') || !cf_gdb_safe(v))
			return usage_error("--debug-dir: a folder whose name holds %s cannot be searched",
					   "':' or a control character");
		a->bt.debug_dirs = cf_xrealloc(a->bt.debug_dirs, a->bt.ndebug + 1, sizeof *a->bt.debug_dirs);
		a->bt.debug_dirs[a->bt.ndebug++] = v;
		return need_dir("--debug-dir", v);
	}
	return 0;
}

/* What each command needs of its operands and options together. */
static int check_operands(struct cf_args *a, char **ops, int left)
{
	if (a->cmd == CF_CMD_TRIAGE) {
		if (left < 1)
			return usage_error("%s", a->merge ? "triage --merge wants at least one REPORT.json (the --json "
							    "output of triage runs)"
							  : "triage wants at least one CORE or folder");
		a->inputs = ops;
		a->ninputs = (size_t)left;
		if (a->json && a->markdown)
			return usage_error("%s", "--json and --markdown exclude each other");
		return 0;
	}
	if (a->cmd == CF_CMD_BUNDLE && a->extract) {
		if (left != 1 || a->output)
			return usage_error("%s", "bundle --extract wants one FILE (and -C DIR, not -o)");
		a->core = ops[0];
		return 0;
	}
	if (a->cmd == CF_CMD_BUNDLE && (!a->output || !strcmp(a->output, "-") || a->extract_dir || a->max_size))
		return usage_error("%s", "bundle needs -o FILE.tar.zst (-C and --max-size go with --extract)");
	if (left < 1)
		return usage_error("%s", "missing CORE operand");
	if (left > 2)
		return usage_error("extra operand '%s'", ops[2]);
	a->core = ops[0];
	a->opt.exe = left == 2 ? ops[1] : NULL;
	if (a->cmd == CF_CMD_REWRITE) {
		if (a->json && !a->dry_run)
			return usage_error("%s", "rewrite takes --json only with --dry-run");
		if (a->in_place != (a->backup != NULL))
			return usage_error("%s", "--in-place needs --backup FILE (and --backup goes with --in-place)");
		if (!a->dry_run && !a->in_place && !a->output)
			return usage_error("%s", "rewrite needs -o OUT (or --dry-run, or --in-place --backup FILE)");
		if (a->in_place && a->output)
			return usage_error("%s", "--in-place writes CORE itself; -o does not go with it");
	}
	return 0;
}

/* getopt's view of what went wrong, as one line. */
static int bad_option(int c, char **argv)
{
	char opt[64];
	if (optopt && optopt < 0x100)
		snprintf(opt, sizeof opt, "-%c", optopt);
	else
		snprintf(opt, sizeof opt, "%.*s", (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
	if (c == ':')
		return usage_error("option '%s' needs a value", opt);
	return usage_error("unknown option '%s'", opt);
}

int cf_args_parse(int argc, char **argv, struct cf_args *a)
{
	struct option all[MAXOPTS];
	char shorts[64];
	all_options(all, shorts, MAXOPTS);
	struct seen *seen = cf_xcalloc((size_t)argc + 1, sizeof *seen);
	size_t nseen = 0;
	int r = -1, c, idx;
	opterr = 0;  /* our own one line, not getopt's with the program's path */
	optind = 1;
	while (r < 0 && (idx = -1, c = getopt_long(argc, argv, shorts, all, &idx)) != -1) {
		if (c == '?' || c == ':') {
			r = bad_option(c, argv);
		} else if (optarg && !strcmp(optarg, "--")) {
			/* `--sysroot -- CORE`: the value is missing, not "--". */
			char opt[64];
			spell(&(struct seen){c, NULL, idx >= 0 ? all[idx].name : NULL}, opt, sizeof opt);
			r = usage_error("option '%s' needs a value", opt);
		} else {
			seen[nseen++] = (struct seen){c, optarg, idx >= 0 ? all[idx].name : NULL};
			if (c == 'h' || c == 'V')
				break;
		}
	}
	for (size_t i = 0; r < 0 && i < nseen; i++) {
		if (seen[i].id == 'h')
			fputs(usage_text, stdout), r = CF_EXIT_COMPLETE;
		else if (seen[i].id == 'V')
			printf("corefix %s\n", COREFIX_VERSION), r = CF_EXIT_COMPLETE;
	}
	char **ops = argv + optind;
	int left = argc - optind;
	const struct command *cmd = &commands[0];
	if (r < 0 && left > 0 && !strcmp(ops[0], "help")) {
		fputs(usage_text, stdout);
		r = CF_EXIT_COMPLETE;
	}
	for (size_t k = 0; r < 0 && left > 0 && k < NCOMMANDS; k++)
		if (!strcmp(ops[0], commands[k].name)) {
			cmd = &commands[k];
			ops++, left--;
			break;
		}
	a->cmd = cmd->cmd;
	for (size_t i = 0; r < 0 && i < nseen; i++) {
		if (!in_table(common_opts, common_short, seen[i].id) && !in_table(cmd->opts, cmd->shorts, seen[i].id))
			r = not_taken(cmd, &seen[i]);
		else if (apply(a, &seen[i]) != 0)
			r = CF_EXIT_BAD;
	}
	free(seen);
	if (r < 0 && check_operands(a, ops, left) != 0)
		r = CF_EXIT_BAD;
	if (r >= 0)
		cf_args_free(a);
	return r;
}

void cf_args_free(struct cf_args *a)
{
	free(a->opt.map);
	free(a->opt.search);
	free(a->bt.debug_dirs);
	a->opt.map = NULL;
	a->opt.search = NULL;
	a->bt.debug_dirs = NULL;
}
