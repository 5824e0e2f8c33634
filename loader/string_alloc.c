/* The string functions that allocate: apart from string.c, which malloc
 * itself uses, so the allocator and the plain loops stay one-way. */
#include "libc.h"

char *strdup(const char *s)
{
	return strndup(s, strlen(s));
}

char *strndup(const char *s, size_t n)
{
	n = strnlen(s, n);
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}
