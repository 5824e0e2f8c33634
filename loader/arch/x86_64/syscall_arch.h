/* x86-64 system calls: numbers, and the trap with its clobbers. Only the
 * *at forms of path calls are used, so the generic table (aarch64) needs
 * no others. */
#ifndef CFRT_SYSCALL_ARCH_H
#define CFRT_SYSCALL_ARCH_H

enum {
	SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_fstat = 5, SYS_lseek = 8, SYS_mmap = 9,
	SYS_mprotect = 10, SYS_munmap = 11, SYS_rt_sigaction = 13, SYS_rt_sigprocmask = 14, SYS_rt_sigreturn = 15,
	SYS_pread64 = 17, SYS_sched_yield = 24, SYS_nanosleep = 35, SYS_getpid = 39, SYS_clone = 56,
	SYS_exit = 60, SYS_kill = 62, SYS_getcwd = 79,
	SYS_getppid = 110, SYS_sigaltstack = 131, SYS_arch_prctl = 158, SYS_gettid = 186, SYS_futex = 202,
	SYS_getdents64 = 217, SYS_set_tid_address = 218, SYS_exit_group = 231, SYS_tgkill = 234, SYS_openat = 257,
	SYS_unlinkat = 263, SYS_renameat = 264, SYS_readlinkat = 267, SYS_ppoll = 271, SYS_ioctl = 16,
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

#endif
