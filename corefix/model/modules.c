/* Modules from NT_FILE, and each module's load bias from its mappings and
 * its program headers (see DESIGN.md, "Load bias"). */
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

static const char deleted_suffix[] = " (deleted)";

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Groups NT_FILE entries by file name. A crafted core can hold millions
 * of entries with distinct names: a hash table keeps this linear. */
void cf_modules_from_ntfile(struct cf_model *m)
{
	size_t cap = 64;
	while (cap < 2 * m->notes.nmap)
		cap *= 2;
	size_t *slot = cf_xcalloc(cap, sizeof *slot);  /* module index + 1 */
	for (size_t i = 0; i < m->notes.nmap; i++) {
		const struct cf_mapping *e = &m->notes.map[i];
		struct cf_module *mod = NULL;
		size_t h = (size_t)name_hash(e->name) & (cap - 1);
		while (slot[h] && strcmp(m->mod[slot[h] - 1].name, e->name) != 0)
			h = (h + 1) & (cap - 1);
		if (slot[h])
			mod = &m->mod[slot[h] - 1];
		if (!mod) {
			mod = cf_model_add(m, e->name);
			slot[h] = m->nmod;
			mod->lo = e->start;
			mod->hi = e->end;
			size_t len = strlen(e->name), sl = sizeof deleted_suffix - 1;
			mod->deleted = len > sl && strcmp(e->name + len - sl, deleted_suffix) == 0;
		}
		mod->sources |= CF_SRC_NTFILE;
		mod->map = cf_grow(mod->map, mod->nmaps, sizeof *mod->map);
		mod->map[mod->nmaps++] = i;
		if (e->start < mod->lo)
			mod->lo = e->start;
		if (e->end > mod->hi)
			mod->hi = e->end;
	}
	free(slot);
}

/* The bias that puts mapping E inside PT_LOAD PH, if E's offset lies in
 * the segment's file bytes. */
static bool fit_segment(const struct cf_model *m, const struct cf_mapping *e, const GElf_Phdr *ph, uint64_t *bias)
{
	uint64_t pg = m->pagesz;
	if (ph->p_type != PT_LOAD)
		return false;
	uint64_t pdo = ph->p_offset & ~(pg - 1);
	uint64_t fend = ph->p_filesz > UINT64_MAX - ph->p_offset ? UINT64_MAX : ph->p_offset + ph->p_filesz;
	if (e->offset < pdo || e->offset >= fend)
		return false;
	/* A kernel mapping starts on a page; KM's own entries start at
	 * p_vaddr + load_adjust exactly. */
	uint64_t c = (e->start & (pg - 1)) ? e->start - ph->p_vaddr - (e->offset - pdo)
					   : e->start - (ph->p_vaddr & ~(pg - 1)) - (e->offset - pdo);
	*bias = c & cf_addrmask(&m->core.order);
	return true;
}

/* Every (bias, PT_LOAD index) that puts mapping E inside that segment. */
static size_t candidates(const struct cf_model *m, const struct cf_mapping *e, const struct cf_elfinfo *info,
			 uint64_t *out, size_t *seg)
{
	size_t n = 0;
	for (size_t i = 0; i < info->nphdr; i++)
		if (fit_segment(m, e, &info->phdr[i], &out[n]))
			seg[n++] = i;
	return n;
}

bool cf_mapping_fits(const struct cf_model *m, const struct cf_mapping *e, const struct cf_elfinfo *info,
		     uint64_t bias, bool *segs)
{
	uint64_t c;
	bool fits = false;
	for (size_t i = 0; i < info->nphdr; i++)
		if (fit_segment(m, e, &info->phdr[i], &c) && c == bias) {
			fits = true;
			if (!segs)
				break;
			segs[i] = true;
		}
	return fits;
}

size_t cf_bias_tally(const struct cf_model *m, const struct cf_module *mod, const struct cf_elfinfo *info,
		     struct cf_bias_vote *v, size_t max, size_t *nload)
{
	enum { MAX_PAIRS = 1024 };
	uint64_t *mine = cf_xcalloc(info->nphdr + 1, sizeof *mine), pb[MAX_PAIRS];
	size_t *seg = cf_xcalloc(info->nphdr + 1, sizeof *seg), ps[MAX_PAIRS], npair = 0, nval = 0;
	*nload = 0;
	for (size_t i = 0; i < info->nphdr; i++)
		*nload += info->phdr[i].p_type == PT_LOAD && info->phdr[i].p_filesz > 0;
	for (size_t k = 0; k < mod->nmaps + mod->ndata; k++) {
		size_t idx = k < mod->nmaps ? mod->map[k] : mod->data[k - mod->nmaps];
		size_t n = candidates(m, &m->notes.map[idx], info, mine, seg);
		for (size_t c = 0; c < n; c++) {
			size_t j = 0;
			while (j < nval && v[j].bias != mine[c])
				j++;
			if (j == nval) {
				/* A real file's mappings agree on a handful of values;
				 * a crafted core must not make this quadratic. */
				if (nval == max)
					continue;
				v[nval++] = (struct cf_bias_vote){mine[c], 0, 0};
			}
			bool counted = false;  /* one vote per mapping, though it may fit two segments */
			for (size_t d = 0; d < c; d++)
				counted |= mine[d] == mine[c];
			v[j].maps += !counted;
			size_t p = 0;
			while (p < npair && (pb[p] != mine[c] || ps[p] != seg[c]))
				p++;
			if (p == npair && npair < MAX_PAIRS) {
				pb[npair] = mine[c];
				ps[npair++] = seg[c];
				v[j].segs++;
			}
		}
	}
	free(mine);
	free(seg);
	return nval;
}

