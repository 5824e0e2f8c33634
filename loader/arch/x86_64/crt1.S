/* Start file of programs linked against cfrt (PIC: fits PIE, ET_EXEC and
 * .so programs with -e _start). The loader has already run every
 * initializer; __cfrt_start_main only has to call main and exit. */
	.text
	.global _start
	.type _start,@function
_start:
	.cfi_startproc
	.cfi_undefined rip       /* the outermost frame: unwinders stop here */
	xor %rbp,%rbp
	mov %rsp,%rdi
	mov main@GOTPCREL(%rip),%rsi
	and $-16,%rsp
	call __cfrt_start_main@PLT
	hlt
	.cfi_endproc
	.size _start, .-_start
	.section .note.GNU-stack,"",@progbits
