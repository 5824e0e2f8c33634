/* stdlib.h: process exit in the right order (atexit handlers, then
 * destructors, then stdio), abort, environment, number parsing, qsort. */
#include <limits.h>

#include "internal.h"
#include "libc.h"

static void (*handlers[64])(void);
static int nhandlers;
static volatile int exit_lock;

int atexit(void (*fn)(void))
{
	if (nhandlers == 64)
		return -1;
	handlers[nhandlers++] = fn;
	return 0;
}

void exit(int status)
{
	__cfrt_lock(&exit_lock);
	while (nhandlers > 0)
		handlers[--nhandlers]();
	__cfrt_run_fini();
	__cfrt_stdio_flush_all();
	_exit(status);
}

void _Exit(int status)
{
	_exit(status);
}

void abort(void)
{
	raise(SIGABRT);
	/* A handler returned or SIGABRT was ignored: die anyway. */
	struct sigaction sa = {0};
	sa.sa_handler = SIG_DFL;
	sigaction(SIGABRT, &sa, NULL);
	raise(SIGABRT);
	_exit(127);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "%s: %s:%d: %s: Assertion `%s' failed.\n", __cfrt_progname, file, line, func, expr);
	abort();
}

char *getenv(const char *name)
{
	size_t n = strlen(name);
	for (char **e = __environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static unsigned long long parse(const char *s, char **end, int base, int *neg, int *ok)
{
	const char *p = s;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*neg = 0;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	unsigned long long v = 0;
	int any = 0;
	*ok = 1;
	for (;; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'z' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'Z' ? *p - 'A' + 10 : 99;
		if (d >= base)
			break;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*ok = 0;
		v = v * (unsigned)base + (unsigned)d;
		any = 1;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg, ok;
	unsigned long long v = parse(s, end, base, &neg, &ok);
	if (!ok || v > (unsigned long long)LLONG_MAX + neg) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg, ok;
	unsigned long long v = parse(s, end, base, &neg, &ok);
	if (!ok) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return neg ? 0 - v : v;
}

long strtol(const char *s, char **end, int base) { return (long)strtoll(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return (unsigned long)strtoull(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }

static void swap(char *a, char *b, size_t n)
{
	while (n--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Heapsort: no recursion, no allocation, n log n worst case. */
static void sift(char *base, size_t root, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

void qsort(void *b, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *base = b;
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift(base, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(base, base + end * size, size);
		sift(base, 0, end, size, cmp);
	}
}
