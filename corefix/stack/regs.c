/* Thread registers at the crash, in DWARF numbering (the common language of
 * both unwinders), for every machine elfutils knows. elfutils' backends
 * already map each architecture's NT_PRSTATUS (and the notes that follow
 * it: s390's high halves, ARM's VFP, ...) to DWARF registers; we let them.
 * They are reached through dwfl_core_file_attach over a note-only core that
 * says what the writer meant, so KM cores (owner names without their NUL,
 * no NT_PRPSINFO) read like the kernel's. Only the first frame's state is
 * taken: unwinding itself runs over the model's memory and modules. */
#include <elf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "notebuf.h"
#include "regs.h"

static size_t collect_notes(const struct cf_model *m, struct cf_buf *o)
{
	const struct cf_core *c = &m->core;
	bool prpsinfo = false;
	for (size_t i = 0; i < c->nnote; i++) {
		const struct cf_span *sp = &c->note[i];
		Elf_Data *data = sp->size ? elf_getdata_rawchunk(c->elf, (int64_t)sp->offset, sp->size, ELF_T_NHDR) : NULL;
		size_t off = 0, next, name_off, desc_off;
		GElf_Nhdr nh;
		while (data && off < data->d_size && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *name = (const char *)data->d_buf + name_off;
			const char *owner = cf_note_owner_is(name, nh.n_namesz, "CORE")    ? "CORE"
					    : cf_note_owner_is(name, nh.n_namesz, "LINUX") ? "LINUX"
											    : NULL;
			off = next;
			if (!owner || (owner[0] == 'C' && (nh.n_type == CF_NT_FILE || nh.n_type == NT_AUXV)))
				continue;
			/* libdwfl ends its thread walk at a tid of 0 and fails at a
			 * negative one, leaking its iterator either way: such a
			 * thread (a damaged core's) gets no registers. */
			size_t pid_off = 16 + 2 * cf_wordsize(&c->order);
			if (owner[0] == 'C' && nh.n_type == NT_PRSTATUS &&
			    (nh.n_descsz < pid_off + 4 ||
			     (int32_t)cf_u32(&c->order, (const char *)data->d_buf + desc_off + pid_off) <= 0))
				continue;
			prpsinfo |= owner[0] == 'C' && nh.n_type == NT_PRPSINFO;
			cf_buf_note(o, &c->order, owner, nh.n_type, (const char *)data->d_buf + desc_off, nh.n_descsz);
		}
	}
	if (!prpsinfo && c->order.is64 && m->notes.nthread) {
		/* Every 64-bit Linux ABI: 136 bytes, pr_pid at 24. */
		unsigned char ps[136] = {0};
		cf_put(&c->order, ps + 24, m->notes.thread[0].tid, 4);
		cf_buf_note(o, &c->order, "CORE", NT_PRPSINFO, ps, sizeof ps);
	}
	return o->n;
}

/* A whole ELF core around NOTES: header, one PT_NOTE, the notes. */
static unsigned char *wrap_core(const struct cf_model *m, const struct cf_buf *notes, size_t *len)
{
	const struct cf_order *ord = &m->core.order;
	GElf_Ehdr eh;
	if (!gelf_getehdr(m->core.elf, &eh))
		return NULL;
	bool is64 = ord->is64;
	size_t ehsz = is64 ? 64 : 52, phsz = is64 ? 56 : 32, w = is64 ? 8 : 4;
	*len = ehsz + phsz + notes->n;
	unsigned char *b = cf_xcalloc(*len, 1), *p = b + 16;
	memcpy(b, eh.e_ident, EI_NIDENT);
	cf_put(ord, p, ET_CORE, 2);
	cf_put(ord, p + 2, eh.e_machine, 2);
	cf_put(ord, p + 4, EV_CURRENT, 4);
	p += 8 + w;                             /* e_entry */
	cf_put(ord, p, ehsz, (unsigned)w);      /* e_phoff */
	p += 2 * w;                             /* e_shoff */
	cf_put(ord, p, eh.e_flags, 4);          /* ARM's EABI version lives here */
	cf_put(ord, p + 4, ehsz, 2);
	cf_put(ord, p + 6, phsz, 2);
	cf_put(ord, p + 8, 1, 2);
	p = b + ehsz;
	cf_put(ord, p, PT_NOTE, 4);
	uint64_t off = ehsz + phsz;
	if (is64) {
		cf_put(ord, p + 8, off, 8);
		cf_put(ord, p + 32, notes->n, 8);
		cf_put(ord, p + 48, 4, 8);
	} else {
		cf_put(ord, p + 4, off, 4);
		cf_put(ord, p + 16, notes->n, 4);
		cf_put(ord, p + 28, 4, 4);
	}
	memcpy(b + off, notes->p, notes->n);
	return b;
}

