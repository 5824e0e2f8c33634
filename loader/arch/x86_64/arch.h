/* x86-64: everything the loader and runtime need to know about the
 * machine lives here (syscalls, the thread pointer, relocation types), so
 * another architecture is one more folder like this one. */
#ifndef CFRT_ARCH_H
#define CFRT_ARCH_H

#define CFRT_ELFCLASS ELFCLASS64
#define CFRT_EM EM_X86_64

#define REL_NONE 0      /* R_X86_64_NONE */
#define REL_SYMBOLIC 1  /* R_X86_64_64 */
#define REL_COPY 5
#define REL_GOT 6       /* GLOB_DAT */
#define REL_PLT 7       /* JUMP_SLOT */
#define REL_RELATIVE 8
#define REL_DTPMOD 16
#define REL_DTPOFF 17
#define REL_TPOFF 18
#define REL_IRELATIVE 37

enum {
	SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_fstat = 5, SYS_lseek = 8, SYS_mmap = 9,
	SYS_mprotect = 10, SYS_munmap = 11, SYS_rt_sigaction = 13, SYS_rt_sigprocmask = 14, SYS_rt_sigreturn = 15,
	SYS_pread64 = 17, SYS_sched_yield = 24, SYS_pause = 34, SYS_nanosleep = 35, SYS_getpid = 39, SYS_clone = 56,
	SYS_exit = 60, SYS_kill = 62, SYS_getcwd = 79, SYS_rename = 82, SYS_unlink = 87, SYS_readlink = 89,
	SYS_getppid = 110, SYS_sigaltstack = 131, SYS_arch_prctl = 158, SYS_gettid = 186, SYS_futex = 202,
	SYS_getdents64 = 217, SYS_set_tid_address = 218, SYS_exit_group = 231, SYS_tgkill = 234, SYS_openat = 257,
};

static inline long __syscall0(long n)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
	return r;
}

static inline long __syscall1(long n, long a)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}

static inline long __syscall2(long n, long a, long b)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static inline long __syscall3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static inline long __syscall4(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

/* The thread pointer: %fs base, pointing at the thread's struct pthread. */
static inline void *__get_tp(void)
{
	void *tp;
	__asm__("mov %%fs:0,%0" : "=r"(tp));
	return tp;
}

#define ARCH_SET_FS 0x1002
static inline int __set_tp(void *tp)
{
	return (int)__syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)tp);
}

/* Jump to a program's entry with the stack the kernel (or we) laid out. */
#define CRTJMP(pc, sp)                                                                                             \
	__asm__ __volatile__("mov %1,%%rsp ; xor %%edx,%%edx ; jmp *%0" : : "r"(pc), "r"(sp) : "memory")

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
