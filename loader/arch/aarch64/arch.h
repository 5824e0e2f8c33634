/* aarch64: everything the loader and runtime need to know about the
 * machine lives in this folder (see arch/x86_64/arch.h for the split):
 * here, the layout of a signal's registers in a core. */
#ifndef CFRT_ARCH_H
#define CFRT_ARCH_H

#include "syscall_arch.h"
#include "reloc.h"
#include "pthread_arch.h"

/* NT_PRSTATUS carries struct user_pt_regs: x0..x30, sp, pc, pstate. The
 * ucontext's struct sigcontext holds the same words in the same order
 * after fault_address: uc_mcontext is at 176 (uc_sigmask is padded to
 * 128 bytes, then 16-byte alignment), its regs[] at 184. */
#define ARCH_PRSTATUS_NREGS 34
#define ARCH_PRSTATUS_SIZE 392
#define ARCH_PRSTATUS_REGS 112
static inline void arch_prstatus_regs(const void *ucontext, void *tp, unsigned long long *r)
{
	(void)tp;  /* the thread pointer is NT_ARM_TLS, not a general register */
	const unsigned long long *g = (const unsigned long long *)((const char *)ucontext + 184);
	for (int i = 0; i < ARCH_PRSTATUS_NREGS; i++)
		r[i] = g[i];
}

#endif
