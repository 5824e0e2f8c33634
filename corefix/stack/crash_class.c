/* Crash classes. The rules, first match wins (README "Crash classes"
 * says the same):
 *  - the C library or C++ runtime said what it found, whatever the signal:
 *    stack-protector (__stack_chk_fail, or glibc's "stack smashing
 *    detected"), heap-corruption (malloc_printerr, or one of glibc's
 *    allocator messages), assertion (__assert_fail*, or "Assertion …
 *    failed"), uncaught-exception (std::terminate reached through
 *    __cxa_throw/__cxa_rethrow);
 *  - SIGABRT otherwise: abort;
 *  - a signal another process sent (si_code <= 0, not SIGABRT): signal;
 *  - SIGSEGV/SIGBUS: bad-pc (pc equals the fault address, or lies in no
 *    module's executable segment), stack-overflow (the fault address lies
 *    in the 1 MiB under the crashing thread's stack mapping, within 64 KiB
 *    of its stack pointer, in a guard mapping or in no mapping),
 *    null-dereference (fault address below 64 KiB), wild-access;
 *  - SIGFPE/FPE_INTDIV: divide-by-zero; other SIGFPE: arithmetic;
 *  - SIGILL, SIGTRAP: illegal-instruction;
 *  - anything else: other. */
#define _GNU_SOURCE
#include "crash_class.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "disasm.h"
#include "regs.h"

enum { NULL_LIMIT = 64 * 1024, GUARD_GAP = 1024 * 1024, NEAR_SP = 64 * 1024 };

struct facts {
	const struct cf_model *m;
	const struct cf_backtrace *bt;
	const struct cf_thread_bt *t;   /* the crashing thread, or NULL */
	bool have_pc, have_sp;
	uint64_t pc, sp;
};

/* The crashing thread's frame (or inlined function) matching NAME, as
 * "NAME (#k)"; -1 when none does. Prefix match: glibc's __assert_fail_base,
 * libstdc++'s std::terminate() with its parameters. */
static int frame_named(const struct facts *f, const char *const *names)
{
	for (size_t k = 0; f->t && k < f->t->nframe; k++) {
		const struct cf_frame *fr = &f->t->frame[k];
		for (size_t j = 0; j <= fr->ninl; j++) {
			const char *fn = j < fr->ninl ? fr->inl[j].function : fr->function;
			for (size_t i = 0; fn && names[i]; i++) {
				size_t n = strlen(names[i]);
				if (!strncmp(fn, names[i], n) && (fn[n] == 0 || fn[n] == '(' || fn[n] == '_'))
					return (int)k;
			}
		}
	}
	return -1;
}

static bool msg_has(const char *msg, const char *const *needles)
{
	for (size_t i = 0; msg && needles[i]; i++)
		if (strstr(msg, needles[i]))
			return true;
	return false;
}

/* What the runtime noticed on purpose, from frames and the abort message. */
static bool runtime_class(const struct facts *f, struct cf_crash_class *c)
{
	const char *msg = f->bt->abort_msg;
	static const char *const ssp[] = {"__stack_chk_fail", NULL};
	static const char *const ssp_msg[] = {"stack smashing detected", NULL};
	static const char *const heap[] = {"malloc_printerr", NULL};
	/* glibc's malloc_printerr messages (malloc/malloc.c, 2.2x–2.3x). */
	static const char *const heap_msg[] = {"free(): ", "malloc(): ", "realloc(): ", "double free", "corrupted ",
					       "malloc_consolidate(): ", "munmap_chunk(): ", "tcache_thread_shutdown(): ",
					       "_int_malloc(): ", "memalign(): ", NULL};
	static const char *const assert_fn[] = {"__assert_fail", "__assert_perror_fail", NULL};
	static const char *const assert_msg[] = {"Assertion `", "Assertion failed", NULL};
	static const char *const terminate[] = {"std::terminate", "__cxxabiv1::__terminate",
						"__gnu_cxx::__verbose_terminate_handler", NULL};
	static const char *const thrown[] = {"__cxa_throw", "__cxa_rethrow", NULL};
	int k;
	if ((k = frame_named(f, ssp)) >= 0 || msg_has(msg, ssp_msg)) {
		c->name = "stack-protector";
		c->evidence = k >= 0 ? cf_xasprintf("__stack_chk_fail in frame #%d%s%s", k, msg ? ": " : "", msg ? msg : "")
				     : cf_xasprintf("abort message: %s", msg);
	} else if ((k = frame_named(f, heap)) >= 0 || msg_has(msg, heap_msg)) {
		c->name = "heap-corruption";
		c->evidence = k >= 0 ? cf_xasprintf("malloc_printerr in frame #%d%s%s", k, msg ? ": " : "", msg ? msg : "")
				     : cf_xasprintf("glibc's allocator: %s", msg);
	} else if ((k = frame_named(f, assert_fn)) >= 0 || msg_has(msg, assert_msg)) {
		c->name = "assertion";
		c->evidence = k >= 0 ? cf_xasprintf("__assert_fail in frame #%d%s%s", k, msg ? ": " : "", msg ? msg : "")
				     : cf_xasprintf("abort message: %s", msg);
	} else if ((k = frame_named(f, terminate)) >= 0 && frame_named(f, thrown) > k) {
		c->name = "uncaught-exception";
		c->evidence = cf_xasprintf("std::terminate in frame #%d, reached from __cxa_throw in frame #%d", k,
					   frame_named(f, thrown));
	} else {
		return false;
	}
	return true;
}

