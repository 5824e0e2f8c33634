#include "notes.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

/* KM writes n_namesz = strlen(owner) (no NUL counted); the kernel counts
 * the NUL. Accept both, nothing else. */
bool cf_note_owner_is(const void *name_bytes, uint32_t namesz, const char *owner)
{
	const unsigned char *name = name_bytes;
	size_t len = strlen(owner);
	if (namesz == len + 1)
		return memcmp(name, owner, len + 1) == 0;
	return namesz == len && memcmp(name, owner, len) == 0;
}

static void read_prstatus(const struct cf_core *c, struct cf_notes *n, const unsigned char *p, size_t len,
			  struct cf_diag *d)
{
	unsigned w = cf_wordsize(&c->order);
	size_t pid_off = 16 + 2 * w;
	if (len < pid_off + 4) {
		cf_warn(d, "%s: NT_PRSTATUS too short (%zu bytes), thread skipped", c->path, len);
		return;
	}
	n->thread = cf_grow(n->thread, n->nthread, sizeof *n->thread);
	struct cf_thread *t = &n->thread[n->nthread++];
	t->tid = cf_u32(&c->order, p + pid_off);
	t->cursig = cf_u16(&c->order, p + 12);
	t->prstatus = p;
	t->prstatus_len = len;
}

/* How many leading AT_* pairs of P (from word FIRST) form a vector the
 * way every writer lays it out: small known types, each of the ones we use
 * at most once, a power-of-two page size, and an AT_NULL that ends it.
 * 0 when the words are not such a vector. */
static size_t auxv_wellformed(const struct cf_order *o, const unsigned char *p, size_t len, size_t first)
{
	unsigned w = cf_wordsize(o);
	uint64_t seen = 0;
	size_t pairs = 0;
	for (size_t off = first * w; off + 2 * w <= len; off += 2 * w, pairs++) {
		uint64_t type = cf_word(o, p + off), val = cf_word(o, p + off + w);
		if (type == AT_NULL)
			return pairs;
		/* Linux's AT_* stop below 64; a larger "type" is a value. */
		if (type >= 64)
			return 0;
		bool once = type == AT_PHDR || type == AT_PHENT || type == AT_PHNUM || type == AT_PAGESZ ||
			    type == AT_BASE || type == AT_ENTRY || type == AT_EXECFN || type == AT_SYSINFO_EHDR;
		if (once && (seen & (1ull << type)))
			return 0;
		if (once)
			seen |= 1ull << type;
		if (type == AT_PAGESZ && (val == 0 || (val & (val - 1))))
			return 0;
	}
	return 0;
}

static void auxv_take(struct cf_auxv *a, uint64_t type, uint64_t val)
{
	switch (type) {
	case AT_PHDR: a->phdr = val; break;
	case AT_PHENT: a->phent = val; break;
	case AT_PHNUM: a->phnum = val; break;
	case AT_BASE: a->base = val; break;
	case AT_ENTRY: a->entry = val; break;
	case AT_PAGESZ: a->pagesz = val; break;
	case AT_SYSINFO_EHDR: a->sysinfo_ehdr = val; break;
	case AT_EXECFN: a->execfn = val; break;
	default: break;
	}
}

/* qemu-user (7.2) writes NT_AUXV one word late: the note opens with
 * AT_PHDR's value, then "AT_PHENT, phent, AT_PHNUM, phnum, ...". Read
 * as pairs it is nonsense (AT_NULL after a few bogus types); read from
 * the second word it is a whole vector. Only that combination repairs:
 * a vector that parses either way is left as the writer wrote it. */
static void read_auxv(const struct cf_core *c, struct cf_notes *n, const unsigned char *p, size_t len)
{
	unsigned w = cf_wordsize(&c->order);
	struct cf_auxv *a = &n->auxv;
	a->present = true;
	size_t first = 0;
	if (!auxv_wellformed(&c->order, p, len, 0) && auxv_wellformed(&c->order, p, len, 1) >= 4) {
		first = 1;
		a->shifted = true;
		/* The lost pair's type is AT_PHDR only when AT_PHENT follows it
		 * (qemu's order) and the rest never names AT_PHDR. */
		if (cf_word(&c->order, p + w) == AT_PHENT)
			a->phdr = cf_word(&c->order, p);
	}
	for (size_t off = first * w; off + 2 * w <= len; off += 2 * w) {
		uint64_t type = cf_word(&c->order, p + off), val = cf_word(&c->order, p + off + w);
		if (type == AT_NULL)
			return;
		auxv_take(a, type, val);
	}
}

