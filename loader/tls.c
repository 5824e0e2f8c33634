/* Thread-local storage in both ELF layouts, as the architecture's
 * pthread_arch.h picks: variant II (x86-64), each module's block below the
 * thread pointer; variant I (TLS_ABOVE_TP: aarch64), above it after a
 * GAP_ABOVE_TP-byte TCB. Offsets are fixed at start-up (static TLS);
 * __tls_get_addr and TLSDESC read the same blocks. Objects dlopen'ed later
 * may not bring TLS (reported, not crashed on). */
#include "internal.h"
#include "libc.h"

size_t __cfrt_tls_static_size, __cfrt_tls_static_align = 16, __cfrt_tls_cnt;

void __cfrt_tls_layout(struct dso *p)
{
	if (!p->tls_size && !p->tls_len)
		return;
	size_t a = p->tls_align ? p->tls_align : 1;
	p->tls_id = ++__cfrt_tls_cnt;
#ifdef TLS_ABOVE_TP
	/* The program's own block must land where its linker put it:
	 * GAP_ABOVE_TP rounded up to its alignment (it is laid out first). */
	if (__cfrt_tls_static_size < GAP_ABOVE_TP)
		__cfrt_tls_static_size = GAP_ABOVE_TP;
	p->tls_offset = (__cfrt_tls_static_size + a - 1) & -a;
	__cfrt_tls_static_size = p->tls_offset + p->tls_size;
#else
	__cfrt_tls_static_size = (__cfrt_tls_static_size + p->tls_size + a - 1) & -a;
	p->tls_offset = __cfrt_tls_static_size;
#endif
	if (a > __cfrt_tls_static_align)
		__cfrt_tls_static_align = a;
}

/* Offset of a TLS symbol of P from the thread pointer. */
size_t __cfrt_tpoff(const struct dso *p, size_t st_value, size_t addend)
{
#ifdef TLS_ABOVE_TP
	return p->tls_offset + st_value + addend;
#else
	return st_value + addend - p->tls_offset;
#endif
}

static size_t tp_align(void)
{
	return __cfrt_tls_static_align < 64 ? 64 : __cfrt_tls_static_align;
}

/* Bytes of the block before the thread pointer. */
static size_t below_tp(void)
{
	size_t a = tp_align();
#ifdef TLS_ABOVE_TP
	return (sizeof(struct pthread) + a - 1) & -a;
#else
	return (__cfrt_tls_static_size + a - 1) & -a;
#endif
}

/* Bytes from the thread pointer to the dtv. */
static size_t above_tp(void)
{
#ifdef TLS_ABOVE_TP
	return (__cfrt_tls_static_size + sizeof(void *) - 1) & -sizeof(void *);
#else
	return sizeof(struct pthread);
#endif
}

size_t __cfrt_tls_block_size(void)
{
	size_t n = below_tp() + above_tp() + (__cfrt_tls_cnt + 1) * sizeof(void *);
	return (n + __cfrt_pagesize - 1) & -__cfrt_pagesize;
}

/* MEM (zeroed, page aligned) becomes [TLS blocks][struct pthread][dtv]
 * (variant II) or [struct pthread][TCB][TLS blocks][dtv] (variant I). */
struct pthread *__cfrt_tls_init(void *mem, size_t size)
{
	(void)size;
	char *tp = (char *)mem + below_tp();
	struct pthread *self = SELF_OF(tp);
	void **dtv = (void **)(tp + above_tp());
	self->self = self;
	self->dtv = dtv;
	dtv[0] = (void *)__cfrt_tls_cnt;
	for (struct dso *p = __cfrt_head; p; p = p->next) {
		if (!p->tls_id)
			continue;
		char *block = tp + __cfrt_tpoff(p, 0, 0);
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
	struct pthread *self = __cfrt_self();
	return (char *)self->dtv[v->module] + v->offset;
}