/* PC inside some module's executable PT_LOAD (at its bias); a module
 * without program headers counts by its whole range. True when no module
 * is known at all: then nothing can be said. */
static bool pc_in_text(const struct cf_model *m, uint64_t pc)
{
	bool any = false;
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		if (mod->elf_known && mod->has_bias) {
			any = true;
			for (size_t k = 0; k < mod->info.nphdr; k++) {
				const GElf_Phdr *p = &mod->info.phdr[k];
				uint64_t lo = p->p_vaddr + mod->bias;
				if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && pc - lo < p->p_memsz)
					return true;
			}
		} else if (mod->hi > mod->lo) {
			any = true;
			if (pc >= mod->lo && pc < mod->hi)
				return true;
		}
	}
	return !any;
}

/* Stack overflow: see the rule at the top. The stack mapping is the
 * writable one holding sp, or, when sp itself ran past it, the first
 * writable one above sp within the guard gap. */
static bool stack_overflow(const struct facts *f, uint64_t addr, char **evidence)
{
	const struct cf_core *c = &f->m->core;
	if (!f->have_sp || addr > f->sp + NEAR_SP || f->sp > addr + NEAR_SP)
		return false;
	const struct cf_segment *s = cf_core_segment(c, f->sp);
	if (!s || !(s->flags & PF_W)) {
		s = NULL;
		for (size_t i = 0; i < c->nseg && !s; i++)
			if ((c->seg[i].flags & PF_W) && c->seg[i].vaddr > f->sp && c->seg[i].vaddr - f->sp <= GUARD_GAP)
				s = &c->seg[i];
	}
	if (!s || addr >= s->vaddr || s->vaddr - addr > GUARD_GAP)
		return false;
	const struct cf_segment *at = cf_core_segment(c, addr);
	if (at && (at->flags & (PF_R | PF_W)))
		return false;
	*evidence = cf_xasprintf("fault address 0x%llx is 0x%llx below the stack mapping 0x%llx-0x%llx (sp 0x%llx), "
				 "in %s",
				 (unsigned long long)addr, (unsigned long long)(s->vaddr - addr),
				 (unsigned long long)s->vaddr, (unsigned long long)(s->vaddr + s->memsz),
				 (unsigned long long)f->sp, at ? "its guard mapping" : "the unmapped gap under it");
	return true;
}

/* How the instruction at pc touched memory, and its text for the evidence. */
static const char *decode(const struct facts *f, char *insn, size_t len)
{
	unsigned char code[16];
	const char *acc = NULL;
	insn[0] = 0;
	size_t n = f->have_pc ? cf_model_read(f->m, f->pc, code, sizeof code) : 0;
	if (!cf_disasm_access(f->m->core.machine, code, n, f->pc, insn, len, &acc))
		insn[0] = 0;
	return acc ? acc : "access";
}

