/* Planning and writing `corefix rewrite`. The repaired core differs from
 * the input in documented places only:
 *  - a rebuilt note segment appended at the end (the old one stays, no
 *    longer referenced), with NT_AUXV and NT_PRPSINFO describing the real
 *    program, "CORE" note names normalised, KM's repeated thread dropped,
 *    and NT_PRPSINFO, NT_SIGINFO, NT_FILE added where missing;
 *  - the PT_NOTE program header pointing at it;
 *  - DT_DEBUG of the program's in-memory dynamic section, so debuggers
 *    find r_debug the way gdb's solib-svr4 looks for it;
 *  - files mapped again as data (not their modules' images) left out of
 *    NT_FILE, and the dumped copy of such a mapping's first page dropped
 *    (p_filesz 0), so libdwfl cannot take it for the file's image. */
#define _GNU_SOURCE
#include "rewrite.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backtrace.h"
#include "emit.h"
#include "notebuf.h"
#include "quote.h"

static void add_patch(struct cf_plan *p, uint64_t off, const void *bytes, size_t len, char *what)
{
	p->patch = cf_xrealloc(p->patch, p->npatch + 1, sizeof *p->patch);
	struct cf_patch *x = &p->patch[p->npatch++];
	x->offset = off;
	x->len = len;
	x->bytes = cf_xmalloc(len);
	memcpy(x->bytes, bytes, len);
	x->what = what;
	if (off + len > p->out_size)
		p->out_size = off + len;
}

static void say(struct cf_plan *p, char *what)
{
	p->note = cf_xrealloc(p->note, p->nnote + 1, sizeof *p->note);
	p->note[p->nnote++] = what;
}

/* Where the program's headers are mapped, and its entry. */
static bool program_facts(const struct cf_module *mod, uint64_t *phdr, uint64_t *phnum, uint64_t *entry)
{
	const GElf_Phdr *ph = cf_elf_phdr(&mod->info, PT_PHDR);
	*phnum = mod->info.nphdr;
	*entry = mod->bias + mod->info.entry;
	if (ph) {
		*phdr = mod->bias + ph->p_vaddr;
		return true;
	}
	/* No PT_PHDR (a .so program): the headers sit in the first segment. */
	for (size_t i = 0; i < mod->info.nphdr; i++)
		if (mod->info.phdr[i].p_type == PT_LOAD && mod->info.phdr[i].p_offset == 0) {
			*phdr = mod->bias + mod->info.phdr[i].p_vaddr + mod->info.phoff;
			return true;
		}
	return false;
}

static void new_auxv(const struct cf_model *m, const unsigned char *d, size_t len, const struct cf_module *main_mod,
		     const struct cf_module *loader, struct cf_buf *out, struct cf_plan *plan)
{
	const struct cf_order *o = &m->core.order;
	unsigned w = cf_wordsize(o);
	uint64_t phdr = 0, phnum = 0, entry = 0;
	bool facts = program_facts(main_mod, &phdr, &phnum, &entry);
	uint64_t want[4][2] = {{AT_PHDR, phdr}, {AT_PHNUM, phnum}, {AT_ENTRY, entry}, {AT_BASE, loader ? loader->bias : 0}};
	static const char *const names[] = {"AT_PHDR", "AT_PHNUM", "AT_ENTRY", "AT_BASE"};
	bool seen[4] = {0};
	unsigned char pair[16];
	for (size_t off = 0; off + 2 * w <= len; off += 2 * w) {
		uint64_t type = cf_word(o, d + off), val = cf_word(o, d + off + w);
		if (type == AT_NULL) {
			for (int k = 0; k < 4 && facts; k++)
				if (!seen[k] && (k != 3 || loader)) {
					cf_put(o, pair, want[k][0], w);
					cf_put(o, pair + w, want[k][1], w);
					cf_buf_put(out, pair, 2 * w);
					say(plan, cf_xasprintf("NT_AUXV: %s added = 0x%llx", names[k], (unsigned long long)want[k][1]));
				}
			cf_buf_put(out, d + off, len - off);
			return;
		}
		for (int k = 0; k < 4 && facts; k++)
			if (type == want[k][0] && (k != 3 || loader)) {
				seen[k] = true;
				if (val != want[k][1])
					say(plan, cf_xasprintf("NT_AUXV: %s 0x%llx -> 0x%llx%s", names[k], (unsigned long long)val,
							       (unsigned long long)want[k][1],
							       k == 3 ? " (the loader's bias)" : " (the real program's)"));
				val = want[k][1];
			}
		cf_put(o, pair, type, w);
		cf_put(o, pair + w, val, w);
		cf_buf_put(out, pair, 2 * w);
	}
}

static void fill_prpsinfo(unsigned char *d, size_t len, const char *prog, const char *args, bool synth,
			  const struct cf_model *m)
{
	char *f = (char *)d + len - 96, *a = (char *)d + len - 80;
	memset(f, 0, 16);
	memset(a, 0, 80);
	strncpy(f, cf_base_name(prog), 15);
	strncpy(a, args[0] ? args : prog, 79);
	if (synth) {
		d[1] = 'R';
		uint32_t pid = m->notes.nthread ? m->notes.thread[0].tid : 0;
		cf_put(&m->core.order, d + len - 112, pid, 4);
	}
}

