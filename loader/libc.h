/* The runtime's own view of itself: public headers plus internals. */
#ifndef CFRT_LIBC_H
#define CFRT_LIBC_H
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC visibility push(hidden)  /* internals: see internal.h */
struct stat_min {
	uint64_t dev, ino;
};
int __cfrt_fstat(int fd, struct stat_min *st);
long __cfrt_sys_ret(long r);
int __cfrt_futex_wait(volatile int *addr, int val);
int __cfrt_futex_wake(volatile int *addr, int n);
void __cfrt_lock(volatile int *l);
void __cfrt_unlock(volatile int *l);
#pragma GCC visibility pop
int mprotect(void *addr, size_t len, int prot);
#endif
