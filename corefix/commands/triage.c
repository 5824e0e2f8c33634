/* `corefix triage`: find the cores, read each, group them by signature,
 * report the groups (table, JSON schema corefix/triage/2, or Markdown). */
#define _GNU_SOURCE
#include "triage.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crash_class.h"
#include "decompress.h"
#include "emit.h"
#include "quote.h"
#include "signature.h"
#include "symcache.h"
#include "triage_baseline.h"
#include "triage_pool.h"
#include "triage_print.h"
#include "triage_report.h"

struct list {
	char **v;
	size_t n;
};

static void push(struct list *l, char *s)
{
	l->v = cf_xrealloc(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

/* An ELF core, either byte order: checked from its first bytes only.
 * O_NONBLOCK: a file that turned into a FIFO since the folder was listed
 * must not hold the scan (read then fails and it is not a core). */
static bool is_core(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return false;
	bool ok = read(fd, h, sizeof h) == (ssize_t)sizeof h && !memcmp(h, ELFMAG, SELFMAG) &&
		  (h[EI_DATA] == ELFDATA2MSB ? h[17] == ET_CORE && h[16] == 0 : h[16] == ET_CORE && h[17] == 0);
	/* systemd-coredump's .zst/.xz/.lz4: a core if its first bytes are one. */
	if (!ok)
		ok = cf_compressed_is_core(fd);
	close(fd);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_cores(const char *dir, struct list *out, int depth)
{
	DIR *d = opendir(dir);
	if (!d || depth > 32) {
		if (d)
			closedir(d);
		return;
	}
	struct list found = {0};
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = cf_xasprintf("%s/%s", dir, e->d_name);
		/* Only regular files are read: a FIFO, a device or a socket in the
		 * folder is no core, and opening a FIFO would wait for a writer. */
		struct stat st;
		bool seen = lstat(p, &st) == 0;
		if (seen && S_ISDIR(st.st_mode))
			find_cores(p, &found, depth + 1), free(p);
		else if (seen && S_ISREG(st.st_mode) && is_core(p))
			push(&found, p);
		else
			free(p);
	}
	closedir(d);
	if (found.n)
		qsort(found.v, found.n, sizeof *found.v, by_name);
	for (size_t i = 0; i < found.n; i++)
		push(out, found.v[i]);
	free(found.v);
}

struct run {
	const struct cf_triage_options *o;
	const struct cf_rules *rules;
	struct list cores;
	struct cf_bt_options bt;        /* the caller's, with the worker's cache */
	/* The run's one resolver: each worker's copy remembers its answers,
	 * so the next core of the same program reads none of its files. */
	struct cf_resolver *resolver;
	struct cf_triage_report rep;
	bool progress;
	struct timespec started;
	double shown;                   /* when progress was last drawn */
};

/* The crashing thread as "function file:line" lines, for a group's
 * representative stack (the page shows it; the signature has the names). */
static void stack_line(struct cf_triage_outcome *out, const char *fn, const char *where, const char *file, int line)
{
	char *at = file ? cf_xasprintf(" %s:%d", file, line) : cf_xstrdup("");
	out->stack = cf_xrealloc(out->stack, out->nstack + 1, sizeof *out->stack);
	out->stack[out->nstack++] = cf_xasprintf("%s%s%s", fn ? fn : "??", where, at);
	free(at);
}

/* The crashing thread as "function (module+offset) file:line" lines,
 * inlined functions first as "[inlined] …", for a group's representative
 * stack (the page shows it; the signature has only names). */
static void stack_lines(const struct cf_backtrace *bt, struct cf_triage_outcome *out)
{
	enum { MAX_STACK = 48 };
	for (size_t i = 0; i < bt->nthread; i++) {
		const struct cf_thread_bt *t = &bt->thread[i];
		if (!t->crashed)
			continue;
		for (size_t k = 0; k < t->nframe && out->nstack < MAX_STACK; k++) {
			const struct cf_frame *f = &t->frame[k];
			for (size_t j = 0; j < f->ninl && out->nstack < MAX_STACK; j++) {
				char *fn = cf_xasprintf("[inlined] %s", f->inl[j].function ? f->inl[j].function : "??");
				stack_line(out, fn, "", f->inl[j].file, f->inl[j].line);
				free(fn);
			}
			char where[64] = "";
			if (f->mod)
				snprintf(where, sizeof where, " (%s+0x%llx)", cf_base_name(f->mod->name),
					 (unsigned long long)f->offset);
			stack_line(out, f->function, where, f->file, f->line);
		}
		break;
	}
}

#ifdef COREFIX_TEST_HOOKS
/* Test builds only (CMake COREFIX_TEST_HOOKS): a reader that hangs or
 * crashes on the cores whose path contains COREFIX_TEST_HANG or
 * COREFIX_TEST_CRASH, for the tests of a run no core can stop. */
static void test_fault_hook(const char *core)
{
	const char *hang = getenv("COREFIX_TEST_HANG"), *crash = getenv("COREFIX_TEST_CRASH");
	if (hang && *hang && strstr(core, hang))
		for (;;)
			pause();
	if (crash && *crash && strstr(core, crash)) {
		signal(SIGSEGV, SIG_DFL);  /* past a sanitizer's handler: the kernel's death */
		raise(SIGSEGV);
	}
}
#endif

/* In a worker: one core read, unwound and signed. */
static void read_core(size_t i, struct cf_triage_outcome *out, void *arg)
{
	struct run *r = arg;
	/* Symbol facts live as long as the worker: every later core of the
	 * same program finds its modules' symbols already looked up. */
#ifdef COREFIX_TEST_HOOKS
	test_fault_hook(r->cores.v[i]);
#endif
	if (!r->bt.cache)
		r->bt.cache = cf_symcache_new(&r->bt);
	struct cf_model m;
	struct cf_backtrace bt;
	struct cf_diag d = {0};
	if (cf_model_build(&m, r->cores.v[i], r->resolver) != 0 || cf_backtrace_build(&m, &r->bt, &bt, &d) != 0) {
		out->error = cf_xstrdup(m.diag.error[0] ? m.diag.error : d.error);
		cf_model_free(&m);
		return;
	}
	out->signature = cf_signature(&bt, r->rules, r->o->frames, &out->frames, &out->nframes);
	const char *code = bt.code > 0 ? cf_signal_code_name(bt.signo, bt.code) : NULL;
	out->signal = cf_xasprintf("%s%s%s", cf_signal_name(bt.signo), code ? "/" : "", code ? code : "");
	out->abort_msg = bt.abort_msg ? cf_xstrdup(bt.abort_msg) : NULL;
	struct cf_crash_class c;
	cf_crash_classify(&m, &bt, &c);
	out->cls = cf_xstrdup(c.name);
	out->access = c.access ? cf_xstrdup(c.access) : NULL;
	out->evidence = c.evidence;
	stack_lines(&bt, out);
	cf_backtrace_free(&bt);
	cf_model_free(&m);
}

/* In the parent, in core order: the groups come out as from one process. */
static void take(size_t i, const struct cf_triage_outcome *o, void *arg)
{
	struct run *r = arg;
	if (o->error) {
		if (!r->o->quiet) {
			/* A reader's error names the core; the pool's (timed out,
			 * crashed) does not. */
			const char *core = r->cores.v[i];
			bool named = !strncmp(o->error, core, strlen(core));
			char *c = cf_comment_text(named ? "" : core);
			fprintf(stderr, "%scorefix: %s%s%s\n", r->shown > 0 ? "\n" : "", c, named ? "" : ": ", o->error);
			free(c);
		}
		cf_triage_add_bad(&r->rep, r->cores.v[i], o->error);
	} else {
		cf_triage_add(&r->rep, r->cores.v[i], o);
	}
	/* A long run on a terminal shows where it is, at most five times a
	 * second, from its second second on; stdout (the report) never. */
	if (r->progress) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double t = (double)(now.tv_sec - r->started.tv_sec) + (double)(now.tv_nsec - r->started.tv_nsec) / 1e9;
		if (t >= 2 && (t - r->shown >= 0.2 || i + 1 == r->cores.n)) {
			fprintf(stderr, "\rcorefix: triage: %zu/%zu cores, %zu group%s", i + 1, r->cores.n, r->rep.ng,
				r->rep.ng == 1 ? "" : "s");
			r->shown = t;
		}
	}
}

static uint64_t core_size(size_t i, void *arg)
{
	struct run *r = arg;
	struct stat st;
	return stat(r->cores.v[i], &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
}

/* Address space a worker may use for one core besides twice its size:
 * room for libdw's caches of a large program, a bound for a reader that
 * would grow without end. None under AddressSanitizer, whose shadow
 * memory alone is terabytes of address space. */
static uint64_t worker_as_limit(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 0;
#endif
#endif
	return 4ull << 30;
}

static unsigned workers(const struct cf_triage_options *o, size_t ncores)
{
	if (o->workers)
		return o->workers;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* A worker pays for its own caches: a few cores are read faster in one. */
	return cpus >= 2 && ncores >= 8 ? 2 : 1;
}

/* OUTPUT may be none of the cores and rule files this run reads. */
static int open_report(struct cf_output *out, const char *output, const struct list *cores,
		       const struct cf_rules *rules, const struct cf_triage_options *o)
{
	struct cf_reads reads = {0};
	for (size_t i = 0; i < cores->n; i++)
		cf_reads_add(&reads, cores->v[i], "the input core");
	for (int k = 0; k < 3; k++)
		cf_reads_add(&reads, rules->file[k], "the rules file");
	int r = cf_triage_open_outputs(out, output, &reads, o);
	cf_reads_free(&reads);
	return r;
}

int cf_triage(const char *output, const char *const *inputs, size_t n, const struct cf_triage_options *o)
{
	struct cf_rules rules;
	char err[512];
	if (cf_rules_load(&rules, o->rules_dir, err, sizeof err) != 0) {
		fprintf(stderr, "corefix: %s\n", err);
		return 2;
	}
	/* A name that is not there is a mistyped argument, not a core that
	 * cannot be read. */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(inputs[i], &st) != 0) {
			fprintf(stderr, "corefix: %s: %s\n", inputs[i], strerror(errno));
			cf_rules_free(&rules);
			return 2;
		}
	}
	struct list cores = {0};
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
			find_cores(inputs[i], &cores, 0);
		else
			push(&cores, cf_xstrdup(inputs[i]));
	}
	struct cf_output out;
	int status = 2;
	/* A baseline that cannot be used stops the run before any core is read
	 * or any output written; the groups are marked from this same reading. */
	struct cf_triage_baseline base;
	if (cf_triage_baseline_read(&base, o->baseline) != 0 || open_report(&out, output, &cores, &rules, o) != 0)
		goto done;
	struct run r = {.o = o, .rules = &rules, .cores = cores, .bt = *o->bt};
	r.bt.cache = NULL;
	r.progress = isatty(2) && !o->quiet;
	clock_gettime(CLOCK_MONOTONIC, &r.started);
	r.rep.found = cores.n;
	struct cf_triage_pool_opts po = {
		.workers = workers(o, cores.n), .timeout = o->timeout, .as_limit = worker_as_limit(), .size = core_size};
	r.resolver = cf_resolver_new(o->opt);
	cf_triage_pool(cores.n, &po, read_core, take, &r);
	cf_resolver_free(r.resolver);
	if (r.shown > 0)
		fputc('\n', stderr);
	cf_triage_baseline_mark(&base, &r.rep);
	status = cf_triage_print(out.f, &r.rep, o) != 0 ? 2 : cf_triage_status(&r.rep, o);
	if (cores.n == 0 && !o->quiet)
		fprintf(stderr, "corefix: triage: no core found\n");
	cf_triage_report_free(&r.rep);
	if (cf_output_close(&out, true) != 0)
		status = 2;
done:
	cf_triage_baseline_free(&base);
	for (size_t i = 0; i < cores.n; i++)
		free(cores.v[i]);
	free(cores.v);
	cf_rules_free(&rules);
	return status;
}