static void synth_ntfile(const struct cf_model *m, struct cf_buf *out, struct cf_plan *plan)
{
	const struct cf_order *o = &m->core.order;
	unsigned w = cf_wordsize(o);
	uint64_t pg = m->pagesz;
	struct cf_buf ent = {0}, names = {0};
	size_t count = 0;
	unsigned char word[8];
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		if (!mod->elf_known || !mod->has_bias || mod->role == CF_ROLE_VDSO || !mod->name[0] || mod->name[0] == '(')
			continue;
		for (size_t k = 0; k < mod->info.nphdr; k++) {
			const GElf_Phdr *ph = &mod->info.phdr[k];
			if (ph->p_type != PT_LOAD)
				continue;
			uint64_t v[3] = {(mod->bias + ph->p_vaddr) & ~(pg - 1),
					 (mod->bias + ph->p_vaddr + ph->p_memsz + pg - 1) & ~(pg - 1), (ph->p_offset & ~(pg - 1)) / pg};
			for (int j = 0; j < 3; j++) {
				cf_put(o, word, v[j], w);
				cf_buf_put_raw(&ent, word, w);
			}
			const char *nm = mod->path ? mod->path : mod->name;
			cf_buf_put_raw(&names, nm, strlen(nm) + 1);
			count++;
		}
	}
	struct cf_buf d = {0};
	d.p = cf_xmalloc(2 * w + ent.n + names.n);
	cf_put(o, d.p, count, w);
	cf_put(o, d.p + w, pg, w);
	if (count) {
		memcpy(d.p + 2 * w, ent.p, ent.n);
		memcpy(d.p + 2 * w + ent.n, names.p, names.n);
	}
	cf_buf_note(out, o, "CORE", CF_NT_FILE, d.p, 2 * w + ent.n + names.n);
	say(plan, cf_xasprintf("NT_FILE: added (%zu mappings, from the modules corefix found)", count));
	free(d.p);
	free(ent.p);
	free(names.p);
}

/* True for the NT_FILE entries no module's image holds: the files a
 * process mapped again as data. */
static bool *data_entries(const struct cf_model *m, size_t *n)
{
	bool *data = cf_xcalloc(m->notes.nmap + 1, sizeof *data);
	*n = 0;
	for (size_t i = 0; i < m->nmod; i++)
		for (size_t k = 0; k < m->mod[i].ndata; k++)
			if (m->mod[i].data[k] < m->notes.nmap && !data[m->mod[i].data[k]]) {
				data[m->mod[i].data[k]] = true;
				++*n;
			}
	for (size_t k = 0; k < m->ndata_only; k++)
		if (m->data_only[k] < m->notes.nmap && !data[m->data_only[k]]) {
			data[m->data_only[k]] = true;
			++*n;
		}
	return data;
}

/* The name NT_FILE entry I gets in the rewritten core, or NULL to keep
 * it: a name that is no file (a memfd's, or /proc and /dev names a
 * debugger would open in its own process, as gdb does to read file-backed
 * mappings) becomes the file corefix found by build-id, else nothing. */
static const char *ntfile_rename(const struct cf_model *m, size_t i, const struct cf_module *const *owner)
{
	const char *name = m->notes.map[i].name;
	if (cf_name_is_file(name))
		return NULL;
	if (owner[i] && owner[i]->path && !owner[i]->bid_mismatch)
		return owner[i]->path;
	return strncmp(name, "/memfd:", 7) ? "" : NULL;
}

static const struct cf_module **entry_owners(const struct cf_model *m)
{
	const struct cf_module **owner = cf_xcalloc(m->notes.nmap + 1, sizeof *owner);
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		for (size_t k = 0; k < mod->nmaps + mod->ndata; k++) {
			size_t e = k < mod->nmaps ? mod->map[k] : mod->data[k - mod->nmaps];
			if (e < m->notes.nmap)
				owner[e] = mod;
		}
	}
	return owner;
}

/* NT_FILE without the data mappings (libdwfl, so eu-stack, takes an ELF
 * header at the start of a mapping NT_FILE names for the file's image,
 * and a page of the file mapped as data far from the library then
 * displaces the library), and with names that are files. */
static void rebuilt_ntfile(const struct cf_model *m, const bool *data, size_t ndata, struct cf_buf *out,
			   struct cf_plan *plan)
{
	const struct cf_order *o = &m->core.order;
	unsigned w = cf_wordsize(o);
	size_t count = 0, renamed = 0;
	const struct cf_module **owner = entry_owners(m);
	struct cf_buf ent = {0}, names = {0};
	unsigned char word[8];
	uint64_t unit = m->notes.file_unit ? m->notes.file_unit : 1;
	for (size_t i = 0; i < m->notes.nmap; i++) {
		const struct cf_mapping *e = &m->notes.map[i];
		if (data[i])
			continue;
		uint64_t v[3] = {e->start, e->end, e->offset / unit};
		for (int j = 0; j < 3; j++) {
			cf_put(o, word, v[j], w);
			cf_buf_put_raw(&ent, word, w);
		}
		const char *name = ntfile_rename(m, i, owner);
		if (name && !renamed++)
			say(plan, cf_xasprintf("NT_FILE: \"%s\" -> \"%s\" (not a file a debugger may open)", e->name, name));
		name = name ? name : e->name;
		cf_buf_put_raw(&names, name, strlen(name) + 1);
		count++;
	}
	struct cf_buf d = {0};
	cf_put(o, word, count, w);
	cf_buf_put_raw(&d, word, w);
	cf_put(o, word, unit, w);
	cf_buf_put_raw(&d, word, w);
	cf_buf_put_raw(&d, ent.p, ent.n);
	cf_buf_put_raw(&d, names.p, names.n);
	cf_buf_note(out, o, "CORE", CF_NT_FILE, d.p, d.n);
	if (ndata)
		say(plan, cf_xasprintf("NT_FILE: %zu data mapping%s left out (files mapped again outside their images)",
				       ndata, ndata == 1 ? "" : "s"));
	if (renamed > 1)
		say(plan, cf_xasprintf("NT_FILE: %zu entries renamed so", renamed));
	free(d.p);
	free(ent.p);
	free(names.p);
	free(owner);
}

