/* mkcore: turns a real x86-64 core into the variants the tests need.
 *
 *   mkcore km IN OUT LOADER NAME    Kontain KM layout: notes named with
 *       n_namesz 4, NT_FILE entries of LOADER (recorded as NAME) one per
 *       PT_LOAD at p_vaddr + load_adjust, NT_KM_GUEST with the exact
 *       load_adjust, other KMSP notes, no NT_PRPSINFO / NT_SIGINFO.
 *   mkcore drop-ntfile IN OUT       the same core without NT_FILE.
 *   mkcore zero-tid IN OUT          every NT_PRSTATUS with pid 0 (a
 *       writer that left its threads unnamed).
 *   mkcore drop-prstatus IN OUT     the same core without any thread
 *       (NT_PRSTATUS): damaged, as a cut-down writer leaves it.
 *   mkcore cycle-linkmap IN OUT     the last link_map entry points back
 *       at the first (memory a debugger must not loop on).
 *   mkcore undump IN OUT ADDR       the segment at ADDR (hex) not dumped
 *       (p_filesz 0), as a kernel that dumps no first page of an ELF
 *       mapping leaves it (elfutils' test-core.core).
 *
 * Test tooling only: it trusts its input. */
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

struct blob {
	unsigned char *p;
	size_t n;
};

static void put(struct blob *b, const void *d, size_t n)
{
	b->p = realloc(b->p, b->n + n + 8);
	memcpy(b->p + b->n, d, n);
	b->n += n;
	while (b->n % 4)
		b->p[b->n++] = 0;
}

static void note(struct blob *b, const char *owner, uint32_t type, const void *desc, size_t len)
{
	uint32_t h[3] = {(uint32_t)strlen(owner), (uint32_t)len, type};  /* KM: no NUL counted */
	put(b, h, sizeof h);
	put(b, owner, strlen(owner));
	put(b, desc, len);
}

static void die(const char *m)
{
	fprintf(stderr, "mkcore: %s\n", m);
	exit(2);
}

/* OUT = ELF header + PT_NOTE (NOTES) + IN's PT_LOADs with their bytes. */
static void write_core(const struct cf_core *in, const struct blob *notes, const char *out)
{
	size_t nph = 1 + in->nseg;
	uint64_t off = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
	uint64_t note_off = off;
	off = (off + notes->n + 4095) & ~4095ull;
	Elf64_Ehdr eh;
	memcpy(&eh, in->image, sizeof eh);
	eh.e_phoff = sizeof eh;
	eh.e_phnum = (uint16_t)nph;
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shstrndx = 0;
	Elf64_Phdr *ph = calloc(nph, sizeof *ph);
	ph[0] = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = note_off, .p_filesz = notes->n, .p_align = 4};
	for (size_t i = 0; i < in->nseg; i++) {
		const struct cf_segment *s = &in->seg[i];
		ph[1 + i] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = s->flags, .p_offset = off, .p_vaddr = s->vaddr,
					 .p_filesz = s->filesz, .p_memsz = s->memsz, .p_align = 4096};
		off = (off + s->filesz + 4095) & ~4095ull;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("cannot create output");
	pwrite(fd, &eh, sizeof eh, 0);
	pwrite(fd, ph, nph * sizeof *ph, sizeof eh);
	pwrite(fd, notes->p, notes->n, (off_t)note_off);
	for (size_t i = 0; i < in->nseg; i++)
		if (in->seg[i].filesz)
			pwrite(fd, in->image + in->seg[i].offset, in->seg[i].filesz, (off_t)ph[1 + i].p_offset);
	if (ftruncate(fd, (off_t)off) != 0 || close(fd) != 0 || rename(tmp, out) != 0)
		die("cannot write output");
	free(ph);
}

typedef void note_fn(void *ctx, const GElf_Nhdr *nh, const char *name, const unsigned char *desc);

static void each_note(const struct cf_core *c, note_fn *fn, void *ctx)
{
	for (size_t i = 0; i < c->nnote; i++) {
		Elf_Data *d = elf_getdata_rawchunk(c->elf, (int64_t)c->note[i].offset, c->note[i].size, ELF_T_NHDR);
		size_t off = 0, next, no, dof;
		GElf_Nhdr nh;
		while (d && (next = gelf_getnote(d, off, &nh, &no, &dof)) > 0) {
			fn(ctx, &nh, (const char *)d->d_buf + no, (const unsigned char *)d->d_buf + dof);
			off = next;
		}
	}
}

struct km_ctx {
	struct blob notes;
	const unsigned char *auxv, *file, *first_prstatus;
	size_t auxv_len, file_len, first_len;
	struct blob prstatus;  /* all threads, in order */
	size_t nthreads;
};

