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

/* Every bias that puts mapping E inside some PT_LOAD of INFO. */
static size_t candidates(const struct cf_model *m, const struct cf_mapping *e, const struct cf_elfinfo *info,
			 uint64_t *out)
{
	uint64_t pg = m->pagesz, mask = cf_addrmask(&m->core.order);
	size_t n = 0;
	for (size_t i = 0; i < info->nphdr; i++) {
		const GElf_Phdr *ph = &info->phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t pdo = ph->p_offset & ~(pg - 1);
		uint64_t fend = ph->p_filesz > UINT64_MAX - ph->p_offset ? UINT64_MAX : ph->p_offset + ph->p_filesz;
		if (e->offset < pdo || e->offset >= fend)
			continue;
		/* A kernel mapping starts on a page; KM's own entries start at
		 * p_vaddr + load_adjust exactly. */
		uint64_t c = (e->start & (pg - 1)) ? e->start - ph->p_vaddr - (e->offset - pdo)
						   : e->start - (ph->p_vaddr & ~(pg - 1)) - (e->offset - pdo);
		c &= mask;
		n = cf_add_unique(out, n, c);
	}
	return n;
}

/* The bias is the value every mapping of the file admits. A second mapping
 * of the whole file (or a stray copy of its first page) admits another
 * value: the one admitted by the most mappings wins, the others are
 * reported; a tie is left to link_map to decide, never averaged. */
void cf_module_bias_from_maps(struct cf_model *m, struct cf_module *mod, const struct cf_elfinfo *info)
{
	size_t per = info->nphdr + 1, nval = 0, voters = 0;
	uint64_t *mine = cf_xcalloc(per, sizeof *mine), *val = NULL;
	size_t *votes = NULL;
	for (size_t k = 0; k < mod->nmaps; k++) {
		const struct cf_mapping *e = &m->notes.map[mod->map[k]];
		size_t n = candidates(m, e, info, mine);
		voters += n > 0;  /* a PROT_NONE gap fits no segment: no vote */
		for (size_t k = 0; k < n; k++) {
			size_t j = 0;
			while (j < nval && val[j] != mine[k])
				j++;
			if (j == nval) {
				/* A real file's mappings agree on a handful of values;
				 * a crafted core must not make this quadratic. */
				if (nval == 256)
					continue;
				val = cf_grow(val, nval, sizeof *val);
				votes = cf_grow(votes, nval, sizeof *votes);
				val[nval] = mine[k];
				votes[nval++] = 0;
			}
			votes[j]++;
		}
	}
	size_t best = 0, nbest = 0;
	for (size_t j = 0; j < nval; j++)
		best = votes[j] > best ? votes[j] : best;
	for (size_t j = 0; j < nval; j++)
		if (votes[j] == best && mod->ncand < sizeof mod->cand / sizeof *mod->cand)
			mod->cand[mod->ncand++] = val[j], nbest++;
	if (best && best < voters) {
		mod->bias_conflict = true;
		cf_warn(&m->diag, "%s: %s: %zu of its %zu mappings do not fit the load bias the others agree on "
				  "(a second mapping of the file?)",
			m->core.path, mod->name, voters - best, voters);
	}
	if (nbest == 1) {
		mod->has_bias = true;
		mod->bias = mod->cand[0];
		mod->bias_src |= CF_SRC_NTFILE;
		mod->ncand = 0;
	} else if (!voters && mod->nmaps) {
		cf_warn(&m->diag, "%s: no mapping of %s matches its program headers", m->core.path, mod->name);
	}
	free(mine);
	free(val);
	free(votes);
}
