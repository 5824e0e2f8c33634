/* Symbol lookup through GNU and SysV hash tables. Symbol versions are
 * ignored: the first definition in scope order wins, as in ld.so. */
#include "internal.h"
#include "libc.h"

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0;
	for (; *s; s++) {
		h = 16 * h + (unsigned char)*s;
		h ^= h >> 24 & 0xf0;
	}
	return h & 0xfffffff;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s; s++)
		h += h * 32 + (unsigned char)*s;
	return h;
}

static int usable(const Sym *s)
{
	unsigned type = s->st_info & 0xf, bind = s->st_info >> 4;
	return s->st_shndx != SHN_UNDEF && (s->st_value || type == STT_TLS) &&
	       (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) &&
	       (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE || type == STT_TLS ||
		type == STT_COMMON || type == STT_GNU_IFUNC);
}

Sym *__cfrt_lookup_in(struct dso *p, const char *name)
{
	if (p->ghashtab) {
		uint32_t *h = p->ghashtab, nbuckets = h[0], symoff = h[1], bloom = h[2];
		uint32_t *buckets = h + 4 + bloom * (sizeof(size_t) / 4);
		uint32_t hv = gnu_hash(name), i = buckets[hv % nbuckets];
		if (!i)
			return NULL;
		uint32_t *chain = buckets + nbuckets + (i - symoff);
		for (hv |= 1;; i++) {
			uint32_t c = *chain++;
			if ((c | 1) == hv && !strcmp(name, p->strings + p->syms[i].st_name) && usable(&p->syms[i]))
				return &p->syms[i];
			if (c & 1)
				return NULL;
		}
	}
	if (p->hashtab) {
		uint32_t *h = p->hashtab, nb = h[0];
		for (uint32_t i = h[2 + sysv_hash(name) % nb]; i; i = h[2 + nb + i])
			if (!strcmp(name, p->strings + p->syms[i].st_name) && usable(&p->syms[i]))
				return &p->syms[i];
	}
	return NULL;
}

static Sym *in_deps(struct dso *p, const char *name, struct dso *skip, struct dso **def, int depth)
{
	if (depth > 64)
		return NULL;
	Sym *s = p != skip ? __cfrt_lookup_in(p, name) : NULL;
	if (s) {
		*def = p;
		return s;
	}
	for (size_t i = 0; i < p->ndeps; i++)
		if ((s = in_deps(p->deps[i], name, skip, def, depth + 1)))
			return s;
	return NULL;
}

/* The global scope in load order (program, its libraries, the loader),
 * then REQUESTER's own dependencies (for RTLD_LOCAL objects). */
Sym *__cfrt_lookup(const char *name, struct dso *requester, struct dso *skip, struct dso **def)
{
	for (struct dso *p = __cfrt_head; p; p = p->next) {
		if (!p->global || p == skip)
			continue;
		Sym *s = __cfrt_lookup_in(p, name);
		if (s) {
			*def = p;
			return s;
		}
	}
	return requester ? in_deps(requester, name, skip, def, 0) : NULL;
}

/* Number of dynamic symbols, for dladdr. */
size_t __cfrt_nsyms(struct dso *p)
{
	if (p->hashtab)
		return p->hashtab[1];
	if (!p->ghashtab)
		return 0;
	uint32_t *h = p->ghashtab, nbuckets = h[0], symoff = h[1], bloom = h[2];
	uint32_t *buckets = h + 4 + bloom * (sizeof(size_t) / 4), max = 0;
	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > max)
			max = buckets[i];
	if (!max)
		return symoff;
	uint32_t *chain = buckets + nbuckets + (max - symoff);
	while (!(*chain++ & 1))
		max++;
	return max + 1;
}
