/* What symbolization learns about a module depends only on its build-id,
 * not on the core: the run-wide cache keeps it across cores. Lookups are
 * keyed by (build-id, link-time address) — the same in every core whatever
 * ASLR did — and answered by one Dwfl per build-id whose module sits at
 * its link address (bias 0), so its ELF, DWARF, decompressed sections and
 * symbol table are read once per run, not once per core. Unwinding still
 * needs each core's real addresses; its per-core Dwfl reads only CFI. */
#include <elfutils/libdwelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugfind.h"
#include "debuginfo.h"
#include "debuginfod.h"
#include "diag.h"
#include "elfimage.h"
#include "symcache.h"
#include "symstore.h"

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
	char *ident;            /* the debug info its facts come from (symstore.h); NULL: not stored */
	bool dirty;             /* facts learned this run, not yet stored */
};

struct cf_symcache {
	Dwfl_Callbacks cb;
	char *debuginfo_path;
	struct entry *tab;
	size_t n, cap;
	struct image *img;
	size_t nimg;
	struct cf_symstore *store;      /* facts kept between runs; NULL: none */
};

struct cf_symcache *cf_symcache_new(const struct cf_bt_options *o)
{
	struct cf_symcache *c = cf_xcalloc(1, sizeof *c);
	c->debuginfo_path = cf_debuginfo_path(o);
	cf_dwfl_callbacks(&c->cb, &c->debuginfo_path);
	c->store = o->no_cache ? NULL : cf_symstore_open(o->cache_dir);
	return c;
}

static struct image *image_of(struct cf_symcache *c, const unsigned char *bid, size_t len)
{
	for (size_t i = 0; i < c->nimg; i++)
		if (c->img[i].len == len && !memcmp(c->img[i].bid, bid, len))
			return &c->img[i];
	return NULL;
}

/* Every fact of IM's build-id, into the store. */
static void store_image(struct cf_symcache *c, const struct image *im)
{
	size_t n = 0;
	for (size_t i = 0; i < c->cap; i++)
		n += c->tab[i].len == im->len && !memcmp(c->tab[i].bid, im->bid, im->len);
	uint64_t *addr = cf_xcalloc(n ? n : 1, sizeof *addr);
	const struct cf_frame **f = cf_xcalloc(n ? n : 1, sizeof *f);
	size_t k = 0;
	for (size_t i = 0; i < c->cap; i++)
		if (c->tab[i].len == im->len && !memcmp(c->tab[i].bid, im->bid, im->len)) {
			addr[k] = c->tab[i].addr;
			f[k++] = &c->tab[i].f;
		}
	cf_symstore_save(c->store, im->bid, im->len, im->ident, n, addr, f);
	free(addr);
	free(f);
}

void cf_symcache_free(struct cf_symcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nimg; i++) {
		if (c->store && c->img[i].dirty && c->img[i].ident)
			store_image(c, &c->img[i]);
		free(c->img[i].ident);
	}
	cf_symstore_close(c->store);
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
	struct image *im = image_of(c, bid, len);
	if (im)
		im->dirty = true;
	return &e->f;
}

struct load {
	struct cf_symcache *c;
	const unsigned char *bid;
	size_t len;
};

static void put_loaded(void *arg, uint64_t addr, const struct cf_frame *f)
{
	struct load *l = arg;
	if (cf_symcache_find(l->c, l->bid, l->len, addr))
		return;
	struct cf_frame *e = cf_symcache_put(l->c, l->bid, l->len, addr);
	cf_frame_copy_symbols(e, f);
}

struct ident {
	char *s;
};

static bool add_ident(const char *path, const struct stat *st, void *arg)
{
	struct ident *id = arg;
	char *more = cf_xasprintf("%s%s %lld %lld.%09ld %llu %llu\n", id->s, path, (long long)st->st_size,
				  (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (unsigned long long)st->st_dev,
				  (unsigned long long)st->st_ino);
	free(id->s);
	id->s = more;
	return false;
}

/* Which debug info the facts of MOD (at PATH, build-id BID) can come from:
 * every file that libdwfl's search could take, with its size, time and
 * inode, and debuginfod's servers and cached file when it is on. Any
 * change (libc6-dbg installed or removed, --debug-dir, a rebuilt debug
 * file) makes stored facts stale. Cheap: files are looked at, not read. */
static char *debug_ident(struct cf_symcache *c, Dwfl_Module *mod, const char *path, const unsigned char *bid,
			 size_t len)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	GElf_Word crc = 0;
	const char *link = elf ? dwelf_elf_gnu_debuglink(elf, &crc) : NULL;
	struct ident id = {cf_xasprintf("%s\n", c->debuginfo_path)};
	cf_debug_candidates(c->debuginfo_path, bid, len, path, link, add_ident, &id);
	if (cf_debuginfod_enabled()) {
		const char *env = getenv("DEBUGINFOD_CACHE_PATH"), *xdg = getenv("XDG_CACHE_HOME"),
			   *home = getenv("HOME");
		char hex[2 * CF_BUILDID_MAX + 1];
		cf_hex(bid, len, hex);
		char *f = env && env[0] ? cf_xasprintf("%s/%s/debuginfo", env, hex)
			  : xdg && xdg[0] ? cf_xasprintf("%s/debuginfod_client/%s/debuginfo", xdg, hex)
					  : cf_xasprintf("%s/.cache/debuginfod_client/%s/debuginfo", home ? home : "", hex);
		struct stat st;
		char *more = cf_xasprintf("%sdebuginfod %s\n", id.s, getenv("DEBUGINFOD_URLS"));
		free(id.s);
		id.s = more;
		if (stat(f, &st) == 0)
			add_ident(f, &st, &id);
		free(f);
	}
	return id.s;
}

Dwfl *cf_symcache_dwfl(struct cf_symcache *c, const unsigned char *bid, size_t len, const char *path)
{
	struct image *im = image_of(c, bid, len);
	if (im)
		return im->dwfl;
	c->img = cf_xrealloc(c->img, c->nimg + 1, sizeof *c->img);
	im = &c->img[c->nimg++];
	memset(im, 0, sizeof *im);
	memcpy(im->bid, bid, len);
	im->len = len;
	im->dwfl = dwfl_begin(&c->cb);
	if (!im->dwfl)
		return NULL;
	const char *base = strrchr(path, '/');
	dwfl_report_begin(im->dwfl);
	/* Base 0 with add_p_vaddr: the module sits at its link address. */
	Dwfl_Module *mod = dwfl_report_elf(im->dwfl, base ? base + 1 : path, path, -1, 0, true);
	dwfl_report_end(im->dwfl, NULL, NULL);
	if (!mod) {
		dwfl_end(im->dwfl);
		im->dwfl = NULL;
		return NULL;
	}
	cf_dwfl_search_path(mod, c->debuginfo_path);
	/* The facts an earlier run learned from the same debug info. */
	if (c->store) {
		char *ident = debug_ident(c, mod, path, bid, len);
		struct load l = {c, bid, len};
		size_t i = (size_t)(im - c->img);
		cf_symstore_load(c->store, bid, len, ident, put_loaded, &l);
		c->img[i].ident = ident;
		c->img[i].dirty = false;
		return c->img[i].dwfl;
	}
	return im->dwfl;
}
