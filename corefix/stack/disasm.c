/* The faulting instruction, decoded by capstone to tell a read from a
 * write. capstone is dlopen()ed, never linked: most commands never decode
 * an instruction, and without it triage still classifies (as `access`). */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "disasm.h"

/* The soname, not libcapstone.so: only the -dev package has that. */
#define LIBCAPSTONE "libcapstone.so.4"

struct capstone {
	cs_err (*open)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	size_t (*disasm)(csh, const uint8_t *, size_t, uint64_t, size_t, cs_insn **);
	void (*free)(cs_insn *, size_t);
	cs_err (*close)(csh *);
};

/* Loaded once per process: the library and its entry points never change. */
static const struct capstone *capstone(void)
{
	static struct capstone cs;
	static bool tried, ok;
	if (!tried) {
		tried = true;
		void *h = dlopen(LIBCAPSTONE, RTLD_NOW | RTLD_LOCAL);
		ok = h && (cs.open = (__typeof__(cs.open))dlsym(h, "cs_open")) &&
		     (cs.option = (__typeof__(cs.option))dlsym(h, "cs_option")) &&
		     (cs.disasm = (__typeof__(cs.disasm))dlsym(h, "cs_disasm")) &&
		     (cs.free = (__typeof__(cs.free))dlsym(h, "cs_free")) &&
		     (cs.close = (__typeof__(cs.close))dlsym(h, "cs_close"));
	}
	return ok ? &cs : NULL;
}

static bool prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* x86: the memory operands' access as capstone records it; instructions
 * that touch the stack without a memory operand by what they do. */
static const char *x86_access(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	unsigned acc = 0;
	int nmem = 0;
	for (int i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM)
			acc |= x->operands[i].access, nmem++;
	if (nmem == 0) {
		if (prefix(in->mnemonic, "push") || prefix(in->mnemonic, "call"))
			return "write";
		if (prefix(in->mnemonic, "pop") || prefix(in->mnemonic, "ret"))
			return "read";
		return NULL;
	}
	/* Two memory operands (movs, cmps) or read-modify-write: which one
	 * faulted is not in the instruction. */
	if (nmem > 1 || acc == (CS_AC_READ | CS_AC_WRITE))
		return NULL;
	return acc == CS_AC_WRITE ? "write" : acc == CS_AC_READ ? "read" : NULL;
}

/* AArch64 is load/store: the mnemonic says it; atomics do both. */
static const char *arm64_access(const cs_insn *in)
{
	const char *m = in->mnemonic;
	static const char *const rmw[] = {"ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin",
					  "cas", "swp"};
	for (size_t i = 0; i < sizeof rmw / sizeof *rmw; i++)
		if (prefix(m, rmw[i]))
			return NULL;
	if (prefix(m, "st"))
		return "write";
	if (prefix(m, "ld"))
		return "read";
	return NULL;
}

bool cf_disasm_access(uint16_t machine, const unsigned char *code, size_t len, uint64_t pc, char *text,
		      size_t textlen, const char **access)
{
	const struct capstone *cs = capstone();
	cs_arch arch;
	cs_mode mode;
	switch (machine) {
	case EM_X86_64: arch = CS_ARCH_X86, mode = CS_MODE_64; break;
	case EM_386: arch = CS_ARCH_X86, mode = CS_MODE_32; break;
	case EM_AARCH64: arch = CS_ARCH_ARM64, mode = CS_MODE_ARM; break;
	default: return false;
	}
	csh h;
	if (!cs || !len || cs->open(arch, mode, &h) != CS_ERR_OK)
		return false;
	cs->option(h, CS_OPT_DETAIL, CS_OPT_ON);
	cs_insn *in = NULL;
	bool ok = cs->disasm(h, code, len, pc, 1, &in) == 1 && in->detail;
	if (ok) {
		snprintf(text, textlen, "%s%s%s", in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
		*access = arch == CS_ARCH_X86 ? x86_access(in) : arm64_access(in);
	}
	if (in)
		cs->free(in, 1);
	cs->close(&h);
	return ok;
}
