/* A tiny writer of synthetic cores for unit tests: any ELF class, byte
 * order and machine, with the notes and memory a test asks for. Cores made
 * here are exactly what the test says, so expectations are exact. */
#ifndef COREFIX_TESTS_SYNTH_H
#define COREFIX_TESTS_SYNTH_H
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "resolve.h"

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static inline void buf_put(struct buf *b, const void *d, size_t n)
{
	if (n == 0)
		return;  /* a segment with no bytes dumped: D may be NULL */
	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static inline void buf_num(struct buf *b, const struct cf_order *o, uint64_t v, unsigned n)
{
	unsigned char t[8];
	cf_put(o, t, v, n);
	buf_put(b, t, n);
}

static inline void buf_align(struct buf *b, size_t a)
{
	static const unsigned char z[4096];
	if (b->n % a)
		buf_put(b, z, a - b->n % a);
}

struct synth_seg {
	uint64_t vaddr, memsz;
	struct buf data;
	uint32_t flags;         /* p_flags; 0: PF_R|PF_W */
};

struct synth {
	struct cf_order o;
	uint16_t machine;
	struct buf notes;
	struct synth_seg seg[16];
	size_t nseg;
};

static inline void synth_init(struct synth *s, int is64, int big, uint16_t machine)
{
	memset(s, 0, sizeof *s);
	s->o.is64 = is64;
	s->o.big = big;
	s->machine = machine;
}

static inline unsigned synth_w(const struct synth *s) { return s->o.is64 ? 8 : 4; }

/* NAMESZ 0 means strlen+1 (the kernel's way); 4 for "CORE" is KM's. */
static inline void synth_note(struct synth *s, const char *owner, unsigned namesz, uint32_t type, const void *desc,
		       size_t len)
{
	if (!namesz)
		namesz = (unsigned)strlen(owner) + 1;
	buf_num(&s->notes, &s->o, namesz, 4);
	buf_num(&s->notes, &s->o, len, 4);
	buf_num(&s->notes, &s->o, type, 4);
	buf_put(&s->notes, owner, namesz <= strlen(owner) + 1 ? namesz : strlen(owner) + 1);
	buf_align(&s->notes, 4);
	buf_put(&s->notes, desc, len);
	buf_align(&s->notes, 4);
}

struct synth_map {
	uint64_t start, end, pgoff;
	const char *name;
};

static inline void synth_ntfile(struct synth *s, uint64_t unit, const struct synth_map *m, size_t n)
{
	struct buf d = {0};
	unsigned w = synth_w(s);
	buf_num(&d, &s->o, n, w);
	buf_num(&d, &s->o, unit, w);
	for (size_t i = 0; i < n; i++) {
		buf_num(&d, &s->o, m[i].start, w);
		buf_num(&d, &s->o, m[i].end, w);
		buf_num(&d, &s->o, m[i].pgoff, w);
	}
	for (size_t i = 0; i < n; i++)
		buf_put(&d, m[i].name, strlen(m[i].name) + 1);
	synth_note(s, "CORE", 0, 0x46494c45, d.p, d.n);
	free(d.p);
}

static inline void synth_auxv(struct synth *s, const uint64_t *kv, size_t npairs)
{
	struct buf d = {0};
	for (size_t i = 0; i < 2 * npairs; i++)
		buf_num(&d, &s->o, kv[i], synth_w(s));
	buf_num(&d, &s->o, AT_NULL, synth_w(s));
	buf_num(&d, &s->o, 0, synth_w(s));
	synth_note(s, "CORE", 0, NT_AUXV, d.p, d.n);
	free(d.p);
}

static inline void synth_prstatus(struct synth *s, uint32_t tid, int sig)
{
	unsigned char d[512] = {0};
	unsigned w = synth_w(s);
	size_t len = s->o.is64 ? 336 : 144;
	cf_put(&s->o, d + 12, (uint64_t)sig, 2);
	cf_put(&s->o, d + 16 + 2 * w, tid, 4);
	synth_note(s, "CORE", 0, NT_PRSTATUS, d, len);
}

static inline struct synth_seg *synth_segment(struct synth *s, uint64_t vaddr, uint64_t memsz)
{
	struct synth_seg *g = &s->seg[s->nseg++];
	g->vaddr = vaddr;
	g->memsz = memsz;
	g->flags = 0;
	return g;
}

struct synth_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* The first bytes of an ELF object: header, program headers, and a GNU
 * build-id note (ID, 20 bytes) placed by its PT_NOTE. */
static inline void synth_elf_head(const struct synth *s, struct buf *b, uint16_t type, const struct synth_phdr *ph, size_t n,
			   const unsigned char *id)
{
	const struct cf_order *o = &s->o;
	unsigned w = synth_w(s);
	size_t ehsz = s->o.is64 ? 64 : 52, phsz = s->o.is64 ? 56 : 32;
	unsigned char e[64] = {0x7f, 'E', 'L', 'F', s->o.is64 ? 2 : 1, s->o.big ? 2 : 1, 1};
	buf_put(b, e, 16);
	buf_num(b, o, type, 2);
	buf_num(b, o, s->machine, 2);
	buf_num(b, o, 1, 4);
	buf_num(b, o, 0, w);           /* entry */
	buf_num(b, o, ehsz, w);        /* phoff */
	buf_num(b, o, 0, w);           /* shoff */
	buf_num(b, o, 0, 4);           /* flags */
	buf_num(b, o, ehsz, 2);
	buf_num(b, o, phsz, 2);
	buf_num(b, o, n + (id ? 1 : 0), 2);
	buf_num(b, o, 0, 2);
	buf_num(b, o, 0, 2);
	buf_num(b, o, 0, 2);
	size_t note_off = ehsz + (n + 1) * phsz;
	for (size_t i = 0; i <= n; i++) {
		struct synth_phdr p = i < n ? ph[i] : (struct synth_phdr){PT_NOTE, 4, note_off, note_off, 36, 36};
		if (i == n && !id)
			break;
		buf_num(b, o, p.type, 4);
		if (s->o.is64) {
			buf_num(b, o, p.flags, 4);
			buf_num(b, o, p.offset, 8);
			buf_num(b, o, p.vaddr, 8);
			buf_num(b, o, p.vaddr, 8);
			buf_num(b, o, p.filesz, 8);
			buf_num(b, o, p.memsz, 8);
			buf_num(b, o, 4096, 8);
		} else {
			buf_num(b, o, p.offset, 4);
			buf_num(b, o, p.vaddr, 4);
			buf_num(b, o, p.vaddr, 4);
			buf_num(b, o, p.filesz, 4);
			buf_num(b, o, p.memsz, 4);
			buf_num(b, o, p.flags, 4);
			buf_num(b, o, 4096, 4);
		}
	}
	if (id) {
		buf_num(b, o, 4, 4);
		buf_num(b, o, 20, 4);
		buf_num(b, o, NT_GNU_BUILD_ID, 4);
		buf_put(b, "GNU", 4);
		buf_put(b, id, 20);
	}
}

static inline void synth_free(struct synth *s)
{
	free(s->notes.p);
	for (size_t i = 0; i < s->nseg; i++)
		free(s->seg[i].data.p);
	memset(s, 0, sizeof *s);
}

/* Writes the core; returns 0 on success. */
static inline int synth_write(const struct synth *s, const char *path)
{
	const struct cf_order *o = &s->o;
	unsigned w = synth_w(s);
	size_t ehsz = s->o.is64 ? 64 : 52, phsz = s->o.is64 ? 56 : 32, nph = 1 + s->nseg;
	struct buf b = {0};
	unsigned char e[16] = {0x7f, 'E', 'L', 'F', s->o.is64 ? 2 : 1, s->o.big ? 2 : 1, 1};
	buf_put(&b, e, 16);
	buf_num(&b, o, ET_CORE, 2);
	buf_num(&b, o, s->machine, 2);
	buf_num(&b, o, 1, 4);
	buf_num(&b, o, 0, w);
	buf_num(&b, o, ehsz, w);
	buf_num(&b, o, 0, w);
	buf_num(&b, o, 0, 4);
	buf_num(&b, o, ehsz, 2);
	buf_num(&b, o, phsz, 2);
	buf_num(&b, o, nph, 2);
	buf_num(&b, o, 0, 2);
	buf_num(&b, o, 0, 2);
	buf_num(&b, o, 0, 2);
	uint64_t off = ehsz + nph * phsz, note_off = off;
	off += s->notes.n;
	uint64_t seg_off[16];
	for (size_t i = 0; i < s->nseg; i++) {
		off = (off + 4095) & ~4095ull;
		seg_off[i] = off;
		off += s->seg[i].data.n;
	}
	for (size_t i = 0; i < nph; i++) {
		uint32_t type = i ? PT_LOAD : PT_NOTE;
		uint64_t po = i ? seg_off[i - 1] : note_off, va = i ? s->seg[i - 1].vaddr : 0;
		uint64_t fs = i ? s->seg[i - 1].data.n : s->notes.n, ms = i ? s->seg[i - 1].memsz : 0;
		buf_num(&b, o, type, 4);
		if (s->o.is64) {
			buf_num(&b, o, i && s->seg[i - 1].flags ? s->seg[i - 1].flags : 6, 4);
			buf_num(&b, o, po, 8);
			buf_num(&b, o, va, 8);
			buf_num(&b, o, 0, 8);
			buf_num(&b, o, fs, 8);
			buf_num(&b, o, ms, 8);
			buf_num(&b, o, i ? 4096 : 4, 8);
		} else {
			buf_num(&b, o, po, 4);
			buf_num(&b, o, va, 4);
			buf_num(&b, o, 0, 4);
			buf_num(&b, o, fs, 4);
			buf_num(&b, o, ms, 4);
			buf_num(&b, o, i && s->seg[i - 1].flags ? s->seg[i - 1].flags : 6, 4);
			buf_num(&b, o, i ? 4096 : 4, 4);
		}
	}
	buf_put(&b, s->notes.p, s->notes.n);
	for (size_t i = 0; i < s->nseg; i++) {
		while (b.n < seg_off[i])
			buf_put(&b, "", 1);
		buf_put(&b, s->seg[i].data.p, s->seg[i].data.n);
	}
	FILE *f = fopen(path, "wb");
	int r = f && fwrite(b.p, 1, b.n, f) == b.n ? 0 : -1;
	if (f)
		r |= fclose(f);
	free(b.p);
	return r;
}

static int failures;

/* A test program is one run of corefix over many cores: one resolver,
 * made from default options on first use, as the CLI makes one per run. */
static struct cf_options test_options;
static struct cf_resolver *test_resolver_of_run;

static inline struct cf_resolver *test_resolver(void)
{
	if (!test_resolver_of_run)
		test_resolver_of_run = cf_resolver_new(&test_options);
	return test_resolver_of_run;
}

/* Removes the test's scratch folder and reports; the exit status of main. */
static inline int test_finish(const char *name, const char *dir)
{
	cf_resolver_free(test_resolver_of_run);
	test_resolver_of_run = NULL;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failures++;
	printf("%s: %s\n", name, failures ? "FAILED" : "ok");
	return failures != 0;
}
#define CHECK(cond, ...)                                                                                              \
	do {                                                                                                          \
		if (!(cond)) {                                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);                      \
			fprintf(stderr, __VA_ARGS__);                                                                 \
			fputc(10, stderr);                                                                          \
			failures++;                                                                                   \
		}                                                                                                     \
	} while (0)

#endif
