/* Note decoding on synthetic cores: PRPSINFO and SIGINFO in both classes,
 * KMSP notes, notes that lie about their sizes, qemu-user's shifted
 * NT_AUXV, and finding r_debug in a core that names no file. */
#include <unistd.h>

#include "model.h"
#include "rewrite.h"
#include "synth.h"

static char dir[] = "/tmp/corefix-notes-XXXXXX";

static int build(struct synth *s, struct cf_model *m, const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (synth_write(s, p) != 0)
		return -1;
	return cf_model_build(m, p, test_resolver());
}

static void prpsinfo(int is64)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, is64, 0, is64 ? EM_X86_64 : EM_386);
	unsigned char d[136] = {0};
	size_t len = is64 ? 136 : 124;
	memcpy(d + len - 96, "ld-linux-x86-64", 15);
	memcpy(d + len - 80, "/lib64/ld-linux-x86-64.so.2 ./prog", 34);
	cf_put(&s.o, d + len - 112, 4242, 4);
	synth_note(&s, "CORE", 0, NT_PRPSINFO, d, len);
	unsigned char si[128] = {0};
	cf_put(&s.o, si, 11, 4);
	cf_put(&s.o, si + 8, 1, 4);
	cf_put(&s.o, si + (is64 ? 16 : 12), 0x10, is64 ? 8 : 4);
	synth_note(&s, "CORE", 0, 0x53494749, si, 128);
	synth_prstatus(&s, 4243, 11);
	synth_prstatus(&s, 4244, 0);
	CHECK(build(&s, &m, is64 ? "p64.core" : "p32.core") == 0, "build: %s", m.diag.error);
	CHECK(m.notes.has_prpsinfo && !strcmp(m.notes.fname, "ld-linux-x86-64"), "fname %s", m.notes.fname);
	CHECK(!strcmp(m.notes.psargs, "/lib64/ld-linux-x86-64.so.2 ./prog"), "psargs %s", m.notes.psargs);
	CHECK(m.notes.prpsinfo_pid == 4242, "pid %u", m.notes.prpsinfo_pid);
	CHECK(m.notes.has_siginfo && m.notes.si_signo == 11 && m.notes.si_code == 1 && m.notes.fault_addr == 0x10,
	      "siginfo %d %d %#llx", m.notes.si_signo, m.notes.si_code, (unsigned long long)m.notes.fault_addr);
	CHECK(m.notes.nthread == 2 && m.notes.thread[0].tid == 4243 && m.notes.thread[0].cursig == 11,
	      "threads %zu", m.notes.nthread);
	cf_model_free(&m);
	synth_free(&s);
}

static void lies(void)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, 1, 0, EM_X86_64);
	/* NT_FILE claiming a million entries in 40 bytes. */
	unsigned char f[40] = {0};
	cf_put(&s.o, f, 1000000, 8);
	cf_put(&s.o, f + 8, 4096, 8);
	synth_note(&s, "CORE", 0, 0x46494c45, f, sizeof f);
	/* A note whose descsz runs past the segment. */
	buf_num(&s.notes, &s.o, 5, 4);
	buf_num(&s.notes, &s.o, 0x7fffffff, 4);
	buf_num(&s.notes, &s.o, NT_PRSTATUS, 4);
	buf_put(&s.notes, "CORE\0\0\0", 8);
	int r = build(&s, &m, "lies.core");
	CHECK(r == 0, "a lying core is still a core: %s", m.diag.error);
	CHECK(m.notes.file_cut && m.notes.nmap == 0, "NT_FILE count checked against its size");
	CHECK(m.diag.nwarn >= 2, "both lies reported (%zu warnings)", m.diag.nwarn);
	cf_model_free(&m);
	synth_free(&s);
}

static void km_notes(void)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, 1, 0, EM_X86_64);
	synth_prstatus(&s, 1, 11);
	unsigned char junk[16] = "monitor state";
	synth_note(&s, "KMSP", 4, 0x4b4d4d4e, junk, sizeof junk);
	/* NT_KM_GUEST with a phnum larger than it holds: refused, not read past. */
	unsigned char g[8 + 64] = {0};
	memcpy(g + 8, "\x7f" "ELF", 4);
	cf_put(&s.o, g + 8 + 56, 40, 2);
	synth_note(&s, "KMSP", 4, 0x4b4d4754, g, sizeof g);
	CHECK(build(&s, &m, "km.core") == 0, "build: %s", m.diag.error);
	CHECK(m.km && m.notes.nkmsp == 2 && !m.notes.km_guest.present, "KMSP notes counted, bad guest refused");
	cf_model_free(&m);
	synth_free(&s);
}

