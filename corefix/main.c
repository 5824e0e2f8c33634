/* corefix: command-line dispatch. Reads one core into the model, then
 * hands it to one emitter; exit status 0 = complete, 1 = usable but
 * incomplete, 2 = unusable input or bad usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fnmatch.h>

#include "backtrace.h"
#include "bundle.h"
#include "emit.h"
#include "model.h"
#include "quote.h"
#include "rewrite.h"
#include "triage.h"

#ifndef COREFIX_VERSION
#define COREFIX_VERSION "0.1"
#endif

enum { EXIT_COMPLETE = 0, EXIT_PARTIAL = 1, EXIT_BAD = 2 };

static const char usage_text[] =
	"Usage: corefix [gdb] [OPTION]... CORE [EXE]\n"
	"       corefix lldb [OPTION]... CORE [EXE]\n"
	"       corefix modules [--json] [OPTION]... CORE [EXE]\n"
	"       corefix explain [OPTION]... CORE [EXE]\n"
	"       corefix backtrace [--json] [--unwinder=dwfl|libunwind] [OPTION]... CORE [EXE]\n"
	"       corefix triage [--json|--markdown] [OPTION]... CORE|DIR...\n"
	"       corefix triage --merge [--json|--markdown] REPORT.json...\n"
	"       corefix rewrite [--dry-run [--json]] [OPTION]... CORE -o OUT\n"
	"       corefix rewrite --in-place --backup FILE [OPTION]... CORE\n"
	"       corefix bundle [OPTION]... CORE [EXE] -o FILE.tar.zst\n"
	"       corefix bundle --extract [--max-size N] [-C DIR] FILE.tar.zst\n"
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
	"EXE is the real program, when the core's record of it is not enough.\n"
	"\n"
	"Options:\n"
	"  --json                 machine-readable output (schemas corefix/modules/1,\n"
	"                         corefix/backtrace/1, corefix/triage/1, corefix/rewrite/1)\n"
	"  --markdown             triage: a table for a CI job summary\n"
	"  --unwinder NAME        backtrace, triage: dwfl (default) or libunwind\n"
	"  --max-frames N         frames per thread at most (default 256)\n"
	"  --expect-frame NAME    backtrace: exit 0 only if the crashing thread has a frame\n"
	"                         whose function matches NAME (a glob), else 1\n"
	"  --debug-dir DIR        look for separate debug info in DIR too (repeatable); the\n"
	"                         gdb script and the gdb bridge put DIR before gdb's own\n"
	"                         debug-file-directory, the lldb file in its search paths\n"
	"  --rules DIR            triage: signature rule files (default: installed rules)\n"
	"  --frames N             triage: frames in a signature (default 3)\n"
	"  --merge                triage: reduce the --json reports of runs over shards of\n"
	"                         the cores (given in shard order) to the report of one run\n"
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
	"  --cache-dir DIR        where aliases for unsafe paths go\n"
	"                         (default $XDG_CACHE_HOME/corefix/alias or ~/.cache/corefix/alias);\n"
	"                         a compressed core's plain copy for the gdb script goes\n"
	"                         to DIR/cores (default $XDG_CACHE_HOME/corefix/cores)\n"
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
	"  XDG_CACHE_HOME, HOME   where aliases for unsafe paths go\n"
	"\n"
	"Exit status:\n"
	"  0  every module was found and placed\n"
	"  1  output written, but incomplete: a module is missing, its build-id differs,\n"
	"     its bias is unknown, or the core is truncated (warnings on stderr)\n"
	"  2  the core cannot be used (not ELF, not a core, unreadable) or bad usage\n"
	"  backtrace --expect-frame: 0 the frame is there, 1 it is not\n"
	"  triage: 0 every core read, 1 some could not be read, 2 none could,\n"
	"     3 no core found\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("corefix: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'corefix --help' for more information.\n", stderr);
	return EXIT_BAD;
}

struct args {
	enum { CMD_GDB, CMD_LLDB, CMD_MODULES, CMD_EXPLAIN, CMD_BACKTRACE, CMD_TRIAGE, CMD_REWRITE, CMD_BUNDLE } cmd;
	bool json, markdown, quiet, dry_run, in_place, merge;
	bool extract;           /* bundle --extract */
	const char *extract_dir;
	uint64_t max_size;
	const char *core, *output, *cache_dir, *expect_frame, *rules, *backup;
	struct cf_options opt;
	struct cf_bt_options bt;
	size_t sig_frames;
	char **inputs;  /* triage */
	size_t ninputs;
};

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

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},      {"sysroot", required_argument, NULL, 'S'},
		{"path-map", required_argument, NULL, 'M'}, {"search", required_argument, NULL, 'D'},
		{"force", no_argument, NULL, 'f'},     {"cache-dir", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},      {"version", no_argument, NULL, 'V'},
		{"markdown", no_argument, NULL, 'm'},  {"unwinder", required_argument, NULL, 'U'},
		{"max-frames", required_argument, NULL, 'F'}, {"expect-frame", required_argument, NULL, 'E'},
		{"debug-dir", required_argument, NULL, 'G'}, {"rules", required_argument, NULL, 'R'},
		{"frames", required_argument, NULL, 'N'},
		{"dry-run", no_argument, NULL, 'n'},   {"in-place", no_argument, NULL, 'I'},
		{"backup", required_argument, NULL, 'B'},
		{"extract", no_argument, NULL, 0x201}, {"max-size", required_argument, NULL, 0x202},
		{"merge", no_argument, NULL, 0x100},
		{NULL, 0, NULL, 0},
	};
	int first = 1;
	if (argc > 1) {
		if (!strcmp(argv[1], "gdb"))
			a->cmd = CMD_GDB, first = 2;
		else if (!strcmp(argv[1], "lldb"))
			a->cmd = CMD_LLDB, first = 2;
		else if (!strcmp(argv[1], "modules"))
			a->cmd = CMD_MODULES, first = 2;
		else if (!strcmp(argv[1], "explain"))
			a->cmd = CMD_EXPLAIN, first = 2;
		else if (!strcmp(argv[1], "backtrace"))
			a->cmd = CMD_BACKTRACE, first = 2;
		else if (!strcmp(argv[1], "triage"))
			a->cmd = CMD_TRIAGE, first = 2;
		else if (!strcmp(argv[1], "rewrite"))
			a->cmd = CMD_REWRITE, first = 2;
		else if (!strcmp(argv[1], "bundle"))
			a->cmd = CMD_BUNDLE, first = 2;
	}
	optind = first;
	int c;
	while ((c = getopt_long(argc, argv, "o:qhVC:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': a->json = true; break;
		case 'S': a->opt.sysroot = optarg; break;
		case 'M': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return usage_error("--path-map wants OLD=NEW, not '%s'", optarg);
			a->opt.map = cf_xrealloc(a->opt.map, a->opt.nmap + 1, sizeof *a->opt.map);
			*eq = 0;
			a->opt.map[a->opt.nmap++] = (struct cf_pathmap){optarg, eq + 1};
			break;
		}
		case 'D':
			a->opt.search = cf_xrealloc(a->opt.search, a->opt.nsearch + 1, sizeof *a->opt.search);
			a->opt.search[a->opt.nsearch++] = optarg;
			break;
		case 'f': a->opt.force = true; break;
		case 'c': a->cache_dir = optarg; break;
		case 'C': a->extract_dir = optarg; break;
		case 0x201: a->extract = true; break;
		case 0x202:
			if (!size_arg(optarg, &a->max_size))
				return usage_error("--max-size wants a positive size (N, NK, NM or NG), not '%s'", optarg);
			break;
		case 'o': a->output = optarg; break;
		case 'q': a->quiet = a->opt.quiet = true; break;
		case 'm': a->markdown = true; break;
		case 'U':
			if (strcmp(optarg, "dwfl") && strcmp(optarg, "libunwind"))
				return usage_error("--unwinder is dwfl or libunwind, not '%s'", optarg);
			a->bt.unwinder = optarg;
			break;
		case 'F':
			if (!number(optarg, &a->bt.max_frames))
				return usage_error("--max-frames wants a positive number, not '%s'", optarg);
			break;
		case 'N':
			if (!number(optarg, &a->sig_frames) || a->sig_frames > 32)
				return usage_error("--frames wants a number from 1 to 32, not '%s'", optarg);
			break;
		case 'E': a->expect_frame = optarg; break;
		case 'n': a->dry_run = true; break;
		case 'I': a->in_place = true; break;
		case 'B': a->backup = optarg; break;
		case 0x100: a->merge = true; break;
		case 'R': a->rules = optarg; break;
		case 'G':
			/* Every consumer (libdwfl's debuginfo_path, gdb's
			 * debug-file-directory) reads a ':'-separated list. */
			if (strchr(optarg, ':') || !cf_gdb_safe(optarg))
				return usage_error("--debug-dir: a folder whose name holds %s cannot be searched",
						   "':' or a control character");
			a->bt.debug_dirs = cf_xrealloc(a->bt.debug_dirs, a->bt.ndebug + 1, sizeof *a->bt.debug_dirs);
			a->bt.debug_dirs[a->bt.ndebug++] = optarg;
			break;
		case 'h': fputs(usage_text, stdout); exit(EXIT_COMPLETE);
		case 'V': printf("corefix %s\n", COREFIX_VERSION); exit(EXIT_COMPLETE);
		default: return usage_error("%s", "bad option");
		}
	}
	int left = argc - optind;
	if (a->cmd == CMD_TRIAGE) {
		if (left < 1)
			return usage_error("%s", "triage wants at least one CORE or folder");
		a->inputs = argv + optind;
		a->ninputs = (size_t)left;
		if (a->json && a->markdown)
			return usage_error("%s", "--json and --markdown exclude each other");
		return 0;
	}
	if (a->merge || a->markdown)
		return usage_error("%s", a->merge ? "--merge goes with 'triage'" : "--markdown goes with 'triage'");
	if ((a->extract || a->extract_dir || a->max_size) && a->cmd != CMD_BUNDLE)
		return usage_error("%s", "--extract, -C and --max-size go with 'bundle'");
	if (a->cmd == CMD_BUNDLE && a->extract) {
		if (left != 1 || a->output)
			return usage_error("%s", "bundle --extract wants one FILE (and -C DIR, not -o)");
		a->core = argv[optind];
		return 0;
	}
	if (a->cmd == CMD_BUNDLE && (!a->output || !strcmp(a->output, "-") || a->extract_dir || a->max_size))
		return usage_error("%s", "bundle needs -o FILE.tar.zst (-C and --max-size go with --extract)");
	if (left < 1)
		return usage_error("%s", "missing CORE operand");
	if (left > 2)
		return usage_error("extra operand '%s'", argv[optind + 2]);
	a->core = argv[optind];
	a->opt.exe = left == 2 ? argv[optind + 1] : NULL;
	if (a->json && a->cmd != CMD_MODULES && a->cmd != CMD_BACKTRACE && !(a->cmd == CMD_REWRITE && a->dry_run))
		return usage_error("%s", "--json goes with 'modules', 'backtrace', 'triage' and 'rewrite --dry-run'");
	if (a->cmd == CMD_REWRITE) {
		if (a->in_place != (a->backup != NULL))
			return usage_error("%s", "--in-place needs --backup FILE (and --backup goes with --in-place)");
		if (!a->dry_run && !a->in_place && !a->output)
			return usage_error("%s", "rewrite needs -o OUT (or --dry-run, or --in-place --backup FILE)");
		if (a->in_place && a->output)
			return usage_error("%s", "--in-place writes CORE itself; -o does not go with it");
	} else if (a->dry_run || a->in_place || a->backup) {
		return usage_error("%s", "--dry-run, --in-place and --backup go with 'rewrite'");
	}
	if (a->expect_frame && a->cmd != CMD_BACKTRACE)
		return usage_error("%s", "--expect-frame goes with 'backtrace'");
	return 0;
}

