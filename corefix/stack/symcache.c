/* What symbolization learns about a module depends only on its build-id,
 * not on the core: the run-wide cache keeps it across cores. Lookups are
 * keyed by (build-id, link-time address) — the same in every core whatever
 * ASLR did — and answered by one Dwfl per build-id whose module sits at
 * its link address (bias 0), so its ELF, DWARF, decompressed sections and
 * symbol table are read once per run, not once per core. Unwinding still
 * needs each core's real addresses; its per-core Dwfl reads only CFI. */
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "symcache.h"

struct entry {
	unsigned char bid[CF_BUILDID_MAX];
	size_t len;             /* 0: empty slot */
	uint64_t addr;          /* link-time lookup address */
	struct cf_frame f;      /* symbol facts; function_offset relative to ADDR */
};

struct image {
	unsigned char bid[CF_BUILDID_MAX];
	size_t len;
	Dwfl *dwfl;             /* NULL: the file could not be reported */
};

struct cf_symcache {
	Dwfl_Callbacks cb;
	char *debuginfo_path;
	struct entry *tab;
	size_t n, cap;
	struct image *img;
	size_t nimg;
};

struct cf_symcache *cf_symcache_new(const struct cf_bt_options *o)
{
	struct cf_symcache *c = cf_xcalloc(1, sizeof *c);
	c->debuginfo_path = cf_debuginfo_path(o);
	cf_dwfl_callbacks(&c->cb, &c->debuginfo_path);
	return c;
}

void cf_symcache_free(struct cf_symcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->tab[i].len)
			cf_frame_free_symbols(&c->tab[i].f);
	free(c->tab);
	for (size_t i = 0; i < c->nimg; i++)
		if (c->img[i].dwfl)
			dwfl_end(c->img[i].dwfl);
	free(c->img);
	free(c->debuginfo_path);
	free(c);
}

static uint64_t hash(const unsigned char *bid, size_t len, uint64_t addr)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ bid[i]) * 0x100000001b3ull;
	return (h ^ addr) * 0x9e3779b97f4a7c15ull;
}

static struct entry *slot(struct cf_symcache *c, const unsigned char *bid, size_t len, uint64_t addr)
{
	size_t i = (size_t)(hash(bid, len, addr) >> 17) & (c->cap - 1);
	while (c->tab[i].len && !(c->tab[i].addr == addr && c->tab[i].len == len && !memcmp(c->tab[i].bid, bid, len)))
		i = (i + 1) & (c->cap - 1);
	return &c->tab[i];
}

const struct cf_frame *cf_symcache_find(struct cf_symcache *c, const unsigned char *bid, size_t len, uint64_t addr)
{
	if (!c->cap)
		return NULL;
	struct entry *e = slot(c, bid, len, addr);
	return e->len ? &e->f : NULL;
}

struct cf_frame *cf_symcache_put(struct cf_symcache *c, const unsigned char *bid, size_t len, uint64_t addr)
{
	if (2 * (c->n + 1) > c->cap) {
		struct entry *old = c->tab;
		size_t oldcap = c->cap;
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->tab = cf_xcalloc(c->cap, sizeof *c->tab);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].len)
				*slot(c, old[i].bid, old[i].len, old[i].addr) = old[i];
		free(old);
	}
	struct entry *e = slot(c, bid, len, addr);
	memcpy(e->bid, bid, len);
	e->len = len;
	e->addr = addr;
	memset(&e->f, 0, sizeof e->f);
	c->n++;
	return &e->f;
}

Dwfl *cf_symcache_dwfl(struct cf_symcache *c, const unsigned char *bid, size_t len, const char *path)
{
	for (size_t i = 0; i < c->nimg; i++)
		if (c->img[i].len == len && !memcmp(c->img[i].bid, bid, len))
			return c->img[i].dwfl;
	c->img = cf_xrealloc(c->img, c->nimg + 1, sizeof *c->img);
	struct image *im = &c->img[c->nimg++];
	memcpy(im->bid, bid, len);
	im->len = len;
	im->dwfl = dwfl_begin(&c->cb);
	if (!im->dwfl)
		return NULL;
	const char *base = strrchr(path, '/');
	dwfl_report_begin(im->dwfl);
	/* Base 0 with add_p_vaddr: the module sits at its link address. */
	bool ok = dwfl_report_elf(im->dwfl, base ? base + 1 : path, path, -1, 0, true) != NULL;
	dwfl_report_end(im->dwfl, NULL, NULL);
	if (!ok) {
		dwfl_end(im->dwfl);
		im->dwfl = NULL;
	}
	return im->dwfl;
}
