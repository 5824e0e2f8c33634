/* aarch64 (little-endian, LP64): ELF class and machine, relocation types
 * by role, and how to enter a program. */
#ifndef CFRT_RELOC_H
#define CFRT_RELOC_H

#define CFRT_ELFCLASS ELFCLASS64
#define CFRT_ELFDATA ELFDATA2LSB
#define CFRT_EM EM_AARCH64
#define CFRT_RELA 1

#define REL_NONE 0
#define REL_SYMBOLIC 257        /* R_AARCH64_ABS64 */
#define REL_COPY 1024
#define REL_GOT 1025            /* GLOB_DAT */
#define REL_PLT 1026            /* JUMP_SLOT */
#define REL_RELATIVE 1027
#define REL_DTPMOD 1028         /* TLS_DTPMOD64 */
#define REL_DTPOFF 1029         /* TLS_DTPREL64 */
#define REL_TPOFF 1030          /* TLS_TPREL64 */
#define REL_TLSDESC 1031
#define REL_IRELATIVE 1032

/* x0 = 0: no exit handler for the program to register. */
#define CRTJMP(pc, sp)                                                                                             \
	__asm__ __volatile__("mov sp,%1 ; mov x0,#0 ; br %0" : : "r"(pc), "r"(sp) : "memory", "x0")

#endif