/* A crafted core may name a million files: grouping must stay linear
 * (quadratic work would run into ctest's timeout). */
static void many_files(void)
{
	struct synth s;
	struct cf_model m;
	enum { N = 200000 };
	synth_init(&s, 1, 0, EM_X86_64);
	struct synth_map *e = calloc(N, sizeof *e);
	char *names = malloc((size_t)N * 24);
	for (size_t i = 0; i < N; i++) {
		char *nm = names + i * 24;
		snprintf(nm, 24, "/nonexistent/f%zu", i);
		e[i] = (struct synth_map){0x10000000 + i * 0x1000, 0x10001000 + i * 0x1000, 0, nm};
	}
	synth_ntfile(&s, 0x1000, e, N);
	CHECK(build(&s, &m, "many.core") == 0, "build: %s", m.diag.error);
	CHECK(m.notes.nmap == N, "all %d mappings read (%zu)", N, m.notes.nmap);
	cf_model_free(&m);
	synth_free(&s);
	free(e);
	free(names);
}

/* NT_AUXV words as given (no AT_NULL appended). */
static void auxv_words(struct synth *s, const uint64_t *v, size_t n)
{
	struct buf d = {0};
	for (size_t i = 0; i < n; i++)
		buf_num(&d, &s->o, v[i], synth_w(s));
	synth_note(s, "CORE", 0, NT_AUXV, d.p, d.n);
	free(d.p);
}

/* qemu-user's NT_AUXV of "ld.so ./prog": one word late, AT_PHDR's value
 * first, a spare zero word last. */
static void auxv_shifted(int is64)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, is64, 0, is64 ? EM_AARCH64 : EM_ARM);
	synth_prstatus(&s, 1, 11);
	const uint64_t v[] = {0x5502850040, AT_PHENT, 56, AT_PHNUM, 9, AT_PAGESZ, 4096, AT_BASE, 0, AT_FLAGS, 0,
			      AT_ENTRY, 0x55028506c0, AT_UID, 0, AT_EXECFN, 0x5502842a67, AT_NULL, 0, 0};
	uint64_t vv[sizeof v / sizeof *v];
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		vv[i] = is64 ? v[i] : v[i] & 0xffffffff;
	auxv_words(&s, vv, sizeof vv / sizeof *vv);
	CHECK(build(&s, &m, "shifted.core") == 0, "build: %s", m.diag.error);
	const struct cf_auxv *a = &m.notes.auxv;
	CHECK(a->shifted, "shift detected");
	CHECK(a->phdr == vv[0] && a->phent == 56 && a->phnum == 9 && a->pagesz == 4096 && a->base == 0 &&
		      a->entry == vv[12] && a->execfn == vv[16],
	      "repaired: phdr %#llx phent %llu phnum %llu pagesz %llu entry %#llx", (unsigned long long)a->phdr,
	      (unsigned long long)a->phent, (unsigned long long)a->phnum, (unsigned long long)a->pagesz,
	      (unsigned long long)a->entry);
	cf_model_free(&m);
	synth_free(&s);
}

/* A well-formed vector is read as written, whatever its first word; one
 * that parses neither way is read as written too (nothing invented). */
static void auxv_not_shifted(void)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, 1, 0, EM_X86_64);
	const uint64_t kv[] = {AT_SYSINFO_EHDR, 0x7fff0000, AT_PAGESZ, 4096, AT_PHDR, 0x400040, AT_PHENT, 56,
			       AT_ENTRY, 0x401000};
	synth_auxv(&s, kv, 5);
	CHECK(build(&s, &m, "plain.core") == 0, "build: %s", m.diag.error);
	CHECK(!m.notes.auxv.shifted && m.notes.auxv.phdr == 0x400040 && m.notes.auxv.entry == 0x401000,
	      "plain vector read as written");
	cf_model_free(&m);
	synth_free(&s);

	synth_init(&s, 1, 0, EM_X86_64);
	const uint64_t junk[] = {0x1234, 0x99, 0x5678, 0x77, 0x1000, 3, 0xffff, 0x4000};
	auxv_words(&s, junk, 8);
	CHECK(build(&s, &m, "junk.core") == 0, "build: %s", m.diag.error);
	CHECK(!m.notes.auxv.shifted, "garbage is not 'repaired'");
	cf_model_free(&m);
	synth_free(&s);
}

enum { LM_SEG = 0x10000, RD = 0x10100, LM1 = 0x10200, LM2 = 0x10280, NAME1 = 0x10400, NAME2 = 0x10410 };

/* A data page holding r_debug and a two-entry link_map, as a core without
 * NT_FILE and headers (qemu-user's) leaves them. BRK is r_brk; SPOIL
 * breaks the chain: 1 a bad l_prev, 2 a cycle. */