/* True when NT_FILE must be rewritten: data mappings to leave out, or
 * names that are no files. */
static bool ntfile_changes(const struct cf_model *m, const bool *data, size_t ndata)
{
	if (m->notes.file_cut)
		return false;
	if (ndata)
		return true;
	const struct cf_module **owner = entry_owners(m);
	bool any = false;
	for (size_t i = 0; i < m->notes.nmap && !any; i++)
		any = !data[i] && ntfile_rename(m, i, owner);
	free(owner);
	return any;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Where the data mappings of file offset 0 start, sorted. */
static uint64_t *data_header_starts(const struct cf_model *m, const bool *data, size_t *n)
{
	uint64_t *v = cf_xcalloc(m->notes.nmap + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < m->notes.nmap; i++)
		if (data[i] && m->notes.map[i].offset == 0)
			v[(*n)++] = m->notes.map[i].start;
	qsort(v, *n, sizeof *v, by_value);
	return v;
}

/* A core segment that holds only the first page of a file mapped again
 * as data: the kernel dumps that page for its ELF header, and libdwfl
 * takes any ELF header at a segment's start for a module, which then
 * displaces the real one. Its bytes are the file's own first page. */
static bool data_header_segment(const struct cf_model *m, const GElf_Phdr *ph, const uint64_t *starts, size_t n)
{
	unsigned char magic[SELFMAG];
	return ph->p_type == PT_LOAD && ph->p_filesz && ph->p_filesz <= m->pagesz &&
	       bsearch(&ph->p_vaddr, starts, n, sizeof *starts, by_value) &&
	       cf_core_read_all(&m->core, ph->p_vaddr, magic, SELFMAG) && !memcmp(magic, ELFMAG, SELFMAG);
}

/* The rebuilt note segment; false when nothing in it would change. */
static bool rebuild_notes(const struct cf_model *m, const struct cf_module *main_mod, const struct cf_module *loader,
			  struct cf_buf *out, struct cf_plan *plan)
{
	const struct cf_order *o = &m->core.order;
	bool fix_program = m->loader_as_command && main_mod && main_mod->elf_known && main_mod->has_bias;
	size_t ndata;
	bool *is_data = data_entries(m, &ndata), file_changes = ntfile_changes(m, is_data, ndata);
	bool have_prpsinfo = m->notes.has_prpsinfo, have_siginfo = m->notes.has_siginfo, first_status = true;
	size_t renamed = 0, status_no = 0;
	bool *first = cf_xcalloc(m->notes.nthread + 1, sizeof *first);
	cf_notes_first_threads(&m->notes, first);
	char args[96];
	cf_program_args(m->notes.psargs, args, sizeof args);
	const char *prog = main_mod ? (main_mod->path ? main_mod->path : main_mod->name) : m->notes.fname;
	for (size_t i = 0; i < m->core.nnote; i++) {
		Elf_Data *data = elf_getdata_rawchunk(m->core.elf, (int64_t)m->core.note[i].offset, m->core.note[i].size,
						      ELF_T_NHDR);
		size_t off = 0, next, no, dof;
		GElf_Nhdr nh;
		while (data && (next = gelf_getnote(data, off, &nh, &no, &dof)) > 0) {
			const char *name = (const char *)data->d_buf + no;
			const unsigned char *desc = (const unsigned char *)data->d_buf + dof;
			off = next;
			char owner[64];
			size_t ol = nh.n_namesz && name[nh.n_namesz - 1] == 0 ? nh.n_namesz - 1 : nh.n_namesz;
			if (ol >= sizeof owner)
				ol = sizeof owner - 1;
			memcpy(owner, name, ol);
			owner[ol] = 0;
			renamed += nh.n_namesz == ol && ol;
			bool core_owner = cf_note_owner_is(name, nh.n_namesz, "CORE");
			if (core_owner && nh.n_type == NT_PRSTATUS) {
				/* Notes decode in this same order: the k-th NT_PRSTATUS that
				 * notes.c kept is thread k (it skips only ones too short to
				 * hold a pid, by the same rule as here). */
				const struct cf_thread *t = NULL;
				if (nh.n_descsz >= 16 + 2 * cf_wordsize(o) + 4 && status_no < m->notes.nthread)
					t = &m->notes.thread[status_no++];
				bool dup = t && !first[t - m->notes.thread];
				if (dup) {
					say(plan, cf_xasprintf("NT_PRSTATUS: the repeated copy of thread %u dropped (KM writes the "
							       "faulting vCPU twice; gdb would take the first copy for an exited thread)",
							       t->tid));
					continue;
				}
				cf_buf_note(out, o, owner, nh.n_type, desc, nh.n_descsz);
				if (first_status && !have_prpsinfo) {
					size_t len = o->is64 ? 136 : 124;
					unsigned char ps[136] = {0};
					fill_prpsinfo(ps, len, prog, "", true, m);
					cf_buf_note(out, o, "CORE", NT_PRPSINFO, ps, len);
					say(plan, cf_xasprintf("NT_PRPSINFO: added, naming %s", prog));
				}
				if (first_status && !have_siginfo && m->notes.nthread) {
					unsigned char si[128] = {0};
					cf_put(o, si, (uint64_t)m->notes.thread[0].cursig, 4);
					cf_buf_note(out, o, "CORE", CF_NT_SIGINFO, si, sizeof si);
					say(plan, cf_xasprintf("NT_SIGINFO: added (signal %d, from NT_PRSTATUS)", m->notes.thread[0].cursig));
				}
				first_status = false;
			} else if (core_owner && nh.n_type == CF_NT_FILE && file_changes) {
				rebuilt_ntfile(m, is_data, ndata, out, plan);
			} else if (core_owner && nh.n_type == NT_AUXV && fix_program) {
				struct cf_buf a = {0};
				new_auxv(m, desc, nh.n_descsz, main_mod, loader, &a, plan);
				cf_buf_note(out, o, owner, nh.n_type, a.p, a.n);
				free(a.p);
			} else if (core_owner && nh.n_type == NT_PRPSINFO && fix_program && nh.n_descsz >= 96) {
				unsigned char *ps = cf_xmalloc(nh.n_descsz);
				memcpy(ps, desc, nh.n_descsz);
				fill_prpsinfo(ps, nh.n_descsz, prog, args, false, m);
				say(plan, cf_xasprintf("NT_PRPSINFO: fname \"%s\" -> \"%.15s\", psargs \"%s\" -> \"%s\"",
						       m->notes.fname, cf_base_name(prog), m->notes.psargs,
						       (char *)ps + nh.n_descsz - 80));
				cf_buf_note(out, o, owner, nh.n_type, ps, nh.n_descsz);
				free(ps);
			} else {
				cf_buf_note(out, o, owner, nh.n_type, desc, nh.n_descsz);
			}
		}
	}
	free(first);
	free(is_data);
	if (renamed)
		say(plan, cf_xasprintf("note names: %zu notes written with n_namesz counting the NUL (\"CORE\" 4 -> 5)",
				       renamed));
	if (!m->notes.has_file && m->nmod)
		synth_ntfile(m, out, plan);
	return plan->nnote > 0;
}

/* DT_DEBUG in the program's in-memory dynamic section → r_debug. Returns
 * the entry's index (or -1) and its bytes in ENTRY. */
static int64_t patch_dt_debug(const struct cf_model *m, const struct cf_module *mod, struct cf_plan *plan,
			      unsigned char *entry, struct cf_diag *d)
{
	const GElf_Phdr *dyn = mod ? cf_elf_phdr(&mod->info, PT_DYNAMIC) : NULL;
	if (!dyn || !m->r_debug)
		return -1;
	const struct cf_order *o = &m->core.order;
	unsigned w = cf_wordsize(o);
	uint64_t addr = (mod->bias + dyn->p_vaddr) & cf_addrmask(o), n = dyn->p_memsz / (2 * w);
	int64_t slot = -1, spare = -1, sacrifice = -1;
	for (uint64_t i = 0; i < n && i < 4096; i++) {
		uint64_t tag, val;
		if (!cf_core_read_word(&m->core, addr + i * 2 * w, &tag) || !cf_core_read_word(&m->core, addr + i * 2 * w + w, &val))
			break;
		if (tag == DT_DEBUG) {
			slot = (int64_t)i;
			if (val == m->r_debug) {
				cf_put(o, entry, DT_DEBUG, w);
				cf_put(o, entry + w, val, w);
				return slot;
			}
			break;
		}
		if (tag == DT_NULL) {
			uint64_t t2;
			if (i + 1 < n && cf_core_read_word(&m->core, addr + (i + 1) * 2 * w, &t2) && t2 == DT_NULL)
				spare = (int64_t)i;
			break;
		}
		/* Used by the loader at start-up only: safe to reuse in a core. */
		if ((tag == DT_RELACOUNT || tag == DT_RELCOUNT) && sacrifice < 0)
			sacrifice = (int64_t)i;
	}
	int64_t use = slot >= 0 ? slot : spare >= 0 ? spare : sacrifice;
	if (use < 0) {
		cf_warn(d, "%s: %s: no room for DT_DEBUG in its dynamic section; debuggers "
				 "may not find r_debug", m->core.path, mod->name);
		plan->incomplete = true;
		return -1;
	}
	uint64_t at = addr + (uint64_t)use * 2 * w;
	const struct cf_segment *s = cf_core_segment(&m->core, at);
	if (!s || at - s->vaddr + 2 * w > s->filesz) {
		cf_warn(d, "%s: the dynamic section of %s is not in the core", m->core.path,
			mod->name);
		plan->incomplete = true;
		return -1;
	}
	unsigned char *e = entry;
	cf_put(o, e, DT_DEBUG, w);
	cf_put(o, e + w, m->r_debug, w);
	add_patch(plan, s->offset + (at - s->vaddr), e, 2 * w,
		  cf_xasprintf("memory 0x%llx: DT_DEBUG of %s = 0x%llx (r_debug)%s", (unsigned long long)at, mod->name,
			       (unsigned long long)m->r_debug,
			       slot >= 0 ? "" : spare >= 0 ? ", in a spare DT_NULL slot" : ", replacing DT_RELACOUNT"));
	return use;
}

/* An unmapped, page-aligned range of LEN bytes for a segment of our own. */
static uint64_t find_gap(const struct cf_model *m, uint64_t len)
{
	uint64_t pg = m->pagesz, want = 0x10000;
	for (size_t i = 0; i <= m->core.nseg; i++) {
		uint64_t next = i < m->core.nseg ? m->core.seg[i].vaddr : cf_addrmask(&m->core.order);
		if (want + len + pg <= next)
			return want;
		if (i < m->core.nseg) {
			uint64_t end = m->core.seg[i].vaddr + m->core.seg[i].memsz;
			want = ((end > want ? end : want) + 2 * pg - 1) & ~(pg - 1);
		}
	}
	return 0;
}

struct extra {
	uint64_t vaddr;
	struct cf_buf data;
	char *why;
};

/* gdb reads the program's dynamic section through AT_PHDR, but relocates
 * it only when the program has a PT_PHDR: a .so program (KM's payloads,
 * musl's `ld-musl prog.so`) has none, and gdb then reads it at its link
 * address. A copy of the (repaired) dynamic section is placed there, in a
 * segment of our own; the process could never have mapped that low page. */
static bool dynamic_shadow(const struct cf_model *m, const struct cf_module *mod, int64_t slot,
			   const unsigned char *entry, struct extra *x)
{
	const GElf_Phdr *dyn = cf_elf_phdr(&mod->info, PT_DYNAMIC);
	if (!dyn || cf_elf_phdr(&mod->info, PT_PHDR) || mod->bias == 0 || slot < 0)
		return false;
	uint64_t pg = m->pagesz, lo = dyn->p_vaddr & ~(pg - 1), hi = (dyn->p_vaddr + dyn->p_memsz + pg - 1) & ~(pg - 1);
	for (size_t i = 0; i < m->core.nseg; i++)
		if (m->core.seg[i].vaddr < hi && m->core.seg[i].vaddr + m->core.seg[i].memsz > lo)
			return false;
	size_t len = (size_t)(hi - lo);
	x->vaddr = lo;
	x->data.p = cf_xcalloc(1, len);
	x->data.n = len;
	cf_core_read(&m->core, mod->bias + dyn->p_vaddr, x->data.p + (dyn->p_vaddr - lo), dyn->p_memsz);
	unsigned w = cf_wordsize(&m->core.order);
	memcpy(x->data.p + (dyn->p_vaddr - lo) + (uint64_t)slot * 2 * w, entry, 2 * w);
	x->why = cf_xasprintf("a copy of %s's dynamic section at its link address 0x%llx (no PT_PHDR: gdb reads it "
			      "there)", cf_base_name(mod->name), (unsigned long long)dyn->p_vaddr);
	return true;
}

/* The name link_map entry MOD gets in the rewritten core, or NULL to
 * keep it. musl (and our loader, given a relative program path) record
 * libraries as found: "./liba.so" means nothing to a debugger started
 * elsewhere. A library loaded from a memfd is /proc/self/fd/N: gdb opens
 * that in its own process and hangs reading its own descriptor; it gets
 * the file corefix found by build-id, else an empty name, which gdb's
 * solib-svr4 skips. */
static const char *lm_rename(const struct cf_module *mod, bool repair)
{
	if (!mod->in_linkmap || !mod->lm_name || !mod->lm_name[0])
		return NULL;
	bool found = mod->path && !mod->bid_mismatch;
	if (!cf_name_is_file(mod->lm_name))
		return found ? mod->path : "";
	return repair && mod->lm_name[0] != '/' && found ? mod->path : NULL;
}

/* The new names go into a segment of our own; l_name points at them. */
static struct cf_buf name_fixes(const struct cf_model *m, struct cf_plan *plan, uint64_t *seg_addr, bool repair)
{
	struct cf_buf names = {0};
	const struct cf_order *o = &m->core.order;
	unsigned w = cf_wordsize(o);
	size_t n = 0, total = 0;
	for (size_t i = 0; i < m->nmod; i++) {
		const char *to = lm_rename(&m->mod[i], repair);
		n += to != NULL;
		total += to ? strlen(to) + 1 : 0;
	}
	if (!n)
		return names;
	*seg_addr = find_gap(m, (total + m->pagesz - 1) & ~(m->pagesz - 1));
	if (!*seg_addr) {
		plan->incomplete = true;
		return names;
	}
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		const char *to = lm_rename(mod, repair);
		if (!to)
			continue;
		uint64_t field = mod->lm_entry + w;  /* l_name */
		const struct cf_segment *s = cf_core_segment(&m->core, field);
		if (!s || field - s->vaddr + w > s->filesz)
			continue;
		unsigned char ptr[8];
		cf_put(o, ptr, *seg_addr + names.n, w);
		add_patch(plan, s->offset + (field - s->vaddr), ptr, w,
			  cf_xasprintf("memory 0x%llx: l_name of \"%s\" -> \"%s\" (in the added segment)",
				       (unsigned long long)field, mod->lm_name, to));
		cf_buf_put_raw(&names, to, strlen(to) + 1);
	}
	return names;
}