static void km_collect(void *vctx, const GElf_Nhdr *nh, const char *name, const unsigned char *desc)
{
	struct km_ctx *k = vctx;
	if (strcmp(name, "CORE") != 0)
		return;
	if (nh->n_type == NT_PRSTATUS) {
		if (!k->first_prstatus) {
			k->first_prstatus = desc;
			k->first_len = nh->n_descsz;
		}
		note(&k->prstatus, "CORE", NT_PRSTATUS, desc, nh->n_descsz);
		k->nthreads++;
	} else if (nh->n_type == NT_AUXV) {
		k->auxv = desc;
		k->auxv_len = nh->n_descsz;
	} else if (nh->n_type == 0x46494c45) {
		k->file = desc;
		k->file_len = nh->n_descsz;
	}
}

/* NT_FILE words are only 4-byte aligned in the note. */
static uint64_t word(const unsigned char *p, uint64_t i)
{
	uint64_t v;
	memcpy(&v, p + 8 * i, 8);
	return v;
}

static void km(const struct cf_core *in, const char *out, const char *loader, const char *recorded)
{
	struct km_ctx k = {0};
	each_note(in, km_collect, &k);
	if (!k.file || !k.first_prstatus)
		die("input core lacks NT_FILE or NT_PRSTATUS");
	struct cf_elfinfo li;
	char err[128];
	if (cf_elf_read_file(loader, &li, err, sizeof err) != 0)
		die(err);
	char real[4096];
	if (!realpath(loader, real))
		die("cannot resolve loader path");

	/* Rewrite NT_FILE: the loader's entries become KM's one-per-PT_LOAD. */
	const unsigned char *w = k.file;
	uint64_t count = word(w, 0), unit = word(w, 1);
	const char *names = (const char *)w + 8 * (2 + 3 * count);
	struct {
		uint64_t s, e, o;
		const char *name;
	} *ent = calloc(count + li.nphdr, sizeof *ent);
	size_t n = 0;
	uint64_t adjust = 0, base = 0;
	cf_elf_link_base(&li, 4096, &base);
	for (uint64_t i = 0; i < count; i++, names += strlen(names) + 1) {
		char r[4096];
		bool is_loader = realpath(names, r) && strcmp(r, real) == 0;
		if (is_loader && word(w, 2 + 3 * i + 2) == 0 && !adjust)
			adjust = word(w, 2 + 3 * i) - base;
		if (!is_loader)
			ent[n++] = (typeof(*ent)){word(w, 2 + 3 * i), word(w, 2 + 3 * i + 1), word(w, 2 + 3 * i + 2), names};
	}
	if (!adjust)
		die("the loader is not mapped in the input core");
	for (size_t i = 0; i < li.nphdr; i++)
		if (li.phdr[i].p_type == PT_LOAD) {
			uint64_t s = li.phdr[i].p_vaddr + adjust;
			ent[n++] = (typeof(*ent)){s, s + li.phdr[i].p_memsz, li.phdr[i].p_offset / unit, recorded};
		}
	struct blob file = {0};
	uint64_t hdr[2] = {n, unit};
	file.p = malloc(16);
	memcpy(file.p, hdr, 16);
	file.n = 16;
	for (size_t i = 0; i < n; i++) {
		uint64_t t[3] = {ent[i].s, ent[i].e, ent[i].o};
		file.p = realloc(file.p, file.n + 24);
		memcpy(file.p + file.n, t, 24);
		file.n += 24;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ent[i].name) + 1;
		file.p = realloc(file.p, file.n + l);
		memcpy(file.p + file.n, ent[i].name, l);
		file.n += l;
	}

	/* The faulting vCPU first, then every vCPU in its own slot. */
	note(&k.notes, "CORE", NT_PRSTATUS, k.first_prstatus, k.first_len);
	put(&k.notes, k.prstatus.p, k.prstatus.n);
	note(&k.notes, "CORE", NT_AUXV, k.auxv, k.auxv_len);
	note(&k.notes, "CORE", 0x46494c45, file.p, file.n);
	static const unsigned char junk[24] = "km monitor state.......";
	note(&k.notes, "KMSP", 0x4b4d4d4e, junk, sizeof junk);  /* NT_KM_MONITOR */
	for (size_t i = 0; i < k.nthreads; i++)
		note(&k.notes, "KMSP", 0x4b4d5052, junk, 16);      /* NT_KM_VCPU */
	note(&k.notes, "KMSP", 0x4b4d4644, junk, 8);               /* NT_KM_FILE */

	/* NT_KM_GUEST: load_adjust, Elf64_Ehdr, Elf64_Phdr[e_phnum], filename. */
	int fd = open(loader, O_RDONLY);
	Elf64_Ehdr eh;
	if (fd < 0 || pread(fd, &eh, sizeof eh, 0) != sizeof eh)
		die("cannot read the loader's header");
	size_t glen = 8 + sizeof eh + eh.e_phnum * sizeof(Elf64_Phdr) + strlen(recorded) + 1;
	unsigned char *g = calloc(1, glen);
	memcpy(g, &adjust, 8);
	memcpy(g + 8, &eh, sizeof eh);
	if (pread(fd, g + 8 + sizeof eh, eh.e_phnum * sizeof(Elf64_Phdr), (off_t)eh.e_phoff) < 0)
		die("cannot read the loader's program headers");
	close(fd);
	strcpy((char *)g + 8 + sizeof eh + eh.e_phnum * sizeof(Elf64_Phdr), recorded);
	note(&k.notes, "KMSP", 0x4b4d4754, g, glen);
	write_core(in, &k.notes, out);
	free(g);
	free(ent);
	free(file.p);
	free(k.notes.p);
	free(k.prstatus.p);
	cf_elfinfo_free(&li);
}

