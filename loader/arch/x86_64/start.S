/* Entry of libcfrt.so, whether the kernel ran it as a program's
 * interpreter or as a command: hand the initial stack pointer and our own
 * _DYNAMIC to the C stage that relocates us. */
	.text
	.global _dlstart
	.hidden _dlstart
	.type _dlstart,@function
_dlstart:
	xor %rbp,%rbp
	mov %rsp,%rdi
	lea _DYNAMIC(%rip),%rsi
	and $-16,%rsp
	call __dls1
	hlt
	.size _dlstart, .-_dlstart

/* Signal return trampoline for sigaction's SA_RESTORER. The CFI marks it
 * as a signal frame so unwinders (ours, gdb, libdwfl) step through it. */
	.global __restore_rt
	.hidden __restore_rt
	.type __restore_rt,@function
	nop
__restore_rt:
	mov $15,%rax
	syscall
	.size __restore_rt, .-__restore_rt

/* long __clone(int (*fn)(void *), void *stack, int flags, void *arg,
 *              pid_t *ptid, void *tls, pid_t *ctid)
 * The child starts on STACK with rbp zeroed (outermost frame) and exits
 * the thread, not the process, when FN returns. */
	.global __clone
	.hidden __clone
	.type __clone,@function
__clone:
	.cfi_startproc
	and $-16,%rsi
	sub $8,%rsi
	mov %rcx,(%rsi)          /* arg, popped by the child */
	mov %rdi,%r11            /* fn */
	mov %rdx,%rdi            /* flags */
	mov %r8,%rdx             /* ptid */
	mov 8(%rsp),%r10         /* ctid */
	mov %r9,%r8              /* tls */
	mov %r11,%r9             /* keep fn in r9 across the syscall */
	mov $56,%eax             /* SYS_clone */
	syscall
	test %eax,%eax
	jnz 1f
	.cfi_remember_state
	.cfi_undefined rip       /* the child's outermost frame */
	xor %ebp,%ebp
	pop %rdi                 /* arg */
	call *%r9
	mov %eax,%edi
	mov $60,%eax             /* SYS_exit: this thread only */
	syscall
	hlt
1:	.cfi_restore_state
	ret
	.cfi_endproc
	.size __clone, .-__clone
/* TLSDESC resolver for static TLS: %rax holds the descriptor, whose
 * second word reloc.c set to the offset from the thread pointer. */
	.global __cfrt_tlsdesc_static
	.hidden __cfrt_tlsdesc_static
	.type __cfrt_tlsdesc_static,@function
__cfrt_tlsdesc_static:
	mov 8(%rax),%rax
	ret
	.size __cfrt_tlsdesc_static, .-__cfrt_tlsdesc_static
	.section .note.GNU-stack,"",@progbits
