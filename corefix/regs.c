/* NT_PRSTATUS registers in DWARF numbering, the common language of both
 * unwinders. */
#include <elf.h>

#include "backtrace.h"

int cf_dwarf_regs(const struct cf_model *m, size_t i, uint64_t *regs, size_t max, uint64_t *pc)
{
	/* x86-64 DWARF 0..16 (rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip) from
	 * user_regs_struct order. */
	static const unsigned char x86_64[] = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
	const struct cf_thread *t = &m->notes.thread[i];
	unsigned w = cf_wordsize(&m->core.order);
	size_t base = 16 + 2 * w + 16 + 8 * w, n;
	const unsigned char *map = NULL;
	size_t nuser;
	switch (m->core.machine) {
	case EM_X86_64: map = x86_64, n = sizeof x86_64, nuser = 27; break;
	case EM_AARCH64: n = 32, nuser = 34; break;  /* x0..x30, sp; then pc */
	default: return -1;
	}
	if (n > max || base + nuser * w > t->prstatus_len)
		return -1;
	for (size_t r = 0; r < n; r++)
		regs[r] = cf_word(&m->core.order, t->prstatus + base + (map ? map[r] : r) * w);
	*pc = map ? regs[16] : cf_word(&m->core.order, t->prstatus + base + 32 * w);
	return (int)n;
}