static void read_file_note(const struct cf_core *c, struct cf_notes *n, const unsigned char *p, size_t len,
			   struct cf_diag *d)
{
	unsigned w = cf_wordsize(&c->order);
	if (n->has_file) {
		n->nskipped++;
		return;
	}
	if (len < 2 * w) {
		cf_warn(d, "%s: NT_FILE too short to hold its header", c->path);
		n->file_cut = true;
		return;
	}
	n->has_file = true;
	uint64_t count = cf_word(&c->order, p), unit = cf_word(&c->order, p + w);
	n->file_unit = unit;
	uint64_t fit = (len - 2 * w) / (3 * w);
	if (count > fit) {
		cf_warn(d, "%s: NT_FILE claims %llu mappings but holds at most %llu", c->path,
			(unsigned long long)count, (unsigned long long)fit);
		n->file_cut = true;
		count = fit;
	}
	if (unit == 0 || (unit & (unit - 1)) != 0) {
		cf_warn(d, "%s: NT_FILE page size %llu is not a power of two; mappings ignored", c->path,
			(unsigned long long)unit);
		n->file_cut = true;
		return;
	}
	const unsigned char *names = p + 2 * w + count * 3 * w, *end = p + len;
	n->map = cf_xcalloc(count, sizeof *n->map);
	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *nul = names < end ? memchr(names, 0, (size_t)(end - names)) : NULL;
		if (!nul) {
			cf_warn(d, "%s: NT_FILE cut short after %llu of %llu names", c->path,
				(unsigned long long)i, (unsigned long long)count);
			n->file_cut = true;
			break;
		}
		const unsigned char *t = p + 2 * w + i * 3 * w;
		struct cf_mapping *m = &n->map[n->nmap++];
		m->start = cf_word(&c->order, t);
		m->end = cf_word(&c->order, t + w);
		uint64_t pg = cf_word(&c->order, t + 2 * w);
		m->offset = pg > UINT64_MAX / unit ? UINT64_MAX : pg * unit;
		m->name = (const char *)names;
		names = nul + 1;
		if (m->end < m->start) {
			cf_warn(d, "%s: NT_FILE mapping of %s ends before it starts; ignored", c->path, m->name);
			n->nmap--;
		}
	}
}

static void read_prpsinfo(const struct cf_core *c, struct cf_notes *n, const unsigned char *p, size_t len)
{
	/* fname[16] and psargs[80] end the struct on every Linux ABI. */
	if (len < 96)
		return;
	n->has_prpsinfo = true;
	memcpy(n->fname, p + len - 96, 16);
	memcpy(n->psargs, p + len - 80, 80);
	n->fname[16] = n->psargs[80] = 0;
	/* uid/gid widths differ per ABI, but pid, ppid, pgrp, sid always sit
	 * just before fname. */
	n->prpsinfo_pid = cf_u32(&c->order, p + len - 96 - 16);
}

static void read_siginfo(const struct cf_core *c, struct cf_notes *n, const unsigned char *p, size_t len)
{
	unsigned w = cf_wordsize(&c->order);
	size_t addr_off = c->order.is64 ? 16 : 12;
	if (len < addr_off + w)
		return;
	n->has_siginfo = true;
	n->si_signo = (int)cf_u32(&c->order, p);
	n->si_code = (int)cf_u32(&c->order, p + 8);
	n->fault_addr = cf_word(&c->order, p + addr_off);
}

static void read_km_image(const struct cf_core *c, struct cf_km_image *k, const char *what,
			  const unsigned char *p, size_t len, struct cf_diag *d)
{
	const struct cf_order *o = &c->order;
	enum { EH = 64, PH = 56 };
	if (len < 8 + EH || memcmp(p + 8, ELFMAG, SELFMAG) != 0) {
		cf_warn(d, "%s: %s note malformed; ignored", c->path, what);
		return;
	}
	const unsigned char *eh = p + 8;
	size_t phnum = cf_u16(o, eh + 56);
	if (phnum > (len - 8 - EH) / PH) {
		cf_warn(d, "%s: %s note claims %zu program headers it does not hold; ignored", c->path, what,
			phnum);
		return;
	}
	free(k->filename);
	free(k->phdr);
	k->present = true;
	k->load_adjust = cf_u64(o, p);
	k->type = cf_u16(o, eh + 16);
	k->entry = cf_u64(o, eh + 24);
	k->nphdr = phnum;
	k->phdr = cf_xcalloc(phnum, sizeof *k->phdr);
	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *ph = p + 8 + EH + i * PH;
		k->phdr[i] = (GElf_Phdr){
			.p_type = cf_u32(o, ph), .p_flags = cf_u32(o, ph + 4),
			.p_offset = cf_u64(o, ph + 8), .p_vaddr = cf_u64(o, ph + 16),
			.p_paddr = cf_u64(o, ph + 24), .p_filesz = cf_u64(o, ph + 32),
			.p_memsz = cf_u64(o, ph + 40), .p_align = cf_u64(o, ph + 48),
		};
	}
	const char *fn = (const char *)p + 8 + EH + phnum * PH;
	size_t left = len - 8 - EH - phnum * PH;
	k->filename = cf_xstrndup(fn, strnlen(fn, left));
}

