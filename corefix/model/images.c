/* A module is its image, not every mapping of its file (DESIGN.md): the
 * NT_FILE entries that fit its bias and program headers, and the holes
 * the loader leaves inside its span, are the image; the file's other
 * entries are data mappings (gdb reading its own libraries, a crash
 * reporter reading build-ids), kept only to be listed. A file mapped as
 * two full images (dlmopen) is two modules, told apart by link_map. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

enum { MAX_IMAGES = 16 };

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Every NT_FILE entry of MOD, image and data, in note order. */
static size_t *all_maps(const struct cf_module *mod, size_t *n)
{
	*n = mod->nmaps + mod->ndata;
	size_t *all = cf_xcalloc(*n + 1, sizeof *all);
	if (mod->nmaps)
		memcpy(all, mod->map, mod->nmaps * sizeof *all);
	if (mod->ndata)
		memcpy(all + mod->nmaps, mod->data, mod->ndata * sizeof *all);
	qsort(all, *n, sizeof *all, by_index);
	return all;
}

/* True when the image maps every PT_LOAD with file bytes: what a loader
 * does. A file mapped only as data (a debugger reading an ELF file it
 * never runs) maps a page or a window of it. */
static bool full_image(const struct cf_elfinfo *info, const bool *segs)
{
	for (size_t i = 0; i < info->nphdr; i++)
		if (info->phdr[i].p_type == PT_LOAD && info->phdr[i].p_filesz && !segs[i])
			return false;
	return true;
}

void cf_module_split_maps(struct cf_model *m, struct cf_module *mod)
{
	size_t n;
	size_t *all = all_maps(mod, &n);
	free(mod->map);
	free(mod->data);
	mod->map = cf_xcalloc(n + 1, sizeof *mod->map);
	mod->data = cf_xcalloc(n + 1, sizeof *mod->data);
	mod->nmaps = mod->ndata = 0;
	bool classify = mod->has_bias && mod->elf_known;
	bool *segs = cf_xcalloc(mod->info.nphdr + 1, sizeof *segs);
	uint64_t slo = UINT64_MAX, shi = 0, pg = m->pagesz;
	if (classify) {
		mod->lo = mod->hi = 0;
		cf_module_range_from_info(m, mod);
		if (mod->hi > mod->lo) {
			slo = mod->lo;
			shi = (mod->hi + pg - 1) & ~(pg - 1);
		}
	}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t k = 0; k < n; k++) {
		const struct cf_mapping *e = &m->notes.map[all[k]];
		/* Inside the span: a piece of the image whatever its offset (the
		 * PROT_NONE hole older glibc leaves between code and data
		 * carries the data's offset). */
		bool image = !classify || cf_mapping_fits(m, e, &mod->info, mod->bias, segs) ||
			     (e->start >= slo && e->end <= shi && shi > slo);
		if (!image) {
			mod->data[mod->ndata++] = all[k];
			continue;
		}
		mod->map[mod->nmaps++] = all[k];
		lo = e->start < lo ? e->start : lo;
		hi = e->end > hi ? e->end : hi;
	}
	/* The span (with .bss and the gaps) only for what was loaded: a file
	 * mapped as data must not reach over its neighbours' addresses. */
	bool loaded = !classify || full_image(&mod->info, segs) || mod->in_linkmap || (mod->sources & CF_SRC_KM);
	if (loaded && shi > slo) {
		lo = slo < lo ? slo : lo;
		hi = mod->hi > hi ? mod->hi : hi;
	}
	if (hi > lo) {
		mod->lo = lo;
		mod->hi = hi;
	}
	free(segs);
	free(all);
}

/* The bias is where the file's image is: the value whose mappings cover
 * every PT_LOAD of the file (a second, data mapping of the file covers
 * one segment's worth at another value); among several such values, the
 * one most mappings admit. Without a full image, the value covering most
 * segments. A tie is left to link_map to decide, never averaged. Entries
 * that fit no segment (the PROT_NONE hole older glibc leaves) carry no
 * vote; cf_module_split_maps puts them in the image's span. */
