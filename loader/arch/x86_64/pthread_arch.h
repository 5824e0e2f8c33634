/* x86-64 thread pointer: %fs base, pointing at the thread's struct
 * pthread itself (TLS variant II: the TLS blocks sit below it). */
#ifndef CFRT_PTHREAD_ARCH_H
#define CFRT_PTHREAD_ARCH_H

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

/* The kernel's sigaction wants a restorer here (start.S's __restore_rt). */
#define ARCH_SA_RESTORER 1

#endif
