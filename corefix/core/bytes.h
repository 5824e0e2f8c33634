/* Class- and byte-order-neutral reads of raw words from untrusted buffers.
 * Callers bounds-check before calling; these only decode. */
#ifndef COREFIX_BYTES_H
#define COREFIX_BYTES_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct cf_order {
	bool big;       /* ELFDATA2MSB */
	bool is64;      /* ELFCLASS64 */
};

static inline uint64_t cf_get(const struct cf_order *o, const void *p, unsigned n)
{
	const unsigned char *b = p;
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[o->big ? n - 1 - i : i] << (8 * i);
	return v;
}

static inline uint16_t cf_u16(const struct cf_order *o, const void *p) { return (uint16_t)cf_get(o, p, 2); }
static inline uint32_t cf_u32(const struct cf_order *o, const void *p) { return (uint32_t)cf_get(o, p, 4); }
static inline uint64_t cf_u64(const struct cf_order *o, const void *p) { return cf_get(o, p, 8); }
static inline unsigned cf_wordsize(const struct cf_order *o) { return o->is64 ? 8 : 4; }
static inline uint64_t cf_word(const struct cf_order *o, const void *p) { return cf_get(o, p, cf_wordsize(o)); }
static inline uint64_t cf_addrmask(const struct cf_order *o) { return o->is64 ? UINT64_MAX : UINT32_MAX; }

static inline void cf_put(const struct cf_order *o, void *p, uint64_t v, unsigned n)
{
	unsigned char *b = p;
	for (unsigned i = 0; i < n; i++)
		b[o->big ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

#endif
