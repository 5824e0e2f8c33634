/* Building ELF note data in memory. */
#include <string.h>

#include "diag.h"
#include "notebuf.h"

/* Room for N more bytes. */
static void reserve(struct cf_buf *b, size_t n)
{
	if (b->n + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + n)
		cap *= 2;
	b->p = cf_xrealloc(b->p, cap, 1);
	b->cap = cap;
}

void cf_buf_put_raw(struct cf_buf *b, const void *d, size_t n)
{
	if (!n)
		return;
	reserve(b, n);
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

void cf_buf_put(struct cf_buf *b, const void *d, size_t n)
{
	reserve(b, n + 4);
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
	while (b->n % 4)
		b->p[b->n++] = 0;
}

void cf_buf_note(struct cf_buf *b, const struct cf_order *o, const char *owner, uint32_t type, const void *desc,
		 size_t len)
{
	unsigned char h[12];
	cf_put(o, h, strlen(owner) + 1, 4);
	cf_put(o, h + 4, len, 4);
	cf_put(o, h + 8, type, 4);
	cf_buf_put(b, h, sizeof h);
	cf_buf_put(b, owner, strlen(owner) + 1);
	cf_buf_put(b, desc, len);
}
