/* System call wrappers, signals and futexes. */
#include "internal.h"
#include "libc.h"

#ifdef ARCH_SA_RESTORER
extern void __restore_rt(void) __attribute__((visibility("hidden")));
#endif

int *__errno_location(void)
{
	return &__cfrt_self()->errno_val;
}

long __cfrt_sys_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#define RET(x) return __cfrt_sys_ret(x)

ssize_t read(int fd, void *buf, size_t n) { RET(__syscall3(SYS_read, fd, (long)buf, (long)n)); }
ssize_t write(int fd, const void *buf, size_t n) { RET(__syscall3(SYS_write, fd, (long)buf, (long)n)); }
ssize_t pread(int fd, void *buf, size_t n, off_t off) { RET(__syscall4(SYS_pread64, fd, (long)buf, (long)n, off)); }
off_t lseek(int fd, off_t off, int whence) { RET(__syscall3(SYS_lseek, fd, off, whence)); }
int close(int fd) { return (int)__cfrt_sys_ret(__syscall1(SYS_close, fd)); }
int unlink(const char *path) { return (int)__cfrt_sys_ret(__syscall3(SYS_unlinkat, AT_FDCWD, (long)path, 0)); }
ssize_t readlink(const char *p, char *b, size_t n)
{
	RET(__syscall4(SYS_readlinkat, AT_FDCWD, (long)p, (long)b, (long)n));
}
pid_t getpid(void) { return (pid_t)__syscall0(SYS_getpid); }
pid_t getppid(void) { return (pid_t)__syscall0(SYS_getppid); }
pid_t gettid(void) { return (pid_t)__syscall0(SYS_gettid); }
int mprotect(void *a, size_t n, int prot) { return (int)__cfrt_sys_ret(__syscall3(SYS_mprotect, (long)a, (long)n, prot)); }
/* ppoll with nothing to poll and no timeout: what pause is where no pause exists. */
int pause(void) { return (int)__cfrt_sys_ret(__syscall4(SYS_ppoll, 0, 0, 0, 0)); }
void _exit(int status)
{
	for (;;)
		__syscall1(SYS_exit_group, status);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = va_arg(ap, int);
	va_end(ap);
	return (int)__cfrt_sys_ret(__syscall4(SYS_openat, AT_FDCWD, (long)path, flags | O_CLOEXEC, mode));
}

int __cfrt_fstat(int fd, struct stat_min *st)
{
	unsigned long buf[18];
	long r = __syscall2(SYS_fstat, fd, (long)buf);
	if (r < 0)
		return -1;
	st->dev = buf[0];
	st->ino = buf[1];
	return 0;
}

void *__cfrt_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	long r = __syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
	return (unsigned long)r > -4096UL ? (void *)-1 : (void *)r;
}

int __cfrt_munmap(void *addr, size_t len)
{
	return (int)__syscall2(SYS_munmap, (long)addr, (long)len);
}

struct timespec_min {
	long sec, nsec;
};

int usleep(unsigned long usec)
{
	struct timespec_min ts = {(long)(usec / 1000000), (long)(usec % 1000000) * 1000};
	return (int)__cfrt_sys_ret(__syscall2(SYS_nanosleep, (long)&ts, (long)&ts));
}

unsigned sleep(unsigned sec)
{
	struct timespec_min ts = {sec, 0};
	if (__syscall2(SYS_nanosleep, (long)&ts, (long)&ts) < 0)
		return (unsigned)ts.sec;
	return 0;
}

int __cfrt_futex_wait(volatile int *addr, int val)
{
	return (int)__syscall4(SYS_futex, (long)addr, 128 /* FUTEX_WAIT_PRIVATE */, val, 0);
}

int __cfrt_futex_wake(volatile int *addr, int n)
{
	return (int)__syscall3(SYS_futex, (long)addr, 129 /* FUTEX_WAKE_PRIVATE */, n);
}

void __cfrt_lock(volatile int *l)
{
	while (__sync_lock_test_and_set(l, 1))
		__cfrt_futex_wait(l, 1);
}

void __cfrt_unlock(volatile int *l)
{
	__sync_lock_release(l);
	__cfrt_futex_wake(l, 1);
}

/* Signals: the kernel's sigaction takes an 8-byte mask, and on some
 * machines (pthread_arch.h's ARCH_SA_RESTORER) a restorer; elsewhere
 * (aarch64) the kernel returns through its own vDSO trampoline. */
struct k_sigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct k_sigaction k, ko;
	if (act) {
		k.handler = (void *)act->sa_handler;
#ifdef ARCH_SA_RESTORER
		k.flags = (unsigned long)act->sa_flags | SA_RESTORER;
		k.restorer = __restore_rt;
#else
		k.flags = (unsigned long)act->sa_flags & ~(unsigned long)SA_RESTORER;
		k.restorer = 0;
#endif
		k.mask = act->sa_mask.bits[0];
	}
	long r = __syscall4(SYS_rt_sigaction, sig, act ? (long)&k : 0, old ? (long)&ko : 0, 8);
	if (r == 0 && old) {
		old->sa_handler = (void (*)(int))ko.handler;
		old->sa_flags = (int)ko.flags;
		old->sa_restorer = ko.restorer;
		old->sa_mask.bits[0] = ko.mask;
	}
	return (int)__cfrt_sys_ret(r);
}

sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction sa = {0}, old;
	sa.sa_handler = h;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

int raise(int sig)
{
	return (int)__cfrt_sys_ret(__syscall3(SYS_tgkill, __syscall0(SYS_getpid), __syscall0(SYS_gettid), sig));
}

int kill(pid_t pid, int sig) { return (int)__cfrt_sys_ret(__syscall2(SYS_kill, pid, sig)); }
int sigemptyset(sigset_t *s) { s->bits[0] = 0; return 0; }
int sigfillset(sigset_t *s) { s->bits[0] = ~0UL; return 0; }
int sigaddset(sigset_t *s, int sig) { s->bits[0] |= 1UL << (sig - 1); return 0; }
int sigdelset(sigset_t *s, int sig) { s->bits[0] &= ~(1UL << (sig - 1)); return 0; }
int sigismember(const sigset_t *s, int sig) { return !!(s->bits[0] & (1UL << (sig - 1))); }
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)__cfrt_sys_ret(__syscall4(SYS_rt_sigprocmask, how, (long)set, (long)old, 8));
}

