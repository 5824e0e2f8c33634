/* Entry of libcfrt.so on aarch64, whether the kernel ran it as a
 * program's interpreter or as a command: hand the initial stack pointer
 * and our own _DYNAMIC (reached PC-relatively, nothing is relocated yet)
 * to the C stage that relocates us. */
	.text
	.global _dlstart
	.hidden _dlstart
	.type _dlstart,%function
_dlstart:
	.cfi_startproc
	.cfi_undefined x30       /* the outermost frame */
	mov x29, #0
	mov x30, #0
	mov x0, sp
	adrp x1, _DYNAMIC
	add x1, x1, #:lo12:_DYNAMIC
	bl __dls1
	brk #0
	.cfi_endproc
	.size _dlstart, .-_dlstart

/* long __clone(int (*fn)(void *), void *stack, int flags, void *arg,
 *              pid_t *ptid, void *tls, pid_t *ctid)
 * The kernel's argument order here is (flags, stack, ptid, tls, ctid). FN
 * and ARG ride on the child's stack; the child exits the thread, not the
 * process, when FN returns. */
	.global __clone
	.hidden __clone
	.type __clone,%function
__clone:
	.cfi_startproc
	and x1, x1, #-16
	stp x0, x3, [x1, #-16]!
	uxtw x0, w2
	mov x2, x4
	mov x3, x5
	mov x4, x6
	mov x8, #220             /* SYS_clone */
	svc #0
	cbz x0, 1f
	ret
1:	.cfi_undefined x30       /* the child's outermost frame */
	mov x29, #0
	mov x30, #0
	ldp x1, x0, [sp], #16
	blr x1
	mov x8, #93              /* SYS_exit: this thread only */
	svc #0
	brk #0
	.cfi_endproc
	.size __clone, .-__clone

/* TLSDESC resolver for static TLS: x0 holds the descriptor, whose second
 * word reloc.c set to the offset from the thread pointer. Only x0 may
 * change. */
	.global __cfrt_tlsdesc_static
	.hidden __cfrt_tlsdesc_static
	.type __cfrt_tlsdesc_static,%function
__cfrt_tlsdesc_static:
	ldr x0, [x0, #8]
	ret
	.size __cfrt_tlsdesc_static, .-__cfrt_tlsdesc_static
	.section .note.GNU-stack,"",%progbits
