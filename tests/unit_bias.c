/* Load-bias arithmetic on synthetic cores whose answer is known exactly:
 * RELRO splits and shared pages, PROT_NONE gaps, gcore's byte offsets, a
 * second mapping of a file, a lone ambiguous mapping, 32-bit big-endian
 * with a wrapping bias, 64 KiB pages, and KM's unaligned entries. */
#include <stdint.h>
#include <unistd.h>

#include "emit.h"
#include "model_build.h"
#include "synth.h"

static char dir[] = "/tmp/corefix-unit-XXXXXX";
static const unsigned char ID[20] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* A typical 4-segment DSO (as GNU ld lays one out today). */
static const struct synth_phdr dso[] = {
	{PT_LOAD, 4, 0, 0, 0x500, 0x500},
	{PT_LOAD, 5, 0x1000, 0x1000, 0x200, 0x200},
	{PT_LOAD, 4, 0x2000, 0x2000, 0x100, 0x100},
	{PT_LOAD, 6, 0x2df8, 0x3df8, 0x230, 0x240},
};

static char *path_in_dir(const char *name)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

/* Writes the DSO's first page as a file, so the module resolves. */
static void write_dso(struct synth *s, const char *name, const struct synth_phdr *ph, size_t n)
{
	struct buf b = {0};
	synth_elf_head(s, &b, ET_DYN, ph, n, ID);
	FILE *f = fopen(path_in_dir(name), "wb");
	fwrite(b.p, 1, b.n, f);
	fclose(f);
	free(b.p);
}

static void header_segment(struct synth *s, uint64_t at, const struct synth_phdr *ph, size_t n)
{
	struct synth_seg *g = synth_segment(s, at, 0x1000);
	synth_elf_head(s, &g->data, ET_DYN, ph, n, ID);
	buf_align(&g->data, 0x1000);
}

static struct cf_module *build(struct synth *s, struct cf_model *m, const char *core, const char *name)
{
	const char *p = path_in_dir(core);
	if (synth_write(s, p) != 0 || cf_model_build(m, p, test_resolver()) != 0) {
		fprintf(stderr, "%s: cannot build model: %s\n", core, m->diag.error);
		exit(1);
	}
	for (size_t i = 0; i < m->nmod; i++)
		if (strstr(m->mod[i].name, name))
			return &m->mod[i];
	fprintf(stderr, "%s: no module %s\n", core, name);
	exit(1);
}

static void kernel_entries(struct synth_map *e, uint64_t b, const char *name, uint64_t unit)
{
	/* R, RX, R, RW split by RELRO (two entries of the RW segment). */
	static const uint64_t start[] = {0, 0x1000, 0x2000, 0x3000, 0x4000}, off[] = {0, 0x1000, 0x2000, 0x2000, 0x3000};
	for (int i = 0; i < 5; i++)
		e[i] = (struct synth_map){b + start[i], b + start[i] + 0x1000, off[i] / unit, name};
}

static void test_kernel_layout(void)
{
	struct synth s;
	struct cf_model m;
	struct synth_map e[8];
	const uint64_t B = 0x7f0000100000;
	synth_init(&s, 1, 0, EM_X86_64);
	synth_prstatus(&s, 100, 11);
	kernel_entries(e, B, path_in_dir("libx.so"), 0x1000);
	e[5] = (struct synth_map){B + 0x5000, B + 0x105000, 0x100, e[0].name};  /* PROT_NONE gap: fits nothing */
	synth_ntfile(&s, 0x1000, e, 6);
	write_dso(&s, "libx.so", dso, 4);
	header_segment(&s, B, dso, 4);
	struct cf_module *mod = build(&s, &m, "kernel.core", "libx.so");
	CHECK(mod->has_bias && mod->bias == B, "bias %#llx", (unsigned long long)mod->bias);
	CHECK(!mod->bias_conflict && m.diag.nwarn == 0, "the entry past the image must not veto");
	CHECK(mod->path && !mod->bid_mismatch && mod->bid_core_len == 20, "file and build-id");
	CHECK(mod->lo == B && mod->hi == B + 0x5000, "range: the image only %#llx-%#llx", (unsigned long long)mod->lo,
	      (unsigned long long)mod->hi);
	CHECK(mod->nmaps == 5 && mod->ndata == 1, "5 image mappings (%zu), 1 data mapping (%zu)", mod->nmaps, mod->ndata);
	cf_model_free(&m);
	synth_free(&s);
}

