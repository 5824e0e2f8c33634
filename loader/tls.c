/* Thread-local storage, x86-64 variant II: each module's block sits below
 * the thread pointer, at a fixed offset chosen at start-up (static TLS);
 * __tls_get_addr reads the same blocks through the dtv. Objects dlopen'ed
 * later may not bring TLS (reported, not crashed on). */
#include "internal.h"
#include "libc.h"

size_t __cfrt_tls_static_size, __cfrt_tls_static_align = 16, __cfrt_tls_cnt;

void __cfrt_tls_layout(struct dso *p)
{
	if (!p->tls_size && !p->tls_len)
		return;
	size_t a = p->tls_align ? p->tls_align : 1;
	p->tls_id = ++__cfrt_tls_cnt;
	__cfrt_tls_static_size = (__cfrt_tls_static_size + p->tls_size + a - 1) & -a;
	p->tls_offset = __cfrt_tls_static_size;
	if (a > __cfrt_tls_static_align)
		__cfrt_tls_static_align = a;
}

static size_t tls_area(void)
{
	size_t a = __cfrt_tls_static_align < 64 ? 64 : __cfrt_tls_static_align;
	return (__cfrt_tls_static_size + a - 1) & -a;
}

size_t __cfrt_tls_block_size(void)
{
	size_t n = tls_area() + sizeof(struct pthread) + (__cfrt_tls_cnt + 1) * sizeof(void *);
	return (n + __cfrt_pagesize - 1) & -__cfrt_pagesize;
}

/* MEM (zeroed, page aligned) becomes [TLS blocks][struct pthread][dtv]. */
void *__cfrt_tls_init(void *mem, size_t size)
{
	(void)size;
	struct pthread *self = (struct pthread *)((char *)mem + tls_area());
	void **dtv = (void **)(self + 1);
	self->self = self;
	self->dtv = dtv;
	dtv[0] = (void *)__cfrt_tls_cnt;
	for (struct dso *p = __cfrt_head; p; p = p->next) {
		if (!p->tls_id)
			continue;
		char *block = (char *)self - p->tls_offset;
		memcpy(block, p->tls_image, p->tls_len);
		dtv[p->tls_id] = block;
	}
	const unsigned char *rnd = (const unsigned char *)__cfrt_auxv[AT_RANDOM];
	if (rnd)
		memcpy(&self->canary, rnd, sizeof self->canary);
	self->canary &= ~(uintptr_t)0xff;  /* a NUL byte stops string overflows */
	return self;
}

typedef struct {
	size_t module, offset;
} tls_index;

void *__tls_get_addr(tls_index *v)
{
	struct pthread *self = __get_tp();
	return (char *)self->dtv[v->module] + v->offset;
}
