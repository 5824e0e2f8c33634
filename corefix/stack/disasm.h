/* The faulting instruction, decoded by capstone (disasm.c), for crash
 * classes (crash_class.c). */
#ifndef COREFIX_DISASM_H
#define COREFIX_DISASM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The faulting instruction at PC decoded with capstone (loaded at run
 * time): its text into TEXT and how it touches memory ("read", "write",
 * or NULL when it cannot be told). False when capstone is missing, the
 * machine is not one it is asked about, or the bytes do not decode. */
bool cf_disasm_access(uint16_t machine, const unsigned char *code, size_t len, uint64_t pc, char *text,
		      size_t textlen, const char **access);

#endif