struct taken {                  /* one thread as elfutils enumerated it */
	uint32_t tid;
	struct cf_regs r;
};

struct walk {
	struct taken *t;
	size_t n;
};

static int first_frame(Dwfl_Frame *state, void *arg)
{
	struct cf_regs *r = arg;
	Dwarf_Addr pc;
	if (!dwfl_frame_pc(state, &pc, NULL))
		return DWARF_CB_ABORT;
	r->pc = pc;
	for (unsigned k = 0; k < CF_MAX_DWARF_REGS; k++) {
		Dwarf_Word v;
		if (dwfl_frame_reg(state, k, &v) == 0) {
			r->val[k] = v;
			r->set[k / 64] |= 1ull << (k % 64);
		}
	}
	r->ok = true;
	return DWARF_CB_ABORT;  /* the state at the crash is all we want */
}

static int each_thread(Dwfl_Thread *thread, void *arg)
{
	struct walk *w = arg;
	w->t = cf_grow(w->t, w->n, sizeof *w->t);
	struct taken *t = &w->t[w->n++];
	memset(t, 0, sizeof *t);
	t->tid = (uint32_t)dwfl_thread_tid(thread);
	dwfl_thread_getframes(thread, first_frame, &t->r);
	return DWARF_CB_OK;
}

struct cf_regs *cf_regs_read(const struct cf_model *m, char *err, size_t errlen)
{
	struct cf_buf notes = {0};
	size_t len;
	unsigned char *image = collect_notes(m, &notes) ? wrap_core(m, &notes, &len) : NULL;
	free(notes.p);
	if (!image) {
		snprintf(err, errlen, "no thread state in the core's notes");
		return NULL;
	}
	static const Dwfl_Callbacks cb = {.find_elf = dwfl_build_id_find_elf,
					  .find_debuginfo = dwfl_standard_find_debuginfo};
	Elf *elf = elf_memory((char *)image, len);
	Dwfl *dwfl = elf ? dwfl_begin(&cb) : NULL;
	struct walk w = {0};
	struct cf_regs *out = NULL;
	if (!dwfl || dwfl_core_file_attach(dwfl, elf) < 0 || dwfl_getthreads(dwfl, each_thread, &w) != 0) {
		snprintf(err, errlen, "%s", dwfl_errmsg(-1));
	} else {
		/* Match by tid and occurrence: elfutils skips a malformed
		 * NT_PRSTATUS, and KM repeats the faulting one. */
		out = cf_xcalloc(m->notes.nthread, sizeof *out);
		for (size_t k = 0; k < m->notes.nthread; k++) {
			uint32_t tid = m->notes.thread[k].tid;
			size_t nth = 0;
			for (size_t j = 0; j < k; j++)
				nth += m->notes.thread[j].tid == tid;
			const struct taken *first = NULL, *hit = NULL;
			for (size_t j = 0; j < w.n && !hit; j++)
				if (w.t[j].tid == tid) {
					first = first ? first : &w.t[j];
					hit = nth-- == 0 ? &w.t[j] : NULL;
				}
			if (hit || first)
				out[k] = (hit ? hit : first)->r;
		}
	}
	free(w.t);
	dwfl_end(dwfl);
	elf_end(elf);
	free(image);
	return out;
}

int cf_dwarf_sp(uint16_t machine)
{
	/* The stack pointer's DWARF number, from each psABI; it only tells
	 * recursion from a loop. -1: loops end at --max-frames. */
	switch (machine) {
	case EM_X86_64: return 7;
	case EM_386: return 4;
	case EM_AARCH64: return 31;
	case EM_ARM: return 13;
	case EM_PPC:
	case EM_PPC64: return 1;
	case EM_S390: return 15;
	case EM_RISCV: return 2;
	case EM_SPARC:
	case EM_SPARCV9: return 14;
	case EM_68K: return 15;
	default: return -1;
	}
}
