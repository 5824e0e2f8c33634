/* x86-64: the ELF class and machine the loader accepts, its relocation
 * types by role (reloc.c and the stage-1 self-relocation switch on these
 * names only), and how to enter a program. */
#ifndef CFRT_RELOC_H
#define CFRT_RELOC_H

#define CFRT_ELFCLASS ELFCLASS64
#define CFRT_ELFDATA ELFDATA2LSB
#define CFRT_EM EM_X86_64
#define CFRT_RELA 1             /* RELA tables; DT_REL is read too when present */

#define REL_NONE 0      /* R_X86_64_NONE */
#define REL_SYMBOLIC 1  /* R_X86_64_64 */
#define REL_COPY 5
#define REL_GOT 6       /* GLOB_DAT */
#define REL_PLT 7       /* JUMP_SLOT */
#define REL_RELATIVE 8
#define REL_DTPMOD 16
#define REL_DTPOFF 17
#define REL_TPOFF 18
#define REL_TLSDESC 36
#define REL_IRELATIVE 37

/* Jump to a program's entry with the stack the kernel (or we) laid out;
 * rdx = 0: no exit handler for the program to register. */
#define CRTJMP(pc, sp)                                                                                             \
	__asm__ __volatile__("mov %1,%%rsp ; xor %%edx,%%edx ; jmp *%0" : : "r"(pc), "r"(sp) : "memory")

#endif
