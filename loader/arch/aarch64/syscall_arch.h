/* aarch64 system calls: the generic table (no open, rename, unlink,
 * readlink or pause: the runtime uses the *at forms and ppoll), number in
 * x8, arguments in x0..x5, `svc 0`. */
#ifndef CFRT_SYSCALL_ARCH_H
#define CFRT_SYSCALL_ARCH_H

enum {
	SYS_getcwd = 17, SYS_ioctl = 29, SYS_unlinkat = 35, SYS_renameat = 38, SYS_openat = 56, SYS_close = 57,
	SYS_getdents64 = 61, SYS_lseek = 62, SYS_read = 63, SYS_write = 64, SYS_pread64 = 67, SYS_ppoll = 73,
	SYS_readlinkat = 78, SYS_fstat = 80, SYS_exit = 93, SYS_exit_group = 94, SYS_set_tid_address = 96,
	SYS_futex = 98, SYS_nanosleep = 101, SYS_sched_yield = 124, SYS_kill = 129, SYS_tgkill = 131,
	SYS_sigaltstack = 132, SYS_rt_sigaction = 134, SYS_rt_sigprocmask = 135, SYS_rt_sigreturn = 139,
	SYS_getpid = 172, SYS_getppid = 173, SYS_gettid = 178, SYS_munmap = 215, SYS_clone = 220, SYS_mmap = 222,
	SYS_mprotect = 226,
};

#define SVC(...)                                                                                                   \
	__asm__ volatile("svc 0" : "=r"(x0) : "r"(x8), ##__VA_ARGS__ : "memory", "cc");                           \
	return x0

static inline long __syscall0(long n)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0");
	SVC();
}

static inline long __syscall1(long n, long a)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a;
	SVC("0"(x0));
}

static inline long __syscall2(long n, long a, long b)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b;
	SVC("0"(x0), "r"(x1));
}

static inline long __syscall3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
	SVC("0"(x0), "r"(x1), "r"(x2));
}

static inline long __syscall4(long n, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c,
				x3 __asm__("x3") = d;
	SVC("0"(x0), "r"(x1), "r"(x2), "r"(x3));
}

static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c,
				x3 __asm__("x3") = d, x4 __asm__("x4") = e, x5 __asm__("x5") = f;
	SVC("0"(x0), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5));
}

#endif