static void test_gcore_unit(void)
{
	struct synth s;
	struct cf_model m;
	struct synth_map e[8];
	const uint64_t B = 0x555555554000;
	synth_init(&s, 1, 0, EM_X86_64);
	kernel_entries(e, B, path_in_dir("libg.so"), 1);
	synth_ntfile(&s, 1, e, 5);
	write_dso(&s, "libg.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "gcore.core", "libg.so");
	CHECK(mod->has_bias && mod->bias == B, "gcore offsets in bytes: bias %#llx", (unsigned long long)mod->bias);
	cf_model_free(&m);
	synth_free(&s);
}

static void test_second_mapping(void)
{
	struct synth s;
	struct cf_model m;
	struct synth_map e[8];
	const uint64_t B = 0x7f0000200000, C = 0x7f0000900000;
	synth_init(&s, 1, 0, EM_X86_64);
	kernel_entries(e, B, path_in_dir("libs.so"), 0x1000);
	e[5] = (struct synth_map){C, C + 0x1000, 0, e[0].name};
	e[6] = (struct synth_map){C + 0x1000, C + 0x2000, 1, e[0].name};
	synth_ntfile(&s, 0x1000, e, 7);
	write_dso(&s, "libs.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "second.core", "libs.so");
	CHECK(mod->has_bias && mod->bias == B, "the image's bias %#llx", (unsigned long long)mod->bias);
	CHECK(m.diag.nwarn == 0, "no warning for data mappings (%zu: %s)", m.diag.nwarn, m.diag.nwarn ? m.diag.warn[0] : "");
	CHECK(mod->nmaps == 5 && mod->ndata == 2, "image %zu, data %zu", mod->nmaps, mod->ndata);
	CHECK(mod->lo == B && mod->hi == B + 0x5000, "range not widened by the data mappings: %#llx-%#llx",
	      (unsigned long long)mod->lo, (unsigned long long)mod->hi);
	CHECK(cf_model_find_addr(&m, C) == NULL, "a data mapping is no module's address");
	cf_model_free(&m);
	synth_free(&s);
}

/* The file mapped again far BELOW the image, a whole copy of it (what gdb
 * does to every library it reads): the range must not reach down to it. */
static void test_data_below(void)
{
	struct synth s;
	struct cf_model m;
	struct synth_map e[8];
	const uint64_t B = 0x7f0000a00000, C = 0x7f0000100000;
	synth_init(&s, 1, 0, EM_X86_64);
	e[0] = (struct synth_map){C, C + 0x4000, 0, path_in_dir("libw.so")};
	kernel_entries(e + 1, B, e[0].name, 0x1000);
	synth_ntfile(&s, 0x1000, e, 6);
	write_dso(&s, "libw.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "below.core", "libw.so");
	CHECK(mod->has_bias && mod->bias == B && m.diag.nwarn == 0, "bias %#llx", (unsigned long long)mod->bias);
	CHECK(mod->lo == B && mod->ndata == 1, "range from %#llx, %zu data", (unsigned long long)mod->lo, mod->ndata);
	cf_model_free(&m);
	synth_free(&s);
}

/* A file the process only maps as data (a debugger reading an ELF file it
 * never runs): no image, so its range is its mapping, never the span its
 * program headers would cover over the neighbours' addresses. */
static void test_data_only_file(void)
{
	struct synth s;
	struct cf_model m;
	const uint64_t C = 0x7f0000400000;
	synth_init(&s, 1, 0, EM_X86_64);
	struct synth_map e[] = {{C, C + 0x1000, 0, path_in_dir("libread.so")},
				{C + 0x1000, C + 0x5000, 0, path_in_dir("neighbour.dat")}};
	synth_ntfile(&s, 0x1000, e, 2);
	write_dso(&s, "libread.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "dataonly.core", "libread.so");
	CHECK(mod->lo == C && mod->hi == C + 0x1000, "range %#llx-%#llx", (unsigned long long)mod->lo,
	      (unsigned long long)mod->hi);
	CHECK(cf_model_find_addr(&m, C + 0x2000) != mod, "a data-only file covers its neighbour");
	cf_model_free(&m);
	synth_free(&s);
}

/* The same file whose one mapping the core's program header says is not
 * executable (gdb mapping /usr/bin/bash to read it): no module at all, its
 * entry counted as data; with PF_X it is a module again. */
static void test_data_only_dropped(void)
{
	for (int exec = 0; exec < 2; exec++) {
		struct synth s;
		struct cf_model m;
		const uint64_t C = 0x7f0000400000;
		synth_init(&s, 1, 0, EM_X86_64);
		struct synth_map e[] = {{C, C + 0x1000, 0, path_in_dir("libread2.so")}};
		synth_ntfile(&s, 0x1000, e, 1);
		write_dso(&s, "libread2.so", dso, 4);
		header_segment(&s, C, dso, 4);
		s.seg[s.nseg - 1].flags = exec ? PF_R | PF_X : PF_R;
		const char *p = path_in_dir(exec ? "readx.core" : "read.core");
		CHECK(synth_write(&s, p) == 0 && cf_model_build(&m, p, test_resolver()) == 0, "model of %s", p);
		bool found = false;
		for (size_t i = 0; i < m.nmod; i++)
			found |= strstr(m.mod[i].name, "libread2.so") != NULL;
		if (exec)
			CHECK(found && m.ndata_only_files == 0, "an executable mapping makes a module (%d)", found);
		else
			CHECK(!found && m.ndata_only_files == 1 && m.ndata_only == 1,
			      "a file mapped only as data is no module (found %d, files %zu)", found, m.ndata_only_files);
		cf_model_free(&m);
		synth_free(&s);
	}
}

/* Older glibc (2.27) leaves the hole between code and data mapped
 * PROT_NONE with the data's file offset: part of the image, no warning. */
static void test_old_glibc_hole(void)
{
	static const struct synth_phdr two[] = {
		{PT_LOAD, 5, 0, 0, 0x1e6000, 0x1e6000},
		{PT_LOAD, 6, 0x1e7000, 0x3e7000, 0x5000, 0x9000},
	};
	struct synth s;
	struct cf_model m;
	const uint64_t B = 0x7f4817f95000;
	synth_init(&s, 1, 0, EM_X86_64);
	const char *n = path_in_dir("libc227.so");
	struct synth_map e[] = {
		{B, B + 0x1e7000, 0, n},
		{B + 0x1e7000, B + 0x3e7000, 0x1e7, n},  /* the hole, with the data's offset */
		{B + 0x3e7000, B + 0x3eb000, 0x1e7, n},
		{B + 0x3eb000, B + 0x3ed000, 0x1eb, n},
	};
	synth_ntfile(&s, 0x1000, e, 4);
	write_dso(&s, "libc227.so", two, 2);
	struct cf_module *mod = build(&s, &m, "hole.core", "libc227.so");
	CHECK(mod->has_bias && mod->bias == B, "bias %#llx", (unsigned long long)mod->bias);
	CHECK(m.diag.nwarn == 0 && mod->ndata == 0 && mod->nmaps == 4, "the hole is image (warnings %zu, data %zu)",
	      m.diag.nwarn, mod->ndata);
	CHECK(mod->lo == B && mod->hi == B + 0x3f0000, "range %#llx-%#llx", (unsigned long long)mod->lo,
	      (unsigned long long)mod->hi);
	cf_model_free(&m);
	synth_free(&s);
}

/* One file loaded twice as full images (dlmopen into a new namespace):
 * two modules, each with its own bias and range. */
static void test_two_images(void)
{
	struct synth s;
	struct cf_model m;
	struct synth_map e[10];
	const uint64_t B = 0x7f0000200000, C = 0x7f0000900000;
	synth_init(&s, 1, 0, EM_X86_64);
	kernel_entries(e, B, path_in_dir("libtwice.so"), 0x1000);
	kernel_entries(e + 5, C, e[0].name, 0x1000);
	synth_ntfile(&s, 0x1000, e, 10);
	write_dso(&s, "libtwice.so", dso, 4);
	build(&s, &m, "twice.core", "libtwice.so");
	size_t n = 0;
	bool b = false, c = false;
	for (size_t i = 0; i < m.nmod; i++) {
		const struct cf_module *x = &m.mod[i];
		if (!strstr(x->name, "libtwice.so"))
			continue;
		n++;
		b |= x->has_bias && x->bias == B && x->lo == B && x->hi == B + 0x5000 && x->nmaps == 5;
		c |= x->has_bias && x->bias == C && x->lo == C && x->hi == C + 0x5000 && x->nmaps == 5;
	}
	CHECK(n == 2 && b && c && m.diag.nwarn == 0, "two images at %#llx and %#llx (modules %zu, warnings %zu)",
	      (unsigned long long)B, (unsigned long long)C, n, m.diag.nwarn);
	cf_model_free(&m);
	synth_free(&s);
}

static void test_ambiguous(void)
{
	struct synth s;
	struct cf_model m;
	const uint64_t B = 0x7f0000300000;
	synth_init(&s, 1, 0, EM_X86_64);
	/* Only the RELRO page survives: it fits segment 3 and segment 4. */
	struct synth_map e[] = {{B + 0x3000, B + 0x4000, 2, path_in_dir("liba.so")}};
	synth_ntfile(&s, 0x1000, e, 1);
	write_dso(&s, "liba.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "ambiguous.core", "liba.so");
	CHECK(!mod->has_bias && mod->ncand == 2, "two candidates, no guess (ncand %zu)", mod->ncand);
	CHECK(m.diag.partial, "reported as incomplete");
	CHECK(strcmp(cf_module_status(mod, false), "bias-ambiguous") == 0, "status %s", cf_module_status(mod, false));
	cf_model_free(&m);
	synth_free(&s);
}

static void test_32bit_big_endian(void)
{
	struct synth s;
	struct cf_model m;
	/* Linked at 0x80000000, loaded at 0x10000000: the bias is negative. */
	static const struct synth_phdr hi[] = {
		{PT_LOAD, 5, 0, 0x80000000, 0x800, 0x800},
		{PT_LOAD, 6, 0xf00, 0x80010f00, 0x100, 0x200},
	};
	synth_init(&s, 0, 1, EM_PPC);
	synth_prstatus(&s, 7, 11);
	struct synth_map e[] = {
		{0x10000000, 0x10001000, 0, path_in_dir("libbe.so")},
		{0x10010000, 0x10011000, 0, path_in_dir("libbe.so")},
	};
	synth_ntfile(&s, 0x1000, e, 2);
	uint64_t aux[] = {AT_PAGESZ, 4096};
	synth_auxv(&s, aux, 1);
	header_segment(&s, 0x10000000, hi, 2);
	struct cf_module *mod = build(&s, &m, "be32.core", "libbe.so");
	CHECK(mod->has_bias && mod->bias == 0x90000000u, "bias %#llx", (unsigned long long)mod->bias);
	CHECK(mod->header_in_core && mod->bid_core_len == 20 && mod->bid_core[0] == 0xde, "build-id from BE memory");
	char t[32];
	cf_bias_text(&m, mod, t, sizeof t);
	CHECK(strcmp(t, "-0x70000000") == 0, "below its link address: a negative bias: %s", t);
	CHECK(m.notes.nthread == 1 && m.notes.thread[0].tid == 7, "BE prstatus tid");
	cf_model_free(&m);
	synth_free(&s);
}

/* An i386 DSO linked at 0 and loaded at 0xf7eca000: the bias has its top
 * bit set but is positive (gdb sign-extends -0x8136000 to 0xfffffffff7eca000). */
static void test_32bit_high_load(void)
{
	struct synth s;
	struct cf_model m;
	const uint64_t B = 0xf7eca000;
	synth_init(&s, 0, 0, EM_386);
	synth_prstatus(&s, 7, 11);
	struct synth_map e[] = {
		{B, B + 0x1000, 0, path_in_dir("lib386.so")},
		{B + 0x1000, B + 0x2000, 1, path_in_dir("lib386.so")},
		{B + 0x2000, B + 0x3000, 2, path_in_dir("lib386.so")},
		{B + 0x3000, B + 0x4000, 2, path_in_dir("lib386.so")},
	};
	synth_ntfile(&s, 0x1000, e, 4);
	uint64_t aux[] = {AT_PAGESZ, 4096};
	synth_auxv(&s, aux, 1);
	write_dso(&s, "lib386.so", dso, 4);
	struct cf_module *mod = build(&s, &m, "i386.core", "lib386.so");
	char t[32];
	CHECK(mod->has_bias && mod->bias == B, "bias %#llx", (unsigned long long)mod->bias);
	cf_bias_text(&m, mod, t, sizeof t);
	CHECK(strcmp(t, "0xf7eca000") == 0, "above its link address: a positive bias: %s", t);
	CHECK(cf_module_bias_signed(&m, mod) == (int64_t)B, "signed bias %lld", (long long)cf_module_bias_signed(&m, mod));
	cf_model_free(&m);
	synth_free(&s);
}

/* No NT_FILE, text page not dumped: the only ELF header in memory is the
 * copy of file page 0 that starts a small RW segment. It must not move the
 * module: an ET_EXEC sits at its link address; a PIE where AT_PHDR says. */
static struct cf_module *header_copy_core(struct synth *s, struct cf_model *m, uint16_t type, uint64_t B,
					  uint64_t at_phdr)
{
	static const struct synth_phdr small[] = {
		{PT_LOAD, 5, 0, 0, 0x800, 0x800},
		{PT_LOAD, 6, 0xe10, 0x200e10, 0x100, 0x200},
	};
	struct synth_phdr ph[2] = {small[0], small[1]};
	uint64_t link = type == ET_EXEC ? 0x400000 : 0;
	ph[0].vaddr += link;
	ph[1].vaddr += link;
	synth_init(s, 1, 0, EM_X86_64);
	synth_prstatus(s, 9, 11);
	uint64_t aux[] = {AT_PAGESZ, 4096, AT_PHDR, at_phdr};
	synth_auxv(s, aux, 2);
	synth_segment(s, B + link, 0x1000);  /* text: not dumped */
	struct synth_seg *g = synth_segment(s, B + link + 0x200000, 0x1000);
	synth_elf_head(s, &g->data, type, ph, 2, ID);
	buf_align(&g->data, 0x1000);
	const char *p = path_in_dir(type == ET_EXEC ? "copy-exec.core" : "copy-dyn.core");
	if (synth_write(s, p) != 0 || cf_model_build(m, p, test_resolver()) != 0) {
		fprintf(stderr, "%s: cannot build model: %s\n", p, m->diag.error);
		exit(1);
	}
	for (size_t i = 0; i < m->nmod; i++)
		if (m->mod[i].sources & CF_SRC_MEMORY && m->mod[i].role != CF_ROLE_VDSO)
			return &m->mod[i];
	return NULL;
}

static void test_header_copy(void)
{
	struct synth s;
	struct cf_model m;
	struct cf_module *mod = header_copy_core(&s, &m, ET_EXEC, 0, 0x400040);
	CHECK(mod && mod->has_bias && mod->bias == 0, "ET_EXEC from a header copy: bias %#llx",
	      mod ? (unsigned long long)mod->bias : 0ull);
	CHECK(mod && mod->lo == 0x400000, "ET_EXEC range starts at its link address");
	cf_model_free(&m);
	synth_free(&s);

	const uint64_t B = 0x555555554000;
	mod = header_copy_core(&s, &m, ET_DYN, B, B + 0x40);
	CHECK(mod && mod->has_bias && mod->bias == B, "PIE placed by AT_PHDR: bias %#llx",
	      mod ? (unsigned long long)mod->bias : 0ull);
	cf_model_free(&m);
	synth_free(&s);

	/* Not the program the kernel ran: the copy alone cannot say which
	 * segment it starts, so no module is placed from it. */
	mod = header_copy_core(&s, &m, ET_DYN, B, 0x400040);
	CHECK(!mod || !mod->has_bias || mod->bias != B + 0x200000, "a header copy moved a DSO to %#llx",
	      mod ? (unsigned long long)mod->bias : 0ull);
	cf_model_free(&m);
	synth_free(&s);
}

static void test_64k_pages(void)
{
	struct synth s;
	struct cf_model m;
	static const struct synth_phdr a64[] = {
		{PT_LOAD, 5, 0, 0, 0x8000, 0x8000},
		{PT_LOAD, 6, 0xfdc8, 0x1fdc8, 0x300, 0x400},
	};
	const uint64_t B = 0xffff80000000;
	synth_init(&s, 1, 0, EM_AARCH64);
	struct synth_map e[] = {
		{B, B + 0x10000, 0, path_in_dir("lib64k.so")},
		{B + 0x10000, B + 0x20000, 0, path_in_dir("lib64k.so")},  /* RELRO page: same file page */
		{B + 0x20000, B + 0x30000, 1, path_in_dir("lib64k.so")},
	};
	synth_ntfile(&s, 0x10000, e, 3);
	uint64_t aux[] = {AT_PAGESZ, 0x10000};
	synth_auxv(&s, aux, 1);
	write_dso(&s, "lib64k.so", a64, 2);
	struct cf_module *mod = build(&s, &m, "a64.core", "lib64k.so");
	CHECK(m.pagesz == 0x10000, "page size from AT_PAGESZ");
	CHECK(mod->has_bias && mod->bias == B, "bias %#llx", (unsigned long long)mod->bias);
	cf_model_free(&m);
	synth_free(&s);
}

static void test_km_entries(void)
{
	struct synth s;
	struct cf_model m;
	const uint64_t A = 0x7fff00000000;
	synth_init(&s, 1, 0, EM_X86_64);
	/* KM: one entry per PT_LOAD at p_vaddr + load_adjust, not page aligned. */
	struct synth_map e[4];
	for (int i = 0; i < 4; i++)
		e[i] = (struct synth_map){A + dso[i].vaddr, A + dso[i].vaddr + dso[i].memsz, dso[i].offset / 0x1000, "libk.so"};
	synth_ntfile(&s, 0x1000, e, 4);
	/* rewrite the note names as KM does: n_namesz 4 */
	struct synth km;
	synth_init(&km, 1, 0, EM_X86_64);
	size_t off = 0;
	while (off < s.notes.n) {
		uint32_t nsz = cf_u32(&s.o, s.notes.p + off), dsz = cf_u32(&s.o, s.notes.p + off + 4),
			 type = cf_u32(&s.o, s.notes.p + off + 8);
		const unsigned char *desc = s.notes.p + off + 12 + ((nsz + 3) & ~3u);
		synth_note(&km, "CORE", 4, type, desc, dsz);
		off += 12 + ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u);
	}
	write_dso(&km, "libk.so", dso, 4);
	char *p = path_in_dir("libk.so");
	if (chdir(dir) != 0)
		exit(1);
	struct cf_module *mod = build(&km, &m, "km.core", "libk.so");
	CHECK(m.km && m.notes.km_short_names, "KM note names seen");
	CHECK(mod->path && strcmp(mod->path, p) == 0, "relative name resolved next to the core: %s", mod->path);
	CHECK(mod->has_bias && mod->bias == A, "bias %#llx", (unsigned long long)mod->bias);
	synth_free(&km);
	cf_model_free(&m);
	synth_free(&s);
}

/* Names a core may give that are no file corefix may open. */
static void test_not_files(void)
{
	static const char *const no[] = {"/proc/self/fd/3", "//proc/self/fd/3", "/usr/../proc/self/exe", "/./dev/fd/0",
					 "/dev/stdin", "/memfd:plugin (deleted)", "/proc", "/dev"};
	static const char *const yes[] = {"/usr/lib/libc.so.6", "/lib/../lib64/ld.so", "/procfs/x.so", "/devel/x.so",
					  "/dev/shm/jit.so", "relative/x.so", "/memfd/x.so"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		CHECK(!cf_name_is_file(no[i]), "%s taken for a file", no[i]);
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		CHECK(cf_name_is_file(yes[i]), "%s refused", yes[i]);
}

int main(void)
{
	test_not_files();
	if (!mkdtemp(dir))
		return 1;
	test_kernel_layout();
	test_gcore_unit();
	test_second_mapping();
	test_data_below();
	test_data_only_file();
	test_data_only_dropped();
	test_old_glibc_hole();
	test_two_images();
	test_ambiguous();
	test_32bit_big_endian();
	test_32bit_high_load();
	test_header_copy();
	test_64k_pages();
	test_km_entries();
	return test_finish("unit_bias", dir);
}
