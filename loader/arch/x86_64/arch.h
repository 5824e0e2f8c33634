/* x86-64: everything the loader and runtime need to know about the
 * machine lives in this folder, as musl keeps arch/x86_64/: syscall_arch.h
 * (numbers and the trap), reloc.h (ELF class, relocation types, entry),
 * pthread_arch.h (the thread pointer, TLS variant), and here the layout of
 * a signal's registers in a core. Another architecture is one more folder. */
#ifndef CFRT_ARCH_H
#define CFRT_ARCH_H

#include "syscall_arch.h"
#include "reloc.h"
#include "pthread_arch.h"

/* Registers of a signal's ucontext in NT_PRSTATUS (user_regs_struct)
 * order, for the CFRT_CORE writer. gregs (at offset 40 of ucontext_t) are
 * r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags
 * csgsfs ...; user_regs_struct is r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax
 * rcx rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs. */
#define ARCH_PRSTATUS_NREGS 27
#define ARCH_PRSTATUS_SIZE 336
#define ARCH_PRSTATUS_REGS 112
static inline void arch_prstatus_regs(const void *ucontext, void *tp, unsigned long long *r)
{
	const unsigned long long *g = (const unsigned long long *)((const char *)ucontext + 40);
	static const signed char from[ARCH_PRSTATUS_NREGS] = {7, 6, 5, 4, 10, 11, 3, 2, 1, 0, 13, 14, 12, 9,
							      8, -1, 16, -2, 17, 15, -3, -4, -5, -5, -5, -5, -5};
	for (int i = 0; i < ARCH_PRSTATUS_NREGS; i++) {
		int f = from[i];
		r[i] = f >= 0 ? g[f] : f == -1 ? (unsigned long long)-1 : f == -2 ? 0x33 : f == -3 ? 0x2b
		       : f == -4 ? (unsigned long long)(unsigned long)tp : 0;
	}
}

#endif
