/* corefix: command-line dispatch. Reads one core into the model, then
 * hands it to one emitter; exit status 0 = complete, 1 = usable but
 * incomplete, 2 = unusable input or bad usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fnmatch.h>

#include "backtrace.h"
#include "bundle.h"
#include "cli_options.h"
#include "emit.h"
#include "model.h"
#include "output.h"
#include "quote.h"
#include "rewrite.h"
#include "triage.h"
#include "triage_merge.h"

/* Warnings from index FROM on (the model's, then what a command adds). */
static void print_warnings(const struct cf_diag *d, size_t from, bool quiet)
{
	for (size_t i = from; !quiet && i < d->nwarn; i++)
		fprintf(stderr, "corefix: warning: %s\n", d->warn[i]);
	if (!quiet && d->suppressed)
		fprintf(stderr, "corefix: warning: %zu more warnings not shown\n", d->suppressed);
}

static int rewrite(struct cf_model *m, struct cf_args *a)
{
	struct cf_plan plan;
	size_t before = m->diag.nwarn;
	cf_rewrite_plan(m, &plan, &m->diag);
	print_warnings(&m->diag, before, a->quiet || m->diag.nwarn == before);
	const char *target = a->in_place ? a->core : a->output;
	int r = plan.incomplete ? CF_EXIT_PARTIAL : CF_EXIT_COMPLETE;
	/* The repaired core is plain: put in place of a .zst, it would be a
	 * core under a compressed core's name, and the stored one gone. */
	if (a->in_place && m->core.compression && !a->dry_run) {
		fprintf(stderr, "corefix: %s: %s-compressed; --in-place would replace it by a plain core (write the "
				"repaired core elsewhere with -o OUT)\n", a->core, m->core.compression);
		cf_plan_free(&plan);
		return CF_EXIT_BAD;
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
			r = CF_EXIT_BAD;
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

static int emit_backtrace(FILE *out, struct cf_model *m, struct cf_args *a)
{
	struct cf_backtrace bt;
	struct cf_diag d = {0};
	if (cf_backtrace_build(m, &a->bt, &bt, &d) != 0) {
		fprintf(stderr, "corefix: %s\n", d.error);
		return CF_EXIT_BAD;
	}
	int r = m->diag.partial ? CF_EXIT_PARTIAL : CF_EXIT_COMPLETE;
	if (a->json)
		cf_emit_backtrace_json(out, m, &bt);
	else
		cf_emit_backtrace_text(out, m, &bt);
	if (a->expect_frame) {
		r = has_frame(&bt, a->expect_frame) ? CF_EXIT_COMPLETE : CF_EXIT_PARTIAL;
		if (r)
			fprintf(stderr, "corefix: %s: the crashing thread has no frame '%s'\n", m->core.path,
				a->expect_frame);
	}
	cf_backtrace_free(&bt);
	return r;
}

/* A bundle missing a module is still written (exit 1): the manifest says
 * which and why. */
static int bundle(struct cf_model *m, struct cf_args *a)
{
	struct cf_bundle_options bo = {.debug_dirs = a->bt.debug_dirs, .ndebug = a->bt.ndebug, .force = a->opt.force,
				       .quiet = a->quiet};
	struct cf_bundle_plan plan;
	struct cf_diag d = {0};
	cf_bundle_plan(m, &bo, &plan);
	int r = plan.incomplete || m->diag.partial ? CF_EXIT_PARTIAL : CF_EXIT_COMPLETE;
	for (size_t i = 0; !a->quiet && i < plan.n; i++)
		if (plan.item[i].reason && strcmp(plan.item[i].status, "in-core") != 0) {
			char *name = cf_comment_text(plan.item[i].mod->name[0] ? plan.item[i].mod->name : "(unnamed)");
			fprintf(stderr, "corefix: warning: %s: not bundled: %s\n", name, plan.item[i].reason);
			free(name);
		}
	if (cf_bundle_write(m, &plan, &bo, a->output, &d) != 0) {
		fprintf(stderr, "corefix: %s\n", d.error);
		r = CF_EXIT_BAD;
	}
	cf_bundle_plan_free(&plan);
	return r;
}

static int run_core(struct cf_args *a, struct cf_resolver *res);

/* One command, after parsing; main owns the arguments' memory. */
static int run(struct cf_args a)
{
	int r;
	if (a.cmd == CF_CMD_BUNDLE && a.extract) {
		struct cf_extract_options xo = {.dir = a.extract_dir, .max_bytes = a.max_size, .quiet = a.quiet};
		struct cf_diag d = {0};
		if (cf_bundle_extract(a.core, &xo, &d) == 0)
			return CF_EXIT_COMPLETE;
		fprintf(stderr, "corefix: %s\n", d.error);
		return CF_EXIT_BAD;
	}
	a.bt.cache_dir = a.cache_dir;
	if (a.cmd == CF_CMD_TRIAGE) {
		struct cf_triage_options to = {
			.opt = &a.opt, .bt = &a.bt, .rules_dir = a.rules, .frames = a.sig_frames ? a.sig_frames : 3,
			.format = a.json ? CF_TRIAGE_JSON : a.markdown ? CF_TRIAGE_MARKDOWN : CF_TRIAGE_TABLE,
			.quiet = a.quiet, .baseline = a.baseline, .fail_on_new = a.fail_on_new, .html = a.html,
			.timeout = a.timeout ? (unsigned)a.timeout : 60,
		};
		r = (a.merge ? cf_triage_merge : cf_triage)(a.output, (const char *const *)a.inputs, a.ninputs, &to);
		return r;
	}
	/* EXE is an input like CORE: missing, a folder, a FIFO or no ELF file
	 * is a mistaken argument (exit 2); another build is only not used (1). */
	if (a.opt.exe) {
		struct cf_elfinfo info;
		char why[128];
		if (cf_elf_read_file(a.opt.exe, &info, why, sizeof why) != 0) {
			fprintf(stderr, "corefix: %s: %s\n", a.opt.exe, why);
			return CF_EXIT_BAD;
		}
		cf_elfinfo_free(&info);
	}
	/* Debugger scripts name a plain core on disk: a compressed one is kept
	 * decompressed in the cache; every other command reads a temporary copy. */
	a.opt.keep_plain = a.cmd == CF_CMD_GDB || a.cmd == CF_CMD_LLDB;
	a.opt.cache_dir = a.cache_dir;
	struct cf_resolver *res = cf_resolver_new(&a.opt);
	r = run_core(&a, res);
	cf_resolver_free(res);
	return r;
}

/* One command on one core, every file found by the run's one resolver RES. */
static int run_core(struct cf_args *a, struct cf_resolver *res)
{
	int r;
	struct cf_model m;
	if (cf_model_build(&m, a->core, res) != 0) {
		fprintf(stderr, "corefix: %s\n", m.diag.error);
		cf_model_free(&m);
		return CF_EXIT_BAD;
	}
	/* Nothing this run read may be overwritten: the core above all. A
	 * refusal is the one line, before any warning. */
	struct cf_reads reads = {0};
	cf_reads_add_model(&reads, &m, a->opt.exe);
	if (cf_output_check(a->output, &reads) != 0 || cf_output_check(a->backup, &reads) != 0) {
		cf_reads_free(&reads);
		cf_model_free(&m);
		return CF_EXIT_BAD;
	}
	print_warnings(&m.diag, 0, a->quiet);
	if (a->cmd == CF_CMD_REWRITE) {
		r = rewrite(&m, a);
		cf_reads_free(&reads);
		cf_model_free(&m);
		return r;
	}
	if (a->cmd == CF_CMD_BUNDLE) {
		r = bundle(&m, a);
		cf_reads_free(&reads);
		cf_model_free(&m);
		return r;
	}
	struct cf_output out;
	int status = m.diag.partial ? CF_EXIT_PARTIAL : CF_EXIT_COMPLETE;
	if (cf_output_open(&out, a->output, &reads) != 0) {
		status = CF_EXIT_BAD;
	} else {
		struct cf_emit_opts eo = {.cache_dir = a->cache_dir, .force = a->opt.force,
					  .debug_dirs = a->bt.debug_dirs, .ndebug = a->bt.ndebug};
		size_t nwarn = m.diag.nwarn;
		switch (a->cmd) {
		case CF_CMD_GDB:
			if (cf_emit_gdb(out.f, &m, &eo, &m.diag) != 0 && status == CF_EXIT_COMPLETE)
				status = CF_EXIT_PARTIAL;
			print_warnings(&m.diag, nwarn, a->quiet || m.diag.nwarn == nwarn);
			break;
		case CF_CMD_LLDB: {
			char why[256], *copy;
			bool reused;
			if (cf_lldb_unreadable(&m)) {
				if (cf_lldb_repaired_core(&m, a->cache_dir, &m.diag, &copy, &reused, why, sizeof why) != 0)
					cf_warn(&m.diag, "%s: no repaired copy for lldb: %s", a->core, why);
				else
					cf_core_use_copy(&m.core, copy, reused);
			}
			if (cf_emit_lldb(out.f, &m, &eo, &m.diag) != 0 && status == CF_EXIT_COMPLETE)
				status = CF_EXIT_PARTIAL;
			print_warnings(&m.diag, nwarn, a->quiet || m.diag.nwarn == nwarn);
			break;
		}
		case CF_CMD_MODULES:
			a->json ? cf_emit_modules_json(out.f, &m, &eo) : cf_emit_modules_text(out.f, &m, a->opt.force);
			break;
		case CF_CMD_EXPLAIN: cf_emit_explain(out.f, &m); break;
		case CF_CMD_BACKTRACE: status = emit_backtrace(out.f, &m, a); break;
		case CF_CMD_TRIAGE:
		case CF_CMD_REWRITE:
		case CF_CMD_BUNDLE: break;
		}
		if (cf_output_close(&out, true) != 0)
			status = CF_EXIT_BAD;
	}
	cf_reads_free(&reads);
	cf_model_free(&m);
	return status;
}

int main(int argc, char **argv)
{
	struct cf_args a = {0};
	int r = cf_args_parse(argc, argv, &a);
	if (r < 0) {
		r = run(a);
		cf_args_free(&a);
	}
	return r;
}
