/* Process-memory reads through PT_LOAD: dumped bytes, the undumped tail
 * where p_filesz < p_memsz, holes, adjacent segments, and a segment cut by
 * truncation. Also:
 * a mapped non-ELF file is not a module. */
#include <unistd.h>

#include "model.h"
#include "synth.h"

static char dir[] = "/tmp/corefix-core-XXXXXX";

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	char path[256], data[256];
	snprintf(path, sizeof path, "%s/mem.core", dir);
	snprintf(data, sizeof data, "%s/locale-archive", dir);
	FILE *f = fopen(data, "w");
	fputs("not an ELF file at all\n", f);
	fclose(f);

	struct synth s;
	synth_init(&s, 1, 0, EM_X86_64);
	struct synth_map e[] = {{0x500000, 0x501000, 0, data}};
	synth_ntfile(&s, 0x1000, e, 1);
	struct synth_seg *a = synth_segment(&s, 0x400000, 0x3000);  /* 0x1000 dumped, 0x2000 not */
	for (int i = 0; i < 0x1000; i++)
		buf_put(&a->data, &(unsigned char){(unsigned char)i}, 1);
	struct synth_seg *b = synth_segment(&s, 0x403000, 0x1000);  /* adjacent */
	buf_put(&b->data, "ABCD", 5);
	while (b->data.n < 0x1000)
		buf_put(&b->data, "x", 1);
	CHECK(synth_write(&s, path) == 0, "write");

	struct cf_model m;
	CHECK(cf_model_build(&m, path, test_resolver()) == 0, "build: %s", m.diag.error);
	unsigned char buf[16];
	CHECK(cf_core_read(&m.core, 0x400010, buf, 4) == 4 && buf[0] == 0x10 && buf[3] == 0x13, "file bytes");
	CHECK(cf_core_read(&m.core, 0x400ffe, buf, 4) == 2 && buf[1] == 0xff,
	      "stops at p_filesz: the rest was not dumped");
	CHECK(cf_core_read(&m.core, 0x402ffe, buf, 4) == 0, "not dumped is not readable");
	CHECK(cf_core_read(&m.core, 0x403000 - 0x3000, buf, 4) == 4, "segment start");
	CHECK(cf_core_read(&m.core, 0x403ffe, buf, 4) == 2, "stops at a hole");
	CHECK(cf_core_read(&m.core, 0x100, buf, 4) == 0, "unmapped");
	uint64_t w;
	CHECK(cf_core_read_word(&m.core, 0x403000, &w) && w == 0x7878780044434241ull, "word");
	char *str = cf_core_read_string(&m.core, 0x403000, 64);
	CHECK(str && !strcmp(str, "ABCD"), "string");
	free(str);
	CHECK(!cf_core_read_string(&m.core, 0x403ffc, 64), "an unterminated string at a hole is refused");
	CHECK(m.nmod == 0, "the non-ELF mapping is no module (%zu modules)", m.nmod);
	cf_model_free(&m);

	/* Truncate inside the second segment: its missing bytes are not zeros. */
	long size;
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	CHECK(truncate(path, size - 0x1000 + 2) == 0, "truncate");
	CHECK(cf_model_build(&m, path, test_resolver()) == 0, "build truncated: %s", m.diag.error);
	CHECK(m.core.truncated && m.diag.partial, "truncation noticed");
	CHECK(cf_core_read(&m.core, 0x403000, buf, 4) == 2, "read stops where the file ends");
	cf_model_free(&m);
	synth_free(&s);

	return test_finish("unit_core", dir);
}
