/* The libdwfl unwinder: libdwfl's CFI unwinding, fed with the model's
 * registers and memory (core, then mapped files) through
 * Dwfl_Thread_Callbacks instead of dwfl_core_file_attach, so KM cores and
 * loader-as-command cores unwind like any other. */
#include <elf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

struct ctx;
struct targ {                   /* what libdwfl hands back for each thread */
	struct ctx *c;
	size_t i;               /* index in the backtrace */
};

struct ctx {
	const struct cf_model *m;
	const struct cf_regs *regs;
	struct cf_backtrace *bt;
	struct targ *targ;
	size_t max;
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	struct ctx *c = arg;
	size_t next = *thread_argp ? ((struct targ *)*thread_argp)->i + 1 : 0;
	if (next >= c->bt->nthread)
		return 0;
	*thread_argp = &c->targ[next];
	return (pid_t)c->bt->thread[next].tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	(void)dwfl;
	struct ctx *c = arg;
	unsigned char b[8];
	unsigned w = cf_wordsize(&c->m->core.order);
	if (cf_model_read(c->m, addr, b, w) != w)
		return false;
	*result = cf_word(&c->m->core.order, b);
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct targ *ta = arg;
	const struct cf_regs *r = &ta->c->regs[ta->c->bt->thread[ta->i].note];
	if (!r->ok)
		return false;
	for (unsigned k = 0; k < CF_MAX_DWARF_REGS; k++) {
		Dwarf_Word v = r->val[k];
		if (cf_regs_has(r, k) && !dwfl_thread_state_registers(thread, (int)k, 1, &v))
			return false;
	}
	dwfl_thread_state_register_pc(thread, r->pc);
	return true;
}

static const Dwfl_Thread_Callbacks callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct walk {
	struct cf_thread_bt *t;
	size_t max;
	int sp_reg;     /* DWARF number of the stack pointer */
};

static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	if (!dwfl_frame_pc(state, &pc, &activation)) {
		w->t->end = cf_xasprintf("no pc: %s", dwfl_errmsg(-1));
		return DWARF_CB_ABORT;
	}
	Dwarf_Word sp = 0;
	if (w->sp_reg >= 0)
		dwfl_frame_reg(state, (unsigned)w->sp_reg, &sp);
	return cf_frame_push(w->t, w->max, pc, sp, activation) ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static int on_thread(Dwfl_Thread *thread, void *arg)
{
	struct ctx *c = arg;
	pid_t tid = dwfl_thread_tid(thread);
	struct cf_thread_bt *t = NULL;
	for (size_t i = 0; i < c->bt->nthread && !t; i++)
		if (c->bt->thread[i].tid == (uint32_t)tid && !c->bt->thread[i].nframe && !c->bt->thread[i].end)
			t = &c->bt->thread[i];
	if (!t)
		return DWARF_CB_OK;
	struct walk w = {t, c->max, cf_dwarf_sp(c->m->core.machine)};
	if (dwfl_thread_getframes(thread, on_frame, &w) != 0 && !t->end)
		t->end = cf_xstrdup(dwfl_errmsg(-1));
	return DWARF_CB_OK;
}

static int unwind(const struct cf_model *m, const struct cf_regs *regs, struct cf_symbolizer *s, size_t max,
		  struct cf_backtrace *bt)
{
	Dwfl *dwfl = cf_symbolizer_dwfl(s);
	struct ctx c = {m, regs, bt, cf_xcalloc(bt->nthread, sizeof(struct targ)), max};
	for (size_t i = 0; i < bt->nthread; i++)
		c.targ[i] = (struct targ){&c, i};
	int r = 0;
	pid_t pid = m->notes.prpsinfo_pid ? (pid_t)m->notes.prpsinfo_pid : (pid_t)bt->thread[0].tid;
	if (!dwfl_attach_state(dwfl, m->core.elf, pid, &callbacks, &c) || dwfl_getthreads(dwfl, on_thread, &c) != 0)
		r = -1;
	/* The state refers to C: detach it from the symbolizer's Dwfl by
	 * never using dwfl's threads again (dwfl_end runs no callback here). */
	free(c.targ);
	return r;
}

const struct cf_unwinder cf_unwinder_dwfl = {.name = "dwfl", .cannot = "unsupported machine", .unwind = unwind};
