/* Start file of programs linked against cfrt on aarch64 (PIC: fits PIE,
 * ET_EXEC and .so programs with -e _start). The loader has already run
 * every initializer; __cfrt_start_main only has to call main and exit. */
	.text
	.global _start
	.type _start,%function
_start:
	.cfi_startproc
	.cfi_undefined x30       /* the outermost frame: unwinders stop here */
	mov x29, #0
	mov x30, #0
	mov x0, sp
	adrp x1, :got:main
	ldr x1, [x1, #:got_lo12:main]
	bl __cfrt_start_main
	brk #0
	.cfi_endproc
	.size _start, .-_start
	.section .note.GNU-stack,"",%progbits