struct dropping {
	struct blob b;
	uint32_t type;          /* CORE notes of this type are left out */
	bool zero_tid;          /* keep them, with pr_pid 0 */
};

static void keep_but(void *vctx, const GElf_Nhdr *nh, const char *name, const unsigned char *desc)
{
	struct dropping *x = vctx;
	bool match = nh->n_type == x->type && strcmp(name, "CORE") == 0;
	if (match && !x->zero_tid)
		return;
	struct blob *b = &x->b;
	uint32_t h[3] = {nh->n_namesz, nh->n_descsz, nh->n_type};
	put(b, h, sizeof h);
	put(b, name, nh->n_namesz);
	size_t at = b->n;
	put(b, desc, nh->n_descsz);
	if (match && nh->n_descsz >= 36)
		memset(b->p + at + 32, 0, 4);  /* x86-64 elf_prstatus.pr_pid */
}

static void cycle(const char *inpath, const char *out)
{
	struct cf_model m;
	struct cf_options opt = {0};
	struct cf_resolver *res = cf_resolver_new(&opt);
	if (cf_model_build(&m, inpath, res) != 0 || !m.r_debug)
		die("no link_map in input");
	uint64_t first, lm, next, last = 0;
	cf_core_read_word(&m.core, m.r_debug + 8, &first);
	for (lm = first; lm && cf_core_read_word(&m.core, lm + 24, &next); lm = next)
		last = lm;
	const struct cf_segment *s = cf_core_segment(&m.core, last + 24);
	if (!s)
		die("last link_map entry not in core");
	uint64_t off = s->offset + (last + 24 - s->vaddr);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", inpath, out);
	if (system(cmd) != 0)
		die("copy failed");
	int fd = open(out, O_WRONLY);
	if (fd < 0 || pwrite(fd, &first, 8, (off_t)off) != 8)
		die("patch failed");
	close(fd);
	cf_model_free(&m);
	cf_resolver_free(res);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		die("usage: mkcore km IN OUT LOADER NAME | drop-ntfile IN OUT | drop-prstatus IN OUT | zero-tid IN OUT | "
		    "cycle-linkmap IN OUT | undump IN OUT ADDR");
	if (!strcmp(argv[1], "cycle-linkmap")) {
		cycle(argv[2], argv[3]);
		return 0;
	}
	struct cf_core in;
	struct cf_diag d = {0};
	if (cf_core_open(&in, argv[2], &d) != 0)
		die(d.error);
	if (!strcmp(argv[1], "km") && argc == 6) {
		km(&in, argv[3], argv[4], argv[5]);
	} else if (!strcmp(argv[1], "drop-ntfile") || !strcmp(argv[1], "drop-prstatus") || !strcmp(argv[1], "zero-tid")) {
		struct dropping x = {.type = argv[1][5] == 'n' ? 0x46494c45 : NT_PRSTATUS, .zero_tid = argv[1][0] == 'z'};
		each_note(&in, keep_but, &x);
		write_core(&in, &x.b, argv[3]);
		free(x.b.p);
	} else if (!strcmp(argv[1], "undump") && argc == 5) {
		struct dropping x = {.type = UINT32_MAX};
		uint64_t at = strtoull(argv[4], NULL, 16);
		bool found = false;
		each_note(&in, keep_but, &x);
		for (size_t i = 0; i < in.nseg; i++)
			if (in.seg[i].vaddr == at) {
				in.seg[i].filesz = 0;
				found = true;
			}
		if (!found)
			die("no segment at that address");
		write_core(&in, &x.b, argv[3]);
		free(x.b.p);
	} else {
		die("unknown mode");
	}
	cf_core_close(&in);
	return 0;
}