static void rdebug_page(struct synth *s, uint64_t brk, int spoil)
{
	unsigned w = synth_w(s);
	struct synth_seg *g = synth_segment(s, LM_SEG, 0x1000);
	unsigned char page[0x1000] = {0};
	const struct cf_order *o = &s->o;
	unsigned char *rd = page + (RD - LM_SEG), *a = page + (LM1 - LM_SEG), *b = page + (LM2 - LM_SEG);
	cf_put(o, rd, 1, 4);
	cf_put(o, rd + w, LM1, w);
	cf_put(o, rd + 2 * w, brk, w);
	cf_put(o, a + w, NAME1, w);                   /* main: "" */
	cf_put(o, a + 3 * w, LM2, w);
	cf_put(o, b, 0x7000000, w);
	cf_put(o, b + w, NAME2, w);
	cf_put(o, b + 3 * w, spoil == 2 ? LM1 : 0, w);
	cf_put(o, b + 4 * w, spoil == 1 ? LM2 : LM1, w);
	strcpy((char *)page + (NAME2 - LM_SEG), "/nonexistent/libx.so");
	buf_put(&g->data, page, sizeof page);
}

static void rdebug_scan(int is64)
{
	struct synth s;
	struct cf_model m;
	synth_init(&s, is64, 0, is64 ? EM_AARCH64 : EM_ARM);
	synth_prstatus(&s, 1, 11);
	rdebug_page(&s, 0x900000, 0);
	CHECK(build(&s, &m, "scan.core") == 0, "build: %s", m.diag.error);
	CHECK(m.r_debug == RD && m.r_debug_how && strstr(m.r_debug_how, "scan"), "r_debug %#llx by %s",
	      (unsigned long long)m.r_debug, m.r_debug_how ? m.r_debug_how : "nothing");
	CHECK(m.lm_entries == 2, "2 link_map entries (%zu)", m.lm_entries);
	bool lib = false;
	for (size_t i = 0; i < m.nmod; i++)
		lib |= !strcmp(m.mod[i].name, "/nonexistent/libx.so") && m.mod[i].has_bias && m.mod[i].bias == 0x7000000;
	CHECK(lib, "the library at its l_addr");
	cf_model_free(&m);
	synth_free(&s);
}

/* Look-alikes the scan must refuse: bad l_prev, a cycle, and a copy of
 * r_debug whose r_brk points at data (a stack frame's copy). */
static void rdebug_refused(void)
{
	const struct {
		uint64_t brk;
		int spoil;
		const char *why;
	} c[] = {{0x900000, 1, "bad l_prev"}, {0x900000, 2, "cycle"}, {LM_SEG + 0x10, 0, "r_brk in data"}};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		struct synth s;
		struct cf_model m;
		synth_init(&s, 1, 0, EM_AARCH64);
		synth_prstatus(&s, 1, 11);
		rdebug_page(&s, c[i].brk, c[i].spoil);
		CHECK(build(&s, &m, "refused.core") == 0, "build: %s", m.diag.error);
		CHECK(!m.r_debug && m.nmod == 0, "%s: r_debug %#llx, %zu modules", c[i].why, (unsigned long long)m.r_debug,
		      m.nmod);
		cf_model_free(&m);
		synth_free(&s);
	}
}

/* rewrite rebuilds the notes one by one: a core of tens of thousands of
 * notes (a process with thousands of threads) must cost their size, not
 * their size times their count. Under the sanitizer build a copy of the
 * whole blob per note is gigabytes, past the test's RSS bound. */
static void many_notes(void)
{
	enum { N = 40000 };
	struct synth s;
	synth_init(&s, 1, 0, EM_X86_64);
	synth_prstatus(&s, 7, 11);
	uint32_t word = 0x11223344;
	for (int i = 0; i < N; i++)
		synth_note(&s, "CORE", 0, 0x4242, &word, sizeof word);
	struct cf_model m;
	CHECK(build(&s, &m, "many-notes.core") == 0, "model of a core of %d notes: %s", N, m.diag.error);
	struct cf_plan plan;
	CHECK(cf_rewrite_plan(&m, &plan, &m.diag) == 0, "rewrite plan of a core of %d notes", N);
	cf_plan_free(&plan);
	cf_model_free(&m);
	synth_free(&s);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	prpsinfo(1);
	prpsinfo(0);
	lies();
	km_notes();
	many_files();
	auxv_shifted(1);
	auxv_shifted(0);
	auxv_not_shifted();
	rdebug_scan(1);
	rdebug_scan(0);
	rdebug_refused();
	many_notes();
	return test_finish("unit_notes", dir);
}