static void encode_phdr(const struct cf_order *o, unsigned char *p, const GElf_Phdr *ph)
{
	if (o->is64) {
		cf_put(o, p, ph->p_type, 4), cf_put(o, p + 4, ph->p_flags, 4), cf_put(o, p + 8, ph->p_offset, 8);
		cf_put(o, p + 16, ph->p_vaddr, 8), cf_put(o, p + 24, ph->p_paddr, 8), cf_put(o, p + 32, ph->p_filesz, 8);
		cf_put(o, p + 40, ph->p_memsz, 8), cf_put(o, p + 48, ph->p_align, 8);
	} else {
		cf_put(o, p, ph->p_type, 4), cf_put(o, p + 4, ph->p_offset, 4), cf_put(o, p + 8, ph->p_vaddr, 4);
		cf_put(o, p + 12, ph->p_paddr, 4), cf_put(o, p + 16, ph->p_filesz, 4), cf_put(o, p + 20, ph->p_memsz, 4);
		cf_put(o, p + 24, ph->p_flags, 4), cf_put(o, p + 28, ph->p_align, 4);
	}
}

int cf_rewrite_plan(const struct cf_model *m, struct cf_plan *plan, struct cf_diag *d)
{
	memset(plan, 0, sizeof *plan);
	plan->in_size = plan->out_size = m->core.size;
	const struct cf_order *o = &m->core.order;
	const struct cf_module *main_mod = cf_model_role(m, CF_ROLE_MAIN), *loader = cf_model_role(m, CF_ROLE_EXEC);
	if (!loader && m->km) {
		/* KM's payload (the loader) is named by NT_KM_GUEST. */
		for (size_t i = 0; i < m->nmod && !loader; i++)
			if ((m->mod[i].sources & CF_SRC_KM) && m->mod[i].role != CF_ROLE_MAIN)
				loader = &m->mod[i];
	}
	bool repair = m->loader_as_command || m->km;
	struct cf_buf notes = {0};
	bool new_notes = rebuild_notes(m, main_mod, loader, &notes, plan);
	struct extra extra[2];
	size_t nextra = 0;
	GElf_Ehdr eh;
	gelf_getehdr(m->core.elf, &eh);
	if (eh.e_phentsize != gelf_fsize(m->core.elf, ELF_T_PHDR, 1, EV_CURRENT) || eh.e_phnum >= PN_XNUM) {
		/* Program headers we would have to rewrite are not the standard
		 * size (or use extended numbering): leave the core alone. */
		cf_warn(d, "%s: unusual program header table (e_phentsize %u, e_phnum %u); not rewritten",
			m->core.path, eh.e_phentsize, eh.e_phnum);
		plan->incomplete = true;
		free(notes.p);
		cf_plan_free(plan);
		plan->in_size = plan->out_size = m->core.size;
		plan->incomplete = true;
		return 0;
	}
	if (eh.e_phnum < PN_XNUM - 2) {
		uint64_t seg_addr = 0;
		struct cf_buf names = name_fixes(m, plan, &seg_addr, repair);
		if (names.n)
			extra[nextra++] = (struct extra){seg_addr, names,
							 cf_xstrdup("module names for link_map's l_name (absolute, and files)")};
	}
	if (repair && main_mod && main_mod->elf_known && main_mod->has_bias) {
		unsigned char entry[16];
		int64_t slot = patch_dt_debug(m, main_mod, plan, entry, d);
		if (eh.e_phnum < PN_XNUM - 2 && dynamic_shadow(m, main_mod, slot, entry, &extra[nextra]))
			nextra++;
	}
	uint64_t end = (m->core.size + 7) & ~7ull, notes_at = 0;
	if (new_notes && m->core.nnote && notes.n <= m->core.note[0].size) {
		/* The usual repair keeps every note's size: write them where
		 * they were (tools that read only the start of a big core, as
		 * lldb does, still find them). */
		notes_at = m->core.note[0].offset;
		add_patch(plan, notes_at, notes.p, notes.n,
			  cf_xasprintf("notes rebuilt in place at offset 0x%llx (%zu bytes)", (unsigned long long)notes_at,
				       notes.n));
	} else if (new_notes) {
		notes_at = end;
		add_patch(plan, notes_at, notes.p, notes.n,
			  cf_xasprintf("notes rebuilt and appended at offset 0x%llx (%zu bytes); the old note bytes stay, "
				       "unreferenced", (unsigned long long)notes_at, notes.n));
		end = (notes_at + notes.n + 7) & ~7ull;
	}
	size_t ndata, nstarts, hidden = 0;
	bool *data = data_entries(m, &ndata);
	uint64_t *starts = data_header_starts(m, data, &nstarts);
	free(data);
	for (size_t i = 0; nstarts && i < eh.e_phnum; i++) {
		GElf_Phdr ph;
		hidden += gelf_getphdr(m->core.elf, (int)i, &ph) && data_header_segment(m, &ph, starts, nstarts);
	}
	uint64_t extra_at[2] = {0, 0};
	for (size_t k = 0; k < nextra; k++) {
		extra_at[k] = (end + m->pagesz - 1) & ~(m->pagesz - 1);
		add_patch(plan, extra_at[k], extra[k].data.p, extra[k].data.n,
			  cf_xasprintf("segment data appended at offset 0x%llx for 0x%llx: %s", (unsigned long long)extra_at[k],
				       (unsigned long long)extra[k].vaddr, extra[k].why));
		end = (extra_at[k] + extra[k].data.n + 7) & ~7ull;
	}
	if (new_notes || nextra || hidden) {
		/* Program headers: PT_NOTE pointed at the new notes (others
		 * emptied), plus a PT_LOAD for each segment of our own. */
		size_t entsz = eh.e_phentsize, n = eh.e_phnum + nextra;
		unsigned char *tab = cf_xcalloc(n, entsz);
		bool first = true;
		for (size_t i = 0; i < eh.e_phnum; i++) {
			GElf_Phdr ph;
			gelf_getphdr(m->core.elf, (int)i, &ph);
			if (ph.p_type == PT_NOTE && new_notes) {
				ph.p_offset = first ? notes_at : 0;
				ph.p_filesz = first ? notes.n : 0;
				first = false;
			}
			if (data_header_segment(m, &ph, starts, nstarts)) {
				say(plan, cf_xasprintf("program header %zu: p_filesz 0x%llx -> 0 at 0x%llx, a file's first page "
						       "mapped again as data (libdwfl would take its ELF header for the file's image)",
						       i, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_vaddr));
				ph.p_filesz = 0;
			}
			encode_phdr(o, tab + i * entsz, &ph);
		}
		for (size_t k = 0; k < nextra; k++) {
			GElf_Phdr ph = {.p_type = PT_LOAD, .p_flags = PF_R, .p_offset = extra_at[k], .p_vaddr = extra[k].vaddr,
					.p_filesz = extra[k].data.n,
					.p_memsz = (extra[k].data.n + m->pagesz - 1) & ~(m->pagesz - 1), .p_align = m->pagesz};
			encode_phdr(o, tab + (eh.e_phnum + k) * entsz, &ph);
		}
		if (nextra) {
			add_patch(plan, end, tab, n * entsz,
				  cf_xasprintf("program headers rewritten at offset 0x%llx: PT_NOTE -> the new notes, %zu PT_LOAD "
					       "added", (unsigned long long)end, nextra));
			unsigned char v[8];
			unsigned w = cf_wordsize(o);
			cf_put(o, v, end, w);
			add_patch(plan, o->is64 ? 32 : 28, v, w,
				  cf_xasprintf("ELF header: e_phoff 0x%llx -> 0x%llx", (unsigned long long)eh.e_phoff,
					       (unsigned long long)end));
			cf_put(o, v, n, 2);
			add_patch(plan, o->is64 ? 56 : 44, v, 2, cf_xasprintf("ELF header: e_phnum %u -> %zu", eh.e_phnum, n));
		} else {
			/* Same table, patched in place: only the PT_NOTE fields move. */
			for (size_t i = 0; i < eh.e_phnum; i++) {
				uint64_t at = eh.e_phoff + i * entsz;
				if (memcmp(tab + i * entsz, m->core.image + at, entsz) != 0)
					add_patch(plan, at, tab + i * entsz, entsz,
						  cf_xasprintf("program header %zu (%s): p_offset/p_filesz -> %s", i,
							       cf_u32(o, tab + i * entsz) == PT_NOTE ? "PT_NOTE" : "PT_LOAD",
							       cf_u32(o, tab + i * entsz) == PT_NOTE ? "the new notes"
												       : "0, a data mapping's header"));
			}
		}
		free(tab);
	}
	/* gdb's gcore also writes section headers; they would describe the
	 * old notes and not our segments, and lldb prefers them. Cores need
	 * none (every reader takes program headers): drop them. */
	if (plan->npatch && eh.e_shoff) {
		unsigned char z[8] = {0};
		add_patch(plan, o->is64 ? 40 : 32, z, cf_wordsize(o),
			  cf_xasprintf("ELF header: e_shoff 0x%llx -> 0 (section headers dropped; program headers describe the "
				       "core)", (unsigned long long)eh.e_shoff));
		add_patch(plan, o->is64 ? 60 : 48, z, 4, cf_xasprintf("ELF header: e_shnum %u, e_shstrndx %u -> 0", eh.e_shnum,
									eh.e_shstrndx));
	}
	/* lldb tells a Linux core by its "LINUX" notes (the kernel's FPU
	 * state) or by EI_OSABI; cores from other writers (KM, our runtime)
	 * have neither. */
	if (plan->npatch && !m->notes.nlinux && m->core.image[EI_OSABI] == ELFOSABI_NONE) {
		unsigned char abi = ELFOSABI_GNU;
		add_patch(plan, EI_OSABI, &abi, 1, cf_xstrdup("ELF header: EI_OSABI 0 -> 3 (GNU/Linux): the core has no "
							      "LINUX notes for lldb to tell its OS by"));
	}
	for (size_t k = 0; k < nextra; k++) {
		free(extra[k].data.p);
		free(extra[k].why);
	}
	free(starts);
	free(notes.p);
	return 0;
}