void cf_module_bias_from_maps(struct cf_model *m, struct cf_module *mod, const struct cf_elfinfo *info)
{
	/* On the stack, not zeroed: the tally writes each vote it counts, and
	 * a zeroed 6 KiB block per module was an eighth of a listing's time. */
	struct cf_bias_vote v[256];
	size_t nload, nval = cf_bias_tally(m, mod, info, v, sizeof v / sizeof *v, &nload);
	size_t bsegs = 0, bmaps = 0, nbest = 0;
	mod->ncand = 0;
	for (size_t j = 0; j < nval; j++)
		if (v[j].segs > bsegs || (v[j].segs == bsegs && v[j].maps > bmaps))
			bsegs = v[j].segs, bmaps = v[j].maps;
	for (size_t j = 0; j < nval; j++)
		if (v[j].segs == bsegs && v[j].maps == bmaps && mod->ncand < sizeof mod->cand / sizeof *mod->cand)
			mod->cand[mod->ncand++] = v[j].bias, nbest++;
	if (nbest > 1 && bsegs >= 2 && bsegs == nload) {
		/* Two full images (dlmopen): the first is this module, the
		 * others become modules of their own (cf_modules_split_images). */
		nbest = 1;
	}
	if (nbest == 1) {
		mod->has_bias = true;
		mod->bias = mod->cand[0];
		mod->bias_src |= CF_SRC_NTFILE;
		mod->ncand = 0;
		cf_module_split_maps(m, mod);
	} else if (!nval && mod->nmaps) {
		cf_warn(&m->diag, "%s: no mapping of %s matches its program headers", m->core.path, mod->name);
	}
}

static int by_name(const void *a, const void *b, void *ctx)
{
	const struct cf_model *m = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(m->mod[x].name, m->mod[y].name);
	return c ? c : (x > y) - (x < y);
}

static void sort_by_name(const struct cf_model *m, size_t *order, size_t n)
{
	qsort_r(order, n, sizeof *order, by_name, (void *)m);
}

static void copy_module(struct cf_module *to, const struct cf_module *from)
{
	char *name = to->name;
	*to = *from;
	to->name = name;
	to->path = from->path ? cf_xstrdup(from->path) : NULL;
	to->debuginfo = from->debuginfo ? cf_xstrdup(from->debuginfo) : NULL;
	to->lm_name = NULL;
	to->in_linkmap = false;
	to->info.phdr = cf_xcalloc(from->info.nphdr + 1, sizeof *to->info.phdr);
	if (from->info.nphdr)
		memcpy(to->info.phdr, from->info.phdr, from->info.nphdr * sizeof *to->info.phdr);
	to->map = NULL;
	to->data = NULL;
	to->nmaps = to->ndata = 0;
}

/* Removes from MOD's data mappings those that are IMG's image. Both
 * lists are in note order (cf_module_split_maps keeps it): one merge. */
static void drop_data_of(struct cf_module *mod, const struct cf_module *img)
{
	size_t keep = 0, j = 0;
	for (size_t k = 0; k < mod->ndata; k++) {
		while (j < img->nmaps && img->map[j] < mod->data[k])
			j++;
		if (j == img->nmaps || img->map[j] != mod->data[k])
			mod->data[keep++] = mod->data[k];
	}
	mod->ndata = keep;
}

static void split_one(struct cf_model *m, size_t i)
{
	struct cf_module *mod = &m->mod[i];
	if (!mod->elf_known || !mod->has_bias || !mod->ndata || !(mod->sources & CF_SRC_NTFILE) ||
	    (mod->sources & CF_SRC_KM))
		return;
	struct cf_bias_vote v[64];
	size_t nload, nval = cf_bias_tally(m, mod, &mod->info, v, 64, &nload), made = 0;
	for (size_t j = 0; j < nval && made < MAX_IMAGES; j++) {
		mod = &m->mod[i];  /* cf_model_add moves the array */
		if (v[j].bias == mod->bias || nload < 2 || v[j].segs != nload)
			continue;
		struct cf_module *img = cf_model_add(m, m->mod[i].name);
		mod = &m->mod[i];
		copy_module(img, mod);
		img->bias = v[j].bias;
		img->bias_src = CF_SRC_NTFILE;
		img->extra_image = true;
		img->ndata = mod->ndata;
		img->data = cf_xcalloc(mod->ndata + 1, sizeof *img->data);
		memcpy(img->data, mod->data, mod->ndata * sizeof *img->data);
		cf_module_split_maps(m, img);
		/* What is left over stays listed once, with the first image. */
		img->ndata = 0;
		drop_data_of(mod, img);
		made++;
	}
}

