/* Growing one thread's stack, for every unwinder plug-in (unwind.h). */
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

bool cf_frame_push(struct cf_thread_bt *t, size_t max, uint64_t pc, uint64_t sp, bool activation)
{
	if (t->nframe >= max) {
		t->end = cf_xasprintf("stopped at --max-frames %zu", max);
		return false;
	}
	/* Recursion repeats a pc; only a frame that neither moves the pc nor
	 * the stack is a loop (corrupt CFI or stack). An unknown sp (0) tells
	 * nothing: --max-frames ends such a loop. */
	if (t->nframe && sp && t->frame[t->nframe - 1].pc == pc && t->frame[t->nframe - 1].sp == sp) {
		t->end = cf_xstrdup("the stack does not move (corrupt?)");
		return false;
	}
	if (pc == 0 && t->nframe > 0)
		return false;  /* the outermost frame's zero return address */
	t->frame = cf_xrealloc(t->frame, t->nframe + 1, sizeof *t->frame);
	memset(&t->frame[t->nframe], 0, sizeof *t->frame);
	t->frame[t->nframe].pc = pc;
	t->frame[t->nframe].sp = sp;
	t->frame[t->nframe].activation = activation;
	t->nframe++;
	return true;
}
