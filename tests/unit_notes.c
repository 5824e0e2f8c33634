/* Note decoding on synthetic cores: PRPSINFO and SIGINFO in both classes,
 * KMSP notes, and notes that lie about their sizes. */
#include <unistd.h>

#include "model.h"
#include "synth.h"

static char dir[] = "/tmp/corefix-notes-XXXXXX";

static int build(struct synth *s, struct cf_model *m, const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (synth_write(s, p) != 0)
		return -1;
	return cf_model_build(m, p, &(struct cf_options){0});
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

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	prpsinfo(1);
	prpsinfo(0);
	lies();
	km_notes();
	many_files();
	return test_finish("unit_notes", dir);
}