void cf_plan_free(struct cf_plan *plan)
{
	for (size_t i = 0; i < plan->npatch; i++) {
		free(plan->patch[i].bytes);
		free(plan->patch[i].what);
	}
	for (size_t i = 0; i < plan->nnote; i++)
		free(plan->note[i]);
	free(plan->patch);
	free(plan->note);
	memset(plan, 0, sizeof *plan);
}

void cf_plan_print(FILE *out, const struct cf_model *m, const struct cf_plan *plan, const char *output, bool json)
{
	if (json) {
		fputs("{\n  \"schema\": \"corefix/rewrite/1\",\n  \"core\": ", out);
		cf_json_string(out, m->core.path);
		fputs(",\n  \"output\": ", out);
		cf_json_string(out, output);
		fprintf(out, ",\n  \"needed\": %s,\n  \"input_size\": %llu,\n  \"output_size\": %llu,\n  \"changes\": [",
			plan->npatch ? "true" : "false", (unsigned long long)plan->in_size, (unsigned long long)plan->out_size);
		for (size_t i = 0; i < plan->npatch; i++) {
			fprintf(out, "%s\n    {\"offset\": %llu, \"length\": %zu, \"appended\": %s, \"description\": ", i ? "," : "",
				(unsigned long long)plan->patch[i].offset, plan->patch[i].len,
				plan->patch[i].offset >= plan->in_size ? "true" : "false");
			cf_json_string(out, plan->patch[i].what);
			fputc('}', out);
		}
		fputs(plan->npatch ? "\n  ],\n  \"note_changes\": [" : "],\n  \"note_changes\": [", out);
		for (size_t i = 0; i < plan->nnote; i++) {
			fputs(i ? ",\n    " : "\n    ", out);
			cf_json_string(out, plan->note[i]);
		}
		fputs(plan->nnote ? "\n  ]\n}\n" : "]\n}\n", out);
		return;
	}
	char *core = cf_comment_text(m->core.path);
	if (!plan->npatch) {
		fprintf(out, "%s: nothing to repair; the output is a byte-identical copy\n", core);
		free(core);
		return;
	}
	fprintf(out, "%s: %zu change%s\n", core, plan->npatch, plan->npatch == 1 ? "" : "s");
	free(core);
	for (size_t i = 0; i < plan->npatch; i++) {
		char *w = cf_comment_text(plan->patch[i].what);
		fprintf(out, "  file offset 0x%llx, %zu bytes: %s\n", (unsigned long long)plan->patch[i].offset,
			plan->patch[i].len, w);
		free(w);
	}
	for (size_t i = 0; i < plan->nnote; i++) {
		char *w = cf_comment_text(plan->note[i]);
		fprintf(out, "    %s\n", w);
		free(w);
	}
}

