/* The debugger interface, exactly as gdb's solib-svr4 reads it: _r_debug
 * (version 1), r_brk = _dl_debug_state, RT_ADD/RT_DELETE → change →
 * RT_CONSISTENT around every change, and DT_DEBUG of the program. */
#include "internal.h"

struct r_debug {
	int r_version;
	struct dso *r_map;
	void (*r_brk)(void);
	enum { RT_CONSISTENT, RT_ADD, RT_DELETE } r_state;
	uintptr_t r_ldbase;
};

struct r_debug _r_debug;

/* Debuggers put a breakpoint here: it must exist, stay out of line, and
 * be called after every change of r_state. */
__attribute__((noinline, used)) void _dl_debug_state(void)
{
	__asm__ volatile("" ::: "memory");
}

void __cfrt_debug_begin(int state)
{
	_r_debug.r_version = 1;
	_r_debug.r_brk = _dl_debug_state;
	_r_debug.r_ldbase = __cfrt_ldso->base;
	_r_debug.r_map = __cfrt_head;
	_r_debug.r_state = state == 1 ? RT_ADD : RT_DELETE;
	_dl_debug_state();
}

void __cfrt_debug_end(void)
{
	_r_debug.r_map = __cfrt_head;
	_r_debug.r_state = RT_CONSISTENT;
	_dl_debug_state();
}

/* The list is the dso list itself; only DT_DEBUG needs writing. */
void __cfrt_debug_add(struct dso *p)
{
	if (!p->is_main)
		return;
	for (Dyn *d = p->dynv; d->d_tag; d++)
		if (d->d_tag == DT_DEBUG)
			d->d_un.d_ptr = (uintptr_t)&_r_debug;
}
