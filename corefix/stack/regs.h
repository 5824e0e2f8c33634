/* One thread's registers at the crash, DWARF numbering (regs.c): what the
 * unwinders start from and crash classes look at. */
#ifndef COREFIX_REGS_H
#define COREFIX_REGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum { CF_MAX_DWARF_REGS = 256 };
struct cf_regs {
	bool ok;
	uint64_t pc;
	uint64_t set[CF_MAX_DWARF_REGS / 64];
	uint64_t val[CF_MAX_DWARF_REGS];
};
static inline bool cf_regs_has(const struct cf_regs *r, unsigned k)
{
	return k < CF_MAX_DWARF_REGS && (r->set[k / 64] >> (k % 64) & 1);
}
/* The registers of every NT_PRSTATUS of M (indexed like m->notes.thread),
 * read by elfutils' backend for the core's machine. NULL, with the reason
 * in ERR, when elfutils cannot read this machine's thread state. */
struct cf_regs *cf_regs_read(const struct cf_model *m, char *err, size_t errlen);
/* The stack pointer's DWARF number on MACHINE, -1 if unknown. */
int cf_dwarf_sp(uint16_t machine);

#endif