static char *temp_beside(const char *path, int *fd)
{
	char *t = cf_xasprintf("%s.corefix-XXXXXX", path);
	*fd = mkstemp(t);
	if (*fd < 0) {
		free(t);
		return NULL;
	}
	return t;
}

int cf_rewrite_write(const char *core, const char *output, const struct cf_plan *plan, const char *backup,
		     struct cf_diag *d)
{
	int in = open(core, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cf_fail(d, "%s: %s", core, strerror(errno));
	struct stat st;
	fstat(in, &st);
	int out;
	char *tmp = temp_beside(output, &out);
	if (!tmp) {
		close(in);
		return cf_fail(d, "%s: cannot create a temporary file beside it: %s", output, strerror(errno));
	}
	char err[256];
	int r = cf_sparse_copy(in, out, (uint64_t)st.st_size, err, sizeof err);
	for (size_t i = 0; r == 0 && i < plan->npatch; i++)
		if (pwrite(out, plan->patch[i].bytes, plan->patch[i].len, (off_t)plan->patch[i].offset) !=
		    (ssize_t)plan->patch[i].len) {
			snprintf(err, sizeof err, "write failed: %s", strerror(errno));
			r = -1;
		}
	if (r == 0 && fchmod(out, st.st_mode & 0777) != 0)
		r = 0;  /* keep going: permissions are a nicety */
	if (close(out) != 0 && r == 0) {
		snprintf(err, sizeof err, "write failed: %s", strerror(errno));
		r = -1;
	}
	if (r == 0 && backup) {
		/* --in-place: the original survives under the backup name first. */
		if (link(core, backup) != 0) {
			int b = open(backup, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (b < 0 || cf_sparse_copy(in, b, (uint64_t)st.st_size, err, sizeof err) != 0 || close(b) != 0) {
				snprintf(err, sizeof err, "cannot write the backup %s: %s", backup, strerror(errno));
				r = -1;
			}
		}
	}
	close(in);
	if (r == 0 && rename(tmp, output) != 0) {
		snprintf(err, sizeof err, "cannot rename into place: %s", strerror(errno));
		r = -1;
	}
	if (r != 0) {
		unlink(tmp);
		free(tmp);
		return cf_fail(d, "%s: %s", output, err);
	}
	free(tmp);
	return 0;
}
