/* Builds the backtrace: one entry per thread (KM's repeated thread once),
 * unwound by the chosen backend, every frame symbolized by libdwfl. */
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "symbolize.h"
#include "symcache.h"
#include "tailcall.h"
#include "unwind.h"

/* The unwinder plug-ins, the default first. */
static const struct cf_unwinder *const unwinders[] = {&cf_unwinder_dwfl, &cf_unwinder_libunwind};

int cf_backtrace_build(const struct cf_model *m, const struct cf_bt_options *o, struct cf_backtrace *bt,
		       struct cf_diag *d)
{
	memset(bt, 0, sizeof *bt);
	const struct cf_unwinder *u = unwinders[0];
	for (size_t i = 0; o->unwinder && i < sizeof unwinders / sizeof *unwinders; i++)
		if (!strcmp(o->unwinder, unwinders[i]->name))
			u = unwinders[i];
	bt->unwinder = u->name;
	bt->thread = cf_xcalloc(m->notes.nthread, sizeof *bt->thread);
	bool *first = cf_xcalloc(m->notes.nthread + 1, sizeof *first);
	cf_notes_first_threads(&m->notes, first);
	for (size_t i = 0; i < m->notes.nthread; i++)
		if (first[i])
			bt->thread[bt->nthread++] = (struct cf_thread_bt){.tid = m->notes.thread[i].tid, .note = i};
	free(first);
	if (!bt->nthread) {
		cf_backtrace_free(bt);  /* on failure the caller has nothing to free */
		return cf_fail(d, "%s: no thread (NT_PRSTATUS) in the core", m->core.path);
	}
	size_t max = o->max_frames ? o->max_frames : 256;
	char why[256];
	struct cf_regs *regs = cf_regs_read(m, why, sizeof why);
	if (!regs) {
		cf_backtrace_free(bt);
		return cf_fail(d, "%s: cannot read the threads' registers: %s", m->core.path, why);
	}
	struct cf_symcache *own = o->cache ? NULL : cf_symcache_new(o);
	struct cf_symbolizer *s = cf_symbolizer_new(m, o, o->cache ? o->cache : own);
	int r = u->unwind(m, regs, s, max, bt);
	size_t frames = 0;
	for (size_t i = 0; i < bt->nthread; i++) {
		struct cf_thread_bt *t = &bt->thread[i];
		frames += t->nframe;
		if (!regs[t->note].ok) {
			/* The unwinder's own message would be "no error". */
			free(t->end);
			t->end = cf_xasprintf("no registers: elfutils cannot read thread %u's NT_PRSTATUS", t->tid);
		} else if (!t->end && t->nframe) {
			/* libdwfl ends a walk on unreadable stack without a word: a
			 * truncated core would look like a complete one-frame stack. */
			uint64_t sp = t->frame[t->nframe - 1].sp, word;
			if (sp && !cf_core_read_all(&m->core, sp, &word, sizeof word))
				t->end = cf_xasprintf("the stack at 0x%llx is not in the core (truncated?)",
						      (unsigned long long)sp);
		}
	}
	free(regs);
	if (r == 0 && frames == 0) {
		char *end = bt->thread[0].end ? cf_xstrdup(bt->thread[0].end) : NULL;
		cf_symbolizer_free(s);
		cf_symcache_free(own);
		cf_backtrace_free(bt);
		cf_fail(d, "%s: no thread could be unwound (%s)", m->core.path, end ? end : "no frame");
		free(end);
		return -1;
	}
	if (r != 0) {
		cf_symbolizer_free(s);
		cf_symcache_free(own);
		cf_backtrace_free(bt);
		return cf_fail(d, "%s: the %s unwinder cannot read this core (%s)", m->core.path, u->name, u->cannot);
	}
	struct cf_tailcalls *tc = cf_tailcalls_new();
	for (size_t i = 0; i < bt->nthread; i++) {
		struct cf_thread_bt *t = &bt->thread[i];
		for (size_t k = 0; k < t->nframe; k++) {
			if (k + 1 < t->nframe && t->frame[k + 1].activation)
				t->frame[k].signal_frame = true;
			cf_symbolize(s, m, &t->frame[k]);
		}
		cf_tailcall_frames(tc, s, o->cache ? o->cache : own, m, t, max);
	}
	cf_tailcalls_free(tc);
	cf_symbolizer_free(s);
	cf_symcache_free(own);
	cf_crash_facts(m, bt);
	return 0;
}
