/* POSIX threads: clone with the thread's TLS and struct pthread at the top
 * of its own mapping; join waits on the tid the kernel clears at exit. */
#include <pthread.h>

#include "internal.h"
#include "libc.h"

extern long __clone(int (*fn)(void *), void *stack, int flags, void *arg, int *ptid, void *tls, int *ctid);

enum {
	CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000,
	CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
	CLONE_CHILD_CLEARTID = 0x200000,
};

static int start(void *arg)
{
	struct pthread *t = arg;
	t->result = t->start(t->arg);
	return 0;
}

int pthread_create(pthread_t *res, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	size_t stack = attr && attr->stacksize ? attr->stacksize : 2u << 20;
	stack = (stack + __cfrt_pagesize - 1) & -__cfrt_pagesize;
	size_t tls = __cfrt_tls_block_size(), guard = __cfrt_pagesize, size = guard + stack + tls;
	unsigned char *map = __cfrt_mmap(0, size, 3, 0x22, -1, 0);
	if (map == (void *)-1)
		return EAGAIN;
	mprotect(map, guard, 0);
	struct pthread *t = __cfrt_tls_init(map + guard + stack, tls);
	t->start = fn;
	t->arg = arg;
	t->map_base = map;
	t->map_size = size;
	t->detach_state = attr && attr->detached;
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
		    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	long r = __clone(start, map + guard + stack, flags, t, &t->tid, TP_OF(t), &t->tid);
	if (r < 0) {
		__cfrt_munmap(map, size);
		return (int)-r;
	}
	*res = (pthread_t)t;
	return 0;
}

int pthread_join(pthread_t th, void **result)
{
	struct pthread *t = (struct pthread *)th;
	int tid;
	/* The kernel's wake for CLONE_CHILD_CLEARTID is a shared futex: a
	 * private wait would never hear it. */
	while ((tid = t->tid))
		__syscall4(SYS_futex, (long)&t->tid, 0 /* FUTEX_WAIT */, tid, 0);
	if (result)
		*result = t->result;
	__cfrt_munmap(t->map_base, t->map_size);
	return 0;
}

int pthread_detach(pthread_t th)
{
	((struct pthread *)th)->detach_state = 1;
	return 0;
}

pthread_t pthread_self(void)
{
	return (pthread_t)__cfrt_self();
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

void pthread_exit(void *result)
{
	struct pthread *self = __cfrt_self();
	self->result = result;
	for (;;)
		__syscall1(SYS_exit, 0);
}

int pthread_attr_init(pthread_attr_t *a)
{
	a->stacksize = 0;
	a->detached = 0;
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	(void)a;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < 16384)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	a->detached = state == PTHREAD_CREATE_DETACHED;
	return 0;
}

/* Futex mutex (0 free, 1 locked, 2 locked with waiters), recursive on request. */
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	m->lock = 0;
	m->owner = 0;
	m->count = 0;
	m->type = attr ? attr->type : PTHREAD_MUTEX_NORMAL;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	(void)m;
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int me = __cfrt_self()->tid;
	if (m->type == PTHREAD_MUTEX_RECURSIVE && m->owner == me && m->lock) {
		m->count++;
		return 0;
	}
	if (__sync_val_compare_and_swap(&m->lock, 0, 1) != 0)
		return EBUSY;
	m->owner = me;
	m->count = 1;
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	if (pthread_mutex_trylock(m) == 0)
		return 0;
	while (__sync_lock_test_and_set(&m->lock, 2) != 0)
		__cfrt_futex_wait(&m->lock, 2);
	m->owner = __cfrt_self()->tid;
	m->count = 1;
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m->type == PTHREAD_MUTEX_RECURSIVE && --m->count > 0)
		return 0;
	m->owner = 0;
	if (__sync_lock_test_and_set(&m->lock, 0) == 2)
		__cfrt_futex_wake(&m->lock, 1);
	return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	a->type = PTHREAD_MUTEX_NORMAL;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	a->type = type;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	(void)a;
	return 0;
}
