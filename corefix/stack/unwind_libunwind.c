/* The second unwinder: libunwind's remote API over the model, the way perf
 * drives it. libunwind-coredump's own core reader is not used: it trusts
 * the core's idea of the program and would get loader-as-command and KM
 * cores wrong. We give libunwind memory (core, then files), registers
 * (NT_PRSTATUS) and unwind tables (each module's .eh_frame_hdr). */
#include <dlfcn.h>
#include <elf.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>

#include "unwind.h"

extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
					      unw_proc_info_t *pi, int need_unwind_info, void *arg);

/* libunwind is loaded only for --unwinder=libunwind: linked in, it and its
 * dependencies cost every corefix start. The header's unw_* macros name
 * the remote (_Ux86_64_*) entry points, which is what we look up. */
#define CF_STR2(x) #x
#define CF_STR(x) CF_STR2(x)
#define CF_UNW_FUNCS(X)                                                                                          \
	X(unw_create_addr_space) X(unw_destroy_addr_space) X(unw_init_remote) X(unw_step) X(unw_get_reg)          \
	X(unw_is_signal_frame) X(unw_strerror) X(_Ux86_64_dwarf_search_unwind_table)
static struct {
#define CF_UNW_PTR(f) __typeof__(f) *f;
	CF_UNW_FUNCS(CF_UNW_PTR)
} unw;

static bool unw_load(void)
{
	static int state;  /* 0 not tried, 1 loaded, -1 unavailable */
	if (state)
		return state > 0;
	state = -1;
	void *h = dlopen("libunwind-x86_64.so.8", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
#define CF_UNW_SYM(f) if (!(*(void **)&unw.f = dlsym(h, CF_STR(f)))) return false;
	CF_UNW_FUNCS(CF_UNW_SYM)
	state = 1;
	return true;
}

struct uctx {
	const struct cf_model *m;
	const struct cf_regs *r;
};

static bool read_u(const struct cf_model *m, uint64_t addr, void *out, size_t n)
{
	return cf_model_read(m, addr, out, n) == n;
}

/* .eh_frame_hdr: version, eh_frame_ptr_enc, fde_count_enc, table_enc, then
 * the encoded eh_frame pointer and FDE count, then the sorted table. Only
 * the encodings every linker writes are accepted. */
static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need, void *arg)
{
	struct uctx *u = arg;
	const struct cf_model *m = u->m;
	for (size_t i = 0; i < m->nmod; i++) {
		const struct cf_module *mod = &m->mod[i];
		if (!mod->elf_known || !mod->has_bias || ip - mod->lo >= mod->hi - mod->lo)
			continue;
		const GElf_Phdr *eh = cf_elf_phdr(&mod->info, PT_GNU_EH_FRAME);
		unsigned char h[12];
		if (!eh || !read_u(m, mod->bias + eh->p_vaddr, h, sizeof h))
			return -UNW_ENOINFO;
		if (h[0] != 1 || h[2] != 0x03 || h[3] != 0x3b)  /* udata4 count, datarel|sdata4 table */
			return -UNW_ENOINFO;
		uint32_t count;
		memcpy(&count, h + 8, 4);
		unw_dyn_info_t di;
		memset(&di, 0, sizeof di);
		di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
		di.start_ip = mod->lo;
		di.end_ip = mod->hi;
		di.u.rti.segbase = mod->bias + eh->p_vaddr;
		di.u.rti.table_data = mod->bias + eh->p_vaddr + 12;
		di.u.rti.table_len = count * 8 / sizeof(unw_word_t);
		return unw._Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need, arg);
	}
	return -UNW_ENOINFO;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as, (void)arg;
	free(pi->unwind_info);
	pi->unwind_info = NULL;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as, (void)addr, (void)arg;
	return -UNW_ENOINFO;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	(void)as;
	struct uctx *u = arg;
	if (write)
		return -UNW_EREADONLYREG;
	unsigned char b[8];
	if (!read_u(u->m, addr, b, 8))
		return -UNW_EINVAL;
	*val = cf_u64(&u->m->core.order, b);
	return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
	(void)as;
	struct uctx *u = arg;
	if (write)
		return -UNW_EREADONLYREG;
	if (reg == UNW_REG_IP) {
		*val = u->r->pc;
		return 0;
	}
	if (reg < 0 || !cf_regs_has(u->r, (unsigned)reg))
		return -UNW_EBADREG;
	*val = u->r->val[reg];  /* libunwind's x86-64 numbering is DWARF's */
	return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg)
{
	(void)as, (void)reg, (void)val, (void)write, (void)arg;
	return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as, (void)c, (void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len, unw_word_t *off, void *arg)
{
	(void)as, (void)addr, (void)buf, (void)len, (void)off, (void)arg;
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

static int unwind(const struct cf_model *m, const struct cf_regs *regs, struct cf_symbolizer *s, size_t max,
		  struct cf_backtrace *bt)
{
	(void)s;  /* frames are symbolized by the backtrace, after the walk */
	/* Debian's libunwind remote API is built for the host only. */
	if (m->core.machine != EM_X86_64 || !m->core.order.is64 || !unw_load())
		return -1;
	unw_addr_space_t as = unw.unw_create_addr_space(&accessors, 0);
	if (!as)
		return -1;
	for (size_t i = 0; i < bt->nthread; i++) {
		struct cf_thread_bt *t = &bt->thread[i];
		struct uctx u = {.m = m, .r = &regs[t->note]};
		unw_cursor_t cur;
		if (!u.r->ok || unw.unw_init_remote(&cur, as, &u) != 0) {
			t->end = cf_xstrdup("libunwind cannot start here");
			continue;
		}
		bool activation = true;
		for (;;) {
			unw_word_t ip, sp = 0;
			unw.unw_get_reg(&cur, UNW_REG_SP, &sp);
			if (unw.unw_get_reg(&cur, UNW_REG_IP, &ip) != 0 || !cf_frame_push(t, max, ip, sp, activation))
				break;
			/* The frame a signal trampoline returns to was interrupted, not called. */
			activation = unw.unw_is_signal_frame(&cur) > 0;
			int r = unw.unw_step(&cur);
			if (r < 0 && !t->end)
				t->end = cf_xasprintf("libunwind: %s", unw.unw_strerror(r));
			if (r <= 0)
				break;
		}
	}
	unw.unw_destroy_addr_space(as);
	return 0;
}

const struct cf_unwinder cf_unwinder_libunwind = {
	.name = "libunwind", .cannot = "x86-64 only, with libunwind-x86_64.so.8 installed", .unwind = unwind};