static void fault_class(const struct facts *f, struct cf_crash_class *c)
{
	const struct cf_backtrace *bt = f->bt;
	uint64_t a = bt->addr;
	const char *sig = cf_signal_name(bt->signo), *code = cf_signal_code_name(bt->signo, bt->code);
	char where[64] = "";
	if (f->have_pc)
		snprintf(where, sizeof where, " at pc 0x%llx", (unsigned long long)f->pc);
	if (f->have_pc && bt->have_addr && (f->pc == a || !pc_in_text(f->m, f->pc))) {
		c->name = "bad-pc";
		c->access = "execute";
		c->evidence = f->pc == a ? cf_xasprintf("%s/%s: pc 0x%llx is the fault address", sig, code ? code : "?",
							(unsigned long long)f->pc)
					 : cf_xasprintf("%s/%s: pc 0x%llx lies in no module's executable segment", sig,
							code ? code : "?", (unsigned long long)f->pc);
		return;
	}
	char insn[160];
	c->access = decode(f, insn, sizeof insn);
	char *ev = NULL;
	if (bt->have_addr && stack_overflow(f, a, &ev)) {
		c->name = "stack-overflow";
	} else if (bt->have_addr && a < NULL_LIMIT) {
		c->name = "null-dereference";
		ev = cf_xasprintf("%s/%s: fault address 0x%llx is below 64 KiB", sig, code ? code : "?",
				  (unsigned long long)a);
	} else {
		c->name = "wild-access";
		ev = cf_xasprintf("%s/%s: fault address 0x%llx", sig, code ? code : "?", (unsigned long long)a);
	}
	c->evidence = cf_xasprintf("%s; %s%s%s%s%s", ev, c->access, where, insn[0] ? " (" : "", insn,
				   insn[0] ? ")" : "");
	free(ev);
}

void cf_crash_classify(const struct cf_model *m, const struct cf_backtrace *bt, struct cf_crash_class *c)
{
	memset(c, 0, sizeof *c);
	struct facts f = {.m = m, .bt = bt};
	for (size_t i = 0; i < bt->nthread && !f.t; i++)
		if (bt->thread[i].crashed)
			f.t = &bt->thread[i];
	char err[128];
	struct cf_regs *regs = f.t ? cf_regs_read(m, err, sizeof err) : NULL;
	if (regs && f.t->note < m->notes.nthread && regs[f.t->note].ok) {
		const struct cf_regs *r = &regs[f.t->note];
		int sp = cf_dwarf_sp(m->core.machine);
		f.have_pc = true, f.pc = r->pc;
		if (sp >= 0 && cf_regs_has(r, (unsigned)sp))
			f.have_sp = true, f.sp = r->val[sp];
	} else if (f.t && f.t->nframe) {
		f.have_pc = true, f.pc = f.t->frame[0].pc;
	}
	free(regs);
	const char *sig = cf_signal_name(bt->signo), *code = cf_signal_code_name(bt->signo, bt->code);
	char pc[40] = "";
	if (f.have_pc)
		snprintf(pc, sizeof pc, " at pc 0x%llx", (unsigned long long)f.pc);
	if (runtime_class(&f, c))
		return;
	if (bt->signo == SIGABRT) {
		c->name = "abort";
		c->evidence = bt->abort_msg ? cf_xasprintf("SIGABRT; abort message: %s", bt->abort_msg)
					    : cf_xstrdup("SIGABRT, no message from the C library or C++ runtime");
	} else if (bt->have_code && bt->code <= 0) {
		c->name = "signal";
		c->evidence = cf_xasprintf("%s sent by a process (%s), not raised by a fault", sig, code ? code : "si_code <= 0");
	} else if (bt->signo == SIGSEGV || bt->signo == SIGBUS) {
		fault_class(&f, c);
	} else if (bt->signo == SIGFPE) {
		char insn[160];
		c->name = bt->code == FPE_INTDIV ? "divide-by-zero" : "arithmetic";
		decode(&f, insn, sizeof insn);
		c->evidence = cf_xasprintf("SIGFPE/%s%s%s%s%s", code ? code : "?", pc, insn[0] ? " (" : "", insn,
					   insn[0] ? ")" : "");
	} else if (bt->signo == SIGILL || bt->signo == SIGTRAP) {
		char insn[160];
		c->name = "illegal-instruction";
		decode(&f, insn, sizeof insn);
		c->evidence = cf_xasprintf("%s%s%s%s%s%s%s", sig, code ? "/" : "", code ? code : "", pc,
					   insn[0] ? " (" : "", insn, insn[0] ? ")" : "");
	} else {
		c->name = "other";
		c->evidence = cf_xasprintf("%s%s%s%s", sig, code ? "/" : "", code ? code : "", pc);
	}
}

void cf_crash_class_free(struct cf_crash_class *c)
{
	free(c->evidence);
	memset(c, 0, sizeof *c);
}