/* Output goes to a temporary file beside FILE and is renamed into place,
 * so a reader never sees half a script. */
static FILE *open_output(const char *path, char **tmp)
{
	*tmp = NULL;
	if (!path || !strcmp(path, "-"))
		return stdout;
	*tmp = cf_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(*tmp);
	if (fd >= 0) {
		/* mkstemp makes 0600; an output file gets the usual 0666 & ~umask. */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if (fd < 0) {
		fprintf(stderr, "corefix: %s: %s\n", path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	return fdopen(fd, "w");
}

static int close_output(FILE *f, const char *path, char *tmp)
{
	int bad = ferror(f);
	if (f == stdout)
		return fflush(f) != 0 || bad ? -1 : 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		fprintf(stderr, "corefix: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Warnings from index FROM on (the model's, then what a command adds). */
static void print_warnings(const struct cf_diag *d, size_t from, bool quiet)
{
	for (size_t i = from; !quiet && i < d->nwarn; i++)
		fprintf(stderr, "corefix: warning: %s\n", d->warn[i]);
	if (!quiet && d->suppressed)
		fprintf(stderr, "corefix: warning: %zu more warnings not shown\n", d->suppressed);
}

static int rewrite(struct cf_model *m, struct args *a)
{
	struct cf_plan plan;
	size_t before = m->diag.nwarn;
	cf_rewrite_plan(m, &plan);
	print_warnings(&m->diag, before, a->quiet || m->diag.nwarn == before);
	const char *target = a->in_place ? a->core : a->output;
	int r = plan.incomplete ? EXIT_PARTIAL : EXIT_COMPLETE;
	/* The repaired core is plain: put in place of a .zst, it would be a
	 * core under a compressed core's name, and the stored one gone. */
	if (a->in_place && m->core.compression && !a->dry_run) {
		fprintf(stderr, "corefix: %s: %s-compressed; --in-place would replace it by a plain core (write the "
				"repaired core elsewhere with -o OUT)\n", a->core, m->core.compression);
		cf_plan_free(&plan);
		return EXIT_BAD;
	}
	/* A compressed core is copied from its decompressed, sparse copy. */
	char unpacked[64];
	const char *from = a->core;
	if (m->core.unpacked) {
		snprintf(unpacked, sizeof unpacked, "/proc/self/fd/%d", m->core.unpacked_fd);
		from = unpacked;
	}
	if (a->dry_run) {
		cf_plan_print(stdout, m, &plan, target, a->json);
	} else {
		struct cf_diag d = {0};
		if (cf_rewrite_write(from, target, &plan, a->in_place ? a->backup : NULL, &d) != 0) {
			fprintf(stderr, "corefix: %s\n", d.error);
			r = EXIT_BAD;
		} else if (!a->quiet) {
			fprintf(stderr, "corefix: %s: %s\n", target,
				plan.npatch ? "written with the repairs listed by --dry-run"
				: m->core.compression ? "nothing to repair; the core decompressed"
						      : "nothing to repair; a byte-identical copy");
		}
	}
	cf_plan_free(&plan);
	return r;
}

/* Exit 0 when the crashing thread has a frame (or inlined function)
 * matching the glob NAME. */
static bool has_frame(const struct cf_backtrace *bt, const char *name)
{
	for (size_t i = 0; i < bt->nthread; i++) {
		const struct cf_thread_bt *t = &bt->thread[i];
		for (size_t k = 0; t->crashed && k < t->nframe; k++) {
			const struct cf_frame *f = &t->frame[k];
			if (f->function && fnmatch(name, f->function, 0) == 0)
				return true;
			for (size_t j = 0; j < f->ninl; j++)
				if (f->inl[j].function && fnmatch(name, f->inl[j].function, 0) == 0)
					return true;
		}
	}
	return false;
}

static int emit_backtrace(FILE *out, struct cf_model *m, struct args *a)
{
	struct cf_backtrace bt;
	struct cf_diag d = {0};
	if (cf_backtrace_build(m, &a->bt, &bt, &d) != 0) {
		fprintf(stderr, "corefix: %s\n", d.error);
		return EXIT_BAD;
	}
	int r = m->diag.partial ? EXIT_PARTIAL : EXIT_COMPLETE;
	if (a->json)
		cf_emit_backtrace_json(out, m, &bt);
	else
		cf_emit_backtrace_text(out, m, &bt);
	if (a->expect_frame) {
		r = has_frame(&bt, a->expect_frame) ? EXIT_COMPLETE : EXIT_PARTIAL;
		if (r)
			fprintf(stderr, "corefix: %s: the crashing thread has no frame '%s'\n", m->core.path,
				a->expect_frame);
	}
	cf_backtrace_free(&bt);
	return r;
}

/* A bundle missing a module is still written (exit 1): the manifest says
 * which and why. */
static int bundle(struct cf_model *m, struct args *a)
{
	struct cf_bundle_options bo = {.debug_dirs = a->bt.debug_dirs, .ndebug = a->bt.ndebug, .force = a->opt.force,
				       .quiet = a->quiet};
	struct cf_bundle_plan plan;
	struct cf_diag d = {0};
	cf_bundle_plan(m, &bo, &plan);
	int r = plan.incomplete || m->diag.partial ? EXIT_PARTIAL : EXIT_COMPLETE;
	for (size_t i = 0; !a->quiet && i < plan.n; i++)
		if (plan.item[i].reason && strcmp(plan.item[i].status, "in-core") != 0) {
			char *name = cf_comment_text(plan.item[i].mod->name[0] ? plan.item[i].mod->name : "(unnamed)");
			fprintf(stderr, "corefix: warning: %s: not bundled: %s\n", name, plan.item[i].reason);
			free(name);
		}
	if (cf_bundle_write(m, &plan, &bo, a->output, &d) != 0) {
		fprintf(stderr, "corefix: %s\n", d.error);
		r = EXIT_BAD;
	}
	cf_bundle_plan_free(&plan);
	return r;
}

/* One command, after parsing; main owns the arguments' memory. */
static int run(struct args a)
{
	int r;
	if (a.cmd == CMD_BUNDLE && a.extract) {
		struct cf_extract_options xo = {.dir = a.extract_dir, .max_bytes = a.max_size, .quiet = a.quiet};
		struct cf_diag d = {0};
		if (cf_bundle_extract(a.core, &xo, &d) == 0)
			return EXIT_COMPLETE;
		fprintf(stderr, "corefix: %s\n", d.error);
		return EXIT_BAD;
	}
	if (a.cmd == CMD_TRIAGE) {
		struct cf_triage_options to = {
			.opt = &a.opt, .bt = &a.bt, .rules_dir = a.rules, .frames = a.sig_frames ? a.sig_frames : 3,
			.format = a.json ? CF_TRIAGE_JSON : a.markdown ? CF_TRIAGE_MARKDOWN : CF_TRIAGE_TABLE,
			.quiet = a.quiet,
		};
		char *tmp;
		FILE *out = open_output(a.output, &tmp);
		if (!out)
			return EXIT_BAD;
		r = (a.merge ? cf_triage_merge : cf_triage)(out, (const char *const *)a.inputs, a.ninputs, &to);
		if (close_output(out, a.output, tmp) != 0)
			r = EXIT_BAD;
		return r;
	}
	/* CORE is refused inside cf_core_open; EXE is otherwise only warned
	 * about, yet a FIFO or a device there is a mistaken argument, not a
	 * missing program. */
	const char *kind = a.opt.exe ? cf_not_regular(a.opt.exe) : NULL;
	if (kind) {
		fprintf(stderr, "corefix: %s: not a regular file (%s)\n", a.opt.exe, kind);
		return EXIT_BAD;
	}
	/* Debugger scripts name a plain core on disk: a compressed one is kept
	 * decompressed in the cache; every other command reads a temporary copy. */
	a.opt.keep_plain = a.cmd == CMD_GDB || a.cmd == CMD_LLDB;
	a.opt.cache_dir = a.cache_dir;
	struct cf_model m;
	if (cf_model_build(&m, a.core, &a.opt) != 0) {
		fprintf(stderr, "corefix: %s\n", m.diag.error);
		cf_model_free(&m);
		return EXIT_BAD;
	}
	print_warnings(&m.diag, 0, a.quiet);
	if (a.cmd == CMD_REWRITE) {
		r = rewrite(&m, &a);
		cf_model_free(&m);
		return r;
	}
	if (a.cmd == CMD_BUNDLE) {
		r = bundle(&m, &a);
		cf_model_free(&m);
		return r;
	}
	char *tmp;
	FILE *out = open_output(a.output, &tmp);
	int status = m.diag.partial ? EXIT_PARTIAL : EXIT_COMPLETE;
	if (!out) {
		status = EXIT_BAD;
	} else {
		struct cf_emit_opts eo = {.cache_dir = a.cache_dir, .force = a.opt.force,
					  .debug_dirs = a.bt.debug_dirs, .ndebug = a.bt.ndebug};
		size_t nwarn = m.diag.nwarn;
		switch (a.cmd) {
		case CMD_GDB:
			if (cf_emit_gdb(out, &m, &eo) != 0 && status == EXIT_COMPLETE)
				status = EXIT_PARTIAL;
			print_warnings(&m.diag, nwarn, a.quiet || m.diag.nwarn == nwarn);
			break;
		case CMD_LLDB: {
			char why[256];
			if (cf_lldb_unreadable(&m) && cf_lldb_repaired_core(&m, a.cache_dir, why, sizeof why) != 0)
				cf_warn(&m.diag, "%s: no repaired copy for lldb: %s", a.core, why);
			if (cf_emit_lldb(out, &m, &eo) != 0 && status == EXIT_COMPLETE)
				status = EXIT_PARTIAL;
			print_warnings(&m.diag, nwarn, a.quiet || m.diag.nwarn == nwarn);
			break;
		}
		case CMD_MODULES:
			a.json ? cf_emit_modules_json(out, &m, &eo) : cf_emit_modules_text(out, &m, a.opt.force);
			break;
		case CMD_EXPLAIN: cf_emit_explain(out, &m); break;
		case CMD_BACKTRACE: status = emit_backtrace(out, &m, &a); break;
		case CMD_TRIAGE:
		case CMD_REWRITE:
		case CMD_BUNDLE: break;
		}
		if (close_output(out, a.output, tmp) != 0)
			status = EXIT_BAD;
	}
	cf_model_free(&m);
	return status;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	int r = parse(argc, argv, &a);
	if (!r)
		r = run(a);
	free(a.opt.map);
	free(a.opt.search);
	free(a.bt.debug_dirs);
	return r;
}
