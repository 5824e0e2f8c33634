/* aarch64 thread pointer: TPIDR_EL0, set from user space. TLS variant I:
 * the thread pointer is followed by a 16-byte TCB the compilers skip, then
 * the program's block; struct pthread sits just below it. */
#ifndef CFRT_PTHREAD_ARCH_H
#define CFRT_PTHREAD_ARCH_H

#define TLS_ABOVE_TP
#define GAP_ABOVE_TP 16

static inline void *__get_tp(void)
{
	void *tp;
	__asm__("mrs %0,tpidr_el0" : "=r"(tp));
	return tp;
}

static inline int __set_tp(void *tp)
{
	__asm__ volatile("msr tpidr_el0,%0" : : "r"(tp) : "memory");
	return 0;
}

#endif
