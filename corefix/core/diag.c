#define _GNU_SOURCE
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("corefix: out of memory\n", stderr);
	exit(2);
}

void *cf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *cf_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		oom();
	return p;
}

void *cf_xrealloc(void *p, size_t n, size_t sz)
{
	if (sz && n > (size_t)-1 / sz)
		oom();
	p = realloc(p, n && sz ? n * sz : 1);
	if (!p)
		oom();
	return p;
}

void *cf_grow(void *p, size_t n, size_t sz)
{
	if (n & (n - 1))
		return p;  /* capacity is the next power of two: still room */
	return cf_xrealloc(p, n ? 2 * n : 1, sz);
}

char *cf_xstrdup(const char *s)
{
	return cf_xstrndup(s, strlen(s));
}

char *cf_xstrndup(const char *s, size_t n)
{
	char *p = cf_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *cf_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

void cf_warn(struct cf_diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (d->nwarn >= CF_MAX_WARN) {
		d->suppressed++;
		free(s);
		return;
	}
	for (size_t i = 0; i < d->nwarn; i++)
		if (strcmp(d->warn[i], s) == 0) {
			free(s);
			return;
		}
	if (d->nwarn == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->warn = cf_xrealloc(d->warn, d->cap, sizeof *d->warn);
	}
	d->warn[d->nwarn++] = s;
}

int cf_fail(struct cf_diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof d->error, fmt, ap);
	va_end(ap);
	return -1;
}

void cf_diag_free(struct cf_diag *d)
{
	for (size_t i = 0; i < d->nwarn; i++)
		free(d->warn[i]);
	free(d->warn);
	d->warn = NULL;
	d->nwarn = d->cap = 0;
}

uint64_t cf_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}
