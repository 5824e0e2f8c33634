/* The frames a backtrace is made of (frame.c): each frame's pc and symbol
 * facts, every thread's frames, and the backtrace of a core with the facts
 * of its crash. The ground of stack/: the unwinders grow the frames, the
 * symbolizer, its cache and the store fill and copy their symbol facts,
 * the backtrace holds them all. */
#ifndef COREFIX_FRAME_H
#define COREFIX_FRAME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cf_module;

struct cf_inline {                      /* a function inlined at a frame's pc */
	char *function;
	char *file;
	int line, column;
};

struct cf_frame {
	uint64_t pc;
	uint64_t sp;                    /* the frame's stack pointer (CFA side), 0 if unknown */
	bool activation;                /* pc is exact (frame 0, or interrupted by a signal) */
	bool signal_frame;              /* a signal trampoline's frame */
	bool tail_call;                 /* rebuilt from call-site DWARF: a tail call left no frame */
	const struct cf_module *mod;
	uint64_t offset;                /* pc - bias: the same across ASLR */
	char *function;                 /* demangled; NULL when unknown */
	uint64_t function_offset;
	char *file;
	int line, column;
	struct cf_inline *inl;          /* innermost first */
	size_t ninl;
};

struct cf_thread_bt {
	uint32_t tid;
	size_t note;                    /* its NT_PRSTATUS (index in model notes) */
	bool crashed;
	struct cf_frame *frame;
	size_t nframe;
	char *end;                      /* why the walk stopped early; NULL: outermost frame reached */
};

struct cf_backtrace {
	const char *unwinder;
	struct cf_thread_bt *thread;
	size_t nthread;
	int signo, code;
	bool have_code;                 /* only NT_SIGINFO says how the signal came */
	bool have_addr;
	uint64_t addr;
	uint32_t crashed_tid;
	char *program, *args;
	char *abort_msg;
};

/* Appends a frame; false (with T->end set) when the walk must stop. */
bool cf_frame_push(struct cf_thread_bt *t, size_t max, uint64_t pc, uint64_t sp, bool activation);
/* Frees what symbolization put in F (names, files, inline chain). */
void cf_frame_free_symbols(struct cf_frame *f);
/* Copies the symbol facts (not pc, sp, module) of SRC into DST. */
void cf_frame_copy_symbols(struct cf_frame *dst, const struct cf_frame *src);
void cf_backtrace_free(struct cf_backtrace *bt);

#endif
