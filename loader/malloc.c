/* A real allocator, small on purpose: power-of-two size classes from 16
 * bytes to 4 KiB carved out of 64 KiB arenas and recycled through free
 * lists; larger blocks are their own mapping. Every block has a 16-byte
 * header holding its class (or mapping size), so alignment is 16. */
#include "internal.h"
#include "libc.h"

enum { HDR = 16, NCLASS = 9, ARENA = 64 * 1024 };

struct free_block {
	struct free_block *next;
};

static struct free_block *freelist[NCLASS];
static volatile int lock;

static size_t class_size(int c)
{
	return (size_t)16 << c;
}

static int class_of(size_t n)
{
	for (int c = 0; c < NCLASS; c++)
		if (n <= class_size(c))
			return c;
	return -1;
}

static int refill(int c)
{
	unsigned char *a = __cfrt_mmap(0, ARENA, 3, 0x22, -1, 0);
	if (a == (void *)-1)
		return -1;
	size_t step = class_size(c) + HDR;
	for (size_t off = 0; off + step <= ARENA; off += step) {
		struct free_block *b = (struct free_block *)(a + off + HDR);
		((size_t *)(a + off))[0] = (size_t)c;
		b->next = freelist[c];
		freelist[c] = b;
	}
	return 0;
}

void *malloc(size_t n)
{
	if (n > ((size_t)1 << 47)) {
		errno = ENOMEM;
		return NULL;
	}
	int c = class_of(n ? n : 1);
	if (c < 0) {
		size_t len = (n + HDR + __cfrt_pagesize - 1) & -__cfrt_pagesize;
		unsigned char *m = __cfrt_mmap(0, len, 3, 0x22, -1, 0);
		if (m == (void *)-1) {
			errno = ENOMEM;
			return NULL;
		}
		((size_t *)m)[0] = NCLASS;
		((size_t *)m)[1] = len;
		return m + HDR;
	}
	__cfrt_lock(&lock);
	if (!freelist[c] && refill(c) != 0) {
		__cfrt_unlock(&lock);
		errno = ENOMEM;
		return NULL;
	}
	struct free_block *b = freelist[c];
	freelist[c] = b->next;
	__cfrt_unlock(&lock);
	return b;
}

static size_t usable(void *p)
{
	size_t *h = (size_t *)((unsigned char *)p - HDR);
	return h[0] == NCLASS ? h[1] - HDR : class_size((int)h[0]);
}

void free(void *p)
{
	if (!p)
		return;
	size_t *h = (size_t *)((unsigned char *)p - HDR);
	if (h[0] == NCLASS) {
		__cfrt_munmap(h, h[1]);
		return;
	}
	if (h[0] >= NCLASS)
		__cfrt_fatal("free(%p): not a block from malloc", p);
	__cfrt_lock(&lock);
	struct free_block *b = p;
	b->next = freelist[h[0]];
	freelist[h[0]] = b;
	__cfrt_unlock(&lock);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (!n) {
		free(p);
		return NULL;
	}
	size_t have = usable(p);
	if (n <= have)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}
