/* Constructors and destructors: DT_PREINIT_ARRAY of the program first,
 * then every object after its dependencies (DT_INIT, then
 * DT_INIT_ARRAY); destructors in exactly the reverse order at exit. */
#include "internal.h"
#include "libc.h"

static struct dso *fini_head;
static volatile int init_lock;

typedef void (*fn_t)(void);

static void init_one(struct dso *p, int depth)
{
	if (p->constructed || depth > 256)
		return;
	p->constructed = 1;
	for (size_t i = 0; i < p->ndeps; i++)
		init_one(p->deps[i], depth + 1);
	if (p->dyn[DT_FINI] || p->dyn[DT_FINI_ARRAY]) {
		p->fini_next = fini_head;
		fini_head = p;
	}
	if (p->dyn[DT_INIT])
		((fn_t)(p->base + p->dyn[DT_INIT]))();
	if (p->dyn[DT_INIT_ARRAY]) {
		fn_t *a = (fn_t *)(p->base + p->dyn[DT_INIT_ARRAY]);
		for (size_t i = 0; i < p->dyn[DT_INIT_ARRAYSZ] / sizeof *a; i++)
			if (a[i] && a[i] != (fn_t)-1)
				a[i]();
	}
}

void __cfrt_do_init(struct dso *p)
{
	__cfrt_lock(&init_lock);
	if (p->is_main && p->dyn[DT_PREINIT_ARRAY]) {
		fn_t *a = (fn_t *)(p->base + p->dyn[DT_PREINIT_ARRAY]);
		for (size_t i = 0; i < p->dyn[DT_PREINIT_ARRAYSZ] / sizeof *a; i++)
			a[i]();
	}
	__cfrt_unlock(&init_lock);
	init_one(p, 0);
}

static void fini_one(struct dso *p)
{
	if (p->destructed)
		return;
	p->destructed = 1;
	if (p->dyn[DT_FINI_ARRAY]) {
		fn_t *a = (fn_t *)(p->base + p->dyn[DT_FINI_ARRAY]);
		for (size_t i = p->dyn[DT_FINI_ARRAYSZ] / sizeof *a; i-- > 0;)
			if (a[i] && a[i] != (fn_t)-1)
				a[i]();
	}
	if (p->dyn[DT_FINI])
		((fn_t)(p->base + p->dyn[DT_FINI]))();
}

void __cfrt_run_fini(void)
{
	for (struct dso *p = fini_head; p; p = p->fini_next)
		fini_one(p);
}

/* dlclose of one object runs its destructors now and drops it from the list. */
void __cfrt_fini_dso(struct dso *p)
{
	fini_one(p);
	for (struct dso **pp = &fini_head; *pp; pp = &(*pp)->fini_next)
		if (*pp == p) {
			*pp = p->fini_next;
			break;
		}
}