void cf_modules_split_images(struct cf_model *m)
{
	size_t n = m->nmod;
	for (size_t i = 0; i < n; i++)
		split_one(m, i);
}

/* Whether MOD is a file the process only reads: every loaded object has
 * code, so some mapping of its image is executable; a file read as data
 * (gdb mapping /usr/bin/bash to debug it) has none. Not judged where
 * NT_FILE was cut short or link_map, KM or the auxv vouch for it. */
static bool data_only(const struct cf_model *m, const struct cf_module *mod)
{
	if (!(mod->sources & CF_SRC_NTFILE) || (mod->sources & CF_SRC_KM) || mod->in_linkmap ||
	    mod->role != CF_ROLE_DSO || m->notes.file_cut || !mod->elf_known ||
	    mod->nmaps + mod->ndata == 0)
		return false;
	for (size_t k = 0; k < mod->nmaps + mod->ndata; k++) {
		size_t idx = k < mod->nmaps ? mod->map[k] : mod->data[k - mod->nmaps];
		const struct cf_segment *s = idx < m->notes.nmap ? cf_core_segment(&m->core, m->notes.map[idx].start) : NULL;
		if (!s || (s->flags & PF_X))
			return false;
	}
	return true;
}

void cf_modules_drop_data_only(struct cf_model *m)
{
	size_t keep = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		struct cf_module *mod = &m->mod[i];
		if (!data_only(m, mod)) {
			m->mod[keep++] = *mod;
			continue;
		}
		size_t n;
		size_t *all = all_maps(mod, &n);
		m->data_only = cf_xrealloc(m->data_only, m->ndata_only + n + 1, sizeof *m->data_only);
		memcpy(m->data_only + m->ndata_only, all, n * sizeof *all);
		m->ndata_only += n;
		m->ndata_only_files++;
		free(all);
		cf_module_free(mod);
	}
	m->nmod = keep;
	if (m->ndata_only)
		qsort(m->data_only, m->ndata_only, sizeof *m->data_only, by_index);
}

void cf_modules_prune_images(struct cf_model *m)
{
	bool any = false;
	for (size_t i = 0; i < m->nmod; i++)
		any |= m->mod[i].extra_image;
	if (!any)
		return;
	/* Modules by name: the images of one file are neighbours, and a
	 * crafted core's million modules stay O(n log n). */
	size_t *order = cf_xcalloc(m->nmod + 1, sizeof *order);
	for (size_t i = 0; i < m->nmod; i++)
		order[i] = i;
	sort_by_name(m, order, m->nmod);
	bool *drop = cf_xcalloc(m->nmod + 1, sizeof *drop);
	for (size_t a = 0, b; a < m->nmod; a = b) {
		bool extra = false;
		struct cf_module *keep = NULL;
		for (b = a; b < m->nmod && !strcmp(m->mod[order[b]].name, m->mod[order[a]].name); b++) {
			struct cf_module *x = &m->mod[order[b]];
			extra |= x->extra_image;
			if (!keep && x->in_linkmap && (x->sources & CF_SRC_NTFILE))
				keep = x;
		}
		for (size_t k = a; extra && keep && k < b; k++) {
			struct cf_module *mod = &m->mod[order[k]];
			if (mod->in_linkmap || mod->role == CF_ROLE_VDSO || !(mod->sources & CF_SRC_NTFILE))
				continue;
			/* link_map knows the file's other image and not this one:
			 * it is the file mapped again, not a loaded module. */
			keep->data = cf_xrealloc(keep->data, keep->ndata + mod->nmaps + mod->ndata + 1, sizeof *keep->data);
			for (size_t j = 0; j < mod->nmaps; j++)
				keep->data[keep->ndata++] = mod->map[j];
			for (size_t j = 0; j < mod->ndata; j++)
				keep->data[keep->ndata++] = mod->data[j];
			qsort(keep->data, keep->ndata, sizeof *keep->data, by_index);
			mod->nmaps = mod->ndata = 0;
			drop[order[k]] = true;
		}
	}
	size_t out = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		if (drop[i])
			cf_module_free(&m->mod[i]);
		else
			m->mod[out++] = m->mod[i];
	}
	m->nmod = out;
	free(drop);
	free(order);
}
