/* Diagnostics collected while reading a core. Readers never print: they
 * record warnings here, and the command that owns the output decides where
 * they go (stderr for people, a JSON array for machines). */
#ifndef COREFIX_DIAG_H
#define COREFIX_DIAG_H
#include <stddef.h>
#include <stdint.h>

/* A crafted core can raise a warning per mapping: keep the first ones. */
#define CF_MAX_WARN 200

struct cf_diag {
	char **warn;
	size_t nwarn, cap;
	char error[512];        /* the one fatal problem, if any */
	int partial;            /* something was unusable, output is incomplete */
	size_t suppressed;      /* warnings past the first CF_MAX_WARN, counted only */
};

void cf_warn(struct cf_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cf_fail(struct cf_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_diag_free(struct cf_diag *d);

/* Allocation that never returns NULL: corefix cannot do anything useful
 * without memory, and a clear message beats a NULL dereference. */
void *cf_xmalloc(size_t n);
void *cf_xcalloc(size_t n, size_t sz);
void *cf_xrealloc(void *p, size_t n, size_t sz);
char *cf_xstrdup(const char *s);
/* Room for element N of an array grown by doubling (N elements in use). */
void *cf_grow(void *p, size_t n, size_t sz);
char *cf_xstrndup(const char *s, size_t n);
char *cf_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* FNV-1a of S: stable across machines and versions, which is all a key
 * (a bundle member name, a hash table slot) needs. */
uint64_t cf_hash_str(const char *s);

#endif
