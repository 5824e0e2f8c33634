/* A frame's life: grown by the unwinder plug-ins (unwind.h), given its
 * symbol facts by the symbolizer and copied between it, its caches and
 * the store, freed with the backtrace that holds it. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "frame.h"

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

void cf_frame_free_symbols(struct cf_frame *f)
{
	free(f->function);
	free(f->file);
	for (size_t j = 0; j < f->ninl; j++) {
		free(f->inl[j].function);
		free(f->inl[j].file);
	}
	free(f->inl);
}

static char *dup_or_null(const char *s)
{
	return s ? cf_xstrdup(s) : NULL;
}

void cf_frame_copy_symbols(struct cf_frame *dst, const struct cf_frame *src)
{
	dst->function = dup_or_null(src->function);
	dst->function_offset = src->function_offset;
	dst->file = dup_or_null(src->file);
	dst->line = src->line;
	dst->column = src->column;
	dst->ninl = src->ninl;
	dst->inl = src->ninl ? cf_xcalloc(src->ninl, sizeof *dst->inl) : NULL;
	for (size_t j = 0; j < src->ninl; j++) {
		dst->inl[j] = src->inl[j];
		dst->inl[j].function = dup_or_null(src->inl[j].function);
		dst->inl[j].file = dup_or_null(src->inl[j].file);
	}
}

void cf_backtrace_free(struct cf_backtrace *bt)
{
	for (size_t i = 0; i < bt->nthread; i++) {
		struct cf_thread_bt *t = &bt->thread[i];
		for (size_t k = 0; k < t->nframe; k++)
			cf_frame_free_symbols(&t->frame[k]);
		free(t->frame);
		free(t->end);
	}
	free(bt->thread);
	free(bt->program);
	free(bt->args);
	free(bt->abort_msg);
	memset(bt, 0, sizeof *bt);
}