static void read_one(const struct cf_core *c, struct cf_notes *n, const GElf_Nhdr *nh,
		     const unsigned char *name, const unsigned char *desc, struct cf_diag *d)
{
	if (cf_note_owner_is(name, nh->n_namesz, "CORE")) {
		if (nh->n_namesz == 4)
			n->km_short_names = true;
		switch (nh->n_type) {
		case NT_PRSTATUS: read_prstatus(c, n, desc, nh->n_descsz, d); return;
		case NT_PRPSINFO: read_prpsinfo(c, n, desc, nh->n_descsz); return;
		case NT_AUXV: read_auxv(c, n, desc, nh->n_descsz); return;
		case CF_NT_FILE: read_file_note(c, n, desc, nh->n_descsz, d); return;
		case CF_NT_SIGINFO: read_siginfo(c, n, desc, nh->n_descsz); return;
		default: break;
		}
	} else if (cf_note_owner_is(name, nh->n_namesz, "LINUX")) {
		n->nlinux++;
	} else if (cf_note_owner_is(name, nh->n_namesz, "KMSP")) {
		n->nkmsp++;
		if (nh->n_type == CF_NT_KM_GUEST)
			return read_km_image(c, &n->km_guest, "NT_KM_GUEST", desc, nh->n_descsz, d);
		if (nh->n_type == CF_NT_KM_DYNLINKER)
			return read_km_image(c, &n->km_dynlinker, "NT_KM_DYNLINKER", desc, nh->n_descsz, d);
	}
	n->nskipped++;
}

int cf_notes_read(const struct cf_core *c, struct cf_notes *n, struct cf_diag *d)
{
	memset(n, 0, sizeof *n);
	bool any = false;
	for (size_t i = 0; i < c->nnote; i++) {
		const struct cf_span *sp = &c->note[i];
		if (sp->size == 0)
			continue;
		Elf_Data *data = elf_getdata_rawchunk(c->elf, (int64_t)sp->offset, sp->size, ELF_T_NHDR);
		if (!data) {
			cf_warn(d, "%s: note segment at offset 0x%llx unreadable: %s", c->path,
				(unsigned long long)sp->offset, elf_errmsg(-1));
			continue;
		}
		size_t off = 0, next, name_off, desc_off;
		GElf_Nhdr nh;
		while (off < data->d_size &&
		       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *base = data->d_buf;
			read_one(c, n, &nh, base + name_off, base + desc_off, d);
			any = true;
			off = next;
		}
		if (off < data->d_size || sp->cut)
			cf_warn(d, "%s: note segment at offset 0x%llx is cut short or malformed after %zu bytes",
				c->path, (unsigned long long)sp->offset, off);
	}
	if (!any && c->nnote == 0)
		cf_warn(d, "%s: core has no PT_NOTE segment", c->path);
	return any ? 0 : -1;
}

void cf_notes_free(struct cf_notes *n)
{
	free(n->thread);
	free(n->map);
	free(n->km_guest.filename);
	free(n->km_guest.phdr);
	free(n->km_dynlinker.filename);
	free(n->km_dynlinker.phdr);
	memset(n, 0, sizeof *n);
}

struct tid_at {
	uint32_t tid;
	size_t i;
};

static int by_tid(const void *a, const void *b)
{
	const struct tid_at *x = a, *y = b;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

uint32_t cf_notes_first_threads(const struct cf_notes *n, bool *first)
{
	struct tid_at *v = cf_xcalloc(n->nthread, sizeof *v);
	for (size_t i = 0; i < n->nthread; i++)
		v[i] = (struct tid_at){n->thread[i].tid, i};
	if (n->nthread)
		qsort(v, n->nthread, sizeof *v, by_tid);
	uint32_t repeated = 0;
	for (size_t k = 0; k < n->nthread; k++) {
		bool dup = k > 0 && v[k].tid == v[k - 1].tid;
		first[v[k].i] = !dup;
		if (dup && !repeated)
			repeated = v[k].tid;
	}
	free(v);
	return repeated;
}
