/* Telling a real r_debug from bytes that merely look like one, and the
 * last-resort search for it: a bounded scan of the core's dumped writable
 * memory, where the loader keeps r_debug and the link_map chain. */
#include <elf.h>
#include <stdlib.h>

#include "rdebug.h"

enum {
	MAX_CHAIN = 4096,          /* link_map entries in one chain */
	MAX_NAME = 4096,           /* PATH_MAX */
	SCAN_BUDGET = 16384,       /* link_map entries read by the whole scan */
	SCAN_CANDIDATES = 512,     /* r_debug look-alikes walked */
};
#define SCAN_BYTES ((uint64_t)256 << 20)

bool cf_rdebug_check(const struct cf_model *m, uint64_t addr, uint64_t want_l_addr, size_t *budget,
		     struct cf_rdebug_chain *out)
{
	const struct cf_core *c = &m->core;
	unsigned w = cf_wordsize(&c->order);
	unsigned char v[4], st[4];
	uint64_t map, brk;
	*out = (struct cf_rdebug_chain){0};
	if (!addr || addr % w || !cf_core_read_all(c, addr, v, 4) || !cf_core_read_word(c, addr + w, &map) ||
	    !cf_core_read_word(c, addr + 2 * w, &brk) || !cf_core_read_all(c, addr + 3 * w, st, 4))
		return false;
	uint32_t version = cf_u32(&c->order, v), state = cf_u32(&c->order, st);
	if (version < 1 || version > 2 || state > 2 || !map || !brk)
		return false;
	/* r_brk is the loader's _dl_debug_state: code. A copy of r_debug in
	 * a stack frame points it elsewhere (seen in qemu cores). */
	const struct cf_segment *code = cf_core_segment(c, brk);
	if (code && !(code->flags & PF_X))
		return false;
	uint64_t lm = map, prev = 0;
	while (lm) {
		uint64_t e[5];  /* l_addr, l_name, l_ld, l_next, l_prev */
		if (out->entries == MAX_CHAIN || *budget == 0 || lm % w)
			return false;
		--*budget;
		for (unsigned i = 0; i < 5; i++)
			if (!cf_core_read_word(c, lm + i * w, &e[i]))
				return false;
		/* The l_prev agreement also rules out cycles: an entry seen
		 * again would need two different predecessors. */
		if (e[4] != prev || (e[0] & 0xfff))
			return false;
		if (e[1]) {
			char *name = cf_core_read_string(c, e[1], MAX_NAME);
			/* Unreadable is allowed: glibc points the main entry at
			 * "" in its read-only data, which qemu does not dump. */
			if (name && name[0])
				out->named++;
			free(name);
		} else if (prev) {
			return false;  /* only the main entry may lack a name */
		}
		out->has_l_addr |= e[0] == want_l_addr;
		out->entries++;
		prev = lm;
		lm = e[3];
	}
	return true;
}

static const char scan_how[] = "a bounded scan of writable memory for r_debug (no file needed)";

bool cf_rdebug_scan(const struct cf_model *m, uint64_t *addr, const char **how)
{
	const struct cf_core *c = &m->core;
	const struct cf_order *o = &c->order;
	unsigned w = cf_wordsize(o);
	uint64_t bytes = 0, best = 0;
	size_t budget = SCAN_BUDGET, cands = 0, best_len = 0;
	for (size_t i = 0; i < c->nseg && bytes < SCAN_BYTES && cands < SCAN_CANDIDATES && budget; i++) {
		const struct cf_segment *s = &c->seg[i];
		if (!(s->flags & PF_W) || s->filesz < 5 * w || s->offset > c->size || s->filesz > c->size - s->offset)
			continue;
		const unsigned char *p = c->image + s->offset;
		uint64_t n = s->filesz;
		if (n > SCAN_BYTES - bytes)
			n = SCAN_BYTES - bytes;
		bytes += n;
		for (uint64_t off = (w - s->vaddr % w) % w; off + 4 * w <= n && cands < SCAN_CANDIDATES && budget; off += w) {
			/* Cheap filters first: r_version, the int's padding (static
			 * storage, so zero), r_map, r_brk, r_state. */
			uint32_t version = cf_u32(o, p + off);
			if ((version != 1 && version != 2) || (w == 8 && cf_u32(o, p + off + 4) != 0))
				continue;
			uint64_t map = cf_word(o, p + off + w), brk = cf_word(o, p + off + 2 * w);
			if (!map || map % w || !brk || cf_u32(o, p + off + 3 * w) > 2 || !cf_core_segment(c, map))
				continue;
			cands++;
			struct cf_rdebug_chain ch;
			uint64_t at = (s->vaddr + off) & cf_addrmask(o);
			/* Two entries and a real name: one lone entry is too easy
			 * for stray bytes to imitate. */
			if (cf_rdebug_check(m, at, 0, &budget, &ch) && ch.entries >= 2 && ch.named >= 1 &&
			    ch.entries > best_len) {
				best = at;
				best_len = ch.entries;
			}
		}
	}
	if (!best_len)
		return false;
	*addr = best;
	*how = scan_how;
	return true;
}
